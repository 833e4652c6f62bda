"""Structural real-bug patterns (input shapes, linear hidden layers, output and loss) from
benchmarks/BUG_CORPUS.md, each as a small case written for this suite: what must be found
(``# expect: KCnnn`` on the line), and the look-alikes that must stay silent."""

from __future__ import annotations

import pytest
from conftest import check_expected_beside_api as check
from conftest import expected_lines, lint
from conftest import found_beside_api as found




# --- a builder called in a comprehension gets its call site's arguments -------------------

FLOW = """
from tensorflow.keras import layers, models
DIM = {dim}
def coupling(dim, hidden):
    inputs = layers.Input(shape=dim){mark}
    hidden_out = layers.Dense(hidden, activation="relu")(inputs)
    return models.Model(inputs, layers.Dense(2, activation="tanh")(hidden_out))
class Flow(models.Model):
    def __init__(self, dim, steps):
        super().__init__()
        self.blocks = [coupling(dim, 32) for step in range(steps)]
    def call(self, x):
        for block in self.blocks:
            x = block(x)
        return x
flow = Flow(dim=DIM, steps=4)
"""


def test_an_int_shape_passed_through_a_comprehension_to_a_builder():
    check(FLOW.format(dim="2", mark="  # expect: KC103"))


@pytest.mark.parametrize("dim", ["(2,)", "[2]", "load_dim()"])
def test_a_tuple_or_unknown_shape_passed_through_a_comprehension_is_silent(dim):
    check(FLOW.format(dim=dim, mark=""))


def test_a_comprehension_variable_as_a_shape_is_unknown():
    check("""
from tensorflow import keras
def head(width):
    return keras.Sequential([keras.Input(shape=width), keras.layers.Dense(1)])
heads = [head(width) for width in (2, 3)]
sizes = {width: head(width) for width in range(3)}
""")


# --- a Python 2 file with mixed tabs: KC000, and checked as Python 2 read it -----------------

PYTHON2 = (
    "from keras.models import Sequential\n"
    "from keras.layers import Dense\n"
    "def build(width):\n"
    "    model = Sequential()\n"
    "    if width:\n"
    "\tmodel.add(Dense(width, input_dim=8))\n"  # a tab, as Python 2 allowed: 8 columns
    "    model.add(Dense(1, activation='sigmoid'))\n"
    "    return model\n"
    "model = Sequential()\n"
    "model.add(Dense(32, input_dim=8))\n"
    "model.add(Dense(1, activation='sigmoid'))\n"
    "print {tail}\n"
)


def test_a_file_with_mixed_tabs_keeps_its_syntax_error_and_is_checked_where_unchanged():
    diagnostics = lint(PYTHON2.format(tail="model.summary()"))
    assert [(d.line, d.code) for d in diagnostics] == [(6, "KC000"), (10, "KC201")]
    assert all(d.fix is None for d in diagnostics)


def test_a_finding_on_a_line_whose_tabs_were_expanded_is_dropped():
    # the Dense(width) of build() is linear too, but its line is not the user's text as checked
    code = PYTHON2.replace("model.add(Dense(32, input_dim=8))", "model = build(16)") \
        .replace("model.add(Dense(1, activation='sigmoid'))\nprint", "print")
    assert [(d.line, d.code) for d in lint(code.format(tail="model.summary()"))] == \
        [(6, "KC000")]


def test_a_python2_statement_the_reading_leaves_is_made_opaque_and_the_rest_checked():
    # the print statement with a comment is not read as a call: it becomes an opaque statement
    # (source/recovery.py), and the model it names is still judged elsewhere
    assert [(d.line, d.code) for d in lint(PYTHON2.format(tail="model  # a comment: left as it is"))] == \
        [(6, "KC000"), (10, "KC201")]


# --- linear heads: branches decided by a tensor passed in, merges, unknown trunks -------------

