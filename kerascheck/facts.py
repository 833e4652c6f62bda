"""Facts about models and data: what rules judge.

The static analysis (:mod:`kerascheck.analysis.interpreter`) extracts them from source code,
the runtime checks (:mod:`kerascheck.runtime_checks`) from a live ``keras.Model``; rules see
only facts, so one rule's logic serves both. Anything the source does not say is :data:`UNKNOWN`,
and rules do not fire on unknowns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class _Unknown:
    """A value the linter cannot see (a variable activation, a loss from a config dict)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:  # an unknown is never taken as "yes"
        return False


UNKNOWN: Any = _Unknown()


def known(value: object) -> bool:
    return value is not UNKNOWN


# --- vocabularies shared by the static and the runtime side --------------------------------

LINEAR = "linear"

# Activation spellings and the canonical name each means (``normalize_activation``).
ACTIVATION_ALIASES = {name: name for name in (
    "linear", "relu", "sigmoid", "softmax", "tanh", "hard_sigmoid", "elu", "selu", "gelu",
    "swish", "softplus", "softsign", "leaky_relu", "relu6", "exponential", "mish", "log_softmax")}
ACTIVATION_ALIASES.update({None: LINEAR, "silu": "swish"})

# Layers that add no nonlinearity of their own (RULES.md KC201).
TRANSPARENT_LAYERS = {"Dropout", "AlphaDropout", "GaussianDropout", "GaussianNoise",
                      "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "Flatten",
                      "Reshape", "BatchNormalization", "ActivityRegularization", "Identity",
                      "RepeatVector", "Permute"}
# Layers that are a nonlinearity.
ACTIVATION_LAYERS = {"Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax",
                     "ThresholdedReLU"}
SCALING_LAYERS = {"Rescaling", "Normalization", "BatchNormalization", "LayerNormalization",
                  "UnitNormalization", "CenterCrop", "Resizing"}
CONV_OR_POOL_PREFIXES = ("Conv", "SeparableConv", "DepthwiseConv", "MaxPool", "AveragePool",
                         "MaxPooling", "AveragePooling", "UpSampling", "ZeroPadding", "Cropping")
FLATTENING_LAYERS = {"Flatten", "Reshape", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
                     "GlobalAveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
                     "GlobalMaxPooling3D", "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalMaxPool1D",
                     "GlobalMaxPool2D", "LSTM", "GRU", "SimpleRNN", "Bidirectional", "RNN"}

# Loss spellings and the canonical name each means (``normalize_loss``): every canonical name,
# its class name lower-cased (``MeanSquaredError``), and the short forms.
LOSS_ALIASES = {spelling: name for name in (
    "mean_squared_error", "mean_absolute_error", "categorical_crossentropy",
    "sparse_categorical_crossentropy", "binary_crossentropy", "binary_focal_crossentropy",
    "categorical_focal_crossentropy", "huber", "log_cosh", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "kl_divergence", "hinge", "categorical_hinge",
    "squared_hinge", "poisson", "cosine_similarity")
    for spelling in (name, name.replace("_", ""))}
LOSS_ALIASES.update({
    "mse": "mean_squared_error", "mae": "mean_absolute_error", "huber_loss": "huber",
    "mape": "mean_absolute_percentage_error", "msle": "mean_squared_logarithmic_error",
    "kld": "kl_divergence", "kullback_leibler_divergence": "kl_divergence"})
REGRESSION_LOSSES = {"mean_squared_error", "mean_absolute_error"}
CATEGORICAL_LOSSES = {"categorical_crossentropy", "sparse_categorical_crossentropy"}
PROBABILITY_LOSSES = {"categorical_crossentropy", "sparse_categorical_crossentropy",
                      "binary_crossentropy", "binary_focal_crossentropy",
                      "categorical_focal_crossentropy"}

