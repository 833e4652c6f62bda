"""Runtime checks on live keras models: the rules' findings from facts read off the model, the
data checks of ``check_fit`` and the callback."""

from __future__ import annotations

import subprocess
import sys
import warnings

import pytest

pytestmark = pytest.mark.runtime


@pytest.fixture(scope="module")
def keras():
    from kerascheck.proofkit import load_tensorflow

    return load_tensorflow(0)[1]


@pytest.fixture(scope="module")
def np():
    import numpy

    return numpy


def codes(findings) -> list[str]:
    return sorted(finding.code for finding in findings)


# --- one model, three ways -------------------------------------------------------------------


def sequential(keras, hidden_activation, output_activation, units=3):
    return keras.Sequential([keras.Input(shape=(4,)),
                             keras.layers.Dense(8, activation=hidden_activation, name="hidden"),
                             keras.layers.Dropout(0.1),
                             keras.layers.Dense(units, activation=output_activation,
                                                name="output")])


def functional(keras, hidden_activation, output_activation, units=3):
    inputs = keras.Input(shape=(4,))
    x = keras.layers.Dense(8, activation=hidden_activation, name="hidden")(inputs)
    x = keras.layers.Dropout(0.1)(x)
    outputs = keras.layers.Dense(units, activation=output_activation, name="output")(x)
    return keras.Model(inputs, outputs)


def subclassed(keras, hidden_activation, output_activation, units=3):
    import numpy

    class Classifier(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(8, activation=hidden_activation, name="hidden")
            self.dropout = keras.layers.Dropout(0.1)
            self.head = keras.layers.Dense(units, activation=output_activation, name="output")

        def call(self, inputs, training=False):
            return self.head(self.dropout(self.hidden(inputs), training=training))

    model = Classifier()
    model(numpy.zeros((1, 4), dtype="float32"))  # built by a first call
    return model


BUILDERS = [sequential, functional, subclassed]


@pytest.mark.parametrize("build", BUILDERS)
def test_linear_hidden_layer_and_sigmoid_multiclass(keras, build):
    from kerascheck.runtime_checks import check_model

    model = build(keras, None, "sigmoid")
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    findings = check_model(model)
    assert [(f.code, f.name, f.layer) for f in findings] == [
        ("KC201", "linear-hidden-activation", "hidden"),
        ("KC301", "sigmoid-multiclass", "output")]
    assert "activation" in findings[0].message


@pytest.mark.parametrize("build", BUILDERS)
def test_regression_loss_for_classifier(keras, build):
    from kerascheck.runtime_checks import check_model

    model = build(keras, "relu", "softmax")
    model.compile(optimizer="adam", loss=keras.losses.MeanSquaredError(),
                  metrics=[keras.metrics.CategoricalAccuracy()])
    assert codes(check_model(model)) == ["KC302"]


@pytest.mark.parametrize("build", BUILDERS)
def test_correct_models_are_silent(keras, build):
    from kerascheck.runtime_checks import check_model

    classifier = build(keras, "relu", "softmax")
    classifier.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                       metrics=["accuracy"])
    assert check_model(classifier) == []
    multilabel = build(keras, "relu", "sigmoid")
    multilabel.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    assert check_model(multilabel) == []
    regression = build(keras, "relu", None, units=1)
    regression.compile(optimizer="adam", loss="mse")
    assert check_model(regression) == []
    assert check_model(build(keras, "relu", "softmax")) == []  # uncompiled


def test_a_softmax_over_one_channel_is_found_on_the_live_model(keras):
    from kerascheck.runtime_checks import check_model

    inputs = keras.Input(shape=(16, 16, 3))
    features = keras.layers.Conv2D(4, 3, padding="same", activation="relu")(inputs)
    mask = keras.layers.Conv2D(1, 1, activation="softmax", name="mask")(features)
    pixels = keras.layers.Reshape((16 * 16, 1))(keras.layers.Conv2D(1, 1)(features))
    spread = keras.layers.Activation("softmax", name="spread")(pixels)
    classes = keras.layers.Conv2D(3, 1, activation="softmax", name="classes")(features)
    model = keras.Model(inputs, [mask, spread, classes])
    assert [(f.code, f.layer) for f in check_model(model)] == [("KC303", "mask"),
                                                              ("KC303", "spread")]


