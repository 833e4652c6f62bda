"""Raw 0-255 pixels fed straight to fit() (seed Common Pitfall 1)."""
import tensorflow as tf

(raw_data, labels), (test_data, test_labels) = tf.keras.datasets.mnist.load_data()

model = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(raw_data, labels, epochs=10, validation_data=(test_data, test_labels))
