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
