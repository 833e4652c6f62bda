"""TensorFlow, imported quietly and seeded, only when a proof asks for it."""

from __future__ import annotations

import os
import sys

from kerascheck.proofkit.evidence import INSTALL_HINT, RuntimeUnavailable


def load_tensorflow(seed: int = 0):
    """Import TensorFlow quietly on the CPU, seed everything, and return ``(tf, keras, np)``.

    Use in proofs only: it reseeds the process's random generators. Keras 3 (``tf.keras`` under
    TensorFlow >= 2.16) is what it returns.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    # oneDNN reorders float sums: off, so that every run of a proof gives the same numbers
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    try:
        import numpy as np
        import tensorflow as tf
    except ImportError as error:  # pragma: no cover - exercised without the extra
        raise RuntimeUnavailable(INSTALL_HINT) from error
    keras = tf.keras
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    return tf, keras, np


def tensorflow_available() -> bool:
    """Whether TensorFlow can be imported (without importing it)."""
    import importlib.util

    if "tensorflow" in sys.modules:  # None there means "blocked": import would fail
        return sys.modules["tensorflow"] is not None
    return importlib.util.find_spec("tensorflow") is not None
