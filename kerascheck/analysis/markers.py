"""Byte markers read before any parse: whether a file is worth linting at all. (No LibCST
here: a warm run, every result in the cache, reads them and imports nothing of the analysis.)"""

from __future__ import annotations


# A script of its own that prepares a training run's data (fits a scaler on the whole series,
# cuts it, and saves the train and test arrays a Keras script of the project loads) never
# mentions Keras, yet its fits are what KC402 judges. Byte markers, read before any parse like
# the engine's Keras markers: a statistics estimator made, something saved, training named.
_STATISTICS_MARKERS = (b"Scaler(", b"PCA(", b"Imputer(", b"QuantileTransformer(",
                       b"PowerTransformer(")
_SAVE_MARKERS = (b".save(", b".savez", b".to_csv(", b"dump(")


def prepares_training_data(source: bytes) -> bool:
    """Whether a file that never mentions Keras looks like the data preparation of a training
    run (then the engine lints it, for KC402): it makes a statistics estimator and saves data."""
    return b"train" in source and any(marker in source for marker in _STATISTICS_MARKERS) and \
        any(marker in source for marker in _SAVE_MARKERS)
