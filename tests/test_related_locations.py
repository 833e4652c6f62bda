"""A finding may involve more than one place: KC305's output layer and its loss. The engine
reports it where fixes go and names the other places as related locations, which every output
shows (text and concise ``note`` lines, JSON, SARIF ``relatedLocations``, GitHub, GitLab, JUnit,
the cache, the pytest plugin's report, the language server's ``relatedInformation``)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import sys

import pytest
import pytest_lsp
from lsprotocol import types

from kerascheck.diagnostics import Diagnostic, RelatedLocation, from_records, to_record
from kerascheck.engine import lint_file, lint_source
from kerascheck.reports.formats import render

pytest_plugins = ["pytester"]

# a binary classifier whose last layer has no activation, scored by a loss for probabilities
LOGITS_TO_PROBABILITY_LOSS = """\
import tensorflow as tf

net = tf.keras.Sequential([
    tf.keras.Input(shape=(6,)),
    tf.keras.layers.Dense(12, activation="relu"),
    tf.keras.layers.Dense(1),
])
net.compile(optimizer="sgd", loss="binary_crossentropy")
"""


def kc305(source: str, path: str = "clf.py") -> list[Diagnostic]:
    return [d for d in lint_source(source, path).diagnostics if d.code == "KC305"]


def test_a_linear_output_with_a_probability_loss_is_reported_at_the_output_layer():
    [found] = kc305(LOGITS_TO_PROBABILITY_LOSS)
    assert (found.line, found.column) == (6, 5)
    [loss] = found.related
    assert (loss.path, loss.line, loss.column) == ("clf.py", 8, 35)
    assert "binary_crossentropy" in loss.message and "probabilities" in loss.message
    assert "add the output activation" in found.message


def test_a_softmax_output_with_from_logits_stays_at_the_loss_naming_the_layer():
    source = textwrap.dedent("""\
        import keras

        clf = keras.Sequential([
            keras.Input(shape=(5,)),
            keras.layers.Dense(4, activation="softmax"),
        ])
        clf.compile(loss=keras.losses.CategoricalCrossentropy(from_logits=True))
        """)
    [found] = kc305(source)
    assert found.line == 7
    [layer] = found.related
    assert (layer.line, layer.column) == (5, 5) and "softmax" in layer.message


def test_a_subclass_is_reported_at_the_layer_its_init_builds():
    source = textwrap.dedent("""\
        import keras

        class Scorer(keras.Model):
            def __init__(self):
                super().__init__()
                self.body = keras.layers.Dense(8, activation="relu")
                self.head = keras.layers.Dense(5)

            def call(self, x):
                return self.head(self.body(x))

        scorer = Scorer()
        scorer.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy())
        """)
    [found] = kc305(source)
    assert (found.line, found.column) == (7, 21)
    assert [place.line for place in found.related] == [13]
    # the fix still aligns the loss, at the other end
    [edit] = found.fix.text_edits
    assert (edit.line, edit.new_text) == (
        13, "keras.losses.SparseCategoricalCrossentropy(from_logits=True)")


def test_noqa_on_the_primary_line_suppresses_the_finding():
    quiet = LOGITS_TO_PROBABILITY_LOSS.replace(
        "tf.keras.layers.Dense(1),", "tf.keras.layers.Dense(1),  # noqa: KC305")
    assert kc305(quiet) == []
    assert [d.code for d in lint_source(quiet, "clf.py").diagnostics if d.code == "KC001"] == []


BUILDER = """\
import tensorflow as tf


def make_scorer(classes, head_activation=None):
    inputs = tf.keras.Input(shape=(6,))
    hidden = tf.keras.layers.Dense(12, activation="relu")(inputs)
    outputs = tf.keras.layers.Dense(classes, activation=head_activation)(hidden)
    return tf.keras.Model(inputs, outputs)
"""
TRAINER = """\
import numpy as np
from nets import make_scorer

features = np.random.rand(64, 6)
labels = np.random.randint(0, 4, 64)

