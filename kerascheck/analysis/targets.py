"""The Keras a file is judged for (RULES.md "Which Keras"), as the rules see it.

The ``target-version`` setting and its inference live in :mod:`kerascheck.settings.target`;
the names and what each one silences live here, below the rules, so that every rule asks the
same two questions. Each target is older than the one before it: ``keras3`` (TensorFlow >= 2.16,
``import keras`` 3.x), ``keras2`` (TensorFlow 2.0-2.15, standalone Keras 2, ``tf_keras``) and
``tf1`` (TensorFlow 1.x graph code and the Keras 2 of its era, standalone or ``tf.keras``).
"""

from __future__ import annotations

KERAS3 = "keras3"
KERAS2 = "keras2"
TF1 = "tf1"
TARGETS = (KERAS3, KERAS2, TF1)


def keras3_only_silent(target: str) -> bool:
    """Whether a finding true only on Keras 3 is silent for ``target`` (Keras 2 and TF 1)."""
    return target in (KERAS2, TF1)


def tf2_removal_silent(target: str) -> bool:
    """Whether a finding about what TensorFlow 2 removed (``tf.layers``) is silent for it."""
    return target == TF1
