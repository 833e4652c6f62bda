"""Plain classes of the file that hold Keras models in attributes and train them (KC504).

A class with no base (``class SeGAN(object):``) that builds its models in ``__init__``
(``self.model = Sequential([self.netS, self.netC])``) and trains them in its own methods
(``self.model.train_on_batch(X, y)``, ``self.model.layers[-1].train_on_batch(X, y)``) is
library code: the file defines it, someone else instantiates it. Its methods are checked on
their own like every function of the file, and for such a class with ``self`` bound to one
instance (:class:`~kerascheck.analysis.values.ObjectVal`), ``__init__`` first, so that the
models in its attributes are followed through the methods.

Only classes that train a model, hold what ``compile`` would be given (an optimizer or a loss:
``optimizer=RMSprop(2e-5), loss=mae`` kept in ``__init__``) and never spell ``compile`` anywhere
in their body are followed so, and only when the file never names the class again (no instance
the file itself could compile from outside): such a class means to compile its models itself,
and a model it trains is never compiled on any path it has. (Which order users call the
methods in is unknown; with no ``compile`` at all it does not matter. A class that holds no
optimizer and no loss may leave ``compile`` to its users, in another file: not judged.)
"""

from __future__ import annotations

import re

import libcst as cst

from kerascheck.analysis.values import Const, ModelPart, ModelVal, ObjectVal

_TRAINING_CALLS = (".train_on_batch(", ".fit(", ".fit_generator(", ".test_on_batch(",
                   ".evaluate(")
# what compile() is given, held by the class: an optimizer or a loss, by name or made there
_COMPILE_SETTINGS = re.compile(r"\b(?:optimizer|loss|Adam|RMSprop|SGD|Adagrad|Adadelta|Adamax|"
                               r"Nadam|AdamW)\b")


def instance_for(analyzer, cls) -> list:
    """``[self]`` for the methods of a plain class (a ``ClassVal``) that trains models it never
    compiles though it holds an optimizer or a loss, and that the file never names again;
    ``[]`` (``self`` unknown) for any other."""
    node: cst.ClassDef = cls.node
    if any(not (isinstance(base.value, cst.Name) and base.value.value == "object")
           for base in node.bases) or node.keywords:
        return []
    code = analyzer.module.code_for_node(node)
    if not any(call in code for call in _TRAINING_CALLS) or "compile" in code or \
            not _COMPILE_SETTINGS.search(code):
        return []
    if _named_elsewhere(analyzer.module, node.name.value):
        return []
    return [ObjectVal(cls)]


def methods_with_self(analyzer, cls, frame, role) -> list[tuple[cst.FunctionDef, list]]:
    """Each method of the class with what its ``self`` is: the one instance above; for a plain
    class, a fresh instance per method holding the literal defaults ``__init__`` stores
    (:func:`init_defaults`), so that library code is judged as its defaults build it; else
    nothing (``self`` unknown)."""
    given = instance_for(analyzer, cls)
    defaults = {} if given or role is not None else init_defaults(analyzer, cls, frame)
    return [(method, [ObjectVal(cls, dict(defaults), defaults_only=True)]
             if defaults and method.name.value != "__init__" else given)
            for method in ordered_methods(cls.node, given)]


