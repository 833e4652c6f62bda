"""Test data that is the training data by where it was read from (BUG_CORPUS.md, session of
2 December afternoon): Keras' download cache handing back the first file for a reused name,
reads that only leave rows out, row masks, and one helper applied to both. Small cases
written for this suite; lines are marked ``# expect: KCnnn`` and every other line must stay
silent."""

from __future__ import annotations

import pytest
from conftest import expected_lines, lint

HOLDOUT_CODES = ("KC501", "KC502", "KC505")


def assert_marked(code: str) -> None:
    found = sorted((d.line, d.code) for d in lint(code) if d.code in HOLDOUT_CODES)
    assert found == sorted(expected_lines(code))


DOWNLOADS = """
import numpy as np
import pandas as pd
import tensorflow as tf

train_path = tf.keras.utils.get_file("loans.csv", "https://example.org/loans_train.csv")
test_path = tf.keras.utils.get_file({test_get})
train = pd.read_csv(train_path, names=["a", "b", "paid"])
test = pd.read_csv(test_path, names=["a", "b", "paid"]{test_read})

def columns(frame):
    frame = frame.dropna()
    target = np.array(frame["paid"] == "yes")
    inputs = {{name: np.array(column) for name, column in frame.drop("paid", axis=1).items()}}
    return inputs, target

model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation="relu"),
                             tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
inputs, target = columns(train)
model.fit(inputs, target, epochs=20)
inputs, target = columns(test)
model.evaluate(inputs, target){mark}
"""


@pytest.mark.parametrize(("test_get", "test_read"), [
    ('"loans.csv", "https://example.org/loans_test.csv"', ""),
    ('"loans.csv", "https://example.org/loans_test.csv"', ", skiprows=[0]"),
    ('"loans.csv", origin="https://example.org/loans_test.csv"', ", nrows=500"),
    ('fname="loans.csv", origin="https://example.org/loans_test.csv", cache_subdir="datasets"',
     ""),
])
def test_a_reused_cache_name_reads_the_training_file(test_get, test_read):
    assert_marked(DOWNLOADS.format(test_get=test_get, test_read=test_read,
                                   mark="  # expect: KC502"))


@pytest.mark.parametrize(("test_get", "test_read"), [
    ('"loans_test.csv", "https://example.org/loans_test.csv"', ""),  # another name: downloaded
    ('"loans.csv", "https://example.org/t.csv", cache_subdir="test"', ""),  # another folder
    ('"loans.csv", "https://example.org/t.csv", file_hash="ab12"', ""),  # a hash: re-checked
    ('"loans.csv", "https://example.org/t.csv", force_download=True', ""),
    ('name, "https://example.org/t.csv"', ""),  # a name the linter cannot read
    ('"loans.csv", "https://example.org/loans_test.csv"', ", sep=';'"),  # read otherwise
    ('"loans.csv", "https://example.org/loans_test.csv"', ", **options"),
])
def test_other_cache_entries_or_other_reads_are_silent(test_get, test_read):
    assert_marked(DOWNLOADS.format(test_get=test_get, test_read=test_read, mark=""))


def test_without_a_name_the_cache_entry_is_the_origins_file_name():
    code = DOWNLOADS.format(
        test_get='origin="https://example.org/test/loans.csv"', test_read="",
        mark="  # expect: KC502").replace(
        'get_file("loans.csv", "https://example.org/loans_train.csv")',
        'get_file(origin="https://example.org/train/loans.csv")')
    assert_marked(code)
    assert_marked(code.replace("test/loans.csv", "test/loans_test.csv").replace(
        "  # expect: KC502", ""))


MASKS = """
import pandas as pd
import tensorflow as tf

frame = pd.read_csv("loans.csv")
model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation="relu"),
                             tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
features = frame.drop(columns="paid")
model.fit(features, frame["paid"], epochs=20)
part = features.loc[{mask}]
model.evaluate(part, labels){mark}
"""


@pytest.mark.parametrize("mask", ['frame["a"] > 40', '(frame.a > 40) & (frame.b == 1)',
                                  '~(frame["b"] != 0)'])
def test_rows_kept_by_a_comparison_mask_are_training_rows(mask):
    assert_marked(MASKS.format(mask=mask, mark="  # expect: KC502"))


@pytest.mark.parametrize("mask", ["held_out", 'frame["a"].isin(chosen)', "select(frame)"])
def test_a_subscript_that_is_not_a_written_comparison_is_silent(mask):
    assert_marked(MASKS.format(mask=mask, mark=""))


HELPER = """
import numpy as np
import tensorflow as tf
from tensorflow.keras.datasets import boston_housing

(x, y), (x_test, y_test) = boston_housing.load_data()

def windows(values):
    rows = []
    for start in range(len(values) - 3):
        rows.append(values[start:start + 3])
    return np.array(rows)

model = tf.keras.Sequential([tf.keras.layers.Flatten(), tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(windows(x), y[3:], epochs=20)
model.evaluate(windows({part}), y_test[3:]){mark}
"""


def test_one_helper_over_rows_of_the_training_data_gives_training_rows():
    assert_marked(HELPER.format(part="x[100:]", mark="  # expect: KC502"))


def test_one_helper_over_other_data_is_silent():
    assert_marked(HELPER.format(part="x_test", mark=""))


BATCHES = """
import glob
import numpy as np
import tensorflow as tf

class Frames(tf.keras.utils.Sequence):
    def __init__(self, paths, batch_size, shuffle=True):
        self.paths = paths
        self.batch_size = batch_size

    def __len__(self):
        return len(self.paths) // self.batch_size

    def __getitem__(self, index):
        chosen = self.paths[index * self.batch_size:(index + 1) * self.batch_size]
        return np.stack([np.load(p) for p in chosen]), np.zeros(len(chosen))

train_paths = sorted(glob.glob("frames/train/*.npy"))
val_paths = sorted(glob.glob("frames/val/*.npy"))
train_batches = Frames(train_paths, 32)
val_batches = {val}
model = tf.keras.Sequential([tf.keras.layers.Flatten(), tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(train_batches, validation_data=val_batches, epochs=10){mark}
"""


def test_validation_batches_built_exactly_as_the_training_batches():
    assert_marked(BATCHES.format(val="Frames(train_paths, 32)", mark="  # expect: KC505"))


@pytest.mark.parametrize("val", [
    "Frames(val_paths, 32)", "Frames(train_paths, 32, shuffle=False)",
    "Frames(train_paths, size)", "Frames(chosen(), 32)",
    "Frames(paths=train_paths, batch_size=32)",
    "Frames(np.random.rand(64, 8), 32)",
])
def test_batches_built_from_other_data_or_other_arguments_are_silent(val):
    assert_marked(BATCHES.format(val=val, mark=""))
