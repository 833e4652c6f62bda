"""Held-out data judged by which rows a value is made of (the holdout family of the round-2
corpus, BUG_CORPUS.md): subsets of one directory cut from differently ordered file lists, test
slices that lie inside the training slice, one model fit fold after fold, and a list of inputs
given to fit and predict. Small cases written for this suite; lines are marked
``# expect: KCnnn`` and every other line must stay silent."""

from __future__ import annotations

import pytest
from conftest import expected_lines, lint

HOLDOUT_CODES = ("KC501", "KC502", "KC505")


def assert_marked(code: str) -> None:
    found = sorted((d.line, d.code) for d in lint(code) if d.code in HOLDOUT_CODES)
    assert found == sorted(expected_lines(code))


SUBSETS = """
import tensorflow as tf
def load(folder, size):
    train = tf.keras.utils.image_dataset_from_directory(
        folder, validation_split=0.2, subset="training", image_size=size, {train})
    val = tf.keras.utils.image_dataset_from_directory(
        folder, validation_split=0.2, subset="validation", image_size=size, {val}
    return train, val
"""


@pytest.mark.parametrize(("train", "val"), [
    ("seed=7, shuffle=True", "seed=7, shuffle=False)  # expect: KC505"),
    ("seed=7", "seed=7, shuffle=False)  # expect: KC505"),
    ("seed=7, shuffle=False", "seed=7)  # expect: KC505"),
    ("seed=7", "seed=8)  # expect: KC505"),
])
def test_subsets_of_one_directory_ordered_differently_overlap(train, val):
    assert_marked(SUBSETS.format(train=train, val=val))


@pytest.mark.parametrize(("train", "val"), [
    ("seed=7", "seed=7)"),
    ("seed=7, shuffle=True", "shuffle=True, seed=7)"),
    ("seed=1, shuffle=False", "seed=2, shuffle=False)"),  # both unshuffled: one sorted list
    ("seed=7", "seed=seed)"),  # a seed the linter cannot read
    ("seed=7, shuffle=True", "seed=7, shuffle=flag)"),
])
def test_subsets_ordered_alike_or_unknown_are_silent(train, val):
    assert_marked(SUBSETS.format(train=train, val=val))


def test_subsets_of_other_directories_or_splits_are_silent():
    code = SUBSETS.format(train="seed=7", val="seed=8)").replace(
        'folder, validation_split=0.2, subset="validation"',
        'other, validation_split=0.2, subset="validation"')
    assert_marked(code)
    assert_marked(SUBSETS.format(train="seed=7", val="seed=8)").replace(
        'validation_split=0.2, subset="validation"', 'validation_split=0.1, subset="validation"'))


HEADS = """
import pandas as pd
from tensorflow import keras
series = pd.read_csv("sensor.csv")["level"]
series = (series - series.mean()) / series.std()
def windows(values, width):
    inputs, targets = [], []
    for start in range(len(values) - width):
        inputs.append(values[start:start + width])
        targets.append(values[start + width])
    return inputs, targets
n_train = int(len(series) * 0.7)
n_test = len(series) - n_train
train_x, train_y = windows(series.iloc[0:n_train].values, 4)
test_x, test_y = windows(series.iloc[{test}].values, 4)
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                          keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(train_x, train_y, epochs=20)
print("training score:", model.evaluate(train_x, train_y))
print("test:", model.evaluate(test_x, test_y)){mark}
"""


@pytest.mark.parametrize("test", ["0:n_test", ":n_test"])
def test_a_test_head_inside_the_training_head_is_training_data(test):
    assert_marked(HEADS.format(test=test, mark="  # expect: KC502"))


@pytest.mark.parametrize("test", ["n_train:", "n_train:n_train + n_test", "-n_test:"])
def test_a_test_slice_after_the_training_head_is_held_out(test):
    assert_marked(HEADS.format(test=test, mark=""))


def test_a_slice_of_the_training_rows_is_training_data():
    assert_marked("""
import numpy as np
import keras
data = np.loadtxt("rows.csv", delimiter=",")
x, y = data[:, :-1] / 50.0, data[:, -1]
model = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=30)
model.evaluate(x[-300:], y[-300:])  # expect: KC502
""")


MANUAL_FOLDS = """
import numpy as np
import pandas as pd
from keras.models import Sequential
from keras.layers import Dense, Input
table = pd.read_csv("wine.csv").sample(frac=1)
y = np.ravel(table.quality)
x = table.drop(["quality"], axis=1) / 10.0
{before}
k, size = 5, len(x) // 5
for fold in range(k):
{inside}
    test_x, test_y = x[{test}], y[{test}]
    train_x = np.concatenate([x[:fold * size], x[(fold + 1) * size:]])
    train_y = np.concatenate([y[:fold * size], y[(fold + 1) * size:]])
    model.fit(train_x, train_y, epochs=15)
    print(model.evaluate(test_x, test_y)){mark}
"""
BUILD = """model = Sequential([Input(shape=(12,)), Dense(32, activation="relu"), Dense(1)])
model.compile(optimizer="rmsprop", loss="mse")"""


def _indented(code: str) -> str:
    return "\n".join("    " + line for line in code.splitlines())


def test_one_model_fit_fold_after_fold_is_evaluated_on_rows_it_trained_on():
    assert_marked(MANUAL_FOLDS.format(before=BUILD, inside="    pass",
                                      test="fold * size:(fold + 1) * size",
                                      mark="  # expect: KC502"))


