"""IPython automagic in notebooks: ``ls ./data``, ``pip install x``, ``conda install y`` run in
Jupyter without a ``%``, so a notebook holding them is not a syntax error (KC000), while a
line that is valid Python with one of those names stays Python."""

from __future__ import annotations

import json

import pytest

from kerascheck.engine import lint_source
from kerascheck.settings.config import Config
from kerascheck.source.notebook import mask_ipython


def _notebook(*sources: str) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5,
                       "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
                       "cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                                  "execution_count": None, "source": source}
                                 for source in sources]})


@pytest.mark.parametrize("line", [
    "ls ./images/",
    "conda install -y scikit-learn",
    "pip install -q keras-tuner",
    "cd ../datasets",
    "load_ext tensorboard",
    "ls -la ../data",  # options: Python would read a subtraction, but the line does not compile
    "pip --quiet install keras-tuner",
])
def test_automagic_lines_are_masked(line):
    assert mask_ipython(f"{line}\nx = 1").split("\n") == ["pass", "x = 1"]


@pytest.mark.parametrize("line", [
    "ls = sorted(files)",
    "time.sleep(0.5)",
    "pip",
    "cat(a, b)",
    "run -1",  # a subtraction: Python, whatever IPython would do with it
    "ls -la",  # compiles as ls - la: Python, left as written
])
def test_python_lines_with_magic_names_stay(line):
    assert mask_ipython(line) == line


def test_first_line_of_a_multiline_statement_is_python():
    cell = "history = model.fit(\n    x,\n    epochs=3)\ncd = os.path.join(\n    root)"
    assert mask_ipython(cell) == cell


def test_notebook_with_automagic_is_checked_not_reported_unparsable():
    source = _notebook(
        "ls ./checkpoints/\n",
        "conda install -y pandas\n",
        "import keras\n"
        "model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8),\n"
        "                          keras.layers.Dense(1, activation='sigmoid')])\n",
    )
    result = lint_source(source, "lab.ipynb", Config())
    codes = [diagnostic.code for diagnostic in result.diagnostics]
    assert "KC000" not in codes
    assert "KC201" in codes  # the notebook's code was really checked