ACCURACY_METRICS = {"accuracy", "acc", "categorical_accuracy", "sparse_categorical_accuracy",
                    "binary_accuracy", "top_k_categorical_accuracy",
                    "sparse_top_k_categorical_accuracy"}


def normalize_activation(name: object) -> object:
    """Map an activation spelling (``None``, ``'relu'``, ``'ReLU'``) to its canonical name."""
    if name is None:
        return LINEAR
    if not isinstance(name, str):
        return UNKNOWN
    return ACTIVATION_ALIASES.get(name.lower(), name.lower())


def normalize_loss(name: object) -> object:
    """Map a loss spelling (``'mse'``, ``MeanSquaredError``, ``mean_squared_error``) to one name."""
    if not isinstance(name, str):
        return UNKNOWN
    return LOSS_ALIASES.get(name.lower(), name.lower())


def is_accuracy_metric(name: str) -> bool:
    lowered = name.lower()
    return lowered in ACCURACY_METRICS or lowered.endswith("accuracy")


# --- the facts themselves ------------------------------------------------------------------


@dataclass(eq=False)
class LayerFact:
    """One layer of a model. ``kind`` is the Keras class name (``"Dense"``) or :data:`UNKNOWN`
    for a layer the linter cannot identify (a custom layer, a variable). ``node`` is the CST node
    that created it (static) and ``name`` the layer's name (runtime)."""

    kind: Any
    units: Any = UNKNOWN
    activation: Any = UNKNOWN
    declares_input: Any = UNKNOWN
    input_shape: Any = UNKNOWN
    kernel_initializer: Any = UNKNOWN
    arguments: dict = field(default_factory=dict)
    node: Any = None
    name: str | None = None
    positional: list = field(default_factory=list)  # positional arguments' values (shapes)

    @property
    def is_dense(self) -> bool:
        return self.kind == "Dense"

    def is_kind(self, *kinds: str) -> bool:
        return known(self.kind) and self.kind in kinds


@dataclass(eq=False)
class LossFact:
    name: Any = UNKNOWN  # canonical loss name, see LOSS_ALIASES
    from_logits: Any = UNKNOWN  # True / False / UNKNOWN; False when not given
    node: Any = None
    # loss=[a, b] / {"name": a}: (output position or layer name, LossFact) pairs (analysis/heads)
    per_output: tuple = ()


@dataclass(eq=False)
class OptimizerFact:
    name: Any = UNKNOWN  # "Adam", "SGD", ...
    learning_rate: Any = UNKNOWN
    node: Any = None


@dataclass(eq=False)
class CompileFact:
    loss: LossFact = field(default_factory=LossFact)
    metrics: Any = UNKNOWN  # list of canonical metric names (str or UNKNOWN) or UNKNOWN
    optimizer: OptimizerFact = field(default_factory=OptimizerFact)
    node: Any = None

    def has_accuracy_metric(self) -> bool:
        if not known(self.metrics):
            return False
        return any(isinstance(m, str) and is_accuracy_metric(m) for m in self.metrics)


@dataclass(frozen=True)
class DataFact:
    """What is known about an array or dataset: where it came from and what was done to it.

    ``source`` names a raw origin ("pixels", "images", "tabular"), ``"tokens"`` for integer token
    data, or None when unknown. ``identity`` tells two values apart: values with the same identity
    are the same data (``x_train`` and ``x_train.reshape(...)``), different slices or splits differ.
    """

    source: str | None = None
    scaled: bool = False
    one_hot: bool = False
    int_labels: bool = False
    is_dataset: bool = False
    identity: Any = None
    predicted_by: Any = None  # (ModelFact, input identity) when predict() produced this value
    labels: Any = None  # for a dataset of (features, labels): the labels' DataFact
    fitted_on: Any = None  # for scaled data: identity of the data the scaler was fit on (KC402)
    continuous: bool = False  # targets known to be real numbers (house prices of a housing set)
    synthetic: bool = False  # made up in the file (np.random, zeros, a literal handful of rows)
    self_supervised: bool = False  # targets cut from the inputs (next-character windows)
    node: Any = None
    classes: Any = None  # number of classes the labels hold, when known (KC308)
    scaled_on_some_paths: bool = False  # scaled on one branch of an if/loop only (KC403)
    single_label: bool = False  # one-hot of exactly one class per sample (KC301)
    typed_ids: Any = None  # class ids typed in ({0, 1}: XOR's [0, 1, 1, 0]; [0] * n + [1] * n)
    one_per_sample: bool = False  # a random draw of shape (n,) or (n, 1): one label per sample
    factor: float | None = None  # pixels times this constant (/ 255: 1/255), if only so (KC403)

    @property
    def is_raw(self) -> bool:
        return self.source in ("pixels", "images", "tabular") and not self.scaled


