"""TensorFlow, imported quietly and seeded, only when a proof asks for it."""

from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager

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
        with _native_chatter_filtered():
            import numpy as np
            import tensorflow as tf
    except ImportError as error:  # pragma: no cover - exercised without the extra
        raise RuntimeUnavailable(INSTALL_HINT) from error
    keras = tf.keras
    try:
        # no gc.collect() of the whole heap: in one `prove` run over many files it cost 0.25 s
        # to 1 s per call (twice per finding, more than most proofs); Python's own collector
        # still frees the old models' cycles
        keras.backend.clear_session(free_memory=False)
    except TypeError:  # tf_keras: no such argument
        keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    return tf, keras, np


def tensorflow_available() -> bool:
    """Whether TensorFlow can be imported (without importing it)."""
    import importlib.util

    if "tensorflow" in sys.modules:  # None there means "blocked": import would fail
        return sys.modules["tensorflow"] is not None
    return importlib.util.find_spec("tensorflow") is not None


# What TensorFlow's native code prints on import whatever TF_CPP_MIN_LOG_LEVEL says: absl's
# notice that logging is not initialised, and its INFO/WARNING lines (no CUDA driver, CPU
# features, oneDNN). Errors (E, F) are kept.
_CHATTER = re.compile(r"^WARNING: All log messages before absl::InitializeLog\(\)"
                      r"|^[IW]\d{4} [\d:.]+\s+\d+ [\w./-]+:\d+\] "
                      r"|^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IW] ")


@contextmanager
def _native_chatter_filtered():
    """Standard error at the file-descriptor level (where C++ writes) sent to a temporary file
    for the duration, then everything but :data:`_CHATTER` written back."""
    import tempfile

    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real fd 2: nothing to filter
        yield
        return
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            lines = capture.read().decode("utf-8", "replace").splitlines(keepends=True)
            kept = "".join(line for line in lines if not _CHATTER.search(line))
            if kept:
                sys.stderr.write(kept)
                sys.stderr.flush()
