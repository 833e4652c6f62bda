"""Classes of the file that Keras gives a meaning: models, layers and datasets by subclassing.

A ``keras.Model`` subclass creates its layers in ``__init__`` (``self.hidden = Dense(64)``) and
chains them in ``call`` (``x = self.hidden(inputs)``; ``return self.out(x)``). When the file
instantiates such a class, the analysis runs ``__init__`` and then ``call`` on a symbolic input
with ``self`` bound to an :class:`~kerascheck.analysis.values.ObjectVal`, and reads the layer graph off the
tensors ``call`` returns, exactly as for the functional API. The result is a
:class:`~kerascheck.facts.ModelFact` of kind ``"subclass"`` to which the instance's later
``compile``/``fit``/``evaluate`` calls attach.

A ``call`` with branches or loops (``if training: x = self.dropout(x)``, ``for block in
self.blocks``) gives a graph that may differ at run time: the model is then not ``exact``.
Subclasses of ``keras.layers.Layer`` become layers of unknown kind; subclasses of
``keras.utils.Sequence``/``PyDataset`` become datasets (KC503).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from kerascheck.analysis.origins import BUILT
from kerascheck.analysis.values import (
    UNKNOWN_VALUE,
    ClassVal,
    Const,
    DataVal,
    FuncVal,
    LayerVal,
    ModelVal,
    ObjectVal,
    Ref,
    Seq,
    TensorVal,
    Value,
)
from kerascheck.facts import UNKNOWN, DataFact, LayerFact, ModelFact

if TYPE_CHECKING:
    from kerascheck.analysis.interface import Interpreter

# canonical Keras base class -> what instances of a subclass are
_ROLES = {
    "models.Model": "model",
    "layers.Layer": "layer",
    "utils.Sequence": "dataset",
    "utils.PyDataset": "dataset",
}
# Methods of keras.Model that ``self.<method>(...)`` inside the class may call.
MODEL_METHODS = {"compile", "fit", "evaluate", "predict", "build", "summary", "save",
                 "train_on_batch", "test_on_batch"}
_BRANCHING = (cst.If, cst.For, cst.While, cst.Try, cst.With)
_MAX_BASE_DEPTH = 10


_OWN_TRAINING = ("fit", "train_on_batch", "_make_train_function", "make_train_function")


def class_role(cls: ClassVal, depth: int = 0) -> str | None:
    """``"model"``, ``"layer"``, ``"dataset"`` or None for a class of the file."""
    if depth > _MAX_BASE_DEPTH:
        return None
    for base in cls.bases:
        if isinstance(base, Ref) and base.keras in _ROLES:
            return _ROLES[base.keras]
        if isinstance(base, ClassVal):
            role = class_role(base, depth + 1)
            if role is not None:
                return role
    return None


def find_method(cls: ClassVal, name: str, depth: int = 0) -> cst.FunctionDef | None:
    """The method ``name`` defined by the class or by one of its bases in the file."""
    found = _find_method(cls, name, depth)
    return found[0] if found else None


def _find_method(cls: ClassVal, name: str, depth: int = 0):
    """(method, the class defining it) or None."""
    if depth > _MAX_BASE_DEPTH:
        return None
    for statement in cls.node.body.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            return statement, cls
    for base in cls.bases:
        if isinstance(base, ClassVal):
            found = _find_method(base, name, depth + 1)
            if found is not None:
                return found
    return None


def called(analyzer: "Interpreter", callee: ClassVal | ObjectVal, node: cst.Call, args,
           kwargs) -> Value | None:
    """``Class(...)`` (see :func:`instantiate`), or an instance of a followed plain class called
    (``WideResNet(size)()``: its ``__call__`` run with ``self`` bound); None when the call means
    nothing to the analysis."""
    if isinstance(callee, ClassVal):
        return instantiate(analyzer, callee, node, args, kwargs)
    found = _find_method(callee.cls, "__call__") if callee.model is None and \
        not callee.defaults_only else None
    return _run_method(analyzer, found, callee, args, kwargs, node) if found else None


def _plain(cls: ClassVal, depth: int = 0) -> bool:
    """A class of the file that is nothing but its own code: no decorator (a dataclass makes its
    own ``__init__``), no metaclass, and no base but ``object`` or another such class."""
    node: cst.ClassDef = cls.node
    if depth > _MAX_BASE_DEPTH or node.decorators or node.keywords or \
            len(node.bases) != len(cls.bases):
        return False
    return all(isinstance(base, ClassVal) and _plain(base, depth + 1) or
               isinstance(arg.value, cst.Name) and arg.value.value == "object"
               for arg, base in zip(node.bases, cls.bases))


def _follow_plain(analyzer: "Interpreter", cls: ClassVal, node: cst.Call, args,
                  kwargs) -> ObjectVal:
    """An instance of a plain class of the file (a model builder, a trainer): ``__init__`` runs
    with ``self`` bound, and its attributes and methods are followed where the file uses them
    (``model = Builder(config).build()``; ``WideResNet(size, depth=16)()``). What the
    analysis cannot follow it hands on is escaped (see :func:`call_method`)."""
    this = ObjectVal(cls)
    init = _find_method(cls, "__init__")
    if init is not None:
        _run_method(analyzer, init, this, args, kwargs, node)
    else:
        for value in [*args, *kwargs.values()]:
            analyzer.escape(value)
    return this


def _run_method(analyzer: "Interpreter", found, this: ObjectVal, args, kwargs, node) -> Value:
    """Run a method of a followed class with ``self`` bound, remembering its class for
    ``super()`` calls inside it."""
    method, owner = found
    analyzer.method_owners.append((owner, this))
    try:
        return analyzer.call_function(FuncVal(method, owner.scope), [this, *args], kwargs,
                                      call_node=node)
    finally:
        analyzer.method_owners.pop()


def call_super(analyzer: "Interpreter", name: str, node: cst.Call, args, kwargs,
               star: bool = False) -> Value:
    """``super().<name>(...)`` inside a followed class: the next definition up the bases of the
    file, or nothing (Keras' own ``__init__`` and friends need no following)."""
    if not analyzer.method_owners:
        return UNKNOWN_VALUE
    owner, this = analyzer.method_owners[-1]
    for base in owner.bases:
        if isinstance(base, ClassVal):
            found = _find_method(base, name)
            if found is not None:
                return _run_method(analyzer, found, this, args, kwargs, node)
    if this.model is not None and name in MODEL_METHODS:
        # an override calling Keras' own method: ``super().compile()`` compiles the model
        return analyzer.call_model_method(this.model, name, node, args, kwargs, star)
    return UNKNOWN_VALUE


def overridden_method(analyzer: "Interpreter", model, name: str, node: cst.Call, args,
                      kwargs) -> Value | None:
    """``model.<name>(...)`` on an instance of a followed class that defines ``<name>`` itself
    (a GAN's ``compile(d_optimizer, g_optimizer, loss_fn)``): run the override, not Keras'
    method. None when the class does not override it."""
    this = analyzer.objects.get(id(model))
    if this is None:
        return None
    found = _find_method(this.cls, name)
    if found is None:
        return None
    return _run_method(analyzer, found, this, args, kwargs, node)


def built_identity(cls: ClassVal, args, kwargs) -> tuple | None:
    """The identity of a dataset class's instance (a ``Sequence`` of the project's own) built
    from known data with arguments all known: ``("built", class, keywords, keys)``, so that two
    instances built alike (``Batches(samples=train, size=32)`` twice, or from two reads of one
    split file with the same arguments) are the same data (KC505). None when any argument is
    unknown: two unknowns are not known to be equal."""
    keys = []
    for value in [*args, *kwargs.values()]:
        if isinstance(value, DataVal) and value.data.identity is not None and \
                not value.data.synthetic and not _mentions_unknown(value.data.identity):
            keys.append(value.data.identity)
        elif isinstance(value, Const):
            keys.append(("const", repr(value.value)))
        elif isinstance(value, Ref):
            keys.append(("ref", value.qualname))
        else:
            return None
    if not any(isinstance(value, DataVal) for value in [*args, *kwargs.values()]):
        return None
    return (BUILT, id(cls.node), tuple(kwargs), tuple(keys))


def _mentions_unknown(identity) -> bool:
    """Whether an identity holds an argument the analysis did not know (``("other", ...)``:
    analysis/functions.py keys an unknown argument by the object, which unknowns share)."""
    pending = [identity]
    while pending:
        current = pending.pop()
        if isinstance(current, tuple):
            if current[:1] == ("other",):
                return True
            pending.extend(current)
    return False


def instantiate(analyzer: "Interpreter", cls: ClassVal, node: cst.Call, args, kwargs) -> Value | None:
    """The value of ``cls(...)``, or None when the class means nothing to Keras."""
    role = class_role(cls)
    if role == "dataset":
        identity = built_identity(cls, args, kwargs) or ("value", id(node))
        return DataVal(DataFact(is_dataset=True, identity=identity, node=node))
    if role == "layer":
        return LayerVal(LayerFact(kind=UNKNOWN, node=node))
    if role is None and _plain(cls):
        return _follow_plain(analyzer, cls, node, args, kwargs)
    if role != "model":
        return None
    model = ModelFact(kind="subclass", node=node, input_declared=UNKNOWN)
    if find_method(cls, "train_step") is not None:
        analyzer.custom_training.add(id(model))
    if any(find_method(cls, name) is not None for name in _OWN_TRAINING):
        # it replaces Keras' training machinery (Keras 1's _make_train_function, a fit of its
        # own): whether it is compiled, and what it holds out, is its own code's business
        analyzer.escape(ModelVal(model))
    this = ObjectVal(cls, model=model)
    analyzer.objects[id(model)] = this
    init = _find_method(cls, "__init__")
    if init is not None:
        _run_method(analyzer, init, this, args, kwargs, node)
    found_call = _find_method(cls, "call")
    call = found_call[0] if found_call else None
    outputs = None
    if found_call is not None:
        symbolic_input = TensorVal(None, [], shape=UNKNOWN)
        result = _run_method(analyzer, found_call, this, [symbolic_input], {}, node)
        outputs = result.items if isinstance(result, Seq) and result.exact else [result]
    if outputs and all(isinstance(v, TensorVal) and v.layer is not None for v in outputs):
        analyzer.build_graph(model, outputs)
        if _branches(call):
            model.exact = False
    else:
        # The wiring is unknown: keep the layers (their own arguments can still be judged) but
        # no edges and no outputs, so that no rule reasons about order or the output layer.
        model.exact = False
        model.layers = [value.layer for value in this.attributes.values()
                        if isinstance(value, LayerVal)]
    analyzer.register_model(model)
    return ModelVal(model)


def own_graphs(analyzer: "Interpreter", classes: list[ClassVal]) -> list[ModelFact]:
    """The graphs of the file's Layer subclasses' ``call`` (and of the Model subclasses it never
    instantiates), see :func:`own_graph`, run once the file has been interpreted. Running them
    adds nothing else: the models, Keras calls and references they make are the standalone
    runs' already, and are dropped."""
    instantiated = {id(this.cls) for this in analyzer.objects.values()}
    graphs = []
    for cls in classes:
        if id(cls) in instantiated:
            continue
        kept = [(found, len(found)) for found in (
            analyzer.models, analyzer.keras_calls, analyzer.references,
            analyzer.statistics_fits, analyzer.unattributed_evaluations)]
        try:
            graph = own_graph(analyzer, cls)
        except Exception:  # RecursionError too: the class stays one opaque layer, as before
            graph = None
        finally:
            for found, length in kept:
                del found[length:]
        if graph is not None:
            graphs.append(graph)
    return graphs


def own_graph(analyzer: "Interpreter", cls: ClassVal) -> ModelFact | None:
    """The layer graph of a class's own ``call``, judged on its own: a ``keras.layers.Layer``
    subclass (which elsewhere is one layer of unknown kind), or a ``keras.Model`` subclass the
    file never instantiates. ``__init__`` runs with its parameters unknown and ``call`` on a
    symbolic input, with ``self`` bound, as :func:`instantiate` does for a model. Only the
    graph's own wiring (KC201's chains of affine layers) is worth judging: the result is a
    :class:`~kerascheck.facts.ModelFact` of kind ``"layer"``, never compiled nor trained, kept
    apart from the file's models. None when ``call`` is missing or what it returns is not a
    layer's tensor."""
    found_call = _find_method(cls, "call")
    if found_call is None or class_role(cls) not in ("layer", "model"):
        return None
    this = ObjectVal(cls)
    init = _find_method(cls, "__init__")
    if init is not None:
        _run_method(analyzer, init, this, [], {}, cls.node)
    symbolic_input = TensorVal(None, [], shape=UNKNOWN)
    result = _run_method(analyzer, found_call, this, [symbolic_input], {}, cls.node)
    outputs = result.items if isinstance(result, Seq) and result.exact else [result]
    if not outputs or not all(isinstance(v, TensorVal) and v.layer is not None for v in outputs):
        return None
    graph = ModelFact(kind="layer", node=cls.node, input_declared=UNKNOWN)
    analyzer.build_graph(graph, outputs)
    graph.exact = not _branches(found_call[0])
    return graph


def read_attribute(this: ObjectVal, name: str) -> Value:
    return this.attributes.get(name, UNKNOWN_VALUE)


def call_method(analyzer: "Interpreter", this: ObjectVal, name: str, node: cst.Call, args, kwargs,
                star, frame) -> Value:
    """``self.<name>(...)`` inside a followed class: a layer attribute, a method, or a Model
    method such as ``self.compile(...)``."""
    attribute = this.attributes.get(name)
    if attribute is not None:
        return analyzer.call_value(attribute, node, args, kwargs, star, frame)
    found = _find_method(this.cls, name)
    if found is not None:
        return _run_method(analyzer, found, this, args, kwargs, node)
    if this.model is not None and name in MODEL_METHODS:
        return analyzer.call_model_method(this.model, name, node, args, kwargs, star)
    if this.model is None:  # a plain object's method the file does not define: unseen code
        for value in [this, *args, *kwargs.values()]:
            analyzer.escape(value)
    return UNKNOWN_VALUE


def _branches(function: cst.FunctionDef | None) -> bool:
    """Whether the function body has statements that may run a layer zero or several times."""
    if function is None:
        return True
    pending = list(function.body.body) if isinstance(function.body, cst.IndentedBlock) else []
    while pending:
        statement = pending.pop()
        if isinstance(statement, _BRANCHING) and not isinstance(statement, cst.With):
            return True
        if isinstance(statement, cst.With):
            pending.extend(statement.body.body)
    return False
