"""The same script with Keras 3's public paths."""
import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import Dense, Dropout

rng = np.random.default_rng(0)
x = rng.normal(size=(500, 8)).astype("float32")
y = (x[:, 0] > 0).astype("float32")

model = tf.keras.Sequential()
model.add(tf.keras.Input(shape=(8,)))
model.add(tf.keras.layers.Dense(10, activation="relu"))
model.add(tf.keras.layers.Dense(units=10, activation="relu"))
model.add(Dropout(0.2))
model.add(Dense(1, activation="sigmoid"))
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=5, validation_split=0.2)
