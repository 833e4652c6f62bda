# expect-codes: KC301 KC401
"""A training script organised in functions, run under a __main__ guard."""
import argparse

import tensorflow as tf


def load():
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.cifar10.load_data()
    return (x_train, y_train), (x_test, y_test)


def build(num_classes):
    model = tf.keras.Sequential()
    model.add(tf.keras.Input(shape=(32, 32, 3)))
    model.add(tf.keras.layers.Conv2D(32, 3, activation="relu"))
    model.add(tf.keras.layers.Flatten())
    model.add(tf.keras.layers.Dense(num_classes, activation="sigmoid"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    (x_train, y_train), (x_test, y_test) = load()
    model = build(10)
    model.fit(x_train, y_train, epochs=args.epochs, validation_data=(x_test, y_test))


if __name__ == "__main__":
    main()
