"""The ``kerascheck`` fixture on live models, and ``--kerascheck-prove`` on a failing lint item
(real TensorFlow, tiny models)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.runtime

pytest_plugins = ["pytester"]


def hidden_layers_model(keras, hidden_activation):
    return keras.Sequential([
        keras.Input(shape=(4,)),
        keras.layers.Dense(8, activation=hidden_activation, name="hidden"),
        keras.layers.Dense(3, activation="softmax", name="probabilities"),
    ])


@pytest.fixture(scope="module")
def keras():
    from kerascheck.proofkit import load_tensorflow

    _tf, keras, _np = load_tensorflow(seed=0)
    return keras


def test_check_model_finds_a_linear_hidden_layer(kerascheck, keras):
    findings = kerascheck.check_model(hidden_layers_model(keras, None))
    assert [(f.code, f.layer) for f in findings] == [("KC201", "hidden")]
    assert kerascheck.check_model(hidden_layers_model(keras, "relu")) == []


def test_assert_clean_fails_with_a_readable_list_of_findings(kerascheck, keras):
    model = hidden_layers_model(keras, "linear")
    with pytest.raises(AssertionError) as failure:
        kerascheck.assert_clean(model)
    message = str(failure.value)
    assert message.startswith(f"kerascheck found 1 problem in model {model.name!r}:")
    assert "KC201 linear-hidden-activation: layer 'hidden': " in message
    kerascheck.assert_clean(hidden_layers_model(keras, "relu"))  # a clean model passes


def test_assert_clean_with_data_sees_raw_pixels_and_a_missing_holdout(kerascheck, keras):
    import numpy as np

    model = hidden_layers_model(keras, "relu")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(32, 4)).astype("float32")
    labels = rng.integers(0, 3, size=32)
    with pytest.raises(AssertionError) as failure:
        kerascheck.assert_clean(model, pixels, labels)
    assert {"KC401", "KC501"} <= {line.split()[0] for line in str(failure.value).splitlines()[1:]}
    kerascheck.assert_clean(model, pixels / 255.0, labels, validation_split=0.2)
    kerascheck.assert_clean(model, pixels, labels, select=["KC2"])  # data rules not selected


def test_the_project_configuration_filters_the_fixture(kerascheck, keras, pytester):
    # In process: the ``keras`` fixture imported TensorFlow first, so pytester's restoring of
    # sys.modules after the run cannot drop (and later re-import) NumPy's C extension.
    pytester.makepyprojecttoml('[tool.kerascheck]\nignore = ["KC201"]\n')
    pytester.makepyfile(test_user="""
        import keras

        def test_ignored_rule(kerascheck):
            model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8),
                                      keras.layers.Dense(3, activation="softmax")])
            kerascheck.assert_clean(model)
    """)
    pytester.runpytest_inprocess("-p", "no:xdist").assert_outcomes(passed=1)


def test_prove_runs_a_rules_proof_and_asserts_its_verdict(kerascheck):
    evidence = kerascheck.prove("KC201")
    assert evidence.code == "KC201" and evidence.verdict is True
    assert evidence.measurements


def test_kerascheck_prove_attaches_evidence_on_the_users_model(pytester):
    (pytester.path / "train.py").write_text(
        "import tensorflow as tf\n"
        "\n"
        "model = tf.keras.Sequential([\n"
        "    tf.keras.Input(shape=(2,)),\n"
        "    tf.keras.layers.Dense(10, activation='linear'),\n"
        "    tf.keras.layers.Dense(1, activation='sigmoid'),\n"
        "])\n")
    result = pytester.runpytest_subprocess("--kerascheck", "--kerascheck-prove", "-p",
                                           "no:xdist")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "train.py:5:5: KC201 *",
        "runtime evidence (--kerascheck-prove):",
        "  train.py:5:5: KC201: your model at train.py:3: * (symptom shown)",
        "      *: *",
    ])
    # TensorFlow's native import chatter (absl, the missing CUDA driver) is not shown
    shown = result.stdout.str() + result.stderr.str()
    assert "absl::InitializeLog" not in shown and "cuda drivers" not in shown


def test_a_failing_check_model_assert_shows_readable_findings(pytester):
    pytester.makepyfile(test_user="""
        from kerascheck.proofkit import load_tensorflow

        def test_model_is_clean(kerascheck):
            _tf, keras, _np = load_tensorflow()
            model = keras.Sequential([
                keras.Input(shape=(4,)),
                keras.layers.Dense(8, name="hidden"),
                keras.layers.Dense(3, activation="softmax", name="probabilities"),
            ])
            assert kerascheck.check_model(model) == []
        """)
    result = pytester.runpytest_subprocess("-p", "no:xdist")
    result.assert_outcomes(failed=1)
    # the finding in full, not RuntimeFinding(code=..., name=..., message=... cut off)
    result.stdout.fnmatch_lines([
        "E       assert *<KC201 layer*",
        "E         Left contains one more item: <KC201 layer 'hidden': Hidden Dense layer has "
        "no activation, * such as `activation=\"relu\"`>"])


def test_kerascheck_prove_gives_the_verdicts_of_kerascheck_prove(pytester):
    """The plugin attaches the command's verdicts: a model finding (KC603, trained at the
    user's rate on the rebuilt model) and an API finding (KC601, run in the installed Keras)."""
    (pytester.path / "train.py").write_text(
        "import tensorflow as tf\n"
        "from keras.layers.core import Dense\n"
        "\n"
        "model = tf.keras.Sequential([\n"
        "    tf.keras.Input(shape=(6,)),\n"
        "    tf.keras.layers.Dense(16, activation='relu'),\n"
        "    tf.keras.layers.Dense(3, activation='softmax'),\n"
        "])\n"
        "model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=5.0),\n"
        "              loss='sparse_categorical_crossentropy')\n")
    result = pytester.runpytest_subprocess("--kerascheck", "--kerascheck-prove", "-p",
                                           "no:xdist")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "runtime evidence (--kerascheck-prove):",
        "  train.py:2:*: KC601: your code in the installed Keras: * (symptom shown)",
        ("  train.py:9:*: KC603: your model at train.py:4: with adam(learning_rate=5)* "
         "(symptom shown)"),
    ])
