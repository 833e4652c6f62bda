"""KC303 single-unit-softmax."""

from __future__ import annotations

import warnings

from kerascheck import fixes
from kerascheck.analysis.values import Const
from kerascheck.facts import LINEAR, LayerFact, ModelFact
from kerascheck.proofkit import Evidence, load_tensorflow
from kerascheck.proofkit.curves import distributions_figure
from kerascheck.rules.base import Rule


def _softmax_over_last_axis(layer: LayerFact) -> bool:
    """Whether an Activation/Softmax layer normalizes over the last axis (the default)."""
    if layer.is_kind("Activation"):
        return layer.activation == "softmax"
    if layer.is_kind("Softmax"):
        axis = layer.arguments.get("axis")
        return axis is None or (isinstance(axis, Const) and axis.value == -1)
    return False


class SingleUnitSoftmax(Rule):
    """
    ## What it does
    Finds a `softmax` over a single unit: `Dense(1, activation="softmax")`, or a `Dense(1)`
    followed by `Activation("softmax")` / `Softmax()`.

    ## Why is this bad?
    Softmax divides each unit's exponential by the sum over the units. With one unit the sum is
    that unit, so the output is exactly 1.0 for every input. The loss's gradient through it is
    zero: the model cannot learn and predicts the same class for everything. A binary
    classifier wants `Dense(1, activation="sigmoid")` (with `binary_crossentropy`), or two
    softmax units.

    ## Example
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(20,)),
        tf.keras.layers.Dense(16, activation='relu'),
        tf.keras.layers.Dense(1, activation='softmax'),
    ])
    model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(20,)),
        tf.keras.layers.Dense(16, activation='relu'),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
    ```

    ## Fix safety
    Unsafe: `sigmoid` is almost always what was meant, but the fix changes the model's outputs.

    ## Runtime evidence
    The proof trains both models on the same binary task: every prediction of the single-unit
    softmax is 1.0 (to float32 precision: Keras 3 returns 1 − 6·10⁻⁸) after training and its
    accuracy stays at the share of one class; the sigmoid twin learns. Keras 3 itself now warns
    about a softmax over an axis of size 1, at run time.

    ## References
    - Keras API: `keras.activations.softmax` ("the elements of the output vector are in range
      [0, 1] and sum to 1").
    - Keras guide "Training & evaluation with the built-in methods" (binary classification with
      a sigmoid output).
    """

    code = "KC303"
    name = "single-unit-softmax"
    summary = "A softmax over one unit always outputs 1.0, so nothing is learned."
    fix_applicability = "unsafe"

    invalid = (
        """
from tensorflow import keras
model = keras.Sequential([
    keras.Input(shape=(30,)),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(1, activation="softmax"),  # expect: KC303
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
        """
import tensorflow as tf
inputs = tf.keras.Input(shape=(8,))
score = tf.keras.layers.Dense(1)(inputs)
prob = tf.keras.layers.Softmax()(score)  # expect: KC303
other = tf.keras.layers.Dense(1, activation=tf.nn.softmax)(inputs)  # expect: KC303
model = tf.keras.Model(inputs, [prob, other])
""",
    )
    valid = (
        # binary classifiers done right
        """
import tensorflow as tf
a = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(1, activation="sigmoid")])
b = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(2, activation="softmax")])
""",
        # attention pooling: one score per time step, softmax over the time axis
        """
import keras
from keras import layers
inputs = keras.Input(shape=(50, 64))
scores = layers.Dense(1)(inputs)
weights = layers.Softmax(axis=1)(scores)
model = keras.Model(inputs, weights)
""",
        # units from a variable are unknown
        """
from tensorflow import keras
def head(n_classes):
    return keras.layers.Dense(n_classes, activation="softmax")
def build(n):
    return keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(n, activation="softmax")])
