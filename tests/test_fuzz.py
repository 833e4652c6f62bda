"""Property-based fuzzing: ``lint_source`` never raises and never reports an internal error,
whatever it is given. Example counts are modest so the file runs in seconds; raise them locally
with ``--hypothesis-profile`` or by editing ``EXAMPLES`` when hunting."""

from __future__ import annotations

import ast
import warnings

import hypothesmith
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kerascheck.engine import lint_source

EXAMPLES = 60
# The health checks to suppress and (under CI=true) derandomization come from the profile
# tests/conftest.py loads.
FUZZ = settings(max_examples=EXAMPLES, deadline=None)
HEADER = "import tensorflow as tf\nfrom tensorflow import keras\n"

# Fragments a Keras script is made of, so random text often reaches the analysis.
KERAS_WORDS = st.sampled_from([
    "tf.keras.Sequential(", "keras.layers.Dense(", "Dense(", "model", ".fit(", ".compile(",
    "activation=", "'relu'", "None", "loss=", "'mse'", "x", "y", ")", "(", "[", "]", ",", "=",
    "\n", "    ", "def f(", "):", "return ", "class M(keras.Model):", "import keras", "\\",
    "'''", "#", "lambda", ":", "*", "**", "@", "if ", "else", "for ", " in ", "\r\n", "\t",
])


def assert_never_raises(source, path="fuzz.py"):
    result = lint_source(source, path)
    assert not result.errors, result.errors
    for diagnostic in result.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1
    return result


@FUZZ
@given(st.text())
def test_arbitrary_text(text):
    assert_never_raises(HEADER + text)


@FUZZ
@given(st.binary())
def test_arbitrary_bytes(data):
    assert_never_raises(b"import tensorflow\n" + data)


@FUZZ
@given(st.lists(KERAS_WORDS, max_size=40).map("".join))
def test_keras_flavoured_noise(text):
    result = assert_never_raises(HEADER + text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ast.parse(HEADER + text)
            python_parses = True
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            python_parses = False
    if not python_parses:
        # Whatever the parser thinks, a file Python refuses is reported, never silently passed.
        assert [d.code for d in result.diagnostics] == ["KC000"]


@FUZZ
@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles its programs
@given(hypothesmith.from_grammar())
def test_generated_programs(program):
    result = assert_never_raises(HEADER + program)
    # hypothesmith's programs are valid Python: KC000 may only say LibCST could not read one.
    for diagnostic in result.diagnostics:
        if diagnostic.code == "KC000":
            assert "could not read" in diagnostic.message or "nested too deeply" in \
                diagnostic.message, diagnostic.message


@settings(FUZZ, max_examples=12)  # generating syntax trees is slow (~1 s each)
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@given(hypothesmith.from_node())
def test_generated_syntax_trees(program):
    assert_never_raises(HEADER + program)


@pytest.mark.parametrize("depth", [50, 199, 250, 1000])
@pytest.mark.parametrize("opening, closing", [("(", ")"), ("[", "]"), ("{", "}"),
                                              ("f(", ")"), ("-(", ")"), ("[", ""), ("", ")")])
def test_nesting_at_and_beyond_pythons_limits(opening, closing, depth):
    assert_never_raises(HEADER + "x = " + opening * depth + "1" + closing * depth + "\n")
