"""KC306 label-encoding-mismatch."""

from __future__ import annotations

from kerascheck import fixes
from kerascheck.facts import DataFact, ModelFact
from kerascheck.proofkit import Evidence, load_tensorflow
from kerascheck.rules.base import Rule

SPARSE = "sparse_categorical_crossentropy"
CATEGORICAL = "categorical_crossentropy"


class LabelEncodingMismatch(Rule):
    """
    ## What it does
    Finds labels whose encoding does not match the loss:

    - one-hot labels (`to_categorical`, `tf.one_hot`, `pd.get_dummies`, `OneHotEncoder`,
      `image_dataset_from_directory(label_mode="categorical")`) fed to
      `sparse_categorical_crossentropy`;
    - integer class labels (as loaded from a `keras.datasets` classification set, by
      `LabelEncoder`, by `image_dataset_from_directory`'s default `label_mode="int"`, or typed
      in as repeated literal ids, `np.array([0] * n + [1] * n)`, for data read one class after
      another) fed to `categorical_crossentropy`. Over one output unit the message points to
      `binary_crossentropy` and no fix is offered (the sparse loss would see one class).

    Labels keep their encoding through a `tf.data` pipeline: `Dataset.from_tensor_slices((x,
    y))`, batching and shuffling, and a `map()` whose function (a lambda, or a function of
    straight-line statements that the analysis sees) returns its labels parameter as it came or
    only cast (`tf.cast`, `tf.identity`). A `map()` that re-encodes the labels (`tf.one_hot`),
    changes them otherwise, branches or calls an unknown helper makes them unknown.

    On a model of several outputs, each output head is judged against the loss it gets
    (`loss=[...]`, `loss={...}` by output name, or one loss for every head) and the labels
    `fit` gives it (`fit(x, [y1, y2])`, or a dict by output name).

    ## Why is this bad?
    `sparse_categorical_crossentropy` wants one integer class index per sample and
    `categorical_crossentropy` one probability vector per sample. Keras 3 raises a shape error
    at the first batch when they are swapped; older Keras versions could broadcast the
    labels instead and train on nonsense. Either way the fix is one word in the loss.

    ## Example
    ```python
    import tensorflow as tf

    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0
    y_train = tf.keras.utils.to_categorical(y_train, 10)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(128, activation='relu'),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    model.fit(x_train, y_train, epochs=5, validation_split=0.1)
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0
    y_train = tf.keras.utils.to_categorical(y_train, 10)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(128, activation='relu'),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])
    model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
    model.fit(x_train, y_train, epochs=5, validation_split=0.1)
    ```

    ## Fix safety
    Unsafe: the fix switches the loss to the one the labels are encoded for
    (`sparse_categorical_crossentropy` <-> `categorical_crossentropy`, in the same spelling: a
    string, a `keras.losses` function or class) and leaves the labels alone. It is offered only
    when every `fit()` of the model gets labels of the same encoding, and not for a one-unit
    output. Re-encoding the labels
    instead is as valid; a human decides.

    ## Runtime evidence
    The proof fits a small softmax model both ways: one-hot labels with the sparse loss (and
    integer labels with the categorical loss) make Keras 3 raise at the first batch; matching
    pairs train.

    ## References
    - Keras API: `keras.losses.SparseCategoricalCrossentropy` ("use this crossentropy loss
      function when there are two or more label classes. We expect labels to be provided as
      integers"), `keras.losses.CategoricalCrossentropy` ("labels to be provided in a one_hot
      representation"), `keras.utils.to_categorical`.
    """

    code = "KC306"
    name = "label-encoding-mismatch"
    summary = "One-hot labels with a sparse loss, or integer labels with categorical_crossentropy."
    judges_each_output = True
    fix_applicability = "unsafe"

    invalid = (
        # integer labels from keras.datasets with the one-hot loss
        """
from tensorflow import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0
model = keras.Sequential([keras.Input(shape=(32, 32, 3)), keras.layers.Flatten(),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])  # expect: KC306
model.fit(x_train, y_train, validation_data=(x_test, y_test))
""",
        # one-hot labels from pandas with the sparse loss
        """
import pandas as pd
import keras
from sklearn.model_selection import train_test_split
df = pd.read_csv("iris.csv")
X = df.drop(columns=["species"]).values
y = pd.get_dummies(df["species"]).values
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam",
              loss=keras.losses.SparseCategoricalCrossentropy())  # expect: KC306
model.fit(X_train, y_train, validation_data=(X_test, y_test))
""",
        # image folders: integer labels by default
        """
import tensorflow as tf
train_ds = tf.keras.utils.image_dataset_from_directory("photos/train", image_size=(64, 64))
model = tf.keras.Sequential([tf.keras.layers.Rescaling(1 / 255), tf.keras.layers.Flatten(),
                             tf.keras.layers.Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")  # expect: KC306
model.fit(train_ds, epochs=3)
""",
        # integer labels through tf.data, only cast on the way
        """
import tensorflow as tf
(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
def prepare(x, y):
    return tf.cast(x, tf.float32) / 255.0, tf.cast(y, tf.int64)
train = tf.data.Dataset.from_tensor_slices((x_train, y_train)).map(prepare).batch(64)
test = tf.data.Dataset.from_tensor_slices((x_test, y_test)).map(prepare).batch(64)
model = tf.keras.Sequential([tf.keras.Input(shape=(28, 28)), tf.keras.layers.Flatten(),
                             tf.keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")  # expect: KC306
model.fit(train, epochs=3, validation_data=test)
""",
    )
    valid = (
        # the matching pairs
        """
from tensorflow import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0
sparse = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                           keras.layers.Dense(10, activation="softmax")])
sparse.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
sparse.fit(x_train, y_train, validation_data=(x_test, y_test))
dense = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                          keras.layers.Dense(10, activation="softmax")])
dense.compile(optimizer="adam", loss="categorical_crossentropy")
dense.fit(x_train, keras.utils.to_categorical(y_train), validation_split=0.1)
""",
        # one-hot labels turned back into class indices
        """
import numpy as np
import keras
y_onehot = keras.utils.to_categorical(labels, 3)
y_index = np.argmax(y_onehot, axis=1)
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(features, y_index, validation_split=0.2)
""",
        # a dataset whose labels are re-encoded in map(): unknown
        """
import tensorflow as tf
ds = tf.keras.utils.image_dataset_from_directory("photos", image_size=(64, 64))
ds = ds.map(lambda x, y: (x / 255.0, tf.one_hot(y, 5)))
model = tf.keras.Sequential([tf.keras.layers.Flatten(), tf.keras.layers.Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(ds, epochs=3)
""",
        # IMDB labels are binary integers, with binary cross-entropy
        """
from tensorflow import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(num_words=10000)
x_train = keras.utils.pad_sequences(x_train, maxlen=200)
model = keras.Sequential([keras.layers.Embedding(10000, 16), keras.layers.GlobalAveragePooling1D(),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x_train, y_train, validation_split=0.2)
""",
    )

    def check_model(self, model: ModelFact):
        compile_fact = model.compile
        if compile_fact is None or compile_fact.loss.name not in (SPARSE, CATEGORICAL):
            return
        loss = compile_fact.loss.name
        head = model.output_head()
        one_unit = head is not None and head.units == 1
        fit = mismatched_fit(model, loss)
        if fit is None:
            return
        if loss == SPARSE:
            message = ("The labels are one-hot encoded but the loss is "
                       "sparse_categorical_crossentropy, which expects integer class "
                       "indices; use `categorical_crossentropy`")
        else:
            message = ("The labels are integer class indices but the loss is "
                       "categorical_crossentropy, which expects one-hot vectors; use " + (
                           "`binary_crossentropy` with one `sigmoid` unit for two classes"
                           if one_unit else "`sparse_categorical_crossentropy`"))
        # over one output unit the sparse loss has one class only: no one-word fix
        fix = None if one_unit else _loss_for_labels_fix(model, compile_fact.loss.node,
                                                         one_hot=loss == SPARSE)
        yield self.finding(compile_fact.loss.node or compile_fact.node, message, fix=fix,
                           related=[(fit.node, "the training, given those labels")])

    def prove(self, subject=None):
        if subject is not None:
            raise NotImplementedError("KC306 proves on its own example only")
        tf, keras, np = load_tensorflow(0)
        rng = np.random.default_rng(0)
        x = rng.normal(size=(64, 8)).astype("float32")
        classes = rng.integers(0, 3, size=64)
        one_hot = np.eye(3, dtype="float32")[classes]

        def fit(loss: str, labels):
            model = keras.Sequential([keras.Input(shape=(8,)),
                                      keras.layers.Dense(3, activation="softmax")])
            model.compile(optimizer="adam", loss=loss)
            try:
                history = model.fit(x, labels, epochs=1, batch_size=16, verbose=0)
            except Exception as error:  # the proof reports whatever Keras raises
                return f"{type(error).__name__}: {str(error).strip().splitlines()[0][:120]}"
            return f"trained, loss {history.history['loss'][-1]:.3f}"

        bad_sparse = fit("sparse_categorical_crossentropy", one_hot)
        bad_categorical = fit("categorical_crossentropy", classes)
        good_sparse = fit("sparse_categorical_crossentropy", classes)
        good_categorical = fit("categorical_crossentropy", one_hot)
        verdict = not bad_sparse.startswith("trained") and \
            not bad_categorical.startswith("trained") and good_sparse.startswith("trained") \
            and good_categorical.startswith("trained")
        return Evidence(
            code=self.code, verdict=verdict,
            summary="Keras 3 refuses swapped label encodings at the first batch; matching pairs "
                    "train.",
            measurements={"bad: one-hot labels, sparse loss": bad_sparse,
                          "bad: integer labels, categorical loss": bad_categorical,
                          "good: integer labels, sparse loss": good_sparse,
                          "good: one-hot labels, categorical loss": good_categorical})


def mismatched_fit(model: ModelFact, loss):
    """The first ``fit()`` whose labels are encoded for the other categorical loss than
    ``loss`` (one-hot labels with the sparse one, integer class ids with the one-hot one), or
    None. KC305 reads it too: a loss that must change for its labels is where a logits fix
    goes."""
    for fit in model.fits:
        labels = fit.y
        if isinstance(labels, DataFact) and (
                loss == SPARSE and labels.one_hot or
                loss == CATEGORICAL and labels.int_labels and not labels.one_hot):
            return fit
    return None


def _loss_for_labels_fix(model: ModelFact, loss_node, one_hot: bool):
    """Switch the loss to the labels' encoding, when every fit() agrees on that encoding."""
    if all(isinstance(fit.y, DataFact) and (fit.y.one_hot if one_hot else
                                            fit.y.int_labels and not fit.y.one_hot)
           for fit in model.fits):
        return fixes.switch_loss(loss_node, CATEGORICAL if one_hot else SPARSE)
    return None
