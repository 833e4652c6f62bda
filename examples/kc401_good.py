"""Standardize the pixels with the training set's statistics before fit()."""
import tensorflow as tf

(raw_data, labels), (test_data, test_labels) = tf.keras.datasets.mnist.load_data()
mean, std = raw_data.mean(), raw_data.std()
normalized_data = (raw_data - mean) / std
normalized_test = (test_data - mean) / std

model = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(normalized_data, labels, epochs=10, validation_data=(normalized_test, test_labels))
