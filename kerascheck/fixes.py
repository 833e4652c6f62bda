"""Fixes: the LibCST edits a rule attaches to a finding, and the helpers rules build them with.

A rule offers a repair by passing ``fix=`` to ``self.finding(...)``. A :class:`Fix` names the
nodes it edits, in the very Module the engine analysed (node identity, as in LibCST codemods),
and how to rebuild each one; its ``applicability`` is ``"safe"`` (behaviour-preserving in every
case that can run) or ``"unsafe"`` (it changes what the model does, so a human must look). A
fix that could silently keep wrong behaviour is unsafe.

Rules build fixes with one-line helpers: :func:`set_keyword` (``Dense(10)`` ->
``Dense(10, activation="relu")``), :func:`set_activation`, :func:`rename_keyword` (``lr=`` ->
``learning_rate=``), :func:`replace_expression` (``(784)`` -> ``(784,)``) and
:func:`switch_loss`; each returns None where it cannot be sure of the edit (``**kwargs``, a
variable that other code shares). :mod:`kerascheck.fixing.fixer` applies fixes to files
(``kerascheck check --fix``). This module imports nothing but LibCST: every rule imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import libcst as cst

from kerascheck.diagnostics import FixSummary, TextEdit

SAFE, UNSAFE = "safe", "unsafe"
APPLICABILITIES = (SAFE, UNSAFE)


@dataclass(frozen=True, eq=False)
class Edit:
    """Replace ``node`` (a node of the analysed Module) by ``rebuild(node)``."""

    node: cst.CSTNode
    rebuild: Callable[[cst.CSTNode], cst.CSTNode]


@dataclass(frozen=True, eq=False)
class Fix:
    """A repair for one finding: edits applied together or not at all."""

    message: str  # what the fix does, imperative: "Add `activation=\"relu\"`"
    applicability: str  # SAFE or UNSAFE
    edits: tuple[Edit, ...]
    # The same edits as text, filled in by the engine where it locates the finding
    # (:func:`with_text_edits`): what JSON, SARIF, caches and editors carry.
    text_edits: tuple[TextEdit, ...] = ()

    def __post_init__(self):
        if self.applicability not in APPLICABILITIES:
            raise ValueError(f"fix applicability must be one of {APPLICABILITIES}, "
                             f"not {self.applicability!r}")
        if not self.edits:
            raise ValueError("a fix needs at least one edit")

    @property
    def detached(self) -> bool:
        """False: this fix can apply (what crosses a process boundary is a
        :class:`~kerascheck.diagnostics.FixSummary`, whose ``detached`` is True)."""
        return False

    def __reduce__(self):
        # Node identity does not survive a process boundary (a parallel run sends diagnostics
        # back to the parent), so a pickled fix keeps what reports need (its text edits too)
        # and drops its node edits; fix_file applies fixes in the process that analysed the file.
        return FixSummary, (self.message, self.applicability, self.text_edits)


# -- fixes as text ------------------------------------------------------------------------------


def with_text_edits(fix: Fix, module: cst.Module, spans: dict, quote: str | None) -> Fix:
    """``fix`` with its :class:`~kerascheck.diagnostics.TextEdit`\\ s: each edit's node span
    (``spans``, from :func:`kerascheck.source.positions.positions_and_spans`) replaced by the
    code of the rebuilt node, strings in the file's ``quote`` (:func:`preferred_quote`), exactly
    as ``--fix`` writes it. The fix is returned unchanged when an edit cannot be built."""
    edits = []
    for edit in fix.edits:
        span = spans.get(edit.node)
        if span is None:
            return fix
        try:
            rebuilt = edit.rebuild(edit.node)
            if quote is not None and isinstance(rebuilt, cst.CSTNode):
                rebuilt = rebuilt.visit(QuoteNewStrings(node_ids(edit.node), quote))
            new_text = module.code_for_node(rebuilt)
        except Exception:  # an edit LibCST refuses: the fixer reports it when it applies
            return fix
        edits.append(TextEdit(span.start.line, span.start.column + 1, span.end.line,
                              span.end.column + 1, new_text))
    return replace(fix, text_edits=tuple(edits))


class QuoteSurvey(cst.CSTVisitor):
    """Counts the quotes of the plain string literals of a tree."""

    def __init__(self):
        super().__init__()
        self.quotes = {"'": 0, '"': 0}

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if not node.prefix and node.quote in self.quotes:
            self.quotes[node.quote] += 1

    def preferred(self) -> str | None:
        """The quote most of the literals use; None when undecided."""
        return preferred_quote(self.quotes)


def preferred_quote(counts: dict) -> str | None:
    """The quote most plain string literals use (``counts`` as :class:`QuoteSurvey` counts
    them); None when undecided."""
    if counts["'"] == counts['"']:
        return None
    return "'" if counts["'"] > counts['"'] else '"'


class QuoteNewStrings(cst.CSTTransformer):
    """Gives the plain string literals a fix created (not those it kept, whose ids are ``kept``)
    the file's quotes."""

    def __init__(self, kept: set[int], quote: str):
        super().__init__()
        self.kept = kept
        self.quote = quote

    def leave_SimpleString(self, original_node, updated_node):
        body = updated_node.value[1:-1]
        if id(original_node) in self.kept or updated_node.prefix \
                or updated_node.value[:3] in ('"""', "'''") or "\\" in body \
                or "'" in body or '"' in body:
            return updated_node
        return updated_node.with_changes(value=f"{self.quote}{body}{self.quote}")


