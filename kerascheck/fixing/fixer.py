"""Applying fixes: ``kerascheck check --fix``, ``--unsafe-fixes`` and ``--diff``.

For one file: lint it, keeping the Module the fixes' nodes belong to; keep the fixes the flags
allow (:func:`kerascheck.fixes.allowed`); apply the ones that do not overlap in one pass of a
single transformer over that Module. The result is re-parsed (a fix that breaks the file is
dropped and reported). Fixes skipped for overlap, and findings a fix reveals, are picked up by
the next pass over the re-linted result, until nothing is left to apply (as Ruff does), so
running ``--fix`` a second time changes nothing. The last pass's analysis is what remains. The
file is written once, atomically, keeping its permissions; notebooks are never written.
"""

from __future__ import annotations

import ast
import os
import warnings
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import libcst as cst

from kerascheck.diagnostics import Diagnostic, InternalError
from kerascheck.engine import FileResult, lint_file, lint_source, warm_up
from kerascheck.fixes import Edit, QuoteNewStrings, QuoteSurvey, allowed
from kerascheck.fixing.diff import unified_diff
# the one writer (kerascheck.fixing.writer); ``fixer.write_atomically`` stays importable
from kerascheck.fixing.writer import write_atomically
from kerascheck.settings.config import Config

# Passes over one file before giving up on fixes that keep producing new fixes.
MAX_PASSES = 10


@dataclass
class FixedFileResult(FileResult):
    """A file after ``--fix``: its ``diagnostics`` are what remains (the fixed text's), plus
    what fixing did."""

    fixed: int = 0  # fixes applied
    dropped: list[str] = field(default_factory=list)  # fixes not applied, and why
    diff: str = ""  # unified diff from the original to the fixed text ("" when unchanged)
    written: bool = False
    fixed_codes: list[str] = field(default_factory=list)  # the code of each fix applied


@dataclass
class FixOutcome:
    """What fixing one file's text produced."""

    source: bytes  # the fixed text (the original when nothing applied)
    applied: list[Diagnostic] = field(default_factory=list)
    dropped: list[tuple[Diagnostic, str]] = field(default_factory=list)
    # The diagnostics of ``source`` from the last pass, when that analysis ran cleanly; None
    # when the engine must lint ``source`` (no Keras, a syntax error, a rule that raised).
    remaining: list[Diagnostic] | None = None


def fix_source(source: str | bytes, path: str = "<stdin>", config: Config | None = None,
               unsafe: bool = False) -> FixOutcome:
    """Apply every fix the flags allow to one file's text; nothing is written.

    Each pass lints the current text, keeping the Module the fixes' nodes belong to, and
    applies the non-overlapping fixes in one transformer; passes repeat until no fix applies.
    """
    config = config or Config()
    config.load_rule_modules()  # rules of your own, in a worker process too
    current = source.encode("utf-8") if isinstance(source, str) else source
    # LibCST drops the last line ending of a file whose lines end in a lone CR (old Mac):
    # fix it with LF endings (same lines, same columns) and give the CRs back at the end.
    cr_only = b"\r" in current and b"\n" not in current
    if cr_only:
        current = current.replace(b"\r", b"\n")
    outcome = FixOutcome(current)
    refused: set[tuple] = set()  # fixes dropped once are not retried on later passes
    for _ in range(MAX_PASSES):
        module, diagnostics, complete = _lint_keeping_module(current, path, config)
        outcome.remaining = diagnostics if complete else None
        candidates = [d for d in diagnostics
                      if allowed(d.fix, unsafe) and config.is_fixable(d.code)
                      and _identity(d, module) not in refused]
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
    outcome.source = current.replace(b"\n", b"\r") if cr_only else current
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
    quote = survey.preferred()
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
            rebuilt = rebuilt.visit(QuoteNewStrings(kept, self.quote))
        return rebuilt


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
    """The engine's pipeline (parse, :func:`~kerascheck.engine.judge_module`, positions,
    ``# noqa``) for a Python file, keeping the Module: fixes edit its nodes. One pipeline, so a
    fix is offered for exactly the findings the linter reports (the file's Keras target, code
    under branches for another backend, findings left to an imported module).

    Returns ``(module, diagnostics, complete)``; ``complete`` is False, and the engine must
    report the file, when there was no Keras in sight, a syntax error, or an analysis or a rule
    that raised (``module`` is None in the first three cases)."""
    from kerascheck import engine
    from kerascheck.source.project import project_for

    project = project_for(path)  # what the file's imports of its project say, as the engine
    if not engine.is_relevant(source, path, project):
        return None, [], False
    module = engine.parse(source, path)
    if isinstance(module, Diagnostic):
        return None, [], False
    errors: list[InternalError] = []
    judged = engine.judge_module(module, source, path, config, project, errors)
    if judged is None or isinstance(judged, Diagnostic) or \
            any(error.rule in ("analysis", "project") for error in errors):
        return None, [], False  # reported by the engine's lint of the file
    findings = judged[1]
    failed = {error.rule for error in errors}  # rules that raised: their noqa is not judged
    diagnostics = engine.locate(findings, module, path) if findings else []
    return module, engine.apply_noqa(diagnostics, module, path, config, failed=failed), \
        not failed


