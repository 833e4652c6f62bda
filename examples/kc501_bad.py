"""Train on everything, test on nothing (seed Common Pitfall 3)."""
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
all_data = rng.normal(size=(1000, 20)).astype("float32")
all_labels = (all_data[:, 0] > 0).astype("float32")

model = tf.keras.Sequential([
    tf.keras.Input(shape=(20,)),
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(all_data, all_labels, epochs=20)
