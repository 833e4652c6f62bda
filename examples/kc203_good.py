"""The same model with He initialization: random weights break the symmetry between units."""
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
features = rng.normal(size=(1000, 20)).astype("float32")
labels = (features[:, 0] * features[:, 1] > 0).astype("float32")

model = tf.keras.Sequential([
    tf.keras.Input(shape=(20,)),
    tf.keras.layers.Dense(32, activation="relu", kernel_initializer="he_normal"),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(features, labels, epochs=20, validation_split=0.2)
