"""KC203 constant-initializer."""

from __future__ import annotations

from kerascheck.analysis.values import Const, Instance, Ref
from kerascheck.facts import ACTIVATION_LAYERS, TRANSPARENT_LAYERS, LayerFact, ModelFact
from kerascheck.proofkit import Evidence, load_tensorflow
from kerascheck.rules.base import Rule

CONSTANT_NAMES = {"zeros", "zero", "ones", "one", "constant"}
CONSTANT_CLASSES = {"Zeros", "Ones", "Constant"}


def constant_initializer(value) -> str | None:
    """The initializer's name when it gives every unit the same weights, else None.

    ``value`` is what the layer was given: a string, a Keras initializer class or instance (as
    an analysis value), or at runtime the initializer's class name."""
    if isinstance(value, str):
        return value if value.lower() in CONSTANT_NAMES else None
    if isinstance(value, Const) and isinstance(value.value, str):
        return constant_initializer(value.value)
    if isinstance(value, (Ref, Instance)):
        keras_name = value.keras or ""
        if keras_name.startswith("initializers."):
            leaf = keras_name.split(".", 1)[1]
            if leaf in CONSTANT_CLASSES or leaf.lower() in CONSTANT_NAMES:
                return f"{leaf}()" if isinstance(value, Instance) else leaf
    return None


def _has_kernel(layer: LayerFact) -> bool:
    kind = layer.kind
    return layer.is_dense or (isinstance(kind, str) and kind.startswith("Conv")
                              and not kind.startswith("ConvLSTM"))


def _per_channel(layer: LayerFact) -> bool:
    """Pooling, padding, cropping and upsampling treat every channel alike: identical units
    stay identical through them."""
    kind = layer.kind
    return isinstance(kind, str) and kind.startswith((
        "MaxPool", "AveragePool", "AvgPool", "GlobalMaxPool", "GlobalAveragePool",
        "GlobalAvgPool", "ZeroPadding", "Cropping", "UpSampling"))


