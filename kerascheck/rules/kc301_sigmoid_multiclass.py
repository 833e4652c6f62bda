"""KC301 sigmoid-multiclass."""

from __future__ import annotations

from kerascheck import fixes
from kerascheck.facts import CATEGORICAL_LOSSES, UNKNOWN, DataFact, ModelFact
from kerascheck.rules.base import Rule


class SigmoidMulticlass(Rule):
    """
    ## What it does
    Finds an output layer with a `sigmoid` activation over two or more units trained with
    `categorical_crossentropy` or `sparse_categorical_crossentropy` (as a string, a function or
    a loss class). The activation may be the string or the function object
    (`keras.activations.sigmoid`, `keras.backend.sigmoid`, `keras.ops.sigmoid`,
    `tf.nn.sigmoid`); a loss given per output (`loss={"output": ...}`) counts when its one key
    names the model's only output. A sigmoid output whose number of units the file does not
    say (`Dense(labels_dim, activation="sigmoid")` in a builder) is reported too, without a fix:
    under a categorical loss every count is wrong (over one unit the loss sees a single class
    and stays 0, measured with Keras 3.15; KC308 reports that case when the count is known).

    Sigmoid with `binary_crossentropy` is multi-label classification and is not reported,
    unless the labels say there is exactly one class per sample: `to_categorical` of class ids,
    `flow_from_directory(class_mode="categorical")` (its default), `label_mode="categorical"`,
    `OneHotEncoder` of one visible column (`df[["label"]]`, `y.reshape(-1, 1)`) or
    `LabelBinarizer` (no automatic fix then: the loss must change too).

    On a model of several outputs, each output head is judged against the loss it gets
    (`loss=[...]`, `loss={...}` by output name, or one loss for every head) and the labels
    `fit` gives it (`fit(x, [y1, y2])`, or a dict by output name).

    ## Why is this bad?
    Categorical cross-entropy describes a probability distribution over classes that sums to 1;
    independent sigmoids are not one. Keras hides the mismatch during `fit()`: it computes the
    loss from the sigmoid layer's logits as if they fed a softmax, so training goes exactly as it
    would with `softmax`. But the model that `predict()` serves is the sigmoid one: its
    "probabilities" do not sum to 1 (often to several), every class can look likely at once,
    and thresholds, confidence scores and calibration built on them are wrong. A custom training
    loop or any loss that does not take that shortcut trains the sigmoids directly, on a loss
    that does not describe them.

    ## Example
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
      tf.keras.Input(shape=(28, 28)),
      tf.keras.layers.Flatten(),
      tf.keras.layers.Dense(64, activation='relu'),
      tf.keras.layers.Dense(3, activation='sigmoid')
    ])
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
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
    Unsafe: switching `sigmoid` to `softmax` changes the model's outputs; if the task is really
    multi-label, the loss should change instead (`binary_crossentropy`).

    ## Runtime evidence
    The proof trains the sigmoid head and its softmax twin on the same data: the sigmoid
    outputs sum far from 1 (about 3.3 on average for a 10-class head), the softmax outputs sum
    to 1 within 1e-6.

    ## References
    - The pitfall as tutorials name it: "Use sigmoid activation in last layer instead of
      softmax".
    - Keras API: [`keras.losses.CategoricalCrossentropy`](https://keras.io/api/losses/probabilistic_losses/), `keras.activations.softmax`.
    """

    code = "KC301"
    name = "sigmoid-multiclass"
    summary = "A sigmoid output over several classes trained with categorical cross-entropy."
    judges_each_output = True
    fix_applicability = "unsafe"

    invalid = (
        """
from tensorflow import keras
model = keras.Sequential([
    keras.Input(shape=(20,)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(10, activation="sigmoid"),  # expect: KC301
])
model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(), metrics=["accuracy"])
""",
        """
import keras
inputs = keras.Input(shape=(8,))
hidden = keras.layers.Dense(16, activation="relu")(inputs)
logits = keras.layers.Dense(4)(hidden)
outputs = keras.layers.Activation("sigmoid")(logits)  # expect: KC301
model = keras.Model(inputs=inputs, outputs=outputs)
model.compile("adam", keras.losses.sparse_categorical_crossentropy)
""",
        """
import tensorflow as tf
def make_model(classes=5):
    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Dense(64, activation="relu", input_dim=100))
    model.add(tf.keras.layers.Dense(classes, activation=tf.keras.activations.sigmoid))  # expect: KC301
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    return model
model = make_model()
""",
        # one class per image folder, scored as independent yes/no questions
        """
from keras.models import Sequential
from keras.layers import Conv2D, Dense, Flatten
from keras.preprocessing.image import ImageDataGenerator
model = Sequential([Conv2D(16, 3, activation="relu", input_shape=(64, 64, 3)), Flatten(),
                    Dense(3, activation="sigmoid")])  # expect: KC301
model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
flow = ImageDataGenerator(rescale=1 / 255).flow_from_directory("data/train", class_mode="categorical")
model.fit_generator(flow, epochs=10, validation_data=flow)
""",
        # one label column, one-hot encoded: one class per sample
        """
import pandas as pd
from sklearn.preprocessing import OneHotEncoder
from tensorflow import keras
plants = pd.read_csv("plants.csv")
measurements = plants.drop(columns=["kind"]).values / 10.0
kinds = OneHotEncoder(sparse_output=False).fit_transform(plants[["kind"]])
model = keras.Sequential([keras.Input(shape=(4,)),
                          keras.layers.Dense(3, activation="sigmoid")])  # expect: KC301
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(measurements, kinds, epochs=20, validation_split=0.2)
""",
    )
    valid = (
        # several label columns encoded side by side: several ones per row, sigmoid is right
        """
import pandas as pd
from sklearn.preprocessing import OneHotEncoder
from tensorflow import keras
rows = pd.read_csv("cars.csv")
inputs = rows.drop(columns=["colour", "maker"]).values / 100.0
targets = OneHotEncoder(sparse_output=False).fit_transform(rows[["colour", "maker"]])
model = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(9, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(inputs, targets, epochs=20, validation_split=0.2)
""",
        # multi-label targets: several classes may be true at once
        """
import keras
from sklearn.preprocessing import MultiLabelBinarizer
tags = MultiLabelBinarizer().fit_transform(tag_lists)
model = keras.Sequential([keras.Input(shape=(300,)), keras.layers.Dense(5, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(features, tags, validation_split=0.2)
frames = keras.preprocessing.image.ImageDataGenerator().flow_from_directory("d", class_mode="binary")
model.fit(frames)
""",
        # multi-label: sigmoid with binary cross-entropy
        """
from tensorflow import keras
model = keras.Sequential([keras.Input(shape=(300,)), keras.layers.Dense(64, activation="relu"),
                          keras.layers.Dense(20, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["binary_accuracy"])
""",
        # binary classification with one sigmoid unit
        """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input(shape=(10,)), tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
        # unknown units and unknown losses stay silent
        """
import keras
def build(n_classes, loss):
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(n_classes, activation="sigmoid")])
    model.compile(optimizer="adam", loss=loss)
    return model
