"""KC304 binary-loss-multiclass."""

from __future__ import annotations

import libcst as cst

from kerascheck import fixes
from kerascheck.facts import ModelFact
from kerascheck.proofkit import Evidence, load_tensorflow
from kerascheck.rules.base import Rule

MIN_CLASSES = 3


class BinaryLossMulticlass(Rule):
    """
    ## What it does
    Finds a model whose output is a `softmax` over three or more classes and which is compiled
    with `binary_crossentropy`. A per-step output (`TimeDistributed(Dense(k, activation=
    "softmax"))`) counts, and so does a softmax whose units are written as the vocabulary size
    of an `Embedding` of the same model (a seq2seq decoder's `Dense(vocab_size)` beside
    `Embedding(vocab_size, 64)`): a vocabulary has more than two words. On a model of several
    outputs, the softmax head that `loss=[...]` or `loss={...}` gives `binary_crossentropy`.

    ## Why is this bad?
    Binary cross-entropy scores each output unit as an independent yes/no question and averages
    over the units. With a softmax over *k* classes that is not the multi-class likelihood: the
    true class's term is diluted by *k − 1* terms about the other classes and the gradient is
    weaker, so training is slower and ends worse. On Keras 2 (`tf_keras`, TensorFlow ≤ 2.15)
    `metrics=['accuracy']` also turns into binary accuracy over every unit and reports inflated
    numbers (a model that predicts nothing right still scores (k − 1)/k). The multi-class loss is
    `categorical_crossentropy` for one-hot labels and `sparse_categorical_crossentropy` for
    integer labels.

    ## Example
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(20,)),
        tf.keras.layers.Dense(64, activation='relu'),
        tf.keras.layers.Dense(5, activation='softmax'),
    ])
    model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(20,)),
        tf.keras.layers.Dense(64, activation='relu'),
        tf.keras.layers.Dense(5, activation='softmax'),
    ])
    model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
    ```

    ## Fix safety
    Unsafe, and offered only where the labels say which categorical loss is right: every
    `fit()` gets one-hot labels (`categorical_crossentropy`) or every `fit()` gets integer class
    labels (`sparse_categorical_crossentropy`). The loss keeps its spelling (a string, a
    `keras.losses` function or class). Elsewhere there is no automatic fix.

    ## Runtime evidence
    The proof trains the same 5-class softmax model with SGD for the same number of steps with
    each loss and compares validation accuracy: binary cross-entropy ends clearly behind
    categorical cross-entropy.

    ## References
    - Keras API: `keras.losses.BinaryCrossentropy` ("use this cross-entropy loss for binary
      (0 or 1) classification applications"), `keras.losses.CategoricalCrossentropy`.
    - This rule's proof (Runtime evidence above) measures the gap on the user's machine:
      `kerascheck prove KC304`.
    """

    code = "KC304"
    name = "binary-loss-multiclass"
    summary = "A softmax over three or more classes is trained with binary cross-entropy."
    judges_each_output = True
    fix_applicability = "unsafe"

    invalid = (
        """
from tensorflow import keras
model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])  # expect: KC304
""",
        """
import keras
inputs = keras.Input(shape=(16,))
x = keras.layers.Dense(32, activation="relu")(inputs)
x = keras.layers.Dense(4)(x)
outputs = keras.layers.Activation("softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="sgd",
              loss=keras.losses.BinaryCrossentropy())  # expect: KC304
""",
        # one-hot labels: the fix knows which loss to use
        """
from tensorflow import keras
(x_train, y_train), _ = keras.datasets.mnist.load_data()
y_train = keras.utils.to_categorical(y_train, 10)
model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                          keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="binary_crossentropy")  # expect: KC304
model.fit(x_train, y_train, epochs=2, validation_split=0.1)
""",
        # a seq2seq decoder: a per-step softmax over the output vocabulary
        """
from keras.layers import LSTM, Dense, Embedding, Input, TimeDistributed
from keras.models import Model
def build(vocab_size, steps):
    tokens = Input(shape=(steps,))
    x = Embedding(vocab_size, 64, mask_zero=True)(tokens)
    x = LSTM(64, return_sequences=True)(x)
    outputs = TimeDistributed(Dense(vocab_size, activation="softmax"))(x)
    model = Model(tokens, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy")  # expect: KC304
    return model
""",
        # a classification-and-localisation model: the class head's own loss is binary
        """
import keras
features = keras.Input(shape=(7, 7, 512))
pooled = keras.layers.GlobalAveragePooling2D()(features)
classes = keras.layers.Dense(5, activation="softmax", name="classes")(pooled)
box = keras.layers.Dense(4, name="box")(pooled)
model = keras.Model(features, [classes, box])
model.compile(optimizer="adam",
              loss={"classes": "binary_crossentropy",  # expect: KC304
                    "box": "mse"})
""",
    )
    valid = (
        # a softmax of unknown size, not the vocabulary's: the classes may be two
        """
from keras.layers import LSTM, Dense, Embedding, Input
from keras.models import Model
def build(vocab_size, classes):
    tokens = Input(shape=(20,))
    x = LSTM(32)(Embedding(vocab_size, 16)(tokens))
    model = Model(tokens, Dense(classes, activation="softmax")(x))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model
""",
        # multi-label: sigmoid units with binary cross-entropy
        """
from tensorflow import keras
model = keras.Sequential([keras.Input(shape=(100,)), keras.layers.Dense(6, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["binary_accuracy"])
""",
        # two-unit softmax with binary cross-entropy on one-hot labels is the same objective
        """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(2, activation="softmax")])
model.compile(optimizer="adam", loss="binary_crossentropy")
""",
        # the multi-class loss
        """
import keras
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
""",
        # each head with its own right loss; binary cross-entropy on the one-unit head is right
        """
import keras
features = keras.Input(shape=(32,))
kind = keras.layers.Dense(5, activation="softmax")(features)
spam = keras.layers.Dense(1, activation="sigmoid")(features)
model = keras.Model(features, [kind, spam])
model.compile(optimizer="adam", loss=["categorical_crossentropy", "binary_crossentropy"])
""",
        # a loss from a variable is unknown
        """
import keras
def compile_with(model_loss):
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss=model_loss)
    return model
""",
    )

    def check_model(self, model: ModelFact):
        head = model.output_head()
        if head is None or head.activation != "softmax":
            return
        units = head.units
        if not isinstance(units, int) and _vocabulary_units(model, head.dense):
            units = "vocabulary's"
        elif not isinstance(units, int) or units < MIN_CLASSES:
            return
        for compile_fact in model.compiles:
            if compile_fact.loss.name == "binary_crossentropy":
                yield self.finding(
                    compile_fact.loss.node or compile_fact.node,
                    f"binary_crossentropy scores each of the {units} softmax outputs as a "
                    f"separate yes/no question; use `categorical_crossentropy` (one-hot labels) "
                    f"or `sparse_categorical_crossentropy` (integer labels)",
                    fix=_categorical_loss_fix(model, compile_fact.loss.node))

    def prove(self, subject=None):
        if subject is not None:
            raise NotImplementedError("KC304 proves on its own example only")
        tf, keras, np = load_tensorflow(0)
        rng = np.random.default_rng(0)
        classes, features = 5, 20
        centers = rng.normal(scale=1.0, size=(classes, features))
        labels = rng.integers(0, classes, size=1200)
        x = (centers[labels] + rng.normal(scale=1.5, size=(1200, features))).astype("float32")
        y = np.eye(classes, dtype="float32")[labels]
        x_train, y_train, x_val, y_val = x[:1000], y[:1000], x[1000:], y[1000:]

        def validation_accuracy(loss: str) -> float:
            keras.utils.set_random_seed(0)
            model = keras.Sequential([keras.Input(shape=(features,)),
                                      keras.layers.Dense(32, activation="relu"),
                                      keras.layers.Dense(classes, activation="softmax")])
            model.compile(optimizer=keras.optimizers.SGD(0.05), loss=loss)
            model.fit(x_train, y_train, epochs=3, batch_size=32, verbose=0)
            predicted = model.predict(x_val, verbose=0).argmax(axis=1)
            return float(np.mean(predicted == y_val.argmax(axis=1)))

        bad = validation_accuracy("binary_crossentropy")
        good = validation_accuracy("categorical_crossentropy")
        verdict = good - bad >= 0.05
        return Evidence(
            code=self.code, verdict=verdict,
            summary=f"After 3 epochs of SGD the 5-class softmax reaches {bad:.2f} validation "
                    f"accuracy with binary_crossentropy and {good:.2f} with "
                    f"categorical_crossentropy.",
            measurements={"bad: validation accuracy (binary_crossentropy)": bad,
                          "good: validation accuracy (categorical_crossentropy)": good})


