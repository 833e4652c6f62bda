"""KC307 output-activation-for-loss."""

from __future__ import annotations

from kerascheck.facts import PROBABILITY_LOSSES, ModelFact
from kerascheck.proofkit import Evidence, blobs, load_tensorflow
from kerascheck.proofkit.curves import distributions_figure
from kerascheck.rules.base import Rule

# Activations whose outputs are neither probabilities nor logits.
WRONG_FOR_CROSS_ENTROPY = {"relu", "tanh", "elu", "selu", "softplus", "exponential", "relu6",
                           "leaky_relu", "gelu", "swish"}


class OutputActivationForLoss(Rule):
    """
    ## What it does
    Finds a model whose output layer uses `relu`, `tanh`, `elu`, `selu`, `softplus`,
    `exponential` (or another hidden-layer activation) while the loss is a cross-entropy that
    expects probabilities (`categorical_crossentropy`, `sparse_categorical_crossentropy`,
    `binary_crossentropy`, without `from_logits=True`).

    On a model of several outputs, each output head is judged against the loss it gets
    (`loss=[...]`, `loss={...}` by output name, or one loss for every head).

    ## Why is this bad?
    A cross-entropy scores a probability distribution (or, with `from_logits=True`, raw logits).
    A relu output is neither: it is zero for half the inputs and unbounded for the rest, so the
    loss clips it, its gradient is zero wherever a unit is off, and the outputs never sum to 1.
    This is the seed's "missing softmax": the last layer kept the hidden layers' activation.

    ## Example
    ```python
    from tensorflow import keras

    model = keras.Sequential([
        keras.Input(shape=(2,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(3, activation="relu"),
    ])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    ```

    ## Use instead
    ```python
    from tensorflow import keras

    model = keras.Sequential([
        keras.Input(shape=(2,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    ```

    ## Fix safety
    No automatic fix: `softmax` (one class per sample) or `sigmoid` (independent labels)
    depends on the task.

    ## Runtime evidence
    The proof trains both models on the same three well separated blobs: the relu output's
    predictions do not sum to 1 and it learns less, the softmax twin separates the blobs.

    ## References
    - Keras API: `keras.losses.CategoricalCrossentropy` ("y_pred ... expected to be a
      probability distribution" unless `from_logits=True`).
    - Keras guide "Training & evaluation with the built-in methods".
    """

    code = "KC307"
    name = "output-activation-for-loss"
    summary = "The output activation produces neither probabilities nor logits for a cross-entropy."
    judges_each_output = True

    invalid = (
        """
from tensorflow import keras
model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(10, activation="relu"),  # expect: KC307
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
""",
        """
import tensorflow as tf
inputs = tf.keras.Input(shape=(16,))
hidden = tf.keras.layers.Dense(8, activation="relu")(inputs)
score = tf.keras.layers.Dense(1, activation="tanh")(hidden)  # expect: KC307
model = tf.keras.Model(inputs, score)
model.compile(optimizer="sgd", loss=tf.keras.losses.BinaryCrossentropy())
""",
    )
    valid = (
        """
from tensorflow import keras
model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1, activation="tanh")])
model.compile(optimizer="adam", loss="mse")
clf = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(3, activation="softmax")])
clf.compile(optimizer="adam", loss="categorical_crossentropy")
""",
        # logits are fine with from_logits=True; a loss from a variable is unknown
        """
import keras
model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4)])
model.compile(optimizer="adam",
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
other = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4, activation="relu")])
other.compile(optimizer="adam", loss=config.loss)
""",
        # a relu Dense followed by a softmax layer is a softmax output
        """
import keras
model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4),
                          keras.layers.Activation("softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
""",
    )

    def check_model(self, model: ModelFact):
        head = model.output_head()
        compile_fact = model.compile
        if head is None or compile_fact is None:
            return
        loss = compile_fact.loss
        if loss.name not in PROBABILITY_LOSSES or loss.from_logits is not False:
            return
        if head.activation not in WRONG_FOR_CROSS_ENTROPY:
            return
        wanted = "sigmoid" if loss.name.startswith("binary") else "softmax"
        yield self.finding(
            head.activation_site,
            f"The output activation `{head.activation}` gives neither probabilities nor logits, "
            f"but `{loss.name}` scores probabilities; use `activation=\"{wanted}\"` on the "
            f"output layer (or no activation with `from_logits=True`)",
            related=[(loss.node or compile_fact.node,
                      f"the loss, {loss.name}, which scores probabilities")])

    def prove(self, subject=None):
        """Train a relu-output and a softmax-output classifier on three blobs with
        categorical cross-entropy."""
        if subject is not None:  # measured on its own example only: never on a user's model
            raise NotImplementedError("KC307 proves on its own example only")
        tf, keras, np = load_tensorflow(0)
        x, y = blobs(count=300, features=2, classes=3, spread=0.5, seed=0)
        one_hot = keras.utils.to_categorical(y, 3)

        def train(activation: str):
            keras.utils.set_random_seed(0)
            model = keras.Sequential([keras.Input(shape=(2,)),
                                      keras.layers.Dense(16, activation="relu"),
                                      keras.layers.Dense(3, activation=activation)])
            model.compile(optimizer=keras.optimizers.Adam(0.02), loss="categorical_crossentropy",
                          metrics=["accuracy"])
            model.fit(x, one_hot, epochs=10, batch_size=32, verbose=0)
            sums = model.predict(x, verbose=0).sum(axis=1)
            accuracy = float(model.evaluate(x, one_hot, verbose=0)[1])
            return float(np.max(np.abs(sums - 1.0))), accuracy, sums

        bad_gap, bad_accuracy, bad_sums = train("relu")
        good_gap, good_accuracy, good_sums = train("softmax")
        verdict = bad_gap > 0.1 and good_gap < 1e-4 and good_accuracy >= bad_accuracy
        return Evidence(
            code=self.code, verdict=verdict,
            summary=f"The relu output's predictions miss a sum of 1 by up to {bad_gap:.2f} and it "
                    f"reaches {bad_accuracy:.2f} accuracy; the softmax twin sums to 1 and "
                    f"reaches {good_accuracy:.2f}.",
            measurements={"bad: largest |sum of outputs - 1|": bad_gap,
                          "bad: training accuracy": bad_accuracy,
                          "good: largest |sum of outputs - 1|": good_gap,
                          "good: training accuracy": good_accuracy},
            figure=distributions_figure("KC307: sums of the outputs per sample after training",
                                        {"bad: relu output": bad_sums,
                                         "good: softmax output": good_sums},
                                        "sum of the outputs of one sample", reference=1.0))
