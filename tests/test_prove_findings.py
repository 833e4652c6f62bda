"""``kerascheck prove FILE``: one verdict per finding, measured on the user's own code.

API findings run their failing construct (taken from the user's code) in a child process of the
installed Keras; the JSON output, ``--select`` and the exit codes are the command's contract.
These tests run the real command and real TensorFlow (two child Keras processes at most)."""

from __future__ import annotations

import json
import textwrap

import pytest

from kerascheck.cli import main

pytestmark = pytest.mark.runtime

API_FILE = textwrap.dedent("""\
    import tensorflow as tf
    from keras.layers.core import Dense
    from keras.models import Sequential
    from tensorflow.keras.optimizers import Adam, SGD
    model = Sequential()
    model.add(tf.keras.layers.Dense(12, input_dim=8, init='uniform', activation='relu'))
    model.fit(X, Y, nb_epoch=150, batch_size=10)
    opt = Adam(lr=0.01, decay=1e-6)
    layer = tf.keras.Dense
    inputs = tf.keras.Input(shape=784)
    """)


def _prove_json(capsys, *args) -> tuple[int, list[dict]]:
    code = main(["prove", *args, "--output-format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_api_findings_are_shown_by_running_the_users_construct(tmp_path, capsys,
                                                               monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "train.py").write_text(API_FILE)
    code, records = _prove_json(capsys, "train.py", "--select", "KC103,KC504,KC601,KC602")
    by_place = {(r["code"], r["line"]): r for r in records}
    assert {r["verdict"] for r in records} == {"shown"}, records
    assert code == 0
    assert set(by_place) >= {("KC601", 2), ("KC602", 6), ("KC504", 7), ("KC602", 7),
                             ("KC602", 8), ("KC601", 9), ("KC103", 10)}
    for record in records:
        assert set(record) >= {"code", "path", "line", "verdict", "reason", "measurements"}
        assert record["path"] == "train.py"
    imported = by_place[("KC601", 2)]["measurements"]
    assert imported["construct (from your code)"] == "from keras.layers.core import Dense"
    assert imported["exception"].startswith("ModuleNotFoundError")
    # the user's literal arguments, each finding with its own cause
    lr = [r for r in records if r["code"] == "KC602" and "`lr=`" in r["message"]][0]
    assert lr["measurements"]["construct (from your code)"] == "Adam(lr=0.01)"
    assert lr["measurements"]["exception"].startswith("ValueError")
    decay = [r for r in records if "`decay=`" in r["message"]][0]
    # lr= is a finding of its own: fixed in memory, so this construct shows decay= alone
    assert decay["measurements"]["construct (from your code)"] == \
        "Adam(learning_rate=0.01, decay=1e-06)"
    assert "decay" in decay["measurements"]["warning"]
    uncompiled = by_place[("KC504", 7)]["measurements"]
    assert "compile()" in uncompiled["exception"]
    assert "uncompiled stand-in model" in uncompiled["stand-ins (not from your code)"]
    assert by_place[("KC103", 10)]["measurements"]["exception"].startswith(
        "ValueError: Cannot convert '784' to a shape")


def test_select_and_exit_codes(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "train.py").write_text(API_FILE)
    code, records = _prove_json(capsys, "train.py", "--select", "KC103")
    assert code == 0 and [r["code"] for r in records] == ["KC103"]
    assert main(["prove", "train.py", "--select", "KC9"]) == 2
    assert main(["prove", "missing.py"]) == 2
    # a finding measured and not shown exits 1: a one-unit softmax cannot memorize, so the
    # model that KC501 calls unvalidated shows no overfitting (its KC303 hides it)
    (tmp_path / "fit.py").write_text(textwrap.dedent("""\
        from tensorflow import keras
        (x_train, y_train), _ = keras.datasets.mnist.load_data()
        net = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                                keras.layers.Dense(32, activation="relu"),
                                keras.layers.Dense(1, activation="softmax")])
        net.compile(optimizer="adam", loss="binary_crossentropy")
        net.fit(x_train / 255.0, y_train, epochs=5)
        """))
    code, records = _prove_json(capsys, "fit.py", "--select", "KC501")
    assert [(r["code"], r["verdict"]) for r in records] == [("KC501", "not-shown")]
    assert code == 1


def test_lr_on_tf_keras_is_shown_silently_ignored(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "legacy.py").write_text("import tf_keras\n"
                                        "opt = tf_keras.optimizers.Adam(lr=0.01)\n")
    # a file that imports tf_keras is judged as Keras 2, where lr= is not reported; prove
    # reports what the linter reports, so nothing is proved there
    code, records = _prove_json(capsys, "legacy.py")
    assert (code, records) == (0, [])
    # a project that declares Keras 3: the tf_keras optimizer still takes lr= and ignores it
    (tmp_path / "pyproject.toml").write_text('[tool.kerascheck]\ntarget-version = "keras3"\n')
    code, records = _prove_json(capsys, "legacy.py")
    assert code == 0
    [record] = records
    assert record["verdict"] == "shown"
    assert "tf_keras (Keras 2) silently ignores `lr=`" in record["reason"]
    assert record["measurements"]["lr= given"] == 0.01
    assert record["measurements"]["optimizer's learning rate"] == pytest.approx(0.001)


def test_evidence_fits_the_finding_tabular_data_and_a_regression():
    from kerascheck.runtime.verdicts import prove_source

    results = prove_source(textwrap.dedent("""\
        import pandas as pd
        from tensorflow import keras
        df = pd.read_csv("houses.csv")
        X = df.drop(columns=["price"]).values
        y = df["price"].values
        model = keras.Sequential([keras.Input(shape=(8,)),
                                  keras.layers.Dense(16, activation="relu"),
                                  keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        model.fit(X, y, epochs=10)
        """), "houses.py")
    by_code = {item.diagnostic.code: item.evidence for item in results}
    assert set(by_code) == {"KC401", "KC501"}
    tabular = by_code["KC401"]
    assert tabular.verdict is True and "tabular columns" in tabular.summary
    assert tabular.measurements["mean squared error after 100 steps, raw columns"] > \
        10 * tabular.measurements["mean squared error after 100 steps, standardized"]
    regression = by_code["KC501"]
    assert regression.verdict is True and "mean squared error" in regression.summary
    assert regression.measurements["MSE on held-out data"] > \
        2 * regression.measurements["MSE on training data"]


def test_notebooks_are_proved_cell_by_cell(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
              "source": source} for source in (
        "%pip install tensorflow\nimport tensorflow as tf\n",
        "opt = tf.keras.optimizers.Adam(lr=0.01)\n")]
    (tmp_path / "train.ipynb").write_text(json.dumps(
        {"cells": cells, "metadata": {"language_info": {"name": "python"}}, "nbformat": 4,
         "nbformat_minor": 5}))
    code, records = _prove_json(capsys, "train.ipynb")
    assert code == 0
    assert [(r["code"], r["cell"], r["line"], r["verdict"]) for r in records] == [
        ("KC602", 2, 1, "shown")]
    assert records[0]["measurements"]["construct (from your code)"] == \
        "tf.keras.optimizers.Adam(lr=0.01)"