class _NodeIds(cst.CSTVisitor):
    def __init__(self):
        super().__init__()
        self.ids: set[int] = set()

    def on_visit(self, node) -> bool:
        self.ids.add(id(node))
        return True


def node_ids(node: cst.CSTNode) -> set[int]:
    """The identities of ``node`` and every node under it."""
    collector = _NodeIds()
    node.visit(collector)
    return collector.ids


# -- helpers rules use to build fixes -----------------------------------------------------------


def replace_expression(node: cst.CSTNode, replacement: str | cst.CSTNode, *, applicability: str,
                       message: str) -> Fix:
    """A fix that replaces ``node`` (with its parentheses) by ``replacement``, Python source such
    as ``"(784,)"`` or a ready node. Example: ``(784)`` -> ``(784,)``; ``tf.keras.Dense`` ->
    ``tf.keras.layers.Dense``."""
    new_node = cst.parse_expression(replacement) if isinstance(replacement, str) else replacement
    return Fix(message, applicability, (Edit(node, lambda _old: new_node),))


def set_keyword(call, keyword: str, value: str, *, applicability: str,
                position: int | None = None, message: str | None = None) -> Fix | None:
    """A fix that makes ``call`` pass ``keyword=value`` (``value`` is Python source). ``call`` is
    a ``cst.Call`` or a fact whose ``node`` is one (a ``LayerFact``, ``FitFact``,
    ``CompileFact``).

    Where the call already passes the argument (by keyword, or positionally at index
    ``position`` of the callee's signature), only its value is replaced; otherwise
    ``keyword=value`` is appended in the call's own layout (one argument a line stays so,
    trailing commas and comments stay where they were). None when the call passes ``**kwargs`` (or ``*args`` that may cover
    ``position``), which might already carry the argument, or when nothing would change.
    """
    call = _call_of(call)
    if call is None:
        return None
    new_value = cst.parse_expression(value)
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return _replace_value(arg.value, new_value, keyword, value, applicability, message)
    if position is not None and len(positional) > position \
            and call.args.index(positional[position]) == position:
        return _replace_value(positional[position].value, new_value, keyword, value,
                              applicability, message)
    if any(arg.star == "**" for arg in call.args):
        return None
    if any(arg.star == "*" for arg in call.args) and position is not None:
        return None
    if position is not None and len(positional) > position:
        return None  # positional arguments after a star: where they land is unclear
    return Fix(message or f"Add `{keyword}={value}`", applicability,
               (Edit(call, lambda node: _append_keyword(node, keyword, new_value)),))


def rename_keyword(call, old: str, new: str, *, applicability: str = SAFE,
                   message: str | None = None) -> Fix | None:
    """A fix that renames the keyword argument ``old=`` of ``call`` to ``new=`` (``lr=`` ->
    ``learning_rate=``). None when the call has no ``old=``, already passes ``new=``, or passes
    ``**kwargs`` that might. ``call`` is a ``cst.Call`` or a fact whose ``node`` is one."""
    call = _call_of(call)
    if call is None:
        return None
    if any(arg.star == "**" or (arg.keyword is not None and arg.keyword.value == new)
           for arg in call.args):
        return None
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == old:
            return Fix(message or f"Rename `{old}=` to `{new}=`", applicability,
                       (Edit(arg.keyword, lambda name: name.with_changes(value=new)),))
    return None