HEAD = """
from tensorflow.keras.layers import Concatenate, Dense, Dropout, Flatten, Input
from tensorflow.keras.models import Model
def trunk(x):
    return helper_from_elsewhere(x)
def head(features, classes, pixels=None):
    flat = Flatten()(features)
    flat = Dense(16)(flat){mark}
    flat = Dropout(0.3)(flat)
    if pixels is not None:
        side = Dense(8, activation="relu")(Flatten()(pixels))
        flat = Concatenate()([side, flat])
    flat = Dense(32, activation="{activation}")(flat)
    return Dense(classes, activation="softmax")(flat)
inputs = Input(shape=(9, 9, 3))
model = Model(inputs, head(trunk(inputs), 4, {pixels}))
"""


def test_a_linear_dense_through_a_decided_branch_and_a_concatenation():
    # the trunk is another function's business (unknown tensors): the head is still judged
    check(HEAD.format(mark="  # expect: KC201", activation="relu", pixels="pixels=inputs"))


def test_a_nonlinear_head_on_an_unknown_trunk_is_silent():
    check(HEAD.format(mark="", activation="relu", pixels="pixels=inputs")
          .replace("Dense(16)(flat)", "Dense(16, activation='relu')(flat)"))


def test_an_undecided_test_keeps_both_branches_unknown():
    # ``pixels`` is a parameter nobody passes: the branch is not decided, nothing is guessed
    check("""
from tensorflow.keras.layers import Dense, Input
from tensorflow.keras.models import Model
def build(pixels=None):
    inputs = Input(shape=(4,))
    x = Dense(8, activation="relu")(inputs)
    if pixels is None:
        x = Dense(8)(x)
    return Model(inputs, Dense(1, activation="sigmoid")(x))
""")


def test_an_eager_call_on_known_data_is_not_a_graph():
    check("""
import numpy as np
from tensorflow import keras
x_train = np.load("x.npy")
scaled = keras.layers.Normalization(axis=None)(x_train)
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit(scaled, x_train[:, 0], validation_split=0.2)
""")


# --- linear convolutions through normalization, upsampling, merges and branches -------------

DECODER = """
from keras.models import *
from keras.layers import *
def decoder(features, skip, classes, with_skip=True):
    x = ZeroPadding2D((1, 1))(features)
    x = Conv2D(256, (3, 3), padding="valid"{first})(x){mark}
    x = BatchNormalization()(x)
    x = UpSampling2D((2, 2))(x)
    if with_skip:
        x = concatenate([x, skip], axis=-1)
    x = Conv2D(128, (3, 3), padding="same")(x)
    x = BatchNormalization()(x)
    x = Conv2D(classes, (1, 1), padding="same")(x)
    return Activation("softmax")(Reshape((-1, classes))(x))
def segmenter(encoder, classes):
    image, levels = encoder()
    return Model(image, decoder(levels[3], levels[2], classes))
"""


def test_a_decoder_with_no_activation_anywhere_is_one_linear_stack():
    # star imports of Keras, the functional concatenate, BatchNormalization, UpSampling2D and
    # an undecided branch on the way: one finding, at the chain's first layer
    check(DECODER.format(first="", mark="  # expect: KC201"))


def test_a_decoder_whose_convolutions_have_activations_is_silent():
    second = 'Conv2D(128, (3, 3), padding="same"'
    check(DECODER.format(first=', activation="relu"', mark="").replace(
        second, second + ', activation="relu"'))


def test_the_last_linear_3x3_convolution_through_normalization_into_the_head():
    # the first convolution's activation ends the first chain; the 3x3 one before the 1x1
    # head is no bottleneck, and through BatchNormalization the two are one linear map
    second = 'Conv2D(128, (3, 3), padding="same")(x)'
    check(DECODER.format(first=', activation="relu"', mark="").replace(
        second, second + "  # expect: KC201"))


def test_a_linear_bottleneck_before_batch_normalization_and_an_activation_is_silent():
    check(DECODER.format(first="", mark="").replace(
        'x = BatchNormalization()(x)\n    x = Conv2D(classes',
        'x = BatchNormalization()(x)\n    x = Activation("relu")(x)\n    x = Conv2D(classes'))