scorer = make_scorer(4)
scorer.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
scorer.fit(features, labels, validation_split=0.25)
"""


def project(root: Path) -> Path:
    (root / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (root / "nets.py").write_text(BUILDER)
    (root / "train.py").write_text(TRAINER)
    return root


def test_a_layer_of_another_module_is_reported_where_this_file_builds_the_model(tmp_path):
    root = project(tmp_path)
    [found] = [d for d in lint_file(root / "train.py").diagnostics if d.code == "KC305"]
    assert (found.line, found.column) == (7, 10)  # make_scorer(4), not the import
    assert found.message.endswith("(in nets.py:7)")
    layer, loss = found.related
    assert (Path(layer.path).name, layer.line) == ("nets.py", 7)
    assert Path(layer.path).parent == root
    assert (Path(loss.path).name, loss.line) == ("train.py", 8)
    # the builder's module, linted alone, has nothing to say about it
    assert [d for d in lint_file(root / "nets.py").diagnostics if d.code == "KC305"] == []


def test_noqa_on_the_building_call_suppresses_the_imported_finding(tmp_path):
    root = project(tmp_path)
    trainer = root / "train.py"
    trainer.write_text(TRAINER.replace("scorer = make_scorer(4)",
                                       "scorer = make_scorer(4)  # noqa: KC305"))
    assert [d for d in lint_file(trainer).diagnostics if d.code in ("KC305", "KC001")] == []


SIGMOID_BUILDERS = """\
import tensorflow as tf


def tagger(classes):
    inputs = tf.keras.Input(shape=(20,))
    outputs = tf.keras.layers.Dense(classes, activation="sigmoid")(inputs)
    model = tf.keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model
"""
SINGLE_LABEL_TRAINER = """\
import numpy as np
import tensorflow as tf
from heads import *

rows = np.load("rows.npy")
kinds = tf.keras.utils.to_categorical(np.load("kinds.npy"), 4)
net = tagger(4)
net.fit(rows, kinds, validation_split=0.2)
"""


def test_a_finding_at_the_import_locates_the_place_it_names(tmp_path):
    """A sigmoid builder with binary cross-entropy is fine for multi-label data, so the module
    alone has no finding; the one-hot single-label labels of the trainer make it KC301,
    reported at the star import and naming the layer, which is also a related location
    (a note line, SARIF, the editor) so that the place to fix is one click away."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "heads.py").write_text(SIGMOID_BUILDERS)
    (tmp_path / "train.py").write_text(SINGLE_LABEL_TRAINER)
    [found] = [d for d in lint_file(tmp_path / "train.py").diagnostics if d.code == "KC301"]
    assert found.line == 3 and found.message.endswith("(in heads.py:6)")
    named = [(Path(place.path).name, place.line) for place in found.related]
    assert named[0] == ("heads.py", 6)
    assert ("heads.py", 8) in named  # the loss, as before
    assert [d for d in lint_file(tmp_path / "heads.py").diagnostics if d.code == "KC301"] == []


# -- every output shows them ----------------------------------------------------------------

def located() -> list[Diagnostic]:
    return kc305(LOGITS_TO_PROBABILITY_LOSS)


def test_text_report_adds_a_note_line_and_concise_a_gcc_style_note():
    text = render(located(), "text", sources={"clf.py": LOGITS_TO_PROBABILITY_LOSS})
    assert "  = note: clf.py:8:35: the loss, binary_crossentropy, which expects probabilities" \
        in text
    concise = render(located(), "concise").splitlines()
    assert concise[0].startswith("clf.py:6:5: KC305 ")
    assert concise[1] == \
        "clf.py:8:35: note: the loss, binary_crossentropy, which expects probabilities"


def test_json_and_json_lines_carry_the_related_locations():
    [record] = json.loads(render(located(), "json"))
    assert record["related"] == [{
        "path": "clf.py", "line": 8, "column": 35, "end_line": 8, "end_column": 56,
        "message": "the loss, binary_crossentropy, which expects probabilities"}]
    assert json.loads(render(located(), "json-lines"))["related"] == record["related"]