@pytest.mark.parametrize(("before", "inside", "test"), [
    ("", _indented(BUILD), "fold * size:(fold + 1) * size"),  # a fresh model each round
    (BUILD + "\nstart = model.get_weights()", "    model.set_weights(start)",
     "fold * size:(fold + 1) * size"),  # reset each round
    (BUILD, "    pass", "0:size"),  # not the complement of its training rows
])
def test_a_fresh_or_reset_model_per_fold_is_silent(before, inside, test):
    assert_marked(MANUAL_FOLDS.format(before=before, inside=inside, test=test, mark=""))


SPLITTER_FOLDS = """
import pandas as pd
import keras
from sklearn.model_selection import {splitter}
frame = pd.read_csv("patients.csv")
x, y = frame.drop(columns="outcome").values / 100.0, frame["outcome"].values
model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
scores = []
for train, test in {splitter}(n_splits=4).split(x):
    model.fit(x[train], y[train], epochs=10)
    scores.append(model.evaluate(x[test], y[test])){mark}
"""


def test_one_model_fit_on_every_splitter_fold_is_evaluated_on_rows_it_trained_on():
    assert_marked(SPLITTER_FOLDS.format(splitter="KFold", mark="  # expect: KC502"))


@pytest.mark.parametrize("code", [
    SPLITTER_FOLDS.format(splitter="TimeSeriesSplit", mark=""),  # warm-started, never leaked
    SPLITTER_FOLDS.format(splitter="ShuffleSplit", mark="").replace("n_splits=4", "n_splits=1"),
    SPLITTER_FOLDS.format(splitter="KFold", mark="") + "    break\n",  # one round only
])
def test_one_model_through_forward_or_single_round_folds_is_silent(code):
    assert_marked(code)


CHAINS = """
import argparse
import numpy as np
import pandas as pd
from tensorflow import keras
parser = argparse.ArgumentParser()
parser.add_argument("--chain", default="ab")
args = parser.parse_args()
train_table, test_table = pd.read_csv("train.csv"), pd.read_csv("test.csv")
def encode(column):
    return np.stack([np.frombuffer(text.encode(), dtype=np.uint8)[:20] for text in column])
def two_inputs():
    a, b = keras.Input(shape=(20,)), keras.Input(shape=(20,))
    joined = keras.layers.concatenate([keras.layers.Dense(8, activation="relu")(a),
                                       keras.layers.Dense(8, activation="relu")(b)])
    return keras.Model([a, b], keras.layers.Dense(1, activation="sigmoid")(joined))
def one_input():
    a = keras.Input(shape=(20,))
    hidden = keras.layers.Dense(8, activation="relu")(a)
    return keras.Model(a, keras.layers.Dense(1, activation="sigmoid")(hidden))
y_train = np.array(train_table.label)
if args.chain == "ab":
    alpha_train, beta_train = encode(train_table.alpha), encode(train_table.beta)
    alpha_test, beta_test = encode(test_table.alpha), encode(test_table.beta)
    train_inputs = [{first}, {second}]
    test_inputs = [alpha_test, beta_test]
    model = two_inputs()
elif args.chain == "a":
    alpha_train, alpha_test = encode(train_table.alpha), encode(test_table.alpha)
    train_inputs = [{single}]
    test_inputs = [alpha_test]
    model = one_input()
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(train_inputs, y_train, epochs=30)
predictions = model.predict(test_inputs){mark}
pd.DataFrame({{"prediction": np.ravel(predictions)}}).to_csv("out.csv")
"""


def test_fit_on_the_test_inputs_of_each_branch_then_predicted_as_test():
    assert_marked(CHAINS.format(first="alpha_test", second="beta_test", single="alpha_test",
                                mark="  # expect: KC502"))


def test_fit_on_the_training_inputs_of_each_branch_is_silent():
    assert_marked(CHAINS.format(first="alpha_train", second="beta_train", single="alpha_train",
                                mark=""))


def test_a_model_chosen_by_an_if_is_judged_on_what_follows():
    assert_marked("""
import keras
from loaders import load_table
x_train, y_train = load_table("train.csv")
def small():
    return keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(1)])
def large():
    return keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(1)])
if len(x_train) > 10000:
    model = large()
else:
    model = small()
model.compile(optimizer="adam", loss="mse")
model.fit(x_train, y_train, epochs=40)
print(model.evaluate(x_train, y_train))  # expect: KC502
""")


def test_a_prediction_on_the_training_data_not_named_test_is_left_to_kc501():
    assert_marked("""
import keras
from loaders import load_table
x_train, y_train = load_table("train.csv")
model = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit([x_train, x_train], y_train, epochs=40)  # expect: KC501
fitted = model.predict([x_train, x_train])
""")


def test_a_chosen_model_reads_names_rebound_after_the_if_as_they_are_now():
    assert_marked("""
import keras
from loaders import load_table
x_train, y_train = load_table("train.csv")
x_test, y_test = load_table("test.csv")
if len(x_train) > 10000:
    model = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(1)])
    inputs = x_train
else:
    model = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(1)])
    inputs = x_train[:5000]
model.compile(optimizer="adam", loss="mse")
model.fit(inputs, y_train, epochs=40)
inputs = x_test
print(model.evaluate(inputs, y_test))
""")
