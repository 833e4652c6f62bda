"""KC501 fit-without-holdout."""

from __future__ import annotations

import re

import libcst as cst

from kerascheck import fixes
from kerascheck.analysis.clones import same_network
from kerascheck.analysis.overlap import overlaps
from kerascheck.analysis.values import keyword_value
from kerascheck.facts import UNKNOWN, FileFacts, ModelFact
from kerascheck.rules.base import Rule


def identity_of(data) -> object:
    return None if data is UNKNOWN or data is None else data.identity


def evaluated_elsewhere(model: ModelFact, uses: bool = True) -> bool:
    """Whether the file evaluates or predicts with the model on anything but its training data
    (an evaluation the linter cannot attribute, or on unknown data, counts: precision first);
    with ``uses``, a use of the trained model on data (``model(x)``, ``generate``) counts too."""
    trained_on = {identity_of(fit.x) for fit in model.fits} - {None}
    for evaluation in model.evaluations:
        if evaluation.method == "call" and not uses:
            continue
        identity = identity_of(evaluation.x)
        if evaluation.trained_on_earlier:
            continue  # its rows were trained on in an earlier round (analysis/refits.py)
        if identity is None or not any(overlaps(seen, identity) for seen in trained_on):
            return True
    return False


SHORT_FIT_EPOCHS = 5


def is_training_run(fit, holds_out_elsewhere: bool) -> bool:
    """Whether a fit is a training run the holdout rules judge (RULES.md "Real training")."""
    if fit.demonstration is not None or fit.in_helper:
        return False
    if holds_out_elsewhere and isinstance(fit.epochs, int) and fit.epochs <= SHORT_FIT_EPOCHS:
        return False  # a smoke fit of an API in a file that validates its real models
    return True


def saved_for_later(model: ModelFact) -> bool:
    """``model.save(path)``: the model's life goes on where it is reloaded, and its held-out
    evaluation may happen there (RULES.md "Real training": a reloaded copy)."""
    return any(event.method in ("save", "save_weights", "export") for event in model.events)


def _given_callbacks(fit) -> bool:
    """``fit(..., callbacks=...)``: in a file that makes a ``ModelCheckpoint``, the model may be
    saved as it trains, to be reloaded (and evaluated) elsewhere, as after ``model.save``."""
    return keyword_value(fit.node, "callbacks", None) is not None


def file_holds_out(facts: FileFacts) -> bool:
    """Whether the file holds data out somewhere: a fit with validation data, or a model
    evaluated on data it was not fit on."""
    for model in facts.models:
        if any(fit.has_validation is True for fit in model.fits):
            return True
        trained_on = {identity_of(fit.x) for fit in model.fits}
        if model.fits and any(identity_of(e.x) is not None and identity_of(e.x) not in trained_on
                              for e in model.evaluations if e.method != "unattributed"):
            return True
    return False


def _holds_out(model: ModelFact) -> bool:
    """Whether the model is trained with validation data or evaluated on other data. The same
    network trained so elsewhere in the file means its run on all the rows is deliberate: a
    lesson's "before" (fit on everything, then split to show why) or the final fit on all the
    data once the held-out runs chose the settings, a common practice."""
    return any(fit.has_validation is True for fit in model.fits) or (
        bool(model.fits) and evaluated_elsewhere(model, uses=False))


def evaluated_on_training_data(model: ModelFact) -> list:
    """The evaluations (``evaluate()`` or a metric over ``predict()``) on training data: the
    very data, or data known to share its rows (a slice of it, a head of the same series:
    analysis/overlap.py), or rows an earlier round of a loop trained the model on (one model
    fit fold after fold: analysis/refits.py)."""
    trained_on = {identity_of(fit.x) for fit in model.fits} - {None}
    return [evaluation for evaluation in model.evaluations
            if evaluation.method in ("evaluate", "metric") and (
                evaluation.trained_on_earlier or identity_of(evaluation.x) is not None and any(
                    overlaps(seen, identity_of(evaluation.x)) for seen in trained_on))]


def predicted_as_test_on_training_data(model: ModelFact) -> list:
    """``(prediction, name)`` for each ``predict()`` on the very data the model was fit on whose
    inputs the file names test data (``predict(test_inputs)`` after ``fit(test_inputs, ...)``):
    the file's test prediction, made on training data (KC502)."""
    trained_on = {identity_of(fit.x) for fit in model.fits} - {None}
    found = []
    for evaluation in model.evaluations:
        name = _test_name(evaluation.node)
        if name and evaluation.method == "predict" and identity_of(evaluation.x) in trained_on:
            found.append((evaluation, name))
    return found