""",
    )

    def check_model(self, model: ModelFact):
        for layer in model.layers:
            if layer.is_dense and layer.units == 1 and layer.activation == "softmax":
                yield self._finding(layer)
            elif _softmax_over_last_axis(layer):
                parents = model.predecessors(layer)
                if len(parents) == 1 and parents[0].is_dense and parents[0].units == 1 \
                        and parents[0].activation == LINEAR:
                    yield self._finding(layer)

    def _finding(self, layer: LayerFact):
        return self.finding(
            layer,
            "Softmax over a single unit always outputs 1.0, so the model cannot learn; use "
            "`Dense(1, activation=\"sigmoid\")` for a binary output (or two softmax units)",
            fix=fixes.set_activation(layer, "sigmoid") if layer.is_dense else None)

    def prove(self, subject=None):
        """Train a binary classifier with a one-unit softmax and its sigmoid twin. On a user's
        model: the output of the flagged softmax on random inputs."""
        tf, keras, np = load_tensorflow(0)
        if subject is not None:
            return _prove_on(subject, keras, np, self.code)
        rng = np.random.default_rng(0)
        x = rng.normal(size=(256, 20)).astype("float32")
        y = (x[:, 0] + x[:, 1] > 0).astype("float32")

        def train(activation: str):
            keras.utils.set_random_seed(0)
            model = keras.Sequential([keras.Input(shape=(20,)),
                                      keras.layers.Dense(16, activation="relu"),
                                      keras.layers.Dense(1, activation=activation)])
            model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                          metrics=["accuracy"])
            model.fit(x, y, epochs=3, batch_size=32, verbose=0)
            predictions = model.predict(x, verbose=0)
            return predictions, float(model.evaluate(x, y, verbose=0)[1])

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Keras 3 itself warns about the size-1 softmax
            bad_predictions, bad_accuracy = train("softmax")
        good_predictions, good_accuracy = train("sigmoid")
        distance_from_one = float(np.max(np.abs(bad_predictions - 1.0)))
        distinct = int(np.unique(bad_predictions).size)
        verdict = distance_from_one < 1e-6 and distinct == 1 and \
            good_accuracy > bad_accuracy + 0.2
        return Evidence(
            code=self.code, verdict=verdict,
            summary=f"Every prediction of the single-unit softmax is 1.0 (to float32 precision) "
                    f"and its accuracy stays {bad_accuracy:.2f}; the sigmoid twin reaches "
                    f"{good_accuracy:.2f}.",
            measurements={"bad: largest |prediction - 1|": distance_from_one,
                          "bad: distinct predictions": distinct,
                          "bad: training accuracy": bad_accuracy,
                          "good: training accuracy": good_accuracy},
            figure=distributions_figure(
                "KC303: predictions of the trained classifier",
                {"bad: Dense(1, softmax)": bad_predictions.reshape(-1),
                 "good: Dense(1, sigmoid)": good_predictions.reshape(-1)},
                "predicted probability", reference=1.0))


def _prove_on(subject, keras, np, code: str) -> Evidence:
    """Every value the user's single-unit softmax produces on random inputs."""
    from kerascheck.proofkit import CannotMeasure

    layer = subject.target_layer
    if layer is None or not subject.input_shape:
        raise CannotMeasure("the softmax layer or the input shape is unknown")
    try:
        probe = keras.Model(subject.model.inputs, layer.output)
    except Exception as error:  # a model Keras cannot cut at that layer
        raise CannotMeasure(f"the layer's output cannot be read: {error}") from error
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = probe.predict(subject.sample_inputs(), verbose=0)
    distance = float(np.max(np.abs(values - 1.0)))
    return Evidence(code=code, verdict=distance < 1e-6,
                    summary=f"on 64 random inputs the softmax outputs 1.0 every time (largest "
                            f"|value - 1| = {distance:.1e})",
                    measurements={"largest |value - 1| on 64 random inputs": distance,
                                  "distinct values": int(np.unique(values).size)},
                    figure=distributions_figure(
                        "KC303: your single-unit softmax on 64 random inputs",
                        {"bad: your Dense(1, softmax)": np.asarray(values).reshape(-1)},
                        "output value", reference=1.0))
