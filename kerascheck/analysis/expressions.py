"""Expressions whose value needs nothing but the frame and the file's imports: names, literals,
containers, comparisons, conditional expressions, call arguments. A part of
:class:`~kerascheck.analysis.interpreter.Analyzer` (a mixin); the expressions that reach data
flow, subclasses or calls are the interpreter's own.
"""

from __future__ import annotations

import libcst as cst

from kerascheck.analysis.names import SNIPPET_ALIASES, UNAMBIGUOUS_ALIASES, WELL_KNOWN_UNBOUND
from kerascheck.analysis.values import (
    UNKNOWN_VALUE,
    Const,
    DataVal,
    Frame,
    LayerVal,
    ModelVal,
    Ref,
    Seq,
    TensorVal,
    Value,
)
from kerascheck.facts import DataFact

# values that are never None: what ``x is None`` decides on
CERTAINLY_OBJECTS = (TensorVal, LayerVal, ModelVal)


# (analyzer class, node class) -> the analyzer's eval_<NodeClass> function, None if it has none
_EVALUATORS: dict[tuple[type, type], object] = {}


class Expressions:
    """``eval(node, frame)`` dispatches on the node's type to an ``eval_<Type>`` method."""

    def eval(self, node: cst.BaseExpression | None, frame: Frame) -> Value:
        if node is None:
            return UNKNOWN_VALUE
        key = (type(self), type(node))
        try:
            method = _EVALUATORS[key]
        except KeyError:  # (found once per class, not by name in every call)
            method = _EVALUATORS[key] = getattr(type(self), f"eval_{type(node).__name__}", None)
        if method is None:
            return UNKNOWN_VALUE
        return method(self, node, frame)

    def eval_Name(self, node: cst.Name, frame: Frame) -> Value:
        value = frame.lookup(node.value)
        if value is not None:
            if isinstance(value, Seq) and value.collected is not None:
                return DataVal(value.collected)  # a list of data rows (analysis/rows.py)
            return value
        if node.value in self.imports:
            return Ref(self.imports[node.value])
        if node.value in ("True", "False", "None"):
            return Const({"True": True, "False": False, "None": None}[node.value])
        if node.value not in self.bound and node.value in WELL_KNOWN_UNBOUND and \
                not self.star_imports:
            return Ref("keras." + WELL_KNOWN_UNBOUND[node.value])
        if node.value not in self.bound and node.value in SNIPPET_ALIASES and \
                not self.imports and not self.star_imports:
            return Ref(SNIPPET_ALIASES[node.value])
        if node.value not in self.bound and node.value in UNAMBIGUOUS_ALIASES and \
                not self.star_imports:
            return Ref(UNAMBIGUOUS_ALIASES[node.value])
        # A free name in a snippet (``raw_data``): unknown data with an identity of its own.
        return DataVal(DataFact(identity=("free", node.value)))

    def eval_Integer(self, node: cst.Integer, frame: Frame) -> Value:
        try:
            return Const(int(node.value.replace("_", ""), 0))
        except ValueError:
            return Const(int(node.value.replace("_", "").lstrip("0") or "0"))

    def eval_Float(self, node: cst.Float, frame: Frame) -> Value:
        try:
            return Const(float(node.value.replace("_", "")))
        except ValueError:
            return UNKNOWN_VALUE

    def eval_SimpleString(self, node: cst.SimpleString, frame: Frame) -> Value:
        text = node.value
        # Hot path (benchmarks/bench.py): a plain quoted string without escapes or prefix is
        # its own value; evaluated_value would compile it with ast.literal_eval (~3% of a run).
        if text[0] in "'\"" and "\\" not in text and "\r" not in text:
            return Const(text[3:-3] if text[:3] in ('"""', "'''") else text[1:-1])
        try:
            return Const(node.evaluated_value)
        except Exception:  # odd prefixes such as b''/rb'': not something rules compare
            return UNKNOWN_VALUE

    def eval_ConcatenatedString(self, node, frame: Frame) -> Value:
        return UNKNOWN_VALUE

    def eval_Comparison(self, node: cst.Comparison, frame: Frame) -> Value:
        left = self.eval(node.left, frame)
        for target in node.comparisons:
            self.eval(target.comparator, frame)
        if len(node.comparisons) == 1 and isinstance(node.comparisons[0].operator, (
                cst.Is, cst.IsNot)) and isinstance(left, CERTAINLY_OBJECTS) and \
                isinstance(node.comparisons[0].comparator, cst.Name) and \
                node.comparisons[0].comparator.value == "None":
            # ``if first_layer is not None:`` with a tensor passed in: decided (a layer, a
            # tensor, a model is never None; a None, even a default's, is not taken as known)
            return Const(isinstance(node.comparisons[0].operator, cst.IsNot))
        if isinstance(left, DataVal) and left.data.predicted_by is not None:
            return left.derive(node=node)
        return UNKNOWN_VALUE

    def eval_Tuple(self, node: cst.Tuple, frame: Frame) -> Value:
        return self._sequence(node, frame)

    def eval_List(self, node: cst.List, frame: Frame) -> Value:
        return self._sequence(node, frame)

    def _sequence(self, node, frame: Frame) -> Value:
        items, exact = [], True
        for element in node.elements:
            value = self.eval(element.value, frame)
            if isinstance(element, cst.StarredElement):
                # ``(*helper(x), flag)`` of a known tuple is as exact as that tuple
                exact = exact and isinstance(value, Seq) and value.exact
                if isinstance(value, Seq):
                    items.extend(value.items)
                continue
            items.append(value)
        return Seq(items, exact)

    def eval_Dict(self, node: cst.Dict, frame: Frame) -> Value:
        pairs = []
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                self.eval(element.key, frame)
            value = self.eval(element.value, frame)
            self.escape(value)
            key = getattr(element, "key", None)
            key = key.evaluated_value if isinstance(key, cst.SimpleString) else None
            pairs.append((key, value))
        if pairs and all(isinstance(key, str) for key, _ in pairs):
            self.string_keyed[id(node)] = pairs
        return UNKNOWN_VALUE

    @property
    def string_keyed(self) -> dict:
        """id() of each dict literal with string keys -> its (key, value) pairs, what a
        ``compile(loss={"head": ...})`` gives each output (analysis/heads.py). A dict is
        otherwise unknown: its values are escaped, as anything stored where it is not followed."""
        return self.__dict__.setdefault("_string_keyed", {})

    def eval_IfExp(self, node: cst.IfExp, frame: Frame) -> Value:
        self.eval(node.test, frame)
        with self.conditional():
            self.eval(node.body, frame)
            self.eval(node.orelse, frame)
        return UNKNOWN_VALUE

    def eval_NamedExpr(self, node: cst.NamedExpr, frame: Frame) -> Value:
        value = self.eval(node.value, frame)
        self.bind(node.target, value, frame)
        return value

    def eval_ListComp(self, node, frame: Frame) -> Value:
        """``[coupling(input_dim) for _ in range(n)]``: the element is evaluated once, in a
        frame of its own where the loop variables are unknown, as code that may run any number
        of times; a builder called there is interpreted with its call site's arguments (the
        ints it passes on reach ``Input(shape=...)``). The list itself is not followed: what the
        element makes leaves what the analysis can see (as a loop's items do)."""
        inner = Frame(parent=frame)
        for_in = node.for_in
        first = True
        with self.conditional(("comprehension", id(node))):
            while for_in is not None:
                # the first iterable is evaluated in the enclosing scope, as Python does
                self.escape(self.eval(for_in.iter, frame if first else inner))
                self.bind(for_in.target, UNKNOWN_VALUE, inner)
                for condition in for_in.ifs:
                    self.eval(condition.test, inner)
                for_in, first = for_in.inner_for_in, False
            if isinstance(node, cst.DictComp):
                self.eval(node.key, inner)
                self.escape(self.eval(node.value, inner))
            else:
                self.escape(self.eval(node.elt, inner))
        return UNKNOWN_VALUE

    eval_SetComp = eval_GeneratorExp = eval_DictComp = eval_ListComp

    def eval_Await(self, node, frame: Frame) -> Value:
        self.eval(node.expression, frame)
        return UNKNOWN_VALUE

    def eval_arguments(self, node: cst.Call, frame: Frame):
        args: list[Value] = []
        kwargs: dict[str, Value] = {}
        star = False
        for arg in node.args:
            value = self.eval(arg.value, frame)
            if arg.star:
                star = True
                continue
            if arg.keyword is not None:
                kwargs[arg.keyword.value] = value
            else:
                args.append(value)
        return args, kwargs, star
