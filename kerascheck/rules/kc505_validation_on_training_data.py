"""KC505 validation-on-training-data."""

from __future__ import annotations

from kerascheck.analysis.archives import second_download
from kerascheck.analysis.directory_splits import mismatched_subsets
from kerascheck.analysis.origins import ignores_arguments
from kerascheck.analysis.samples import shared_with_sample
from kerascheck.analysis.validation_rows import (
    built_alike,
    cut_from_a_parameter,
    from_a_data_source,
    node_with_id,
    over_one_loader,
    same_expression,
    slice_of,
    split_off,
)
from kerascheck.facts import DataFact, FileFacts, ModelFact
from kerascheck.proofkit import Evidence, load_tensorflow, random_label_data
from kerascheck.rules.base import Rule


class ValidationOnTrainingData(Rule):
    """
    ## What it does
    Finds a `fit()` whose `validation_data` inputs are the training inputs themselves or a
    slice of them (`validation_data=(x_train[:1000], y_train[:1000])` next to
    `fit(x_train, ...)`), or the held-out half of a split of the very data the model is fit on
    (`train_test_split(x, y)`, then `fit(x, y, validation_data=(x_test, y_test))`), or of a
    cross-validation fold (`for train, test in KFold(5).split(x)`, then
    `fit(x, y, validation_data=(x[test], y[test]))`). Also the datasets two calls of one of
    the file's helpers give when the helper never reads its parameters
    (`load_dataset(filenames)` that lists a global file pattern): every call reads the same
    files. Datasets read from lists of files are those files: validation files cut from the
    very list the training dataset reads (`files[int(len(files) * 0.8):]` next to all of
    `files`) are validated on twice. TensorFlow Datasets' splits are told apart by their
    literal text: `tfds.load(name, split="train+test")` holds `split="test"`, and
    `"train[:10%]"` is a slice of `"train"`. Only training data that was loaded (a file, a dataset)
    counts: a literal handful of rows or random numbers are a demonstration (data a helper
    loads from the path it is given, `load_data(path)`, is loaded data). A helper, or an
    estimator's `fit(self, X, y)`, that trains on all of the data it is given and validates on
    a part it splits or slices off inside is reported whatever its callers pass. Also validation
    batches built exactly as the training batches: two instances of one `Sequence` class of
    the project given the same data and the same arguments (`Frames(train_paths, 32)` twice;
    any argument the analysis does not know keeps them apart). And the
    `subset="training"` and `subset="validation"` datasets of one directory
    (`image_dataset_from_directory(d, validation_split=0.2, subset=...)`) whose calls order the
    file list differently before cutting it (one shuffled and one not, or two seeds): most
    validation files are then training files too. Reported at the argument that differs;
    arguments not written out as literals are unknown and not judged. Also a validation
    dataset that `tf.data.Dataset.from_generator` reads from a closure over the very loader
    object the training dataset reads (`from_generator(batches_of(train_loader))` twice),
    also in a training helper that is given the model as a parameter (the data is what it is,
    whatever the model; `validation_data=` says the fit is Keras'). Loaders the analysis does
    not know, and a generator function of the module itself, are not judged. Also training
    rows drawn at random from a frame (`frame.sample(frac=0.3)`) that the validation rows are
    picked from too, without regard to the draw (the test half of a split of that frame, a
    slice of it, another sample, the frame itself): about that share of the validation rows
    are training rows. Reported at the draw. A share below a twentieth, a share or a row count
    that is not a literal, and the rows left after dropping the drawn ones
    (`frame.drop(sample.index)`) are not judged. Also a validation image folder filled from a
    second download of the training archive: a notebook's `!wget URL -O train.zip` and
    `!wget URL -O valid.zip` of one literal URL, each extracted
    (`zipfile.ZipFile(name).extractall(folder)`, `!unzip name -d folder`) into the folder a
    directory reader reads. Reported at the second download. A name or URL not written out, a
    folder filled or changed by anything else (a shell cell, `!cp`, `shutil`), and a reader of
    part of a folder (`subset=`, `classes=`) are not judged.

    ## Why is this bad?
    The validation score is there to say how the model does on data it has not seen. Data that
    is also trained on is remembered, so the validation curve follows the training curve,
    early stopping and checkpoints choose on memory, and overfitting is never shown. Hold the
    validation rows out of the training data (`validation_split`, `train_test_split`, or
    slices that do not overlap).

    ## Example
    ```python
    from tensorflow import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = x_train / 255.0
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x_train, y_train, epochs=5,
              validation_data=(x_train[:5000], y_train[:5000]))
    ```

    ## Use instead
    ```python
    from tensorflow import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = x_train / 255.0
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x_train[5000:], y_train[5000:], epochs=5,
              validation_data=(x_train[:5000], y_train[:5000]))
    ```

    ## Fix safety
    No automatic fix: where the held-out rows come from is the author's choice.

    ## Runtime evidence
    The proof trains a network on random labels it can only memorize and validates it on a
    slice of its training data (the score is near 100 %) and on held-out rows (near chance).

    ## References
    - Keras guide "Training & evaluation with the built-in methods" (`validation_data`,
      `validation_split`).
    - Kapoor and Narayanan, "Leakage and the reproducibility crisis in machine-learning-based
      science", Patterns 2023.
    """

    code = "KC505"
    name = "validation-on-training-data"
    summary = "The validation data is the training data, or a slice of it: it measures memory."

    invalid = (
        # a helper that trains on all it is given and validates on a part split off inside
        """
import keras
from sklearn.model_selection import train_test_split
def train(model, X, y):
    X_fit, X_val, y_fit, y_val = train_test_split(X, y, test_size=0.1)
    model.fit(X, y, epochs=5, validation_data=(X_val, y_val))  # expect: KC505
    return model
""",
        """
import numpy as np
from tensorflow import keras
data = np.loadtxt("train.csv", delimiter=",")
features, labels = data[:, :-1] / 100.0, data[:, -1]
model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(features, labels, epochs=20,
          validation_data=(features, labels))  # expect: KC505
""",
        """
import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784) / 255.0
model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, validation_data=(x_train[-2000:], y_train[-2000:]))  # expect: KC505
""",
        # split, then fit on all the rows anyway
        """
import pandas as pd
from sklearn.model_selection import train_test_split
from tensorflow import keras
frame = pd.read_csv("patients.csv")
inputs, outcome = frame.drop(columns=["outcome"]).values, frame["outcome"].values
in_train, in_test, out_train, out_test = train_test_split(inputs, outcome, test_size=0.25)
model = keras.Sequential([keras.Input(shape=(12,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(inputs, outcome, epochs=30,
          validation_data=(in_test, out_test))  # expect: KC505
""",
        # two subsets of one directory, cut from a shuffled and an unshuffled file list
        """
import keras
train_ds = keras.utils.image_dataset_from_directory(
    "spectra/train", validation_split=0.1, subset="training", seed=20, shuffle=True)
val_ds = keras.utils.image_dataset_from_directory(
    "spectra/train", validation_split=0.1, subset="validation", seed=20,
    shuffle=False)  # expect: KC505
model = keras.Sequential([keras.Input(shape=(256, 256, 3)), keras.layers.Rescaling(1 / 255),
                          keras.layers.Flatten(), keras.layers.Dense(9, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_ds, validation_data=val_ds, epochs=10)
""",
        # a training helper given the model: both datasets are generated over the training
        # loader
        """
import tensorflow as tf

def train(model, train_batches, val_batches, epochs=10):
    def batches_of(loader):
        def generate():
            for inputs, targets in loader:
                yield inputs, targets
        return generate
    kinds = (tf.float32, tf.float32)
    train_set = tf.data.Dataset.from_generator(batches_of(train_batches), output_types=kinds)
    val_set = tf.data.Dataset.from_generator(batches_of(train_batches), output_types=kinds)
    model.compile(optimizer="adam", loss="mse")
    model.fit(train_set.repeat(), steps_per_epoch=len(train_batches), epochs=epochs,
              validation_data=val_set.repeat(),  # expect: KC505
              validation_steps=len(val_batches))
""",
        # a random tenth of a table trained on, validated on the test half of its split
        """
import pandas as pd
from sklearn.model_selection import train_test_split
from tensorflow import keras
table = pd.read_csv("claims.csv")
x_fit, x_val, y_fit, y_val = train_test_split(table[["age", "amount"]].values / 100.0,
                                              table["fraud"].values, test_size=0.2)
tenth = table.sample(frac=0.1)  # expect: KC505
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(tenth[["age", "amount"]].values / 100.0, tenth["fraud"].values,
          validation_data=(x_val, y_val))
""",
    )
    valid = (
        # rows drawn at random for training, the rest of them for validation
        """
import pandas as pd
from tensorflow import keras
table = pd.read_csv("claims.csv")
train_rows = table.sample(frac=0.8, random_state=1)
val_rows = table.drop(train_rows.index)
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(train_rows[["age", "amount"]].values / 100.0, train_rows["fraud"].values,
          validation_data=(val_rows[["age", "amount"]].values / 100.0, val_rows["fraud"].values))
""",
        # non-overlapping slices, a split, and the loaded test half
        """
import keras
from sklearn.model_selection import train_test_split
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                          keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train[:-5000], y_train[:-5000], validation_data=(x_train[-5000:], y_train[-5000:]))
model.fit(x_train, y_train, validation_data=(x_test, y_test))
a, b, c, d = train_test_split(x_train, y_train, test_size=0.2)
model.fit(a, c, validation_data=(b, d))
model.fit(a[:1000], c[:1000], validation_data=(b[:200], d[:200]))
""",
        # the held-out half of a split of other data
        """
import keras
from loaders import load
from sklearn.model_selection import train_test_split
x_train, y_train = load("train")
x_more, y_more = load("extra")
_, x_val, _, y_val = train_test_split(x_more, y_more, test_size=0.5)
model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x_train, y_train, validation_data=(x_val, y_val))
""",
        # data from one helper called with other arguments are other data
        """
import tensorflow as tf
def make_dataset(data):
    return tf.keras.utils.timeseries_dataset_from_array(data[:-24], data[24:, 1], 24)
train_ds, val_ds = make_dataset(train_df), make_dataset(val_df)
model = tf.keras.Sequential([tf.keras.Input(shape=(24, 14)), tf.keras.layers.LSTM(8),
                             tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
def compile_and_fit(model, train, val):
    return model.fit(train, epochs=20, validation_data=val)
compile_and_fit(model, train_ds, val_ds)
""",
        # data from helpers called with other arguments are other data
        """
import keras
from loaders import load
x_train, y_train = load("train")
x_val, y_val = load("val")
model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x_train, y_train, validation_data=(x_val, y_val))
""",
        # a demonstration on the four XOR points
        """
import numpy as np
import keras
x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
y = np.array([0, 1, 1, 0], dtype="float32")
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(4, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x, y, epochs=500, validation_data=(x, y))
noise = np.random.rand(100, 2)
model.fit(noise, noise[:, :1], validation_data=(noise, noise[:, :1]))
""",
        # an autoencoder validates on its own inputs as targets, not on its training rows
        """
import keras
(x_train, _), (x_test, _) = keras.datasets.mnist.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0
model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                          keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(784, activation="sigmoid"),
                          keras.layers.Reshape((28, 28))])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x_train, x_train, validation_data=(x_test, x_test))
""",
        # each dataset generated over its own loader; a helper making a fresh loader per call
        """
import tensorflow as tf
from tensorflow import keras

class Batches(keras.utils.Sequence):
    def __init__(self, folder):
        self.folder = folder

def train(model, train_batches, val_batches, epochs=10):
    def batches_of(loader):
        def generate():
            for inputs, targets in loader:
                yield inputs, targets
        return generate
    kinds = (tf.float32, tf.float32)
    train_set = tf.data.Dataset.from_generator(batches_of(train_batches), output_types=kinds)
    val_set = tf.data.Dataset.from_generator(batches_of(val_batches), output_types=kinds)
    model.compile(optimizer="adam", loss="mse")
    model.fit(train_set, epochs=epochs, validation_data=val_set)

def dataset_of(folder):
    batches = Batches(folder)
    def generate():
        yield from batches
    return tf.data.Dataset.from_generator(generate, output_types=(tf.float32, tf.float32))

def train_from(model, train_folder, val_folder):
    model.fit(dataset_of(train_folder), validation_data=dataset_of(val_folder))
""",
    )

    def check_file(self, facts: FileFacts):
        for model in facts.models:
            yield from self.check_model(model, facts.module)
        for fit in facts.parameter_fits:  # a helper's model: the data alone is judged
            yield from self.judge_fit(fit, facts.module)
        for _, at, differs in mismatched_subsets(facts.keras_calls, facts.module):
            what = "shuffled differently (one `shuffle` flag is on, the other off)" \
                if differs == "shuffle" else "shuffled with another `seed`"
            yield self.finding(
                at,
                f"The validation subset and the training subset of this directory are cut "
                f"from file lists {what}, so most validation files are training files too and "
                f"the validation score measures memory; give both calls the same `shuffle` "
                f"and `seed`")

    def check_model(self, model: ModelFact, module=None):
        for fit in model.fits:
            yield from self.judge_fit(fit, module)

    def judge_fit(self, fit, module):
        train, validation, at = fit.x, fit.validation_x, fit.validation_node or fit.node
        if over_one_loader(fit):
            yield self.finding(at, "The validation dataset reads the training loader itself "
                               "(both `from_generator` calls are given the very same loader "
                               "object), so the validation score measures memory; build the "
                               "validation dataset from the validation loader")
            return
        if not isinstance(train, DataFact) or not isinstance(validation, DataFact) or \
                train.identity is None or validation.identity is None or \
                not from_a_data_source(train) and not cut_from_a_parameter(train, validation):
            return
        if validation.identity == train.identity and ignores_arguments(train.identity):
            yield self.finding(at, f"The validation data is the training data: "
                               f"`{train.identity[4]}()` never reads its parameters, so every "
                               f"call gives the same data whatever it is given, and the "
                               f"validation score measures memory; make the helper load what "
                               f"it is given")
        elif validation.identity == train.identity and built_alike(train.identity):
            yield self.finding(at, "The validation data is built exactly as the training data "
                               "(the same class, given the same data and arguments), so it is "
                               "the training data and the validation score measures memory; "
                               "build it from the validation rows")
        elif slice_of(validation.identity, train.identity) and (
                validation.identity != train.identity or
                same_expression(fit.validation_node, fit.x_node)):
            yield self.finding(at, "The validation data is the training data (or a slice of "
                               "it), so the validation score measures memory; hold the "
                               "validation rows out of training (`validation_split=0.1`, or "
                               "slices that do not overlap)")
        elif split_off(validation.identity, train.identity):
            yield self.finding(at, "The validation data was split off the data this `fit()` "
                               "trains on: the model is fit on all the rows, the held-out ones "
                               "included, so the validation score measures memory; fit on the "
                               "training half of the split")
        elif (shared := shared_with_sample(train.identity, validation.identity)) is not None:
            yield self.sample_finding(fit, shared, module)
        elif (again := second_download(train.identity, validation.identity)) is not None:
            yield self.finding(
                node_with_id(module, again) or at,
                f"The validation folder is filled from a second download of the training "
                f"archive (`{train.identity[1]}`), so the validation images are the training "
                f"images and the validation score measures memory; download the validation "
                f"archive", related=[(at, "the validation data read from that folder")])

    def sample_finding(self, fit, shared, module):
        """Training rows drawn at random from a frame the validation rows come from: reported
        at the ``sample`` call when the linted file makes it (where the fix goes)."""
        share, call = shared
        drawn = node_with_id(module, call)
        validation = fit.validation_node or fit.node
        return self.finding(
            drawn or validation,
            f"The training rows are a random sample ({share:.0%}) of a frame the validation "
            f"rows also come from, so about {share:.0%} of the validation rows are training "
            f"rows and the validation score partly measures memory; draw the training sample "
            f"from the training split only",
            related=[(validation, "the validation data, rows of the same frame")] if drawn
            else ())

    def prove(self, subject=None):
        """Memorize random labels; validate on a slice of the training rows and on new rows.
        On a user's model: the same experiment with its own architecture (the score on rows it
        trained on is what its validation reports)."""
        from kerascheck.proofkit import Subject, fit_quietly, memorization_evidence
        from kerascheck.proofkit.measure import accuracy

        if subject is not None:
            if not isinstance(subject, Subject):
                raise NotImplementedError("KC505 is shown on the user's model, not a construct")
            evidence = memorization_evidence(self.code, subject, "", "", "")
            evidence.summary = f"its validation rows are rows it trains on: {evidence.summary}"
            evidence.measurements = {
                label.replace("on training data", "on rows it trained on (its validation)"):
                value for label, value in evidence.measurements.items()}
            return evidence
        tf, keras, np = load_tensorflow(0)
        x, y = random_label_data(count=64, features=20, classes=2, seed=0)
        fresh_x, fresh_y = random_label_data(count=400, features=20, classes=2, seed=1)
        model = keras.Sequential([keras.Input(shape=(20,)),
                                  keras.layers.Dense(128, activation="relu"),
                                  keras.layers.Dense(2, activation="softmax")])
        model.compile(optimizer=keras.optimizers.Adam(0.01),
                      loss="sparse_categorical_crossentropy")
        # 150 full-batch steps, then the score a validation on a slice of them would report
        fit_quietly(model, x, y, steps=150, batch_size=64)
        bad = accuracy(model, x[:32], y[:32])
        good = accuracy(model, fresh_x, fresh_y)
        verdict = bad > 0.95 and good < 0.65
        return Evidence(
            code=self.code, verdict=verdict,
            summary=f"On random labels the validation accuracy on a slice of the training data "
                    f"is {bad:.2f}; on held-out rows it is {good:.2f} (chance).",
            measurements={"bad: validation accuracy on a training slice": bad,
                          "good: accuracy on held-out rows": good})