# Where layers take ``activation`` positionally; other layers with an ``activation`` keyword
# (Conv2D, LSTM, ...) are only ever given it by keyword here.
_ACTIVATION_POSITION = {"Dense": 1, "Activation": 0}
# Layers that are an activation with no ``activation`` argument to set.
_FIXED_ACTIVATION_LAYERS = {"ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "ThresholdedReLU"}


def set_activation(layer, activation: str, *, applicability: str = UNSAFE,
                   message: str | None = None) -> Fix | None:
    """A fix that sets a layer's activation (``layer`` a ``LayerFact``): ``Dense(10)`` ->
    ``Dense(10, activation="relu")``, ``Activation("sigmoid")`` -> ``Activation("softmax")``.
    None for a layer whose class is unknown or that has no ``activation`` argument."""
    kind = getattr(layer, "kind", None)
    if not isinstance(kind, str) or kind in _FIXED_ACTIVATION_LAYERS:
        return None
    return set_keyword(layer, "activation", f'"{activation}"', applicability=applicability,
                       position=_ACTIVATION_POSITION.get(kind),
                       message=message or f"Use `activation=\"{activation}\"`")


# Loss spellings: the function (and string) name and the class name of each loss a fix may
# switch to or from. Both exist under keras.losses in Keras 2 and 3.
_LOSS_CLASSES = {
    "binary_crossentropy": "BinaryCrossentropy",
    "categorical_crossentropy": "CategoricalCrossentropy",
    "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
    "mean_squared_error": "MeanSquaredError",
    "mean_absolute_error": "MeanAbsoluteError",
}
_LOSS_FUNCTIONS = {**{name: name for name in _LOSS_CLASSES}, "mse": "mean_squared_error",
                   "mae": "mean_absolute_error"}
_CROSSENTROPY_CLASSES = {"BinaryCrossentropy", "CategoricalCrossentropy",
                         "SparseCategoricalCrossentropy"}


def switch_loss(loss_node, loss: str, *, applicability: str = UNSAFE,
                message: str | None = None) -> Fix | None:
    """A fix that makes the loss written at ``compile()`` be ``loss`` (a function name such as
    ``"categorical_crossentropy"``), in the spelling already used: a string stays a string,
    ``keras.losses.mse`` becomes ``keras.losses.categorical_crossentropy``, and
    ``keras.losses.SparseCategoricalCrossentropy(from_logits=True)`` becomes
    ``keras.losses.CategoricalCrossentropy(from_logits=True)`` (arguments are kept only between
    cross-entropy classes). A bare imported name (``MeanSquaredError()``) becomes a string, as
    the new name is not imported. None for a variable, or a spelling not recognised."""
    message = message or f"Use `loss=\"{loss}\"`"
    as_string = f'"{loss}"'
    if isinstance(loss_node, cst.SimpleString):
        return replace_expression(loss_node, as_string, applicability=applicability,
                                  message=message)
    target = loss_node.func if isinstance(loss_node, cst.Call) else loss_node
    if isinstance(loss_node, cst.Call):
        old_name = _last_name(target)
        if old_name not in _LOSS_CLASSES.values() or loss not in _LOSS_CLASSES:
            return None
        keeps_arguments = old_name in _CROSSENTROPY_CLASSES and \
            _LOSS_CLASSES[loss] in _CROSSENTROPY_CLASSES
        if loss_node.args and not keeps_arguments:
            return None
        new_name = _LOSS_CLASSES[loss]
    else:
        if _last_name(target) not in _LOSS_FUNCTIONS:
            return None
        new_name = loss
    if isinstance(target, cst.Attribute) and _is_literal(target):
        return Fix(message, applicability,
                   (Edit(target.attr, lambda name: name.with_changes(value=new_name)),))
    if isinstance(target, cst.Name) and not (isinstance(loss_node, cst.Call) and loss_node.args):
        return replace_expression(loss_node, as_string, applicability=applicability,
                                  message=message)
    return None


def _last_name(node) -> str | None:
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return node.value if isinstance(node, cst.Name) else None


def passes_argument(call, keyword: str, position: int | None = None) -> bool:
    """Whether ``call`` (a ``cst.Call`` or a fact whose ``node`` is one) passes ``keyword=`` or,
    without ``*args`` before it, a positional argument at ``position``."""
    call = _call_of(call)
    if call is None:
        return False
    if any(arg.keyword is not None and arg.keyword.value == keyword for arg in call.args):
        return True
    if position is None:
        return False
    leading = []
    for arg in call.args:
        if arg.keyword is not None or arg.star:
            break
        leading.append(arg)
    return len(leading) > position


def _call_of(target) -> cst.Call | None:
    node = target if isinstance(target, cst.CSTNode) else getattr(target, "node", None)
    return node if isinstance(node, cst.Call) else None


def _replace_value(old_value: cst.BaseExpression, new_value: cst.BaseExpression, keyword: str,
                   value: str, applicability: str, message: str | None) -> Fix | None:
    if not _is_literal(old_value):
        return None  # a variable may carry other values at other calls: not ours to rewrite
    if cst.Module([]).code_for_node(old_value) == cst.Module([]).code_for_node(new_value):
        return None
    return Fix(message or f"Set `{keyword}={value}`", applicability,
               (Edit(old_value, lambda _old: new_value),))


def _is_literal(node: cst.BaseExpression) -> bool:
    """A value written out at the call: a constant, a tuple or list of constants, or a dotted
    name such as ``keras.activations.linear`` (not ``self.activation``), never a variable."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float)):
        return True
    if isinstance(node, cst.UnaryOperation):
        return _is_literal(node.expression)
    if isinstance(node, cst.Name):
        return node.value in ("None", "True", "False")
    if isinstance(node, (cst.Tuple, cst.List)):
        return all(isinstance(element, cst.Element) and _is_literal(element.value)
                   for element in node.elements)
    if isinstance(node, cst.Attribute):
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        return isinstance(root, cst.Name) and root.value not in ("self", "cls")
    return False


def _append_keyword(call: cst.Call, keyword: str, value: cst.BaseExpression) -> cst.Call:
    """``call`` with ``keyword=value`` added as its last argument, in the call's own layout."""
    equal = next((arg.equal for arg in call.args if arg.keyword is not None),
                 cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                 whitespace_after=cst.SimpleWhitespace("")))
    new_arg = cst.Arg(keyword=cst.Name(keyword), value=value, equal=equal)
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new_arg])
    last = args[-1]
    has_trailing_comma = isinstance(last.comma, cst.Comma)
    # What sits between the last argument and ")": a trailing comma's whitespace, else the
    # argument's own trailing whitespace.
    tail = last.comma.whitespace_after if has_trailing_comma else last.whitespace_after_arg
    between = _argument_separator(call, tail)
    if isinstance(tail, cst.ParenthesizedWhitespace):
        # ")" on its own line: the last argument keeps its end-of-line comment, the new argument
        # goes on the next line, and ")" keeps its indentation.
        between = between.with_changes(first_line=tail.first_line)
        tail = tail.with_changes(first_line=cst.TrailingWhitespace())
    comma_before = last.comma.whitespace_before if has_trailing_comma \
        else cst.SimpleWhitespace("")
    args[-1] = last.with_changes(
        comma=cst.Comma(whitespace_before=comma_before, whitespace_after=between),
        whitespace_after_arg=cst.SimpleWhitespace("") if not has_trailing_comma
        else last.whitespace_after_arg)
    if has_trailing_comma:
        new_arg = new_arg.with_changes(comma=last.comma.with_changes(whitespace_after=tail))
    else:
        new_arg = new_arg.with_changes(whitespace_after_arg=tail)
    return call.with_changes(args=[*args, new_arg])


def _argument_separator(call: cst.Call, tail: cst.BaseParenthesizableWhitespace):
    """The whitespace after a comma between two arguments of ``call``: the layout the existing
    arguments use (one a line, aligned, or on one line), without their comments."""
    if len(call.args) >= 2 and isinstance(call.args[-2].comma, cst.Comma):
        previous = call.args[-2].comma.whitespace_after
    else:
        previous = call.whitespace_before_args
    if isinstance(previous, cst.ParenthesizedWhitespace):
        return previous.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
    if isinstance(tail, cst.ParenthesizedWhitespace):
        return tail.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[],
                                 last_line=cst.SimpleWhitespace(tail.last_line.value + "    "))
    return cst.SimpleWhitespace(" ")


def allowed(fix: Fix | None, unsafe: bool) -> bool:
    """Whether the flags let ``fix`` be applied: safe fixes always, unsafe ones on request."""
    return fix is not None and (fix.applicability == SAFE or unsafe)