def test_model_facts_read_compile_and_graph(keras):
    from kerascheck.runtime_checks import model_facts

    model = functional(keras, "relu", None)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy", keras.metrics.AUC()])
    facts = model_facts(model)
    assert facts.kind == "functional"
    assert [layer.kind for layer in facts.layers] == ["Dense", "Dropout", "Dense"]
    assert [layer.activation for layer in facts.layers][::2] == ["relu", "linear"]
    assert facts.edges == [(0, 1), (1, 2)] and facts.outputs == [2]
    assert facts.input_declared is True and facts.input_rank == 1
    compile_fact = facts.compile
    assert compile_fact.loss.name == "categorical_crossentropy"
    assert compile_fact.loss.from_logits is True
    assert compile_fact.metrics == ["accuracy", "AUC"]
    assert compile_fact.optimizer.name == "sgd"
    assert compile_fact.optimizer.learning_rate == 0.1


def test_each_output_head_is_judged_against_its_own_loss(keras, np):
    # the static analysis' views (analysis/heads.py), made of a live model's loss list or dict
    from kerascheck.runtime_checks import check_fit, check_model

    features = keras.Input(shape=(6,))
    kind = keras.layers.Dense(5, activation="softmax", name="kind")(features)
    box = keras.layers.Dense(4, name="box")(features)
    model = keras.Model(features, [kind, box])
    model.compile(optimizer="adam", loss=["binary_crossentropy", "mse"])
    assert [(f.code, f.layer) for f in check_model(model)] == [("KC304", None)]
    model.compile(optimizer="adam", loss={"box": "mse", "kind": "categorical_crossentropy"})
    assert check_model(model) == []
    model.compile(optimizer="adam", loss={"box": "mse", "kind": "mse"})
    assert [(f.code, f.layer) for f in check_model(model)] == [("KC302", None)]
    # labels given per output go to their heads: one-hot labels for the sparse loss
    model.compile(optimizer="adam", loss=["sparse_categorical_crossentropy", "mse"])
    x, boxes = np.zeros((8, 6), "float32"), np.zeros((8, 4), "float32")
    one_hot = np.eye(5, dtype="float32")[np.arange(8) % 5]
    assert codes(check_fit(model, x, [one_hot, boxes], validation_split=0.2)) == ["KC306"]
    assert codes(check_fit(model, x, {"kind": np.arange(8) % 5, "box": boxes},
                           validation_split=0.2)) == []


def test_custom_layers_are_unknown_and_silence_the_rules(keras):
    from kerascheck.runtime_checks import check_model, model_facts

    class Gate(keras.layers.Layer):
        def call(self, inputs):
            return inputs * keras.ops.sigmoid(inputs)

    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8), Gate(),
                              keras.layers.Dense(1)])
    from kerascheck.facts import UNKNOWN

    assert model_facts(model).layers[1].kind is UNKNOWN
    assert check_model(model) == []


def test_select_restricts_the_rules(keras):
    from kerascheck.runtime_checks import check_model

    model = sequential(keras, None, "sigmoid")
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    assert codes(check_model(model, select=["KC3"])) == ["KC301"]
    assert codes(check_model(model, select=["linear-hidden-activation"])) == ["KC201"]


# --- check_fit -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pixels(np):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(64, 4)).astype("float32")
    y = rng.integers(0, 3, size=64)
    return x, y