@dataclass(eq=False)
class FitFact:
    """One ``fit()`` call (or, at runtime, the arguments of one)."""

    x: Any = UNKNOWN  # DataFact or UNKNOWN
    y: Any = UNKNOWN
    has_validation: Any = False  # True / False / UNKNOWN (**kwargs)
    validation_split: Any = None  # the argument's value node or None
    node: Any = None
    x_node: Any = None
    conditional: bool = False  # inside a loop or an if: one step of a larger training scheme
    validation_x: Any = UNKNOWN  # DataFact of validation_data's inputs (KC403, KC505)
    validation_node: Any = None
    epochs: Any = 1  # the literal number of epochs (Keras' default 1), UNKNOWN if not literal
    # why this fit is a demonstration rather than a training run (RULES.md "Real training"):
    # "synthetic data", "fit(x, x)", "a learning-rate sweep", ...; None for real training
    demonstration: Any = None
    in_helper: bool = False  # run by a helper of the file that received the model as a parameter
    y_per_output: tuple = ()  # fit(x, [y1, y2]) / {"name": y1}: as LossFact.per_output


@dataclass(eq=False)
class EvaluationFact:
    """An ``evaluate()`` call, or a metric over ``predict()``, on one model."""
    x: Any = UNKNOWN
    node: Any = None
    method: str = "evaluate"
    trained_on_earlier: bool = False  # in an earlier round of its loop (analysis/refits.py)


@dataclass(eq=False)
class Event:
    """A use of a model, in execution order: ``summary``, ``fit``, ``compile``, ``build``, ..."""

    method: str
    node: Any = None
    conditional: bool = False
    # the branches the event runs under, outermost first: ("if", id, "body"), ("loop", id), ...
    # An event applies before another on every path when its path is a prefix of the other's.
    path: tuple = ()


class _Graph:
    """A model's layer indexes (by identity) and edges by producer and by consumer."""

    def __init__(self, shape: tuple, layers: list, edges: list, outputs: list):
        self.shape = shape
        self.indexes: dict[int, int] = {}
        for i, layer in enumerate(layers):
            self.indexes.setdefault(id(layer), i)
        self.successors: dict[int, list[int]] = {}
        self.predecessors: dict[int, list[int]] = {}
        for a, b in edges:
            self.successors.setdefault(a, []).append(b)
            self.predecessors.setdefault(b, []).append(a)
        self.outputs = set(outputs)

    def index_of(self, layer) -> int:
        try:
            return self.indexes[id(layer)]
        except KeyError:
            raise ValueError("layer is not part of this model") from None


# The tasks a model may be for (RULES.md "What the model is for").
TASKS = ("binary", "multiclass", "multilabel", "regression", "reconstruction", "unknown")
CLASSIFICATION_TASKS = ("binary", "multiclass", "multilabel")