def test_a_branch_with_an_activation_breaks_the_chain():
    # one branch applies a nonlinearity: the chain from the first convolution is linear on one
    # branch only, silent; the 3x3 convolution after the branch still reaches the 1x1 head
    # through normalization alone
    second = 'Conv2D(128, (3, 3), padding="same")(x)'
    check(DECODER.format(first="", mark="").replace(
        "x = concatenate([x, skip], axis=-1)", "x = LeakyReLU()(x)").replace(
        second, second + "  # expect: KC201"))


DENSE_HEAD = """
from tensorflow.keras import layers, models
inputs = layers.Input(shape=(32, 32, 3))
x = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
branch = layers.Conv2D(16, 3, padding="same", use_bias=False)(x){mark}
x = layers.Concatenate()([x, branch])
x = layers.BatchNormalization()(x)
{activation}x = layers.GlobalAveragePooling2D()(x)
model = models.Model(inputs, layers.Dense(10, activation="softmax")(x))
"""


def test_a_linear_convolution_reaching_the_classifier_through_normalization_and_pooling():
    check(DENSE_HEAD.format(mark="  # expect: KC201", activation=""))


def test_the_same_head_with_an_activation_after_normalization_is_silent():
    check(DENSE_HEAD.format(mark="", activation='x = layers.Activation("relu")(x)\n'))


# --- output and loss: a known head over an unseen trunk, a model resumed or built ------------

RESUMED = """
import os
from keras.engine import Model
from keras.layers import Input, Dense, Dropout, GlobalAveragePooling2D
from keras.models import load_model
from backbones import ResidualTrunk
image = Input(shape=(32, 32, 3))
if os.path.isfile("saved.h5"):
    classifier = load_model("saved.h5")
else:
    trunk = ResidualTrunk(input_tensor=image)
    x = trunk.get_layer("stage4").output
    x = Dropout(0.5)(GlobalAveragePooling2D()(x))
    classifier = {built}
classifier.compile(loss="{loss}", optimizer="sgd"){mark}
"""


def test_a_softmax_head_over_an_opaque_trunk_resumed_or_built_with_binary_crossentropy():
    check(RESUMED.format(built="Model(inputs=image, outputs=Dense(10, activation='softmax')(x))",
                         loss="binary_crossentropy", mark="  # expect: KC304"))


def test_the_same_head_with_categorical_crossentropy_is_silent():
    check(RESUMED.format(built="Model(inputs=image, outputs=Dense(10, activation='softmax')(x))",
                         loss="categorical_crossentropy", mark=""))


def test_a_model_of_unknown_origin_on_the_other_branch_stays_unknown():
    code = RESUMED.format(built="Model(inputs=image, outputs=Dense(10, activation='softmax')(x))",
                          loss="binary_crossentropy", mark="")
    check(code.replace('load_model("saved.h5")', 'fetch_model("saved.h5")'))


def test_a_loop_that_may_leave_the_input_as_it_was_is_no_linear_chain():
    # zero iterations leave ``x`` the model's input: one branch into the merge is no layer
    check("""
from tensorflow.keras.layers import Conv2D, Dense, Flatten, Input
from tensorflow.keras.models import Model
def build(stages):
    inputs = Input(shape=(28, 28, 1))
    x = inputs
    for filters in stages:
        x = Conv2D(filters, 3, padding="same")(x)
    return Model(inputs, Dense(1, activation="sigmoid")(Flatten()(x)))
""")


# --- keras-applications' modules filled at run time; loops that certainly run ----------------

