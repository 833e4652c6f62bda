# expect-codes:
import tensorflow as tf
from tensorflow.keras import layers, Model

inputs = tf.keras.Input(shape=(300,))
hidden = layers.Dense(128, activation="relu")(inputs)
tags = layers.Dense(40, activation="sigmoid")(hidden)
tagger = Model(inputs, tags)
tagger.compile(optimizer="adam", loss="binary_crossentropy", metrics=["binary_accuracy"])
tagger.fit(features, tag_matrix, validation_split=0.1, epochs=10)

(x_train, _), (x_test, _) = tf.keras.datasets.fashion_mnist.load_data()
x_train = x_train.astype("float32") / 255.
x_test = x_test.astype("float32") / 255.
encoder_input = tf.keras.Input(shape=(28, 28))
flat = layers.Flatten()(encoder_input)
code = layers.Dense(64, activation="relu")(flat)
decoded = layers.Dense(784, activation="sigmoid")(code)
reconstruction = layers.Reshape((28, 28))(decoded)
autoencoder = Model(encoder_input, reconstruction)
autoencoder.compile(optimizer="adam", loss="mse")
autoencoder.fit(x_train, x_train, epochs=10, shuffle=True, validation_data=(x_test, x_test))
