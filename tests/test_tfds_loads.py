"""TensorFlow Datasets' ``tfds.load(name, split=...)`` as a real dataset, told apart by its name
and its split's literal text: ``"train+test"`` holds the test split, ``"train[:10%]"`` is a slice
of the training split, two different slices are two data; the image sets are raw pixels and,
``as_supervised``, integer class ids of a known number of classes."""

import textwrap

import libcst as cst
import pytest

from kerascheck.analysis.origins import cuts_targets_from_inputs

from kerascheck.engine import lint_source
from kerascheck.settings.config import Config

MODEL = """
import tensorflow as tf
import tensorflow_datasets as tfds
from tensorflow import keras

def scale(image, label):
    return tf.cast(image, tf.float32) / 255.0, label

net = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    keras.layers.Flatten(),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(UNITS, activation="softmax"),
])
net.compile(optimizer="adam", loss="LOSS", metrics=["accuracy"])
"""


def codes(body: str, units: int = 10, loss: str = "sparse_categorical_crossentropy"):
    source = MODEL.replace("UNITS", str(units)).replace("LOSS", loss) + textwrap.dedent(body)
    result = lint_source(source, "train.py", Config(select=("ALL",)))
    assert not result.errors
    return sorted((d.line - MODEL.count("\n"), d.code) for d in result.diagnostics)


@pytest.mark.parametrize("trained, validated", [
    ("train+test", "test"),  # the validation split inside the training splits
    ("train", "train[:10%]"),  # a slice of the training split
])
def test_validation_data_inside_the_training_data(trained, validated):
    found = codes(f"""
        train = tfds.load("mnist", split="{trained}", as_supervised=True).map(scale)
        held = tfds.load("mnist", split="{validated}", as_supervised=True).map(scale)
        net.fit(train.batch(64), validation_data=held.batch(64), epochs=3)
    """)
    assert found == [(4, "KC505")]


def test_disjoint_slices_and_other_splits_are_other_data():
    found = codes("""
        train = tfds.load("mnist:3.*.*", split="train[:90%]", as_supervised=True).map(scale)
        held = tfds.load("mnist", split="train[90%:]", as_supervised=True).map(scale)
        net.fit(train.batch(64), validation_data=held.batch(64), epochs=3)
        (first, second), info = tfds.load("mnist", split=["train", "test"],
                                          as_supervised=True, with_info=True)
        net.fit(first.map(scale).batch(64), validation_data=second.map(scale).batch(64))
        net.fit(first.map(scale).batch(64), validation_data=first.map(scale).take(10))
    """)
    # only the last fit: its validation batches are taken from the very split it trains on
    assert found == [(8, "KC505")]


def test_a_split_not_written_out_is_not_followed():
    found = codes("""
        every = tfds.load("mnist", as_supervised=True)
        net.fit(every["train"].map(scale).batch(64), validation_data=every["test"].batch(64))
        name = "train"
        chosen = tfds.load("mnist", split=name, as_supervised=True)
        net.fit(chosen.map(scale).batch(64), validation_data=chosen.map(scale).batch(64))
    """)
    assert (3, "KC505") not in found and found.count((6, "KC505")) <= 1
    assert (3, "KC401") not in found  # the dict's values are unknown data


def test_raw_pixels_and_integer_labels_of_a_supervised_image_set():
    found = codes("""
        (train, test), info = tfds.load("fashion_mnist", split=["train", "test"],
                                        as_supervised=True, with_info=True)
        net.fit(train.batch(64), validation_data=test.batch(64), epochs=3)
    """, loss="categorical_crossentropy")
    assert (0, "KC306") in found and (4, "KC401") in found


def test_class_count_of_the_catalog():
    found = codes("""
        train, test = tfds.load("cifar100", split=["train", "test"], as_supervised=True)
        net.fit(train.batch(64), validation_data=test.batch(64), epochs=3)
    """)
    assert (4, "KC308") in found or any(code == "KC308" for _, code in found)


def test_fields_of_a_record_are_not_targets_cut_from_the_inputs():
    def cuts(code: str) -> bool:
        return cuts_targets_from_inputs(cst.parse_expression(code))

    assert not cuts('lambda example: (example["image"], example["label"])')
    assert cuts("lambda window: (window[:, :-1], window[:, 1:])")  # a language model's pairs
    found = codes("""
        train, test = tfds.load("mnist", split=["train", "test"])
        pairs = train.map(lambda example: (example["image"], example["label"]))
        net.fit(pairs.batch(64), validation_data=test.batch(64), epochs=3)
    """)
    assert found == []  # a map the analysis cannot see into may scale


def test_sets_outside_the_catalog_tables_are_of_unknown_scale():
    found = codes("""
        mine, theirs = tfds.load("my_private_set", split=["train", "test"], as_supervised=True)
        net.fit(mine.batch(64), validation_data=theirs.batch(64), epochs=3)
    """, loss="categorical_crossentropy")
    assert found == []
