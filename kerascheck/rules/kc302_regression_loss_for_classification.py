"""KC302 regression-loss-for-classification."""

from __future__ import annotations

from kerascheck import fixes
from kerascheck.facts import REGRESSION_LOSSES, ModelFact
from kerascheck.rules.base import Rule
from kerascheck.rules.kc308_output_units_mismatch import regressed_classes

_SHORT = {"mean_squared_error": "MSE", "mean_absolute_error": "MAE"}


class RegressionLossForClassification(Rule):
    """
    ## What it does
    Finds a model trained with a regression loss (mean squared or mean absolute error, in any
    spelling: `'mse'`, `'mean_squared_error'`, `MeanSquaredError()`, `keras.losses.mse`, ...)
    while the model's task is classification: its output is `softmax`, or a `sigmoid` on class
    labels, or its labels are one-hot or integer class ids. An accuracy metric alone is no
    classifier: a linear-output regression with `metrics=["accuracy"]` is KC309's finding.

    A sigmoid output trained to reconstruct its input (`fit(x, x)`, an autoencoder), a
    least-squares GAN's discriminator and a linear regression output are not reported.

    On a model of several outputs, each output head is judged against the loss it gets
    (`loss=[...]`, `loss={...}` by output name, or one loss for every head).

    ## Why is this bad?
    With a softmax or sigmoid output, squared error has a vanishing gradient exactly where the
    model is confidently wrong: the derivative of the activation is near zero there, and MSE
    does not cancel it the way cross-entropy's logarithm does. Training stalls on the examples
    it most needs to learn from, and the loss no longer corresponds to the likelihood of the
    labels.

    ## Example
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
      tf.keras.Input(shape=(28, 28)),
      tf.keras.layers.Flatten(),
      tf.keras.layers.Dense(64, activation='relu'),
      tf.keras.layers.Dense(3, activation='softmax')
    ])
    model.compile(optimizer='adam', loss='mse', metrics=['accuracy'])
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
      tf.keras.Input(shape=(28, 28)),
      tf.keras.layers.Flatten(),
      tf.keras.layers.Dense(64, activation='relu'),
      tf.keras.layers.Dense(3, activation='softmax')
    ])
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    ```

    ## Fix safety
    Unsafe, and offered only where the right cross-entropy is unambiguous: one sigmoid unit
    gets `binary_crossentropy`; a softmax output gets `categorical_crossentropy` when every
    `fit()` gets one-hot labels and `sparse_categorical_crossentropy` when every `fit()` gets
    integer class labels. The loss keeps its spelling (`'mse'` becomes
    `'categorical_crossentropy'`, `keras.losses.MeanSquaredError()` becomes
    `keras.losses.CategoricalCrossentropy()`). A human must still confirm the task is not
    regression.
    Elsewhere there is no automatic fix: the choice depends on how the labels are encoded.

    ## Runtime evidence
    The proof takes a softmax classifier that is confidently wrong on an example and measures
    the gradient of each loss with respect to the logits: the MSE gradient is orders of
    magnitude smaller than the cross-entropy gradient.

    ## References
    - The pitfall as tutorials name it: "Use mean squared error loss for classification".
    - Keras API: [`keras.losses.SparseCategoricalCrossentropy`](https://keras.io/api/losses/probabilistic_losses/).
    """

    code = "KC302"
    name = "regression-loss-for-classification"
    summary = "A regression loss (MSE/MAE) trains a classifier."
    judges_each_output = True
    fix_applicability = "unsafe"

    invalid = (
        """
from tensorflow import keras
model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(128, activation="relu"),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss=keras.losses.MeanSquaredError())  # expect: KC302
""",
        """
import tensorflow as tf
from tensorflow.keras.utils import to_categorical
(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
y_train = to_categorical(y_train)
model = tf.keras.Sequential([tf.keras.layers.Flatten(input_shape=(28, 28)),
                             tf.keras.layers.Dense(10)])
model.compile(optimizer="sgd", loss="mean_squared_error")  # expect: KC302
model.fit(x_train / 255.0, y_train, validation_split=0.1)
""",
        """
import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(num_words=1000)
model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss=keras.losses.mae, metrics=[keras.metrics.BinaryAccuracy()])  # expect: KC302
model.fit(x_train, y_train, validation_data=(x_test, y_test))
""",
    )
    valid = (
        # one linear unit for ten digit ids: KC308 reports the output layer, where the fix is
        """
from tensorflow import keras
(x_train, y_train), _ = keras.datasets.mnist.load_data()
model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                          keras.layers.Flatten(), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
model.fit(x_train, y_train, validation_split=0.2)
""",
        # regression: linear output, MSE, MAE metric
        """
from tensorflow import keras
model = keras.Sequential([keras.Input(shape=(13,)), keras.layers.Dense(64, activation="relu"),
                          keras.layers.Dense(1)])
model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
""",
        # an autoencoder: sigmoid output reconstructing its input, no accuracy metric
        """
import keras
inputs = keras.Input(shape=(784,))
encoded = keras.layers.Dense(32, activation="relu")(inputs)
decoded = keras.layers.Dense(784, activation="sigmoid")(encoded)
autoencoder = keras.Model(inputs, decoded)
autoencoder.compile(optimizer="adam", loss="mse")
autoencoder.fit(x_train, x_train, epochs=50, validation_data=(x_test, x_test))
""",
        # the seed's quiz 5 correct setup
        """
import tensorflow as tf
model = tf.keras.Sequential([
  tf.keras.layers.Flatten(input_shape=(28,28)),
  tf.keras.layers.Dense(64, activation='relu'),
  tf.keras.layers.Dense(3, activation='softmax')
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
""",
        # an accuracy metric alone is not a classifier: a linear-output regression with an
        # accuracy metric is KC309's meaningless metric, not this
        """
import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.boston_housing.load_data()
model = keras.Sequential([keras.Input(shape=(13,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
model.fit(x_train, y_train, validation_data=(x_test, y_test))
""",
        # a least-squares GAN discriminator: MSE on its real/fake score is the method itself,
        # and its accuracy metric a monitor; the discriminator is built elsewhere
        """
import keras
from gan_parts import build_discriminator
discriminator = build_discriminator(keras.Input(shape=(28, 28, 1)))
discriminator.compile(loss="mse", optimizer=keras.optimizers.RMSprop(2e-4), metrics=["accuracy"])
critic = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(1)])
critic.compile(loss="mse", optimizer="rmsprop", metrics=["accuracy"])
critic.train_on_batch(batch, targets)
""",
        # a sigmoid output reconstructing its input, even with an accuracy metric
        """
import keras
inputs = keras.Input(shape=(64,))
decoded = keras.layers.Dense(64, activation="sigmoid")(keras.layers.Dense(8, activation="relu")(inputs))
autoencoder = keras.Model(inputs, decoded)
autoencoder.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
autoencoder.fit(images, images, validation_split=0.1)
""",
        # a loss chosen at run time is unknown
        """
import keras
LOSSES = {"regression": "mse", "classification": "categorical_crossentropy"}
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss=LOSSES[task], metrics=["accuracy"])
""",
    )

    def check_model(self, model: ModelFact):
        task = model.task
        if not task.is_classification:
            # an accuracy metric alone is no classifier (KC309 judges that); a reconstruction,
            # a regression or an unknown task is not judged here
            return
        if regressed_classes(model) is not None:
            return  # one linear unit for several classes: KC308 says what to change
        head = model.output_head()
        one_hot_labels = any(getattr(fit.y, "one_hot", False) for fit in model.fits)
        for compile_fact in model.compiles:
            loss = compile_fact.loss.name
            if loss not in REGRESSION_LOSSES:
                continue
            reasons = [reason for reason in task.evidence if reason not in REGRESSION_LOSSES]
            if not reasons:
                continue
            suggestion = self._suggestion(head, one_hot_labels)
            yield self.finding(
                compile_fact.loss.node or compile_fact.node,
                f"{_SHORT[loss]} loss on a classifier ({' and '.join(reasons)}): gradients vanish "
                f"when the model is confidently wrong; use {suggestion} (or, for regression, "
                f"use a linear output)",
                fix=self._fix(compile_fact, head, model),
                related=[(head.activation_site, f"the output layer, which applies "
                                                f"{head.activation}")]
                if head is not None and head.activation in ("softmax", "sigmoid") else ())

    @staticmethod
    def _fix(compile_fact, head, model: ModelFact):
        """Switch to the cross-entropy that the output and every fit's labels agree on."""
        loss_node = compile_fact.loss.node
        if head is None or loss_node is None:
            return None
        labels = [fit.y for fit in model.fits]
        if head.activation == "sigmoid" and head.units == 1 and \
                not any(getattr(y, "one_hot", False) for y in labels):
            loss = "binary_crossentropy"
        elif head.activation == "softmax" and labels and \
                all(getattr(y, "one_hot", False) for y in labels):
            loss = "categorical_crossentropy"
        elif head.activation == "softmax" and labels and \
                all(getattr(y, "int_labels", False) for y in labels):
            loss = "sparse_categorical_crossentropy"
        else:
            return None
        return fixes.switch_loss(loss_node, loss)

    @staticmethod
    def _suggestion(head, one_hot_labels: bool) -> str:
        if head is not None and head.activation == "sigmoid" and head.units == 1:
            return "`loss=\"binary_crossentropy\"`"
        if one_hot_labels:
            return "`loss=\"categorical_crossentropy\"`"
        return ("`loss=\"sparse_categorical_crossentropy\"` for integer labels "
                "(`\"categorical_crossentropy\"` for one-hot labels)")

    def prove(self, subject=None):
        """Make a softmax classifier confidently wrong and compare gradients: MSE's is orders
        of magnitude below cross-entropy's, so MSE barely corrects the mistake. On a user's
        model: the same comparison with its own loss and output layer."""
        from kerascheck import proofkit

        tf, keras, np = proofkit.load_tensorflow(0)
        if subject is not None:
            output_layer, activation, units, loss = proofkit.subject_head(subject)
            mse, reference = proofkit.confident_wrong_gradients(
                subject.model, output_layer, activation, loss or keras.losses.MeanSquaredError())
            return proofkit.Evidence(
                self.code, mse < reference / 10,
                f"at a confident wrong answer its gradient is {proofkit.number(mse)}, "
                f"cross-entropy's {proofkit.number(reference)}",
                {"gradient norm, its loss": mse, "gradient norm, cross-entropy": reference,
                 "ratio": mse / reference})
        model = keras.Sequential([keras.Input(shape=(4,)),
                                  keras.layers.Dense(3, activation="softmax")])
        mse, cross_entropy = proofkit.confident_wrong_gradients(
            model, model.layers[-1], "softmax", keras.losses.MeanSquaredError())
        measured = {"bad: gradient norm with MSE": mse,
                    "good: gradient norm with categorical cross-entropy": cross_entropy,
                    "ratio": mse / cross_entropy}
        return proofkit.Evidence(
            self.code, mse < cross_entropy / 100,
            "at a confident wrong answer MSE's gradient is orders of magnitude below "
            "cross-entropy's", measured)