def test_builder_functions_and_subclassed_models_are_rebuilt(tmp_path):
    from kerascheck.runtime.verdicts import prove_source, verdict_of

    results = prove_source(textwrap.dedent("""\
        from tensorflow import keras

        def build_mlp(num_classes, hidden=64):
            model = keras.Sequential([
                keras.layers.Dense(hidden, input_shape=(20,)),
                keras.layers.Dense(hidden, activation="relu"),
                keras.layers.Dense(num_classes, activation="sigmoid"),
            ])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            return model

        model = build_mlp(num_classes=10)

        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.d1 = keras.layers.Dense(32)
                self.d2 = keras.layers.Dense(16, activation="relu")
                self.out = keras.layers.Dense(3, activation="sigmoid")

            def call(self, x):
                return self.out(self.d2(self.d1(x)))

        net = Net()
        net.compile(optimizer="adam", loss="categorical_crossentropy")
        """), str(tmp_path / "models.py"))
    verdicts = {(item.diagnostic.code, item.diagnostic.line): verdict_of(item)
                for item in results}
    assert verdicts == {("KC201", 5): "shown", ("KC301", 7): "shown",
                        ("KC201", 17): "shown", ("KC301", 19): "shown"}
    by_place = {(item.diagnostic.code, item.diagnostic.line): item.evidence
                for item in results}
    # the builder's literal call argument gives the output its 10 units: ten sigmoids sum to ~5
    assert by_place[("KC301", 7)].measurements["mean sum of the outputs on 64 random inputs"] > 3
    assert "input shape (8,)" in \
        by_place[("KC301", 19)].measurements["stand-ins (not from your code)"]


