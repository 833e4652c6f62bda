"""Precision: correct Keras code, one script per common idiom (written for kerascheck in our own
words), lints clean.

``tests/corpus/`` holds whole scripts (Sequential, functional and subclassed models, tf.data
pipelines, preprocessing layers, transfer learning, custom training loops, multi-output and
multi-label models, autoencoders, GANs, sequence models, scikit-learn around Keras). Every rule
runs on every file and must stay silent.

Silence alone proves little (an analysis that understood nothing would be silent too), so the
second half of this module seeds one mistake at a time into those same files and checks that
the right rule, and only it, now fires.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from kerascheck.analysis.interpreter import analyze
from kerascheck.engine import lint_file, lint_source
from kerascheck.settings.config import Config

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(CORPUS.glob("*.py"))
EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*_good.py"))


def test_corpus_is_sizeable():
    assert len(FILES) >= 40
    assert sum(len(path.read_text().splitlines()) for path in FILES) >= 1500


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_corpus_file_lints_clean(path: Path):
    result = lint_file(path, Config(select=("KC",)))
    assert not result.errors, result.errors
    assert [(d.line, d.code, d.message) for d in result.diagnostics] == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_good_example_scripts_lint_clean(path: Path):
    assert lint_file(path, Config(select=("KC",))).diagnostics == []


def test_the_analysis_understands_the_corpus():
    """The corpus is silent because its code is right, not because the analysis is blind."""
    models = [model for path in FILES for model in analyze(cst.parse_module(path.read_text())).models]
    kinds = {kind: sum(model.kind == kind for model in models)
             for kind in ("sequential", "functional", "subclass")}
    assert kinds["sequential"] >= 30 and kinds["functional"] >= 20 and kinds["subclass"] >= 6, kinds
    compiled = [model for model in models if model.compiles]
    assert len(compiled) >= 40
    assert sum(model.output_head() is not None for model in compiled) >= 30
    assert sum(bool(model.fits) for model in models) >= 35


def test_subclassed_models_of_the_corpus_are_wired_from_call():
    facts = analyze(cst.parse_module((CORPUS / "tf_quickstart_expert.py").read_text()))
    (model,) = [m for m in facts.models if m.kind == "subclass"]
    assert [layer.kind for layer in model.layers] == ["Conv2D", "Flatten", "Dense", "Dense"]
    assert model.edges == [(0, 1), (1, 2), (2, 3)] and model.outputs == [3] and model.exact


# One seeded mistake per case: (corpus file, text to replace, replacement, the rule that fires).
MUTATIONS = [
    ("mnist_convnet.py", "        layers.Flatten(),\n", "", "KC102"),
    ("transformer_text.py", "keras.Input(shape=(SEQUENCE_LENGTH,))",
     "keras.Input(shape=(SEQUENCE_LENGTH))", "KC103"),
    ("mnist_convnet.py", 'layers.Conv2D(24, 5, activation="relu", padding="same")',
     'layers.Conv2D(24, 5, activation="relu", padding="same", kernel_initializer="zeros")',
     "KC203"),
    ("tf_quickstart_expert.py", 'self.hidden = Dense(96, activation="relu")',
     "self.hidden = Dense(96)", "KC201"),
    ("sklearn_then_keras.py", 'keras.layers.Dense(1, activation="sigmoid")',
     'keras.layers.Dense(1, activation="softmax")', "KC303"),
    ("reuters_multiclass.py", 'id_net.compile(optimizer="adam", '
     'loss="sparse_categorical_crossentropy"',
     'id_net.compile(optimizer="adam", loss="binary_crossentropy"', "KC304"),
    ("basic_classification.py", "SparseCategoricalCrossentropy(from_logits=True)",
     "SparseCategoricalCrossentropy()", "KC305"),
    ("reuters_multiclass.py", 'onehot_net.compile(optimizer="adam", '
     'loss="categorical_crossentropy"',
     'onehot_net.compile(optimizer="adam", loss="sparse_categorical_crossentropy"', "KC306"),
    ("sklearn_then_keras.py", "features_test = standardizer.transform(features_test)",
     "features_test = standardizer.fit_transform(features_test)", "KC402"),
    ("image_classification_flowers.py", "validation_data=checking_ds", "validation_split=0.2",
     "KC503"),
    ("boston_kfold.py", '    net.compile(optimizer="adam", loss="mse", metrics=["mae"])\n',
     "", "KC504"),
    ("keras2_style_imports.py", "from tensorflow.keras.layers import (",
     "from keras.layers.core import (", "KC601"),
    ("regression_auto_mpg.py", "tf.keras.optimizers.Adam(0.002)",
     "tf.keras.optimizers.Adam(lr=0.002)", "KC602"),
    ("distributed_and_tuner.py", "classifier.compile(optimizer=keras.optimizers.Adam(),",
     "classifier.compile(optimizer=keras.optimizers.Adam(learning_rate=0.5),", "KC603"),
]


@pytest.mark.parametrize(("name", "old", "new", "code"), MUTATIONS,
                         ids=[f"{m[3]}-{Path(m[0]).stem}" for m in MUTATIONS])
def test_a_seeded_mistake_is_found_by_its_rule_alone(name, old, new, code):
    source = (CORPUS / name).read_text()
    assert source.count(old) == 1, "the mutation must match exactly once"
    result = lint_source(source.replace(old, new), name, Config(select=("KC",)))
    assert not result.errors
    assert {d.code for d in result.diagnostics} == {code}, result.diagnostics
