"""The project, not the file: a model built in one module and trained in another is judged over
its whole life, by the engine, the CLI (folders, single files, stdin), the cache, the pytest
plugin and the language server alike (kerascheck.analysis.project, kerascheck.source.project)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import pytest_lsp
from conftest import published
from lsprotocol import types

from kerascheck.engine import lint_file, lint_source

pytest_plugins = ["pytester"]

BUILDER = """\
from tensorflow import keras
from tensorflow.keras import layers

NUM_CLASSES = 10


def build_model(hidden=64):
    return keras.Sequential([
        keras.Input(shape=(784,)),
        layers.Dense(hidden, activation="relu"),
        layers.Dense(NUM_CLASSES, activation="softmax"),
    ])
"""
# compiled with MSE on one-hot labels and trained without held-out data, in another module
TRAINER = """\
from tensorflow import keras
from model import build_model, NUM_CLASSES

(x_train, y_train), _ = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784) / 255.0
y_train = keras.utils.to_categorical(y_train, NUM_CLASSES)
network = build_model()
network.compile(optimizer="adam", loss="mse")
network.fit(x_train, y_train, epochs=3)
"""


def write(root: Path, files: dict[str, str]) -> Path:
    (root / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def codes(path: Path) -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in lint_file(path).diagnostics]


def test_a_model_built_in_one_module_is_judged_where_it_is_trained(tmp_path):
    write(tmp_path, {"model.py": BUILDER, "train.py": TRAINER})
    assert codes(tmp_path / "train.py") == [(8, "KC302"), (9, "KC501")]
    # the same file judged alone knows nothing of the model: silent, as before
    alone = lint_source((tmp_path / "train.py").read_bytes(), str(tmp_path / "train.py"),
                        project=None)
    assert alone.diagnostics == []
    assert codes(tmp_path / "model.py") == []  # a builder alone: its model escapes


def test_a_finding_inside_the_imported_module_is_reported_once_in_its_own_file(tmp_path):
    compiled = BUILDER.replace('    return keras.Sequential([', '    model = keras.Sequential([')
    compiled = compiled.replace("    ])\n", '    ])\n    model.compile(loss="mse")\n'
                                           "    return model\n")
    trainer = TRAINER.replace('network.compile(optimizer="adam", loss="mse")\n', "")
    write(tmp_path, {"model.py": compiled, "train.py": trainer})
    assert codes(tmp_path / "model.py") == [(13, "KC302")]
    assert codes(tmp_path / "train.py") == [(8, "KC501")]  # not KC302 again


def test_what_only_the_importer_reveals_is_reported_at_its_import(tmp_path):
    """Integer labels in train.py meet categorical cross-entropy compiled in model.py: model.py
    alone cannot know, train.py says so at its import, naming the place."""
    compiled = BUILDER.replace("    return keras.Sequential([", "    model = keras.Sequential([")
    compiled = compiled.replace(
        "    ])\n", '    ])\n    model.compile(loss="categorical_crossentropy")\n'
                   "    return model\n")
    trainer = """\
        from tensorflow import keras
        import model as models

        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        network = models.build_model()
        network.fit(x_train.reshape(-1, 784) / 255.0, y_train, validation_split=0.2)
        """
    write(tmp_path, {"model.py": compiled, "train.py": trainer})
    assert codes(tmp_path / "model.py") == []
    [finding] = lint_file(tmp_path / "train.py").diagnostics
    assert (finding.line, finding.code) == (2, "KC306")
    assert finding.message.endswith("(in model.py:13)") and finding.fix is None


def test_what_the_imported_module_silences_as_installation_chosen_stays_silent(tmp_path):
    """A Keras 2 helper called under ``if K.backend() == "theano":`` in the builder's module is
    silent there (the installation decides); the importer that reaches it does not report it
    at its import either (it did: "(in nets.py:14)")."""
    nets = """\
        from keras import backend as K
        from keras.layers import Dense, Input
        from keras.models import Model
        from keras.utils import layer_utils


        def build(units, weights=None):
            inputs = Input(shape=(8,))
            model = Model(inputs, Dense(units, activation="softmax")(inputs))
            if weights is not None:
                model.load_weights(weights)
                if K.backend() == "theano":
                    layer_utils.convert_all_kernels_in_model(model)
            return model
        """
    trainer = """\
        from nets import build

        model = build(3, weights="w.h5")
        model.compile(optimizer="adam", loss="categorical_crossentropy")
        """
    write(tmp_path, {"nets.py": nets, "train.py": trainer})
    assert codes(tmp_path / "nets.py") == [(4, "KC601")]  # the import itself, in its own file
    assert codes(tmp_path / "train.py") == []
    # outside the branch the use is still nets.py's: its import is reported there, once (the
    # importer repeated it: "(in nets.py:13)")
    write(tmp_path, {"nets.py": nets.replace('if K.backend() == "theano":', "if True:")})
    assert codes(tmp_path / "nets.py") == [(4, "KC601")]
    assert codes(tmp_path / "train.py") == []


def test_a_removed_path_only_the_importer_reveals_is_reported_there_unless_the_branch_is_chosen(
        tmp_path):
    """``layers.core.Dense`` of a ``layers`` the importer passes in (``keras.layers``) is a
    removed path only the importer's call reveals: reported at its import, naming the place;
    under a branch the installation chooses, silent there too."""
    nets = """\
        from keras import backend as K


        def head(layers, units):
            if True:
                return layers.core.Dense(units)
            return None
        """
    trainer = """\
        from tensorflow import keras
        from nets import head

        model = keras.Sequential([keras.Input(shape=(4,)), head(keras.layers, 3)])
        """
    write(tmp_path, {"nets.py": nets, "train.py": trainer})
    assert codes(tmp_path / "nets.py") == []  # alone, `layers` is unknown
    [finding] = lint_file(tmp_path / "train.py").diagnostics
    assert (finding.line, finding.code) == (2, "KC601")
    assert finding.message.endswith("(in nets.py:6)")
    write(tmp_path, {"nets.py": nets.replace("if True:", 'if K.backend() == "theano":')})
    assert codes(tmp_path / "train.py") == []


def test_star_import_brings_a_data_helper_and_constants(tmp_path):
    utils = """\
        from tensorflow.keras.datasets import mnist

        num_classes = 10


        def load_data():
            (x_train, y_train), (x_test, y_test) = mnist.load_data()
            return x_train.reshape(-1, 784), y_train
        """
    trainer = """\
        from utils import *
        from tensorflow import keras

        x, y = load_data()
        model = keras.Sequential([keras.Input(shape=(784,)),
                                  keras.layers.Dense(num_classes, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(x, y, validation_split=0.1)
        """
    write(tmp_path, {"utils.py": utils, "train.py": trainer})
    assert codes(tmp_path / "train.py") == [(8, "KC401")]  # raw pixels, from the helper
    scaled = utils.replace("reshape(-1, 784)", "reshape(-1, 784) / 255.0")
    (tmp_path / "utils.py").write_text(textwrap.dedent(scaled))
    assert codes(tmp_path / "train.py") == []


def test_src_layout_and_relative_imports_inside_a_package(tmp_path):
    write(tmp_path, {
        "src/demo/__init__.py": "",
        "src/demo/model.py": BUILDER,
        "src/demo/train.py": TRAINER.replace("from model import", "from .model import"),
        "scripts/run.py": TRAINER.replace("from model import", "from demo.model import"),
    })
    assert codes(tmp_path / "src" / "demo" / "train.py") == [(8, "KC302"), (9, "KC501")]
    assert codes(tmp_path / "scripts" / "run.py") == [(8, "KC302"), (9, "KC501")]


def test_a_local_file_named_like_a_known_library_is_not_followed(tmp_path):
    """``keras.py`` beside the script: the file means Keras, and is judged as such."""
    write(tmp_path, {"keras.py": "Sequential = None\n", "train.py": """\
        import keras

        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="sigmoid")])
        model.compile(loss="sparse_categorical_crossentropy")
        """})
    assert codes(tmp_path / "train.py") == [(3, "KC301")]


def test_an_import_cycle_terminates_and_a_missing_module_is_silent(tmp_path):
    write(tmp_path, {
        "a.py": "from b import build_model\nimport keras\n\n\ndef helper():\n    return 1\n",
        "b.py": "from a import helper\n" + BUILDER,
        "train.py": TRAINER.replace("from model import", "from nowhere import"),
        "cycle.py": TRAINER.replace("from model import", "from a import"),
    })
    assert codes(tmp_path / "train.py") == []  # nowhere.py does not exist: unknown
    assert codes(tmp_path / "cycle.py") == [(8, "KC302"), (9, "KC501")]
    assert codes(tmp_path / "a.py") == codes(tmp_path / "b.py") == []


def test_an_imported_function_whose_body_is_unknown_stays_unknown(tmp_path):
    factory = """\
        from tensorflow import keras

        BUILDERS = {}
        build_model = BUILDERS["cnn"]


        def load(path):
            return keras.models.load_model(path)
        """
    trainer = """\
        from factory import build_model, load
        from tensorflow import keras

        (x, y), _ = keras.datasets.mnist.load_data()
        first = build_model()
        first.compile(loss="mse")
        first.fit(x, y)
        second = load("model.keras")
        second.fit(x / 255.0, y)
        """
    write(tmp_path, {"factory.py": factory, "train.py": trainer})
    assert [code for _, code in codes(tmp_path / "train.py")] == []


def kerascheck(*args: str, cwd: Path, stdin: str | None = None) -> list[dict]:
    done = subprocess.run([sys.executable, "-m", "kerascheck", "--output-format", "json", *args],
                          cwd=cwd, capture_output=True, text=True, input=stdin, timeout=120,
                          check=False)
    assert done.returncode in (0, 1), done.stderr
    return [(Path(d["path"]).name, d["line"], d["code"]) for d in json.loads(done.stdout)]


def test_cli_folder_files_and_stdin_agree_and_the_cache_follows_the_imported_module(tmp_path):
    write(tmp_path, {"model.py": BUILDER, "train.py": TRAINER})
    expected = [("train.py", 8, "KC302"), ("train.py", 9, "KC501")]
    assert kerascheck(".", cwd=tmp_path) == expected
    assert kerascheck("train.py", cwd=tmp_path) == expected  # now from the cache
    assert kerascheck("-", "--stdin-filename", "train.py", cwd=tmp_path,
                      stdin=TRAINER) == expected
    # model.py changes (its builder now comes from elsewhere: unknown); train.py's cached
    # answer must not be served
    (tmp_path / "model.py").write_text(BUILDER + 'build_model = REGISTRY["dense"]\n')
    assert kerascheck(".", cwd=tmp_path) == []


@pytest.mark.parametrize("xdist", [False, True])
def test_plugin_judges_the_trainer_with_its_imports(pytester: pytest.Pytester, xdist):
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\ntestpaths = ["app"]\n')
    app = pytester.mkdir("app")
    (app / "model.py").write_text(BUILDER)
    (app / "train.py").write_text(TRAINER)
    args = ("-n", "2", "--kerascheck") if xdist else ("-p", "no:xdist", "--kerascheck")
    result = (pytester.runpytest_subprocess if xdist else pytester.runpytest_inprocess)(*args)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["app/train.py:8:*KC302*", "app/train.py:9:*KC501*"])


SERVER = pytest_lsp.ClientServerConfig(
    server_command=[sys.executable, "-m", "kerascheck", "server"])


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: pytest_lsp.LanguageClient):
    yield
    if lsp_client._server.returncode is None:
        await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_server_follows_imports_and_the_unsaved_text_of_the_imported_module(client,
                                                                              tmp_path):
    write(tmp_path, {"model.py": BUILDER})
    await client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=tmp_path.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="demo")]))
    train, model = (tmp_path / "train.py").as_uri(), (tmp_path / "model.py").as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=train, language_id="python", version=1,
                                             text=TRAINER)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert [(d.range.start.line, d.code) for d in client.diagnostics[train]] == \
        [(7, "KC302"), (8, "KC501")]
    # model.py opened and edited, not saved: its builder is now unknown, and train.py is
    # linted again with what the editor holds
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=model, language_id="python", version=1,
                                             text=BUILDER)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=model, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(
            text=BUILDER + 'build_model = REGISTRY["dense"]\n')]))
    # model.py's own diagnostics, then train.py's
    await published(client, lambda: list(client.diagnostics[train]) == [])


def test_a_subclass_and_a_dotted_package_import(tmp_path):
    nets = """\
        from tensorflow import keras


        class Classifier(keras.Model):
            def __init__(self):
                super().__init__()
                self.hidden = keras.layers.Dense(32, activation="relu")
                self.out = keras.layers.Dense(3, activation="sigmoid")

            def call(self, inputs):
                return self.out(self.hidden(inputs))
        """
    trainer = """\
        import nets.classifier

        model = nets.classifier.Classifier()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        """
    write(tmp_path, {"nets/__init__.py": "", "nets/classifier.py": nets, "train.py": trainer})
    # train.py never mentions Keras: it is checked because the module it imports does
    assert codes(tmp_path / "train.py") == [(1, "KC301")]  # the head is in the other module
    assert "(in nets/classifier.py:8)" in lint_file(tmp_path / "train.py").diagnostics[0].message


def test_a_fifo_named_like_a_module_is_never_opened(tmp_path):
    import os

    write(tmp_path, {"train.py": TRAINER})
    os.mkfifo(tmp_path / "model.py")
    assert codes(tmp_path / "train.py") == []  # unknown, and the run ends


def test_the_dependency_scan_reads_import_statements_not_words_that_end_in_them():
    # a scan, not a parse: text that reads like an import counts (nothing followed is missed),
    # but `we_import_this`, `reimport` and `subfrom` are other words
    from kerascheck.source.project import _imported_names

    text = b"import a.b, c as d\nfrom .pkg import (x,\n    y as z)\nwe_import_this = 1\n" \
           b"transform = reimport\nsubfrom = 2\nprint('data from disk import later')\n"
    assert sorted(set(_imported_names(text))) == [
        ("a", 0), ("a.b", 0), ("c", 0), ("disk", 0), ("disk.later", 0), ("later", 0), ("pkg", 1),
        ("pkg.x", 1), ("pkg.y", 1), ("pkg.z", 1)]
