"""Structural patterns of the bug corpus' unseen split (benchmarks/BUG_CORPUS.md, "Branch
struct2"), each as a small case written for this suite, with its nearest look-alikes that must
stay silent: an ``int`` parameter as a shape (KC103), two affine maps in a Layer subclass's
``call()`` (KC201), a loop whose first round alone gets a nonlinearity (KC201), a per-step
softmax over a vocabulary under binary cross-entropy (KC304), a builder's ``activation=None``
default behind an ``isinstance`` branch (KC305), and the Keras 2 spellings beside them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import check_expected_beside_api as check
from conftest import lint
from conftest import found_beside_api as found

from kerascheck.engine import lint_file




# --- KC103: a parameter the function says is an int, used as a shape -----------------------

SEARCH_BUILDER = """
from typing import Sequence
from tensorflow.keras import Input, Model
from tensorflow.keras.layers import Dense
def build_model(num_features: {annotation}, num_targets: int) -> Model:
    {rebind}inputs = Input(shape=num_features){mark}
    return Model(inputs=[inputs], outputs=[Dense(num_targets)(inputs)])
"""


def test_a_parameter_annotated_int_is_an_integer_shape():
    # nobody in the file calls the builder (a hyperparameter search does): the annotation says
    check(SEARCH_BUILDER.format(annotation="int", rebind="", mark="  # expect: KC103"))


@pytest.mark.parametrize("annotation", ["tuple", "Sequence[int]", "tuple[int, ...]",
                                        "int | tuple", "'int'"])
def test_a_parameter_annotated_otherwise_is_unknown(annotation):
    check(SEARCH_BUILDER.format(annotation=annotation, rebind="", mark=""))


def test_an_int_parameter_made_a_tuple_in_the_body_is_silent():
    check(SEARCH_BUILDER.format(annotation="int", rebind="num_features = (num_features,)\n    ",
                                mark=""))


def test_an_integer_default_that_a_call_replaces_with_a_tuple_is_silent():
    check("""
from tensorflow import keras
def head(width=16):
    return keras.Sequential([keras.Input(shape=width), keras.layers.Dense(1)])
small = head((8,))
other = head(load_width())
""")


# --- KC201: a Layer subclass's own call() ---------------------------------------------------

HEAD = """
import tensorflow as tf
class ValueHead(tf.keras.layers.Layer):
    def __init__(self, hidden, outputs):
        super().__init__()
        self.trunk = tf.keras.layers.Conv2D(32, 1, activation="relu")
        self.norm = tf.keras.layers.BatchNormalization()
        self.fc1 = tf.keras.layers.Dense(hidden){mark}
        self.fc_out = tf.keras.layers.Dense(outputs)
    def call(self, inputs, training=None):
        flow = self.trunk(inputs)
        flow = tf.reshape(flow, [-1, 32 * 8 * 8])
        {body}
"""


def test_two_dense_layers_in_a_row_inside_a_layer_subclass():
    check(HEAD.format(mark="  # expect: KC201", body="return self.fc_out(self.fc1(flow))"))


def test_the_same_chain_written_over_two_statements_and_a_flatten_branch():
    check(HEAD.format(mark="  # expect: KC201", body="""if tf.rank(flow) > 2:
            flow = tf.reshape(flow, (tf.shape(flow)[0], -1))
        hidden = self.fc1(flow)
        return self.fc_out(hidden)"""))


@pytest.mark.parametrize("between", [
    "tf.nn.relu(self.fc1(flow))",
    "tf.keras.activations.gelu(self.fc1(flow))",
    "tf.math.tanh(self.fc1(flow))",
    "tf.nn.relu(self.norm(self.fc1(flow), training=training))",
    "self.fc1(flow) + flow",
    "self.fc1(flow) * tf.sigmoid(flow)",
])
def test_anything_nonlinear_or_unfollowed_between_them_is_silent(between):
    check(HEAD.format(mark="", body=f"return self.fc_out({between})"))


def test_a_hidden_dense_with_an_activation_from_a_parameter_is_silent():
    check(HEAD.format(mark="", body="return self.fc_out(self.fc1(flow))")
          .replace("Dense(hidden)", "Dense(hidden, activation=act)")
          .replace("def __init__(self, hidden, outputs)", "def __init__(self, hidden, outputs, act)"))


def test_an_instantiated_model_subclass_is_judged_once():
    code = """
