"""What the branches of an ``if`` (or a loop that may not run) leave behind, merged: a name keeps
a value only where every branch agrees, so that no rule fires on a possibility."""

from __future__ import annotations

import libcst as cst

from kerascheck.analysis.syntax import loop_jumps
from kerascheck.analysis.values import (
    UNKNOWN_VALUE, Const, Seq, Value, chosen_model, merge_values,
)


def merge_branches(outcomes: list[dict], statement) -> dict:
    """The variables after an ``if``/loop, from the variables each branch left behind.

    A name bound to the same value on every branch keeps it. Data that differs keeps only the
    facts true on every branch (a one-hot encoding done on one branch only is not known), and is
    treated as scaled if any branch scaled it, so that no rule fires on a possibility. Anything
    else that differs (two models, a loss on each branch) becomes unknown."""
    merged: dict = {}
    chosen = []
    for name in {name for outcome in outcomes for name in outcome}:
        values = [outcome[name] for outcome in outcomes if name in outcome]
        choice = chosen_model(values, statement, [o for o in outcomes if name in o])
        if choice is not None:  # a model each branch built (analysis/choices.py)
            chosen.append(choice)
        merged[name] = choice or merge_values(values, ("merged", id(statement), name))
    for choice in chosen:  # what the names held right after the ``if`` (the frame moves on)
        choice.merged = dict(merged)
    return merged


def exec_if(analyzer, statement: cst.If, frame, test) -> None:
    """An ``if`` statement (``test``: the value of its condition): the branch the condition
    decides, else every branch in turn from the same variables, merged afterwards (a branch
    missing, the variables as they were are one of the outcomes)."""
    decided = decided_branch(statement, test)
    if decided is not None:
        return analyzer.exec_block(decided, frame)
    blocks = [("body", statement.body)]
    orelse, exhaustive = statement.orelse, False
    while orelse is not None:
        blocks.append((id(orelse), orelse.body))
        exhaustive = isinstance(orelse, cst.Else)
        orelse = getattr(orelse, "orelse", None)
    before = dict(frame.variables)
    outcomes = []
    for key, block in blocks:
        frame.variables = dict(before)
        with analyzer.conditional(("if", id(statement), key)):
            analyzer.exec_block(block.body, frame)
        outcomes.append(frame.variables)
    if not exhaustive:
        outcomes.append(before)
    frame.variables = merge_branches(outcomes, statement)


def exec_try_or_match(analyzer, statement, frame) -> None:
    """A ``try``: its body, then its handlers and ``else`` as code that may not run, then its
    ``finally``. A ``match``: each ``case`` as code that may not run."""
    if type(statement).__name__ == "Match":
        for case in statement.cases:
            with analyzer.conditional(("case", id(case))):
                analyzer.exec_block(case.body.body, frame)
        return
    analyzer.exec_block(statement.body.body, frame)
    with analyzer.conditional(("try", id(statement))):
        for handler in statement.handlers:
            analyzer.exec_block(handler.body.body, frame)
        if statement.orelse is not None:
            analyzer.exec_block(statement.orelse.body.body, frame)
    if statement.finalbody is not None:
        analyzer.exec_block(statement.finalbody.body.body, frame)


def decided_branch(statement: cst.If, test) -> list | None:
    """The statements an ``if`` runs when its test's value is known (``Const(True)`` from
    ``if first_layer is not None:`` with a tensor passed in): the body, or what the ``elif``/
    ``else`` runs; None when the test is not decided. Only a comparison decides: a flag's
    value (``if include_top:``, a notebook's ``DEBUG = False``) may be a default or a setting
    the user flips, so both branches stay possible. ``isinstance(classes, dict)`` of a known
    value decides too (see :func:`isinstance_of`)."""
    if not isinstance(statement.test, cst.Comparison) and not _is_isinstance(statement.test) \
            or not isinstance(test, Const) or not isinstance(test.value, bool):
        return None
    if test.value:
        return list(statement.body.body)
    if isinstance(statement.orelse, cst.Else):
        return list(statement.orelse.body.body)
    return [statement.orelse] if statement.orelse is not None else []


_BUILTIN_TYPES = {"int": (int,), "float": (float,), "str": (str,), "bool": (bool,),
                  "dict": (dict,), "list": (list,), "tuple": (tuple,), "set": (set,)}


