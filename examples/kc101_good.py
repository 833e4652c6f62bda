"""Declare the input first, and the summary shows real shapes and parameter counts."""
import tensorflow as tf

model = tf.keras.Sequential()
model.add(tf.keras.Input(shape=(3,)))
model.add(tf.keras.layers.Dense(10, activation="relu"))
model.add(tf.keras.layers.Dense(1))
model.compile(optimizer="adam", loss="mse")
model.summary()
