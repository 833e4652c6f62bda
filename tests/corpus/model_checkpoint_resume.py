"""Resumable training: the model is rebuilt and compiled, earlier weights are loaded when a
checkpoint exists, and a checkpoint callback keeps saving while it trains."""
import os

import numpy as np
from tensorflow import keras

CHECKPOINT = "sum_regressor.weights.h5"


def sum_regressor():
    regressor = keras.Sequential([
        keras.Input(shape=(6,)),
        keras.layers.Dense(24, activation="relu"),
        keras.layers.Dense(12, activation="relu"),
        keras.layers.Dense(1),
    ])
    regressor.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mse", metrics=["mae"])
    return regressor


regressor = sum_regressor()
if os.path.exists(CHECKPOINT):
    regressor.load_weights(CHECKPOINT)

# Synthetic target (the sum of the inputs): the script demonstrates resuming, not a dataset.
inputs = np.random.uniform(-1.0, 1.0, size=(1000, 6)).astype("float32")
totals = inputs.sum(axis=1, keepdims=True)
sweeps = 2 if os.environ.get("QUICK_RUN") else 40
saver = keras.callbacks.ModelCheckpoint(CHECKPOINT, save_weights_only=True)
regressor.fit(inputs, totals, epochs=sweeps, validation_split=0.2, callbacks=[saver])
regressor.evaluate(inputs[:100], totals[:100])
