"""``target-version``: which Keras the code runs on, set or inferred (RULES.md "Which Keras").
Keras-3-only findings are silent for Keras 2; what was wrong on every Keras stays reported."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from kerascheck.cli import main
from kerascheck.engine import lint_file, lint_source
from kerascheck.settings.config import Config, ConfigError, config_from_table
from kerascheck.settings.target import target_from_source, target_from_text

# Paths and arguments Keras 3 removed, next to a mistake on every Keras (tf.keras.Dense).
KERAS2_ERA = textwrap.dedent("""\
    import tensorflow as tf
    from tensorflow.keras.layers.experimental import preprocessing
    optimizer = tf.keras.optimizers.Adam(lr=0.001)
    bad = tf.keras.Dense(3)
    model = tf.keras.Sequential([tf.keras.layers.Embedding(1000, 16),
                                 tf.keras.layers.GlobalAveragePooling1D(),
                                 tf.keras.layers.Dense(1, activation="sigmoid")])
    model.summary()
    model.compile(optimizer=optimizer, loss="binary_crossentropy")
    model.fit(x, y, nb_epoch=3, validation_split=0.2)
    inputs = tf.keras.Input(shape=(12))
""")


def codes(result) -> list[str]:
    return sorted(diagnostic.code for diagnostic in result.diagnostics)


def test_keras3_reports_what_keras3_removed():
    found = codes(lint_source(KERAS2_ERA, "era.py", Config(target_version="keras3")))
    assert found == ["KC101", "KC103", "KC601", "KC601", "KC602", "KC602"]


def test_keras2_keeps_only_what_was_wrong_on_keras2_too():
    result = lint_source(KERAS2_ERA, "era.py", Config(target_version="keras2"))
    by_code = {(d.code, d.line) for d in result.diagnostics}
    # tf.keras.Dense never existed; nb_epoch= raises TypeError on tf_keras as well
    assert by_code == {("KC601", 4), ("KC602", 10)}



def test_keras2_integer_shape_of_a_layer_still_raises():
    # measured on tf_keras 2.21: Input(shape=4) builds (None, 4); Dense(input_shape=4) raises
    # TypeError: 'int' object is not iterable
    source = ("from tensorflow import keras\n"
              "a = keras.Input(shape=4)\n"
              "b = keras.layers.Dense(3, input_shape=x.shape[1])\n")
    result = lint_source(source, "shapes.py", Config(target_version="keras2"))
    assert [(d.code, d.line) for d in result.diagnostics] == [("KC103", 3)]
    assert "TypeError on tf_keras" in result.diagnostics[0].message

@pytest.mark.parametrize("pins, expected", [
    ("tensorflow==2.11.0\nnumpy\n", "keras2"),
    ("tensorflow-gpu<2.16\n", "keras2"),
    ("keras==2.4.3\n", "keras2"),
    ("tensorflow>=2.16\n", "keras3"),
    ("keras>=3.2\n", "keras3"),
    ("tensorflow-datasets==4.9\nscikit-learn==1.4\n", None),
    ("tensorflow==2.12\nkeras>=3\n", None),  # pins that disagree say nothing
])
def test_pins_say_which_keras(pins, expected):
    assert target_from_text(pins) == expected


@pytest.mark.parametrize("line, expected", [
    ("!pip install -q tensorflow==2.11 tensorflow-hub", "keras2"),
    ("os.environ['TF_USE_LEGACY_KERAS'] = '1'", "keras2"),
    ("import tf_keras as keras", "keras2"),
    ("%pip install -U tensorflow", None),
    ("import keras", None),
])
def test_a_file_says_which_keras(line, expected):
    found = target_from_source(line + "\nimport tensorflow as tf\n")
    assert (found[0] if found else None) == expected


def test_inferred_from_the_nearest_requirements(tmp_path: Path):
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    (project / "requirements.txt").write_text("tensorflow==2.6.0\npandas\n")
    script = project / "notebooks" / "train.py"
    script.write_text(KERAS2_ERA)
    assert {(d.code, d.line) for d in lint_file(script, Config()).diagnostics} == {
        ("KC601", 4), ("KC602", 10)}
    # an explicit setting wins over the pins
    assert len(lint_file(script, Config(target_version="keras3")).diagnostics) == 6


def test_notebook_pip_install_cell_sets_its_target(tmp_path: Path):
    cells = ["%pip install tensorflow==2.15\n", KERAS2_ERA]
    notebook = {"nbformat": 4, "nbformat_minor": 5,
                "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
                "cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                           "execution_count": None, "source": source} for source in cells]}
    path = tmp_path / "lab.ipynb"
    path.write_text(json.dumps(notebook))
    assert {d.code for d in lint_file(path, Config()).diagnostics} == {"KC601", "KC602"}
    assert len(lint_file(path, Config()).diagnostics) == 2


def test_setting_is_validated():
    assert config_from_table({"target-version": "keras2"}).target_version == "keras2"
    with pytest.raises(ConfigError, match="target-version"):
        config_from_table({"target-version": "keras4"})


def test_command_line_and_show_settings(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "requirements.txt").write_text("tensorflow==2.11\n")
    (tmp_path / "train.py").write_text(KERAS2_ERA)
    assert main(["--show-settings", "."]) == 0
    shown = capsys.readouterr().out
    assert "target-version = null" in shown
    assert "keras2 (pinned in" in shown and "requirements.txt" in shown
    assert main(["--target-version", "keras3", "--show-settings", "."]) == 0
    assert "keras3 (set by target-version)" in capsys.readouterr().out
    assert main(["--no-cache", "--target-version", "keras3", "--output-format", "json",
                 "train.py"]) == 1
    assert len(json.loads(capsys.readouterr().out)) == 6


def test_messages_say_which_keras():
    result = lint_source(KERAS2_ERA, "era.py", Config(target_version="keras3"))
    lr = next(d for d in result.diagnostics if d.code == "KC602" and d.line == 3)
    assert "Keras 3 raises ValueError" in lr.message and "tf_keras" in lr.message
    assert all("Keras 3" in d.message for d in result.diagnostics if d.code == "KC601")
    keras2 = lint_source(KERAS2_ERA, "era.py", Config(target_version="keras2"))
    assert [d.message for d in keras2.diagnostics if d.code == "KC601"] == [
        "`tf.keras.Dense` does not exist in Keras 2 or 3; use `tf.keras.layers.Dense`"]


def test_editing_a_pin_is_seen_by_the_next_cached_run(tmp_path: Path):
    """The result cache keys on the target the pins say: a run after editing requirements.txt
    reports under the new target, though the file itself did not change."""
    import os
    import subprocess
    import sys

    (tmp_path / "requirements.txt").write_text("tensorflow==2.15.0\n")
    (tmp_path / "train.py").write_text(textwrap.dedent("""\
        import tensorflow as tf
        optimizer = tf.keras.optimizers.Adam(lr=0.01)
        """))
    environment = {**os.environ, "KERASCHECK_CACHE_DIR": str(tmp_path / "cache")}

    def codes() -> list[str]:
        completed = subprocess.run(
            [sys.executable, "-m", "kerascheck", "--output-format", "json", "train.py"],
            cwd=tmp_path, capture_output=True, text=True, env=environment, timeout=120)
        return [record["code"] for record in json.loads(completed.stdout)]

    assert codes() == []  # Keras 2: tf_keras' Adam ignores lr= but Keras 3's KC602 is not said
    assert codes() == []  # served from the cache
    (tmp_path / "requirements.txt").write_text("tensorflow==2.17.0\n")
    assert codes() == ["KC602"]


# --- TensorFlow 1 (target "tf1") --------------------------------------------------------------
# Graph-mode code of the TF 1 era: a session, placeholders, tf.layers functions, an optimizer
# from tf.train, and the tf.keras of that time (lr= was its spelling).
TF1_GRAPH = textwrap.dedent("""\
    import tensorflow as tf
    features = tf.placeholder(tf.float32, shape=(None, 6))
    hidden = tf.layers.dense(features, 12, activation=tf.nn.relu)
    logits = tf.layers.dense(hidden, 2)
    step = tf.train.GradientDescentOptimizer(0.05).minimize(tf.reduce_sum(logits))
    head = tf.keras.optimizers.Adam(lr=0.01)
    wrong = tf.keras.Dense(2)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
