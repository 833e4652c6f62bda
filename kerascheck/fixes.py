"""Fixes: LibCST edits attached to findings, and the machinery that applies them to a file.

A rule offers a repair by passing ``fix=`` to ``self.finding(...)``. A :class:`Fix` names the
nodes it edits, in the very Module the engine analysed (node identity, as in LibCST codemods),
and how to rebuild each one; its ``applicability`` is ``"safe"`` (behaviour-preserving in every
case that can run) or ``"unsafe"`` (it changes what the model does, so a human must look). A
fix that could silently keep wrong behaviour is unsafe.

Rules build fixes with one-line helpers: :func:`set_keyword` (``Dense(10)`` ->
``Dense(10, activation="relu")``), :func:`set_activation`, :func:`rename_keyword` (``lr=`` ->
``learning_rate=``), :func:`replace_expression` (``(784)`` -> ``(784,)``) and
:func:`switch_loss`; each returns None where it cannot be sure of the edit (``**kwargs``, a
variable that other code shares). :func:`fix_file` applies them (``kerascheck check --fix``).

Applying a file's fixes: lint the file, keep the fixes the flags allow, and apply the ones
that do not overlap in one pass of a single transformer over the analysed Module. The result
is re-parsed (a fix that breaks the file is dropped and reported). Fixes skipped for overlap
are picked up by the next pass, over the re-linted result, until nothing is left to apply (as
Ruff does), so running ``--fix`` a second time changes nothing. The file is written once,
atomically, keeping its permissions; notebooks are never written.
"""

from __future__ import annotations

import ast
import difflib
import io
import os
import stat
import tempfile
import tokenize
import warnings
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

import libcst as cst

from kerascheck.config import Config
from kerascheck.diagnostics import Diagnostic, InternalError

SAFE, UNSAFE = "safe", "unsafe"
APPLICABILITIES = (SAFE, UNSAFE)
# Passes over one file before giving up on fixes that keep producing new fixes.
MAX_PASSES = 10


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

    def __post_init__(self):
        if self.applicability not in APPLICABILITIES:
            raise ValueError(f"fix applicability must be one of {APPLICABILITIES}, "
                             f"not {self.applicability!r}")
        if not self.edits:
            raise ValueError("a fix needs at least one edit")

    @property
    def detached(self) -> bool:
        """True for a fix received from another process: it describes, it cannot apply."""
        return not self.edits

    def __reduce__(self):
        # Node identity does not survive a process boundary (a parallel run sends diagnostics
        # back to the parent), so a pickled fix keeps what reports need and drops its edits;
        # fix_file applies fixes in the process that analysed the file.
        return _detached_fix, (self.message, self.applicability)


def _detached_fix(message: str, applicability: str) -> Fix:
    fix = object.__new__(Fix)
    object.__setattr__(fix, "message", message)
    object.__setattr__(fix, "applicability", applicability)
    object.__setattr__(fix, "edits", ())
    return fix


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


class _Survey(cst.CSTVisitor):
    """One walk of a tree: the identities of its nodes, and how many plain string literals use
    each quote. (``CSTNode.children`` runs a visit per node: far slower on a whole module.)"""

    def __init__(self):
        super().__init__()
        self.ids: set[int] = set()
        self.quotes = {"'": 0, '"': 0}

    def on_visit(self, node) -> bool:
        self.ids.add(id(node))
        if isinstance(node, cst.SimpleString) and not node.prefix and node.quote in self.quotes:
            self.quotes[node.quote] += 1
        return True


def _survey(node: cst.CSTNode) -> _Survey:
    survey = _Survey()
    node.visit(survey)
    return survey


# -- applying fixes -------------------------------------------------------------------------------


@dataclass
class FixedFileResult:
    """A file after ``--fix``: an engine ``FileResult`` (same fields) whose ``diagnostics`` are
    what remains, the fixed file re-linted, plus what fixing did. (Not a subclass: rule modules
    import this module, and the engine must stay out of their import.)"""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[InternalError] = field(default_factory=list)
    relevant: bool = True
    fixed: int = 0  # fixes applied
    dropped: list[str] = field(default_factory=list)  # fixes not applied, and why
    diff: str = ""  # unified diff from the original to the fixed text ("" when unchanged)
    written: bool = False