def classifier(keras, loss="sparse_categorical_crossentropy", first_layers=()):
    model = keras.Sequential([keras.Input(shape=(4,)), *first_layers,
                              keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    return model


def test_check_fit_raw_pixels_and_no_holdout(keras, pixels):
    from kerascheck.runtime_checks import check_fit

    x, y = pixels
    findings = check_fit(classifier(keras), x, y)
    assert codes(findings) == ["KC401", "KC501"]
    assert all(finding.layer is None for finding in findings)


def test_check_fit_on_a_dataset_looks_at_one_batch(keras, pixels):
    import tensorflow as tf

    from kerascheck.runtime_checks import check_fit

    x, y = pixels
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    assert codes(check_fit(classifier(keras), dataset)) == ["KC401", "KC501"]
    scaled = dataset.map(lambda images, labels: (images / 255.0, labels))
    assert check_fit(classifier(keras), scaled, validation_data=scaled) == []


def test_check_fit_silent_when_scaled_or_with_a_scaling_layer(keras, pixels):
    from kerascheck.runtime_checks import check_fit

    x, y = pixels
    assert check_fit(classifier(keras), x / 255.0, y, validation_split=0.2) == []
    rescaled = classifier(keras, first_layers=[keras.layers.Rescaling(1 / 255)])
    assert check_fit(rescaled, x, y, validation_data=(x, y)) == []
    standardized = (x - x.mean(axis=0)) / x.std(axis=0)
    assert check_fit(classifier(keras), standardized, y, validation_split=0.1) == []


def test_check_fit_label_encoding_mismatches(keras, pixels, np):
    from kerascheck.runtime_checks import check_fit

    x, y = pixels
    x = x / 255.0
    one_hot = np.eye(3, dtype="float32")[y]
    sparse_with_one_hot = check_fit(classifier(keras), x, one_hot, validation_split=0.2)
    assert [(f.code, f.name) for f in sparse_with_one_hot] == [
        ("KC306", "label-encoding-mismatch")]
    assert "one-hot" in sparse_with_one_hot[0].message
    categorical_with_ids = check_fit(classifier(keras, "categorical_crossentropy"), x, y,
                                     validation_split=0.2)
    assert codes(categorical_with_ids) == ["KC306"]
    out_of_range = check_fit(classifier(keras), x, y + 1, validation_split=0.2)
    assert codes(out_of_range) == ["KC306"]
    assert "Label 3" in out_of_range[0].message
    assert check_fit(classifier(keras, "categorical_crossentropy"), x, one_hot,
                     validation_split=0.2) == []


# --- the callback ----------------------------------------------------------------------------


def test_callback_raises_before_training(keras, pixels):
    from kerascheck.runtime_checks import KerasCheckCallback, KerasCheckError

    x, y = pixels
    model = classifier(keras)
    with pytest.raises(KerasCheckError) as raised:
        model.fit(x, y, epochs=1, verbose=0, callbacks=[KerasCheckCallback(mode="raise")])
    assert codes(raised.value.findings) == ["KC401", "KC501"]
    assert "KC401 unnormalized-input" in str(raised.value)
    assert int(model.optimizer.iterations.numpy()) == 0  # not one step was taken


def test_callback_warns_and_lets_training_run(keras, pixels):
    from kerascheck.runtime_checks import KerasCheckCallback, KerasCheckWarning

    x, y = pixels
    model = classifier(keras)
    callback = KerasCheckCallback()
    with pytest.warns(KerasCheckWarning, match="KC501 fit-without-holdout"):
        model.fit(x / 255.0, y, epochs=1, batch_size=32, verbose=0, callbacks=[callback])
    assert codes(callback.findings) == ["KC501"]
    assert int(model.optimizer.iterations.numpy()) == 2


def test_callback_is_silent_on_a_clean_fit(keras, pixels):
    from kerascheck.runtime_checks import KerasCheckCallback

    x, y = pixels
    callback = KerasCheckCallback(mode="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        classifier(keras).fit(x / 255.0, y, epochs=1, verbose=0, validation_split=0.25,
                              callbacks=[callback])
    assert callback.findings == []


def test_callback_rejects_unknown_mode(keras):
    from kerascheck.runtime_checks import KerasCheckCallback

    with pytest.raises(ValueError, match="mode"):
        KerasCheckCallback(mode="ignore")


@pytest.mark.parametrize("module", ["kerascheck.runtime_checks", "kerascheck.proofkit",
                                    "kerascheck.runtime.rebuild",
                                    "kerascheck.runtime.verdicts", "kerascheck.runtime.constructs"])
def test_importing_runtime_modules_does_not_import_tensorflow(module):
    probe = (f"import sys, {module}; "
             f"print(sorted(m for m in ('tensorflow', 'keras', 'numpy') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.strip() == "[]", result.stderr


def test_learning_rate_read_from_the_optimizer(keras):
    from kerascheck.runtime_checks import check_model

    model = classifier(keras)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.5),
                  loss="sparse_categorical_crossentropy")
    assert codes(check_model(model)) == ["KC603"]
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss="sparse_categorical_crossentropy")
    assert check_model(model) == []