APPLICATION = """
from . import get_submodules_from_kwargs
def block(x, filters):
    y = layers.BatchNormalization()(x)
    y = layers.Activation("relu")(y)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y){mark}
    return layers.Concatenate()([x, y])
def Network(stages, classes=10, **kwargs):
    global backend, layers, models, keras_utils
    backend, layers, models, keras_utils = get_submodules_from_kwargs(kwargs)
    inputs = layers.Input(shape=(32, 32, 3))
    x = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
    for i in range(stages[1]):
        x = block(x, 12)
    x = layers.BatchNormalization()(x)
    {activation}x = layers.GlobalAveragePooling2D()(x)
    return models.Model(inputs, layers.Dense(classes, activation="softmax")(x))
def Small(**kwargs):
    return Network([2, {count}], **kwargs)
"""


def test_a_network_built_with_get_submodules_from_kwargs_is_judged():
    # the last block's convolution reaches the classifier through the concatenation, the
    # normalization and the pooling only
    check(APPLICATION.format(mark="  # expect: KC201", activation="", count=3))


def test_the_same_network_with_a_final_activation_is_silent():
    check(APPLICATION.format(mark="", activation='x = layers.Activation("relu")(x)\n    ',
                             count=3))


def test_a_loop_that_may_not_run_leaves_the_chain_unknown():
    # range(0): the blocks never run; the last convolution is not the model's
    check(APPLICATION.format(mark="", activation="", count=0))


FOLDERS = """
import tensorflow as tf
from keras_preprocessing.image import ImageDataGenerator
flow = ImageDataGenerator(rescale=1 / 255).flow_from_directory("shapes", class_mode="{mode}")
model = tf.keras.models.Sequential([
    tf.keras.layers.Conv2D(16, 3, activation="relu", input_shape=(64, 64, 3)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(1, activation="sigmoid"),{mark}
])
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(flow, epochs=3)
"""


def found_output_loss(code: str) -> list[tuple[int, str]]:
    return [(line, code) for line, code in found(code) if code.startswith("KC3")]


def test_one_sigmoid_unit_on_the_one_hot_labels_of_class_folders():
    # keras_preprocessing is the package Keras 2's keras.preprocessing re-exported
    code = FOLDERS.format(mode="categorical", mark="  # expect: KC308")
    assert found_output_loss(code) == expected_lines(code)


@pytest.mark.parametrize("mode", ["binary", "sparse", "{given}"])
def test_one_sigmoid_unit_on_binary_or_unknown_folder_labels_is_silent(mode):
    assert found_output_loss(FOLDERS.format(mode=mode, mark="")) == []


# --- a loss object applied to the model's output in a training loop of the user's -----------

TAPE = """
import tensorflow as tf
def build(classes):
    inputs = tf.keras.Input(shape=(16,))
    hidden = tf.keras.layers.Dense(32, activation="relu")(inputs)
    return tf.keras.Model(inputs, tf.keras.layers.Dense(classes, activation="{activation}")(hidden))
def train(model, dataset, epochs=3):
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True){mark}
    optimizer = tf.keras.optimizers.Adam()
    for epoch in range(epochs):
        for x, y in dataset:
            {tape}
                logits = model(x, training=True)
                loss = loss_fn(y, logits)
            gradients = tape.gradient(loss, model.trainable_weights)
            optimizer.apply_gradients(zip(gradients, model.trainable_weights))
    return model
model = train(build(4), load_batches())
"""


def test_a_softmax_output_under_a_from_logits_loss_in_a_gradient_tape_loop():
    check(TAPE.format(activation="softmax", mark="  # expect: KC305",
                      tape="with tf.GradientTape() as tape:"))


def test_logits_under_a_from_logits_loss_in_a_gradient_tape_loop_are_silent():
    check(TAPE.format(activation="linear", mark="", tape="with tf.GradientTape() as tape:"))


def test_a_loss_object_outside_a_gradient_tape_is_not_the_training_loss():
    # scoring a model with a loss object trains nothing
    check(TAPE.format(activation="softmax", mark="", tape="with tf.device('/cpu:0'):"))


