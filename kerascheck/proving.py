"""Runtime proofs: TensorFlow builds a rule's bad example and its fixed twin and measures both.

Importing this module is cheap; TensorFlow is imported by :func:`load_tensorflow`, called inside
each proof.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class RuntimeUnavailable(RuntimeError):
    """TensorFlow is not installed: install ``kerascheck[runtime]``."""


@dataclass
class Evidence:
    """What a proof measured.

    ``measurements`` maps a short label to a number or text, e.g.
    ``{"bad: sum of sigmoid outputs": 1.71, "good: sum of softmax outputs": 1.0}``. ``verdict`` is
    True only if the bad model showed the symptom and the good one did not.
    """

    code: str
    verdict: bool
    summary: str
    measurements: dict = field(default_factory=dict)


def load_tensorflow(seed: int = 0):
    """Import TensorFlow quietly on the CPU, seed everything, and return ``(tf, keras, np)``."""
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    try:
        import numpy as np
        import tensorflow as tf
    except ImportError as error:  # pragma: no cover - exercised without the extra
        raise RuntimeUnavailable(
            "the runtime checks need TensorFlow: pip install 'kerascheck[runtime]'") from error
    keras = tf.keras
    keras.utils.set_random_seed(seed)
    return tf, keras, np


def prove_command(argv: list[str]) -> int:
    """``kerascheck prove [CODE ...]`` (to be completed by the runtime work)."""
    raise NotImplementedError
