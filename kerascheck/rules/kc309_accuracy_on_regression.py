"""KC309 accuracy-on-regression."""

from __future__ import annotations

from kerascheck.facts import LINEAR, ModelFact, is_accuracy_metric
from kerascheck.rules.base import Rule


class AccuracyOnRegression(Rule):
    """
    ## What it does
    Finds an accuracy metric on a regression model: a linear output trained with a regression
    loss (MSE, MAE, Huber, log-cosh, ...) on targets that are not class labels (or a sigmoid or
    tanh output fit to targets known to be real numbers: `y = np.sin(x)`), compiled with
    `metrics=["accuracy"]` (or another accuracy metric). The model must be trained with
    `fit()`, or be only compiled: code that never trains, evaluates or hands on the model (a
    fragment of a question). A model trained step by step (`train_on_batch`, a GAN's
    discriminator), one returned or passed on (it may be trained where the linter cannot see),
    and a model whose labels are one-hot or class ids (a classifier, KC302's business) are not
    reported.

    ## Why is this bad?
    Accuracy counts predictions that equal the target exactly (after rounding at 0.5 for one
    output). A regression output is a real number that practically never equals a real-valued
    target, so the metric sits at zero (or at some meaningless fraction) however well the model
    learns, and a reader who trusts it thinks training failed. An accuracy metric next to MSE
    usually means the model was meant to be a regression and the metric was copied from a
    classification example.

    ## Example
    ```python
    import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.boston_housing.load_data()
    model = keras.Sequential([
        keras.Input(shape=(13,)),
        keras.layers.Normalization(),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
    model.fit(x_train, y_train, validation_data=(x_test, y_test), epochs=50)
    ```

    ## Use instead
    ```python
    import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.boston_housing.load_data()
    model = keras.Sequential([
        keras.Input(shape=(13,)),
        keras.layers.Normalization(),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.fit(x_train, y_train, validation_data=(x_test, y_test), epochs=50)
    ```

    ## Fix safety
    No automatic fix: which error metric to report (MAE, RMSE, MAPE) is the author's choice.

    ## Runtime evidence
    The proof trains a small regression network on real-valued targets with `"accuracy"` and
    `"mae"` as metrics: the loss falls by orders of magnitude and MAE with it, while accuracy
    stays at 0.0 from the first epoch to the last.

    ## References
    - Keras API: `keras.metrics.MeanAbsoluteError`, `keras.metrics.RootMeanSquaredError`
      (regression metrics) and `keras.metrics.Accuracy` ("how often predictions equal labels").
    """

    code = "KC309"
    name = "accuracy-on-regression"
    summary = "An accuracy metric on a regression model is meaningless: report MAE or RMSE."

    invalid = (
        # a sigmoid output fit to a sine: real-valued targets, still a regression
        """
import numpy as np
from keras.layers import Activation, Dense
from keras.models import Sequential
x = np.arange(100)
y = np.sin(x)
model = Sequential([Dense(10, input_shape=(1,)), Activation("sigmoid"), Dense(1), Activation("sigmoid")])
model.compile(loss="mean_squared_error", optimizer="sgd", metrics=["accuracy"])  # expect: KC309
model.fit(x, y, epochs=10, batch_size=1)
""",
        """
import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.boston_housing.load_data()
model = keras.Sequential([keras.Input(shape=(13,)), keras.layers.Normalization(),
                          keras.layers.Dense(32, activation="relu"), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])  # expect: KC309
model.fit(x_train, y_train, validation_data=(x_test, y_test))
""",
        # the functional API, a Huber loss and an accuracy metric object
        """
import tensorflow as tf
inputs = tf.keras.Input(shape=(6,))
hidden = tf.keras.layers.Dense(16, activation="relu")(inputs)
price = tf.keras.layers.Dense(1, activation=None)(hidden)
model = tf.keras.Model(inputs, price)
model.compile(optimizer="adam", loss=tf.keras.losses.Huber(),
              metrics=[tf.keras.metrics.Accuracy()])  # expect: KC309
model.fit(features, prices, validation_split=0.2, epochs=20)
""",
        # a fragment that only compiles the model (its training is elsewhere)
        """
from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(32, activation="relu", input_shape=(8,)), Dense(1)])
model.compile(loss="mean_squared_error", optimizer="adam", metrics=["accuracy"])  # expect: KC309
""",
    )
    valid = (
        # a sigmoid output with MSE on 0/1 targets: accuracy means something there
        """
import numpy as np
import keras
x = np.random.rand(100, 1)
y = (x > 0.5).astype("float32")
model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
model.fit(x, y, epochs=10)
""",
        # a regression reporting an error metric
        """
import keras
model = keras.Sequential([keras.Input(shape=(13,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
model.fit(x_train, y_train, validation_split=0.2)
""",
        # logits of a classifier: a linear output with a cross-entropy, accuracy is right
        """
import keras
model = keras.Sequential([keras.Input(shape=(20,)), keras.layers.Dense(10)])
model.compile(optimizer="adam", metrics=["accuracy"],
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x_train, y_train, validation_split=0.2)
""",
        # MSE on one-hot labels is a classifier (KC302), not a regression
        """
import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
y_train = keras.utils.to_categorical(y_train, 10)
model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                          keras.layers.Dense(10)])
model.compile(optimizer="sgd", loss="mse", metrics=["accuracy"])
model.fit(x_train / 255.0, y_train, validation_split=0.1)
""",
        # a least-squares GAN critic trained batch by batch, and an autoencoder fit(x, x)
        """
import keras
critic = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(1)])
critic.compile(loss="mse", optimizer="rmsprop", metrics=["accuracy"])
critic.train_on_batch(batch, real_or_fake)
inputs = keras.Input(shape=(32,))
code = keras.layers.Dense(4, activation="relu")(inputs)
autoencoder = keras.Model(inputs, keras.layers.Dense(32)(code))
autoencoder.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
autoencoder.fit(rows, rows, validation_split=0.1)
""",
        # a builder that returns the compiled model: it may be trained anywhere (a GAN's critic)
        """
import keras
def make_critic():
    critic = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(1)])
    critic.compile(loss="mse", optimizer="adam", metrics=["accuracy"])
    return critic
""",
        # a loss or a metric list the linter cannot see
        """
import keras
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss=config["loss"], metrics=["accuracy"])
model.fit(x, y, validation_split=0.2)
other = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
other.compile(optimizer="adam", loss="mse", metrics=METRICS)
other.fit(x, y, validation_split=0.2)
""",
    )

    def check_model(self, model: ModelFact):
        if model.task.kind != "regression" or not (model.fits or _only_compiled(model)):
            return
        for compile_fact in model.compiles:
            metrics = compile_fact.metrics
            if not isinstance(metrics, list):
                continue
            accuracy = [m for m in metrics if isinstance(m, str) and is_accuracy_metric(m)]
            if not accuracy:
                continue
            head = model.output_head()
            output = "a linear output" if head is None or head.activation == LINEAR else \
                f"a {head.activation} output fit to real-valued targets"
            yield self.finding(
                _metrics_argument(compile_fact.node) or compile_fact.node,
                f"`{accuracy[0]}` on a regression model ({output} trained with "
                f"{compile_fact.loss.name}) counts exact matches and stays near 0 however well "
                f"it learns; report an error metric such as `metrics=[\"mae\"]`")

    def prove(self, subject=None):
        """Train a small regression with "accuracy" and "mae" as metrics: the loss and MAE fall
        by orders of magnitude, accuracy stays at 0.0."""
        from kerascheck import proofkit

        if subject is not None:
            raise proofkit.CannotMeasure("KC309 proves on its own example only")
        tf, keras, np = proofkit.load_tensorflow(0)
        rng = np.random.default_rng(0)
        x = rng.normal(size=(512, 4)).astype("float32")
        y = (20 + 5 * x[:, 0] - 3 * x[:, 1] + rng.normal(scale=0.5, size=512)).astype("float32")
        model = keras.Sequential([keras.Input(shape=(4,)),
                                  keras.layers.Dense(16, activation="relu"),
                                  keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse",
                      metrics=["accuracy", "mae"])
        history = model.fit(x, y, epochs=30, batch_size=64, verbose=0).history
        measured = {
            "loss, first epoch": history["loss"][0], "loss, last epoch": history["loss"][-1],
            "bad: accuracy, first epoch": history["accuracy"][0],
            "bad: accuracy, last epoch": history["accuracy"][-1],
            "good: MAE, first epoch": history["mae"][0],
            "good: MAE, last epoch": history["mae"][-1],
        }
        verdict = (history["loss"][-1] < history["loss"][0] / 100
                   and max(history["accuracy"]) <= 0.01
                   and history["mae"][-1] < history["mae"][0] / 10)
        return proofkit.Evidence(
            self.code, verdict,
            "the regression learns (loss and MAE fall by orders of magnitude) while accuracy "
            "stays at 0", measured)


def _only_compiled(model: ModelFact) -> bool:
    """A model the code compiles and never trains, evaluates or hands on (a fragment: a Stack
    Overflow question's ``model.compile(loss="mse", metrics=["accuracy"])``): judged as
    compiled. A model trained batch by batch (a GAN's critic), used inside another model, or
    passed, returned or stored where the analysis cannot follow it is not."""
    return not model.escapes and not model.used_as_layer and not any(
        event.method.startswith(("train", "test", "evaluate", "predict"))
        for event in model.events)


def _metrics_argument(call):
    """The ``metrics=`` expression of a ``compile()`` call, where the finding belongs."""
    for arg in getattr(call, "args", ()):
        if arg.keyword is not None and arg.keyword.value == "metrics":
            return arg.value
    return None
