"""A sigmoid output whose number of units the file does not say, under a categorical loss, is
KC301 whatever the count (over one unit the loss sees a single class: KC308's case when the
count is known), reported without a fix (development miss cloudml-census-sigmoid,
benchmarks/BUG_CORPUS.md "Structural families, fifth pass"). Cases written for this suite."""

from __future__ import annotations

import pytest
from conftest import check_expected_beside_api as check
from conftest import lint

BUILDER = """
import tensorflow as tf
from tensorflow.keras import layers

def build(features, outputs, loss={loss!r}):
    net = tf.keras.Sequential()
    for width in (64, 32):
        net.add(layers.Dense(width, activation="relu", input_dim=features))
        features = width
    net.add(layers.Dense(outputs, activation={activation}))  {mark}
    net.compile(optimizer="sgd", loss=loss, metrics=["accuracy"])
    return net
"""


@pytest.mark.parametrize("loss", ["categorical_crossentropy", "sparse_categorical_crossentropy"])
@pytest.mark.parametrize("activation", ['"sigmoid"', "tf.nn.sigmoid"])
def test_a_sigmoid_of_unknown_units_under_a_categorical_loss(loss, activation):
    check(BUILDER.format(loss=loss, activation=activation, mark="# expect: KC301"))


def test_it_offers_no_fix_and_says_why_every_count_is_wrong():
    [found] = [d for d in lint(BUILDER.format(loss="categorical_crossentropy",
                                              activation='"sigmoid"', mark=""))
               if d.code == "KC301"]
    assert found.fix is None
    assert "over one the loss sees a single class" in found.message
    assert found.related[0].line == 11  # the loss


@pytest.mark.parametrize("loss, activation", [
    ("binary_crossentropy", '"sigmoid"'),  # multi-label: legitimate
    ("categorical_crossentropy", '"softmax"'),
    ("mse", '"sigmoid"'),
])
def test_must_not_fire(loss, activation):
    check(BUILDER.format(loss=loss, activation=activation, mark=""))


def test_an_unknown_loss_stays_silent():
    code = BUILDER.format(loss="categorical_crossentropy", activation='"sigmoid"', mark="")
    check(code.replace("loss=loss,", "loss=settings['loss'],"))


def test_a_known_single_unit_is_left_to_kc308():
    code = BUILDER.format(loss="categorical_crossentropy", activation='"sigmoid"', mark="")
    codes = [d.code for d in lint(code.replace("layers.Dense(outputs,", "layers.Dense(1,"))]
    assert "KC308" in codes and "KC301" not in codes
