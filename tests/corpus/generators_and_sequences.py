"""Three ways to stream batches into fit(): a keras.utils.Sequence, a plain Python generator and
tf.data.Dataset.from_generator, each scaling the pixels as it goes."""
import math

import numpy as np
import tensorflow as tf
from tensorflow import keras


class ShuffledBatches(keras.utils.Sequence):
    """Yields scaled image batches in a new order every epoch."""

    def __init__(self, images, labels, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.images, self.labels = images, labels
        self.batch_size = batch_size
        self.order = np.arange(len(images))

    def __len__(self):
        return math.ceil(len(self.images) / self.batch_size)

    def __getitem__(self, index):
        chosen = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        return self.images[chosen].astype("float32") / 255.0, self.labels[chosen].astype("int64")

    def on_epoch_end(self):
        np.random.shuffle(self.order)


def endless_batches(images, labels, batch_size=48):
    while True:
        picked = np.random.choice(len(images), batch_size, replace=False)
        yield images[picked].astype("float32") / 255.0, labels[picked].astype("int64")


(train_images, train_labels), (test_images, test_labels) = keras.datasets.cifar100.load_data()
fine_classes = keras.Sequential([
    keras.Input(shape=(32, 32, 3)),
    keras.layers.Conv2D(48, 3, activation="relu", padding="same"),
    keras.layers.MaxPooling2D(),
    keras.layers.Conv2D(96, 3, activation="relu", padding="same"),
    keras.layers.GlobalAveragePooling2D(),
    keras.layers.Dense(100, activation="softmax"),
])
fine_classes.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                     metrics=["accuracy"])

fine_classes.fit(ShuffledBatches(train_images, train_labels, 96), epochs=3,
                 validation_data=ShuffledBatches(test_images, test_labels, 96))
fine_classes.fit(endless_batches(train_images, train_labels), steps_per_epoch=200, epochs=2,
                 validation_data=endless_batches(test_images, test_labels), validation_steps=20)

streamed = tf.data.Dataset.from_generator(
    lambda: endless_batches(train_images, train_labels),
    output_signature=(tf.TensorSpec(shape=(None, 32, 32, 3), dtype=tf.float32),
                      tf.TensorSpec(shape=(None, 1), dtype=tf.int64)))
fine_classes.fit(streamed, steps_per_epoch=100, epochs=1,
                 validation_data=(test_images / 255.0, test_labels))
