"""Structural real-bug patterns (input shapes, linear hidden layers, output and loss) from
benchmarks/BUG_CORPUS.md, each as a small case written for this suite: what must be found
(``# expect: KCnnn`` on the line), and the look-alikes that must stay silent."""

from __future__ import annotations

import pytest

from conftest import expected_lines, lint


def found(code: str) -> list[tuple[int, str]]:
    # the Keras 2 paths and arguments (KC601/KC602) are beside the point here
    return sorted((d.line, d.code) for d in lint(code, select=("KC",))
                  if d.code not in ("KC601", "KC602"))


def check(code: str) -> None:
    assert found(code) == sorted(expected_lines(code))


# --- a builder called in a comprehension gets its call site's arguments -------------------

FLOW = """
from tensorflow.keras import layers, models
DIM = {dim}
def coupling(dim, hidden):
    inputs = layers.Input(shape=dim){mark}
    hidden_out = layers.Dense(hidden, activation="relu")(inputs)
    return models.Model(inputs, layers.Dense(2, activation="tanh")(hidden_out))
class Flow(models.Model):
    def __init__(self, dim, steps):
        super().__init__()
        self.blocks = [coupling(dim, 32) for step in range(steps)]
    def call(self, x):
        for block in self.blocks:
            x = block(x)
        return x
flow = Flow(dim=DIM, steps=4)
"""


def test_an_int_shape_passed_through_a_comprehension_to_a_builder():
    check(FLOW.format(dim="2", mark="  # expect: KC103"))


@pytest.mark.parametrize("dim", ["(2,)", "[2]", "load_dim()"])
def test_a_tuple_or_unknown_shape_passed_through_a_comprehension_is_silent(dim):
    check(FLOW.format(dim=dim, mark=""))


def test_a_comprehension_variable_as_a_shape_is_unknown():
    check("""
from tensorflow import keras
def head(width):
    return keras.Sequential([keras.Input(shape=width), keras.layers.Dense(1)])
heads = [head(width) for width in (2, 3)]
sizes = {width: head(width) for width in range(3)}
""")