@dataclass
class FixOutcome:
    """What fixing one file's text produced."""

    source: bytes  # the fixed text (the original when nothing applied)
    applied: list[Diagnostic] = field(default_factory=list)
    dropped: list[tuple[Diagnostic, str]] = field(default_factory=list)
    # The diagnostics of ``source`` from the last pass, when that analysis ran cleanly; None
    # when the engine must lint ``source`` (no Keras, a syntax error, a rule that raised).
    remaining: list[Diagnostic] | None = None


def allowed(fix: Fix | None, unsafe: bool) -> bool:
    """Whether the flags let ``fix`` be applied: safe fixes always, unsafe ones on request."""
    return fix is not None and (fix.applicability == SAFE or unsafe)


def fix_source(source: str | bytes, path: str = "<stdin>", config: Config | None = None,
               unsafe: bool = False) -> FixOutcome:
    """Apply every fix the flags allow to one file's text; nothing is written.

    Each pass lints the current text, keeping the Module the fixes' nodes belong to, and
    applies the non-overlapping fixes in one transformer; passes repeat until no fix applies.
    """
    config = config or Config()
    current = source.encode("utf-8") if isinstance(source, str) else source
    outcome = FixOutcome(current)
    refused: set[tuple] = set()  # fixes dropped once are not retried on later passes
    for _ in range(MAX_PASSES):
        module, diagnostics, complete = _lint_keeping_module(current, path, config)
        outcome.remaining = diagnostics if complete else None
        candidates = [d for d in diagnostics
                      if allowed(d.fix, unsafe) and _identity(d, module) not in refused]
        if module is None or not candidates:
            break
        new_source, applied, dropped = apply_fixes(module, candidates, path, current)
        outcome.dropped += dropped
        refused.update(_identity(diagnostic, module) for diagnostic, _reason in dropped)
        if not applied or new_source == current:
            break
        outcome.applied += applied
        current = new_source
        outcome.remaining = None  # the new text is analysed by the next pass, if any
    outcome.source = current
    return outcome


def apply_fixes(module: cst.Module, diagnostics: Iterable[Diagnostic], path: str = "<stdin>",
                source: bytes | None = None):
    """One pass: apply the fixes of ``diagnostics`` (in order; a fix overlapping one taken
    before it is skipped) to ``module``, the Module their nodes belong to.

    Returns ``(new_source, applied, dropped)``: the new text as bytes, the diagnostics whose
    fixes were applied, and ``(diagnostic, reason)`` for fixes dropped because the result did
    not parse or an edit could not be built. Fixes skipped for overlap are in neither list.
    ``source``, the module's text when the caller has it, saves generating it again.
    """
    survey = _survey(module)
    present = survey.ids
    taken: list[Diagnostic] = []
    covered: set[int] = set()  # every node under an edit taken so far
    for diagnostic in diagnostics:
        targets = [id(edit.node) for edit in diagnostic.fix.edits]
        if not targets or not all(target in present for target in targets):
            continue  # not a fix for this Module (a stale node): nothing safe to do with it
        under = set().union(*(_survey(edit.node).ids for edit in diagnostic.fix.edits))
        if under & covered:
            continue  # overlaps an edit already taken: the next pass will see it again
        taken.append(diagnostic)
        covered |= under
    if not taken:
        return module.bytes, [], []
    original_compiles = _compiles(module.bytes if source is None else source, path)
    quote = _preferred_quote(survey)
    try:
        return _transform(module, taken, original_compiles, path, quote), taken, []
    except _BrokenFix:
        pass
    # Something broke the file: find the fixes that do it alone, and apply the others.
    dropped = []
    good = []
    for diagnostic in taken:
        try:
            _transform(module, [diagnostic], original_compiles, path, quote)
            good.append(diagnostic)
        except _BrokenFix as broken:
            dropped.append((diagnostic, str(broken)))
    if good:
        try:
            return _transform(module, good, original_compiles, path, quote), good, dropped
        except _BrokenFix as broken:  # fixes fine alone but broken together: drop them all
            dropped += [(diagnostic, str(broken)) for diagnostic in good]
    return module.bytes, [], dropped


class _BrokenFix(Exception):
    """Applying a fix raised, or its result does not parse."""