@dataclass(frozen=True)
class TaskFact:
    """What a model is for, inferred from all its signals together (output layer, loss,
    metrics, labels), with the evidence that decided it. ``kind`` is one of :data:`TASKS`;
    ``classes`` the number of classes when known. One weak signal alone (an accuracy metric)
    never makes a task: the kind stays ``"unknown"``."""

    kind: str = "unknown"
    classes: Any = UNKNOWN
    evidence: tuple = ()

    @property
    def is_classification(self) -> bool:
        return self.kind in CLASSIFICATION_TASKS


@dataclass(eq=False)
class ModelFact:
    """A model the file builds (or a live model read at runtime).

    ``edges`` are (producer index, consumer index) pairs over ``layers``; a Sequential model is a
    chain. ``outputs`` are indexes of the layers whose results are the model's outputs. ``exact``
    is False when the layer list may be incomplete or reordered (layers added in a loop or under
    a condition, layers from a variable): rules about the first layer then stay silent, and
    about the last unless the layers from index ``known_tail`` on were added in order after
    every uncertain one (a Sequential's output ``add()``-ed after a loop of hidden layers)."""

    kind: str  # "sequential" | "functional" | "subclass" | "layer" (FileFacts.layer_graphs)
    layers: list[LayerFact] = field(default_factory=list)
    edges: list[tuple[int, int]] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)
    exact: bool = True
    known_tail: int | None = None  # see above; None: no known tail (an inexact model)
    input_declared: Any = UNKNOWN
    input_rank: Any = UNKNOWN  # rank of one sample (784,) -> 1, (28, 28) -> 2
    input_shape: Any = UNKNOWN  # shape of one sample, None for a free axis (analysis/shapes.py)
    compiles: list[CompileFact] = field(default_factory=list)
    fits: list[FitFact] = field(default_factory=list)
    evaluations: list[EvaluationFact] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    escapes: bool = False  # returned, stored or passed where the analysis cannot follow it
    node: Any = None
    name: str | None = None
    escaped_at: int | None = None  # len(events) when it first escaped: later uses may hide (KC504)
    used_as_layer: bool = False  # nested in another model: its output is not a model output
    task: TaskFact = field(default_factory=TaskFact)  # filled once the model's life is known
    built_under: tuple = ()  # the branches and loops it is built under (as Event.path)
    channels_first: bool = False  # the file switches Keras to channels-first images (shapes)
    built_at: Any = None  # the call of the linted file that got it from an imported module
    views: list = field(default_factory=list)  # one per output head with a loss (analysis/heads)

    # -- graph helpers (constant time each: rules ask them of every layer) ----------------
    def successors(self, layer: LayerFact) -> list[LayerFact]:
        graph = self._graph()
        return [self.layers[b] for b in graph.successors.get(graph.index_of(layer), ())]

    def predecessors(self, layer: LayerFact) -> list[LayerFact]:
        graph = self._graph()
        return [self.layers[a] for a in graph.predecessors.get(graph.index_of(layer), ())]

    def is_output(self, layer: LayerFact) -> bool:
        graph = self._graph()
        return graph.index_of(layer) in graph.outputs

    def output_layers(self) -> list[LayerFact]:
        return [self.layers[i] for i in self.outputs]

    def _graph(self) -> "_Graph":
        """The layers' indexes and adjacency, built once per shape of the model (a model is
        built before rules read it; a change of its lists builds them again)."""
        shape = (id(self.layers), len(self.layers), id(self.edges), len(self.edges),
                 id(self.outputs), len(self.outputs))
        graph = self.__dict__.get("_graph_cache")
        if graph is None or graph.shape != shape:
            graph = _Graph(shape, self.layers, self.edges, self.outputs)
            self.__dict__["_graph_cache"] = graph
        return graph

    @property
    def compile(self) -> CompileFact | None:
        """The compile call that counts: the only one, else None (several: which one is unknown)."""
        return self.compiles[0] if len(self.compiles) == 1 else None

    def output_head(self) -> "OutputHead | None":
        """The single output's effective activation and units, looking through trailing
        ``Activation``/``Softmax`` layers; None when the model has no single, exact output."""
        tail = 0 if self.exact else self.known_tail
        if tail is None or len(self.outputs) != 1 or self.outputs[0] < tail:
            return None
        layer = self.layers[self.outputs[0]]
        activation_layer = None
        while layer.is_kind(*ACTIVATION_LAYERS) or layer.is_kind(*TRANSPARENT_LAYERS - {"Flatten", "Reshape"}):
            if activation_layer is None and layer.is_kind(*ACTIVATION_LAYERS):
                activation_layer = layer
            parents = self.predecessors(layer)
            if len(parents) != 1 or self._graph().index_of(parents[0]) < tail:
                return None
            layer = parents[0]
        if not (layer.is_dense or layer.is_kind("TimeDistributed") and known(layer.activation)):
            return None
        activation = layer.activation
        if activation_layer is not None:
            activation = activation_layer.activation
            if layer.activation != LINEAR:
                activation = UNKNOWN  # Dense(…, 'relu') + Activation('softmax'): unusual, unknown
        return OutputHead(dense=layer, activation=activation, units=layer.units,
                          activation_layer=activation_layer)


