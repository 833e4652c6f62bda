"""KC101 missing-input-shape."""

from __future__ import annotations

from kerascheck.analysis.targets import keras3_only_silent
from kerascheck.facts import FileFacts, ModelFact
from kerascheck.rules.base import Rule

# Reading these from a model that has no input shape yet inspects an unbuilt model (KC101).
INSPECTIONS = {"summary", "count_params", "get_weights", "save", "save_weights", "output_shape",
               "weights", "trainable_weights", "layer_output", "to_json", "get_config_shapes"}
# These build the model (or need it built), after which inspection is fine.
BUILDERS = {"build", "fit", "predict", "evaluate", "call", "train_on_batch", "test_on_batch",
            "predict_on_batch", "fit_generator", "evaluate_generator", "predict_generator",
            "load_weights", "set_weights"}

_WHAT = {
    "summary": "`summary()`",
    "count_params": "`count_params()`",
    "get_weights": "`get_weights()`",
    "save": "`save()`",
    "save_weights": "`save_weights()`",
    "output_shape": "`output_shape`",
    "weights": "`weights`",
    "trainable_weights": "`trainable_weights`",
    "layer_output": "`layers[i].output`",
    "to_json": "`to_json()`",
}


class MissingInputShape(Rule):
    """
    ## What it does
    Finds a `Sequential` model whose first layer declares no input (`input_shape`, `input_dim`,
    `batch_input_shape`, or a leading `Input`/`InputLayer`) and that is inspected before it is
    built: `summary()`, `output_shape`, `count_params()`, `get_weights()`, `weights`,
    `layers[i].output` or `save()` come before any `build()`, `fit()`, `predict()`, `evaluate()`
    or call of the model.

    A model that is only trained, never inspected early, is legal deferred building and is not
    reported. Under `target-version = "keras2"` a model that starts with an `Embedding` is not
    reported either: Keras 2 builds it by itself.

    ## Why is this bad?
    Without an input shape Keras cannot create the weights, so the model does not exist yet in
    any useful sense. In Keras 3, `summary()` prints `?` for every shape and 0 parameters,
    `output_shape` raises `AttributeError` and `count_params()` raises `ValueError`. The
    inspection silently tells you nothing, or crashes.

    ## Example
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Dense(10, activation='relu'))
    model.compile(optimizer='adam', loss='mse')
    model.summary()
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential()
    model.add(tf.keras.Input(shape=(3,)))
    model.add(tf.keras.layers.Dense(10, activation='relu'))
    model.compile(optimizer='adam', loss='mse')
    model.summary()
    ```

    ## Fix safety
    No automatic fix: only the author knows the shape of the data.

    ## Runtime evidence
    The proof builds the model without and with an `Input`: without it, Keras 3 reports 0
    parameters and raises on `output_shape` and `count_params()`; with it, every call works.

    ## References
    - The pitfall as tutorials name it: "Missing input shape in the first layer".
    - Keras guide ["The Sequential model"](https://keras.io/guides/sequential_model/), section
      "Specifying the input shape in advance".
    """

    code = "KC101"
    name = "missing-input-shape"
    summary = "A Sequential model without an input shape is inspected before it is built."

    invalid = (
        # the seed's quiz 4, verbatim
        """
import tensorflow as tf
model = tf.keras.Sequential()
model.add(tf.keras.layers.Dense(10, activation='relu'))
model.compile(optimizer='adam', loss='mse')
model.summary()  # expect: KC101
model.fit(x_train, y_train, epochs=5)
""",
        """
from keras import Sequential
from keras.layers import Dense, Dropout
model = Sequential([Dense(64, activation="relu"), Dropout(0.5), Dense(1)])
print(model.output_shape)  # expect: KC101
n = model.count_params()
""",
        """
import tensorflow as tf
def build():
    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Dense(8, activation="relu"))
    model.add(tf.keras.layers.Dense(1))
    return model
model = build()
model.save("untrained.keras")  # expect: KC101
""",
    )
    valid = (
        # deferred building: only trained, inspected afterwards
        """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(10, activation="relu"), tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x_train, y_train, epochs=5)
model.summary()
""",
        # input declared in the modern way, and with input_shape
        """
import keras
model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10, activation="softmax")])
model.summary()
other = keras.Sequential()
other.add(keras.layers.Dense(5, input_shape=(3,), activation="relu"))
other.summary()
""",
        # built explicitly before the summary
        """
from tensorflow import keras
model = keras.Sequential()
model.add(keras.layers.Dense(32, activation="relu"))
model.build(input_shape=(None, 16))
model.summary()
""",
        # functional models always know their inputs; unknown first layers stay silent
        """
from tensorflow import keras
from mylayers import make_block
inputs = keras.Input(shape=(8,))
model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
model.summary()
seq = keras.Sequential([make_block(), keras.layers.Dense(1)])
seq.summary()
""",
    )

    def check_file(self, facts: FileFacts):
        for model in facts.models:
            if keras3_only_silent(facts.target_version) and model.layers and \
                    model.layers[0].is_kind("Embedding"):
                continue  # Keras 2 builds a Sequential that starts with an Embedding by itself
            yield from self.check_model(model)

    def check_model(self, model: ModelFact):
        if model.kind != "sequential" or model.input_declared is not False:
            return
        if not model.layers:
            # no first layer to declare an input: an exercise's empty stub, a model filled in
            # later (RULES.md KC101 speaks of the first layer)
            return
        for event in model.events:
            if event.method in BUILDERS:
                return
            if event.method in INSPECTIONS:
                yield self.finding(
                    event.node,
                    f"{_WHAT.get(event.method, event.method)} runs before the model knows its "
                    f"input shape, so Keras has no weights to show; start the model with "
                    f"`keras.Input(shape=...)` (or pass `input_shape=` to the first layer)")
                return

    def prove(self, subject=None):
        """Keras 3 on a Sequential model with no input: ``summary()`` shows 0 params,
        ``output_shape`` raises AttributeError, ``count_params()`` raises ValueError; the twin
        that starts with ``keras.Input`` shows its weights."""
        from kerascheck import proofkit

        tf, keras, np = proofkit.load_tensorflow(0)
        if subject is not None:
            symptoms = proofkit.inspection_symptoms(subject.model)
            unbuilt = str(symptoms["count_params()"]).startswith("ValueError")
            return proofkit.Evidence(
                self.code, unbuilt,
                f"count_params() gives {symptoms['count_params()']}", symptoms)
        bad = keras.Sequential()
        bad.add(keras.layers.Dense(10, activation="relu"))
        good = keras.Sequential([keras.Input(shape=(20,)),
                                 keras.layers.Dense(10, activation="relu")])
        measured = {}
        for label, model in (("bad", bad), ("good", good)):
            for what, value in proofkit.inspection_symptoms(model).items():
                measured[f"{label}: {what}"] = value
        verdict = (measured["bad: summary(): total params"] == 0
                   and str(measured["bad: output_shape"]).startswith("AttributeError")
                   and str(measured["bad: count_params()"]).startswith("ValueError")
                   and measured["good: summary(): total params"] == 210
                   and measured["good: count_params()"] == "210")
        return proofkit.Evidence(
            self.code, verdict,
            "the unbuilt model has no weights to show and raises; the twin with an Input works",
            measured)