HIGH_RATE_FILE = textwrap.dedent("""\
    import pandas as pd
    import tensorflow as tf
    frame = pd.read_csv("houses.csv")
    x, y = frame.drop(columns="label").values, frame["label"].values
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(6,)),
        tf.keras.layers.Dense(16, activation="relu"),
        tf.keras.layers.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=5.0),
                  loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=5, validation_split=0.2)
    """)


def test_a_high_learning_rate_is_shown_on_the_users_model_with_a_plot(tmp_path, capsys,
                                                                     monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "train.py").write_text(HIGH_RATE_FILE)
    code, records = _prove_json(capsys, "train.py", "--select", "KC603,KC401",
                                "--plot", "figures")
    by_code = {record["code"]: record for record in records}
    rate = by_code["KC603"]
    assert rate["verdict"] == "shown" and rate["model_line"] == 5, rate
    assert "learning_rate=5" in rate["reason"]
    assert by_code["KC401"]["verdict"] == "shown"
    assert code == 0
    # one figure per proof, named by path, line and code, drawn from the measured curves
    assert sorted(path.name for path in (tmp_path / "figures").iterdir()) == \
        ["train.py-L10-KC603.png", "train.py-L12-KC401.png"]
    assert rate["figure"] == str(tmp_path / "figures" / "train.py-L10-KC603.png") or \
        rate["figure"].endswith("train.py-L10-KC603.png")
    assert (tmp_path / "figures" / "train.py-L10-KC603.png").read_bytes()[:4] == b"\x89PNG"


def test_plot_without_matplotlib_is_a_clean_error(tmp_path, capsys, monkeypatch):
    import importlib.util

    monkeypatch.chdir(tmp_path)
    (tmp_path / "train.py").write_text(HIGH_RATE_FILE)
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *rest: None
                        if name == "matplotlib" else real_find_spec(name, *rest))
    assert main(["prove", "train.py", "--plot", "figures"]) == 2
    assert "pip install 'kerascheck[plot]'" in capsys.readouterr().err
    assert not (tmp_path / "figures").exists()


def test_prove_reports_what_the_linter_reports(tmp_path, capsys, monkeypatch):
    """The same engine judges both: a finding the linter silences (code for a backend Keras 3
    lacks, a TF 1 file) is not proved, and the one it reports is."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "branches.py").write_text(textwrap.dedent("""\
        from keras import backend as K
        import keras
        if K.backend() == "theano":
            old = keras.layers.core.Dense(4)
        new = keras.layers.core.Dense(4)
        """))
    code, records = _prove_json(capsys, "branches.py")
    assert [(r["code"], r["line"]) for r in records] == [("KC601", 5)]
    (tmp_path / "graph.py").write_text("import tensorflow as tf\n"
                                       "x = tf.placeholder(tf.float32, [None, 4])\n"
                                       "h = tf.layers.dense(x, 8)\n")
    code, records = _prove_json(capsys, "graph.py")
    assert (code, records) == (0, [])
