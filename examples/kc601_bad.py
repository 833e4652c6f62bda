"""A Keras 2 tutorial's imports and paths under Keras 3 (seed quiz 2, options A and D)."""
import numpy as np
import tensorflow as tf
from keras.layers.core import Dense, Dropout  # expect: KC601

rng = np.random.default_rng(0)
x = rng.normal(size=(500, 8)).astype("float32")
y = (x[:, 0] > 0).astype("float32")

model = tf.keras.Sequential()
model.add(tf.keras.Input(shape=(8,)))
model.add(tf.keras.Dense(10, activation="relu"))  # expect: KC601
model.add(tf.layers.Dense(activation="relu", units=10))  # expect: KC601
model.add(Dropout(0.2))
model.add(Dense(1, activation="sigmoid"))
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=5, validation_split=0.2)
