"""A loss function of the user's that only scores ``(y_true, y_pred)`` with a Keras loss is
judged as that loss (kerascheck.analysis.loss_wrappers); one that does more is a loss of its
own, and the output-and-loss rules stay silent about it."""

import textwrap

import pytest

from kerascheck.engine import lint_source
from kerascheck.settings.config import Config

MODEL = """
    import tensorflow as tf
    from tensorflow.keras import backend as K

    {wrapper}

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(4,)),
        tf.keras.layers.Dense(8, activation="relu"),
        tf.keras.layers.Dense(3{activation}),
    ])
    model.compile(optimizer="adam", loss=scored)
    model.fit(features, labels, validation_split=0.2)
"""


def program(wrapper: str, activation: str) -> str:
    source = textwrap.dedent(MODEL).replace("{wrapper}", textwrap.dedent(wrapper).strip())
    return source.replace("{activation}", activation)


def line_of(source: str, text: str) -> int:
    return next(number for number, line in enumerate(source.splitlines(), 1) if text in line)


OUTPUT = "Dense(3"  # the output layer's line
LOSS = "crossentropy(y_true"  # the wrapped loss's line


def found(wrapper: str, activation: str = "") -> list[tuple[str, int]]:
    """(code, line) of the output-and-loss findings; each line as the text found on it"""
    source = program(wrapper, activation)
    result = lint_source(source, "train.py", Config(select=("KC3",)))
    assert not result.errors
    names = {line_of(source, OUTPUT): OUTPUT}
    if LOSS in source:
        names[line_of(source, LOSS)] = LOSS
    return [(d.code, names.get(d.line, d.line)) for d in result.diagnostics]


def related(wrapper: str, activation: str = "") -> list[str]:
    source = program(wrapper, activation)
    result = lint_source(source, "train.py", Config(select=("KC305",)))
    return [source.splitlines()[place.line - 1].strip() for d in result.diagnostics
            for place in d.related]


MEAN_OF_METRIC = """
def scored(y_true, y_pred):
    \"\"\"The mean loss of the batch.\"\"\"
    return tf.reduce_mean(tf.keras.metrics.sparse_categorical_crossentropy(y_true, y_pred))
"""


def test_a_wrapped_probability_loss_after_logits_is_kc305_noting_the_wrapped_call():
    assert found(MEAN_OF_METRIC) == [("KC305", OUTPUT)]
    # the note points into the wrapper, where from_logits would go
    assert related(MEAN_OF_METRIC) == [
        "return tf.reduce_mean(tf.keras.metrics.sparse_categorical_crossentropy(y_true, y_pred))"]


@pytest.mark.parametrize("wrapper", [
    # the backend's cross-entropy, reduced with K.mean, one line
    "def scored(y_true, y_pred): return K.mean(K.categorical_crossentropy(y_true, y_pred))",
    # the losses module, from_logits written False
    """
    def scored(y_true, y_pred):
        return tf.keras.losses.categorical_crossentropy(y_true, y_pred, from_logits=False)
    """,
])
def test_other_spellings_of_a_wrapped_probability_loss_after_logits(wrapper):
    assert found(wrapper) == [("KC305", OUTPUT)]


@pytest.mark.parametrize("wrapper", [
    # it declares logits: right after a linear output
    """
    def scored(y_true, y_pred):
        return tf.keras.losses.sparse_categorical_crossentropy(y_true, y_pred, True)
    """,
    # it turns the logits into probabilities first: its own loss
    """
    def scored(y_true, y_pred):
        return tf.keras.losses.sparse_categorical_crossentropy(y_true, tf.nn.softmax(y_pred))
    """,
    # it weighs the loss: its own loss
    """
    def scored(y_true, y_pred):
        return 2.0 * tf.keras.losses.sparse_categorical_crossentropy(y_true, y_pred)
    """,
    # more than the loss (a term of its own)
    """
    def scored(y_true, y_pred):
        penalty = tf.reduce_sum(y_pred)
        return tf.keras.losses.sparse_categorical_crossentropy(y_true, y_pred) + penalty
    """,
    # a metric that is no loss
    """
    def scored(y_true, y_pred):
        return tf.keras.metrics.sparse_categorical_accuracy(y_true, y_pred)
    """,
    # the arguments swapped
    """
    def scored(y_true, y_pred):
        return tf.keras.losses.sparse_categorical_crossentropy(y_pred, y_true)
    """,
    # a decorator of unknown effect
    """
    @registered
    def scored(y_true, y_pred):
        return tf.keras.losses.sparse_categorical_crossentropy(y_true, y_pred)
    """,
])
def test_a_wrapper_that_is_not_only_a_keras_loss_is_unknown(wrapper):
    assert found(wrapper) == []


def test_a_wrapped_logits_loss_after_a_softmax_is_kc305():
    wrapper = """
    def scored(y_true, y_pred):
        return tf.keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=True)
    """
    # at the loss, where the fix goes (from_logits=False)
    assert found(wrapper, ', activation="softmax"') == [("KC305", LOSS)]


def test_a_wrapped_probability_loss_after_a_softmax_is_right():
    assert found(MEAN_OF_METRIC, ', activation="softmax"') == []