def test_sarif_has_related_locations():
    [result] = json.loads(render(located(), "sarif"))["runs"][0]["results"]
    [place] = result["relatedLocations"]
    assert place["id"] == 0
    assert place["physicalLocation"]["region"]["startLine"] == 8
    assert place["physicalLocation"]["artifactLocation"]["uri"].endswith("clf.py")
    assert "binary_crossentropy" in place["message"]["text"]


def test_github_gitlab_and_junit_name_the_related_place():
    assert "%0Anote: clf.py:8:35: the loss" in render(located(), "github")
    [issue] = json.loads(render(located(), "gitlab"))
    assert "(see clf.py:8:35: the loss" in issue["description"]
    assert "note: clf.py:8:35: the loss" in render(located(), "junit")


def test_the_cache_record_round_trips_related_locations_and_rejects_damaged_ones():
    [diagnostic] = located()
    [back] = from_records([to_record(diagnostic)])
    assert back.related == diagnostic.related
    damaged = to_record(diagnostic)
    damaged["related"] = [["clf.py", 0, 1, 0, 0, None, "x"]]
    assert from_records([damaged]) is None


def test_notebook_related_locations_are_in_their_cells():
    cells = [LOGITS_TO_PROBABILITY_LOSS.split("net.compile")[0],
             "net.compile" + LOGITS_TO_PROBABILITY_LOSS.split("net.compile")[1]]
    notebook = json.dumps({"cells": [{"cell_type": "code", "source": cell, "metadata": {},
                                      "outputs": [], "execution_count": None}
                                     for cell in cells],
                           "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    [found] = [d for d in lint_source(notebook, "clf.ipynb", kind="notebook").diagnostics
               if d.code == "KC305"]
    assert (found.cell, found.line) == (1, 6)
    [loss] = found.related
    assert (loss.cell, loss.line, loss.column) == (2, 1, 35)
    assert "clf.ipynb:cell 2:1:35: note: the loss" in render([found], "concise")


def test_the_language_server_sends_related_information():
    from pygls.workspace.position_codec import PositionCodec

    from kerascheck.server.editing import Text, lsp_diagnostic

    [diagnostic] = located()
    elsewhere = RelatedLocation("/proj/nets.py", 3, 5, "the output layer", 3, 20)
    diagnostic = Diagnostic(**{**diagnostic.__dict__,
                               "related": diagnostic.related + (elsewhere,)})
    shown = lsp_diagnostic(Text(LOGITS_TO_PROBABILITY_LOSS, PositionCodec()), diagnostic,
                           "file:///proj/clf.py")
    here, there = shown.related_information
    assert here.location.uri == "file:///proj/clf.py"
    assert (here.location.range.start.line, here.location.range.start.character) == (7, 34)
    assert there.location.uri == "file:///proj/nets.py"
    assert there.location.range.start.line == 2 and there.message == "the output layer"


def test_the_pytest_plugin_report_shows_the_note(pytester: pytest.Pytester):
    pytester.makepyfile(clf=LOGITS_TO_PROBABILITY_LOSS)
    result = pytester.runpytest_subprocess("-p", "no:xdist", "--kerascheck", "-p",
                                          "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["clf.py:6:5: KC305 *",
                                 "*= note: clf.py:8:35: the loss, binary_crossentropy*"])


def test_the_pytest_plugin_report_shows_another_modules_place_from_where_pytest_runs(
        pytester: pytest.Pytester):
    project(pytester.path)
    result = pytester.runpytest_subprocess("-p", "no:xdist", "--kerascheck", "-p",
                                          "no:cacheprovider", "train.py")
    result.stdout.fnmatch_lines(["train.py:7:10: KC305 *(in nets.py:7)",
                                 "*= note: nets.py:7:15: the output layer, with no activation"])


# -- the other two-ended rules name their other end (their primary locations unchanged) -----