def fix_file(path: str | os.PathLike, config: Config | None = None, unsafe: bool = False,
             write: bool = True) -> FixedFileResult:
    """Fix one file on disk: apply the allowed fixes, write the result atomically (unless
    ``write`` is False, for ``--diff``); the result's diagnostics are what remains (the last
    pass's analysis of the fixed text). A notebook's fixes are written into its cells
    (:mod:`kerascheck.fixing.notebook`)."""
    display = os.fspath(path)
    config = config or Config()
    try:
        with open(path, "rb") as handle:
            original = handle.read()
    except OSError:
        return _as_fixed(lint_file(path, config))  # the engine reports the unreadable file
    if display.endswith(".ipynb"):
        from kerascheck.fixing.notebook import NotebookText, NotWritable

        try:
            notebook = NotebookText(original)
            outcome = fix_source(notebook.program(), display, config, unsafe)
            outcome.source = notebook.with_program(outcome.source.decode("utf-8")) \
                if outcome.applied else original
            outcome.remaining = None  # on the joined cells' lines: the engine says it by cell
        except NotWritable as error:
            result = _as_fixed(lint_file(path, config))
            if any(allowed(d.fix, unsafe) for d in result.diagnostics):
                result.dropped.append(f"{display}: fixes not written: {error}")
            return result
    else:
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
            if not written:
                dropped.append(f"{display}: fixes not written: the file changed while it was "
                               f"being fixed")
        except OSError as error:
            dropped.append(f"{display}: fixes not written: {error.strerror or error}")
    result = remaining(outcome.source if written or not write else original)
    result.dropped = dropped
    result.diff = unified_diff(original, outcome.source, display)
    result.fixed = len(outcome.applied) if written or not write else 0
    result.fixed_codes = [d.code for d in outcome.applied] if result.fixed else []
    result.written = written
    return result


# Below this many files to fix, a process pool costs more than it saves.
POOL_THRESHOLD = 8


def fix_files(paths: list[str], config: Config | None = None, *, unsafe: bool = False,
              write: bool = True, jobs: int = 1) -> Iterator[FixedFileResult]:
    """:func:`fix_file` for each of ``paths``, results in the same order; with ``jobs`` > 1
    and enough files, in a process pool (each file is analysed, fixed and written by one
    worker; only reports travel back, their fixes detached). Each file is held to the
    ``time-limit`` and the pools' memory guard as linting is
    (:mod:`kerascheck.workspace.limits`): past them it is KC000 and left as it was."""
    config = config or Config()
    if jobs <= 1 or len(paths) < POOL_THRESHOLD:
        for path in paths:
            yield _fix_here(path, config, unsafe, write)
        return
    from concurrent.futures.process import BrokenProcessPool

    from kerascheck.workspace.pool import new_executor, stop_workers

    done = 0
    while done < len(paths):
        rest = paths[done:]
        try:
            with new_executor(min(jobs, len(rest)), config.memory_limit) as pool:
                try:
                    for wire in pool.map(_fix_for_pool, rest, [config] * len(rest),
                                         [unsafe] * len(rest), [write] * len(rest),
                                         chunksize=2):
                        done += 1
                        yield _from_wire(wire)
                except (KeyboardInterrupt, SystemExit):  # Ctrl-C, SIGTERM: stop now
                    stop_workers(pool)
                    raise
        except BrokenProcessPool:
            # A worker died (a native crash, its memory guard, a file stuck in the parser past
            # its limit): the next file is fixed alone, the others by a fresh pool.
            yield _fix_alone(paths[done], config, unsafe, write)
            done += 1


