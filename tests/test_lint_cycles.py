"""What a lint leaves behind for the cyclic garbage collector, and the cache key's folder.

A lint's syntax tree (hundreds of thousands of objects for a tutorial-sized script) must be
freed by reference counting as the lint returns: a reference cycle that reaches it (a function
value closing over the frame that binds it, a nested function calling itself) hands the whole
tree to the collector, whose collection after each lint then walks and frees it."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import libcst as cst
import pytest

from kerascheck.engine import lint_source

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from corpus import script  # noqa: E402

# functions and a class at module level and inside a function, a functional model whose graph
# is walked, a loop of models: the analysis' frames, closures and graph walks all take part
PROJECT_LIKE = '''
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers


def build(hidden):
    def block(x):
        return layers.Dense(hidden)(x)

    inputs = keras.Input(shape=(8,))
    outputs = layers.Dense(3, activation="softmax")(block(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


class Trainer:
    def __init__(self, model):
        self.model = model

    def run(self, x, y):
        self.model.fit(x, y, epochs=2, validation_split=0.2)


x = np.random.rand(64, 8)
y = keras.utils.to_categorical(np.random.randint(0, 3, 64), 3)
Trainer(build(16)).run(x, y)
'''


def _nodes_left_to_the_collector(source: str) -> tuple[list, list[str]]:
    gc.collect()
    gc.disable()  # (lint_source then collects nothing itself: what it leaves stays here)
    try:
        result = lint_source(source, "model.py")
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        nodes = [type(o).__name__ for o in gc.garbage if isinstance(o, cst.CSTNode)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    return nodes, sorted(d.code for d in result.diagnostics)


SIGMOID = PROJECT_LIKE.replace('activation="softmax"', 'activation="sigmoid"')


@pytest.mark.parametrize("source, expected", [
    (PROJECT_LIKE, None), (SIGMOID, "KC301"), (script(3, buggy=True), "KC201"),
    (script(8, buggy=False), None),
], ids=["functions-and-classes", "a-finding-inside-a-function", "tutorial-buggy", "tutorial"])
def test_a_lint_leaves_none_of_its_syntax_tree_to_the_collector(source, expected):
    nodes, found = _nodes_left_to_the_collector(source)
    assert nodes == [], f"{len(nodes)} syntax nodes kept alive by cycles: {sorted(set(nodes))}"
    # the findings (made before the frames are emptied) are those of a usual lint
    assert found == sorted(d.code for d in lint_source(source, "model.py").diagnostics)
    assert expected is None or expected in found


def test_the_key_folder_is_the_one_pathlib_resolves(tmp_path, monkeypatch):
    from kerascheck.workspace.cache import _resolved_folder

    real = tmp_path / "real"
    (real / "pkg").mkdir(parents=True)
    (real / "train.py").write_text("import keras\n")
    (real / "pkg" / "model.py").write_text("import keras\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "linked.py").symlink_to(real / "pkg" / "model.py")  # a linked file
    (tmp_path / "alias").symlink_to(real, target_is_directory=True)  # a linked folder
    monkeypatch.chdir(real)
    paths = ["train.py", "./pkg/model.py", "pkg/../train.py", str(real / "train.py"),
             str(elsewhere / "linked.py"), str(tmp_path / "alias" / "pkg" / "model.py"),
             str(tmp_path / "alias" / "pkg" / ".." / "train.py"), "missing.py"]
    for path in paths:
        assert _resolved_folder(path) == str(Path(path).resolve().parent), path
    assert _resolved_folder(str(elsewhere / "linked.py")) == os.path.realpath(real / "pkg")
