"""KC308 output-units-mismatch."""

from __future__ import annotations

from kerascheck.facts import CATEGORICAL_LOSSES, LINEAR, REGRESSION_LOSSES, DataFact, ModelFact
from kerascheck.proofkit import Evidence, exception_of, load_tensorflow
from kerascheck.rules.base import Rule


def _label_classes(model: ModelFact) -> tuple[int, bool] | None:
    """(number of classes, one-hot?) that every fit's labels agree on, or None."""
    seen = set()
    for fit in model.fits:
        labels = fit.y
        if not isinstance(labels, DataFact) or type(labels.classes) is not int:
            return None
        if not (labels.one_hot or labels.int_labels):
            return None
        seen.add((labels.classes, labels.one_hot))
    return seen.pop() if len(seen) == 1 else None


def regressed_classes(model: ModelFact) -> tuple[int, bool] | None:
    """(classes, one-hot?) when a classifier's one linear output unit is trained by a
    regression loss on class labels: the class ids (or one-hot rows) regressed as numbers on a
    line. KC302 leaves this model to KC308: its advice, a cross-entropy, still needs one unit
    per class."""
    head = model.output_head()
    if head is None or head.units != 1 or head.activation != LINEAR or \
            not model.task.is_classification or not model.compiles or \
            any(compile_fact.loss.name not in REGRESSION_LOSSES for compile_fact in model.compiles):
        return None
    labels = _label_classes(model)
    if labels is None or labels[0] < (2 if labels[1] else 3):
        return None  # one unit for two class ids is a binary output (KC302 judges its loss)
    return labels


def _one_hot_per_sample(model: ModelFact) -> bool:
    """Whether every fit's labels are one-hot with exactly one class per sample and a number
    of classes not known to be 1 (the one-hot labels of class folders, of ``to_categorical``)."""
    return bool(model.fits) and all(
        isinstance(fit.y, DataFact) and fit.y.one_hot and fit.y.single_label and
        fit.y.classes != 1 for fit in model.fits)


