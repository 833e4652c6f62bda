"""KC303 single-unit-softmax."""

from __future__ import annotations

import warnings

from kerascheck import fixes
from kerascheck.analysis.shapes import argument
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


# Convolutions whose first argument is their number of output channels (the last axis in the
# channels-last layout); depthwise convolutions are not among them.
CHANNEL_CONVOLUTIONS = ("Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose",
                        "Conv3DTranspose", "SeparableConv1D", "SeparableConv2D")
# Keras 1's convolution arguments: its image layout (``dim_ordering``) may be channels first
KERAS1_CONVOLUTION_ARGUMENTS = ("dim_ordering", "border_mode", "subsample", "nb_filter")


def _one_channel(layer: LayerFact, model: ModelFact) -> bool:
    """A convolution with one output channel (``Conv2D(1, 3)``), in the channels-last layout
    where a softmax over the last axis is over the channels: not when the layer, or the file,
    says channels first, nor for Keras 1's spellings, whose layout may be Theano's."""
    if not layer.is_kind(*CHANNEL_CONVOLUTIONS) or model.channels_first or \
            any(key in layer.arguments for key in KERAS1_CONVOLUTION_ARGUMENTS):
        return False
    return argument(layer, "data_format", None, default="channels_last") == "channels_last" \
        and argument(layer, "filters", 0) == 1


def _last_axis_of_one(layer: LayerFact) -> bool:
    """``Reshape((..., 1))``: a literal target shape whose last axis is 1."""
    if not layer.is_kind("Reshape"):
        return False
    target = layer.arguments.get("target_shape", layer.positional[0] if layer.positional else None)
    items = getattr(target, "items", None)
    return bool(items) and getattr(target, "exact", False) and isinstance(items[-1], Const) \
        and items[-1].value == 1


def _single_unit(layer: LayerFact, model: ModelFact) -> bool:
    """Whether ``layer``'s output has a last axis of size 1 (and no activation of its own)."""
    if layer.is_dense:
        return layer.units == 1 and layer.activation == LINEAR
    if _one_channel(layer, model):
        return layer.activation == LINEAR
    return _last_axis_of_one(layer)


class SingleUnitSoftmax(Rule):
    """
    ## What it does
    Finds a `softmax` over a single unit: `Dense(1, activation="softmax")`, or a `Dense(1)`
    followed by `Activation("softmax")` / `Softmax()`. The same over one channel: a
    segmentation head `Conv2D(1, 1, activation="softmax")` (in the channels-last layout, where
    the softmax's last axis is the channels), or a softmax after `Reshape((..., 1))`. A
    convolution that says channels first, in a file that switches to it, or spelled in Keras
    1's arguments (whose layout may be Theano's) is not judged.

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
        # a binary segmentation head over one channel, and its reshaped twin
        """
import keras
inputs = keras.Input(shape=(96, 96, 3))
features = keras.layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
mask = keras.layers.Conv2D(1, 1, activation="softmax")(features)  # expect: KC303
scores = keras.layers.Conv2D(1, 1)(features)
pixels = keras.layers.Reshape((96 * 96, 1))(scores)
probabilities = keras.layers.Activation("softmax")(pixels)  # expect: KC303
model = keras.Model(inputs, [mask, probabilities])
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
        # a softmax over several channels, over the pixels (Reshape without the last axis of
        # 1), and convolutions whose channels may not be the last axis
        """
import keras
inputs = keras.Input(shape=(96, 96, 3))
features = keras.layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
classes = keras.layers.Conv2D(4, 1, activation="softmax")(features)
heat = keras.layers.Softmax()(keras.layers.Reshape((96 * 96,))(keras.layers.Conv2D(1, 1)(features)))
first = keras.layers.Conv2D(1, 1, activation="softmax", data_format="channels_first")(features)
old = keras.layers.Convolution2D(1, 1, 1, activation="softmax", dim_ordering="th")(features)
model = keras.Model(inputs, [classes, heat, first, old])
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
            if layer.activation == "softmax" and (layer.is_dense and layer.units == 1 or
                                                  _one_channel(layer, model)):
                yield self._finding(layer)
            elif _softmax_over_last_axis(layer):
                parents = model.predecessors(layer)
                if len(parents) == 1 and _single_unit(parents[0], model):
                    yield self._finding(layer)

    def _finding(self, layer: LayerFact):
        if layer.is_dense:
            return self.finding(
                layer,
                "Softmax over a single unit always outputs 1.0, so the model cannot learn; use "
                "`Dense(1, activation=\"sigmoid\")` for a binary output (or two softmax units)",
                fix=fixes.set_activation(layer, "sigmoid"))
        own = layer.is_kind(*CHANNEL_CONVOLUTIONS)
        return self.finding(
            layer,
            f"Softmax over {'one channel' if own else 'an axis of size 1'} always outputs 1.0, "
            f"so the model cannot learn; use `activation=\"sigmoid\"` for a binary (per-pixel) "
            f"output, or one channel per class for a softmax",
            fix=fixes.set_activation(layer, "sigmoid") if own else None)

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