def _vocabulary_units(model: ModelFact, dense) -> bool:
    """Whether the output's units are written as the vocabulary size of an ``Embedding`` of
    the same model (``Dense(output_dict_size)`` beside ``Embedding(output_dict_size, 64)``, a
    seq2seq decoder's per-step softmax): a softmax over a vocabulary, more than two classes."""
    units = _argument(dense.node, 0, ("units", "output_dim"))
    if units is None:
        return False
    return any(layer.is_kind("Embedding") and (size := _argument(
        layer.node, 0, ("input_dim",))) is not None and size.deep_equals(units)
        for layer in model.layers)


def _argument(node, position: int, keywords: tuple):
    """The expression a call passes as that argument, or None (not a call, a ``*args``)."""
    if not isinstance(node, cst.Call) or any(arg.star for arg in node.args):
        return None
    for arg in node.args:
        if arg.keyword is not None and arg.keyword.value in keywords:
            return arg.value
    positional = [arg.value for arg in node.args if arg.keyword is None]
    return positional[position] if len(positional) > position else None


def _categorical_loss_fix(model: ModelFact, loss_node):
    """The categorical loss every fit()'s labels call for; None when they do not all agree."""
    labels = [fit.y for fit in model.fits]
    if labels and all(getattr(y, "one_hot", False) for y in labels):
        return fixes.switch_loss(loss_node, "categorical_crossentropy")
    if labels and all(getattr(y, "int_labels", False) and not getattr(y, "one_hot", False)
                      for y in labels):
        return fixes.switch_loss(loss_node, "sparse_categorical_crossentropy")
    return None
