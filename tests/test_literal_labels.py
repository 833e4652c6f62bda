"""Class ids typed in as list arithmetic (``np.array([0] * n + [1] * n)``: the labels of data
read in order, one class after another) are integer class labels, so the output rules judge
the model against them (round 4's packt-dl4cv-catdog-bottleneck miss, benchmarks/BUG_CORPUS.md
"Structural families, fifth pass"). Cases written for this suite; the look-alikes beside them
(one repeated id, typed-in rows without a repetition, a product with an array, labels re-encoded
or matching their loss) stay silent."""

from __future__ import annotations

import pytest
from conftest import check_expected_beside_api as check
from conftest import lint

HEAD = """
import numpy as np
import tensorflow as tf
per_class = 600
features = np.load("bottleneck.npy")
held_features = np.load("held_bottleneck.npy")
"""

MODEL = """
net = tf.keras.Sequential([tf.keras.Input(shape=(2048,)),
                           tf.keras.layers.Dense(256, activation="relu"),
                           tf.keras.layers.Dense({units}, activation="{activation}"),{head}
                           ])
net.compile(optimizer="adam", loss="{loss}", metrics=["accuracy"]){mark}
net.fit(features, labels, epochs=3, validation_data=(held_features, held_labels))
"""


def program(labels: str, units=2, activation="softmax", loss="categorical_crossentropy",
            mark="", head="") -> str:
    return (HEAD + f"labels = {labels}\nheld_labels = labels\n" +
            MODEL.format(units=units, activation=activation, loss=loss, mark=mark, head=head))


@pytest.mark.parametrize("labels", [
    "np.array([0] * per_class + [1] * per_class)",
    "np.array([0] * int(per_class / 2) + [1] * int(per_class / 2))",
    "np.asarray(per_class * [0] + per_class * [1])",
    "np.array([0] * len(features) + [1, 1, 1])",
    "tf.constant([0] * 300 + [1] * 300)",
])
def test_repeated_class_ids_meet_the_categorical_loss(labels):
    check(program(labels, mark="  # expect: KC306"))


@pytest.mark.parametrize("joined", ["ids = ids + [1] * per_class", "ids += [1] * per_class"])
def test_the_ids_through_a_named_list(joined):
    check(HEAD + f"ids = [0] * per_class\n{joined}\n"
          "labels = np.array(ids)\nheld_labels = labels\n" +
          MODEL.format(units=2, activation="softmax", loss="categorical_crossentropy",
                       mark="  # expect: KC306", head=""))


def test_three_repeated_ids_against_two_softmax_units():
    labels = "np.array([0] * per_class + [1] * per_class + [2] * per_class)"
    check(program(labels, loss="sparse_categorical_crossentropy", head="  # expect: KC308"))


def test_one_unit_output_is_told_the_binary_loss_and_offered_no_sparse_fix():
    """A one-unit output with 0/1 ids: the sparse loss would be a distribution over one class,
    so the message says binary_crossentropy and no one-word fix is offered (KC303 names the
    softmax)."""
    code = program("np.array([0] * per_class + [1] * per_class)", units=1)
    found = {d.code: d for d in lint(code)}
    assert set(found) >= {"KC303", "KC306"}
    assert "`binary_crossentropy`" in found["KC306"].message
    assert "sparse" not in found["KC306"].message.split("; use")[1]
    assert found["KC306"].fix is None


@pytest.mark.parametrize("labels, units, activation, loss", [
    # the ids with the losses they are for
    ("np.array([0] * per_class + [1] * per_class)", 2, "softmax",
     "sparse_categorical_crossentropy"),
    ("np.array([0] * per_class + [1] * per_class)", 1, "sigmoid", "binary_crossentropy"),
    ("tf.keras.utils.to_categorical(np.array([0] * per_class + [1] * per_class))", 2,
     "softmax", "categorical_crossentropy"),
    # one id repeated (a GAN's "real" targets): no classes
    ("np.array([1] * per_class)", 2, "softmax", "categorical_crossentropy"),
    # typed-in rows without a repetition stay what they were (XOR's targets)
    ("np.array([0, 1, 1, 0])", 2, "softmax", "categorical_crossentropy"),
    # a list times an array broadcasts: not a repetition
    ("np.array([0, 1] * features)", 2, "softmax", "categorical_crossentropy"),
    # floats or negative numbers are not class ids
    ("np.array([0.0] * per_class + [1.0] * per_class)", 2, "softmax",
     "categorical_crossentropy"),
    ("np.array([-1] * per_class + [1] * per_class)", 2, "softmax", "categorical_crossentropy"),
    # one-hot rows repeated are rows, not ids
    ("np.array([[1, 0]] * per_class + [[0, 1]] * per_class)", 2, "softmax",
     "categorical_crossentropy"),
])
def test_must_not_fire(labels, units, activation, loss):
    check(program(labels, units=units, activation=activation, loss=loss))


def test_a_linear_output_fit_to_repeated_ids_with_mse_is_left_alone():
    """Least squares on 0/1 class ids by a linear output is neither a classifier's set-up
    (KC302 leaves linear outputs alone) nor a regression: Keras' "accuracy" over one unit is
    binary accuracy thresholded at 0.5 there (0.97 on two separable groups, measured with
    Keras 3.15), so KC309's "stays near 0" would be wrong. main reported KC309 here."""
    check(program("np.array([0] * per_class + [1] * per_class)", units=1,
                  activation="linear", loss="mse"))


def test_a_product_with_a_made_up_array_is_no_repetition():
    check(program("np.array([0, 1] * np.ones(4, dtype=int))"))
