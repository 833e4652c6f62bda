# expect-codes: KC301 KC401
"""A command-line training script in functions, run under a __main__ guard."""
import argparse

import tensorflow as tf


def read_data():
    return tf.keras.datasets.cifar100.load_data()


def make_model(classes):
    net = tf.keras.Sequential()
    net.add(tf.keras.Input(shape=(32, 32, 3)))
    net.add(tf.keras.layers.Conv2D(24, 5, activation="relu"))
    net.add(tf.keras.layers.GlobalMaxPooling2D())
    net.add(tf.keras.layers.Dense(classes, activation="sigmoid"))
    net.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return net


def run():
    options = argparse.ArgumentParser()
    options.add_argument("--sweeps", type=int, default=3)
    settings = options.parse_args()
    (images, labels), (held_images, held_labels) = read_data()
    net = make_model(100)
    net.fit(images, labels, epochs=settings.sweeps, validation_data=(held_images, held_labels))


if __name__ == "__main__":
    run()