class _ApplyEdits(cst.CSTTransformer):
    """Replaces the edits' nodes, found by identity, in one walk of the tree. Strings a fix
    writes take the quotes the file mostly uses."""

    def __init__(self, edits: dict[int, Edit], quote: str | None):
        super().__init__()
        self.edits = edits
        self.quote = quote

    def on_leave(self, original_node, updated_node):
        edit = self.edits.get(id(original_node))
        if edit is None:
            return super().on_leave(original_node, updated_node)
        rebuilt = edit.rebuild(updated_node)
        if self.quote is not None and isinstance(rebuilt, cst.CSTNode):
            kept = _survey(updated_node).ids
            rebuilt = rebuilt.visit(_QuoteNewStrings(kept, self.quote))
        return rebuilt


class _QuoteNewStrings(cst.CSTTransformer):
    """Gives the plain string literals a fix created (not those it kept) the file's quotes."""

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


def _preferred_quote(survey: _Survey) -> str | None:
    """The quote most of the file's plain string literals use; None when undecided."""
    counts = survey.quotes
    if counts["'"] == counts['"']:
        return None
    return "'" if counts["'"] > counts['"'] else '"'


def _transform(module: cst.Module, diagnostics: list[Diagnostic], must_compile: bool,
               path: str, quote: str | None) -> bytes:
    edits = {id(edit.node): edit for diagnostic in diagnostics for edit in diagnostic.fix.edits}
    try:
        new_source = module.visit(_ApplyEdits(edits, quote)).bytes
    except Exception as error:  # an edit built a node LibCST refuses
        raise _BrokenFix(f"the edit failed: {type(error).__name__}: {error}") from error
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cst.parse_module(new_source)
    except Exception as error:
        raise _BrokenFix(f"the fixed file would not parse: {error}") from error
    # LibCST accepts a few things Python rejects (a positional argument after a keyword one):
    # ask Python too, when it could read the original.
    if must_compile and not _compiles(new_source, path):
        raise _BrokenFix("the fixed file would not compile")
    return new_source


