"""Statistics taken from the data itself, with no scaler object (analysis/own_statistics.py,
KC402): column norms of the test rows, a whole array standardized by its own mean and spread
before it is split, also inside a helper. Lines are marked ``# expect: KCnnn``; every other line
must stay silent."""

from __future__ import annotations

import pytest
from conftest import expected_lines, lint


def assert_marked(code: str) -> None:
    found = sorted((d.line, d.code) for d in lint(code) if d.code == "KC402")
    assert found == sorted(expected_lines(code))


HEADER = """
import numpy as np
import pandas as pd
import keras
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import normalize
"""

LEAKS = {
    "test rows scaled by their own spread": """
(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
x_train = (x_train - x_train.mean(axis=0)) / x_train.std(axis=0)
x_test = (x_test - x_test.mean(axis=0)) / x_test.std(axis=0)  # expect: KC402
""",
    "a validation file divided by its own column spread": """
readings = pd.read_csv("readings.csv").values
validation = pd.read_csv("validation.csv").values
spread = validation.std(axis=0)
validation = validation / spread  # expect: KC402
""",
    "column norms, then a split": """
table = np.genfromtxt("wells.csv", delimiter=",")
inputs, targets = table[:, :-1], table[:, -1]
inputs = normalize(inputs, axis=0)  # expect: KC402
a, b, c, d = train_test_split(inputs, targets, test_size=0.3)
""",
    "scikit-learn's and SciPy's standardizing functions, then splits": """
from scipy import stats
from sklearn.preprocessing import robust_scale, scale
first = scale(pd.read_csv("first.csv").values)  # expect: KC402
second = robust_scale(pd.read_csv("second.csv").values)  # expect: KC402
third = stats.zscore(pd.read_csv("third.csv").values, axis=0)  # expect: KC402
fourth = scale(pd.read_csv("fourth.csv").values, axis=1)
a, b = train_test_split(first, test_size=0.2)
c, d = train_test_split(second, test_size=0.2)
e, f = train_test_split(third, test_size=0.2)
g, h = train_test_split(fourth, test_size=0.2)
""",
    "a series centred on its overall mean, then cut at one boundary": """
series = pd.read_csv("load.csv")["kw"].values
series = series - np.mean(series)  # expect: KC402
cut = int(len(series) * 0.8)
head, tail = series[:cut], series[cut:]
""",
    "an attribute named as validation data, by its own spread": """
class Split:
    pass

parts = Split()
parts.x_val = pd.read_csv("rows.csv").values
parts.x_val = parts.x_val / parts.x_val.std(axis=0)  # expect: KC402
""",
    "a method standardizing its argument before splitting it": """
class Features:
    def build(self, frame):
        values = frame.to_numpy()
        centre = values.mean(axis=0)
        values = (values - centre) / values.std(axis=0)  # expect: KC402
        return train_test_split(values, test_size=0.2)

Features().build(pd.read_csv("rows.csv"))
""",
    "a helper of the file standardizing what the caller then splits": """
def standardize(values):
    return (values - values.mean(axis=0)) / values.std(axis=0)  # expect: KC402

rows = pd.read_csv("rows.csv").values
features, labels = standardize(rows[:, :-1]), rows[:, -1]
parts = train_test_split(features, labels, test_size=0.2)
""",
    "centred and divided in place, one report where it starts": """
grid = np.loadtxt("grid.csv", delimiter=",")
grid -= grid.mean(axis=0)  # expect: KC402
grid /= grid.std(axis=0)
upper, lower = train_test_split(grid, test_size=0.2)
""",
}

SILENT = {
    "the test rows scaled by the training rows' statistics": """
(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
mean, std = x_train.mean(axis=0), x_train.std(axis=0)
x_train = (x_train - mean) / std
x_test = (x_test - mean) / std
""",
    "min-max scaling by the bounds of a rating scale, before a split": """
stars = pd.read_csv("ratings.csv")["stars"].values
low, high = stars.min(), stars.max()
scores = (stars - low) / (high - low)
fit_scores, held_scores = train_test_split(scores, test_size=0.1)
""",
    "pixels divided by their own maximum (255 on both sides)": """
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train / x_train.max()
x_test = x_test / np.max(x_test)
""",
    "statistics of each sample or of each row": """
table = pd.read_csv("spectra.csv").values
rows = normalize(table)
rows = rows / rows.max(axis=1, keepdims=True)
rows = (rows - np.mean(rows, axis=-1, keepdims=True)) / np.std(rows, axis=1, keepdims=True)
train_rows, test_rows = train_test_split(rows, test_size=0.2)
""",
    "a test file scaled by a statistic of another axis the analysis cannot read": """
test_table = pd.read_csv("test.csv").values
test_table = test_table / test_table.std(axis=feature_axis)
""",
    "values named val, standardized (val is not a validation set by itself)": """
val = pd.read_csv("gauge.csv")["level"].values
val = (val - val.mean()) / val.std()
""",
    "a coefficient of determination on the test targets (centred, not scaled)": """
(x_train, y_train), (x_test, y_test) = keras.datasets.boston_housing.load_data()
guesses = np.full(len(y_test), y_train.mean())
total = np.sum((y_test - np.mean(y_test)) ** 2)
centred = y_test - y_test.mean()
r2 = 1 - np.sum((y_test - guesses) ** 2) / np.sum(centred ** 2)
""",
    "standardized for a printout, split raw": """
frame = pd.read_csv("rows.csv").values
print((frame - frame.mean(axis=0)) / frame.std(axis=0))
train_part, test_part = train_test_split(frame, test_size=0.2)
""",
    "made-up data standardized before a split": """
noise = np.random.rand(200, 4)
noise = (noise - noise.mean(axis=0)) / noise.std(axis=0)
left, right = train_test_split(noise, test_size=0.5)
""",
    "standardized after the split, on the training part": """
frame = pd.read_csv("rows.csv").values
train_part, test_part = train_test_split(frame, test_size=0.2)
train_part = (train_part - train_part.mean(axis=0)) / train_part.std(axis=0)
""",
}


@pytest.mark.parametrize("name", sorted(LEAKS))
def test_statistics_of_the_data_itself_leak(name):
    assert_marked(HEADER + LEAKS[name])


@pytest.mark.parametrize("name", sorted(SILENT))
def test_statistics_learned_from_nothing_held_out_stay_silent(name):
    assert_marked(HEADER + SILENT[name])


def test_one_standardization_is_one_report():
    code = HEADER + """
frame = pd.read_csv("rows.csv").values
frame = (frame - frame.mean(axis=0)) / frame.std(axis=0)  # expect: KC402
left, right = train_test_split(frame, test_size=0.2)
"""
    assert_marked(code)
