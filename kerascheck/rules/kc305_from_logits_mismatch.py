"""KC305 from-logits-mismatch."""

from __future__ import annotations

import libcst as cst

from kerascheck import fixes
from kerascheck.analysis.values import BRANCH_MERGE
from kerascheck.facts import LINEAR, PROBABILITY_LOSSES, UNKNOWN, ModelFact
from kerascheck.proofkit import Evidence, load_tensorflow
from kerascheck.rules.base import Rule
from kerascheck.rules.kc306_label_encoding_mismatch import mismatched_fit
from kerascheck.rules.logits_proof import prove_on_model as _prove_on_model


class FromLogitsMismatch(Rule):
    """
    ## What it does
    Finds a model whose output activation and loss disagree about logits:

    - a `softmax` or `sigmoid` output with a cross-entropy loss constructed with
      `from_logits=True` (the squashing is applied twice);
    - an output with no activation (logits) with a cross-entropy loss that expects
      probabilities: a string loss such as `'sparse_categorical_crossentropy'`, a loss function,
      or a loss class without `from_logits=True`.

    The loss is the one given to `compile`, or, for a model never compiled, a loss object
    applied to the model's output inside a `tf.GradientTape` block of a training loop of your
    own (`loss_fn(y, model(x))`), or TensorFlow's `tf.nn.sparse_softmax_cross_entropy_with_logits`
    (`softmax_cross_entropy_with_logits`, `sigmoid_cross_entropy_with_logits`) given the
    model's output as `logits` there. A subclass whose `call()` branches
    (`if not training: x = tf.nn.softmax(x)`) is judged when every branch ends in the same
    squashing.

    **Where it is reported.** A mismatch has two ends, the output layer and the loss: the
    finding is reported at the end where fixes go, and names the other as a related location
    (a `note:` line, SARIF `relatedLocations`, the editor's related information). Counted over
    the KC305 faults of kerascheck's development corpus (`benchmarks/bug_corpus.json`, whose
    sources say what they fixed):

    - a linear output (logits) with a loss that expects probabilities is reported at the
      **output layer**: four of its six faults were fixed by adding the activation there (or
      to the builder call that set `activation=None`), two by `from_logits=True`. Those two
      had a loss wrong for its labels as well (integer class ids with
      `categorical_crossentropy`, KC306), and none of the four did: when the loss has to change
      for its labels anyway, one edit there fixes both (`SparseCategoricalCrossentropy(
      from_logits=True)`), so the finding is reported at the **loss**, naming the layer (at
      the call that builds the model when an imported builder compiles it);
    - a `softmax`/`sigmoid` output with `from_logits=True` is reported at the **loss**: six of
      its seven faults were fixed by dropping `from_logits=True`; the seventh is TensorFlow's
      function over logits (`*_cross_entropy_with_logits`), which has no `from_logits=` to
      change, so that case is reported at the output layer, whose activation is what to
      remove.

    When the output layer lies in another module of the project (a builder in `model.py`
    called from `train.py`), the finding is reported in the linted file where the model is
    built from it (`model = build(3)`), naming the layer's place (`(in model.py:7)`); a
    `# noqa: KC305` goes on that line.

    On a model of several outputs, each output head is judged against the loss it gets
    (`loss=[...]`, `loss={...}` by output name, or one loss for every head).

    ## Why is this bad?
    With `from_logits=True` the loss applies softmax (or sigmoid) itself. Fed probabilities, it
    squashes them a second time: the outputs of a softmax lie in [0, 1], so the second softmax
    is nearly flat, the loss can never get near zero and the gradients are weak. The opposite
    mistake is worse: raw logits read as probabilities are clipped to [ε, 1 − ε], so negative or
    large logits produce meaningless losses and training stalls or goes astray.

    Measured on TensorFlow 2.21 (Keras 3.15 and tf_keras 2.21): inside `fit()` and
    `evaluate()`, and on a model's own output tensor, Keras finds the logits a `softmax` or
    `sigmoid` keeps and uses them, after a warning ("received `from_logits=True`, but the
    `output` argument was produced by a Softmax activation"), so the first mistake costs
    nothing there. It does cost where the link is lost: the loss applied to `predict()`'s
    arrays, to an output of `activation=tf.nn.softmax` in a loop of your own run eagerly (0.55
    instead of 0.0007 on a confident correct answer), and wherever the loss is computed outside
    Keras' own training code. The finding is kept (the code says the opposite of what it
    computes) and its message says where it matters.

    ## Example
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(20,)),
        tf.keras.layers.Dense(64, activation='relu'),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])
    model.compile(optimizer='adam',
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(20,)),
        tf.keras.layers.Dense(64, activation='relu'),
        tf.keras.layers.Dense(10),
    ])
    model.compile(optimizer='adam',
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    ```

    ## Fix safety
    Unsafe: the fix aligns the loss with the output and leaves the model's predictions as they
    are (so code that uses them afterwards keeps working): `from_logits=True` becomes
    `from_logits=False` after a `softmax`/`sigmoid` output, and a cross-entropy loss class after
    a linear output gets `from_logits=True`. Training changes, so a human must look. A string
    loss or a loss function after a linear output has no automatic fix (the loss class would
    have to be imported).

    ## Runtime evidence
    The proof evaluates the loss on the same confident, correct predictions both ways: softmax
    probabilities passed as logits give a loss far from zero (the second softmax flattens them),
    while logits with `from_logits=True` give a loss near zero.

    ## References
    - Keras API: `keras.losses.SparseCategoricalCrossentropy` (`from_logits`: "Whether `y_pred`
      is expected to be a logits tensor. By default, we assume that `y_pred` encodes a
      probability distribution").
    - TensorFlow tutorial "Basic classification" / "Quickstart for beginners" (logits output with
      `from_logits=True`).
    """

    code = "KC305"
    name = "from-logits-mismatch"
    summary = "The output activation and the loss's from_logits disagree."
    judges_each_output = True
    fix_applicability = "unsafe"

    invalid = (
        # probabilities declared as logits
        """
from tensorflow import keras
model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    keras.layers.Flatten(),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam",
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),  # expect: KC305
              metrics=["accuracy"])
""",
        # logits read as probabilities
        """
import tensorflow as tf
model = tf.keras.Sequential([
    tf.keras.Input(shape=(10,)),
    tf.keras.layers.Dense(16, activation="relu"),
    tf.keras.layers.Dense(1),  # expect: KC305
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
        # sigmoid output with a logits loss, in a subclassed model
        """
import keras
class Classifier(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(32, activation="relu")
        self.out = keras.layers.Dense(1, activation="sigmoid")
    def call(self, inputs):
        return self.out(self.hidden(inputs))
model = Classifier()
model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))  # expect: KC305
""",
        # a softmax output trained by a loop of the user's with a logits loss
        """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input(shape=(8,)),
                             tf.keras.layers.Dense(3, activation="softmax")])
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)  # expect: KC305
optimizer = tf.keras.optimizers.SGD(0.1)
for x, y in batches:
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x))
    optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_weights),
                                  model.trainable_weights))
