"""KC202 saturating-activation-stack."""

from __future__ import annotations

from kerascheck.facts import LayerFact, ModelFact
from kerascheck.proofkit import Evidence, load_tensorflow
from kerascheck.rules.base import Rule

SATURATING = {"sigmoid", "hard_sigmoid"}
MIN_RUN = 3
# Stateless layers that may sit between the Dense layers of a run without changing gradients'
# scale much (BatchNormalization does: it breaks a run).
_PASS_THROUGH = {"Dropout", "AlphaDropout", "GaussianDropout", "GaussianNoise",
                 "ActivityRegularization"}


class SaturatingActivationStack(Rule):
    """
    ## What it does
    Finds three or more consecutive hidden `Dense` layers with a `sigmoid` (or `hard_sigmoid`)
    activation. `Dropout` between them does not interrupt the run; a normalization layer or any
    other activation does.

    ## Why is this bad?
    The sigmoid's derivative is at most 0.25, and close to 0 once a unit saturates. Backprop
    multiplies one such factor per layer, so the gradient reaching the first layers shrinks
    geometrically: those layers barely learn (the vanishing gradient problem). ReLU and its
    relatives pass gradients through unchanged where they are active, which is why they became
    the default for hidden layers. Sigmoid stays right for a binary output.

    ## Example
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(20,)),
        tf.keras.layers.Dense(64, activation='sigmoid'),
        tf.keras.layers.Dense(64, activation='sigmoid'),
        tf.keras.layers.Dense(64, activation='sigmoid'),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(20,)),
        tf.keras.layers.Dense(64, activation='relu'),
        tf.keras.layers.Dense(64, activation='relu'),
        tf.keras.layers.Dense(64, activation='relu'),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    ```

    ## Fix safety
    No automatic fix: switching activations changes the model and may call for another
    initializer (`he_normal` for ReLU); the author decides.

    ## Runtime evidence
    The proof builds a deeper sigmoid stack and its ReLU twin with the same initializer and data
    and measures the gradient norm of the loss with respect to the first layer's kernel, relative
    to the last hidden layer's: tiny for the sigmoid stack, of order one for ReLU.

    ## References
    - Glorot and Bengio, ["Understanding the difficulty of training deep feedforward neural
      networks"](https://proceedings.mlr.press/v9/glorot10a.html) (AISTATS 2010): sigmoid
      layers saturate and the gradients reaching the first layers vanish.
    """

    code = "KC202"
    name = "saturating-activation-stack"
    summary = "Three or more stacked sigmoid hidden layers: gradients vanish toward the input."

    invalid = (
        """
import tensorflow as tf
model = tf.keras.Sequential()
model.add(tf.keras.layers.Dense(128, activation='sigmoid', input_shape=(784,)))  # expect: KC202
model.add(tf.keras.layers.Dense(64, activation='sigmoid'))
model.add(tf.keras.layers.Dropout(0.2))
model.add(tf.keras.layers.Dense(32, activation='sigmoid'))
model.add(tf.keras.layers.Dense(10, activation='softmax'))
""",
        """
from keras import Input, Model
from keras.layers import Dense
inputs = Input(shape=(8,))
x = Dense(16, activation="hard_sigmoid")(inputs)  # expect: KC202
x = Dense(16, activation="sigmoid")(x)
x = Dense(16, activation="sigmoid")(x)
x = Dense(16, activation="sigmoid")(x)
outputs = Dense(1)(x)
model = Model(inputs, outputs)
""",
    )
    valid = (
        # two sigmoid hidden layers and a sigmoid output: only two hidden
        """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input(shape=(4,)),
                             tf.keras.layers.Dense(8, activation="sigmoid"),
                             tf.keras.layers.Dense(8, activation="sigmoid"),
                             tf.keras.layers.Dense(1, activation="sigmoid")])
""",
        # normalization between sigmoid layers keeps them out of saturation
        """
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation="sigmoid"),
                          layers.BatchNormalization(), layers.Dense(8, activation="sigmoid"),
                          layers.BatchNormalization(), layers.Dense(8, activation="sigmoid"),
                          layers.Dense(1)])
""",
        # a multi-label head: many sigmoid units in one output layer
        """
import keras
inputs = keras.Input(shape=(300,))
x = keras.layers.Dense(128, activation="relu")(inputs)
x = keras.layers.Dense(64, activation="relu")(x)
outputs = keras.layers.Dense(20, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
""",
        # activations from a variable: unknown
        """
import keras
def mlp(act):
    return keras.Sequential([keras.Input(shape=(4,))] +
                            [keras.layers.Dense(8, activation=act) for _ in range(4)])
""",
    )

    def check_model(self, model: ModelFact):
        for layer in model.layers:
            if not self._saturating_hidden(model, layer):
                continue
            previous = self._neighbour(model, layer, backwards=True)
            if previous is not None and self._saturating_hidden(model, previous):
                continue  # not the start of a run
            run = [layer]
            following = self._neighbour(model, layer, backwards=False)
            while following is not None and self._saturating_hidden(model, following) \
                    and following not in run:
                run.append(following)
                following = self._neighbour(model, following, backwards=False)
            if len(run) >= MIN_RUN:
                yield self.finding(
                    layer,
                    f"{len(run)} consecutive hidden Dense layers use {layer.activation}: the "
                    f"gradient shrinks at each one and the first layers barely learn; use "
                    f"`activation=\"relu\"` in hidden layers")

    @staticmethod
    def _saturating_hidden(model: ModelFact, layer: LayerFact) -> bool:
        return layer.is_dense and layer.activation in SATURATING and not model.is_output(layer)

    @staticmethod
    def _neighbour(model: ModelFact, layer: LayerFact, backwards: bool) -> LayerFact | None:
        """The single Dense layer before/after ``layer``, through pass-through layers only."""
        current = layer
        for _ in range(len(model.layers)):
            linked = model.predecessors(current) if backwards else model.successors(current)
            if len(linked) != 1:
                return None
            current = linked[0]
            if current.is_dense:
                return current
            if not current.is_kind(*_PASS_THROUGH):
                return None
        return None

    def prove(self, subject=None):
        if subject is not None:
            raise NotImplementedError("KC202 proves on its own example only")
        tf, keras, np = load_tensorflow(0)
        rng = np.random.default_rng(0)
        x = rng.normal(size=(128, 20)).astype("float32")
        y = (x[:, :3].sum(axis=1) > 0).astype("float32").reshape(-1, 1)

        def first_to_last_ratio(activation: str) -> float:
            keras.utils.set_random_seed(0)
            hidden = [keras.layers.Dense(32, activation=activation) for _ in range(6)]
            model = keras.Sequential([keras.Input(shape=(20,)), *hidden,
                                      keras.layers.Dense(1, activation="sigmoid")])
            loss = keras.losses.BinaryCrossentropy()
            with tf.GradientTape() as tape:
                value = loss(y, model(x, training=True))
            kernels = [layer.kernel for layer in hidden]
            gradients = tape.gradient(value, kernels)
            return float(tf.norm(gradients[0]) / tf.norm(gradients[-1]))

        bad_ratio = first_to_last_ratio("sigmoid")
        good_ratio = first_to_last_ratio("relu")
        verdict = bad_ratio < 0.05 and good_ratio > 0.2
        return Evidence(
            code=self.code, verdict=verdict,
            summary=f"Through six sigmoid layers the first layer's gradient is {bad_ratio:.1e} "
                    f"of the last hidden layer's; with ReLU it is {good_ratio:.2f}.",
            measurements={"bad: first/last hidden gradient norm (sigmoid)": bad_ratio,
                          "good: first/last hidden gradient norm (relu)": good_ratio})
