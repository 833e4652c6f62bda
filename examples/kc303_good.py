"""The same binary classifier with a sigmoid output unit."""
import numpy as np
from tensorflow import keras

rng = np.random.default_rng(0)
x = rng.normal(size=(1000, 10)).astype("float32")
y = (x[:, 0] + x[:, 1] > 0).astype("float32")

model = keras.Sequential([
    keras.Input(shape=(10,)),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=5, validation_split=0.2)