def test_token_ids_into_an_embedding_are_not_raw_input(keras, np):
    from kerascheck.runtime_checks import check_fit

    model = keras.Sequential([keras.Input(shape=(10,), dtype="int32"),
                              keras.layers.Embedding(5000, 8),
                              keras.layers.GlobalAveragePooling1D(),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    tokens = np.random.default_rng(0).integers(1, 5000, size=(32, 10))
    labels = np.random.default_rng(1).integers(0, 2, size=32)
    assert check_fit(model, tokens, labels, validation_split=0.2) == []


def test_legacy_tf_keras_models(np):
    """Keras 2 (``tf_keras``) models: read by duck typing, the callback works in their fit()."""
    import tf_keras  # in the test extra: this test must run, never skip

    from kerascheck.runtime_checks import KerasCheckCallback, KerasCheckError, check_model

    layers = tf_keras.layers
    model = tf_keras.Sequential([layers.Dense(8, input_shape=(4,), name="hidden"),
                                 layers.Dense(3, activation="sigmoid", name="output")])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    assert [(f.code, f.layer) for f in check_model(model)] == [("KC201", "hidden"),
                                                              ("KC301", "output")]
    good = tf_keras.Sequential([layers.Dense(8, activation="relu", input_shape=(4,)),
                                layers.Dense(3, activation="softmax")])
    good.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    assert check_model(good) == []
    x = np.random.default_rng(0).uniform(0, 255, size=(32, 4)).astype("float32")
    y = np.random.default_rng(0).integers(0, 3, size=32)
    with pytest.raises(KerasCheckError) as raised:
        good.fit(x, y, epochs=1, verbose=0, callbacks=[KerasCheckCallback(mode="raise")])
    assert codes(raised.value.findings) == ["KC401", "KC501"]


def _unbuilt_classifier(keras):
    """A subclassed model with a linear hidden layer and a 3-class sigmoid output, not built."""

    class Classifier(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(8, name="hidden")
            self.head = keras.layers.Dense(3, activation="sigmoid", name="output")

        def call(self, inputs):
            return self.head(self.hidden(inputs))

    model = Classifier()
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    return model


def test_unbuilt_subclassed_model_is_built_from_the_first_batch(keras, np):
    from kerascheck.runtime_checks import KerasCheckCallback, KerasCheckError, check_fit

    x = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
    y = np.eye(3, dtype="float32")[np.arange(16) % 3]
    assert codes(check_fit(_unbuilt_classifier(keras), x, y, validation_split=0.25)) == [
        "KC201", "KC301"]
    model = _unbuilt_classifier(keras)
    with pytest.raises(KerasCheckError) as raised:
        model.fit(x, y, epochs=1, verbose=0, validation_split=0.25,
                  callbacks=[KerasCheckCallback(mode="raise")])
    assert codes(raised.value.findings) == ["KC201", "KC301"]


def test_unbuilt_subclassed_model_without_data_is_said_not_checkable(keras):
    from kerascheck.runtime_checks import KerasCheckWarning, check_model

    with pytest.warns(KerasCheckWarning, match="not checkable until built"):
        check_model(_unbuilt_classifier(keras))