@dataclass(frozen=True)
class OutputHead:
    dense: LayerFact
    activation: Any
    units: Any
    activation_layer: LayerFact | None = None

    @property
    def activation_site(self) -> LayerFact:
        """The layer that sets the output activation (where a fix would go)."""
        return self.activation_layer or self.dense


@dataclass(eq=False)
class FileFacts:
    """Everything the analysis learned about one file."""

    models: list[ModelFact] = field(default_factory=list)
    module: Any = None  # the libcst Module
    source: str = ""
    calls: list = field(default_factory=list)  # (keyword node, canonical callee): syntactic rules
    keras_calls: list[KerasCallFact] = field(default_factory=list)  # KC103, KC602, KC603
    # (expression node, dotted path) for every Keras/TensorFlow path the file spells out (KC601)
    references: list = field(default_factory=list)
    # (module node, dotted module path, [(alias node, name), ...]) of each import (KC601)
    imports: list = field(default_factory=list)
    statistics_fits: list[StatisticsFitFact] = field(default_factory=list)  # KC402
    rescaled_twice: list = field(default_factory=list)  # KC403: analysis/rescaling.py
    parameter_fits: list[FitFact] = field(default_factory=list)  # models given as parameters
    layer_graphs: list[ModelFact] = field(default_factory=list)  # Layer subclasses' call()
    target_version: str = "keras3"  # the Keras the file runs on (settings/target.py)


@dataclass(eq=False)
class KerasCallFact:
    """A call of the Keras API: a constructor (``layers.Dense``), a function, or a model method.

    ``callee`` is the canonical Keras name (``optimizers.Adam``) or ``Model.<method>`` for a method
    of a model the file builds; ``qualname`` the dotted path as resolved through the imports.
    ``arguments`` maps each keyword to its literal value (numbers, strings, tuples of them) or
    :data:`UNKNOWN`; ``positional`` holds the positional arguments the same way.
    """

    callee: str
    qualname: str
    node: Any
    arguments: dict = field(default_factory=dict)
    positional: list = field(default_factory=list)

    def argument_node(self, keyword: str):
        """The expression passed as ``keyword=``, or None."""
        for arg in getattr(self.node, "args", ()):
            if arg.keyword is not None and arg.keyword.value == keyword:
                return arg
        return None


@dataclass(eq=False)
class StatisticsFitFact:
    """A scaler's ``fit``/``fit_transform`` or a ``Normalization`` layer's ``adapt`` (KC402).

    ``held_out`` is True when the data is the test or validation side of a split or of a
    ``keras.datasets`` set; ``later_split`` is the ``train_test_split`` call that splits the very
    data the statistics came from, after the fit.
    """

    node: Any
    data_identity: Any
    estimator: str = ""
    held_out: bool = False
    later_split: Any = None