class ConstantInitializer(Rule):
    """
    ## What it does
    Finds a hidden `Dense` or convolution layer whose `kernel_initializer` is a constant:
    `'zeros'`, `'ones'`, `Zeros()`, `Ones()` or `Constant(...)`. Only layers whose output feeds
    another `Dense`/convolution layer directly (through dropout, normalization or activation
    layers) are reported; a zero-initialized branch added to a residual connection is a
    deliberate technique and is left alone.

    ## Why is this bad?
    Every unit of the layer starts with the same weights, computes the same output and, when the
    next layer is symmetric too, receives the same gradient: the units stay copies of each other
    forever and the layer behaves like a single unit. With `'zeros'` and ReLU it is worse: every
    unit outputs 0, the gradient through ReLU at 0 is 0, and the layer never trains at all. Random
    initializers (Keras' default `glorot_uniform`, or `he_normal` for ReLU) break the symmetry.

    ## Example
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(20,)),
        tf.keras.layers.Dense(64, activation='relu', kernel_initializer='zeros'),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(20,)),
        tf.keras.layers.Dense(64, activation='relu', kernel_initializer='he_normal'),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    ```

    ## Fix safety
    No automatic fix: the right random initializer depends on the activation.

    ## Runtime evidence
    The proof trains both models on the same data and compares the hidden units afterwards: the
    zero-initialized layer's units are still identical (the largest difference between any two
    of its kernel columns is 0), the `he_normal` twin's units differ and it fits the data better.

    ## References
    - He et al., ["Delving Deep into Rectifiers"](https://arxiv.org/abs/1502.01852) (2015),
      and Glorot and Bengio (AISTATS 2010): random initial weights, scaled to the layer.
    - Keras API: [`keras.initializers`](https://keras.io/api/layers/initializers/) (`Zeros`, `Ones`, `Constant`, `GlorotUniform`,
      `HeNormal`).
    """

    code = "KC203"
    name = "constant-initializer"
    summary = "A hidden layer starts with constant weights: its units never become different."

    invalid = (
        """
import tensorflow as tf
model = tf.keras.Sequential([
    tf.keras.Input(shape=(10,)),
    tf.keras.layers.Dense(32, activation="relu", kernel_initializer="zeros"),  # expect: KC203
    tf.keras.layers.Dropout(0.1),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
""",
        """
from tensorflow import keras
from tensorflow.keras import initializers, layers
inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(8, 3, kernel_initializer=initializers.Constant(0.1))(inputs)  # expect: KC203
x = layers.ReLU()(x)
x = layers.Flatten()(x)
x = layers.Dense(16, activation="tanh", kernel_initializer=keras.initializers.Ones())(x)  # expect: KC203
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
""",
    )
    valid = (
        # a zero-initialized output layer (logistic regression, policy heads) is fine
        """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input(shape=(4,)),
                             tf.keras.layers.Dense(16, activation="relu"),
                             tf.keras.layers.Dense(3, kernel_initializer="zeros")])
""",
        # zero-initialized residual branch: the sum with the skip path keeps units distinct
        """
import keras
from keras import layers
inputs = keras.Input(shape=(32,))
branch = layers.Dense(32, activation="relu")(inputs)
branch = layers.Dense(32, kernel_initializer="zeros")(branch)
x = layers.Add()([inputs, branch])
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
""",
        # constant biases and random kernels are the usual setup
        """
from tensorflow import keras
model = keras.Sequential([keras.Input(shape=(8,)),
                          keras.layers.Dense(16, activation="relu", bias_initializer="zeros",
                                             kernel_initializer="he_normal"),
                          keras.layers.Dense(1, bias_initializer=keras.initializers.Constant(0.5))])
""",
        # a frozen constant layer is a fixed map (here: summing the features), not a mistake
        """
from tensorflow import keras
summing = keras.layers.Dense(1, kernel_initializer="ones", use_bias=False, trainable=False)
inputs = keras.Input(shape=(8,))
x = summing(inputs)
outputs = keras.layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
""",
        # an initializer from a variable is unknown
        """
import keras
def build(init):
    return keras.Sequential([keras.Input(shape=(4,)),
                             keras.layers.Dense(8, activation="relu", kernel_initializer=init),
                             keras.layers.Dense(1)])
""",
    )

    def check_model(self, model: ModelFact):
        for layer in model.layers:
            if not _has_kernel(layer) or model.is_output(layer):
                continue
            initializer = constant_initializer(layer.kernel_initializer)
            if initializer is None or not self._feeds_weighted_layer(model, layer):
                continue
            trainable = layer.arguments.get("trainable")
            if isinstance(trainable, Const) and trainable.value is False:
                continue  # a fixed, deliberately constant map (a sum, a mean), never trained
            shown = initializer if initializer.endswith(")") else repr(initializer)
            yield self.finding(
                layer,
                f"`kernel_initializer={shown}` gives every unit of this hidden layer the same "
                f"weights, so the units stay identical (and with zeros and ReLU never train); "
                f"use a random initializer such as 'he_normal' or the default")

    @staticmethod
    def _feeds_weighted_layer(model: ModelFact, layer: LayerFact) -> bool:
        """Whether the layer's output reaches a Dense/conv layer through a single chain of
        transparent or activation layers (no merge with another branch)."""
        current = layer
        for _ in range(len(model.layers)):
            following = model.successors(current)
            if len(following) != 1:
                return False
            current = following[0]
            if len(model.predecessors(current)) != 1:
                return False
            if _has_kernel(current):
                return True
            if not current.is_kind(*TRANSPARENT_LAYERS, *ACTIVATION_LAYERS) and \
                    not _per_channel(current):
                return False
        return False

    def prove(self, subject=None):
        if subject is not None:
            raise NotImplementedError("KC203 proves on its own example only")
        tf, keras, np = load_tensorflow(0)
        rng = np.random.default_rng(0)
        x = rng.normal(size=(256, 20)).astype("float32")
        y = ((x[:, 0] * x[:, 1] > 0) ^ (x[:, 2] > 0)).astype("float32")

        def train(initializer: str):
            keras.utils.set_random_seed(0)
            hidden = keras.layers.Dense(16, activation="relu", kernel_initializer=initializer)
            model = keras.Sequential([keras.Input(shape=(20,)), hidden,
                                      keras.layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                          metrics=["accuracy"])
            model.fit(x, y, epochs=4, batch_size=32, verbose=0)
            kernel = hidden.kernel.numpy()
            spread = float(np.max(np.abs(kernel - kernel[:, :1])))
            return spread, float(model.evaluate(x, y, verbose=0)[1])

        bad_spread, bad_accuracy = train("zeros")
        good_spread, good_accuracy = train("he_normal")
        verdict = bad_spread == 0.0 and good_spread > 0.1 and good_accuracy > bad_accuracy
        return Evidence(
            code=self.code, verdict=verdict,
            summary=f"After training, the zero-initialized units are still identical (max "
                    f"difference {bad_spread:g}); the he_normal units differ ({good_spread:.2f}) "
                    f"and fit better ({good_accuracy:.2f} vs {bad_accuracy:.2f} accuracy).",
            measurements={"bad: max difference between hidden units": bad_spread,
                          "good: max difference between hidden units": good_spread,
                          "bad: training accuracy": bad_accuracy,
                          "good: training accuracy": good_accuracy})
