"""``kerascheck prove FILE`` on what real code looks like: shapes computed from the data, sizes
the source does not state, findings inside the project's own modules.

Real TensorFlow and the real command (constructs run in the child Keras process)."""

from __future__ import annotations

import json
import textwrap

import pytest

from kerascheck.cli import main

pytestmark = pytest.mark.runtime


def _prove_json(capsys, *args) -> tuple[int, list[dict]]:
    code = main(["prove", *args, "--output-format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_an_integer_shape_from_the_data_is_shown_with_a_stand_in(tmp_path, capsys,
                                                                 monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "train.py").write_text(textwrap.dedent("""\
        import numpy as np
        from tensorflow import keras
        x_train = np.load("x.npy")
        first = keras.Input(shape=x_train.shape[1])
        second = keras.Input(shape=(28 * 28))
        def head(features):
            return keras.Sequential([keras.layers.Dense(8, input_shape=features),
                                     keras.layers.Dense(1)])
        model = head(12)
        """))
    code, records = _prove_json(capsys, "train.py", "--select", "KC103")
    by_line = {r["line"]: r for r in records}
    assert code == 0 and set(by_line) == {4, 5, 7}, records
    assert {r["verdict"] for r in records} == {"shown"}
    unknown = by_line[4]["measurements"]
    # the value is not known: a stand-in int, said in the evidence
    assert unknown["construct (from your code)"] == "keras.Input(shape=4)"
    assert "`x_train.shape[1]` -> 4" in unknown["stand-ins (not from your code)"]
    assert unknown["exception"].startswith("ValueError: Cannot convert '4' to a shape")
    # a product of literals is folded to its value
    folded = by_line[5]["measurements"]
    assert folded["construct (from your code)"] == "keras.Input(shape=784)"
    assert "folded to 784" in folded["stand-ins (not from your code)"]
    assert by_line[7]["measurements"]["exception"].startswith("ValueError")


def test_a_finding_inside_an_imported_module_runs_the_construct_found_there(
        tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "helpers.py").write_text(textwrap.dedent("""\
        from keras.utils import layer_utils


        def head(layers, units):
            return layers.core.Dense(units)


        def finish(model):
            if model.built:
                layer_utils.convert_all_kernels_in_model(model)
            return model
        """))
    (tmp_path / "train.py").write_text(textwrap.dedent("""\
        from tensorflow import keras
        from helpers import finish, head
        model = finish(keras.Sequential([keras.Input(shape=(4,)), head(keras.layers, 1)]))
        """))
    code, records = _prove_json(capsys, "train.py", "--select", "KC601")
    # only the path the importer's call reveals (`layers` is its `keras.layers`); the use of
    # the removed import is helpers.py's, reported there once, at the import
    [record] = records
    assert record["message"].endswith("(in helpers.py:5)")
    assert record["verdict"] == "shown", record
    measured = record["measurements"]
    assert measured["construct found in"] == "helpers.py:5"
    assert measured["construct (from your code)"] == "layers.core.Dense"
    assert measured["exception"].startswith("AttributeError")
    assert code == 0
    # the module's own finding: its import, run as written
    code, records = _prove_json(capsys, "helpers.py", "--select", "KC601")
    [record] = records
    assert record["line"] == 1 and record["verdict"] == "shown", record
    assert record["measurements"]["construct (from your code)"] == \
        "from keras.utils import layer_utils"
    assert record["measurements"]["exception"].startswith("ImportError")


def test_a_linear_hidden_layer_is_shown_on_its_path_when_the_model_cannot_be_rebuilt():
    from kerascheck.runtime.verdicts import prove_source, verdict_of

    results = prove_source(textwrap.dedent("""\
        import numpy as np
        from tensorflow import keras
        from features import Encoder
        x_train = np.load("x.npy")
        inputs = keras.Input(shape=x_train.shape[1:])
        hidden = Encoder(x_train.shape)(inputs)
        hidden = keras.layers.Dense(64)(hidden)
        hidden = keras.layers.Dropout(0.2)(hidden)
        outputs = keras.layers.Dense(3, activation="softmax")(hidden)
        model = keras.Model(inputs, outputs)
        """), "model.py")
    [item] = [item for item in results if item.diagnostic.code == "KC201"]
    assert verdict_of(item) == "shown", item.not_rebuilt
    assert item.evidence.measurements["distance to one affine map"] < 1e-5
    stand_ins = item.evidence.measurements["stand-ins (not from your code)"]
    # the whole model cannot be rebuilt (a layer of the user's own, an unknown input shape):
    # the path alone, said in the evidence
    assert "only the flagged layer and the layers after it" in stand_ins
    assert "its input shape is unknown" in stand_ins


def test_a_model_built_from_its_first_batch_takes_the_data_sets_shape_and_optimizer():
    from kerascheck.runtime.verdicts import prove_source, verdict_of

    results = prove_source(textwrap.dedent("""\
        from tensorflow import keras
        (x_train, y_train), _ = keras.datasets.mnist.load_data()
        model = keras.Sequential()
        model.add(keras.layers.Flatten())
        model.add(keras.layers.Dense(32, activation="relu"))
        model.add(keras.layers.Dense(10, activation="softmax"))
        model.summary()
        model.compile(optimizer=keras.optimizers.SGD(), loss="sparse_categorical_crossentropy")
        model.fit(x_train, y_train, epochs=3)
        """), "mnist.py")
    by_code = {item.diagnostic.code: item for item in results}
    raw = by_code["KC401"]
    assert verdict_of(raw) == "shown", raw.not_rebuilt or raw.evidence
    measured = raw.evidence.measurements
    assert "input shape (28, 28) from the data it is fit on (mnist" in \
        measured["stand-ins (not from your code)"]
    assert measured["optimizer (as compiled)"].startswith("SGD")
    # KC101's symptom is the unbuilt model itself: it gets no stand-in input
    unbuilt = by_code["KC101"]
    assert verdict_of(unbuilt) == "shown"
    assert "stand-ins (not from your code)" not in unbuilt.evidence.measurements


def test_structure_and_data_findings_are_measured_on_the_users_model_not_the_example():
    from kerascheck.runtime.verdicts import prove_source, verdict_of

    results = prove_source(textwrap.dedent("""\
        from tensorflow import keras
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        x_train = x_train.reshape(-1, 28, 28, 1) / 255.0
        labels = keras.utils.to_categorical(y_train, 10)
        small = keras.Sequential([keras.Input(shape=(8, 8, 1)), keras.layers.Conv2D(4, 3),
                                  keras.layers.MaxPooling2D(2), keras.layers.Conv2D(4, 3),
                                  keras.layers.Conv2D(4, 3), keras.layers.Flatten(),
                                  keras.layers.Dense(10, activation="softmax")])
        model = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Flatten(),
                                  keras.layers.Dense(16, activation="relu"),
                                  keras.layers.Dense(5, activation="softmax")])
        model.compile(optimizer="adam", loss="categorical_crossentropy")
        model.fit(x_train, labels, epochs=2, validation_data=(x_train[:1000], labels[:1000]))
        """), "train.py")
    by_code = {item.diagnostic.code: item for item in results}
    assert {"KC104", "KC308", "KC505"} <= set(by_code)
    for code in ("KC104", "KC308", "KC505"):
        assert verdict_of(by_code[code]) == "shown", (code, by_code[code].not_rebuilt)
        assert by_code[code].model_line in (5, 9)  # on the user's model
    # KC104: Keras' own refusal of the user's model, at the user's sizes
    assert "(None, 1, 1, 4)" in by_code["KC104"].evidence.measurements["building your model"]
    # KC308: the user's 5 units on one-hot labels of the 10 classes mnist holds
    fit = by_code["KC308"].evidence.measurements["fit on one-hot labels of 10 classes"]
    assert fit.startswith("ValueError")
    # KC505: the user's architecture memorizes the rows its validation is taken from
    memory = by_code["KC505"].evidence.measurements
    assert memory["accuracy on rows it trained on (its validation)"] >= \
        memory["accuracy on held-out data"] + 0.25


def test_raw_test_rows_are_scored_by_the_users_model_trained_on_standardized_rows():
    from kerascheck.runtime.verdicts import prove_source, verdict_of

    [item] = prove_source(textwrap.dedent("""\
        import pandas as pd
        from sklearn.preprocessing import StandardScaler
        from tensorflow import keras
        frame = pd.read_csv("patients.csv")
        x, y = frame.drop(columns="label").values, frame["label"].values
        x_train, x_test, y_train, y_test = x[:800], x[800:], y[:800], y[800:]
        x_train = StandardScaler().fit_transform(x_train)
        model = keras.Sequential([keras.Input(shape=(6,)),
                                  keras.layers.Dense(16, activation="relu"),
                                  keras.layers.Dense(3, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(x_train, y_train, epochs=5, validation_split=0.2)
        model.evaluate(x_test, y_test)
        """), "tab.py")
    assert item.diagnostic.code == "KC403" and verdict_of(item) == "shown"
    measured = item.evidence.measurements
    assert measured["accuracy on held-out rows, preprocessed"] >= \
        measured["accuracy on held-out rows, left raw"] + 0.3
    assert measured["data"].startswith("tabular columns")


@pytest.mark.parametrize("code", ["KC202", "KC204", "KC307", "KC604"])
def test_proofs_of_their_own_example_refuse_a_users_model(code):
    from kerascheck.proofkit import Subject
    from kerascheck.rules import rule_by_code_or_name

    # never the example's numbers passed off as the user's model's
    with pytest.raises(NotImplementedError):
        rule_by_code_or_name(code)().prove(Subject(model=None, fact=None, finding=None,
                                                   input_shape=None))


def test_logits_read_as_probabilities_and_a_stateful_rnn_on_the_users_model():
    from kerascheck.runtime.verdicts import prove_source, verdict_of

    results = prove_source(textwrap.dedent("""\
        from tensorflow import keras
        logits = keras.Sequential([keras.Input(shape=(4,)),
                                   keras.layers.Dense(8, activation="relu"),
                                   keras.layers.Dense(3)])
        logits.compile(optimizer="adam", loss="categorical_crossentropy")
        rnn = keras.Sequential()
        rnn.add(keras.layers.LSTM(16, batch_input_shape=(32, 10, 4), stateful=True))
        rnn.add(keras.layers.Dense(1, activation="softmax"))
        rnn.compile(optimizer="adam", loss="binary_crossentropy")
        both = keras.Sequential([keras.layers.Bidirectional(keras.layers.GRU(4),
                                                            input_shape=(6, 3)),
                                 keras.layers.Dense(1, activation="softmax")])
        """), "heads.py")
    by_code = {item.diagnostic.code: item for item in results}
    clipped = by_code["KC305"]
    assert verdict_of(clipped) == "shown", clipped.not_rebuilt
    assert clipped.evidence.measurements["gradient norm, your loss"] < 1e-6
    assert clipped.evidence.measurements["gradient norm, from_logits=True"] > 0.1
    # a stateful LSTM needs a fixed batch: left out for a proof that only looks at the output
    softmax = [item for item in results if item.diagnostic.code == "KC303"]
    assert [verdict_of(item) for item in softmax] == ["shown", "shown"], \
        [item.not_rebuilt for item in softmax]
    assert "`stateful=` of a LSTM layer left out" in \
        softmax[0].evidence.measurements["stand-ins (not from your code)"]
    # a wrapped layer (Bidirectional(GRU(4))) is rebuilt inside its wrapper
    assert softmax[1].model_line == 10


def test_a_measurements_failure_is_said_in_one_line():
    from kerascheck.runtime.pairing import error_text as _error_text

    traced = ValueError('in user code:\n\n    File "x.py", line 3, in step  *\n        loss = f()\n'
                        '\n    ValueError: Argument `output` must have rank 1. Received: (8, 28)\n')
    assert _error_text(traced) == \
        "ValueError: Argument `output` must have rank 1. Received: (8, 28)"
    graph = RuntimeError("Graph execution error:\n\nDetected at node x defined at:\n  File \"a\"\n"
                         "Received a label value of 1 which is outside the valid range of [0, 1)."
                         "\n\t [[{{node x}}]] [Op:__inference_step_1]")
    assert _error_text(graph) == ("RuntimeError: Received a label value of 1 which is outside "
                                  "the valid range of [0, 1).")


def test_a_deep_convnet_on_large_images_is_shrunk_to_the_smallest_side_it_builds_on():
    """Five convolutions and poolings cannot be built on 32x32 (the map shrinks to nothing);
    the rebuild tries larger sides and takes the first Keras builds, instead of training the
    300x300 model (tens of seconds). Raw images given to predict() after a rescaled training
    generator: every output saturates, and the accuracy drops to one class's share."""
    from kerascheck.runtime.verdicts import prove_source, verdict_of

    layers = "\n".join(
        f"        keras.layers.Conv2D({filters}, (3, 3), activation='relu'{shape}),\n"
        f"        keras.layers.MaxPooling2D(2, 2),"
        for filters, shape in ((8, ", input_shape=(300, 300, 3)"), (16, ""), (16, ""),
                               (16, ""), (16, "")))
    source = textwrap.dedent("""\
        import numpy as np
        from tensorflow import keras
        from tensorflow.keras.preprocessing.image import ImageDataGenerator, load_img, img_to_array
        batches = ImageDataGenerator(rescale=1 / 255).flow_from_directory(
            "photos/", target_size=(300, 300), class_mode="binary")
        model = keras.Sequential([
        """) + layers + textwrap.dedent("""
            keras.layers.Flatten(),
            keras.layers.Dense(32, activation='relu'),
            keras.layers.Dense(1, activation='sigmoid')])
        model.compile(optimizer="rmsprop", loss="binary_crossentropy")
        model.fit(batches, epochs=3)
        picture = img_to_array(load_img("query.jpg", target_size=(300, 300)))
        print(model.predict(np.expand_dims(picture, axis=0)))
        """)
    [item] = [item for item in prove_source(source, "photos.py")
              if item.diagnostic.code == "KC403"]
    assert verdict_of(item) == "shown", item.evidence.summary if item.evidence else item
    measured = item.evidence.measurements
    assert "shrunk to (96, 96, 3)" in measured["stand-ins (not from your code)"]
    assert measured["saturated outputs on held-out rows, left raw"] >= 0.9
    assert measured["saturated outputs on held-out rows, preprocessed"] <= 0.1


def test_a_missing_path_handed_to_a_layer_is_run_alone_not_as_the_layers_argument(
        tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "points.py").write_text(textwrap.dedent("""\
        from tensorflow import keras
        from keras import backend as K
        cloud = keras.Input(shape=(64, 3))
        grid = keras.layers.Lambda(K.expand_dims)(cloud)
        """))
    code, records = _prove_json(capsys, "points.py", "--select", "KC601")
    [record] = records
    # before: `K.expand_dims` was given a stand-in integer inside `Lambda(8)` (TypeError)
    assert record["verdict"] == "shown", record
    assert record["measurements"]["construct (from your code)"] == "K.expand_dims"
    assert record["measurements"]["exception"].startswith("AttributeError")


def test_a_root_name_bound_at_run_time_is_imported_as_the_analysis_resolved_it(
        tmp_path, capsys, monkeypatch):
    """keras-applications' style: ``backend`` starts as None and a helper hands the modules in
    at call time; the analysis resolves ``backend.int_shape`` to ``keras.backend.int_shape``."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "blocks.py").write_text(textwrap.dedent("""\
        \"\"\"Blocks for any Keras: the caller hands in its modules.\"\"\"
        from . import get_submodules_from_kwargs

        backend = None
        layers = None


        def widen(x, **kwargs):
            global backend, layers
            backend, layers, _, _ = get_submodules_from_kwargs(kwargs)
            return layers.Conv2D(2 * backend.int_shape(x)[-1], 1)(x)
        """))
    code, records = _prove_json(capsys, "blocks.py", "--select", "KC601")
    [record] = [r for r in records if "int_shape" in r["message"]]
    # before: NameError, `backend` was not bound in the construct's process
    assert record["verdict"] == "shown", record
    assert record["measurements"]["exception"].startswith("AttributeError")
    assert "from keras import backend" in record["measurements"]["stand-ins (not from your code)"]


def test_train_on_batch_before_compile_is_run_without_a_verbose_argument(
        tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "critic.py").write_text(textwrap.dedent("""\
        import numpy as np
        from tensorflow import keras
        critic = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
        scores = critic.train_on_batch(np.zeros((2, 3)), np.zeros((2, 1)))
        """))
    code, records = _prove_json(capsys, "critic.py", "--select", "KC504")
    [record] = records
    # before: `verbose=0` was added to the construct, and Keras raised TypeError about it
    assert record["verdict"] == "shown", record
    assert "verbose" not in record["measurements"]["construct (from your code)"]
    assert record["measurements"]["exception"].startswith("ValueError")


def test_two_convolutions_in_a_row_are_shown_on_a_stand_in_map_when_the_input_is_unknown():
    from kerascheck.runtime.verdicts import prove_source, verdict_of

    results = prove_source(textwrap.dedent("""\
        from tensorflow import keras
        from tensorflow.keras import layers


        def decoder_block(tensor, filters):
            tensor = layers.Conv2D(filters, 3, padding="same")(tensor)
            tensor = layers.Conv2D(filters, 3, padding="same", activation="relu")(tensor)
            return layers.UpSampling2D()(tensor)


        def build(image):
            features = decoder_block(image, 16)
            mask = layers.Conv2D(1, 1, activation="sigmoid")(features)
            return keras.Model(image, mask)
        """), "decoder.py")
    [item] = [item for item in results if item.diagnostic.code == "KC201"]
    assert verdict_of(item) == "shown", item.not_rebuilt or item.evidence.summary
    measured = item.evidence.measurements
    assert measured["distance to one affine map"] < 1e-5
    assert "up to the next Conv2D layer" in measured["stand-ins (not from your code)"]


def test_a_convolutional_path_with_a_relu_is_far_from_one_affine_map():
    """The additive check the convolutional paths use tells a ReLU from an affine map."""
    from kerascheck.diagnostics import Finding
    from kerascheck.facts import LayerFact, ModelFact
    from kerascheck.proofkit import Subject, load_tensorflow
    from kerascheck.proofkit.measure import linear_path_residual

    _, keras, _ = load_tensorflow(0)
    first, second = LayerFact(kind="Conv2D"), LayerFact(kind="Conv2D")
    fact = ModelFact(kind="sequential", layers=[first, second], edges=[(0, 1)], outputs=[1])
    for activation, expected_linear in ((None, True), ("relu", False)):
        one = keras.layers.Conv2D(4, 3, padding="same", activation=activation)
        two = keras.layers.Conv2D(4, 3, padding="same", activation="relu")
        model = keras.Sequential([keras.Input(shape=(12, 12, 3)), one, two])
        subject = Subject(model=model, fact=fact, finding=Finding("KC201", "", first),
                          input_shape=(12, 12, 3), layers={id(first): one, id(second): two})
        residual, _ = linear_path_residual(subject)
        assert (residual < 1e-5) is expected_linear, (activation, residual)


def test_a_handful_of_memorized_labels_counts_only_out_of_chances_reach():
    """A costly model memorizes a handful of samples; 4 of 8 right is far from guessing among
    10 classes (the verdict asks under 1 in 20), and within reach of guessing among 5."""
    from kerascheck.proofkit.memorization import _chance_of_at_least

    assert _chance_of_at_least(4, 8, 0.1) < 0.05
    assert _chance_of_at_least(4, 8, 0.2) > 0.05
    assert _chance_of_at_least(7, 8, 0.5) < 0.05 < _chance_of_at_least(6, 8, 0.5)
    assert _chance_of_at_least(0, 8, 0.5) == pytest.approx(1.0)
    assert _chance_of_at_least(64, 64, 0.5) < 1e-18


def test_a_model_that_declares_no_input_and_has_no_stand_in_is_not_measured_but_no_crash():
    """An Embedding first layer with a vocabulary from a variable and no input length: the
    proof of a sigmoid over four classes needs inputs; it says so instead of crashing the run
    (it raised TypeError out of `kerascheck prove` before)."""
    from kerascheck.runtime.verdicts import prove_source, verdict_of

    results = prove_source(textwrap.dedent("""\
        import tensorflow as tf
        model = tf.keras.Sequential([
            tf.keras.layers.Embedding(words, 16),
            tf.keras.layers.LSTM(8),
            tf.keras.layers.Dense(4, activation="sigmoid")])
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        """), "topics.py")
    [item] = [item for item in results if item.diagnostic.code == "KC301"]
    assert verdict_of(item) == "cannot-rebuild"
    assert "no input shape" in item.not_rebuilt


def test_a_linear_chain_inside_a_layer_subclass_is_shown_on_its_own_graph():
    """KC201 on a Layer subclass's call() has no model of the file: the finding is paired with
    the subclass's own graph and shown on its path (the output layer's activation, from a
    flag, is not needed: its pre-activation is measured)."""
    from kerascheck.runtime.verdicts import prove_source, verdict_of

    results = prove_source(textwrap.dedent("""\
        import tensorflow as tf


        class ScoreHead(tf.keras.layers.Layer):
            def __init__(self, width, squash):
                super().__init__()
                self.hidden = tf.keras.layers.Dense(width)
                self.score = tf.keras.layers.Dense(1, activation="tanh" if squash else None)

            def call(self, inputs):
                return self.score(self.hidden(inputs))
        """), "heads.py")
    [item] = [item for item in results if item.diagnostic.code == "KC201"]
    assert verdict_of(item) == "shown", item.not_rebuilt
    assert item.evidence.measurements["distance to one affine map"] < 1e-5
    assert "built without its activation" in \
        item.evidence.measurements["stand-ins (not from your code)"]


def test_a_softmax_past_the_datasets_classes_is_shown_by_what_its_extra_units_hold():
    from kerascheck.runtime.verdicts import prove_source, verdict_of

    results = prove_source(textwrap.dedent("""\
        from tensorflow import keras
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        x_train, x_test = x_train / 255.0, x_test / 255.0
        model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                                  keras.layers.Dense(16, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(x_train, y_train, epochs=2, validation_data=(x_test, y_test))
        """), "digits.py")
    [item] = [item for item in results if item.diagnostic.code == "KC308"]
    assert verdict_of(item) == "shown", item.not_rebuilt or item.evidence
    measured = item.evidence.measurements
    assert measured["fit on integer labels of 10 classes (0 to 9)"] == "trained (no error)"
    assert measured["probability on the units past the classes (mean)"] > 0.01