def init_defaults(analyzer, cls, frame) -> dict:
    """``{name: Const}`` for each ``self.name = parameter`` at the top of ``__init__`` whose
    parameter has a literal default (``activation="sigmoid"``), when the parameter is never
    rebound in ``__init__`` and nothing else in the class assigns ``self.name``: what every
    method reads there when the class is made with its defaults (aeon's and sktime's
    estimators). Written out by hand: three small walks of one class's statements."""
    init = next((s for s in cls.node.body.body if isinstance(s, cst.FunctionDef) and
                 s.name.value == "__init__"), None)
    if init is None:
        return {}
    defaults = {}
    for param in (*init.params.params, *init.params.kwonly_params):
        if param.default is not None:
            value = analyzer.eval(param.default, frame)
            if isinstance(value, Const) and (value.value is None or
                                             type(value.value) in (str, int, float, bool)):
                defaults[param.name.value] = value
    rebound = {name for name, _ in _assignments(init)}
    sources: dict[str, list[str]] = {}  # attribute -> the parameters stored in it, in order
    for line in init.body.body:
        if isinstance(line, cst.SimpleStatementLine):
            for small in line.body:
                if isinstance(small, cst.Assign) and len(small.targets) == 1 and \
                        isinstance(small.value, cst.Name) and \
                        small.value.value in defaults and small.value.value not in rebound:
                    attribute = _self_attribute(small.targets[0].target)
                    if attribute is not None:
                        sources.setdefault(attribute, []).append(small.value.value)
    counts: dict[str, int] = {}
    for _, target in _assignments(cls.node):
        attribute = _self_attribute(target)
        if attribute is not None:
            counts[attribute] = counts.get(attribute, 0) + 1
    # one parameter, and no other assignment in the class (``self.activation = activation``
    # written twice in one ``__init__`` is still the default)
    return {name: defaults[params[0]] for name, params in sources.items()
            if len(set(params)) == 1 and counts.get(name) == len(params)}


def _assignments(node: cst.CSTNode):
    """``(bound name or None, target)`` of every assignment, augmented assignment and ``for``
    or ``with`` target under ``node``."""
    pending = [node]
    while pending:
        current = pending.pop()
        targets = []
        if isinstance(current, cst.Assign):
            targets = [target.target for target in current.targets]
        elif isinstance(current, (cst.AugAssign, cst.AnnAssign, cst.For)):
            targets = [current.target]
        elif isinstance(current, cst.WithItem) and current.asname is not None:
            targets = [current.asname.name]
        for target in targets:
            for part in (target.elements if isinstance(target, (cst.Tuple, cst.List))
                         else [target]):
                part = part.value if isinstance(part, cst.Element) else part
                yield (part.value if isinstance(part, cst.Name) else None), part
        pending.extend(current.children)


def _self_attribute(target) -> str | None:
    if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and \
            target.value.value == "self":
        return target.attr.value
    return None


def ordered_methods(node: cst.ClassDef, given: list) -> list[cst.FunctionDef]:
    """The class's methods in the file's order; ``__init__`` first when they run on one
    instance (``given``): it sets the attributes the others use."""
    methods = [s for s in node.body.body if isinstance(s, cst.FunctionDef)]
    return sorted(methods, key=lambda method: method.name.value != "__init__") if given \
        else methods


def _named_elsewhere(module: cst.Module, name: str) -> bool:
    """Whether ``name`` appears in the module other than as the class's own name (an instance,
    a subclass, an import of it elsewhere). A walk over the module's nodes, hand-written."""
    seen = 0
    pending: list[cst.CSTNode] = [module]
    while pending:
        node = pending.pop()
        if isinstance(node, cst.Name) and node.value == name:
            seen += 1
            if seen > 1:
                return True
        pending.extend(node.children)
    return False


def layer_of(analyzer, model, node: cst.Subscript):
    """``model.layers[i]`` with a literal ``i``: the sub-model at that place when the model was
    built from models (``Sequential([generator, critic]).layers[-1]`` is ``critic``); else the
    model's layer, which the analysis does not follow."""
    element = node.slice[0].slice if len(node.slice) == 1 else None
    index = element.value if isinstance(element, cst.Index) else None
    negative = isinstance(index, cst.UnaryOperation) and isinstance(index.operator, cst.Minus)
    literal = index.expression if negative else index
    if isinstance(literal, cst.Integer):
        position = -int(literal.value) if negative else int(literal.value)
        if -len(model.layers) <= position < len(model.layers):
            layer_node = model.layers[position].node
            for candidate in analyzer.models:
                if candidate.used_as_layer and layer_node is not None and \
                        candidate.node is layer_node:
                    return ModelVal(candidate)
    return ModelPart(model, "layer")
