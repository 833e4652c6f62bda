"""KC602 removed-argument."""

from __future__ import annotations

import warnings

from kerascheck import fixes
from kerascheck.analysis.targets import keras3_only_silent, tf2_removal_silent
from kerascheck.facts import FileFacts, KerasCallFact
from kerascheck.proofkit import Evidence, load_tensorflow
from kerascheck.rules.base import Rule

# Arguments only Keras 3 (and tf_keras' new optimizers) refuse; nb_epoch=, init= and
# output_dim= fail on tf_keras too (measured: TypeError for each).
KERAS3_ONLY = {"lr", "decay"}
# Layers whose Keras 1 ``output_dim`` became ``units`` (Embedding still has output_dim).
_UNITS_LAYERS = {"layers.Dense", "layers.LSTM", "layers.GRU", "layers.SimpleRNN"}
_FIT_METHODS = {"Model.fit", "Model.fit_generator"}


def _is_optimizer(call: KerasCallFact) -> bool:
    namespace, _, leaf = call.callee.partition(".")
    # legacy optimizers (tf.keras.optimizers.legacy under TF <= 2.15) still honor lr and decay
    return namespace == "optimizers" and leaf[:1].isupper() and ".legacy." not in call.qualname \
        and ".schedules." not in call.qualname and leaf not in ("Optimizer", "LossScaleOptimizer")


def _is_layer(call: KerasCallFact) -> bool:
    namespace, _, leaf = call.callee.partition(".")
    return namespace == "layers" and leaf[:1].isupper() and leaf not in ("Input", "InputLayer")


def _honored_in_tf1(old: str, call: KerasCallFact) -> bool:
    """Keras 1 spellings the Keras 2 of TensorFlow 1 still took, after a warning: ``fit``'s
    ``nb_epoch=`` in standalone Keras 2 and in TF 1's ``tf.keras`` ("Legacy support" in their
    ``fit``), ``init=``, ``output_dim=`` and ``Model``'s ``input=``/``output=`` in standalone
    Keras 2 only (its legacy interfaces; ``tf.keras`` rejects unknown keywords)."""
    return old == "nb_epoch" or old in ("init", "output_dim", "input", "output") and \
        call.qualname.startswith("keras.")


def removed_arguments(call: KerasCallFact):
    """(old keyword, new keyword or None, what Keras 3 does) for each removed argument passed."""
    found = []
    if _is_optimizer(call):
        if "lr" in call.arguments:
            found.append(("lr", "learning_rate", "raises ValueError (tf_keras' optimizers "
                                                 "silently ignore it: the rate stays at its "
                                                 "default)"))
        if "decay" in call.arguments:
            found.append(("decay", None, "ignores it after a warning (tf_keras' optimizers "
                                         "raise ValueError)"))
    if call.callee in _FIT_METHODS and "nb_epoch" in call.arguments:
        found.append(("nb_epoch", "epochs", "raises TypeError (so does tf_keras)"))
    if _is_layer(call) and "init" in call.arguments:
        found.append(("init", "kernel_initializer", "raises ValueError (tf_keras TypeError)"))
    if call.callee in _UNITS_LAYERS and "output_dim" in call.arguments:
        found.append(("output_dim", "units", "raises TypeError (so does tf_keras)"))
    if call.callee == "models.Model":  # Keras 1's names for a functional model's ends
        found.extend((old, f"{old}s", "raises ValueError (tf_keras TypeError)")
                     for old in ("input", "output") if old in call.arguments)
    return found