""")


@pytest.mark.parametrize("pins, expected", [
    ("tensorflow==1.15.5\n", "tf1"),
    ("tensorflow-gpu<2\n", "tf1"),
    ("tensorflow-gpu==1.*\nh5py\n", "tf1"),
    ("keras==2.2.4\ntensorflow==1.13.1\n", "tf1"),  # the Keras 2 of TensorFlow 1
    ("keras==1.2.2\n", "tf1"),  # Keras 1 never ran on TensorFlow 2
    ("tensorflow<2.1\n", "keras2"),  # 1.x or 2.0: not surely TF 1, so TF 2's removals count
    ("tensorflow==1.15\ntensorflow>=2.16\n", None),
])
def test_pins_of_tensorflow_1(pins, expected):
    assert target_from_text(pins) == expected


@pytest.mark.parametrize("text, expected", [
    ("import tensorflow as tf\nx = tf.placeholder(tf.float32)\n", "tf1"),
    ("import tensorflow as tf\nwith tf.Session() as s:\n    pass\n", "tf1"),
    ("import tensorflow as tf\nopt = tf.train.AdamOptimizer(0.001)\n", "tf1"),
    ("import tensorflow as tf\ncell = tf.contrib.rnn.LSTMCell(8)\n", "tf1"),
    ("%tensorflow_version 1.x\nimport tensorflow as tf\n", "tf1"),
    ("%tensorflow_version 2.x\nimport tensorflow as tf\n", "keras2"),
    # TF 2 code that borrows TF 1's API through compat is not TF 1 code
    ("import tensorflow as tf\nx = tf.compat.v1.placeholder(tf.float32)\n", None),
    ("import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\nx = tf.placeholder(1)\n", None),
    # a comment about TF 1, and a TF 1 fallback behind a test for eager mode
    ("import tensorflow as tf\n# in TF 1 this needed tf.Session()\n", None),
    ("import tensorflow as tf\nif not tf.executing_eagerly():\n    s = tf.Session()\n", None),
    ("import tensorflow as tf\nif tf.__version__.startswith('1.'):\n    s = tf.Session()\n", None),
    ("import tensorflow as tf\nprint(tf.__version__)\ns = tf.Session()\n", "tf1"),
    # a pip install pin says more than the calls
    ("!pip install tensorflow==2.11\nimport tensorflow as tf\ns = tf.Session()\n", "keras2"),
])
def test_a_file_says_it_is_tensorflow_1(text, expected):
    found = target_from_source(text)
    assert (found[0] if found else None) == expected


def test_tf1_code_keeps_only_what_no_tensorflow_had():
    result = lint_source(TF1_GRAPH, "graph.py", Config())
    assert [(d.code, d.line) for d in result.diagnostics] == [("KC601", 7)]
    assert result.diagnostics[0].message.startswith(
        "`tf.keras.Dense` does not exist in any Keras")


def test_the_same_calls_in_tf2_code_are_reported():
    """Without the session and placeholders the file is TensorFlow 2 code: tf.layers is gone."""
    tf2 = TF1_GRAPH.replace("tf.placeholder", "tf.compat.v1.placeholder").replace(
        "tf.train.GradientDescentOptimizer", "tf.keras.optimizers.SGD").replace(
        "tf.Session", "tf.compat.v1.Session").replace(
        "tf.global_variables_initializer", "tf.compat.v1.global_variables_initializer")
    found = [(d.code, d.line) for d in lint_source(tf2, "eager.py", Config()).diagnostics]
    assert found == [("KC601", 3), ("KC601", 4), ("KC602", 6), ("KC601", 7)]
    messages = [d.message for d in lint_source(tf2, "eager.py", Config()).diagnostics]
    assert "removed in TensorFlow 2" in messages[0]
    # and an explicit setting wins over what the file looks like
    explicit = lint_source(TF1_GRAPH, "graph.py", Config(target_version="keras3"))
    assert len(explicit.diagnostics) == 4


def test_tf1_pins_and_setting(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "requirements.txt").write_text("tensorflow-gpu==1.14.0\n")
    script = tmp_path / "layers.py"
    script.write_text("import tensorflow as tf\nhidden = tf.layers.dense(inputs, 4)\n")
    assert lint_file(script, Config()).diagnostics == []
    assert main(["--show-settings", "."]) == 0
    assert "tf1 (pinned in" in capsys.readouterr().out
    # a file named on the command line: its own target and why
    (tmp_path / "graph.py").write_text(TF1_GRAPH)
    (tmp_path / "eager").mkdir()
    (tmp_path / "eager" / "requirements.txt").write_text("tensorflow>=2.16\n")
    (tmp_path / "eager" / "fit.py").write_text("import keras\n")
    assert main(["--show-settings", "graph.py", "eager/fit.py"]) == 0
    shown = capsys.readouterr().out
    assert "# target Keras for graph.py: tf1 (the file is TensorFlow 1 code: tf.placeholder)" \
        in shown
    assert "# target Keras for eager/fit.py: keras3 (pinned in" in shown
    lab = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ["%tensorflow_version 1.x\n", "import tensorflow as tf\n"]}]}
    (tmp_path / "lab.ipynb").write_text(json.dumps(lab))
    assert main(["--show-settings", "lab.ipynb"]) == 0
    assert "for lab.ipynb: tf1 (the file selects a Colab TensorFlow version" in \
        capsys.readouterr().out
    assert config_from_table({"target-version": "tf1"}).target_version == "tf1"
    assert main(["--no-cache", "--target-version", "keras2", "--output-format", "json",
                 "layers.py"]) == 1
    assert "removed in TensorFlow 2" in json.loads(capsys.readouterr().out)[0]["message"]
    assert main(["--no-cache", "--target-version", "tf1", "layers.py"]) == 0


def test_keras1_spellings_the_keras2_of_tf1_still_took():
    """Standalone Keras 2 and TF 1's tf.keras renamed nb_epoch= with a warning; standalone
    Keras 2's layers renamed init= and output_dim= too, tf.keras's layers did not."""
    code = textwrap.dedent("""\
        import keras
        import tensorflow as tf
        sess = tf.Session()
        model = keras.models.Sequential([keras.layers.Dense(output_dim=4, init="uniform")])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(x, y, nb_epoch=5)
        other = tf.keras.layers.Dense(4, init="uniform")
    """)
    kc602 = Config(select=("KC602",))
    assert [(d.code, d.line) for d in lint_source(code, "old.py", kc602).diagnostics] == [
        ("KC602", 7)]
    keras3 = lint_source(code, "old.py", kc602.with_overrides(target_version="keras3"))
    assert [(d.code, d.line) for d in keras3.diagnostics] == [
        ("KC602", 4), ("KC602", 4), ("KC602", 6), ("KC602", 7)]


def test_show_settings_reads_a_notebooks_code_cells_as_the_lint_does(tmp_path: Path, capsys,
                                                                      monkeypatch):
    # a reading list in Markdown names tensorflow.contrib: prose, not TensorFlow 1 code
    monkeypatch.chdir(tmp_path)
    (tmp_path / "requirements.txt").write_text("tensorflow==2.4\n")
    notes = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {},
         "source": ["See https://www.tensorflow.org/versions/r1.15/api_docs/python/"
                    "tf/contrib/seq2seq for the old tensorflow.contrib API.\n"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ["import tensorflow as tf\n", "model = tf.keras.Sequential()\n"]}]}
    (tmp_path / "notes.ipynb").write_text(json.dumps(notes))
    assert main(["--show-settings", "notes.ipynb"]) == 0
    assert "# target Keras for notes.ipynb: keras2 (pinned in" in capsys.readouterr().out
