"""Abstract values: what the static analysis knows an expression evaluates to, the frames that
hold them, and how facts are read off them.

The analysis is a small abstract interpreter over the statements of a file. Each expression
evaluates to one of these values; anything it cannot follow is :data:`UNKNOWN_VALUE` (or, for
data, a :class:`DataVal` whose origin is unknown but whose identity still tells it apart from
other data).

The readers at the end turn values into the vocabulary of :mod:`kerascheck.facts`
(``"relu"``, ``LossFact("categorical_crossentropy", from_logits=False)``), or
:data:`~kerascheck.facts.UNKNOWN` when the value says nothing certain.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import libcst as cst

from kerascheck.analysis import names
from kerascheck.facts import (
    ACTIVATION_ALIASES,
    UNKNOWN,
    DataFact,
    LayerFact,
    LossFact,
    ModelFact,
    OptimizerFact,
    normalize_activation,
    normalize_loss,
)


class Value:
    """Base of all abstract values."""


@dataclass(eq=False)
class UnknownVal(Value):
    pass


UNKNOWN_VALUE = UnknownVal()


@dataclass(eq=False)
class Ref(Value):
    """A name imported from a module: ``qualname`` is the full dotted path."""

    qualname: str

    @property
    def keras(self) -> str | None:
        """The canonical Keras name (``layers.Dense``), or None outside Keras."""
        return names.canonical(self.qualname)

    def child(self, attribute: str) -> "Ref":
        return Ref(f"{self.qualname}.{attribute}")


@dataclass(eq=False)
class Const(Value):
    value: Any


@dataclass(eq=False)
class Seq(Value):
    items: list
    exact: bool = True  # False when it contains *starred items, or rows were appended
    collected: Any = None  # DataFact of the data rows appended to it (analysis/rows.py)
    appended_layers: bool = False  # items: the layers (or tensors) appended, each once (rows.py)


@dataclass(eq=False)
class Instance(Value):
    """An object made by calling a known class (a loss, an optimizer, a scaler, a metric)."""

    qualname: str
    kwargs: dict = field(default_factory=dict)
    has_star_kwargs: bool = False
    node: Any = None
    # for scalers and Normalization layers: identities of the data they were fit/adapted on
    fitted_on: list = field(default_factory=list)
    learns: bool = False  # a ColumnTransformer or Pipeline a step of which learns statistics

    @property
    def keras(self) -> str | None:
        return names.canonical(self.qualname)

    @property
    def class_name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]


@dataclass(eq=False)
class LayerVal(Value):
    layer: LayerFact
    instance: Instance | None = None  # Normalization layers can be adapted


@dataclass(eq=False)
class TensorVal(Value):
    """A symbolic tensor of the functional API: the layer that made it and its inputs."""

    layer: LayerFact | None  # None for an Input
    parents: list = field(default_factory=list)
    shape: Any = None  # for Input: the sample shape (a tuple) or UNKNOWN


@dataclass(eq=False)
class ModelVal(Value):
    model: ModelFact


@dataclass(eq=False)
class ModelChoice(Value):
    """One of several models the file builds, chosen by an ``if`` (``if chain == "ab": mdl =
    two_chain() else: mdl = one_chain()``): what is done to it is done to each (choices.py)."""

    models: list
    outcomes: list = field(default_factory=list)  # the variables each model's branch left
    merged: dict | None = None  # the variables after the ``if`` (what the branches became)


@dataclass(eq=False)
class ModelPart(Value):
    """``model.layers`` / ``model.layers[i]``: reading ``.output`` from it inspects the model."""

    model: ModelFact
    what: str


@dataclass(eq=False)
class DataVal(Value):
    data: DataFact

    def derive(self, **changes) -> "DataVal":
        return DataVal(replace(self.data, **changes))


@dataclass(eq=False)
class FuncVal(Value):
    node: Any  # cst.FunctionDef
    scope: Any = None  # the environment it closes over


@dataclass(eq=False)
class ClassVal(Value):
    node: Any  # cst.ClassDef
    bases: list = field(default_factory=list)  # evaluated base values
    scope: Any = None  # the environment the class body closes over (for its methods)


@dataclass(eq=False)
class ObjectVal(Value):
    """An instance of a class of this file that the analysis follows: a ``keras.Model``
    subclass while its ``__init__`` and ``call`` run (``model`` is the model it becomes)."""

    cls: ClassVal
    attributes: dict = field(default_factory=dict)
    model: ModelFact | None = None
    # ``self`` of a plain class's method holding ``__init__``'s literal defaults (holders.py):
    # never called through; what the method assigns there it keeps, and hands on (escapes)
    defaults_only: bool = False


class Frame:
    """One function activation: its variables and what it returns."""

    def __init__(self, parent: Frame | None = None, standalone: bool = False):
        self.variables: dict[str, Value] = {}
        self.parent = parent
        self.returns: list[Value] = []
        self.standalone = standalone
        self.generator = False  # the function yields: calling it makes a generator
        self.outer_names: dict[str, Frame] = {}  # ``global``/``nonlocal`` names -> their frame

    def lookup(self, name: str) -> Value | None:
        frame: Frame | None = self
        while frame is not None:
            if name in frame.variables:
                return frame.variables[name]
            frame = frame.parent
        return None


def tensors_in(values) -> list:
    """The symbolic tensors among call arguments (looking into lists: ``concatenate([a, b])``;
    not into a list of one loop round's tensors: see construction.call_layer)."""
    tensors = []
    for value in values:
        if isinstance(value, TensorVal):
            tensors.append(value)
        elif isinstance(value, Seq) and not value.appended_layers:
            tensors.extend(item for item in value.items if isinstance(item, TensorVal))
    return tensors


# -- reading facts off values -------------------------------------------------------------


def activation_name(value: Value):
    if isinstance(value, Const):
        return normalize_activation(value.value) if isinstance(value.value, (str, type(None))) \
            else UNKNOWN
    if isinstance(value, Ref):
        keras_name = value.keras
        if keras_name and keras_name.startswith("activations."):
            return normalize_activation(keras_name.split(".", 1)[1])
        if keras_name and keras_name.startswith(("backend.", "ops.")) and \
                keras_name.split(".", 1)[1] in ACTIVATION_ALIASES:
            return normalize_activation(keras_name.split(".", 1)[1])  # keras.backend.sigmoid
        if value.qualname.startswith("tensorflow.nn.") or value.qualname.startswith(
                "tensorflow.math."):
            return normalize_activation(value.qualname.rsplit(".", 1)[1])
        if value.qualname.count(".") == 1 and value.qualname.startswith("tensorflow.") and \
                value.qualname[len("tensorflow."):] in ACTIVATION_ALIASES:
            return normalize_activation(value.qualname[len("tensorflow."):])  # tf.sigmoid
    if isinstance(value, LayerVal) and value.layer.is_kind("ReLU", "LeakyReLU", "ELU", "PReLU",
                                                           "Softmax"):
        return value.layer.kind.lower()
    return UNKNOWN


def loss_fact(value: Value, node=None) -> LossFact:
    if isinstance(value, Const):
        if isinstance(value.value, str):
            return LossFact(normalize_loss(value.value), False, node)
        if value.value is None:
            return LossFact(None, False, node)
        return LossFact(UNKNOWN, UNKNOWN, node)
    if isinstance(value, Ref):
        keras_name = value.keras
        if keras_name and keras_name.startswith("losses."):
            return LossFact(normalize_loss(keras_name.split(".", 1)[1]), False, node)
        return LossFact(UNKNOWN, UNKNOWN, node)
    if isinstance(value, Instance):
        keras_name = value.keras
        if keras_name and keras_name.startswith("losses."):
            from_logits = value.kwargs.get("from_logits", Const(False))
            logits = from_logits.value if isinstance(from_logits, Const) else UNKNOWN
            if value.has_star_kwargs and "from_logits" not in value.kwargs:
                logits = UNKNOWN
            # a loss object named in compile() is located at its constructor, where its class
            # and from_logits= are written (as an optimizer's learning rate, KC603)
            built = value.node if isinstance(node, cst.Name) and value.node is not None else node
            return LossFact(normalize_loss(value.class_name), logits, built)
    return LossFact(UNKNOWN, UNKNOWN, node)


def per_output(value, node, string_keyed: dict, fact) -> tuple:
    """What a value gives each output of a model (``loss=[a, b]``, ``fit(x, [y1, y2])``):
    ``(position, fact(item, item's node))`` pairs of a list or tuple the analysis knows item by
    item, ``(name, fact(...))`` pairs of a dict literal with string keys (``string_keyed``: the
    analysis' record of those, by node); ``()`` for anything else."""
    if isinstance(value, Seq) and value.exact and value.items:
        # each item is located at its own element of a list written in the call, else at node
        nodes = [node] * len(value.items)
        if isinstance(node, (cst.List, cst.Tuple)) and len(node.elements) == len(nodes):
            nodes = [element.value for element in node.elements]
        return tuple((i, fact(item, at)) for i, (item, at) in enumerate(zip(value.items, nodes)))
    if isinstance(node, cst.Dict) and id(node) in string_keyed:
        return tuple((key, fact(item, element.value)) for (key, item), element in zip(
            string_keyed[id(node)], node.elements))
    return ()


def optimizer_fact(value: Value, node=None) -> OptimizerFact:
    if isinstance(value, Const) and isinstance(value.value, str):
        return OptimizerFact(value.value.lower(), UNKNOWN, node)
    if isinstance(value, Instance):
        keras_name = value.keras
        if keras_name and keras_name.startswith("optimizers."):
            rate = value.kwargs.get("learning_rate", value.kwargs.get("lr"))
            learning_rate = rate.value if isinstance(rate, Const) else UNKNOWN
            # located at its constructor, where the learning rate is written (KC603)
            return OptimizerFact(value.class_name.lower(), learning_rate, value.node or node)
    return OptimizerFact(UNKNOWN, UNKNOWN, node)


def metric_name(value: Value):
    if isinstance(value, Const) and isinstance(value.value, str):
        return value.value
    if isinstance(value, (Ref, Instance)):
        keras_name = value.keras
        if keras_name and keras_name.startswith("metrics."):
            return keras_name.split(".", 1)[1]
    return UNKNOWN


def const_value(value: Value):
    return value.value if isinstance(value, Const) else UNKNOWN


_INTEGER_ARITHMETIC = {cst.Add: int.__add__, cst.Subtract: int.__sub__,
                       cst.Multiply: int.__mul__}


def folded_integers(left: Value, right: Value, operator, path=()) -> "Const | None":
    """``width * height * 3`` of names bound to integers: the integer, so that sizes computed
    from constants are as known as the constants (KC103's ``shape=n``, units); anything else,
    a float, a bool, a division, None. Not inside a loop (``path``: the interpreter's branches),
    whose body runs once here but any number of times for real (``n = n * 2``). Results are
    capped so no file's arithmetic grows without bound."""
    operation = _INTEGER_ARITHMETIC.get(type(operator))
    if operation is None or not all(isinstance(v, Const) and type(v.value) is int
                                    for v in (left, right)) or \
            any(step[:1] == ("loop",) for step in path):
        return None
    result = operation(left.value, right.value)
    return Const(result) if abs(result) < 2 ** 63 else None


def literal(value: Value):
    """A literal argument as Python data (numbers, strings, tuples of them), else UNKNOWN."""
    if isinstance(value, Const):
        return value.value
    if isinstance(value, Seq) and value.exact:
        items = tuple(literal(item) for item in value.items)
        return UNKNOWN if any(item is UNKNOWN for item in items) else items
    return UNKNOWN


def shape_of(value):
    if value is None:
        return UNKNOWN
    if isinstance(value, Seq) and value.exact:
        shape = tuple(const_value(item) for item in value.items)
        return shape
    if isinstance(value, Const) and isinstance(value.value, int):
        return value.value  # not a tuple: KC103's business
    return UNKNOWN


def rank(shape) -> object:
    return len(shape) if isinstance(shape, tuple) else UNKNOWN


def keyword_value(node: cst.Call, keyword: str, position: int | None):
    """The argument expression for ``keyword`` (or the positional argument at ``position``)."""
    for arg in node.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    if position is not None:
        positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
        if position < len(positional):
            return positional[position].value
    return None


# --- values that several paths give, merged (branches of an ``if``, returns of a function) --

# the kind of the graph point where branches' tensors meet (see merge_values); shapes and
# rules that do not name it take it as unknown
BRANCH_MERGE = "BranchMerge"
# the identity of what ``load_model(path)`` gives (see merge_values)
LOADED_MODEL = "loaded model"


def merge_values(values: list, identity):
    """One value for what several paths give (the branches of an ``if``, the ``return``s of a
    function): the value itself where they agree, data with the facts true on every path, a
    tuple of equal length merged item by item (``return x, y`` on each path); else unknown."""
    first = values[0]
    if all(value is first for value in values[1:]):
        return first
    if all(isinstance(v, Const) and type(v.value) is type(first.value) and
           v.value == first.value for v in values):
        return first
    if all(isinstance(value, DataVal) for value in values):
        return _merge_data([value.data for value in values], identity)
    if all(isinstance(v, Instance) and v.learns and v.qualname == first.qualname for v in values):
        return first  # one kind of composite preprocessor on every path: fit, it leaks alike
    built = {id(value.model): value for value in values if isinstance(value, ModelVal)}
    if len(built) == 1 and all(isinstance(value, ModelVal) or isinstance(value, DataVal) and (
            isinstance(value.data.identity, tuple) and value.data.identity[:1] == (
                LOADED_MODEL,)) for value in values):
        # ``if os.path.isfile(saved): model = load_model(saved)`` / ``else: model = build()``:
        # a run resumes from the model an earlier run of the same code built; what follows
        # (compile, fit) is judged on the model the file builds
        return next(iter(built.values()))
    if all(isinstance(value, TensorVal) for value in values):
        # a tensor each branch made (``o = concatenate([o, skip])`` under an ``if``): either
        # one, a point of the graph that only a rule asking "on every branch" passes through
        parents = list({id(value): value for value in values}.values())
        return TensorVal(LayerFact(kind=BRANCH_MERGE, arguments={"branches": len(parents)}),
                         parents)
    if all(isinstance(v, Seq) and v.exact and len(v.items) == len(first.items) for v in values):
        return Seq([merge_values([v.items[index] for v in values], (*identity, index))
                    for index in range(len(first.items))], exact=True)
    return UNKNOWN_VALUE


def _merge_data(facts: list[DataFact], identity) -> DataVal:
    def common(attribute):
        first = getattr(facts[0], attribute)
        return first if all(getattr(f, attribute) == first for f in facts[1:]) else None

    same_identity = common("identity")
    return DataVal(DataFact(
        source=common("source"), scaled=any(f.scaled for f in facts),
        scaled_on_some_paths=any(f.scaled for f in facts) and not all(
            f.scaled and not f.scaled_on_some_paths for f in facts),
        one_hot=all(f.one_hot for f in facts), int_labels=all(f.int_labels for f in facts),
        is_dataset=all(f.is_dataset for f in facts),
        identity=same_identity if same_identity is not None else identity,
        predicted_by=common("predicted_by"), labels=common("labels"),
        fitted_on=common("fitted_on"), factor=common("factor"), node=facts[0].node))


def outer_frame(module_frame: "Frame", frame: "Frame", name: str, is_global: bool) -> "Frame":
    """The frame a ``global``/``nonlocal`` name lives in (``global model`` in a builder makes
    its model the module's): ``module_frame`` for ``global``, else the nearest enclosing frame
    that binds ``name``."""
    if is_global:
        return module_frame
    outer = frame.parent
    while outer is not None and outer is not module_frame and name not in outer.variables:
        outer = outer.parent
    return outer if outer is not None else module_frame


def chosen_model(values: list, statement, outcomes: list) -> ModelChoice | None:
    """The choice among the models the branches of an ``if`` bound to one name (``outcomes``:
    the variables each of those branches left), or None."""
    if not isinstance(statement, cst.If) or len(values) < 2:
        return None
    models, left = [], []
    for value, outcome in zip(values, outcomes):
        if isinstance(value, ModelChoice):  # a choice made inside a branch: its own branches
            models.extend(value.models)
            left.extend(value.outcomes)
        elif isinstance(value, ModelVal):
            models.append(value.model)
            left.append(outcome)
        else:
            return None
    if len({id(model) for model in models}) != len(models):
        return None  # one model on two branches: not a choice between models
    return ModelChoice(models, left)


def models_in(value) -> list:
    """The models a value is or may be (a model, a choice of models)."""
    if isinstance(value, ModelVal):
        return [value.model]
    if isinstance(value, ModelChoice):
        return list(value.models)
    return []
