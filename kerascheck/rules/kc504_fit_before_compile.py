"""KC504 fit-before-compile."""

from __future__ import annotations

from kerascheck.facts import Event, ModelFact
from kerascheck.proofkit import Evidence, exception_of, load_tensorflow
from kerascheck.rules.base import Rule

NEEDS_COMPILE = {"fit", "evaluate", "train_on_batch", "test_on_batch", "fit_generator",
                 "evaluate_generator"}


def _loops(event: Event) -> set:
    return {branch for branch in event.path if branch[:1] == ("loop",)}


def _before_on_every_path(earlier: Event, later: Event) -> bool:
    """Whether ``earlier`` runs whenever ``later`` runs: its branches are a prefix of later's."""
    return later.path[:len(earlier.path)] == earlier.path


class FitBeforeCompile(Rule):
    """
    ## What it does
    Finds `fit()`, `evaluate()`, `train_on_batch()` or `test_on_batch()` on a model the file
    builds, when no `compile()` of that model comes before it. A `compile()` that only runs on
    some paths (under an `if`, in a loop) before the call, or a model handed to code the linter
    cannot follow before the call, makes the answer unknown and nothing is reported. Models
    kept in the attributes of a plain class the file defines for others to use
    (`self.model = Sequential([self.generator, self.critic])` in `__init__`, then
    `self.model.train_on_batch(...)` and `self.model.layers[-1].train_on_batch(...)` in its
    methods) are followed too when the class holds what `compile` would be given (an
    optimizer or a loss) and never calls `compile` at all.

    ## Why is this bad?
    `compile()` is where the model gets its loss, optimizer and metrics. Without them there is
    nothing to minimize: Keras raises `ValueError: You must call `compile()` before using the
    model.` at the call, after the data has been loaded and the model built, which in a long
    script can be many minutes in. `predict()` alone does not need `compile()`.

    ## Example
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(4,)),
        tf.keras.layers.Dense(8, activation='relu'),
        tf.keras.layers.Dense(1),
    ])
    model.fit(x_train, y_train, epochs=5, validation_split=0.2)
    model.compile(optimizer='adam', loss='mse')
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(4,)),
        tf.keras.layers.Dense(8, activation='relu'),
        tf.keras.layers.Dense(1),
    ])
    model.compile(optimizer='adam', loss='mse')
    model.fit(x_train, y_train, epochs=5, validation_split=0.2)
    ```

    ## Fix safety
    No automatic fix: only the author knows which loss and optimizer the model needs.

    ## Runtime evidence
    The proof calls `fit`, `evaluate` and `train_on_batch` on an uncompiled model: Keras 3 raises
    the `ValueError` quoted above each time; after `compile()` all three run.

    ## References
    - Keras guide "Training & evaluation with the built-in methods" ("specify the training
      configuration (optimizer, loss, metrics)" with `compile()` before `fit()`).
    - Keras API: `Model.compile`, `Model.fit`.
    """

    code = "KC504"
    name = "fit-before-compile"
    summary = "Fit or evaluate on a model that was never compiled: Keras raises ValueError."

    invalid = (
        """
from tensorflow import keras
model = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(1, activation="sigmoid")])
model.fit(x_train, y_train, epochs=3, validation_data=(x_val, y_val))  # expect: KC504
""",
        # built in one function, trained in another
        """
import keras
def build_model():
    inputs = keras.Input(shape=(8,))
    outputs = keras.layers.Dense(1)(keras.layers.Dense(16, activation="relu")(inputs))
    return keras.Model(inputs, outputs)
def train(model, x, y):
    model.fit(x, y, epochs=10, validation_split=0.2)  # expect: KC504
model = build_model()
train(model, features, targets)
""",
        # evaluate before compile in a subclassed model
        """
import tensorflow as tf
class Net(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = tf.keras.layers.Dense(3, activation="softmax")
    def call(self, x):
        return self.dense(x)
net = Net()
net.evaluate(x_test, y_test)  # expect: KC504
net.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
""",
    )
    valid = (
        # compiled in the builder, fit by the caller
        """
import tensorflow as tf
def make_model():
    model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model
model = make_model()
model.fit(x, y, validation_split=0.2)
""",
        # compiled on one branch only: unknown; and a model compiled by code we cannot see
        """
from tensorflow import keras
from training import compile_for_task
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
if use_adam:
    model.compile(optimizer="adam", loss="mse")
else:
    model.compile(optimizer="sgd", loss="mse")
model.fit(x, y, validation_split=0.2)
other = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
compile_for_task(other)
other.fit(x, y, validation_split=0.2)
""",
        # predict needs no compile; a custom training loop never calls fit
        """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(1)])
predictions = model.predict(x_new)
optimizer = tf.keras.optimizers.Adam()
for xb, yb in dataset:
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((model(xb) - yb) ** 2)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
""",
        # a model loaded from disk comes compiled
        """
from tensorflow import keras
model = keras.models.load_model("trained.keras")
model.evaluate(x_test, y_test)
""",
    )

    def check_model(self, model: ModelFact):
        compiles = [(index, event) for index, event in enumerate(model.events)
                    if event.method == "compile"]
        for index, event in enumerate(model.events):
            if event.method not in NEEDS_COMPILE:
                continue
            if model.escaped_at is not None and model.escaped_at <= index:
                return  # code the linter cannot follow may have compiled it
            earlier = [c for i, c in compiles if i < index]
            if any(_before_on_every_path(c, event) for c in earlier):
                return  # compiled on this path: later calls are fine too
            if earlier:
                return  # compiled on some paths only: unknown
            loops = _loops(event)
            if loops and any(loops & _loops(c) for _, c in compiles):
                return  # a compile later in the same loop runs before the next iteration
            yield self.finding(
                event.node,
                f"`{event.method}()` runs before the model is compiled, so Keras raises "
                f"ValueError; call `model.compile(optimizer=..., loss=...)` first")
            return

    def prove(self, subject=None):
        if subject is not None:  # the construct taken from the user's code
            from kerascheck.proofkit.constructs import construct_evidence

            return construct_evidence(self.code, subject, ("ValueError", "RuntimeError"), message_contains="compile")
        tf, keras, np = load_tensorflow(0)
        x = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
        y = x.sum(axis=1, keepdims=True)
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
        calls = {"fit": lambda: model.fit(x, y, epochs=1, verbose=0),
                 "evaluate": lambda: model.evaluate(x, y, verbose=0),
                 "train_on_batch": lambda: model.train_on_batch(x, y)}
        bad = {name: exception_of(call) for name, call in calls.items()}
        model.compile(optimizer="sgd", loss="mse")
        good = {name: exception_of(call) for name, call in calls.items()}
        verdict = all(o is not None and o[0] == "ValueError" and "compile()" in o[1]
                      for o in bad.values()) and all(o is None for o in good.values())
        measurements = {f"bad: {name}() before compile": f"{o[0]}: {o[1]}" if o else "no error"
                        for name, o in bad.items()}
        measurements.update({f"good: {name}() after compile": "runs" if o is None else
                             f"{o[0]}: {o[1]}" for name, o in good.items()})
        return Evidence(code=self.code, verdict=verdict,
                        summary="Keras 3 raises ValueError for fit, evaluate and train_on_batch "
                                "before compile(); after it all three run.",
                        measurements=measurements)
