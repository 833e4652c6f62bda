"""KC201 linear-hidden-activation."""

from __future__ import annotations

from kerascheck import fixes
from kerascheck.analysis.shapes import kernel_window
from kerascheck.analysis.values import BRANCH_MERGE
from kerascheck.facts import LINEAR, LayerFact, ModelFact
from kerascheck.rules.base import Rule
from kerascheck.rules.linear_paths import (
    CONV_PASS_THROUGH,
    DENSE_PASS_THROUGH,
    LINEAR_MERGES,
    NORMALIZED_PASS_THROUGH,
    into_residual,
    is_convolution,
    named_representation,
    passes_dense_chain,
    walk,
)


class LinearHiddenActivation(Rule):
    """
    ## What it does
    Finds a hidden `Dense` layer with no activation (or `activation=None`, `'linear'`,
    `keras.activations.linear`) whose output reaches another `Dense` layer with nothing
    nonlinear in between. `Dropout`, `Flatten`, `Reshape` and `BatchNormalization` are not
    nonlinear; `Activation`, `ReLU`, `LeakyReLU`, `PReLU`, `ELU` and `Softmax` layers are.
    Convolutions too: a `Conv1D`/`Conv2D`/`Conv3D` with no activation feeding another
    convolution or a `Dense` layer through dropout, padding, cropping, upsampling, average
    pooling (global too), concatenation or `Flatten` only. With `BatchNormalization` in between
    a 1x1 convolution is left alone (a linear bottleneck is a design), unless no activation
    follows at all: the classifier `Dense` is reached through normalization and pooling, or the
    next convolution is itself linear and goes on to another affine layer; a written-out spatial
    kernel (3x3) is no bottleneck. `Concatenate` passes a `Dense` chain as well. Where an `if`
    (or a loop) reassigned the tensor, the chain is followed only when it is linear on every
    branch. A layer that is the output of some model of the file (a bottleneck read out as an
    embedding) is meant to be linear, and so is one whose `name=` says it is the representation
    it computes (`name="refc_embedding"`, `"bottleneck"`, `"latent"`, `"code"`), and a
    convolution or `Dense` also added into a residual stream (`Add()([z, inputs])`: WaveNet's
    stem projects its input into the stream every block reads; a diffusion U-Net's stem reaches
    each block's `Add` through a `Concatenate` and a 1x1 skip).
    A `keras.layers.Layer` subclass (and a `keras.Model` subclass the file never instantiates)
    is judged on its own `call()`: `self.fc1 = Dense(n)` in `__init__` applied right before
    `self.out` is the same chain; a `tf.nn`/`tf.math` function between them ends it, and so does
    an arithmetic operation (a residual `+`) or anything else the analysis cannot follow. A
    chain of several linear layers is one root cause: one finding, at its first layer.

    ## Why is this bad?
    Two affine maps compose to one: `W2 (W1 x + b1) + b2` is just `W x + b`. The linear layer
    adds parameters and training time but no power; a stack of them cannot learn anything a
    single layer could not (not even XOR). `Dense` is linear by default, so leaving out
    `activation=` is the usual way this happens.

    ## Example
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(2,)),
        tf.keras.layers.Dense(10, activation='linear'),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(2,)),
        tf.keras.layers.Dense(10, activation='relu'),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    ```

    ## Fix safety
    Unsafe: adding `activation="relu"` changes what the model computes, so a human must look.

    ## Runtime evidence
    The proof trains the linear stack and its ReLU twin on XOR. The trained linear stack equals
    a single affine map to 1e-5 and stays near chance; the ReLU twin fits XOR.

    ## References
    - The pitfall as tutorials name it: "Using a linear activation function in hidden layers".
    - Keras API: [`keras.layers.Dense`](https://keras.io/api/layers/core_layers/dense/)
      (`activation=None` means linear).
    """

    code = "KC201"
    name = "linear-hidden-activation"
    summary = "A hidden Dense layer without an activation adds parameters but no power."
    fix_applicability = "unsafe"

    invalid = (
        # the seed's pitfall, in a model
        """
import tensorflow as tf
model = tf.keras.Sequential()
model.add(tf.keras.layers.Dense(64, activation='relu', input_shape=(20,)))
model.add(tf.keras.layers.Dense(10, activation='linear'))  # expect: KC201
model.add(tf.keras.layers.Dense(3, activation='softmax'))
""",
        # no activation at all, through Dropout and BatchNormalization
        """
from keras import layers, models
model = models.Sequential([
    layers.Input(shape=(8,)),
    layers.Dense(32),  # expect: KC201
    layers.Dropout(0.2),
    layers.BatchNormalization(),
    layers.Dense(1),
])
""",
        # functional API, activation=None
        """
from tensorflow import keras
inputs = keras.Input(shape=(16,))
x = keras.layers.Dense(32, activation=None)(inputs)  # expect: KC201
outputs = keras.layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
""",
        # keras.activations.linear, aliases
        """
import tf_keras as tfk
from tf_keras.layers import Dense as D
model = tfk.Sequential([D(8, input_dim=4, activation=tfk.activations.linear),  # expect: KC201
                        D(2, activation="softmax")])
""",
        # a snippet with unbound names
        """
model = Sequential([
    Dense(64, input_shape=(10,)),  # expect: KC201
    Dense(1, activation='sigmoid'),
])
""",
        # two convolutions with no activation: one convolution with a larger kernel
        """
from keras.models import Sequential
from keras.layers import Conv2D, MaxPooling2D, Flatten, Dense
model = Sequential()
model.add(Conv2D(32, (3, 3), input_shape=(28, 28, 1)))  # expect: KC201
model.add(Conv2D(64, (3, 3), activation="relu"))
model.add(MaxPooling2D())
model.add(Flatten())
model.add(Dense(10, activation="softmax"))
""",
        # one chain of three linear layers is one root cause: one report, at its first layer
        """
import keras
model = keras.Sequential([
    keras.Input(shape=(6,)),
    keras.layers.Dense(32),  # expect: KC201
    keras.layers.Dropout(0.1),
    keras.layers.Dense(16),
    keras.layers.Dense(8),
    keras.layers.Dense(1, activation="sigmoid"),
])
""",
        # a Layer subclass: two affine maps in a row inside its own call()
        """
import tensorflow as tf
class Head(tf.keras.layers.Layer):
    def __init__(self, hidden, outputs):
        super().__init__()
        self.fc1 = tf.keras.layers.Dense(hidden)  # expect: KC201
        self.fc_out = tf.keras.layers.Dense(outputs)
    def call(self, inputs):
        flat = tf.reshape(inputs, [-1, 64])
        return self.fc_out(self.fc1(flat))
""",
    )
    valid = (
        # a Layer subclass with a nonlinearity between its Dense layers; a residual sum (silent)
        """
import tensorflow as tf
class Head(tf.keras.layers.Layer):
    def __init__(self, hidden, outputs):
        super().__init__()
        self.fc1 = tf.keras.layers.Dense(hidden)
        self.fc2 = tf.keras.layers.Dense(hidden)
        self.fc_out = tf.keras.layers.Dense(outputs)
    def call(self, inputs):
        hidden = tf.nn.relu(self.fc1(inputs))
        return self.fc_out(self.fc2(hidden) + hidden)
""",
        # BN then an activation (ResNet), a linear bottleneck before BN (MobileNetV2), max pooling
        """
import keras
from keras import layers
inputs = keras.Input(shape=(32, 32, 3))
x = layers.Conv2D(16, 3, padding="same", use_bias=False)(inputs)
x = layers.BatchNormalization()(x)
x = layers.Activation("relu")(x)
x = layers.Conv2D(8, 1, padding="same")(x)
x = layers.BatchNormalization()(x)
x = layers.Conv2D(48, 1, padding="same", activation="relu")(x)
x = layers.Conv2D(16, 3)(x)
x = layers.MaxPooling2D()(x)
x = layers.Conv2D(16, 3, activation="relu")(x)
model = keras.Model(inputs, layers.Dense(10, activation="softmax")(layers.Flatten()(x)))
""",
        # output layer without activation: regression or logits
        """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(16, activation="relu"),
                             tf.keras.layers.Dense(1)])
""",
        # linear Dense followed by a separate nonlinearity layer
        """
from tensorflow.keras import layers, Sequential
model = Sequential([layers.Input(shape=(4,)), layers.Dense(16), layers.BatchNormalization(),
                    layers.Activation("relu"), layers.Dense(16), layers.LeakyReLU(), layers.Dense(1)])
""",
        # a local class named Dense is not Keras
        """
import tensorflow as tf
class Dense:
    def __init__(self, units, activation=None):
        self.units = units
model = [Dense(10), Dense(3)]
keras_model = tf.keras.Sequential([tf.keras.Input(shape=(3,)), tf.keras.layers.Dense(3, activation="relu")])
""",
        # activation from a variable: unknown, silent
        """
import keras
def build(act):
    return keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation=act),
                             keras.layers.Dense(1)])
""",
        # a linear layer feeding an unknown custom layer, and a lone layer outside any model
        """
import tensorflow as tf
from mylib import Gate
inputs = tf.keras.Input(shape=(4,))
x = tf.keras.layers.Dense(8)(inputs)
x = Gate()(x)
outputs = tf.keras.layers.Dense(1)(x)
model = tf.keras.Model(inputs, outputs)
layer = tf.keras.layers.Dense(10, activation='linear')
""",
        # a linear bottleneck read out as an embedding by a second model
        """
from tensorflow import keras
inputs = keras.Input(shape=(64,))
code = keras.layers.Dense(8, activation="linear")(inputs)
decoded = keras.layers.Dense(64, activation="relu")(code)
autoencoder = keras.Model(inputs, keras.layers.Dense(64)(decoded))
encoder = keras.Model(inputs, code)
""",
        # PyTorch's Sequential is not Keras
        """
import torch.nn as nn
from tensorflow import keras
net = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 1))
""",
    )

    # layers that are the output of some model of the file: a linear bottleneck read out as an
    # embedding (``encoder = Model(inputs, code)`` beside the autoencoder) is meant to be linear
    _read_out: frozenset = frozenset()

    def check_file(self, facts):
        self._read_out = frozenset(id(model.layers[index]) for model in facts.models
                                   for index in model.outputs if 0 <= index < len(model.layers))
        yield from super().check_file(facts)
        for graph in facts.layer_graphs:  # a Layer subclass's own call()
            yield from self.check_model(graph)

    def check_model(self, model: ModelFact):
        yield from self._convolution_findings(model)
        flagged = [layer for layer in model.layers
                   if layer.is_dense and layer.activation == LINEAR and not model.is_output(layer)
                   and id(layer) not in self._read_out and not named_representation(layer)
                   and not into_residual(model, layer) and self._reaches_dense(model, layer)]
        flagged_ids = {id(layer) for layer in flagged}
        for layer in flagged:
            if any(id(earlier) in flagged_ids for earlier in self._linear_feeders(model, layer)):
                # one root cause, one report: a linear layer fed by another is the same chain
                # (three linear layers are one finding, at the first)
                continue
            chain = self._chain(model, layer, flagged_ids)
            fix_parts = [fixes.set_keyword(member, "activation", '"relu"', position=1,
                                           applicability=fixes.UNSAFE) for member in chain]
            fix = None
            if all(part is not None for part in fix_parts):
                fix = fixes.Fix(fix_parts[0].message, fixes.UNSAFE,
                                tuple(edit for part in fix_parts for edit in part.edits))
            yield self.finding(
                layer,
                "Hidden Dense layer has no activation, so it and the next Dense layer "
                "collapse into one linear map; add a nonlinearity such as "
                "`activation=\"relu\"`",
                fix=fix)

    def _convolution_findings(self, model: ModelFact):
        """Linear convolutions feeding another convolution or a Dense layer: one finding per
        chain, at its first layer."""
        chained: set[int] = set()  # layers inside a linear chain already reported
        for layer in model.layers:
            if layer.activation != LINEAR or model.is_output(layer) or not is_convolution(
                    layer) or id(layer) in self._read_out or into_residual(model, layer) or \
                    named_representation(layer):
                continue
            reached = self._reaches_convolution(model, layer) or \
                self._linear_through_normalization(model, layer)
            inside = id(layer) in chained
            chained.update(id(next_layer) for next_layer in reached)
            if reached and not inside:
                yield self.finding(
                    layer,
                    f"Hidden {layer.kind} layer has no activation, so it and the next "
                    f"affine layer collapse into one linear map; add a nonlinearity such as "
                    f"`activation=\"relu\"`")

    def _chain(self, model: ModelFact, first: LayerFact, flagged_ids: set) -> list[LayerFact]:
        """The flagged layers a chain starting at ``first`` runs through (one fix for all)."""
        passed, _ = walk(model, first, lambda current: id(current) in flagged_ids or (
            not current.is_dense and passes_dense_chain(current)))
        return [first, *(layer for layer in passed if id(layer) in flagged_ids)]

    @staticmethod
    def _linear_feeders(model: ModelFact, layer: LayerFact) -> list[LayerFact]:
        """The Dense layers whose output reaches this one through transparent layers only."""
        frontier = list(model.predecessors(layer))
        feeders, seen = [], set()
        while frontier:
            current = frontier.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            if current.is_dense:
                feeders.append(current)
            elif current.is_kind(*DENSE_PASS_THROUGH) or current.kind == BRANCH_MERGE or (
                    current.is_kind("Activation") and current.activation == LINEAR):
                frontier.extend(model.predecessors(current))
        return feeders

    def _linear_through_normalization(self, model: ModelFact, layer: LayerFact) -> list:
        """What a linear convolution reaches through ``BatchNormalization`` too, when that is no
        linear bottleneck: a classifier ``Dense`` (``Conv2D`` -> ``BatchNormalization`` ->
        ``GlobalAveragePooling2D`` -> ``Dense``), a convolution itself linear that goes on to
        another affine layer the same way (a decoder with no activation anywhere), or, from a
        spatial kernel (a bottleneck is a 1x1 projection), any convolution reached with no
        concatenation between (a DenseNet's concatenation carries features on, to BN-ReLU)."""
        direct = {id(reached) for reached in self._reaches_convolution(
            model, layer, True, merged=False)} if max(kernel_window(layer) or (1,)) > 1 else ()
        return [reached for reached in self._reaches_convolution(model, layer, normalized=True)
                if reached.is_dense or id(reached) in direct and is_convolution(reached) or (
                    reached.activation == LINEAR and not model.is_output(reached) and
                    self._reaches_convolution(model, reached, normalized=True))]

    @staticmethod
    def _reaches_convolution(model: ModelFact, layer: LayerFact, normalized: bool = False,
                             merged: bool = True) -> list[LayerFact]:
        """The convolutions and Dense layers a linear convolution feeds through shape-only
        layers, ``BatchNormalization`` too when ``normalized`` (a linear bottleneck followed by
        it is a design, MobileNetV2), ``Concatenate`` unless not ``merged``."""
        passing = CONV_PASS_THROUGH | NORMALIZED_PASS_THROUGH if normalized else CONV_PASS_THROUGH
        passing = passing if merged else passing - LINEAR_MERGES
        _, beyond = walk(model, layer, lambda current: not current.is_dense and not
                          is_convolution(current) and (current.is_kind(*passing) or (
                              current.is_kind("Activation") and current.activation == LINEAR)))
        return [current for current in beyond if current.is_dense or is_convolution(current)]

    @staticmethod
    def _reaches_dense(model: ModelFact, layer: LayerFact) -> bool:
        """Whether the layer's output reaches a Dense layer through transparent layers only."""
        _, beyond = walk(model, layer, lambda current: not current.is_dense and
                          passes_dense_chain(current))
        return any(current.is_dense for current in beyond)

    def prove(self, subject=None):
        """Train a linear hidden stack and its ReLU twin on XOR: the trained linear stack equals
        one affine map to 1e-5 and gets at most 3 of the 4 points; the ReLU twin fits XOR. On a
        user's model: the flagged layer and the next Dense layer compute one affine map."""
        from kerascheck import proofkit

        proofkit.load_tensorflow(0)
        if subject is not None:
            residual, names = proofkit.linear_path_residual(subject)
            return proofkit.Evidence(
                self.code, residual < 1e-5,
                f"layers {', '.join(names)} compute one affine map (largest deviation "
                f"{proofkit.number(residual)})", {"distance to one affine map": residual})
        from kerascheck.proofkit.training import linear_stack_on_xor

        verdict, measured = linear_stack_on_xor()
        return proofkit.Evidence(
            self.code, verdict,
            "the trained linear stack is one affine map and cannot fit XOR; the ReLU twin can",
            measured)