def isinstance_of(node: cst.Call, args) -> Value:
    """``isinstance(classes, dict)`` where ``classes`` is a known constant (``40``, a string)
    and the types are builtins named as such: ``Const(True/False)``; else unknown."""
    if len(args) != 2 or len(node.args) != 2 or any(arg.star or arg.keyword for arg in node.args):
        return UNKNOWN_VALUE
    value, types = args[0], node.args[1].value
    names = [element.value for element in types.elements] if isinstance(types, cst.Tuple) \
        else [types]
    if not all(isinstance(name, cst.Name) and name.value in _BUILTIN_TYPES for name in names):
        return UNKNOWN_VALUE
    wanted = tuple(kind for name in names for kind in _BUILTIN_TYPES[name.value])
    if isinstance(value, Const) and value.value is not None:
        return Const(isinstance(value.value, wanted))
    return UNKNOWN_VALUE


def _is_isinstance(test) -> bool:
    return isinstance(test, cst.Call) and isinstance(test.func, cst.Name) and \
        test.func.value == "isinstance"


_SIMPLE = (cst.Integer, cst.Name, cst.Attribute, cst.Subscript, cst.UnaryOperation)


def runs_at_least_once(statement, evaluate) -> bool:
    """Whether a ``for`` loop certainly runs its body (then what the body assigns is what the
    loop leaves, with no "zero times" possibility): over a literal list or tuple with an item,
    or a name bound to one, or a ``range`` whose bounds are known ints (``range(blocks[3])`` with ``blocks`` a literal
    list), and with no ``break``/``continue`` that could skip the rest of the body. Only plain
    names, subscripts and literals are evaluated (again): nothing with a call."""
    if not isinstance(statement, cst.For) or statement.asynchronous is not None:
        return False
    iterable = statement.iter
    if isinstance(iterable, (cst.List, cst.Tuple)):
        certain = bool(iterable.elements) and not any(
            isinstance(element, cst.StarredElement) for element in iterable.elements)
    elif isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) and \
            iterable.func.value == "range" and 1 <= len(iterable.args) <= 2 and all(
                arg.keyword is None and not arg.star and isinstance(arg.value, _SIMPLE)
                for arg in iterable.args):
        bounds = [evaluate(arg.value) for arg in iterable.args]
        if not all(isinstance(bound, Const) and type(bound.value) is int for bound in bounds):
            return False
        start, stop = (0, bounds[0].value) if len(bounds) == 1 else (bounds[0].value,
                                                                      bounds[1].value)
        certain = stop > start
    elif isinstance(iterable, (cst.Name, cst.Attribute, cst.Subscript)):
        items = evaluate(iterable)  # ``for filters in layer_filters:``, a literal list's name
        certain = isinstance(items, Seq) and items.exact and bool(items.items)
    else:
        return False
    if not certain:
        return False
    return not loop_jumps(statement.body.body)


# --- branches that depend on the installation ------------------------------------------------
# ``if K.backend() == "theano":``, ``if keras.__version__ < "2":``, ``try: import X`` /
# ``except ImportError:`` choose code by the Keras installed, which the source does not say.
# A finding under such a branch is silent (:func:`conditional_nodes`), unless the branch is the
# one a plain test for a backend the target Keras has selects.

# the backends each target's Keras offers (Keras 3 dropped Theano and CNTK)
_BACKENDS = {"keras3": {"tensorflow", "jax", "torch", "numpy", "openvino"},
             "keras2": {"tensorflow", "theano", "cntk", "plaidml.keras.backend"},
             "tf1": {"tensorflow", "theano", "cntk", "plaidml.keras.backend"}}
_BACKEND_QUERIES = {"backend"}
_UNKNOWN_QUERIES = {"image_data_format", "image_dim_ordering", "executing_eagerly", "hasattr",
                    "LooseVersion", "StrictVersion", "parse_version"}
_MODULE_NAMES = {"keras", "tf", "tensorflow", "K", "backend", "tf_keras"}
_VERSION_NAMES = {"__version__", "VERSION", "version_info"}
_HINTS = ("backend(", "__version__", "image_data_format", "image_dim_ordering", "hasattr",
          "Version", "ImportError", "ModuleNotFoundError", "AttributeError", "version.parse")


def conditional_nodes(module: cst.Module, source: str, target: str) -> set[int]:
    """The ids of every node under a branch that depends on the installed Keras in a way the
    source does not settle for ``target``: a backend other than one ``target`` has, a Keras or
    TensorFlow version, the image data format, ``hasattr`` on a module; and the handlers of a
    ``try`` that catches ``ImportError``/``AttributeError`` with its imports (its whole body
    under ``AttributeError``)."""
    if not any(hint in source for hint in _HINTS):
        return set()  # most files: no walk
    collector = _Conditionals(_BACKENDS.get(target, _BACKENDS["keras3"]))
    module.visit(collector)
    silent: set[int] = set()
    for block in collector.silent:
        block.visit(_Ids(silent))
    return silent


