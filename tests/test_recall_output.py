"""Output set-up and input shape patterns of the round-2 split (benchmarks/BUG_CORPUS.md, "Branch
output"), each as a small case written for this suite, beside the look-alikes that must stay
silent: a shape computed from integer constants (KC103), activations given as function objects
(``keras.backend.sigmoid``, ``tf.nn.softmax``) read like their strings (KC301, KC305), a loss
given per output name for a single output (KC301), and a builder of another module whose
targets the importer encodes (KC301, KC306)."""

from __future__ import annotations

import pytest
from conftest import check_expected_beside_api as check

# --- KC103: a size computed from integer constants ------------------------------------------


def test_a_shape_multiplied_out_of_integer_constants_is_an_integer():
    check("""
import keras
rows, columns = (32, 32)
pixels = rows * columns * 3
inputs = keras.Input(shape=pixels)  # expect: KC103
""")


def test_a_product_kept_in_a_tuple_or_made_of_floats_is_silent():
    check("""
import keras
rows, columns = (32, 32)
pixels = rows * columns * 3
scaled = rows * 0.5
inputs = keras.Input(shape=(pixels,))
other = keras.Input(shape=(rows, columns, 3))
halves = keras.Input(shape=scaled)
""")


def test_a_product_with_an_unknown_factor_is_silent():
    check("""
import keras
pixels = 28 * load_width()
inputs = keras.Input(shape=pixels)
""")


# --- KC301: activations given as function objects, a loss keyed by the only output's name ---


@pytest.mark.parametrize("spelling", ["from keras.backend import sigmoid",
                                      "from tensorflow.keras.backend import sigmoid",
                                      "from keras.ops import sigmoid",
                                      "from tensorflow import sigmoid"])
def test_a_sigmoid_function_object_is_a_sigmoid(spelling):
    check(f"""
import keras
{spelling}
from keras import layers, models
def compile_model(model):
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    return model
def model_fn(labels_dim):
    model = models.Sequential()
    model.add(layers.Dense(16, input_dim=8, activation="relu"))
    model.add(layers.Dense(labels_dim, activation=sigmoid))  # expect: KC301
    return compile_model(model)
network = model_fn(3)
""")


def test_a_backend_function_that_is_no_activation_stays_unknown():
    check("""
import keras
from keras.backend import mean
model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(3, activation=mean)])
model.compile(loss="categorical_crossentropy", optimizer="sgd")
""")


LABELLED = """
from keras.layers import Dense, Input
from keras.models import Model
from keras.utils import to_categorical
from sklearn.preprocessing import LabelEncoder
def build(num_classes):
    inputs = Input(shape=(16,))
    hidden = Dense(32, activation="relu")(inputs)
    outputs = Dense(num_classes, activation="sigmoid", name="{name}")(hidden){mark}
    model = Model(inputs=inputs, outputs=outputs)
    model.compile(loss={{"output": "binary_crossentropy"}}, optimizer="adam")
    return model
encoder = LabelEncoder()
encoder.fit(names)
targets = to_categorical(encoder.transform(names), num_classes=None)
model = build(5)
model.fit(features, targets, epochs=3, validation_split=0.2)
"""


def test_a_loss_keyed_by_the_only_outputs_name_is_the_models_loss():
    check(LABELLED.format(name="output", mark="  # expect: KC301"))


def test_a_loss_keyed_by_another_name_stays_unknown():
    check(LABELLED.format(name="tags", mark=""))


def test_several_keyed_losses_stay_unknown():
    check("""
import keras
inputs = keras.Input(shape=(16,))
kind = keras.layers.Dense(4, activation="sigmoid", name="kind")(inputs)
model = keras.Model(inputs, kind)
model.compile(loss={"kind": "categorical_crossentropy", "other": "mse"}, optimizer="adam")
""")


# --- the project: builders of another module, trained on the importer's one-hot labels ------

BUILDERS = """\
from keras.layers import Dense, Input
from keras.models import Model


def small(num_classes):
    inputs = Input(shape=(16,))
    outputs = Dense(num_classes, activation="sigmoid", name="output")(inputs)
    model = Model(inputs=inputs, outputs=outputs)
    model.compile(loss="binary_crossentropy", optimizer="adam")
    return model


def wide(num_classes):
    inputs = Input(shape=(16,))
    hidden = Dense(64, activation="relu")(inputs)
    outputs = Dense(num_classes, activation="sigmoid", name="output")(hidden)
    model = Model(inputs=inputs, outputs=outputs)
    model.compile(loss={"output": "binary_crossentropy"}, optimizer="adam")
    return model
"""
TRAINER = """\
from keras.utils import to_categorical
from builders import *

targets = to_categorical(class_ids, num_classes=None)
first = small(5)
first.fit(features, targets, epochs=3, validation_split=0.2)
second = wide(5)
second.fit(features, targets, epochs=3, validation_split=0.2)
"""