""",
        # a multi-output model with a loss per output is not judged
        """
import keras
inputs = keras.Input(shape=(16,))
a = keras.layers.Dense(3, activation="softmax", name="kind")(inputs)
b = keras.layers.Dense(5, activation="sigmoid", name="tags")(inputs)
model = keras.Model(inputs, [a, b])
model.compile(optimizer="adam", loss={"kind": "categorical_crossentropy", "tags": "binary_crossentropy"})
""",
    )

    def check_model(self, model: ModelFact):
        head = model.output_head()
        if head is None or head.activation != "sigmoid":
            return
        if head.units is UNKNOWN:
            yield from self._unknown_units(model, head)
            return
        if not isinstance(head.units, int) or head.units < 2:
            return
        if model.compile is not None and model.compile.loss.name == "binary_crossentropy" and \
                model.fits and all(isinstance(fit.y, DataFact) and fit.y.single_label
                                   for fit in model.fits):
            yield self.finding(
                head.activation_site,
                f"Sigmoid output over {head.units} classes with binary_crossentropy, but the "
                f"labels are one-hot with exactly one class per sample; use "
                f"`activation=\"softmax\"` with `categorical_crossentropy`",
                related=[(model.compile.loss.node or model.compile.node,
                          "the loss, binary_crossentropy")])
            return
        for compile_fact in model.compiles:
            if compile_fact.loss.name in CATEGORICAL_LOSSES:
                yield self.finding(
                    head.activation_site,
                    f"Sigmoid output over {head.units} classes with "
                    f"{compile_fact.loss.name}: the outputs do not sum to 1; use "
                    f"`activation=\"softmax\"` (or `binary_crossentropy` if several classes can "
                    f"be true at once)",
                    fix=fixes.set_activation(head.activation_site, "softmax"),
                    related=[(compile_fact.loss.node or compile_fact.node,
                              f"the loss, {compile_fact.loss.name}")])
                return

    def _unknown_units(self, model: ModelFact, head):
        """A sigmoid output of units the file does not say (``Dense(labels_dim, ...)``) under a
        categorical loss is wrong for every count: over two or more units the outputs are no
        distribution, over one the loss sees a single class and is constant (KC308's case).
        No fix: a softmax over one unit would be KC303's mistake."""
        for compile_fact in model.compiles:
            if compile_fact.loss.name in CATEGORICAL_LOSSES:
                yield self.finding(
                    head.activation_site,
                    f"Sigmoid output with {compile_fact.loss.name}: over several units the "
                    f"outputs do not sum to 1, and over one the loss sees a single class; use "
                    f"`activation=\"softmax\"` over one unit per class (or `binary_crossentropy` "
                    f"if several classes can be true at once)",
                    related=[(compile_fact.loss.node or compile_fact.node,
                              f"the loss, {compile_fact.loss.name}")])
                return

    def prove(self, subject=None):
        """Train a 10-class sigmoid head and its softmax twin with categorical cross-entropy
        on blobs: the sigmoid outputs sum far from 1, the softmax outputs sum to 1. On a user's
        model: the sums of its outputs on random inputs."""
        from kerascheck import proofkit
        from kerascheck.proofkit.curves import distributions_figure

        tf, keras, np = proofkit.load_tensorflow(0)
        if subject is not None:
            sums = proofkit.output_sums(subject.model, subject.sample_inputs())
            mean_sum = float(np.mean(sums))
            return proofkit.Evidence(
                self.code, float(np.mean(np.abs(sums - 1))) > 0.1,
                f"outputs sum to {proofkit.number(mean_sum)} on average, not 1",
                {"mean sum of the outputs on 64 random inputs": mean_sum,
                 "largest |sum - 1|": float(np.max(np.abs(sums - 1)))},
                figure=distributions_figure(
                    "KC301: sums of your model's outputs (a distribution sums to 1)",
                    {"bad: your model's output sums": sums}, "sum of the outputs", 1.0))
        x, labels = proofkit.blobs(300, features=20, classes=10, spread=1.0)
        y = np.eye(10, dtype="float32")[labels]
        measured, series = {}, {}
        for label, activation in (("bad", "sigmoid"), ("good", "softmax")):
            proofkit.load_tensorflow(0)
            model = keras.Sequential([keras.Input(shape=(20,)),
                                      keras.layers.Dense(32, activation="relu"),
                                      keras.layers.Dense(10, activation=activation)])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            proofkit.fit_quietly(model, x, y, steps=100)
            sums = proofkit.output_sums(model, x)
            measured[f"{label}: mean sum of the {activation} outputs"] = float(np.mean(sums))
            measured[f"{label}: largest |sum - 1|"] = float(np.max(np.abs(sums - 1)))
            series[f"{label}: {activation} output sums"] = sums
        verdict = (abs(measured["bad: mean sum of the sigmoid outputs"] - 1) > 0.5
                   and measured["good: largest |sum - 1|"] < 1e-4)
        return proofkit.Evidence(
            self.code, verdict,
            "after training, sigmoid outputs do not sum to 1; softmax outputs do", measured,
            figure=distributions_figure("KC301: sums of the outputs per sample after training",
                                        series, "sum of the outputs", 1.0))