class RemovedArgument(Rule):
    """
    ## What it does
    Finds arguments Keras no longer honors:

    | argument | on | instead | Keras 3 | tf_keras 2.21 |
    | --- | --- | --- | --- | --- |
    | `lr=` | optimizers | `learning_rate=` | `ValueError` | silently ignored |
    | `nb_epoch=` | `fit()` | `epochs=` | `TypeError` | `TypeError` |
    | `init=` | layers | `kernel_initializer=` | `ValueError` | `TypeError` |
    | `output_dim=` | `Dense`, `LSTM`, `GRU`, `SimpleRNN` | `units=` | `TypeError` | `TypeError` |
    | `decay=` | optimizers | a `LearningRateSchedule` | ignored after a warning | `ValueError` |
    | `input=`, `output=` | `Model(...)` | `inputs=`, `outputs=` | `ValueError` | `TypeError` |

    Legacy optimizers (`tf.keras.optimizers.legacy`) still accept `lr` and `decay` and are not
    reported; `Embedding(output_dim=...)` is current API. Under `target-version = "keras2"`
    `lr=` and `decay=` are not reported (Keras 2 honored them through TensorFlow 2.10, and its
    legacy optimizers still do); the Keras 1 names fail there too and stay reported. Under
    `target-version = "tf1"` the Keras 1 names standalone Keras 2 still took after a warning
    (`nb_epoch=`; `init=`, `output_dim=`, `Model(input=, output=)` from `keras`, not `tf.keras`)
    are not reported.

    ## Why is this bad?
    These names come from Keras 1 and 2 tutorials. Keras 3 rejects the renamed ones outright, so
    the script stops at that line. `decay=` is worse: Keras 3 prints a warning and trains with a
    constant learning rate, so the schedule the author asked for silently never happens.

    ## Example
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(8,)),
        tf.keras.layers.Dense(1, init='uniform'),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(lr=0.001), loss='mse')
    model.fit(x_train, y_train, nb_epoch=10, validation_split=0.2)
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(8,)),
        tf.keras.layers.Dense(1, kernel_initializer='uniform'),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.001), loss='mse')
    model.fit(x_train, y_train, epochs=10, validation_split=0.2)
    ```

    ## Fix safety
    Safe for the renames (`lr`, `nb_epoch`, `init`, `output_dim`, `input`, `output`): the new
    keyword means what the old one meant, and the old call could not run. `decay=` has no
    automatic fix: the equivalent schedule (`InverseTimeDecay`) has to be written by hand.

    ## Runtime evidence
    The proof passes each removed argument to Keras 3: `Adam(lr=...)`, `Dense(init=...)` and
    `Model(input=..., output=...)` raise `ValueError`, `Dense(output_dim=...)` and
    `fit(nb_epoch=...)` raise `TypeError`, and `SGD(decay=...)` only warns, leaving the learning rate unchanged after training steps.

    ## References
    - Keras 3 release notes and the migration guide "Migrating from Keras 2 to Keras 3".
    - Keras API: `keras.optimizers.Adam` (`learning_rate`), `Model.fit` (`epochs`),
      `keras.optimizers.schedules.InverseTimeDecay`.
    """

    code = "KC602"
    name = "removed-argument"
    summary = "An argument Keras no longer honors, such as lr=, nb_epoch=, init= or decay=."
    fix_applicability = "safe"

    invalid = (
        """
from tensorflow import keras
from tensorflow.keras.optimizers import SGD
model = keras.Sequential([keras.Input(shape=(8,)),
                          keras.layers.Dense(output_dim=16, activation="relu"),  # expect: KC602
                          keras.layers.Dense(1)])
model.compile(optimizer=SGD(lr=0.01, momentum=0.9), loss="mse")  # expect: KC602
model.fit(x_train, y_train, nb_epoch=20, validation_split=0.2)  # expect: KC602
""",
        # decay is silently ignored
        """
import tensorflow as tf
opt = tf.keras.optimizers.Adam(learning_rate=0.01, decay=1e-6)  # expect: KC602
""",
        # Keras 1 style layer arguments
        """
from keras.models import Sequential
from keras.layers import Dense
model = Sequential()
model.add(Dense(12, input_dim=8, init='uniform', activation='relu'))  # expect: KC602
""",
        # Keras 1's names for a functional model's inputs and outputs
        """
from keras.layers import Input, Dense
from keras.models import Model
features = Input(shape=(8,))
model = Model(input=features,  # expect: KC602
              output=Dense(1, activation="sigmoid")(features))  # expect: KC602
""",
    )
    valid = (
        # the current names
        """
import tensorflow as tf
opt = tf.keras.optimizers.Adam(learning_rate=0.001)
model = tf.keras.Sequential([tf.keras.Input(shape=(8,)), tf.keras.layers.Dense(units=1,
                             kernel_initializer="he_normal")])
model.compile(optimizer=opt, loss="mse")
model.fit(x_train, y_train, epochs=10, validation_split=0.2)
""",
        # Embedding's output_dim, schedules' decay arguments, legacy optimizers
        """
import tensorflow as tf
embed = tf.keras.layers.Embedding(input_dim=10000, output_dim=64)
schedule = tf.keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1000, decay_rate=0.9)
legacy = tf.keras.optimizers.legacy.SGD(lr=0.01, decay=1e-6)
""",
        # not Keras: scikit-learn and other libraries with similar keywords
        """
from sklearn.neural_network import MLPClassifier
import keras
clf = MLPClassifier(learning_rate_init=0.01)
clf.fit(X, y)
trainer = make_trainer(lr=0.1, nb_epoch=3)
trainer.fit(X, y, nb_epoch=3)
""",
    )

    def check_file(self, facts: FileFacts):
        for call in facts.keras_calls:
            for old, new, behaviour in removed_arguments(call):
                if old in KERAS3_ONLY and keras3_only_silent(facts.target_version):
                    # Keras 2 through TF 2.10 and its legacy optimizers honor lr= and decay=
                    continue
                if tf2_removal_silent(facts.target_version) and _honored_in_tf1(old, call):
                    continue
                arg = call.argument_node(old)
                if arg is None:
                    continue
                if new is None:
                    message = (f"`{old}=` is no longer supported: Keras 3 {behaviour}, so the "
                               f"learning rate never decays; pass a schedule such as "
                               f"`keras.optimizers.schedules.InverseTimeDecay` as "
                               f"`learning_rate=`")
                    fix = None
                else:
                    message = f"`{old}=` was renamed `{new}=`; Keras 3 {behaviour}"
                    fix = fixes.rename_keyword(call.node, old, new)
                yield self.finding(arg, message, fix=fix)

    def prove(self, subject=None):
        if subject is not None:  # the construct taken from the user's code
            from kerascheck.proofkit.constructs import construct_evidence

            return construct_evidence(self.code, subject, ("ValueError", "TypeError"), ignored_keyword="lr", warned_keyword="decay")
        tf, keras, np = load_tensorflow(0)
        x = np.zeros((8, 4), dtype="float32")
        y = np.zeros((8, 1), dtype="float32")
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        bad = {
            "Adam(lr=0.01)": _exception(lambda: keras.optimizers.Adam(lr=0.01)),
            "Dense(1, init='uniform')": _exception(lambda: keras.layers.Dense(1, init="uniform")),
            "Dense(output_dim=1)": _exception(lambda: keras.layers.Dense(output_dim=1)),
            "fit(nb_epoch=1)": _exception(lambda: model.fit(x, y, nb_epoch=1, verbose=0)),
            "Model(input=..., output=...)": _exception(
                lambda: keras.Model(input=model.inputs, output=model.outputs)),
        }
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            decaying = keras.optimizers.SGD(learning_rate=0.1, decay=0.5)
        decay_model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
        decay_model.compile(optimizer=decaying, loss="mse")
        decay_model.fit(x, y, epochs=3, batch_size=4, verbose=0)
        rate_after = float(keras.ops.convert_to_numpy(decaying.learning_rate))
        warned = any("decay" in str(w.message) for w in caught)
        good = _exception(lambda: (keras.optimizers.Adam(learning_rate=0.01),
                                   keras.layers.Dense(units=1, kernel_initializer="uniform"),
                                   model.fit(x, y, epochs=1, verbose=0)))
        verdict = all(o is not None and o[0] in ("ValueError", "TypeError")
                      for o in bad.values()) and warned and abs(rate_after - 0.1) < 1e-6 \
            and good is None
        measurements = {f"bad: {call}": f"{o[0]}: {o[1]}" if o else "accepted"
                        for call, o in bad.items()}
        measurements["bad: SGD(decay=0.5) learning rate after 6 steps"] = rate_after
        measurements["good: learning_rate=, kernel_initializer=, units=, epochs="] = \
            "run" if good is None else f"{good[0]}: {good[1]}"
        return Evidence(code=self.code, verdict=verdict,
                        summary="Keras 3 rejects lr, init, output_dim, nb_epoch and Model's "
                                "input/output, and ignores decay: the learning rate stays 0.1 "
                                "after training.",
                        measurements=measurements)


def _exception(action):
    try:
        action()
    except Exception as error:  # the proof reports whatever Keras raises
        return type(error).__name__, str(error).strip().splitlines()[0][:120]
    return None