@pytest.mark.parametrize(("loop", "certain"), [
    ("for i in range(3):\n    x = 1\n", True),
    ("for i in range(2, 5):\n    x = 1\n", True),
    ("for f in [32, 64]:\n    x = 1\n", True),
    ("for i in range(0):\n    x = 1\n", False),
    ("for i in range(n):\n    x = 1\n", False),
    ("for f in [*sizes]:\n    x = 1\n", False),
    ("for i in range(3):\n    if i: break\n    x = 1\n", False),
    ("for i in range(3):\n    try:\n        x = 1\n    except ValueError:\n        continue\n",
     False),
    ("for i in range(3):\n    for j in range(2):\n        break\n    x = 1\n", True),
])
def test_which_loops_certainly_run(loop, certain):
    import libcst as cst

    from kerascheck.analysis.branches import runs_at_least_once
    from kerascheck.analysis.values import UNKNOWN_VALUE, Const

    statement = cst.parse_module(loop).body[0]
    constants = {"0": 0, "2": 2, "3": 3, "5": 5}
    assert runs_at_least_once(statement, lambda node: Const(constants[node.value]) if isinstance(
        node, cst.Integer) else UNKNOWN_VALUE) is certain


ENCODED = """
import numpy as np
from sklearn.preprocessing import OneHotEncoder
from keras.models import Sequential
from keras.layers import Dense
x_train, y_train = np.load("x.npy"), np.load("y.npy")
labels = OneHotEncoder(sparse_output=False).fit_transform(y_train.reshape({shape}))
model = Sequential([Dense(16, activation="relu", input_shape=(6,)), Dense(4, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam"){mark}
model.fit(x_train, labels, validation_split=0.2)
"""


@pytest.mark.parametrize("shape", ["-1, 1", "len(y_train), 1", "(len(y_train), 1)"])
def test_one_hot_encoded_single_labels_under_a_sigmoid_and_binary_crossentropy(shape):
    code = ENCODED.format(shape=shape, mark="")
    assert found_output_loss(code) == [(8, "KC301")]


@pytest.mark.parametrize("shape", ["len(y_train), 3", "-1, width"])
def test_one_hot_encoded_columns_of_unknown_count_are_silent(shape):
    # several columns encoded: several ones per row, a multi-label target
    assert found_output_loss(ENCODED.format(shape=shape, mark="")) == []


def test_a_name_the_file_binds_itself_is_not_the_star_imported_keras_name():
    check("""
from keras.layers import *
from keras.models import Model
def UpSampling2D(size):
    return lambda tensor: tensor
inputs = Input(shape=(8, 8, 3))
x = Conv2D(8, 3, padding="same")(inputs)
x = UpSampling2D((2, 2))(x)
model = Model(inputs, Conv2D(4, 3, activation="softmax")(x))
""")


# --- a Python 2 file Python 3 refuses for a print statement alone: read as Python 2 too ------

PRINTS = (
    "from keras.models import Sequential\n"
    "from keras.layers import Dense\n"
    "model = Sequential()\n"
    "print 'building', 3\n"
    "model.add(Dense(32, input_dim=8))\n"
    "model.add(Dense(1, activation='sigmoid'))\n"
    "{tail}\n"
)


def test_a_file_with_print_statements_keeps_its_syntax_error_and_is_checked_where_unchanged():
    diagnostics = lint(PRINTS.format(tail="print model.summary()"))
    assert [(d.line, d.code) for d in diagnostics] == [(4, "KC000"), (5, "KC201")]
    assert all(d.fix is None for d in diagnostics)


def test_a_file_refused_for_another_python2_construct_is_checked_past_it():
    # ``exec "code"`` is Python 2 too, but not a print statement: made opaque, the rest checked
    assert [(d.line, d.code) for d in lint(PRINTS.replace("print 'building', 3",
                                                          "exec 'x = 1'").format(tail=""))] == \
        [(4, "KC000"), (5, "KC201")]
    # a print statement the reading leaves (a trailing comment) is made opaque too
    assert [(d.line, d.code) for d in lint(PRINTS.format(tail="print model  # shown"))] == \
        [(4, "KC000"), (5, "KC201")]
