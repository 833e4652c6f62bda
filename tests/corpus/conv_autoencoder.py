"""A convolutional autoencoder that learns to clean noisy digits: first trained to reproduce
clean images, then fine-tuned from corrupted inputs to the clean originals."""
import numpy as np
import keras
from keras import layers

rng = np.random.default_rng(3)


def as_unit_images(raw):
    return (raw.astype("float32") / 255.0)[..., np.newaxis]


def corrupt(images, amount=0.3):
    speckled = images + amount * rng.standard_normal(images.shape)
    return np.clip(speckled, 0.0, 1.0).astype("float32")


(digits, _), (test_digits, _) = keras.datasets.mnist.load_data()
digits, test_digits = as_unit_images(digits), as_unit_images(test_digits)
noisy_digits, noisy_test_digits = corrupt(digits), corrupt(test_digits)

image = keras.Input(shape=(28, 28, 1))
code = layers.Conv2D(16, 3, padding="same", activation="relu")(image)
code = layers.MaxPooling2D(2)(code)
code = layers.Conv2D(8, 3, padding="same", activation="relu")(code)
code = layers.MaxPooling2D(2)(code)
restored = layers.UpSampling2D(2)(code)
restored = layers.Conv2D(8, 3, padding="same", activation="relu")(restored)
restored = layers.UpSampling2D(2)(restored)
restored = layers.Conv2D(16, 3, padding="same", activation="relu")(restored)
restored = layers.Conv2D(1, 3, padding="same", activation="sigmoid")(restored)
denoiser = keras.Model(image, restored, name="denoiser")
denoiser.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
denoiser.summary()

# Pixel intensities in [0, 1] make binary cross-entropy a fair reconstruction loss.
denoiser.fit(digits, digits, epochs=20, batch_size=256, shuffle=True,
             validation_data=(test_digits, test_digits))
denoiser.fit(noisy_digits, digits, epochs=30, batch_size=256, shuffle=True,
             validation_data=(noisy_test_digits, test_digits))
cleaned = denoiser.predict(noisy_test_digits[:16], verbose=0)
