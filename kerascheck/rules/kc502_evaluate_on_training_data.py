"""KC502 evaluate-on-training-data."""

from __future__ import annotations

import re

import libcst as cst

from kerascheck.facts import FileFacts, ModelFact
from kerascheck.rules.base import Rule
from kerascheck.rules.kc501_fit_without_holdout import (
    evaluated_elsewhere,
    evaluated_on_training_data,
    is_training_run,
    predicted_as_test_on_training_data,
    saved_for_later,
)

# The file itself calls the number a training score: "Training Accuracy: ...", train_loss = ...
_TRAINING_TEXT = re.compile(r"\btrain(?:ing)?[ _-]?(?:set|data|accuracy|acc|score|loss|error|rmse|"
                            r"mse|mae|auc|performance|metrics?)\b|\bin[ -]sample\b", re.IGNORECASE)
_TRAINING_NAME = re.compile(r"(?:^|_)train(?:ing)?(?:_|$)", re.IGNORECASE)


def _called_training_scores(module: cst.Module) -> set[int]:
    """The ids of the nodes whose value the file labels as a score on the training data: the
    value assigned to ``train_acc``, or to a name printed or formatted next to text such as
    "Training Accuracy" / "in-sample", or an evaluation written inside such a ``print``. An
    in-sample score the author names as one is reported on purpose, not mistaken for a test
    score (hand-written: a few CST patterns, no library does this)."""

    class Labels(cst.CSTVisitor):
        def __init__(self):
            self.values: dict[str, list[cst.CSTNode]] = {}
            self.names: set[str] = set()
            self.direct: list[cst.CSTNode] = []

        def visit_Assign(self, node: cst.Assign) -> None:
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    name = target.target.value
                    if _TRAINING_NAME.search(name) and not name.lower().startswith(("x", "y")):
                        self.direct.append(node.value)
                    self.values.setdefault(name, []).append(node.value)

        def visit_Call(self, node: cst.Call) -> None:
            texts = [_text(arg.value) for arg in node.args]
            if isinstance(node.func, cst.Attribute):
                texts.append(_text(node.func.value))  # "Training accuracy: {}".format(acc)
            if any(_TRAINING_TEXT.search(text) for text in texts):
                self.direct.append(node)
                self.names.update(_names(node))

        def visit_FormattedString(self, node: cst.FormattedString) -> None:
            if _TRAINING_TEXT.search(_text(node)):
                self.names.update(_names(node))

    labels = Labels()
    module.visit(labels)
    ids: set[int] = set()
    subtrees = labels.direct + [value for name in labels.names
                                for value in labels.values.get(name, ())]
    for subtree in subtrees:
        ids.update(_ids(subtree))
    return ids


def _text(node) -> str:
    if isinstance(node, cst.SimpleString):
        return node.value
    if isinstance(node, cst.FormattedString):
        return "".join(part.value for part in node.parts
                       if isinstance(part, cst.FormattedStringText))
    if isinstance(node, cst.ConcatenatedString):
        return _text(node.left) + _text(node.right)
    if isinstance(node, cst.BinaryOperation):  # "Train accuracy: %.2f" % acc
        return _text(node.left)
    return ""