import tensorflow as tf
class Net(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = tf.keras.layers.Dense(16)  # expect: KC201
        self.out = tf.keras.layers.Dense(3, activation="softmax")
    def call(self, x):
        return self.out(self.hidden(x))
net = Net()
net.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
"""
    check(code)
    assert [d.code for d in lint(code, select=("KC201",))] == ["KC201"]


def test_a_layer_subclass_whose_call_returns_no_layer_output_is_silent():
    check("""
import tensorflow as tf
class Projection(tf.keras.layers.Layer):
    def __init__(self, table):
        super().__init__()
        self.table = tf.constant(table)
        self.fc = tf.keras.layers.Dense(8)
    def call(self, inputs):
        return tf.matmul(self.fc(inputs), self.table)
""")


# --- KC201: a loop that treats its first round apart ------------------------------------------

DECODER = """
from keras.layers import BatchNormalization, Dense, Dropout, Input, LeakyReLU, concatenate
from keras.models import Model
class Decoder:
    def __init__(self, sizes, rate):
        self.sizes, self.rate = sizes, rate
    def build(self):
        h = concatenate([self.z, self.labels], axis=1)
        for idx, units in enumerate({sizes}):
            h = Dense(units, use_bias=False)(h){mark}
            h = BatchNormalization(axis=1)(h)
            {guard}h = LeakyReLU()(h)
            h = Dropout(self.rate)(h)
        h = Dense(self.out_dim, activation="relu")(h)
        return Model([self.z, self.labels], h)
"""


def test_only_the_first_round_of_a_loop_gets_an_activation():
    check(DECODER.format(sizes="self.sizes", guard="if idx == 0:\n                ",
                         mark="  # expect: KC201"))


@pytest.mark.parametrize("guard", ["if idx != 0:\n                ", "if idx > 0:\n                "])
def test_only_the_later_rounds_get_one_the_first_reaches_them_linearly(guard):
    check(DECODER.format(sizes="self.sizes", guard=guard, mark="  # expect: KC201"))


def test_every_round_with_an_activation_is_silent():
    check(DECODER.format(sizes="self.sizes", guard="", mark=""))


def test_a_loop_that_runs_once_at_most_is_silent():
    check(DECODER.format(sizes="[64]", guard="if idx == 0:\n                ", mark=""))


def test_a_first_round_test_that_only_gives_the_input_shape_is_silent():
    check("""
from keras.models import Sequential
from keras.layers import Dense
def build(sizes, features):
    model = Sequential()
    for i, units in enumerate(sizes):
        if i == 0:
            model.add(Dense(units, activation="relu", input_dim=features))
        else:
            model.add(Dense(units, activation="relu"))
    model.add(Dense(1, activation="sigmoid"))
    return model
""")


def test_a_range_loop_whose_first_round_alone_has_a_relu():
    check("""
from tensorflow.keras import layers, models
def build(depth, width):
    inputs = layers.Input(shape=(16,))
    x = inputs
    for i in range(depth):
        x = layers.Dense(width)(x)  # expect: KC201
        if i == 0:
            x = layers.ReLU()(x)
    return models.Model(inputs, layers.Dense(1)(x))
""")


# --- KC304: a per-step softmax over a vocabulary ----------------------------------------------

SEQ2SEQ = """
from keras.layers import LSTM, Dense, Embedding, Input, TimeDistributed
from keras.models import Model
def build(in_vocab, out_vocab, steps=20):
    source, target = Input(shape=(steps,)), Input(shape=(steps,))
    state = LSTM(64)(Embedding(in_vocab, 64, mask_zero=True)(source))
    decoded = Embedding(out_vocab, 64, mask_zero=True)(target)
    decoded = LSTM(64, return_sequences=True)(decoded, initial_state=[state, state])
    decoded = TimeDistributed(Dense({units}, activation="{activation}"))(decoded)
    model = Model(inputs=[source, target], outputs=[decoded])
    model.compile(optimizer="adam", loss="{loss}"){mark}
    return model
"""


@pytest.mark.parametrize("units", ["out_vocab", "12"])
def test_a_per_step_softmax_over_the_vocabulary_under_binary_crossentropy(units):
    check(SEQ2SEQ.format(units=units, activation="softmax", loss="binary_crossentropy",
                         mark="  # expect: KC304"))


@pytest.mark.parametrize("units, activation, loss", [
    ("out_vocab", "softmax", "categorical_crossentropy"),
    ("out_vocab", "sigmoid", "binary_crossentropy"),  # multi-label per step
    ("tags", "softmax", "binary_crossentropy"),  # a size no Embedding says is a vocabulary
    ("2", "softmax", "binary_crossentropy"),
])
def test_the_look_alikes_of_the_vocabulary_softmax_are_silent(units, activation, loss):
    code = SEQ2SEQ.format(units=units, activation=activation, loss=loss, mark="")
    check(code.replace("steps=20)", "steps=20, tags=None)"))


# --- KC305: a builder's activation=None default, behind isinstance(classes, dict) ------------

BUILDER = """
from keras.layers import Dense, Dropout, Flatten, Input
from keras.models import Model
def classifier(shape, classes, activation=None):
    inputs = Input(shape)
    net = Flatten()(inputs)
    if isinstance(classes, dict):
        net = [Dense(units=classes[name], activation=activation, name=name)(net)
               for name in classes]
    else:
        net = Dropout(0.3)(Dense(256, activation="relu")(net))
        net = Dense(units=classes, activation=activation)(net)
    return Model(inputs, net)
"""

TRAINER = """
from model import classifier
model = classifier((2048, 3), classes={classes}{argument})
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam"){mark}
"""


def write(root: Path, files: dict[str, str]) -> None:
    (root / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text))


def codes(path: Path) -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in lint_file(path).diagnostics if d.code not in ("KC601",)]


def test_the_default_linear_head_of_an_imported_builder_under_a_probability_loss(tmp_path):
    write(tmp_path, {"model.py": BUILDER, "train.py": TRAINER.format(
        classes="40", argument="", mark="")})
    # reported where the model is built from the builder (its activation=None is what the
    # source fixed), naming the layer; the compile's loss is a related location
    assert codes(tmp_path / "train.py") == [(3, "KC305")]


@pytest.mark.parametrize("classes, argument", [
    ("40", ", activation='softmax'"),  # the fix: the caller asks for probabilities
    ("load_classes()", ""),  # dict or int: unknown, both branches stay possible
    ("{'shape': 40, 'color': 8}", ""),  # several heads: no single output
])
def test_the_builder_called_otherwise_is_silent(tmp_path, classes, argument):
    write(tmp_path, {"model.py": BUILDER, "train.py": TRAINER.format(
        classes=classes, argument=argument, mark="")})
    assert codes(tmp_path / "train.py") == []


# --- Keras 2 spellings never stop the other rules ---------------------------------------------

def test_keras2_spellings_beside_structural_faults_are_all_judged():
    diagnostics = lint("""
from keras.models import Sequential
from keras.layers.core import Dense, Activation
model = Sequential()
model.add(Dense(64, input_dim=8, init="uniform"))
model.add(Dense(32, init="uniform", activation="relu"))
model.add(Dense(5, init="uniform"))
model.add(Activation("softmax"))
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(X, y, nb_epoch=10, batch_size=10)
""")
    assert sorted((d.line, d.code) for d in diagnostics) == [
        (3, "KC601"), (5, "KC201"), (5, "KC602"), (6, "KC602"), (7, "KC602"), (9, "KC304"),
        (10, "KC501"), (10, "KC602")]


def test_a_functional_model_given_keras1_input_and_output_names_is_judged():
    """``Model(input=..., output=...)``: standalone Keras 2 renamed both to ``inputs``/``outputs``
    for the caller (its legacy interfaces); the model is judged as any functional model."""
    check("""
import keras
from keras.layers import Input, Dense
from keras.models import Model
features = Input(shape=(16,))
hidden = Dense(24)(features)  # expect: KC201
hidden = Dense(24)(hidden)
probabilities = Dense(3, activation="softmax")(hidden)
model = Model(input=features, output=probabilities)
model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))  # expect: KC305
""")


def test_a_loss_object_named_in_compile_is_reported_where_it_is_built():
    """``loss = CategoricalCrossentropy(from_logits=True)`` then ``compile(loss=loss)``: the
    finding (and its fix) sits on the constructor, where ``from_logits=`` is written."""
    check("""
import tensorflow as tf
model = tf.keras.Sequential([
    tf.keras.Input(shape=(16,)),
    tf.keras.layers.Dense(24, activation="relu"),
    tf.keras.layers.Dense(3, activation="softmax"),
])
loss = tf.keras.losses.CategoricalCrossentropy(  # expect: KC305
    from_logits=True)
model.compile(optimizer="adam", loss=loss)
""")
    [diagnostic] = lint("""
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input(shape=(16,)), tf.keras.layers.Dense(3, activation="softmax")])
loss = tf.keras.losses.CategoricalCrossentropy(from_logits=True)
model.compile(optimizer="adam", loss=loss)
""")
    assert (diagnostic.code, diagnostic.line) == ("KC305", 4)
    assert diagnostic.fix is not None and "from_logits" in diagnostic.fix.message