def _leaf(node) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


class _Ids(cst.CSTVisitor):
    def __init__(self, ids: set[int]):
        self.ids = ids

    def on_visit(self, node) -> bool:
        self.ids.add(id(node))
        return True


class _Conditionals(cst.CSTVisitor):
    def __init__(self, backends: set[str]):
        self.backends = backends
        self.silent: list[cst.CSTNode] = []
        self.backend_names: set[str] = set()  # names bound to K.backend()
        self.version_names: set[str] = set()  # names bound to a version test (keras_2 = ...)

    def visit_Assign(self, node: cst.Assign) -> None:
        kind = self._kind(node.value)
        for target in node.targets:
            if isinstance(target.target, cst.Name) and kind is not None:
                (self.backend_names if kind == "backend" and _is_query(node.value)
                 else self.version_names).add(target.target.value)

    def visit_If(self, node: cst.If) -> None:
        kind = self._kind(node.test)
        if kind is None:
            return
        selected = self._backends_selected(node.test) if kind == "backend" else None
        if selected is None or not selected & self.backends:
            self.silent.append(node.body)  # a backend the target lacks, or unknown
        if isinstance(node.orelse, cst.Else):
            self.silent.append(node.orelse)  # "any other backend / version": unknown

    def visit_Try(self, node: cst.Try) -> None:
        caught = set()
        for handler in node.handlers:
            caught |= _caught(handler.type) if handler.type is not None else {"*"}
        imports = [line for line in node.body.body if isinstance(line, cst.SimpleStatementLine)
                   and all(isinstance(small, (cst.Import, cst.ImportFrom)) for small in line.body)]
        if "AttributeError" in caught:
            self.silent.append(node.body)  # a lookup that may fail on this Keras
        elif caught & {"ImportError", "ModuleNotFoundError"} or imports and len(imports) == len(
                node.body.body) and caught & {"*", "Exception"}:
            self.silent.extend(imports)  # an import that may fail; the code after it runs
        else:
            return
        self.silent.extend(node.handlers)  # runs only where the first attempt failed

    def _kind(self, expression) -> str | None:
        """"backend" or "unknown" when ``expression`` depends on the installation, else None."""
        found = _Kinds(self.backend_names, self.version_names)
        expression.visit(found)
        return found.kind

    def _backends_selected(self, test) -> set[str] | None:
        """The backends a plain ``backend() == "x"`` / ``in ("x", "y")`` test selects."""
        if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1 or \
                not (_is_query(test.left) or isinstance(test.left, cst.Name) and
                     test.left.value in self.backend_names):
            return None
        comparison = test.comparisons[0]
        if isinstance(comparison.operator, cst.Equal):
            values = [comparison.comparator]
        elif isinstance(comparison.operator, cst.In) and isinstance(
                comparison.comparator, (cst.Tuple, cst.List, cst.Set)):
            values = [element.value for element in comparison.comparator.elements]
        else:
            return None
        if not all(isinstance(value, cst.SimpleString) for value in values):
            return None
        return {value.evaluated_value for value in values}


def _is_query(node) -> bool:
    return isinstance(node, cst.Call) and _leaf(node.func) in _BACKEND_QUERIES and not node.args


def _on_a_module(call: cst.Call) -> bool:
    """``hasattr(keras.layers, "X")``: a feature test on the library, not on an object."""
    first = call.args[0].value if call.args else None
    while isinstance(first, cst.Attribute):
        first = first.value
    return isinstance(first, cst.Name) and first.value in _MODULE_NAMES


def _caught(node) -> set[str]:
    if isinstance(node, cst.Tuple):
        return {name for element in node.elements for name in _caught(element.value)}
    leaf = _leaf(node)
    return {leaf} if leaf else set()


class _Kinds(cst.CSTVisitor):
    def __init__(self, backend_names: set[str], version_names: set[str]):
        self.backend_names, self.version_names = backend_names, version_names
        self.kind: str | None = None

    def visit_Call(self, node: cst.Call) -> None:
        leaf = _leaf(node.func)
        if _is_query(node):
            self.kind = self.kind or "backend"
        elif leaf in _UNKNOWN_QUERIES and (leaf != "hasattr" or _on_a_module(node)) or \
                leaf == "parse" and _leaf(getattr(node.func, "value", None)) == "version":
            self.kind = "unknown"

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in _VERSION_NAMES:
            self.kind = "unknown"

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.version_names:
            self.kind = "unknown"
        elif node.value in self.backend_names:
            self.kind = self.kind or "backend"
