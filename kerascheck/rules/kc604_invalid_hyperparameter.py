"""KC604 invalid-hyperparameter."""

from __future__ import annotations

import libcst as cst

from kerascheck.facts import FileFacts
from kerascheck.proofkit import Evidence, fit_quietly, load_tensorflow
from kerascheck.rules.base import Rule

# fit(x, y, batch_size, epochs, verbose, callbacks, validation_split, ...)
FIT_POSITIONS = {"batch_size": 2, "epochs": 3, "validation_split": 6}


def _number(value: object):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return None


def _literal(node) -> bool:
    """Whether an argument is a number written in the call (``epochs=0``, ``-1``)."""
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        node = node.expression
    return isinstance(node, (cst.Integer, cst.Float))


class InvalidHyperparameter(Rule):
    """
    ## What it does
    Finds literal hyper-parameters no training can use: an optimizer's learning rate of zero
    or less, `epochs` or `batch_size` of zero or less in `fit()`, and a `validation_split`
    below 0 or of 1 and more (0 means "no validation" and is allowed). A `fit()` under an `if`
    or in a loop is judged on the numbers written in it only: a setting read from a name may
    be the switch its test reads (`EPOCHS = -100` meaning "load saved weights instead", with
    the fit under `if EPOCHS > 0:`).

    ## Why is this bad?
    A learning rate of zero never moves the weights; a negative one climbs the loss instead of
    descending it, so the model gets worse at every step while the code looks normal. `epochs=0`
    trains nothing, a batch size of zero or less makes no batches, and a validation split of 1
    leaves no training data (Keras raises).

    ## Example
    ```python
    import numpy as np
    from tensorflow import keras

    x = np.random.rand(200, 8)
    y = x.sum(axis=1)
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=-0.01), loss="mse")
    ```

    ## Use instead
    ```python
    import numpy as np
    from tensorflow import keras

    x = np.random.rand(200, 8)
    y = x.sum(axis=1)
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
    ```

    ## Fix safety
    No automatic fix: the intended value is not known.

    ## Runtime evidence
    The proof trains a linear regression with SGD at learning rates -0.01 and 0.01 for the same
    steps: the loss grows with the negative rate and falls with the positive one.

    ## References
    - Keras API: `keras.optimizers.SGD` (`learning_rate`), `Model.fit` (`epochs`,
      `batch_size`, `validation_split`: "Float between 0 and 1").
    """

    code = "KC604"
    name = "invalid-hyperparameter"
    summary = "A learning rate, epoch count, batch size or validation split no training can use."

    invalid = (
        """
from tensorflow import keras
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0), loss="mse")  # expect: KC604
model.fit(x, y, epochs=0, batch_size=32)  # expect: KC604
model.fit(x, y, 0, 10)  # expect: KC604
model.fit(x, y, epochs=5, validation_split=1.2)  # expect: KC604
""",
        """
import keras
opt = keras.optimizers.RMSprop(-1e-3)  # expect: KC604
legacy = keras.optimizers.SGD(lr=-0.1)  # expect: KC604
""",
        # a name of no switch: the fit runs with it
        """
from tensorflow import keras
EPOCHS = 0
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=EPOCHS)  # expect: KC604
if retrain:
    model.fit(x, y, epochs=-1)  # expect: KC604
""",
    )
    valid = (
        # a negative setting as a switch: the fit runs only when it is positive
        """
from tensorflow import keras
EPOCHS = -100  # negative: load the saved weights instead of training
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
if EPOCHS > 0:
    model.fit(x, y, epochs=EPOCHS)
else:
    model.load_weights("weights.h5")
""",
        """
from tensorflow import keras
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="mse")
model.fit(x, y, epochs=10, batch_size=32, validation_split=0.2)
""",
        # validation_split=0 means none; values from variables are unknown
        """
import keras
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="mse")
model.fit(x, y, epochs=args.epochs, validation_split=0.0, initial_epoch=0)
""",
        # a warmup from 0 to its target (checked on Keras 3.15: 0, then 5e-4, then 1e-3)
        """
import keras
steps = 1000
schedule = keras.optimizers.schedules.CosineDecay(0.0, steps, warmup_target=1e-3, warmup_steps=100)
optimizer = keras.optimizers.Adam(learning_rate=schedule)
""",
        # scikit-learn's fit and a learning-rate schedule are not optimizer rates
        """
import keras
from sklearn.linear_model import SGDRegressor
SGDRegressor(eta0=0.0).fit(x, y)
schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.0)
""",
    )

    def check_file(self, facts: FileFacts):
        # fits under an ``if`` or in a loop: a setting read from a name may be the switch that
        # test reads (``EPOCHS = -100`` meaning "load the weights", under ``if EPOCHS > 0:``)
        guarded = {id(fit.node) for model in facts.models for fit in model.fits if fit.conditional}
        for call in facts.keras_calls:
            namespace, _, leaf = call.callee.partition(".")
            if namespace == "optimizers" and leaf[:1].isupper():
                yield from self._learning_rate(call)
            elif call.callee in ("Model.fit", "Model.fit_generator"):
                yield from self._fit(call, id(call.node) in guarded)

    def _learning_rate(self, call):
        for keyword in ("learning_rate", "lr"):
            if keyword in call.arguments:
                rate, target = _number(call.arguments[keyword]), call.argument_node(keyword)
                break
        else:
            rate = _number(call.positional[0]) if call.positional else None
            target = call.node
        warmup = _number(call.arguments.get("warmup_target"))
        if rate == 0 and warmup is not None and warmup > 0:
            return  # CosineDecay(0.0, ..., warmup_target=1e-3): a warmup that starts at 0
        if rate is not None and rate <= 0:
            effect = "never moves the weights" if rate == 0 else \
                "climbs the loss instead of descending it"
            yield self.finding(
                target or call.node,
                f"A learning rate of {rate} {effect}; use a positive rate (Adam's default is "
                f"0.001)")

    def _fit(self, call, guarded: bool):
        for keyword, position in FIT_POSITIONS.items():
            if keyword in call.arguments:
                value, target = _number(call.arguments[keyword]), call.argument_node(keyword)
                written = target.value if target is not None else None
            elif position < len(call.positional):
                value, target = _number(call.positional[position]), call.node
                written = call.node.args[position].value if isinstance(call.node, cst.Call) \
                    and position < len(call.node.args) else None
            else:
                continue
            if value is None or guarded and not _literal(written):
                continue
            if keyword == "validation_split":
                if value < 0 or value >= 1:
                    yield self.finding(
                        target or call.node,
                        f"`validation_split={value}` is outside [0, 1): it is the share of the "
                        f"training data held out, such as 0.2")
            elif value <= 0:
                yield self.finding(
                    target or call.node,
                    f"`{keyword}={value}` trains nothing; use a positive {keyword}")

    def prove(self, subject=None):
        """Train a linear regression with SGD at -0.01 and at 0.01 for the same steps."""
        if subject is not None:  # measured on its own example only: never on a user's model
            raise NotImplementedError("KC604 proves on its own example only")
        tf, keras, np = load_tensorflow(0)
        rng = np.random.default_rng(0)
        x = rng.uniform(size=(200, 8)).astype("float32")
        y = x.sum(axis=1).astype("float32")

        from kerascheck.proofkit.curves import curves_figure

        curves: dict = {}

        def losses(rate: float) -> tuple[float, float]:
            keras.utils.set_random_seed(0)
            model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="mse")
            before = float(model.evaluate(x, y, verbose=0))
            return before, fit_quietly(model, x, y, steps=30,
                                       losses=curves.setdefault(rate, []))

        bad_before, bad_after = losses(-0.01)
        good_before, good_after = losses(0.01)
        verdict = bad_after > bad_before and good_after < good_before
        return Evidence(
            code=self.code, verdict=verdict,
            summary=f"With learning rate -0.01 the loss grows from {bad_before:.3g} to "
                    f"{bad_after:.3g} in 30 steps; with 0.01 it falls from {good_before:.3g} "
                    f"to {good_after:.3g}.",
            measurements={"bad: loss before": bad_before, "bad: loss after 30 steps": bad_after,
                          "good: loss before": good_before,
                          "good: loss after 30 steps": good_after},
            figure=curves_figure("KC604: linear regression, SGD at -0.01 and at 0.01",
                                 {"bad: learning rate -0.01": curves[-0.01],
                                  "good: learning rate 0.01": curves[0.01]}, 30))
