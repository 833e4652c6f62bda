"""KC603 high-learning-rate."""

from __future__ import annotations

import libcst as cst

from kerascheck.analysis.syntax import callee_name
from kerascheck.analysis.task import reconstructs_input
from kerascheck.facts import LINEAR, TRANSPARENT_LAYERS, FileFacts, ModelFact, known
from kerascheck.proofkit import Evidence, load_tensorflow
from kerascheck.rules.base import Rule

# Learning rates at or above these are far outside each optimizer's working range (their
# defaults are 0.001 for the adaptive ones and 0.01 for SGD).
LIMITS = {"adam": 0.1, "adamw": 0.1, "adamax": 0.1, "nadam": 0.1, "rmsprop": 0.1, "sgd": 1.0}


def too_high(optimizer: object, rate: object) -> bool:
    """Whether ``rate`` is at or above the limit of the optimizer named ``optimizer``."""
    if not isinstance(optimizer, str) or isinstance(rate, bool) or \
            not isinstance(rate, (int, float)):
        return False
    limit = LIMITS.get(optimizer.lower())
    return limit is not None and rate >= limit


def _is_shallow(model: ModelFact) -> bool:
    """A model with at most one weighted layer and no unknown one: a linear or logistic
    regression, which Adam at 0.1 trains well."""
    if not model.exact or any(not known(layer.kind) for layer in model.layers):
        return False
    weighted = [layer for layer in model.layers
                if layer.is_dense or str(layer.kind).startswith(("Conv", "Separable", "Depthwise"))
                or layer.is_kind(*_WEIGHTED)]
    if len(weighted) <= 1:
        return True
    # a stack of linear Dense layers computes one affine map: a linear regression in disguise
    # (KC201's finding), as easy for Adam at 0.1 as the one-layer model
    return all(layer.is_dense and layer.activation == LINEAR for layer in weighted) and all(
        layer.is_dense or layer.is_kind(*TRANSPARENT_LAYERS) for layer in model.layers)


# An optimizer's own clipping, and the calls that clip a training loop's gradients by hand
CLIPPING_ARGUMENTS = {"clipnorm", "clipvalue", "global_clipnorm"}
GRADIENT_CLIPPERS = {"clip_by_global_norm", "clip_by_norm", "clip_by_average_norm"}


