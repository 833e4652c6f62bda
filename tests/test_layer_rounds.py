"""A ``for`` loop over an exact list of layers runs one round per layer (``for layer in
self.hidden: x = layer(x)`` with ``self.hidden = [Dense(32), Dense(32)]``): the layers are
applied in turn, so the chain they make is judged; any other loop's items stay unknown."""

from __future__ import annotations

from conftest import lint

SUBCLASS = """
import tensorflow as tf

class MLP(tf.keras.Model):
    def __init__(self, classes=3):
        super().__init__()
        self.hidden = [tf.keras.layers.Dense(32{act}), tf.keras.layers.Dense(16{act})]
        self.head = tf.keras.layers.Dense(classes, activation="softmax")

    def call(self, x):
        for layer in self.hidden:
            x = layer(x){jump}
        return self.head(x)

model = MLP()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
"""


def codes(act="", jump="") -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in lint(SUBCLASS.format(act=act, jump=jump))]


def test_linear_layers_of_a_list_applied_in_turn_are_one_chain():
    assert codes() == [(7, "KC201")]  # one root cause: the chain, at its first layer


def test_layers_with_activations_are_silent():
    assert codes(act=', activation="relu"') == []


def test_a_loop_that_may_stop_early_is_not_unrolled():
    assert codes(jump="\n            if x.shape[-1] < 20:\n                break") == []


def test_a_sequential_built_from_a_list_of_layers():
    # each round adds its layer for certain: the model is the list, in order
    code = """
import keras
model = keras.Sequential([keras.Input(shape=(8,))])
for layer in [keras.layers.Dense(64, activation="relu"), keras.layers.Dense(3, activation="sigmoid")]:
    model.add(layer)
model.compile(optimizer="adam", loss="categorical_crossentropy")
"""
    assert [(d.line, d.code) for d in lint(code)] == [(4, "KC301")]  # at the sigmoid layer


APPENDED = """
import tensorflow as tf

class Classifier(tf.keras.Model):
    def __init__(self, hidden_units=(10, 10), classes=3):
        super().__init__()
        self.hidden = []
        for units in hidden_units:
            self.hidden.append(tf.keras.layers.Dense(units{act})){more}
        self.head = tf.keras.layers.Dense(classes, activation="softmax")

    def call(self, x):
        for layer in self.hidden:
            x = layer(x)
        return self.head(x)
"""


def test_layers_appended_in_a_loop_are_applied_in_turn():
    # whatever the number of hidden layers, each one is linear and feeds the next Dense
    found = [(d.line, d.code) for d in lint(APPENDED.format(act="", more=""))]
    assert found == [(9, "KC201")]
    assert lint(APPENDED.format(act=', activation="relu"', more="")) == []


def test_a_list_also_given_something_else_is_not_followed():
    for more in ("\n        self.hidden.append(tf.nn.relu)",
                 "\n        self.hidden.extend(extra_layers)",
                 "\n        self.hidden[0] = tf.keras.layers.Dense(4, activation='relu')"):
        assert lint(APPENDED.format(act="", more=more)) == []
