"""Images scaled into [0, 1] twice (analysis/rescaling.py, KC403): ``convert_image_dtype`` of
decoded 8-bit pixels already divides by 255, so a second division leaves them in [0, 1/255].
Lines are marked ``# expect: KC403``; every other line must stay silent."""

from __future__ import annotations

import pytest
from conftest import expected_lines, lint


def assert_marked(code: str) -> None:
    found = sorted((d.line, d.code) for d in lint(code) if d.code == "KC403")
    assert found == sorted(expected_lines(code))


TWICE = {
    "a serving decoder": """
import tensorflow as tf

def decode_upload(payload):
    pixels = tf.io.decode_png(payload, channels=3)
    pixels = tf.image.convert_image_dtype(pixels, tf.float32)
    pixels = tf.image.resize(pixels, (224, 224))
    return pixels / 255.0  # expect: KC403
""",
    "an in-place multiplication by 1/255": """
import tensorflow as tf

def load_picture(path):
    picture = tf.image.decode_jpeg(tf.io.read_file(path))
    picture = tf.image.convert_image_dtype(picture, dtype=tf.float32)
    picture *= 1.0 / 255  # expect: KC403
    return picture
""",
}

ONCE = {
    "converted only": """
import tensorflow as tf

def decode_upload(payload):
    pixels = tf.io.decode_jpeg(payload, channels=3)
    pixels = tf.image.convert_image_dtype(pixels, tf.float32)
    return tf.image.resize(pixels, (224, 224))
""",
    "divided only": """
import tensorflow as tf

def decode_upload(payload):
    pixels = tf.cast(tf.io.decode_jpeg(payload, channels=3), tf.float32)
    return pixels / 255.0
""",
    "cast to float first: the conversion changes nothing": """
import tensorflow as tf

def decode_upload(payload):
    pixels = tf.cast(tf.io.decode_jpeg(payload, channels=3), tf.float32)
    pixels = tf.image.convert_image_dtype(pixels, tf.float32)
    return pixels / 255.0
""",
    "16-bit pixels and a conversion to 8 bits": """
import tensorflow as tf

def decode_scan(payload):
    deep = tf.io.decode_png(payload, dtype=tf.uint16)
    deep = tf.image.convert_image_dtype(deep, tf.float32) / 255.0
    small = tf.image.convert_image_dtype(tf.io.decode_png(payload), tf.uint8)
    return deep, small / 255
""",
    "the converted image shifted and halved, not divided by 255": """
import tensorflow as tf

def decode_upload(payload):
    pixels = tf.image.convert_image_dtype(tf.io.decode_jpeg(payload), tf.float32)
    return (pixels - 0.5) / 0.5
""",
}


@pytest.mark.parametrize("name", sorted(TWICE))
def test_a_second_division_by_255_is_reported(name):
    assert_marked(TWICE[name])


@pytest.mark.parametrize("name", sorted(ONCE))
def test_one_scaling_stays_silent(name):
    assert_marked(ONCE[name])


SERVED = """
import tensorflow as tf
from tensorflow import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0
model = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Flatten(),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, validation_data=(x_test, y_test))
digit = tf.io.decode_png(tf.io.read_file("digit.png"), channels=1)
digit = tf.image.resize({digit}, (28, 28))
print(model.predict(digit[None, ...])){mark}
"""


def test_a_decoded_photo_predicted_raw_after_training_on_scaled_pixels():
    # decoded pixels are 0-255 (an image loader, RULES.md KC401/KC403)
    assert_marked(SERVED.format(digit="digit", mark="  # expect: KC403"))


@pytest.mark.parametrize("digit", ["tf.image.convert_image_dtype(digit, tf.float32)",
                                   "tf.cast(digit, tf.float32) / 255.0"])
def test_a_decoded_photo_scaled_once_before_predict_stays_silent(digit):
    assert_marked(SERVED.format(digit=digit, mark=""))
