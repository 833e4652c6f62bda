"""``--fix``, ``--diff`` and ``--add-noqa`` on real notebooks: the changes land in the cells,
IPython lines are put back, and outputs, metadata, other cells and the JSON layout are kept
byte for byte; a notebook that cannot be rewritten faithfully is left alone, and said so."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

CELLS = [
    {"cell_type": "markdown", "metadata": {}, "source": ["# Training a classifier"]},
    {"cell_type": "code", "execution_count": 1, "metadata": {"tags": ["setup"]},
     "outputs": [{"name": "stdout", "output_type": "stream", "text": ["2.16.1\n"]}],
     "source": ["%matplotlib inline\n", "import tensorflow as tf\n", "print(tf.__version__)"]},
    {"cell_type": "code", "execution_count": 2, "metadata": {"collapsed": False},
     "outputs": [{"data": {"text/plain": ["<Figure>"]}, "execution_count": 2, "metadata": {},
                  "output_type": "execute_result"}],
     "source": ["!nvidia-smi\n", "model = tf.keras.Sequential([\n",
                "    tf.keras.Input(shape=784),\n",
                "    tf.keras.layers.Dense(10),  # noqa: KC301\n",
                "    tf.keras.layers.Dense(1, activation='sigmoid'),\n", "])\n",
                "%time model.summary()"]},
]
NOTEBOOK = {"cells": CELLS, "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)",
                                                        "language": "python", "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}


def as_nbformat_writes(document) -> str:
    """The layout Jupyter (nbformat) writes: one-space indent, sorted keys, UTF-8, final newline."""
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kerascheck", "--no-cache", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def with_cell_source(lines: list[str]) -> dict:
    expected = copy.deepcopy(NOTEBOOK)
    expected["cells"][2]["source"] = lines
    return expected


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "train.ipynb").write_text(as_nbformat_writes(NOTEBOOK), encoding="utf-8")
    return tmp_path


def test_fix_writes_into_the_cell_and_keeps_everything_else(project):
    result = run("--fix", "--unsafe-fixes", "train.ipynb", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Fixed 3 problems (0 remaining)." in result.stdout
    expected = with_cell_source([
        "!nvidia-smi\n", "model = tf.keras.Sequential([\n", "    tf.keras.Input(shape=(784,)),\n",
        "    tf.keras.layers.Dense(10, activation='relu'),\n",
        "    tf.keras.layers.Dense(1, activation='sigmoid'),\n", "])\n", "%time model.summary()"])
    assert (project / "train.ipynb").read_text(encoding="utf-8") == as_nbformat_writes(expected)
    assert run("train.ipynb", cwd=project).returncode == 0


def test_the_text_report_offers_the_fix_for_a_cell(project):
    assert "= help: Write `(784,)` (--fix)" in run("train.ipynb", cwd=project).stdout


def test_diff_shows_the_change_and_writes_nothing(project):
    before = (project / "train.ipynb").read_bytes()
    result = run("--diff", "train.ipynb", cwd=project)
    assert result.returncode == 1
    assert '-    "    tf.keras.Input(shape=784),\\n",' in result.stdout
    assert '+    "    tf.keras.Input(shape=(784,)),\\n",' in result.stdout
    assert (project / "train.ipynb").read_bytes() == before


def test_add_noqa_annotates_the_cell_lines(project):
    result = run("--add-noqa", "train.ipynb", cwd=project)
    assert result.returncode == 0 and "Added 2 noqa directives." in result.stdout
    source = json.loads((project / "train.ipynb").read_text())["cells"][2]["source"]
    assert source[2] == "    tf.keras.Input(shape=784),  # noqa: KC103\n"
    assert source[3] == "    tf.keras.layers.Dense(10),  # noqa: KC301, KC201\n"
    assert source[0] == "!nvidia-smi\n" and source[-1] == "%time model.summary()"
    # what is left is the noqa that suppressed nothing from the start
    left = json.loads(run("--output-format", "json", "train.ipynb", cwd=project).stdout)
    assert [(d["code"], d["cell"], d["line"]) for d in left] == [("KC001", 3, 4)]


def test_a_layout_that_cannot_be_reproduced_is_left_alone(project):
    odd = as_nbformat_writes(NOTEBOOK).replace('"nbformat": 4', '"nbformat":    4')
    (project / "train.ipynb").write_text(odd, encoding="utf-8")
    result = run("--fix", "train.ipynb", cwd=project)
    assert result.returncode == 1
    assert "train.ipynb: fixes not written: its JSON layout cannot be reproduced" in result.stderr
    assert (project / "train.ipynb").read_text(encoding="utf-8") == odd


def test_a_two_space_notebook_keeps_its_layout(project):
    text = json.dumps(NOTEBOOK, indent=2) + "\n"  # ASCII-escaped, insertion order, indent 2
    (project / "train.ipynb").write_text(text, encoding="utf-8")
    run("--fix", "train.ipynb", cwd=project)
    fixed = (project / "train.ipynb").read_text(encoding="utf-8")
    expected = with_cell_source([line.replace("shape=784", "shape=(784,)")
                                 .replace("  # noqa: KC301", "")
                                 for line in CELLS[2]["source"]])
    assert fixed == json.dumps(expected, indent=2) + "\n"


def test_fix_applies_around_a_cell_that_does_not_parse(tmp_path: Path):
    # an exercise cell left blank for the student: KC000 there, the other cells still fixed,
    # and the broken cell written back exactly as it was
    document = copy.deepcopy(NOTEBOOK)
    document["cells"].insert(2, {"cell_type": "code", "execution_count": None, "metadata": {},
                                 "outputs": [], "source": ["layer = # YOUR CODE HERE\n"]})
    (tmp_path / "lab.ipynb").write_text(as_nbformat_writes(document), encoding="utf-8")
    result = run("--fix", "lab.ipynb", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Fixed 2 problems (2 remaining" in result.stdout  # KC103 and the unused noqa
    assert "lab.ipynb:cell 3:1:9: KC000" in result.stdout
    written = json.loads((tmp_path / "lab.ipynb").read_text(encoding="utf-8"))
    assert written["cells"][2] == document["cells"][2]
    assert "    tf.keras.Input(shape=(784,)),\n" in written["cells"][3]["source"]