def test_single_label_targets_of_the_importer_name_every_builder_behind_one_import(tmp_path):
    from kerascheck.engine import lint_file

    (tmp_path / "pyproject.toml").write_text("[project]\\nname = 'demo'\\n")
    (tmp_path / "builders.py").write_text(BUILDERS)
    (tmp_path / "train.py").write_text(TRAINER)
    assert lint_file(tmp_path / "builders.py").diagnostics == []  # alone: units unknown
    [finding] = lint_file(tmp_path / "train.py").diagnostics
    assert (finding.line, finding.code) == (2, "KC301")
    assert finding.message.endswith("(in builders.py:7, 16)"), finding.message


# --- KC305: TensorFlow's losses over logits in a training loop of the user's ----------------

DIGITS_NET = """
import tensorflow as tf
from tensorflow.keras import Model, layers
class Digits(Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(64, activation=tf.nn.relu)
        self.head = layers.Dense(10{head})
    def call(self, x, training=False):
        x = self.head(self.hidden(x))
        if not training:
            x = tf.nn.softmax(x)
        return x
net = Digits()
optimizer = tf.optimizers.SGD(0.05)
def loss_of(scores, labels):
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.cast(labels, tf.int64), logits=scores))
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = loss_of(net(x, training=True), y)
    grads = tape.gradient(loss, net.trainable_variables)
    optimizer.apply_gradients(zip(grads, net.trainable_variables))
for images, labels in batches:
    train_step(images, labels)
"""


def test_a_softmax_head_behind_a_branching_call_trained_on_tf_logits_loss():
    lines = DIGITS_NET.format(head=", activation=tf.nn.softmax").splitlines()
    lines[7] += "  # expect: KC305"
    check("\n".join(lines))


def test_a_linear_head_softmaxed_only_outside_training_is_right():
    check(DIGITS_NET.format(head=""))


def test_a_sequential_softmax_fed_to_tf_logits_loss_is_reported_at_the_output_layer():
    check("""
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input(shape=(8,)),
                             tf.keras.layers.Dense(3, activation="softmax")])  # expect: KC305
optimizer = tf.keras.optimizers.SGD(0.1)
for x, y in batches:
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(y, model(x)))
    optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_weights),
                                  model.trainable_weights))
""")


def test_tf_logits_loss_on_logits_or_outside_a_tape_is_silent():
    check("""
import tensorflow as tf
logits_model = tf.keras.Sequential([tf.keras.Input(shape=(8,)), tf.keras.layers.Dense(3)])
probabilities = tf.keras.Sequential([tf.keras.Input(shape=(8,)),
                                     tf.keras.layers.Dense(3, activation="softmax")])
optimizer = tf.keras.optimizers.SGD(0.1)
for x, y in batches:
    with tf.GradientTape() as tape:
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits_model(x))
    optimizer.apply_gradients(zip(tape.gradient(loss, logits_model.trainable_weights),
                                  logits_model.trainable_weights))
report = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=probabilities(x))
""")


def test_a_size_doubled_in_a_loop_is_not_one_rounds_value():
    # the body runs any number of times: after it, `width` is no known integer
    check("""
import keras
width = 4
for block in range(3):
    width = width * 2
inputs = keras.Input(shape=(width,))
flat = keras.Input(shape=width)
""")


def test_the_bug_corpus_scorer_counts_a_named_place_only_when_asked():
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "bug_corpus.py"
    spec = importlib.util.spec_from_file_location("bug_corpus_script", script)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    fault = {"file": "lib/builders.py", "line": 16, "expected": ["KC301"]}
    finding = {"code": "KC301", "path": "notebooks/train.py", "line": 2,
               "message": "Sigmoid output ... (in ../lib/builders.py:7, 17)"}
    assert not scorer.matches(fault, finding)
    assert scorer.matches(fault, finding, by_named_place=True)
    elsewhere = {**finding, "message": "Sigmoid output ... (in ../lib/builders.py:7, 30)"}
    assert not scorer.matches(fault, elsewhere, by_named_place=True)


def test_the_bug_corpus_scorer_counts_a_related_location_only_when_asked():
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "bug_corpus.py"
    spec = importlib.util.spec_from_file_location("bug_corpus_script", script)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    fault = {"file": "fit.py", "line": 40, "expected": ["KC305"]}
    finding = {"code": "KC305", "path": "fit.py", "line": 22, "message": "The output layer ...",
               "related": [{"path": "fit.py", "line": 41, "column": 5, "message": "the loss"}]}
    assert not scorer.matches(fault, finding)
    assert scorer.matches(fault, finding, by_named_place=True)
    far = {**finding, "related": [{**finding["related"][0], "line": 50}]}
    assert not scorer.matches(fault, far, by_named_place=True)


def test_a_segmentation_fragment_that_names_no_keras_module_is_checked():
    # no "keras", "Dense" or "Sequential" anywhere: the capitalised convolution makes it Keras'
    check("""
conv10 = Conv2D(1, 1)(conv9)
pixels = Reshape((96 * 96, 1))(conv10)
probabilities = Activation("softmax")(pixels)  # expect: KC303
model = Model(inputs, probabilities)
""")
