"""A subclassed autoencoder that squeezes digit images through a 32-number code; trained to
reproduce its own input, so a sigmoid output with squared error is right here."""
import numpy as np
import tensorflow as tf
from tensorflow.keras import layers, losses

(train_digits, _), (test_digits, _) = tf.keras.datasets.mnist.load_data()
train_digits = train_digits.astype("float32") / 255.0
test_digits = test_digits.astype("float32") / 255.0


class Compressor(tf.keras.Model):
    def __init__(self, code_width, image_shape):
        super().__init__()
        pixel_count = int(np.prod(image_shape))
        self.squeeze = tf.keras.Sequential([
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(code_width, activation="relu"),
        ])
        self.expand = tf.keras.Sequential([
            layers.Dense(128, activation="relu"),
            layers.Dense(pixel_count, activation="sigmoid"),
            layers.Reshape(image_shape),
        ])

    def call(self, images):
        return self.expand(self.squeeze(images))


compressor = Compressor(32, train_digits.shape[1:])
compressor.compile(optimizer="adam", loss=losses.MeanSquaredError())
compressor.fit(train_digits, train_digits, epochs=12, batch_size=256, shuffle=True,
               validation_data=(test_digits, test_digits))
codes = compressor.squeeze(test_digits[:100]).numpy()
redrawn = compressor.expand(codes).numpy()
print("mean reconstruction error", float(np.mean((redrawn - test_digits[:100]) ** 2)))