""",
        # softmax inside a subclass, then TensorFlow's softmax cross-entropy over logits
        """
import tensorflow as tf
class Net(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = tf.keras.layers.Dense(32, activation=tf.nn.relu)
        self.out = tf.keras.layers.Dense(10, activation=tf.nn.softmax)  # expect: KC305
    def call(self, x, training=False):
        x = self.out(self.hidden(x))
        if not training:
            x = tf.nn.softmax(x)
        return x
net = Net()
optimizer = tf.keras.optimizers.SGD(0.1)
for x, y in batches:
    with tf.GradientTape() as tape:
        logits = net(x, training=True)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    optimizer.apply_gradients(zip(tape.gradient(loss, net.trainable_variables),
                                  net.trainable_variables))
""",
    )
    valid = (
        # logits in training, a softmax only at inference: the right way round
        """
import tensorflow as tf
class Net(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.out = tf.keras.layers.Dense(10)
    def call(self, x, training=False):
        x = self.out(x)
        if not training:
            x = tf.nn.softmax(x)
        return x
net = Net()
for x, y in batches:
    with tf.GradientTape() as tape:
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=net(x, training=True))
""",
        # the TensorFlow beginner tutorial: logits with from_logits=True
        """
import tensorflow as tf
model = tf.keras.models.Sequential([
  tf.keras.layers.Flatten(input_shape=(28, 28)),
  tf.keras.layers.Dense(128, activation='relu'),
  tf.keras.layers.Dropout(0.2),
  tf.keras.layers.Dense(10)
])
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
model.compile(optimizer='adam', loss=loss_fn, metrics=['accuracy'])
""",
        # probabilities with the default loss
        """
from tensorflow import keras
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(), metrics=["accuracy"])
""",
        # regression: a linear output with MSE has no logits
        """