class OutputUnitsMismatch(Rule):
    """
    ## What it does
    Compares the output layer's units with the labels it is trained on: a `softmax` or
    `sigmoid` over n units with one-hot labels of m ≠ n classes (`to_categorical(y, m)`,
    `tf.one_hot(y, m)`), or fewer units than the classes of integer labels whose classes are
    known (`keras.datasets.mnist` has 10; `flow_from_directory(class_mode="binary")` declares
    the 0/1 ids of two class folders: Keras does not check the number of folders, and over n
    folders its ids run from 0 to n - 1, so with more folders the class mode is what to fix),
    or a `softmax` over two or more units beyond those classes
    (one extra unit may be a deliberate "fake" or "unknown" class); one output unit with a
    categorical loss (`categorical_crossentropy`, `sparse_categorical_crossentropy`); one `sigmoid`
    unit trained on one-hot labels with one class per sample, such as the labels of
    `flow_from_directory(class_mode="categorical")` (one column per class folder, however
    many folders there are); one linear unit trained by MSE or MAE on the ids of three or
    more classes, or on one-hot rows (the ids regressed as numbers: KC302, which judges the
    loss, leaves this model to KC308, since the layer is what needs changing first).

    On a model of several outputs, each output head is judged against the loss it gets
    (`loss=[...]`, `loss={...}` by output name, or one loss for every head) and the labels
    `fit` gives it (`fit(x, [y1, y2])`, or a dict by output name).

    ## Why is this bad?
    Each output unit is one class's probability. With one-hot labels of another width the loss
    compares arrays of different shapes and Keras raises when training starts; with integer
    labels beyond the last unit the sparse loss raises or scores nonsense; and one unit under a
    categorical loss is a distribution over a single class, so the loss is constant and
    nothing is learned. A softmax over classes the labels never hold trains, but the class
    count is wrong somewhere (ten digits' units for cats and dogs): the extra units are dead
    weight, and whatever reads the outputs per class reads classes that do not exist. One
    linear unit regressing class ids treats the classes as points on a line: digit 7 is
    "between" 6 and 8, and an output of 6.5 names neither.

    ## Example
    ```python
    from tensorflow import keras

    (x_train, y_train), _ = keras.datasets.mnist.load_data()
    x_train = x_train / 255.0
    y_train = keras.utils.to_categorical(y_train, 10)
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(5, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=5, validation_split=0.1)
    ```

    ## Use instead
    ```python
    from tensorflow import keras

    (x_train, y_train), _ = keras.datasets.mnist.load_data()
    x_train = x_train / 255.0
    y_train = keras.utils.to_categorical(y_train, 10)
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=5, validation_split=0.1)
    ```

    ## Fix safety
    No automatic fix: which of the two (units or labels) is wrong is the author's call.

    ## Runtime evidence
    The proof fits a 5-unit softmax on 10-class one-hot labels (Keras raises `ValueError` about
    incompatible shapes) and its 10-unit twin (it trains). On a user's model it fits the model
    once on labels of the classes its data holds; a softmax past them trains, and the proof
    reports the probability its extra units still hold and the inputs they are predicted for.

    ## References
    - Keras API: `keras.utils.to_categorical` ("num_classes: Total number of classes") and
      `keras.losses.CategoricalCrossentropy`.
    """

    code = "KC308"
    name = "output-units-mismatch"
    summary = "The output layer's units disagree with the number of classes in the labels."
    judges_each_output = True

    invalid = (
        """
from tensorflow import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
y_train = keras.utils.to_categorical(y_train, num_classes=10)
model = keras.Sequential([keras.Input(shape=(32, 32, 3)), keras.layers.Rescaling(1 / 255),
                          keras.layers.Flatten(),
                          keras.layers.Dense(2, activation="sigmoid")])  # expect: KC308
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x_train, y_train, validation_split=0.2)
""",
        """
import keras
(x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                          keras.layers.Flatten(), keras.layers.Dense(64, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")  # expect: KC308
model.fit(x_train, y_train, validation_split=0.2)
""",
        # one linear unit regressing ten digit ids (the source fixed the layer, not the loss)
        """
from tensorflow import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                          keras.layers.Flatten(), keras.layers.Dense(1)])  # expect: KC308
model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
model.fit(x_train, y_train, validation_data=(x_test, y_test))
""",
        # ten digits' units for the 0/1 labels of two class folders
        """
from keras.models import Sequential
from keras.layers import Dense, Flatten
from keras.preprocessing.image import ImageDataGenerator
model = Sequential([Flatten(input_shape=(64, 64, 3)), Dense(10, activation="softmax")])  # expect: KC308
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
images = ImageDataGenerator(rescale=1 / 255)
model.fit(images.flow_from_directory("train", class_mode="binary"),
          validation_data=images.flow_from_directory("val", class_mode="binary"))
""",
        # one sigmoid unit on the one-hot labels of class folders (their number unknown)
        """
from keras.models import Sequential
from keras.layers import Dense, Flatten
from keras.preprocessing.image import ImageDataGenerator
model = Sequential([Flatten(input_shape=(64, 64, 3)), Dense(1, activation="sigmoid")])  # expect: KC308
model.compile(loss="binary_crossentropy", optimizer="adam")
images = ImageDataGenerator(rescale=1 / 255)
model.fit(images.flow_from_directory("train", class_mode="categorical"),
          validation_data=images.flow_from_directory("val", class_mode="categorical"))
""",
    )
    valid = (
        """
from tensorflow import keras
(x_train, y_train), _ = keras.datasets.mnist.load_data()
model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                          keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, validation_split=0.2)
""",
        # class counts from a variable, and labels relabelled by a helper, are unknown
        """
import keras
from data import load
x, labels, n = load()
y = keras.utils.to_categorical(labels, n)
model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x, y, validation_split=0.2)
""",
        # a binary sigmoid on a two-class set, and more units than classes, train fine
        """
import keras
(x_train, y_train), _ = keras.datasets.imdb.load_data(num_words=1000)
model = keras.Sequential([keras.layers.Embedding(1000, 8), keras.layers.GlobalAveragePooling1D(),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x_train, y_train, validation_split=0.2)
""",
        # a number regressed from a table: its values are no known classes
        """
import pandas as pd
from tensorflow import keras
table = pd.read_csv("wine.csv")
x, y = table.drop(columns="quality").values, table["quality"].values
model = keras.Sequential([keras.Input(shape=(11,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
model.fit(x, y, validation_split=0.2)
""",
        # one sigmoid unit on the 0/1 labels of two class folders
        """
from keras.models import Sequential
from keras.layers import Dense, Flatten
from keras.preprocessing.image import ImageDataGenerator
model = Sequential([Flatten(input_shape=(64, 64, 3)), Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam")
images = ImageDataGenerator(rescale=1 / 255)
model.fit(images.flow_from_directory("train", class_mode="binary"),
          validation_data=images.flow_from_directory("val", class_mode="binary"))
""",
    )

    def check_model(self, model: ModelFact):
        head = model.output_head()
        if head is None or type(head.units) is not int:
            return
        compile_fact = model.compile
        loss = compile_fact.loss.name if compile_fact is not None else None
        if head.units == 1 and loss in CATEGORICAL_LOSSES and head.activation != "softmax":
            yield self.finding(
                compile_fact.loss.node or head.dense,
                f"One output unit under `{loss}` is a distribution over a single class, so "
                f"nothing is learned; give the output one unit per class with `softmax`",
                related=[(head.dense, "the output layer, with one unit")])
            return
        regressed = regressed_classes(model)
        if regressed is not None:
            classes, one_hot = regressed
            yield self.finding(
                head.dense,
                f"One linear output unit for labels of {classes} classes"
                + (" (one-hot)" if one_hot else "") + ": the model regresses the class "
                f"{'rows' if one_hot else 'ids'} as numbers on a line, and a prediction "
                f"between two ids names neither; use `Dense({classes}, "
                f"activation=\"softmax\")` with `"
                + ("categorical" if one_hot else "sparse_categorical")
                + "_crossentropy`",
                related=[(compile_fact.loss.node or compile_fact.node,
                          f"the loss, {compile_fact.loss.name}") for compile_fact in model.compiles])
            return
        if head.activation not in ("softmax", "sigmoid"):
            return
        if head.units == 1 and head.activation == "sigmoid" and _one_hot_per_sample(model):
            # ``flow_from_directory(class_mode="categorical")``: one column per class folder
            yield self.finding(
                head.dense,
                "The output has 1 unit but the labels are one-hot, one column per class, so "
                "the problem has several classes; give the output one unit per class with "
                "`softmax` and `categorical_crossentropy`")
            return
        labels = _label_classes(model)
        if labels is None:
            return
        classes, one_hot = labels
        # the training that gets the labels, when there is one only
        trained = [(fit.node, f"the training, on labels of {classes} classes")
                   for fit in model.fits] if len(model.fits) == 1 else []
        if one_hot and head.units != classes:
            yield self.finding(
                head.dense,
                f"The output has {head.units} units but the labels are one-hot over {classes} "
                f"classes, so their shapes disagree; use `Dense({classes}, ...)`",
                related=trained)
        elif not one_hot and head.units < classes and not (head.units == 1 and classes == 2):
            yield self.finding(
                head.dense,
                f"The output has {head.units} unit{'s' if head.units > 1 else ''} but the "
                f"labels hold {classes} classes; use `Dense({classes}, "
                f"activation=\"softmax\")`", related=trained)
        elif not one_hot and head.units > classes + 1 and head.activation == "softmax":
            # a distribution over classes the labels never hold: the author's class count is
            # wrong somewhere (ten digits' units for two folders of cats and dogs); one unit
            # more may be a deliberate extra class (a semi-supervised GAN's "fake", "unknown")
            yield self.finding(
                head.dense,
                f"The output is a softmax over {head.units} classes but the labels hold "
                f"{classes} classes; use `Dense({classes}, activation=\"softmax\")`"
                + (" or `Dense(1, activation=\"sigmoid\")` with `binary_crossentropy` (if "
                   "the data does hold more classes, `class_mode=\"binary\"` is what to "
                   "change: over more folders its ids run on, unchecked)"
                   if classes == 2 else ""), related=trained)

    def prove(self, subject=None):
        """Fit a 5-unit and a 10-unit softmax on one-hot labels of 10 classes. On a user's
        model: one fit of the rebuilt model, compiled as written, on labels of the classes
        its data holds (one-hot or integer, as the user's are)."""
        if subject is not None:
            return _prove_on_model(self.code, subject)
        tf, keras, np = load_tensorflow(0)
        rng = np.random.default_rng(0)
        x = rng.normal(size=(64, 8)).astype("float32")
        y = keras.utils.to_categorical(rng.integers(0, 10, 64), 10)

        def fit(units: int):
            model = keras.Sequential([keras.Input(shape=(8,)),
                                      keras.layers.Dense(units, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.fit(x, y, epochs=1, verbose=0)

        bad_error, good_error = exception_of(lambda: fit(5)), exception_of(lambda: fit(10))
        verdict = bad_error is not None and good_error is None
        message = f"{bad_error[0]}: {bad_error[1]}"[:160] if bad_error else "trained"
        return Evidence(
            code=self.code, verdict=verdict,
            summary=f"Fitting 5 softmax units on 10-class labels fails ({message[:100]}); 10 "
                    f"units train.",
            measurements={"bad: fit with 5 units": message,
                          "good: fit with 10 units": "trained" if good_error is None
                          else f"{good_error[0]}: {good_error[1]}"[:160]})


def _prove_on_model(code: str, subject):
    from kerascheck.proofkit import require_user_model, subject_input_shape

    require_user_model(code, subject)
    labels = _label_classes(subject.fact)
    if labels is None:
        raise NotImplementedError("the labels' classes are not known")
    if regressed_classes(subject.fact) is not None:
        # Tried: rounding the regressed outputs after a budget of steps; Adam's bounded steps
        # leave the outputs near their start, so what it measured was the budget, not the rule
        raise NotImplementedError("one linear unit regressing class ids: no measurement on "
                                  "the user's model yet")
    _, keras, np = load_tensorflow(0)
    classes, one_hot = labels
    subject_input_shape(subject)
    x = subject.sample_inputs(32)
    rng = np.random.default_rng(0)
    classes_of = rng.integers(0, classes, size=len(x))
    classes_of[0] = classes - 1  # the last class is there, as in the user's data
    y = keras.utils.to_categorical(classes_of, classes) if one_hot else classes_of
    model = subject.model
    if not getattr(model, "compiled", False):
        model.compile(optimizer="adam", loss="categorical_crossentropy" if one_hot
                      else "sparse_categorical_crossentropy")
    error = exception_of(lambda: model.fit(x, y, batch_size=len(x), epochs=1, verbose=0))
    kind = f"one-hot labels of {classes} classes" if one_hot else \
        f"integer labels of {classes} classes (0 to {classes - 1})"
    units = int(model.output_shape[-1])
    if error is None:
        # Keras trains it without a word: the output cannot name the classes past its units
        predictions = np.asarray(model(subject.sample_inputs(256, seed=1), training=False))
        predicted = (predictions[..., 0] > 0.5).astype(int) if units == 1 else \
            predictions.argmax(axis=-1)
        reachable = 2 if units == 1 else units
        if units > classes and not one_hot:
            # a softmax over classes the labels never hold: what the extra units still carry
            mass = float(predictions[..., classes:].sum(axis=-1).mean())
            named = int((predicted >= classes).sum())
            return Evidence(
                code, mass > 0.01 or named > 0,
                f"your {units}-unit output trains on {kind} without an error, but its "
                f"{units - classes} units past them stand for classes that do not exist: "
                f"after one fit they hold {mass:.0%} of the probability and are the "
                f"prediction for {named} of 256 inputs",
                {f"fit on {kind}": "trained (no error)",
                 "probability on the units past the classes (mean)": mass,
                 "inputs predicted as a class past them (of 256)": named,
                 "classes in the labels": classes})
        return Evidence(
            code, reachable < classes,
            f"your {units}-unit output trains on {kind} without an error, but it can only "
            f"ever predict classes 0 to {reachable - 1}",
            {f"fit on {kind}": "trained (no error)",
             "classes its output can predict": reachable,
             "classes predicted on 256 inputs": len(set(predicted.reshape(-1).tolist())),
             "classes in the labels": classes})
    return Evidence(
        code, True, f"one fit of your {units}-unit output on {kind} fails ({error[0]})",
        {f"fit on {kind}": f"{error[0]}: {error[1]}"[:200]})
