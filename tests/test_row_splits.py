"""A split made by index: the rows a name picks (``test = x[rows]``) and the rest once they are
deleted (``train = np.delete(x, rows, 0)``) are the two parts of ``x`` (analysis/preprocessors.py
``record_row_cut``). A tokenizer or scaler fit on ``x`` before that split is KC402. Cases written
for this suite."""

from __future__ import annotations

import pytest
from conftest import lint

SPLIT_BY_INDEX = """
import random
import numpy as np
import pandas as pd
from tensorflow import keras
from tensorflow.keras.preprocessing.text import Tokenizer
frame = pd.read_csv("tickets.csv")
texts = frame["text"]
labels = keras.utils.to_categorical(frame["queue"])
tokenizer = Tokenizer(num_words=1000)
tokenizer.fit_on_texts({fitted})
matrix = tokenizer.texts_to_matrix(texts, mode="binary")
held = random.sample(range(len(frame)), 500)
test, label_test = matrix[held], labels[held]
train = np.delete(matrix, {deleted}, {axis})
label_train = np.delete(labels, held, 0)
model = keras.Sequential([keras.Input(shape=(1000,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(train, label_train, epochs=5, validation_data=(test, label_test))
"""


def test_a_tokenizer_fit_before_a_split_by_index_is_kc402():
    code = SPLIT_BY_INDEX.format(fitted="texts", deleted="held", axis="0")
    assert [(d.line, d.code) for d in lint(code, select=("KC402",))] == [(11, "KC402")]
    assert len(lint(code.replace(", 0)\nlabel_train", ", axis=0)\nlabel_train"),
                    select=("KC402",))) == 1


@pytest.mark.parametrize(("fitted", "deleted", "axis"), [
    ("texts[:100]", "held", "0"),  # fit on a part only
    ("texts", "others", "0"),  # the deleted rows are not the picked ones
    ("texts", "held", "1"),  # columns deleted, not rows
])
def test_other_picks_and_deletes_are_no_split_after_the_fit(fitted, deleted, axis):
    code = SPLIT_BY_INDEX.format(fitted=fitted, deleted=deleted, axis=axis)
    assert lint(code, select=("KC402",)) == []


# --- pandas' concat of the training and test tables: the rows of both -------------------------

CONCAT = """
import pandas as pd
from sklearn.preprocessing import MinMaxScaler
from tensorflow import keras
train = pd.read_csv("train.csv")
test = pd.read_csv("{held}.csv")
both = pd.concat([train, test]{axis})
scaler = MinMaxScaler().fit(both.drop("y", axis=1))
x_train, x_test = scaler.transform(train.drop("y", axis=1)), scaler.transform(test.drop("y", axis=1))
model = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(8, activation="relu"),
                          keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x_train, train["y"], validation_data=(x_test, test["y"]))
"""


def test_a_scaler_fit_on_the_training_and_test_tables_together_is_kc402():
    [finding] = lint(CONCAT.format(held="test", axis=""), select=("KC402",))
    assert finding.line == 8 and "held-out" in finding.message
    assert len(lint(CONCAT.format(held="test", axis=", axis=0"), select=("KC402",))) == 1


@pytest.mark.parametrize(("held", "axis"), [
    ("extra_train", ""),  # two training tables: no held-out rows in the fit
    ("test", ", axis=1"),  # columns side by side: not the rows of a test table
])
def test_other_concats_stay_silent(held, axis):
    assert lint(CONCAT.format(held=held, axis=axis), select=("KC402",)) == []


def test_a_refit_on_training_and_validation_rows_joined_is_no_leak():
    # after tuning, the validation rows (a split's held-out side) join the training rows; the
    # test rows stay out of the statistics
    code = """
import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from tensorflow import keras
frame = pd.read_csv("data.csv")
X, y = frame.drop("y", axis=1).values, frame["y"].values
X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=0.2)
X_tr, X_val, y_tr, y_val = train_test_split(X_rest, y_rest, test_size=0.2)
X_full = np.concatenate([X_tr, X_val])
scaler = StandardScaler().fit(X_full)
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                          keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(scaler.transform(X_full), np.concatenate([y_tr, y_val]), epochs=5)
print(model.evaluate(scaler.transform(X_test), y_test))
"""
    assert lint(code, select=("KC402",)) == []
    # the test rows joined with the training rows are in the statistics
    leaked = code.replace("np.concatenate([X_tr, X_val])", "np.concatenate([X_test, X_tr])")
    assert [d.code for d in lint(leaked, select=("KC402",))] == ["KC402"]
