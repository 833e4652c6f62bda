"""Labels and class counts that travel through ``tf.data`` and class folders (round 3's misses,
benchmarks/BUG_CORPUS.md "The held-out check, round 3"), each as a small case written for this
suite beside the look-alikes that must stay silent: integer class ids that a ``map()`` returns
as they came or only cast still reach the loss as integer ids (KC306), while a ``map()`` that
re-encodes them, or a function the analysis cannot read, makes them unknown; and the 0/1 labels
of ``flow_from_directory(class_mode="binary")`` hold two classes (KC308)."""

from __future__ import annotations

import pytest
from conftest import check_expected_beside_api as check

# --- KC306: integer class ids through Dataset.map ---------------------------------------------

DIGITS = """
import tensorflow as tf
from tensorflow import keras
{helper}
(images, digits), (held_images, held_digits) = keras.datasets.mnist.load_data()
stream = tf.data.Dataset.from_tensor_slices((images, digits))
stream = stream.map({mapped}).shuffle(1000).batch(32)
held = tf.data.Dataset.from_tensor_slices((held_images, held_digits)).map({mapped}).batch(32)
net = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                        keras.layers.Dense(10, activation="softmax")])
net.compile(optimizer="adam", loss="{loss}"){mark}
net.fit(stream, epochs=2, validation_data=held)
"""

SCALE_AND_CAST = """
def scale(pixels, digit):
    pixels = tf.cast(pixels, tf.float32) / 255.0
    digit = tf.cast(digit, tf.int64)
    return pixels, digit
"""


@pytest.mark.parametrize("helper, mapped", [
    (SCALE_AND_CAST, "scale"),
    ("", "lambda pixels, digit: (tf.cast(pixels, tf.float32) / 255.0, digit)"),
    ("", "lambda pixels, digit: (pixels / 255, tf.cast(digit, tf.int32))"),
])
def test_integer_ids_returned_as_they_came_or_cast_meet_the_categorical_loss(helper, mapped):
    check(DIGITS.format(helper=helper, mapped=mapped, loss="categorical_crossentropy",
                        mark="  # expect: KC306"))


ONE_HOT_IN_MAP = """
def scale(pixels, digit):
    pixels = tf.cast(pixels, tf.float32) / 255.0
    digit = tf.one_hot(digit, depth=10)
    return pixels, digit
"""
BRANCHING = """
def scale(pixels, digit):
    if flip:
        pixels = tf.image.flip_left_right(pixels)
    return pixels / 255, digit
"""


@pytest.mark.parametrize("helper, mapped", [
    (ONE_HOT_IN_MAP, "scale"),  # re-encoded inside the function: one-hot now
    ("", "lambda pixels, digit: (pixels / 255, tf.one_hot(digit, 10))"),
    ("", "lambda pixels, digit: (pixels / 255, relabel(digit))"),  # an unknown helper
    ("", "lambda pixels, digit: (pixels / 255, digit + 1)"),  # arithmetic: not followed
    (BRANCHING, "scale"),  # branches are not followed
    ("from helpers import scale", "scale"),  # a function the file does not hold
    ("", "lambda pair: pair"),  # one parameter: which item is the label is not read
])
def test_labels_a_map_may_change_stay_unknown(helper, mapped):
    check(DIGITS.format(helper=helper, mapped=mapped, loss="categorical_crossentropy", mark=""))


def test_integer_ids_kept_by_the_map_are_right_for_the_sparse_loss():
    check(DIGITS.format(helper=SCALE_AND_CAST, mapped="scale",
                        loss="sparse_categorical_crossentropy", mark=""))


def test_one_hot_labels_kept_by_the_map_meet_the_sparse_loss():
    check("""
import tensorflow as tf
from tensorflow import keras
(images, digits), _ = keras.datasets.mnist.load_data()
codes = keras.utils.to_categorical(digits, 10)
stream = tf.data.Dataset.from_tensor_slices((images, codes))
stream = stream.map(lambda pixels, code: (pixels / 255, tf.cast(code, tf.float32))).batch(32)
held = stream.take(10)
stream = stream.skip(10)
net = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                        keras.layers.Dense(10, activation="softmax")])
net.compile(optimizer="adam", loss="sparse_categorical_crossentropy")  # expect: KC306
net.fit(stream, epochs=2, validation_data=held)
""")
