"""KC204 excessive-dropout."""

from __future__ import annotations

from kerascheck.facts import FileFacts
from kerascheck.proofkit import Evidence, exception_of, fit_quietly, load_tensorflow
from kerascheck.rules.base import Rule

DROPOUT_LAYERS = {"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
                  "AlphaDropout"}
EXCESSIVE = 0.8


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class ExcessiveDropout(Rule):
    """
    ## What it does
    Finds a `Dropout` layer (or `SpatialDropout*D`, `AlphaDropout`) whose literal rate is 0.8
    or more, or outside [0, 1]. A layer line built with several rates, some of them usual (a
    builder called with `droprate=0.0`, `0.2`, `0.5`, `0.8`), is a sweep: its high end is left
    alone.

    ## Why is this bad?
    The rate is the share of units *dropped*, not kept: `Dropout(0.9)` zeroes nine units in ten
    at every training step, so each step learns from a tenth of the signal and training crawls
    or stalls. It is often written by someone who meant "keep 90 %" (TensorFlow 1's
    `keep_prob`). A rate of 1 drops everything; one above 1 or below 0 is rejected by Keras with
    `ValueError`.
    Rates of 0.2 to 0.5 are the usual range.

    ## Example
    ```python
    from tensorflow import keras

    model = keras.Sequential([
        keras.Input(shape=(20,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dropout(0.9),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    ```

    ## Use instead
    ```python
    from tensorflow import keras

    model = keras.Sequential([
        keras.Input(shape=(20,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dropout(0.1),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    ```

    ## Fix safety
    No automatic fix: whether 0.9 meant "keep 90 %" (rate 0.1) or a strong regularizer is the
    author's call.

    ## Runtime evidence
    The proof trains the same network with dropout 0.9 and 0.1 for the same number of steps
    and compares their training losses, and shows the `ValueError` Keras raises for a rate
    of 1.5.

    ## References
    - Keras API: `keras.layers.Dropout` ("rate: Float between 0 and 1. Fraction of the input
      units to drop").
    - Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks from Overfitting",
      JMLR 2014 (retention probabilities of 0.5 to 0.8 for hidden units).
    """

    code = "KC204"
    name = "excessive-dropout"
    summary = "A dropout rate of 0.8 or more drops most units at every step; past 1 Keras raises."

    invalid = (
        """
from tensorflow import keras
model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dropout(0.8),  # expect: KC204
    keras.layers.Dense(10, activation="softmax"),
])
""",
        """
from keras.layers import Dense, Dropout, SpatialDropout2D
keep_prob = Dropout(rate=0.95)  # expect: KC204
spatial = SpatialDropout2D(1.0)  # expect: KC204
negative = Dropout(-0.2)  # expect: KC204
""",
    )
    valid = (
        """
from tensorflow import keras
model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dropout(0.5),
    keras.layers.Dense(10, activation="softmax"),
])
""",
        # rates from variables or a config are unknown; 0 is a no-op, not an error
        """
import keras
def block(rate):
    return keras.layers.Dropout(rate)
off = keras.layers.Dropout(0.0)
config = {"dropout": 0.9}
layer = keras.layers.Dropout(config["dropout"])
""",
        # a sweep: one builder's Dropout line trained with several rates, a high one among them
        """
import keras
def make_model(droprate):
    return keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(16, activation="relu"),
                             keras.layers.Dropout(droprate), keras.layers.Dense(1)])
light, usual, heavy = make_model(droprate=0.2), make_model(droprate=0.5), make_model(droprate=0.8)
""",
        # recurrent dropout and a local class named Dropout are other things
        """
import keras
class Dropout:
    def __init__(self, rate):
        self.rate = rate
d = Dropout(0.9)
lstm = keras.layers.LSTM(32, dropout=0.2, recurrent_dropout=0.3)
""",
    )

    def check_file(self, facts: FileFacts):
        calls = []
        for call in facts.keras_calls:
            namespace, _, leaf = call.callee.partition(".")
            if namespace != "layers" or leaf not in DROPOUT_LAYERS:
                continue
            if "rate" in call.arguments:
                rate, target = call.arguments["rate"], call.argument_node("rate")
            elif call.positional:
                rate, target = call.positional[0], call.node
            else:
                continue
            if _is_number(rate):
                calls.append((call, leaf, rate, target))
        # one layer line built with several rates (a builder called with droprate=0.0, 0.2,
        # 0.5, 0.8): a sweep, whose high end is the author's experiment
        rates: dict = {}
        for call, _, rate, _ in calls:
            rates.setdefault(id(call.node), set()).add(rate)
        for call, leaf, rate, target in calls:
            if len(rates[id(call.node)]) > 1 and min(rates[id(call.node)]) < EXCESSIVE and \
                    0 <= rate <= 1:
                continue
            if rate < 0 or rate > 1:
                yield self.finding(
                    target or call.node,
                    f"A dropout rate of {rate} is outside [0, 1]: Keras raises `ValueError`; the "
                    f"rate is the share of units dropped (0.2 to 0.5 is usual)")
            elif rate >= EXCESSIVE:
                yield self.finding(
                    target or call.node,
                    f"`{leaf}({rate})` drops {rate:.0%} of the units at every step, so "
                    f"training crawls; the rate is the share dropped, not kept (for "
                    f"\"keep {rate:.0%}\" write `{leaf}({1 - rate:.2g})`)")

    def prove(self, subject=None):
        """Train one network with dropout 0.9 and with 0.1 for the same steps; build a dropout
        of rate 1.5."""
        if subject is not None:  # measured on its own example only: never on a user's model
            raise NotImplementedError("KC204 proves on its own example only")
        from kerascheck.proofkit.curves import curves_figure

        tf, keras, np = load_tensorflow(0)
        rng = np.random.default_rng(0)
        x = rng.normal(size=(512, 20)).astype("float32")
        y = (x[:, :3].sum(axis=1) > 0).astype("float32")

        curves: dict = {}

        def loss_after_training(rate: float) -> float:
            keras.utils.set_random_seed(0)
            model = keras.Sequential([keras.Input(shape=(20,)),
                                      keras.layers.Dense(64, activation="relu"),
                                      keras.layers.Dropout(rate),
                                      keras.layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
            fit_quietly(model, x, y, steps=60, losses=curves.setdefault(rate, []))
            # the loss while training, with dropout active, is what the optimizer sees
            return float(model.compute_loss(x=x, y=y[:, None],
                                            y_pred=model(x, training=True)))

        bad_loss, good_loss = loss_after_training(0.9), loss_after_training(0.1)
        error = exception_of(lambda: keras.layers.Dropout(1.5))
        verdict = bad_loss > 1.5 * good_loss and error is not None
        return Evidence(
            code=self.code, verdict=verdict,
            summary=f"After 60 steps the training loss with dropout 0.9 is {bad_loss:.3f} "
                    f"against {good_loss:.3f} with 0.1; `Dropout(1.5)` raises "
                    f"{error[0] if error else 'nothing'}.",
            measurements={"bad: training loss after 60 steps (rate 0.9)": bad_loss,
                          "good: training loss after 60 steps (rate 0.1)": good_loss,
                          "Dropout(1.5)": f"{error[0]}: {error[1]}"[:160] if error
                          else "accepted"},
            figure=curves_figure("KC204: the same network trained with dropout 0.9 and 0.1",
                                 {"bad: dropout 0.9": curves[0.9],
                                  "good: dropout 0.1": curves[0.1]}, 60))