def _names(node) -> set[str]:
    found: set[str] = set()

    class Names(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            found.add(name.value)

    node.visit(Names())
    return found


def _ids(node) -> set[int]:
    found: set[int] = set()

    class Ids(cst.CSTVisitor):
        def on_visit(self, child) -> bool:
            found.add(id(child))
            return True

    node.visit(Ids())
    return found


class EvaluateOnTrainingData(Rule):
    """
    ## What it does
    Finds `evaluate()` (or a metric computed over `predict()`) run on the very data the model was
    trained on, when the file evaluates the model on nothing else and training used no
    validation data. Reported at the evaluation. Data is identified by where it came from,
    arguments included: `vectorize(train_texts)` and `vectorize(test_texts)` differ, and so do
    `table.iloc[:n, 0:4]` and `table.iloc[n:, 0:4]`. Data known to share rows with the training
    data counts as training data: a slice of it (`x[-300:]` after `fit(x, ...)`), or a head of
    the series the model was fit on a head of (`series[0:n_test]` next to
    `series[0:n_train]`, also through the same helper with the same other arguments), rows a
    written comparison keeps (`frame.loc[frame.age > 40]`), and one helper's result over such
    rows (`to_arrays(frame[1:])` beside `to_arrays(frame)`). A file downloaded again under the
    name of an earlier download is that download: `keras.utils.get_file("adult.data",
    test_url)` after `get_file("adult.data", train_url)` returns the cached training file
    (no `file_hash`, no `force_download`, the same `cache_dir`/`cache_subdir`), and a table
    read from it with the same arguments, or with rows skipped (`skiprows=`, `nrows=`), is
    the training table. So does
    the test split of a cross-validation loop that keeps fitting one model built before the
    loop (`for train, test in KFold(5).split(x)`, or a hand-made fold `x[i*n:(i+1)*n]` with
    `np.concatenate([x[:i*n], x[(i+1)*n:]])` for training): from the second round on the model
    is scored on rows an earlier round trained it on (a `TimeSeriesSplit`, whose later test
    rows were never trained on, and a model reset in the loop are not reported). A `predict()`
    on the training data whose inputs the file names test data (`predict(test_inputs)` after
    `fit(test_inputs, y_train)`) is the file's test prediction made on training data.
    Demonstrations (made-up data, a model saved to be judged where it is reloaded) are not
    judged, as for KC501.

    ## Why is this bad?
    A score on the training data measures memory, not generalisation: a model that has memorised
    its training set scores near 100% there and may be at chance on anything new. Reported as
    "the model's accuracy", it is the number most likely to mislead.

    ## Example
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(20,)),
        tf.keras.layers.Dense(64, activation="relu"),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=20)
    loss, accuracy = model.evaluate(x_train, y_train)
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(20,)),
        tf.keras.layers.Dense(64, activation="relu"),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=20)
    loss, accuracy = model.evaluate(x_test, y_test)
    ```

    ## Fix safety
    No automatic fix: the linter cannot invent held-out data.

    ## Runtime evidence
    The proof trains a small network on random labels and evaluates it twice: on its training
    data it scores close to 100%, on held-out data about chance.

    ## References
    - Zhang et al., ["Understanding deep learning requires rethinking
      generalization"](https://arxiv.org/abs/1611.03530) (ICLR 2017): a network memorizes
      random labels, scoring near 100% on its training data and chance on anything else.
    - Keras API: [`Model.evaluate`](https://keras.io/api/models/model_training_apis/).
    """

    code = "KC502"
    name = "evaluate-on-training-data"
    summary = "The model is evaluated only on the data it was trained on."

    invalid = (
        """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input(shape=(10,)), tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=10)
print(model.evaluate(X, y))  # expect: KC502
""",
        """
from tensorflow import keras
from sklearn.metrics import accuracy_score
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784) / 255.0
model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, epochs=3)
predictions = model.predict(x_train).argmax(axis=1)
print(accuracy_score(y_train, predictions))  # expect: KC502
""",
        """
import keras
import pandas as pd
frame = pd.read_csv("customers.csv")
features, labels = frame.drop(columns="churn") / 100.0, frame["churn"]
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(features, labels, epochs=30)
score = model.evaluate(features, labels, verbose=0)  # expect: KC502
""",
        # the test head lies inside the training head of one series
        """
import keras
import pandas as pd
series = pd.read_csv("levels.csv")["level"] / 400.0
n_train, n_test = 800, 400
train, test = series.iloc[0:n_train].values, series.iloc[0:n_test].values
model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(train[:-1], train[1:], epochs=20)
print("Test MSE:", model.evaluate(test[:-1], test[1:]))  # expect: KC502
""",
        # one model, built before the loop, fit fold after fold
        """
import keras
import numpy as np
from sklearn.model_selection import KFold
table = np.loadtxt("wine.csv", delimiter=",")
x, y = table[:, :-1] / 20.0, table[:, -1]
model = keras.Sequential([keras.Input(shape=(11,)), keras.layers.Dense(1)])
model.compile(optimizer="rmsprop", loss="mse")
for train, test in KFold(n_splits=5).split(x):
    model.fit(x[train], y[train], epochs=15)
    print(model.evaluate(x[test], y[test]))  # expect: KC502
""",
    )
    valid = (
        # training and test scores side by side
        """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input(shape=(10,)), tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x_train, y_train, epochs=10)
train_score = model.evaluate(x_train, y_train)
test_score = model.evaluate(x_test, y_test)
""",
        # a manual split by slicing, and train_test_split
        """
import keras
from sklearn.model_selection import train_test_split
model = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(X[:800], y[:800])
model.evaluate(X[800:], y[800:])
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
model.fit(X_train, y_train)
model.evaluate(X_test, y_test)
""",
        # an in-sample score the file names as one
        """
import keras
from sklearn.metrics import accuracy_score
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(features, onehot, epochs=50)
hits = accuracy_score(onehot.argmax(axis=1), model.predict(features).argmax(axis=1))
print(f"Training accuracy: {hits}")
train_loss = model.evaluate(features, onehot)
""",
        # training used validation data; predicting without a metric is not evaluation
        """
import keras
model = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x_train, y_train, validation_data=(x_val, y_val))
model.evaluate(x_train, y_train)
preview = model.predict(x_train[:5])
""",
    )

    def check_file(self, facts: FileFacts):
        findings = [finding for model in facts.models for finding in self.check_model(model)]
        if findings and facts.module is not None:
            labelled = _called_training_scores(facts.module)
            findings = [finding for finding in findings if id(finding.target) not in labelled]
        yield from findings

    def check_model(self, model: ModelFact):
        if not model.fits or any(fit.has_validation is not False for fit in model.fits):
            return
        if any(not is_training_run(fit, holds_out_elsewhere=False) for fit in model.fits) or \
                saved_for_later(model):
            return  # a demonstration, a helper's fit, or a model evaluated where it is reloaded
        if evaluated_elsewhere(model, uses=False):  # (a metric elsewhere, not a look at outputs)
            return
        trained_on = {getattr(fit.x, "identity", None) for fit in model.fits}
        for evaluation in evaluated_on_training_data(model):
            if evaluation.trained_on_earlier:
                yield self.finding(
                    evaluation.node,
                    "The one model built before the loop keeps training round after round, "
                    "so from the second fold on it is evaluated on rows it was trained on in "
                    "an earlier round; build (or re-initialise) the model inside the loop")
                continue
            if evaluation.x.identity in trained_on:
                what = "the data it was trained on"
            else:  # a slice of it, or a head of the series it was fit on a longer head of
                what = "rows it was trained on (the data evaluated lies inside the training data)"
            yield self.finding(
                evaluation.node,
                f"The model is evaluated on {what}, which measures memory, not "
                f"generalisation; evaluate on held-out data (a test split)")
        for evaluation, name in predicted_as_test_on_training_data(model):
            yield self.finding(
                evaluation.node,
                f"`{name}`, the data the file predicts as its test data, is the very data the "
                f"model was trained on, so its predictions measure memory; train on the "
                f"training data and predict the held-out test data")

    def prove(self, subject=None):
        """Train a model on random labels it can only memorize: it scores near 100% on its
        training data and near chance on held-out data, so only held-out data tells the truth.
        On a user's model: the same experiment with its own architecture."""
        from kerascheck import proofkit

        return proofkit.memorization_evidence(
            self.code, subject,
            train_label="bad: evaluate() on the training data",
            heldout_label="good: evaluate() on held-out data",
            summary=("evaluating on the training data reports memory: 100% on random labels, "
                     "chance on new data"))