def _compiles(source: bytes, path: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def _identity(diagnostic: Diagnostic, module: cst.Module) -> tuple:
    """What tells a fix apart across passes, whose line numbers shift: its rule, its message
    and the code it edits."""
    edited = tuple(module.code_for_node(edit.node) for edit in diagnostic.fix.edits)
    return diagnostic.code, diagnostic.message, diagnostic.fix.message, edited


def _lint_keeping_module(source: bytes, path: str, config: Config):
    """The engine's pipeline (parse, analysis, the enabled rules, positions, ``# noqa``) for a
    Python file, keeping the Module: fixes edit its nodes.

    Returns ``(module, diagnostics, complete)``; ``complete`` is False, and the engine must
    report the file, when there was no Keras in sight, a syntax error, or an analysis or a rule
    that raised (``module`` is None in the first three cases)."""
    from kerascheck import engine, suppression
    from kerascheck.analysis import analyze
    from kerascheck.rules import all_rules

    if not engine.is_relevant(source):
        return None, [], False
    module = engine.parse(source, path)
    if isinstance(module, Diagnostic):
        return None, [], False
    try:
        facts = analyze(module)
    except Exception:  # reported by the engine's lint of the file
        return None, [], False
    findings = []
    complete = True
    for rule_class in all_rules():
        if rule_class.code == engine.SYNTAX_ERROR or not config.is_enabled(rule_class.code, path):
            continue
        try:
            findings.extend(rule_class().check_file(facts))
        except Exception:
            complete = False
    if not findings:
        return module, [], complete
    diagnostics = engine.locate(findings, module, path)
    return module, suppression.filter_suppressed(diagnostics, module.code), complete


def fix_file(path: str | os.PathLike, config: Config | None = None, unsafe: bool = False,
             write: bool = True) -> FixedFileResult:
    """Fix one file on disk: apply the allowed fixes, write the result atomically (unless
    ``write`` is False, for ``--diff``); the result's diagnostics are what remains (the last
    pass's analysis of the fixed text). A notebook is linted, never written."""
    from kerascheck.engine import lint_file, lint_source

    display = os.fspath(path)
    config = config or Config()
    if display.endswith(".ipynb"):
        result = _as_fixed(lint_file(path, config))
        fixable = sum(1 for d in result.diagnostics if allowed(d.fix, unsafe))
        if fixable:
            result.dropped.append(f"{display}: {fixable} fixable problem(s) left as they are: "
                                  f"kerascheck does not write notebooks")
        return result
    try:
        with open(path, "rb") as handle:
            original = handle.read()
    except OSError:
        return _as_fixed(lint_file(path, config))  # the engine reports the unreadable file
    outcome = fix_source(original, display, config, unsafe)

    def remaining(text: bytes):
        if text == outcome.source and outcome.remaining is not None:
            return FixedFileResult(display, outcome.remaining)
        return _as_fixed(lint_source(text, display, config))

    dropped = [f"{d.path}:{d.line}:{d.column}: {d.code} fix dropped ({d.fix.message}): {reason}"
               for d, reason in outcome.dropped]
    if outcome.source == original:
        result = remaining(original)
        result.dropped = dropped
        return result
    written = False
    if write:
        try:
            written = write_atomically(path, outcome.source, expected=original)
        except OSError as error:
            dropped.append(f"{display}: fixes not written: {error.strerror or error}")
        if not written and not dropped:
            dropped.append(f"{display}: fixes not written: the file changed while it was fixed")
    result = remaining(outcome.source if written or not write else original)
    result.dropped = dropped
    result.diff = unified_diff(original, outcome.source, display)
    result.fixed = len(outcome.applied) if written or not write else 0
    result.written = written
    return result


# Below this many files to fix, a process pool costs more than it saves.
POOL_THRESHOLD = 8


def fix_files(paths: list[str], config: Config | None = None, *, unsafe: bool = False,
              write: bool = True, jobs: int = 1) -> Iterator[FixedFileResult]:
    """:func:`fix_file` for each of ``paths``, results in the same order; with ``jobs`` > 1
    and enough files, in a process pool (each file is analysed, fixed and written by one
    worker; only reports travel back, their fixes detached)."""
    if jobs <= 1 or len(paths) < POOL_THRESHOLD:
        for path in paths:
            yield fix_file(path, config, unsafe, write)
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from kerascheck.runner import _context  # the runner's choice of fork or spawn

    done = 0
    try:
        with ProcessPoolExecutor(min(jobs, len(paths)), mp_context=_context()) as pool:
            for wire in pool.map(_fix_for_pool, paths, [config] * len(paths),
                                 [unsafe] * len(paths), [write] * len(paths), chunksize=2):
                done += 1
                yield _from_wire(wire)
    except BrokenProcessPool:  # a worker died: finish here, where a crash would be reported
        for path in paths[done:]:
            yield fix_file(path, config, unsafe, write)


def _fix_for_pool(path: str, config, unsafe: bool, write: bool) -> FixedFileResult:
    result = fix_file(path, config, unsafe, write)
    # InternalError does not survive pickling: it travels as its fields
    result.errors = [(error.path, error.rule, error.detail) for error in result.errors]
    return result


def _from_wire(result: FixedFileResult) -> FixedFileResult:
    result.errors = [InternalError(*error) for error in result.errors]
    return result


def _as_fixed(result, dropped: list[str] | None = None) -> FixedFileResult:
    return FixedFileResult(path=result.path, diagnostics=result.diagnostics,
                           errors=result.errors, relevant=result.relevant,
                           dropped=list(dropped or []))


def write_atomically(path: str | os.PathLike, data: bytes, expected: bytes | None = None) -> bool:
    """Replace the file's content by ``data`` through a temporary file in the same directory
    and ``os.replace``, keeping its permission bits (and owner, where allowed); a symbolic link
    stays a link (its target is replaced). Returns False, writing nothing, when the file no longer holds ``expected``
    (an editor saved it meanwhile)."""
    target = os.path.realpath(path)
    status = os.stat(target)
    mode = stat.S_IMODE(status.st_mode)
    directory, name = os.path.split(target)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".kerascheck",
                                             dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        if hasattr(os, "chown") and (status.st_uid, status.st_gid) != (os.getuid(), os.getgid()):
            try:  # keep the owner too, where we may (root fixing someone else's file)
                os.chown(temporary, status.st_uid, status.st_gid)
            except OSError:
                pass
        if expected is not None:
            with open(target, "rb") as handle:
                if handle.read() != expected:
                    os.unlink(temporary)
                    return False
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return True


def unified_diff(before: bytes, after: bytes, path: str) -> str:
    """A unified diff between two versions of a file, "" when they are equal."""
    if before == after:
        return ""
    old = _decode(before).splitlines(keepends=True)
    new = _decode(after).splitlines(keepends=True)
    lines = []
    for line in difflib.unified_diff(old, new, fromfile=path, tofile=path):
        lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(lines)


def _decode(source: bytes) -> str:
    try:
        encoding, _lines = tokenize.detect_encoding(io.BytesIO(source).readline)
        return source.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return source.decode("utf-8", "replace")
