"""Training from Python generators, a keras.utils.Sequence and tf.data.Dataset.from_generator."""
import math
import numpy as np
import tensorflow as tf
from tensorflow import keras


class CIFARSequence(keras.utils.Sequence):
    def __init__(self, x_set, y_set, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y = x_set, y_set
        self.batch_size = batch_size

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, idx):
        low = idx * self.batch_size
        high = min(low + self.batch_size, len(self.x))
        return self.x[low:high] / 255.0, self.y[low:high]


def batch_generator(x, y, batch_size=32):
    while True:
        index = np.random.randint(0, len(x), batch_size)
        yield x[index] / 255.0, y[index]


(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
model = keras.Sequential([
    keras.Input(shape=(32, 32, 3)),
    keras.layers.Conv2D(32, 3, activation="relu"),
    keras.layers.GlobalAveragePooling2D(),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(CIFARSequence(x_train, y_train, 64), epochs=2,
          validation_data=CIFARSequence(x_test, y_test, 64))
model.fit(batch_generator(x_train, y_train), steps_per_epoch=100, epochs=2,
          validation_data=batch_generator(x_test, y_test), validation_steps=10)

dataset = tf.data.Dataset.from_generator(
    lambda: batch_generator(x_train, y_train),
    output_signature=(tf.TensorSpec(shape=(None, 32, 32, 3), dtype=tf.float32),
                      tf.TensorSpec(shape=(None, 1), dtype=tf.uint8)))
model.fit(dataset, steps_per_epoch=50, epochs=1, validation_data=(x_test / 255.0, y_test))
