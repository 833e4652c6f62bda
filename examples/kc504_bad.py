"""A model built in one function and trained in another, never compiled."""
import numpy as np
from tensorflow import keras


def build_model(features):
    inputs = keras.Input(shape=(features,))
    hidden = keras.layers.Dense(32, activation="relu")(inputs)
    outputs = keras.layers.Dense(1)(hidden)
    return keras.Model(inputs, outputs)


def train(model, x, y):
    model.fit(x, y, epochs=10, validation_split=0.2)
    return model


rng = np.random.default_rng(0)
x = rng.normal(size=(500, 8)).astype("float32")
y = x.sum(axis=1)
train(build_model(8), x, y)
