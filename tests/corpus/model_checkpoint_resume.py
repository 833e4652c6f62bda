"""Resume training: build, compile, load weights when a checkpoint exists, then fit."""
import os
import numpy as np
from tensorflow import keras


def build():
    model = keras.Sequential([keras.Input(shape=(10,)),
                              keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


checkpoint = "weights.weights.h5"
model = build()
if os.path.exists(checkpoint):
    model.load_weights(checkpoint)
x = np.random.rand(512, 10)
y = x.sum(axis=1)
if os.environ.get("FAST"):
    epochs = 1
else:
    epochs = 50
model.fit(x, y, epochs=epochs, validation_split=0.2,
          callbacks=[keras.callbacks.ModelCheckpoint(checkpoint, save_weights_only=True)])
model.evaluate(x[:64], y[:64])