def _test_name(node) -> str | None:
    """The name of a ``predict``'s inputs when it calls them test data (``test_inputs``,
    ``x_test``, ``testX``; not ``latest``)."""
    given = next((arg.value for arg in getattr(node, "args", ()) if arg.keyword is None or
                  arg.keyword.value == "x"), None)
    if isinstance(given, cst.Attribute):
        given = given.attr
    if not isinstance(given, cst.Name):
        return None
    words = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", given.value)
    return given.value if "test" in (word.lower() for word in words) else None


class FitWithoutHoldout(Rule):
    """
    ## What it does
    Finds a model the file builds that is trained with neither `validation_data` nor
    `validation_split`, and that the file never evaluates on data other than what it was trained
    on. Using the trained model on data counts as evaluating it there: `evaluate()`,
    `predict()`, calling it eagerly (`model(x_test)`, outside a `GradientTape` training step)
    and a KerasHub task's `generate()`. A model passed in as a parameter (library code) is not
    reported, and neither is a model handed to code the linter cannot follow. A model
    evaluated on its training data is reported once, as KC502 (evaluate-on-training-data), not
    twice. A `fit()` inside a loop or a condition (reinforcement-learning replay, online
    learning, folds) is a training scheme of its own and is not judged.

    Only training runs are judged, not demonstrations: a fit on data the file makes up (random
    draws, constant arrays, rows or labels typed in, scikit-learn's `make_*`), a model trained
    on its own inputs (`fit(x, x)`, language-model windows cut from one sequence), a
    learning-rate sweep (a `LearningRateScheduler` growing by a power of the epoch), a model
    handed to the file's own helper (an LR finder), a fit of at most 5 epochs in a file that
    holds data out elsewhere, and a model saved to be reloaded (and evaluated) elsewhere
    (`model.save`, or a fit given callbacks in a file that makes a `ModelCheckpoint`). A run on
    all the rows of a network the file also trains with held-out data (the same layers) is
    deliberate: a lesson's "before", or the final fit once held-out runs chose the settings.

    ## Why is this bad?
    A network can memorise its training set: training accuracy climbs toward 100% while
    accuracy on new data stays where it was. Without held-out data nothing in the run can tell
    the two apart, so overfitting goes unnoticed and the numbers reported are optimistic.

    ## Example
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(20,)),
        tf.keras.layers.Dense(64, activation="relu"),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(all_data, all_labels, epochs=20)
    ```

    ## Use instead
    ```python
    import tensorflow as tf
    from sklearn.model_selection import train_test_split

    train_data, test_data, train_labels, test_labels = train_test_split(
        all_data, all_labels, test_size=0.2)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(20,)),
        tf.keras.layers.Dense(64, activation="relu"),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(train_data, train_labels, epochs=20)
    model.evaluate(test_data, test_labels)
    ```

    ## Fix safety
    Unsafe: adding `validation_split=0.2` trains on less data (the last 20% of the arrays,
    before shuffling), which changes the model. Offered only where `fit()` is given labels
    (`y`) next to its inputs: a dataset or generator cannot be split that way.

    ## Runtime evidence
    The proof trains a small network on random labels: it scores close to 100% on the data it
    was trained on and about chance on held-out data, a gap only held-out data can reveal.

    ## References
    - The pitfall as tutorials name it: "Not splitting data into training and testing sets".
    - Zhang et al., ["Understanding deep learning requires rethinking
      generalization"](https://arxiv.org/abs/1611.03530) (ICLR 2017): networks fit random
      labels perfectly, so training accuracy says nothing about generalization.
    - Keras API: [`Model.fit`](https://keras.io/api/models/model_training_apis/)
      (`validation_split`, `validation_data`).
    """

    code = "KC501"
    name = "fit-without-holdout"
    summary = "A model is trained without validation data and never evaluated on other data."
    fix_applicability = "unsafe"

    invalid = (
        # the seed's pitfall 3, with a known model
        """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input(shape=(10,)), tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(all_data, all_labels, epochs=20)  # expect: KC501
""",
        """
from tensorflow import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train / 255.0
def build():
    model = keras.Sequential([keras.layers.Flatten(input_shape=(28, 28)),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
model = build()
history = model.fit(x_train, y_train, epochs=5, batch_size=32)  # expect: KC501
model.summary()
""",
        """
import keras
inputs = keras.Input(shape=(4,))
outputs = keras.layers.Dense(3, activation="softmax")(keras.layers.Dense(8, activation="relu")(inputs))
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x=features, y=targets, epochs=100, verbose=0)  # expect: KC501
""",
    )
    valid = (
        # the seed's pitfall 3, correct approach (evaluate on the test split)
        """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input(shape=(10,)), tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(train_data, train_labels, epochs=20)
model.evaluate(test_data, test_labels)
""",
        # validation data, validation split, a model from a parameter
        """
import tensorflow as tf
def train(model, x, y):
    model.fit(x, y, epochs=3)
    return model
model = tf.keras.Sequential([tf.keras.Input(shape=(10,)), tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, validation_split=0.2)
other = tf.keras.Sequential([tf.keras.Input(shape=(10,)), tf.keras.layers.Dense(1)])
other.compile(optimizer="adam", loss="mse")
other.fit(train_ds, validation_data=val_ds, epochs=5)
""",
        # scikit-learn's fit is not Keras; predictions on test data count as evaluation
        """
import tensorflow as tf
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
clf = LogisticRegression().fit(X, y)
model = tf.keras.Sequential([tf.keras.Input(shape=(10,)), tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X_train, y_train, epochs=10)
print(accuracy_score(y_test, model.predict(X_test) > 0.5))
""",
        # a model handed to code the linter cannot follow, or returned by library code
        """
import keras
from myproject.evaluation import report
def make_and_train(x, y):
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=2)
    return model
model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y)
report(model, x_test, y_test)
""",
        # saved as it trains, to be reloaded (and evaluated) by another script
        """
import keras
import numpy as np
table = np.load("rows.npy")
model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
saver = keras.callbacks.ModelCheckpoint("best.keras")
model.fit(table[:, :8] / 10.0, table[:, 8], epochs=30, callbacks=[saver])
""",
    )

    def check_file(self, facts: FileFacts):
        holds_out = file_holds_out(facts)
        checkpoints = any(call.callee == "callbacks.ModelCheckpoint" for call in facts.keras_calls)
        for model in facts.models:
            if checkpoints and any(_given_callbacks(fit) for fit in model.fits):
                continue
            if any(twin is not model and same_network(twin, model) and _holds_out(twin)
                   for twin in facts.models):
                continue
            yield from self._check(model, holds_out)

    def check_model(self, model: ModelFact):
        yield from self._check(model, holds_out_elsewhere=False)

    def _check(self, model: ModelFact, holds_out_elsewhere: bool):
        if not model.fits or model.escapes or saved_for_later(model):
            return
        if any(not is_training_run(fit, holds_out_elsewhere) for fit in model.fits):
            # a demonstration (made-up data, fit(x, x), a learning-rate sweep, a short smoke
            # fit in a file that holds data out elsewhere) or a helper's fit of a model it was
            # handed: not a training run to judge (RULES.md "Real training")
            return
        if any(fit.conditional for fit in model.fits):
            # fit() in a loop is a training scheme of its own (reinforcement learning replay,
            # online learning, folds): what counts as held out there is not for a linter to say
            return
        if any(fit.has_validation is not False for fit in model.fits):
            return
        if evaluated_elsewhere(model) or evaluated_on_training_data(model) or \
                predicted_as_test_on_training_data(model):
            # An evaluation on the training data is KC502's more specific finding: one root
            # cause, one report.
            return
        first_fit = model.fits[0]
        yield self.finding(
            first_fit.node,
            "The model is trained without held-out data and never evaluated on other data, so "
            "overfitting cannot show; pass `validation_split=0.2` or `validation_data=` (or "
            "evaluate on a test split)",
            fix=holdout_fix(first_fit))

    def prove(self, subject=None):
        """Train a model on random labels it can only memorize: it scores near 100% on its
        training data and near chance on held-out data, so only held-out data tells the truth.
        On a user's model: the same experiment with its own architecture."""
        from kerascheck import proofkit

        return proofkit.memorization_evidence(
            self.code, subject,
            train_label="bad: accuracy on its training data (all a fit without holdout shows)",
            heldout_label="good: accuracy on held-out data",
            summary=("a model fit with no holdout reports its training score: 100% on random "
                     "labels, chance on new data"))


def holdout_fix(fit):
    """``validation_split=0.2`` on a ``fit()`` that is given labels next to its inputs: arrays,
    then. A dataset or generator (no ``y``) cannot be split, Keras raises (KC503)."""
    if getattr(fit.x, "is_dataset", False) or not fixes.passes_argument(fit, "y", 1):
        return None
    return fixes.set_keyword(fit, "validation_split", "0.2", position=6,
                             applicability=fixes.UNSAFE)