OTHER_ENDS = {
    "KC301": ("""\
import keras
tagger = keras.Sequential([keras.Input(shape=(9,)), keras.layers.Dense(6, activation="sigmoid")])
tagger.compile(optimizer="adam", loss="categorical_crossentropy")
""", 2, [(3, "the loss, categorical_crossentropy")]),
    "KC302": ("""\
import keras
clf = keras.Sequential([keras.Input(shape=(9,)), keras.layers.Dense(4, activation="softmax")])
clf.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
""", 3, [(2, "the output layer, which applies softmax")]),
    "KC306": ("""\
import keras
(x, y), _ = keras.datasets.mnist.load_data()
x = x.reshape(-1, 784) / 255.0
y = keras.utils.to_categorical(y, 10)
clf = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10, activation="softmax")])
clf.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
clf.fit(x, y, validation_split=0.1)
""", 6, [(7, "the training, given those labels")]),
    "KC307": ("""\
import keras
clf = keras.Sequential([keras.Input(shape=(9,)), keras.layers.Dense(3, activation="relu")])
clf.compile(optimizer="adam", loss="categorical_crossentropy")
""", 2, [(3, "the loss, categorical_crossentropy, which scores probabilities")]),
    "KC308": ("""\
import keras
(x, y), _ = keras.datasets.mnist.load_data()
x = x.reshape(-1, 784) / 255.0
y = keras.utils.to_categorical(y, 10)
clf = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(5, activation="softmax")])
clf.compile(optimizer="adam", loss="categorical_crossentropy")
clf.fit(x, y, validation_split=0.1)
""", 5, [(7, "the training, on labels of 10 classes")]),
}


@pytest.mark.parametrize("code", sorted(OTHER_ENDS))
def test_two_ended_rules_name_their_other_end(code):
    source, line, related = OTHER_ENDS[code]
    [found] = [d for d in lint_source(source, "two.py").diagnostics if d.code == code]
    assert found.line == line
    assert [(place.line, place.message) for place in found.related] == related


SERVER = pytest_lsp.ClientServerConfig(
    server_command=[sys.executable, "-m", "kerascheck", "server"])


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: pytest_lsp.LanguageClient):
    yield
    if lsp_client._server.returncode is None:
        await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_the_server_publishes_related_information_in_this_file_and_the_builders(
        client, tmp_path):
    root = project(tmp_path)
    await client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="demo")]))
    train = (root / "train.py").as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=train, language_id="python", version=1,
                                             text=TRAINER)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    [found] = [d for d in client.diagnostics[train] if d.code == "KC305"]
    assert found.range.start.line == 6
    layer, loss = found.related_information
    assert layer.location.uri == (root / "nets.py").as_uri()
    assert layer.location.range.start.line == 6
    assert loss.location.uri == train and loss.location.range.start.line == 7


def test_prove_pairs_a_finding_at_the_building_call_with_its_model(tmp_path):
    from kerascheck.runtime.verdicts import prove_path, verdict_of

    root = project(tmp_path)
    trainer = root / "train.py"
    trainer.write_text(TRAINER.replace("sparse_categorical_crossentropy",
                                       "categorical_crossentropy"))
    [item] = [item for item in prove_path(trainer.read_bytes(), str(trainer))
              if item.diagnostic.code == "KC305"]
    assert item.model is not None and item.diagnostic.line == 7
    assert verdict_of(item) == "shown", item.not_rebuilt


def test_a_preprocessing_leak_names_the_split_that_comes_after_the_fit():
    source = textwrap.dedent("""\
        import pandas as pd
        from sklearn.model_selection import train_test_split
        from sklearn.preprocessing import StandardScaler
        from tensorflow import keras

        table = pd.read_csv("houses.csv")
        features = StandardScaler().fit_transform(table[["rooms", "area"]])
        prices = table["price"].to_numpy()
        x_fit, x_check, y_fit, y_check = train_test_split(features, prices, test_size=0.2)
        net = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
        net.compile(optimizer="adam", loss="mse")
        net.fit(x_fit, y_fit, validation_data=(x_check, y_check))
    """)
    [found] = [d for d in lint_source(source, "houses.py").diagnostics if d.code == "KC402"]
    [split] = found.related
    assert (found.line, split.line, split.path, split.message) == (
        7, 9, "houses.py", "the split, after the fit")
