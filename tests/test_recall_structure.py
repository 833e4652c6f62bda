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


# --- a Python 2 file with mixed tabs: KC000, and checked as Python 2 read it -----------------

PYTHON2 = (
    "from keras.models import Sequential\n"
    "from keras.layers import Dense\n"
    "def build(width):\n"
    "    model = Sequential()\n"
    "    if width:\n"
    "\tmodel.add(Dense(width, input_dim=8))\n"  # a tab, as Python 2 allowed: 8 columns
    "    model.add(Dense(1, activation='sigmoid'))\n"
    "    return model\n"
    "model = Sequential()\n"
    "model.add(Dense(32, input_dim=8))\n"
    "model.add(Dense(1, activation='sigmoid'))\n"
    "print {tail}\n"
)


def test_a_file_with_mixed_tabs_keeps_its_syntax_error_and_is_checked_where_unchanged():
    diagnostics = lint(PYTHON2.format(tail="model.summary()"))
    assert [(d.line, d.code) for d in diagnostics] == [(6, "KC000"), (10, "KC201")]
    assert all(d.fix is None for d in diagnostics)


def test_a_finding_on_a_line_whose_tabs_were_expanded_is_dropped():
    # the Dense(width) of build() is linear too, but its line is not the user's text as checked
    code = PYTHON2.replace("model.add(Dense(32, input_dim=8))", "model = build(16)") \
        .replace("model.add(Dense(1, activation='sigmoid'))\nprint", "print")
    assert [(d.line, d.code) for d in lint(code.format(tail="model.summary()"))] == \
        [(6, "KC000")]


def test_a_python2_file_that_still_does_not_parse_keeps_its_syntax_error_alone():
    assert [(d.line, d.code) for d in lint(PYTHON2.format(tail="model  # a comment: left as it is"))] == \
        [(6, "KC000")]