def _other_calls(facts: FileFacts) -> tuple[set[int], bool]:
    """One walk over the file's calls for what bounds a rate's effect beyond the optimizer:

    - the optimizer calls written as an argument (or in a list or tuple argument) of a call
      that is neither Keras nor a ``compile``: ``GanTrainer(player_optimizers=[SGD(1),
      SGD(1)])`` hands the optimizer to another library, whose use of its rate the file does
      not show;
    - whether the file clips gradients itself: ``tf.clip_by_global_norm(grads, 5)`` or a helper
      named for it (``grad_clipping(grads, theta)``, d2l's RNN chapters, which train with SGD
      at 100 on gradients clipped to a norm of 0.01: every step is small by design). Clipping
      data (``np.clip(x, 0, 1)``, ``tf.clip_by_value``) does not count."""
    keras_nodes = {id(call.node) for call in facts.keras_calls}
    handed: set[int] = set()
    clipping = []

    class Calls(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            leaf = callee_name(node)
            if leaf in GRADIENT_CLIPPERS or "clip" in leaf.lower() and "grad" in leaf.lower():
                clipping.append(node)
            # (a callee that is neither a name nor an attribute, "", hands nothing over)
            if id(node) in keras_nodes or leaf in ("", "compile"):
                return
            for arg in node.args:
                values = [element.value for element in arg.value.elements] if isinstance(
                    arg.value, (cst.List, cst.Tuple)) else [arg.value]
                handed.update(id(value) for value in values if isinstance(value, cst.Call))

    if facts.module is not None:
        facts.module.visit(Calls())
    return handed, bool(clipping)


_WEIGHTED = {"Embedding", "LSTM", "GRU", "SimpleRNN", "Bidirectional", "MultiHeadAttention",
             "EinsumDense", "LocallyConnected1D", "LocallyConnected2D"}


def _message(optimizer: str, rate: float) -> str:
    limit = LIMITS[optimizer.lower()]
    usual = "0.01 to 0.1" if optimizer.lower() == "sgd" else "1e-4 to 1e-2"
    return (f"learning_rate={rate:g} is far above {optimizer}'s working range (at or above "
            f"{limit:g} training diverges or stalls); try {usual}")


class HighLearningRate(Rule):
    """
    ## What it does
    Finds a literal learning rate far above the optimizer's working range: 0.1 or more for
    `Adam`, `AdamW`, `Adamax`, `Nadam` and `RMSprop`, 1.0 or more for `SGD`. Learning rates from
    variables, schedules and other optimizers are not judged, and neither are optimizers that
    only train models without a hidden layer: a linear or logistic regression takes such steps
    well (the TensorFlow regression tutorial fits one with Adam at 0.1). Nor are clipped steps:
    an optimizer with `clipnorm=`, `clipvalue=` or `global_clipnorm=`, or any optimizer of a
    file that clips its gradients itself (`tf.clip_by_global_norm`, a `grad_clipping` helper:
    the d2l book's RNNs train with SGD at 100 on gradients clipped to a norm of 0.01). Nor is
    `SGD` that only trains autoencoders (`fit(x, x)`): their per-pixel loss is a mean over
    hundreds of outputs, so each gradient is that much smaller (Géron's stacked autoencoders
    train with `SGD(1.5)` and converge).

    ## Why is this bad?
    The adaptive optimizers scale each step to roughly the learning rate itself, so with 0.1 or
    more every weight jumps by about that much per step: the loss oscillates, explodes to `nan`,
    or ReLU units die and training stalls at a poor value. Their defaults (0.001) are a good
    start; SGD usually works between 0.01 and 0.1.

    ## Example
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(20,)),
        tf.keras.layers.Dense(64, activation='relu'),
        tf.keras.layers.Dense(1),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1.0), loss='mse')
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(20,)),
        tf.keras.layers.Dense(64, activation='relu'),
        tf.keras.layers.Dense(1),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.001), loss='mse')
    ```

    ## Fix safety
    No automatic fix: the right learning rate depends on the model and the data.

    ## Runtime evidence
    The proof trains the same regression model with Adam at 1.0 and at 0.01 for the same
    number of steps: the high rate ends with a loss two orders of magnitude above the other's
    (or `nan`), while 0.01 fits the data.

    ## References
    - Keras API: `keras.optimizers.Adam` (`learning_rate` defaults to 0.001),
      `keras.optimizers.SGD` (0.01).
    - Kingma and Ba, "Adam: A Method for Stochastic Optimization" (ICLR 2015): "good default
      settings ... α = 0.001".
    """

    code = "KC603"
    name = "high-learning-rate"
    summary = "A learning rate far above the optimizer's working range: training diverges."

    invalid = (
        """
from tensorflow import keras
model = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.5), loss="mse")  # expect: KC603
""",
        # a custom training loop and a constant learning rate
        """
import tensorflow as tf
LEARNING_RATE = 2
optimizer = tf.keras.optimizers.SGD(learning_rate=LEARNING_RATE)  # expect: KC603
other = tf.keras.optimizers.RMSprop(0.1)  # expect: KC603
""",
    )
    valid = (
        # clipped steps: the optimizer's own clip, or gradients clipped by hand in the loop
        """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input(shape=(8,)),
                             tf.keras.layers.Dense(16, activation="relu"), tf.keras.layers.Dense(1)])
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=5.0, clipnorm=0.1), loss="mse")
""",
        """
import tensorflow as tf
def grad_clipping(grads, theta):
    return [g * theta / tf.norm(g) for g in grads]
def train(model, batches, lr):
    optimizer = tf.keras.optimizers.SGD(learning_rate=lr)
    for x, y in batches:
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((model(x) - y) ** 2)
        grads = grad_clipping(tape.gradient(loss, model.trainable_variables), 0.01)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
train(tf.keras.Sequential([tf.keras.layers.Dense(16, activation="relu"), tf.keras.layers.Dense(1)]),
      [], 100.0)
""",
        # working learning rates, including a brisk SGD
        """
import tensorflow as tf
a = tf.keras.optimizers.Adam(learning_rate=3e-4)
b = tf.keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
c = tf.keras.optimizers.RMSprop(0.01)
""",
        # schedules and variables are not judged; Adadelta historically used 1.0
        """
import keras
schedule = keras.optimizers.schedules.ExponentialDecay(0.5, decay_steps=1000, decay_rate=0.9)
a = keras.optimizers.Adam(learning_rate=schedule)
b = keras.optimizers.Adadelta(learning_rate=1.0)
def make(rate):
    return keras.optimizers.Adam(learning_rate=rate)
""",
        # a linear model: big steps are fine (TensorFlow's "Basic regression" tutorial)
        """
import tensorflow as tf
normalizer = tf.keras.layers.Normalization(input_shape=[1, ], axis=None)
linear = tf.keras.Sequential([normalizer, tf.keras.layers.Dense(units=1)])
linear.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.1), loss="mean_absolute_error")
""",
        # three linear Dense layers are still one affine map (KC201 says so): as easy as one
        """
import tensorflow as tf
first, second = tf.keras.layers.Dense(4, input_shape=[1]), tf.keras.layers.Dense(4)
stacked = tf.keras.Sequential([first, second, tf.keras.layers.Dense(1)])
stacked.compile(loss="mean_squared_error", optimizer=tf.keras.optimizers.Adam(0.1))
""",
        # SGD training an autoencoder on its own inputs: the per-pixel loss is a mean
        """
from tensorflow import keras
(x_train, _), (x_valid, _) = keras.datasets.mnist.load_data()
x_train, x_valid = x_train / 255.0, x_valid / 255.0
inputs = keras.Input(shape=(28, 28))
code = keras.layers.Dense(30, activation="selu")(keras.layers.Flatten()(inputs))
pixels = keras.layers.Reshape((28, 28))(keras.layers.Dense(784, activation="sigmoid")(code))
autoencoder = keras.Model(inputs, pixels)
autoencoder.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=1.5))
autoencoder.fit(x_train, x_train, epochs=20, validation_data=(x_valid, x_valid))
""",
        # an optimizer handed to another library's trainer: what it does with the rate is unknown
        """
import keras
from gamelib import TwoPlayerTrainer
trainer = TwoPlayerTrainer(players=[a, b],
                           optimizers=[keras.optimizers.SGD(1), keras.optimizers.SGD(1)])
""",
        # not Keras: other libraries' learning rates
        """
import keras
from sklearn.ensemble import GradientBoostingClassifier
import torch
clf = GradientBoostingClassifier(learning_rate=0.5)
opt = torch.optim.Adam(params, lr=0.5)
""",
    )

    def check_file(self, facts: FileFacts):
        # optimizers passed to code that is not Keras, and whether the file clips its gradients
        # itself (found on demand)
        others = None
        trained = {}  # optimizer constructor node -> the models compiled with it
        for model in facts.models:
            for compile_fact in model.compiles:
                if compile_fact.optimizer.node is not None:
                    trained.setdefault(id(compile_fact.optimizer.node), []).append(model)
        for call in facts.keras_calls:
            namespace, _, leaf = call.callee.partition(".")
            if namespace != "optimizers" or leaf.lower() not in LIMITS:
                continue
            if "learning_rate" in call.arguments:
                rate, arg = call.arguments["learning_rate"], call.argument_node("learning_rate")
            elif "lr" in call.arguments:
                rate, arg = call.arguments["lr"], call.argument_node("lr")
            elif call.positional:
                rate = call.positional[0]
                arg = next((a for a in call.node.args if a.keyword is None and not a.star), None)
            else:
                continue
            models = trained.get(id(call.node), [])
            if models and all(_is_shallow(model) for model in models):
                continue  # a linear model takes big steps well (the TF regression tutorial)
            if models and leaf.lower() == "sgd" and all(map(reconstructs_input, models)):
                continue  # an autoencoder's loss is a mean over its outputs: small gradients
            if arg is not None and too_high(leaf, rate):
                others = others or _other_calls(facts)
                if id(call.node) in others[0]:
                    continue  # what another library's trainer makes of the rate is unknown
                if CLIPPING_ARGUMENTS & set(call.arguments) or others[1]:
                    continue  # clipped steps: a large rate is bounded by the clip
                yield self.finding(arg.value, _message(leaf, rate))
        for model in facts.models:
            yield from self.check_model(model)

    def check_model(self, model: ModelFact):
        """At runtime: the compiled optimizer's learning rate (static calls are judged above)."""
        for compile_fact in model.compiles:
            optimizer = compile_fact.optimizer
            if optimizer.node is None and known(optimizer.name) and not _is_shallow(model) \
                    and too_high(optimizer.name, optimizer.learning_rate):
                yield self.finding(compile_fact.node,
                                   _message(optimizer.name, optimizer.learning_rate))

    def prove(self, subject=None):
        """Train a small regression net with Adam at 1.0 and at 0.01. On a user's model: its
        rebuilt model, compiled as written, trained from one start with its own learning rate
        and with a sane one (0.01)."""
        if subject is not None:
            return _prove_on_model(self.code, subject)
        from kerascheck.proofkit.curves import curves_figure
        from kerascheck.proofkit.training import train_from_one_start

        _, keras, np = load_tensorflow(0)
        rng = np.random.default_rng(0)
        x = rng.normal(size=(256, 20)).astype("float32")
        y = (x @ rng.normal(size=(20, 1))).astype("float32")

        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input(shape=(20,)),
                                  keras.layers.Dense(64, activation="relu"),
                                  keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=1.0), loss="mse")

        def set_rate(index, candidate):  # the same model and start, the rate alone differs
            candidate.optimizer.learning_rate.assign(1.0 if index == 0 else 0.01)

        (bad, bad_curve), (good, good_curve) = train_from_one_start(
            model, [(x, y), (x, y)], 80, batch_size=16, before_run=set_rate)
        baseline = float(np.var(y))  # the loss of always predicting the mean
        verdict = not np.isfinite(bad) or bad > 10 * good  # diverged, or far behind
        return Evidence(code=self.code, verdict=verdict,
                        summary=f"After 80 steps Adam at 1.0 ends with loss {bad:.3g}, "
                                f"{bad / good:.0f} times the {good:.3g} it reaches at 0.01 "
                                f"(predicting the mean scores {baseline:.3g}).",
                        measurements={"bad: final loss, Adam(learning_rate=1.0)": bad,
                                      "good: final loss, Adam(learning_rate=0.01)": good,
                                      "loss of predicting the mean": baseline},
                        figure=curves_figure("KC603: one model, Adam at 1.0 and at 0.01",
                                             {"bad: learning rate 1.0": bad_curve,
                                              "good: learning rate 0.01": good_curve}, 80))


