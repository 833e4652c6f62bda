"""KC103 invalid-input-shape."""

from __future__ import annotations

import warnings

import libcst as cst

from kerascheck import fixes
from kerascheck.analysis.targets import keras3_only_silent
from kerascheck.facts import FileFacts
from kerascheck.proofkit import Evidence, exception_of, load_tensorflow
from kerascheck.rules.base import Rule

# keyword -> callees (canonical names; "layers.*" is any layer) that take a shape there
_SHAPE_KEYWORDS = ("input_shape", "batch_input_shape", "batch_shape")
_SHAPE_CALLEES = {"layers.Input", "layers.InputLayer"}


def _shape_arguments(call) -> list[tuple[str, cst.Arg, object]]:
    """(keyword, argument node, literal value) of every shape argument of a Keras call."""
    found = []
    is_layer = call.callee.startswith("layers.") and call.callee.split(".", 1)[1][:1].isupper()
    if not is_layer:
        return found
    keywords = list(_SHAPE_KEYWORDS)
    if call.callee in _SHAPE_CALLEES:
        keywords.append("shape")
    for keyword in keywords:
        arg = call.argument_node(keyword)
        if arg is not None:
            found.append((keyword, arg, call.arguments.get(keyword)))
    if call.callee == "layers.Input" and call.positional:
        positional = [arg for arg in call.node.args if arg.keyword is None and not arg.star]
        if positional:
            found.append(("shape", positional[0], call.positional[0]))
    return found


class InvalidInputShape(Rule):
    """
    ## What it does
    Finds a shape argument that is a plain integer instead of a tuple: `input_shape=784`,
    `Input(shape=784)`, `batch_input_shape=32`, and the subtle `input_shape=(784)`, where the
    parentheses are only grouping and the value is still the integer 784. Keras 3 only: under
    `target-version = "keras2"` it is not reported (tf_keras turns the integer into a tuple).

    ## Why is this bad?
    A shape is a tuple of dimensions, one per axis of a sample. Keras 3 refuses an integer with
    `ValueError: Cannot convert '784' to a shape.` as soon as the layer or the model is
    created, so the script never reaches training. `(784,)`, with the trailing comma, is the
    one-dimensional shape that was meant.

    ## Example
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.layers.Dense(64, activation='relu', input_shape=(784)),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.layers.Dense(64, activation='relu', input_shape=(784,)),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])
    ```

    ## Fix safety
    Safe: `784` and `(784)` become `(784,)`, the only shape the integer can have meant; code that
    ran before the fix could not exist, since Keras raised.

    ## Runtime evidence
    The proof creates the layer both ways in Keras 3: the integer raises the exact `ValueError`
    quoted above, the tuple builds a model with the expected input shape.

    ## References
    - Keras API: `keras.Input` (`shape`: "A shape tuple (tuple of integers or None objects),
      not including the batch size").
    - Python tutorial, "Tuples and Sequences": a tuple with one item is written with a trailing
      comma.
    """

    code = "KC103"
    name = "invalid-input-shape"
    summary = "A shape argument is an integer, not a tuple: write (784,) instead of 784."
    fix_applicability = "safe"

    invalid = (
        """
import tensorflow as tf
model = tf.keras.Sequential([
    tf.keras.layers.Dense(64, activation='relu', input_shape=784),  # expect: KC103
    tf.keras.layers.Dense(10, activation='softmax'),
])
""",
        """
from tensorflow import keras
inputs = keras.Input(shape=(784))  # expect: KC103
other = keras.Input(784)  # expect: KC103
""",
        """
from keras.layers import Dense, InputLayer
N_FEATURES = 20
first = InputLayer(shape=N_FEATURES)  # expect: KC103
""",
    )
    valid = (
        """
import tensorflow as tf
a = tf.keras.Input(shape=(784,))
b = tf.keras.layers.Dense(10, input_shape=(28, 28))
c = tf.keras.layers.Dense(10, input_dim=784)
d = tf.keras.Input(shape=[None, 3])
""",
        # a shape computed from the data: unknown, silent
        """
from tensorflow import keras
def build(x):
    return keras.Sequential([keras.Input(shape=x.shape[1:]), keras.layers.Dense(1)])
inputs = keras.Input(shape=(x_train.shape[1],))
""",
        # not Keras: other libraries' shape arguments
        """
import numpy as np
import tensorflow as tf
zeros = np.zeros(shape=784)
ones = tf.ones(shape=10)
layer = tf.keras.layers.Reshape(target_shape=(28, 28, 1))
""",
    )

    def check_file(self, facts: FileFacts):
        if keras3_only_silent(facts.target_version):
            return  # tf_keras turns an integer shape into a one-axis tuple (measured)
        for call in facts.keras_calls:
            for keyword, arg, value in _shape_arguments(call):
                if isinstance(value, bool) or not isinstance(value, int):
                    continue
                # keep a named constant named: input_shape=N -> input_shape=(N,)
                written = arg.value.value if isinstance(arg.value, cst.Name) else str(value)
                yield self.finding(
                    arg.value,
                    f"`{keyword}` must be a tuple, but {value} is an integer (parentheses alone "
                    f"do not make a tuple); write `({written},)`",
                    fix=fixes.replace_expression(arg.value, f"({written},)",
                                                 applicability=fixes.SAFE,
                                                 message=f"Write `({written},)`"))

    def prove(self, subject=None):
        if subject is not None:  # the construct taken from the user's code
            from kerascheck.proofkit.constructs import construct_evidence

            return construct_evidence(self.code, subject, ("ValueError", "TypeError"))
        tf, keras, np = load_tensorflow(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Keras 3 also discourages input_shape= itself
            bad_error = exception_of(lambda: keras.Sequential(
                [keras.layers.Dense(64, activation="relu", input_shape=(784)),
                 keras.layers.Dense(10, activation="softmax")]))
        good_model = keras.Sequential([keras.Input(shape=(784,)),  # the modern spelling
                                       keras.layers.Dense(64, activation="relu"),
                                       keras.layers.Dense(10, activation="softmax")])
        good_shape = tuple(good_model.input_shape)
        verdict = bad_error is not None and bad_error[0] == "ValueError" and \
            "Cannot convert" in bad_error[1] and good_shape == (None, 784)
        return Evidence(
            code=self.code, verdict=verdict,
            summary="input_shape=(784) raises ValueError in Keras 3; (784,) builds the model.",
            measurements={"bad: exception": f"{bad_error[0]}: {bad_error[1]}" if bad_error
                          else "none",
                          "good: model input shape": str(good_shape)})