import keras
model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
""",
        # from_logits from a variable, and an output through an unknown layer: unknown
        """
import keras
from mylib import Calibrate
def build(logits):
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
    model.compile(loss=keras.losses.CategoricalCrossentropy(from_logits=logits))
    return model
other = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3), Calibrate()])
other.compile(loss="categorical_crossentropy")
""",
    )

    def check_model(self, model: ModelFact):
        head = model.output_head()
        if head is None:
            yield from self._check_branching_subclass(model)
            return
        for compile_fact in model.compiles:
            loss = compile_fact.loss
            if loss.name not in PROBABILITY_LOSSES:
                continue
            where = loss.node or compile_fact.node
            site = head.activation_site
            home = model.built_at or model.node
            squashed_twice = head.activation in _SQUASHINGS and loss.from_logits is True
            if squashed_twice and _logits_function(loss):
                yield self.finding(site, _twice(head.activation, "The output layer"),
                                   related=[(where, _LOGITS_LOSS)], home=home)
            elif squashed_twice:
                # reported at the loss: where the development corpus' sources fixed it
                yield self.finding(
                    where,
                    f"The output already applies {head.activation}, but the loss is built "
                    f"with `from_logits=True`, which applies it again wherever the outputs "
                    f"lost their link to the {head.activation} (Keras on TensorFlow recovers "
                    f"the logits inside `fit()` and only warns); drop `from_logits=True` (or "
                    f"remove the output activation)",
                    fix=_from_logits_fix(loss.node, False),
                    related=[(site, f"the output layer, which applies {head.activation}")])
            elif head.activation == LINEAR and loss.from_logits is False and \
                    mismatched_fit(model, loss.name) is not None:
                # the loss must change for its labels too (KC306): one edit there fixes both,
                # and there the sources fixed it
                yield self.finding(
                    where,
                    f"The loss {loss.name} expects probabilities, but the output layer has no "
                    f"activation, so it produces logits, and the loss does not fit the labels "
                    f"either (KC306); use `{_LABELS_LOSS[loss.name]}(from_logits=True)` (or "
                    f"add the output activation)",
                    fix=_from_logits_fix(loss.node, True),
                    related=[(site, "the output layer, with no activation")], home=home)
            elif head.activation == LINEAR and loss.from_logits is False:
                # reported at the output layer: where the sources fixed it (an activation)
                yield self.finding(
                    site,
                    f"The output layer has no activation, so it produces logits, but the loss "
                    f"{loss.name} expects probabilities; add the output activation (or use "
                    f"the loss class with `from_logits=True`)",
                    fix=_from_logits_fix(loss.node, True),
                    related=[(site, "the output layer, with no activation"),
                             (where, f"the loss, {loss.name}, which expects probabilities")],
                    home=home)

    def _check_branching_subclass(self, model: ModelFact):
        """A subclass whose ``call()`` branches (``if not training: x = tf.nn.softmax(x)``) has
        no single output head; when every branch ends in the same squashing (a softmax, or a
        sigmoid) and the loss is over logits, the squashing is applied twice on every path."""
        if model.kind != "subclass" or len(model.outputs) != 1:
            return
        ends = _squashings(model, model.layers[model.outputs[0]], 0)
        if ends is None or len(ends) != 1:
            return
        [(activation, site)] = ends.items()
        for compile_fact in model.compiles:
            loss = compile_fact.loss
            if loss.name in PROBABILITY_LOSSES and loss.from_logits is True:
                where = loss.node or compile_fact.node
                at_layer = _logits_function(loss)
                yield self.finding(site if at_layer else where,
                                   _twice(activation, "Every path of the model's call()"),
                                   related=[(site, f"the layer that applies {activation}"),
                                            (where, _LOGITS_LOSS)],
                                   home=(model.built_at or model.node) if at_layer else None)
                return

    def prove(self, subject=None):
        if subject is not None:
            return _prove_on_model(self.code, subject)
        tf, keras, np = load_tensorflow(0)
        labels = np.arange(8) % 4
        logits = np.full((8, 4), -4.0, dtype="float32")
        logits[np.arange(8), labels] = 4.0  # confident and correct
        probabilities = tf.nn.softmax(logits).numpy()
        logits_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        bad = float(logits_loss(labels, probabilities))  # softmax output, from_logits=True
        good = float(logits_loss(labels, logits))  # logits output, from_logits=True
        probability_loss = keras.losses.SparseCategoricalCrossentropy()
        reference = float(probability_loss(labels, probabilities))
        verdict = bad > 0.5 and good < 0.01 and reference < 0.01
        return Evidence(
            code=self.code, verdict=verdict,
            summary=f"On confident correct predictions, softmax outputs passed as logits give a "
                    f"loss of {bad:.2f} instead of {good:.4f}: the loss cannot approach zero.",
            measurements={"bad: loss, probabilities with from_logits=True": bad,
                          "good: loss, logits with from_logits=True": good,
                          "good: loss, probabilities with from_logits=False": reference})


def _from_logits_fix(loss_node, from_logits: bool):
    """``from_logits=`` set on a cross-entropy loss class (``from_logits`` is its first
    parameter); None for a string or a loss function, which take no such argument."""
    if not isinstance(loss_node, cst.Call) or not isinstance(loss_node.func, (cst.Name,
                                                                             cst.Attribute)):
        return None
    class_name = loss_node.func.attr.value if isinstance(loss_node.func, cst.Attribute) \
        else loss_node.func.value
    if not class_name.endswith("Crossentropy"):
        return None
    return fixes.set_keyword(loss_node, "from_logits", str(from_logits), position=0,
                             applicability=fixes.UNSAFE)


# TensorFlow's squashing functions on a tensor (``tf.nn.softmax(x)``), by their last name
_SQUASHINGS = ("softmax", "sigmoid")


def _squashings(model: ModelFact, layer, depth: int) -> dict | None:
    """{activation: the layer that sets it} over every path ending at ``layer``: a softmax or
    sigmoid Dense or Activation, or TensorFlow's function applied to a tensor
    (``tf.nn.softmax(x)``, whatever precedes it: its result is a distribution); None when a
    path ends in anything else or in something unknown."""
    if depth > 8:
        return None
    parents = model.predecessors(layer)
    if layer.is_kind(BRANCH_MERGE):
        found: dict = {}
        for parent in parents:
            ends = _squashings(model, parent, depth + 1)
            if ends is None:
                return None
            for activation, site in ends.items():
                if found.get(activation) is None or found[activation].kind is UNKNOWN:
                    found[activation] = site  # the layer to change, before a function step
        return found or None
    if layer.is_kind("Dense", "Activation") and layer.activation in _SQUASHINGS:
        return {layer.activation: layer}
    if layer.is_kind("Dropout") and len(parents) == 1:
        return _squashings(model, parents[0], depth + 1)
    node = layer.node
    if layer.kind is UNKNOWN and len(parents) == 1 and isinstance(node, cst.Call) and \
            isinstance(node.func, cst.Attribute) and node.func.attr.value in _SQUASHINGS and \
            isinstance(node.func.value, cst.Attribute) and node.func.value.attr.value == "nn" \
            and len(node.args) == 1 and node.args[0].keyword is None:
        return {node.func.attr.value: layer}
    return None


def _logits_function(loss) -> bool:
    """Whether the loss is one of TensorFlow's ``tf.nn.*_cross_entropy_with_logits``: it has no
    ``from_logits=`` to change, so the finding goes to the layer that squashes."""
    node = loss.node
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and \
        node.func.attr.value.endswith("_cross_entropy_with_logits")


_LOGITS_LOSS = "the loss, which expects logits"
# the loss class over logits that fits the labels a categorical loss was wrong for (KC306)
_LABELS_LOSS = {"categorical_crossentropy": "keras.losses.SparseCategoricalCrossentropy",
                "sparse_categorical_crossentropy": "keras.losses.CategoricalCrossentropy"}


def _twice(activation: str, where: str) -> str:
    return (f"{where} ends in {activation}, but the loss expects logits (`from_logits=True`, "
            f"or a TensorFlow `*_with_logits` function) and applies {activation} again; remove "
            f"the output activation (or give the loss probabilities)")
