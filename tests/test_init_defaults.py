"""Library estimators judged as their defaults build them: ``self.<name>`` in a plain class's
methods reads the literal default of the ``__init__`` parameter stored there, when nothing else
assigns it (analysis/holders.py: init_defaults)."""

import textwrap

import pytest

from kerascheck.engine import lint_source
from kerascheck.settings.config import Config

HEAD = """
from tensorflow import keras


class Classifier:
    def __init__(self, epochs=10, activation={activation!r}, loss="categorical_crossentropy",
                 hidden="relu"):
        self.epochs = epochs
        self.activation = activation
        self.loss = loss
        self.hidden = hidden
{extra}
    def build_model(self, input_shape, n_classes):
        inputs = keras.layers.Input(input_shape)
        x = keras.layers.Dense(64, activation=self.hidden)(inputs)
        outputs = keras.layers.Dense(n_classes, activation=self.activation)(x)
        model = keras.models.Model(inputs=inputs, outputs=outputs)
        model.compile(loss=self.loss, optimizer="adam", metrics=["accuracy"])
        return model

    def fit(self, X, y):
        self.model_ = self.build_model(X.shape[1:], y.shape[1])
        self.model_.fit(X, y, epochs=self.epochs, verbose=0)
        return self
"""


def codes(activation="sigmoid", extra="") -> list[tuple[int, str]]:
    source = HEAD.format(activation=activation, extra=textwrap.indent(textwrap.dedent(extra), "    "))
    result = lint_source(source, "estimator.py", Config(select=("ALL",)))
    assert not result.errors
    return sorted((d.line, d.code) for d in result.diagnostics)


def test_a_sigmoid_default_under_a_categorical_default_loss():
    assert codes() == [(16, "KC301")]


def test_a_relu_default_output():
    assert codes(activation="relu") == [(16, "KC307")]


def test_the_right_defaults_are_silent():
    assert codes(activation="softmax") == []


def test_an_attribute_set_again_elsewhere_is_not_a_default():
    assert codes(extra="""
        def set_params(self, activation):
            self.activation = activation
    """) == []


ONE_ATTRIBUTE = """
from tensorflow import keras

class Head:
{init}
    def build(self, n_classes):
        inputs = keras.layers.Input((8,))
        outputs = keras.layers.Dense(n_classes, activation=self.activation)(inputs)
        model = keras.models.Model(inputs, outputs)
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        return model
"""


@pytest.mark.parametrize("init", [
    # the parameter rebound in __init__ is not its default
    """
    def __init__(self, activation="sigmoid"):
        if activation == "auto":
            activation = "softmax"
        self.activation = activation
""",
    # an attribute given two parameters is no one parameter's default
    """
    def __init__(self, activation="sigmoid", fallback="softmax"):
        self.activation = activation
        self.activation = fallback
""",
])
def test_an_attribute_not_given_one_parameter_as_it_came_is_not_a_default(init):
    source = ONE_ATTRIBUTE.format(init=init)
    result = lint_source(source, "head.py", Config(select=("ALL",)))
    assert result.diagnostics == []


def test_the_library_fit_on_its_users_data_is_no_training_run_of_the_file():
    # the estimator's own fit() trains on what its caller passes: no KC501 (a model built by
    # a method through self is not followed, as with an unknown self)
    assert all(code != "KC501" for _, code in codes(activation="softmax"))


def test_an_attribute_bound_by_with_elsewhere_is_not_a_default():
    assert codes(extra="""
        def load(self, path):
            with open(path) as self.activation:
                pass
    """) == []
