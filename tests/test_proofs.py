"""The runtime proofs: every rule's proof holds, ``kerascheck prove`` prints the evidence, and
``kerascheck prove FILE`` measures the user's own model rebuilt from the linter's facts."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from test_catalog_proofs import CATALOG_MARGINS

from kerascheck.proofkit import Evidence
from kerascheck.runtime.prove import provable_codes

MISSION_PROOFS = ("KC101", "KC201", "KC301", "KC302", "KC401", "KC501", "KC502")
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


def run_cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kerascheck", *args], capture_output=True,
                          text=True, env=ENV, timeout=300, **kwargs)


def test_mission_rules_have_proofs():
    assert set(MISSION_PROOFS) <= set(provable_codes())


# What the mission rules' evidence must show, beyond the verdict: wide margins, not a coin toss.
MARGINS = {
    "KC101": lambda m: (m["bad: output_shape"].startswith("AttributeError")
                        and m["bad: count_params()"].startswith("ValueError")
                        and m["bad: summary(): total params"] == 0
                        and m["good: output_shape"] == "(None, 10)"),
    "KC201": lambda m: (m["bad: distance of the logits to one affine map"] < 1e-5
                        and m["good: distance of the logits to one affine map"] > 1.0
                        and m["bad: XOR accuracy after training"] <= 0.75),
    "KC301": lambda m: (m["bad: mean sum of the sigmoid outputs"] > 2.0
                        and m["good: largest |sum - 1|"] < 1e-4),
    "KC302": lambda m: m["ratio"] < 1e-2,
    "KC401": lambda m: (m["bad: loss after 100 steps on raw 0-255 pixels"]
                        > 4 * m["good: loss after 100 steps on pixels / 255"]),
    "KC501": lambda m: m["bad: accuracy on its training data (all a fit without holdout shows)"]
    >= 0.95 and m["good: accuracy on held-out data"] <= 0.65,
    "KC502": lambda m: m["bad: evaluate() on the training data"] >= 0.95
    and m["good: evaluate() on held-out data"] <= 0.65,
    **CATALOG_MARGINS,
}


@pytest.mark.runtime
@pytest.mark.parametrize("code", provable_codes())
def test_proof_verdict_holds(code):
    from kerascheck.runtime.prove import prove

    evidence = prove(code)
    assert isinstance(evidence, Evidence)
    assert evidence.code == code
    assert evidence.measurements, "a proof reports what it measured"
    assert evidence.verdict is True, evidence
    if code in MARGINS:
        assert MARGINS[code](evidence.measurements), evidence.measurements


def test_prove_without_tensorflow_exits_2_with_one_line():
    blocked = ("import sys; sys.modules['tensorflow'] = None; from kerascheck.cli import main; "
               "sys.exit(main(['prove', 'KC201']))")
    result = subprocess.run([sys.executable, "-c", blocked], capture_output=True, text=True,
                            env=ENV, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "kerascheck[runtime]" in result.stderr


def test_prove_unknown_rule_is_a_usage_error():
    result = run_cli("prove", "KC999")
    assert result.returncode == 2
    assert "unknown rule" in result.stderr


@pytest.mark.runtime
def test_prove_command_prints_table_and_exits_0():
    result = run_cli("prove", "KC302", "missing-input-shape")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("KC302  regression-loss-for-classification")
    assert "holds" in lines[0]
    assert any(line.startswith("KC101  missing-input-shape") and "holds" in line
               for line in lines)
    assert "ratio" in result.stdout
    assert result.stdout.rstrip().endswith("2 proofs run: every verdict holds.")


# --- proofs on the user's own model ----------------------------------------------------------

KC301_FILE = textwrap.dedent("""\
    from tensorflow import keras

    model = keras.Sequential([
        keras.Input(shape=(20,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(10, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    """)


@pytest.mark.runtime
def test_prove_file_measures_the_users_model(tmp_path, capsys, monkeypatch):
    from kerascheck.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "train.py").write_text(KC301_FILE)
    assert main(["prove", "train.py"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("train.py:6:5: KC301 ")
    assert lines[1].startswith("    your model at train.py:3: outputs sum to ")
    assert lines[1].endswith("on average, not 1 (symptom shown)")
    mean_sum = float(lines[1].split("outputs sum to ")[1].split()[0])
    assert 3.0 < mean_sum < 7.0  # ten sigmoid units of an untrained model: about 5


def _proved(code: str):
    from kerascheck.runtime.verdicts import prove_source

    return prove_source(textwrap.dedent(code), "example.py")


@pytest.mark.runtime
def test_prove_file_rebuilds_functional_and_input_shape_forms():
    results = _proved("""
        import tensorflow as tf
        inputs = tf.keras.Input(shape=(16,))
        x = tf.keras.layers.Dense(32, activation=None)(inputs)
        x = tf.keras.layers.Dropout(0.2)(x)
        outputs = tf.keras.layers.Dense(1, activation="sigmoid")(x)
        model = tf.keras.Model(inputs, outputs)

        clf = tf.keras.Sequential([tf.keras.layers.Dense(64, 'relu', input_shape=(784,)),
                                   tf.keras.layers.Dense(10, activation='softmax')])
        clf.compile(optimizer='adam', loss='mse', metrics=['accuracy'])
        """)
    by_code = {item.diagnostic.code: item for item in results}
    assert set(by_code) == {"KC201", "KC302"}
    kc201 = by_code["KC201"]
    assert kc201.model_line == 7  # the line of `tf.keras.Model(inputs, outputs)`
    assert kc201.evidence.verdict is True
    assert kc201.evidence.measurements["distance to one affine map"] < 1e-5
    kc302 = by_code["KC302"]
    assert kc302.evidence.verdict is True
    assert kc302.evidence.measurements["ratio"] < 1e-2


@pytest.mark.runtime
def test_prove_file_unbuilt_model_and_data_rules():
    results = _proved("""
        import tensorflow as tf
        from tensorflow import keras
        q = tf.keras.Sequential()
        q.add(tf.keras.layers.Dense(10, activation='relu'))
        q.compile(optimizer='adam', loss='mse')
        q.summary()

        (x_train, y_train), _ = keras.datasets.mnist.load_data()
        net = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                                keras.layers.Dense(32, activation="relu"),
                                keras.layers.Dense(10, activation="softmax")])
        net.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        net.fit(x_train, y_train, epochs=5)
        """)
    by_code = {item.diagnostic.code: item for item in results}
    assert set(by_code) == {"KC101", "KC401", "KC501"}
    assert by_code["KC101"].evidence.measurements["count_params()"].startswith("ValueError")
    kc401 = by_code["KC401"].evidence
    assert kc401.verdict is True
    assert kc401.measurements["loss after 100 steps, raw"] > \
        1.5 * kc401.measurements["loss after 100 steps, scaled"]
    kc501 = by_code["KC501"].evidence
    assert kc501.verdict is True
    assert kc501.measurements["accuracy on training data"] >= 0.9
    assert kc501.measurements["accuracy on held-out data"] <= 0.4  # ten classes: chance 0.1


@pytest.mark.runtime
def test_prove_file_says_plainly_what_cannot_be_rebuilt():
    results = _proved("""
        from tensorflow import keras
        from mylib import Gate, UNITS
        a = keras.Sequential([keras.Input(shape=(4,)), Gate(),
                              keras.layers.Dense(3, activation="sigmoid")])
        a.compile(loss="categorical_crossentropy")
        b = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(UNITS),
                              keras.layers.Dense(3, activation="sigmoid")])
        b.compile(loss="categorical_crossentropy")
        """)
    by_place = {(item.diagnostic.code, item.diagnostic.line): item for item in results}
    assert by_place[("KC301", 5)].evidence is None
    assert "custom layer" in by_place[("KC301", 5)].not_rebuilt
    # a hidden unit count from a variable gets a stand-in, and the evidence says so
    for place in (("KC301", 8), ("KC201", 7)):
        evidence = by_place[place].evidence
        assert evidence is not None and evidence.verdict is True
        assert "`UNITS` of a Dense layer given the stand-in 8" in \
            evidence.measurements["stand-ins (not from your code)"]


def test_prove_file_honors_noqa():
    results = _proved("""
        from tensorflow import keras
        m = keras.Sequential([keras.Input(shape=(4,)),
                              keras.layers.Dense(3, activation="sigmoid")])  # noqa: KC301
        m.compile(loss="categorical_crossentropy")
        """)
    assert results == []


def test_prove_file_honors_the_project_configuration(tmp_path):
    from kerascheck.runtime.verdicts import prove_source

    (tmp_path / "pyproject.toml").write_text('[tool.kerascheck]\nignore = ["KC301"]\n')
    path = tmp_path / "train.py"
    path.write_text(KC301_FILE)
    assert prove_source(path.read_bytes(), str(path)) == []


@pytest.mark.runtime
def test_prove_reads_a_notebook_and_names_the_cell(tmp_path, capsys, monkeypatch):
    import json

    from kerascheck.cli import main

    monkeypatch.chdir(tmp_path)
    imports, model = KC301_FILE.split("\n", 1)
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# Ten classes"]},
             {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1,
              "source": ["%load_ext autoreload\n", imports]},
             {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 2,
              "source": model.strip("\n")}]
    (tmp_path / "train.ipynb").write_text(json.dumps(
        {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}))
    assert main(["prove", "train.ipynb"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("train.ipynb:cell 3:4:5: KC301 ")
    assert lines[1].startswith("    your model at train.ipynb:cell 3:1: outputs sum to ")
    assert lines[1].endswith("(symptom shown)")


@pytest.mark.runtime
def test_catalog_proofs_return_the_series_their_figures_draw(tmp_path, capsys):
    """The figures come from measured numbers: KC603's per-step losses (the high rate ends far
    above the sane one) and KC301's output sums (sigmoid far from 1, softmax at 1)."""
    from kerascheck.cli import main
    from kerascheck.runtime.prove import prove

    rate = prove("KC603").figure
    assert rate["kind"] == "curves" and rate["steps"] == 80
    high, sane = rate["series"].values()
    assert len(high) == len(sane) == 20 and high[-1] > 10 * sane[-1]
    sums = prove("KC301").figure
    assert sums["kind"] == "distributions" and sums["reference"] == 1.0
    sigmoid, softmax = sums["series"].values()
    assert min(abs(value - 1) for value in sigmoid) > 0.1
    assert max(abs(value - 1) for value in softmax) < 1e-4
    # `kerascheck prove CODE --plot DIR` draws the catalog proof's figure from them
    assert main(["prove", "KC301", "--plot", str(tmp_path)]) == 0
    assert (tmp_path / "KC301.png").read_bytes()[:4] == b"\x89PNG"
    assert f"figure: {tmp_path / 'KC301.png'}" in capsys.readouterr().out
