"""A deep MLP with a sigmoid in every hidden layer: the first layers barely learn."""
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
features = rng.normal(size=(2000, 30)).astype("float32")
labels = (features[:, :5].sum(axis=1) > 0).astype("float32")

model = tf.keras.Sequential([
    tf.keras.Input(shape=(30,)),
    tf.keras.layers.Dense(64, activation="sigmoid"),
    tf.keras.layers.Dense(64, activation="sigmoid"),
    tf.keras.layers.Dense(64, activation="sigmoid"),
    tf.keras.layers.Dense(64, activation="sigmoid"),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(features, labels, epochs=10, validation_split=0.2)
