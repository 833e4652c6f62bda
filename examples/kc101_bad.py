"""Inspect a Sequential model before it knows its input shape (seed quiz 4)."""
import tensorflow as tf

model = tf.keras.Sequential()
model.add(tf.keras.layers.Dense(10, activation="relu"))
model.add(tf.keras.layers.Dense(1))
model.compile(optimizer="adam", loss="mse")
model.summary()  # Keras 3 prints "?" shapes and 0 parameters here