def _fix_here(path: str, config: Config, unsafe: bool, write: bool) -> FixedFileResult:
    """:func:`fix_file` in this process under the time limit; a file that could hold LibCST's
    native parser past it (:func:`kerascheck.source.parsing.looks_deep`) in a process of its
    own, which can be stopped."""
    from kerascheck.source.parsing import looks_deep

    if config.time_limit and not os.fspath(path).endswith(".ipynb"):
        try:
            with open(path, "rb") as handle:
                deep = looks_deep(handle.read())
        except OSError:
            deep = False
        if deep:
            return _fix_alone(path, config, unsafe, write)
    return _fix_limited(path, config, unsafe, write)


def _fix_alone(path: str, config: Config, unsafe: bool, write: bool) -> FixedFileResult:
    from functools import partial

    from kerascheck.workspace.limits import CRASHED, hard_deadline
    from kerascheck.workspace.pool import run_alone

    seconds = config.time_limit
    wire, failure = run_alone(_fix_for_pool, (path, config, unsafe, write),
                              memory_limit_mb=config.memory_limit,
                              deadline=hard_deadline(seconds) if seconds else None,
                              prepare=partial(warm_up, config))
    if failure is None:
        return _from_wire(wire)
    if failure == "crashed":
        return FixedFileResult(os.fspath(path), [engine_kc000(path, CRASHED)])
    return _too_slow(path, seconds)


def _fix_limited(path: str, config: Config, unsafe: bool, write: bool) -> FixedFileResult:
    from kerascheck.source.parsing import OUT_OF_MEMORY
    from kerascheck.workspace.limits import TimeLimitExceeded, time_limit

    try:
        with time_limit(config.time_limit):
            return fix_file(path, config, unsafe, write)
    except TimeLimitExceeded:  # (the writer writes whole files or nothing)
        return _too_slow(path, config.time_limit)
    except MemoryError:
        return FixedFileResult(os.fspath(path), [engine_kc000(path, OUT_OF_MEMORY)])
    except SystemError:
        # "error return without exception set": a C function (re, libcst's native nodes) that
        # failed an allocation under the memory guard without saying so: the guard's doing
        if config.memory_limit:
            return FixedFileResult(os.fspath(path), [engine_kc000(path, OUT_OF_MEMORY)])
        raise


def _too_slow(path, seconds: float) -> FixedFileResult:
    from kerascheck.workspace.limits import too_slow_message

    return FixedFileResult(os.fspath(path), [engine_kc000(path, too_slow_message(seconds))])


def engine_kc000(path, message: str) -> Diagnostic:
    from kerascheck.engine import _syntax_diagnostic

    return _syntax_diagnostic(os.fspath(path), 1, 1, message)


def _fix_for_pool(path: str, config, unsafe: bool, write: bool) -> FixedFileResult:
    result = _fix_limited(path, config, unsafe, write)
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


class _Survey(QuoteSurvey):
    """One walk of a tree: the identities of its nodes, and how many plain string literals use
    each quote. (``CSTNode.children`` runs a visit per node: far slower on a whole module.)"""

    def __init__(self):
        super().__init__()
        self.ids: set[int] = set()

    def on_visit(self, node) -> bool:
        self.ids.add(id(node))
        super().on_visit(node)
        return True


def _survey(node: cst.CSTNode) -> _Survey:
    survey = _Survey()
    node.visit(survey)
    return survey