# The sane twin of a user's rate, for every optimizer: SGD's default (the adaptive ones default
# to 0.001, too slow in 100 steps to compare with)
SANE_RATE = 0.01


def _prove_on_model(code: str, subject):
    """The user's model trained with the user's learning rate and with the optimizer's default,
    from the same initial weights, on data of its task (a linear teacher's targets or classes)."""
    from kerascheck import proofkit
    from kerascheck.proofkit.curves import curves_figure, training_budget
    from kerascheck.proofkit.training import train_from_one_start

    _, _, np = load_tensorflow(0)
    model = subject.model
    compile_fact = subject.fact.compile
    rate = compile_fact.optimizer.learning_rate if compile_fact is not None else None
    name = compile_fact.optimizer.name if compile_fact is not None else None
    if not getattr(model, "compiled", False) or not isinstance(rate, (int, float)) or \
            not isinstance(name, str):
        raise proofkit.CannotMeasure("the model's loss or optimizer is not known")
    _, activation, units, _ = proofkit.subject_head(subject)
    shape = proofkit.subject_input_shape(subject)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, *shape)).astype("float32")
    teacher = rng.normal(size=(int(np.prod(shape)), max(units, 1))).astype("float32")
    scores = x.reshape(len(x), -1) @ teacher
    loss_name = proofkit.measure._loss_name_of(model.loss)
    if units == 1 and activation in (None, "linear"):
        y = scores[:, :1]
    else:
        labels = (scores[:, 0] > 0).astype("int64") if units == 1 else scores.argmax(axis=1)
        y = proofkit.labels_for_loss(loss_name, labels, units)
    sane = SANE_RATE
    steps, batch = training_budget(model, 100)

    def set_rate(index, candidate):
        candidate.optimizer.learning_rate.assign(float(rate) if index == 0 else sane)

    (bad, bad_curve), (good, good_curve) = train_from_one_start(
        model, [(x, y), (x, y)], steps, batch_size=batch, before_run=set_rate)
    diverged = not np.isfinite(bad)
    verdict = diverged or bad > 2 * good
    outcome = "diverges" if diverged else f"ends at loss {proofkit.number(bad)}"
    return Evidence(
        code, bool(verdict),
        f"with {name}(learning_rate={rate:g}) your model {outcome} after {steps} steps; at "
        f"{sane:g} it reaches {proofkit.number(good)}",
        {f"final loss, learning rate {rate:g} (yours)": bad,
         f"final loss, learning rate {sane:g} (the default)": good},
        figure=curves_figure(f"KC603: {name} at {rate:g} and at {sane:g}",
                             {f"bad: learning rate {rate:g}": bad_curve,
                              f"good: learning rate {sane:g}": good_curve}, steps))
