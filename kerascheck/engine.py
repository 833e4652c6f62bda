"""The engine: one file's text in, located diagnostics out.

Every front door (the CLI, the pytest plugin, editors through stdin) calls :func:`lint_source`
or :func:`lint_file`; none re-implements parsing, rule selection or suppression.

The engine never raises on user input: a file that cannot be read or parsed becomes a KC000
diagnostic, and an exception inside a rule becomes an :class:`InternalError` on the result while
the other rules still run.
"""

from __future__ import annotations

import gc
import os
from dataclasses import replace
from typing import Iterable

import libcst as cst

from kerascheck.diagnostics import Diagnostic, Finding, InternalError, Related, RelatedLocation
from kerascheck.project_findings import ENGINE_RULES, UNUSED_NOQA, imported_findings, node_of
from kerascheck.rules import all_rules
from kerascheck.settings.config import Config
from kerascheck.source import suppression
from kerascheck.source import files
from kerascheck.source.files import (  # noqa: F401 (FileResult, read_source: the API)
    RELEVANT_MARKERS, SYNTAX_ERROR, FileResult, read_source)
from kerascheck.source.files import syntax_diagnostic as _syntax_diagnostic
from kerascheck.source.parsing import OUT_OF_MEMORY

# A KC000 that is Python's own verdict on a statement (not a file too large, too deep, or one
# only LibCST refuses): the rest of the file is read on past it (_recovered_reading). Nesting
# too deep for Python is a hostile file's, not a statement's: it is not read again.
PYTHON_ERRORS = ("SyntaxError:", "IndentationError:", "TabError:")
TOO_DEEP = "too many "
# Reading on costs a Python parse and a tokenization per broken statement: a file larger than
# any hand-written script (this is 300 kB) keeps its KC000 alone.
MAX_RECOVERED_BYTES = 300_000


WARM_UP = b"import tensorflow as tf\nm = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n"


def warm_up(config: Config | None = None) -> None:
    """Pay what every first lint pays (the analysis' and the rules' imports, their tables and
    caches) now: before workers are forked, or in a process of its own before its file's
    clock starts (:func:`kerascheck.workspace.pool.run_alone`)."""
    lint_source(WARM_UP, "<warm-up>.py", config)


def is_relevant(source: bytes, path: str | None = None, project="auto") -> bool:
    """:func:`kerascheck.source.files.is_relevant`, ``project`` by default the one ``path``
    lies in."""
    if project == "auto" and path is not None:
        from kerascheck.source.project import project_for

        project = project_for(path)
    return files.is_relevant(source, path, None if project == "auto" else project)


def lint_file(path: str | os.PathLike, config: Config | None = None) -> FileResult:
    """Lint one file on disk."""
    source = read_source(path)
    if isinstance(source, FileResult):
        return source
    return lint_source(source, os.fspath(path), config)


def lint_source(source: str | bytes, path: str = "<stdin>",
                config: Config | None = None, *, kind: str | None = None,
                project="auto") -> FileResult:
    """Lint one file's text. ``path`` is used for display and per-file configuration.

    ``kind`` is ``"python"`` or ``"notebook"`` (a ``.ipynb`` file's JSON, linted by
    :mod:`kerascheck.source.notebook`); by default it follows the suffix of ``path``.
    (``"cells"``, a notebook's joined cells, is Python that is not read on past a syntax
    error: the notebook drops a cell that does not parse instead.)
    ``project``: the project whose modules the file's imports name
    (:class:`kerascheck.source.project.Project`); by default the one ``path`` lies in, None
    for the file alone.

    The cyclic garbage collector waits until the lint is done, then collects the youngest
    objects once: the file's syntax tree (hundreds of thousands of objects, no cycles) is
    alive until the rules are done, and the collections that the analysis' allocations
    triggered walked it again and again (8 % of a lint of tutorial-sized scripts against 3 %
    so, counted with ``gc.callbacks``). The tree is freed by reference counting as the lint
    returns; what the collection finds is the analysis' few thousand objects in cycles."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _lint_source(source, path, config, kind, project)
    finally:
        if collecting:
            gc.enable()
            gc.collect(0)


def _lint_source(source: str | bytes, path: str, config: Config | None, kind: str | None,
                 project) -> FileResult:
    if project == "auto":
        from kerascheck.source.project import project_for

        project = project_for(path)
    config = config or Config()
    config.load_rule_modules()  # a worker process gets the settings, not the imports
    raw = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    if not is_relevant(raw, path, project):
        return FileResult(path, relevant=False)
    if kind == "notebook" or kind is None and path.endswith(".ipynb"):
        return _lint_notebook(raw, path, config, project)
    module_or_error = parse(source, path)
    if isinstance(module_or_error, Diagnostic):
        result = FileResult(path, [module_or_error] if config.is_enabled(SYNTAX_ERROR, path)
                            else [])
        try:  # the rest of the file, read on past the error (source/recovery.py)
            if kind != "cells" and module_or_error.message.startswith(PYTHON_ERRORS) and \
                    TOO_DEEP not in module_or_error.message and len(raw) <= MAX_RECOVERED_BYTES:
                result.diagnostics = sorted(
                    result.diagnostics + _recovered_reading(raw, path, config, project))
        except Exception as error:  # a bug of the second reading must not lose the KC000
            result.errors.append(InternalError(path, "recovery", f"{type(error).__name__}: "
                                                                 f"{error}"))
        return result
    module = module_or_error
    result = FileResult(path)
    judged = judge_module(module, raw, path, config, project, result.errors)
    if judged is None:
        return result
    if isinstance(judged, Diagnostic):
        return FileResult(path, [judged])
    findings = judged[1]
    if findings:
        # One code generation gives both the positions and the text (see locate_with_code).
        located, text = locate_with_code(findings, module, path)
        result.diagnostics = apply_noqa(located, module, path, config, text,
                                        failed={error.rule for error in result.errors})
    elif b"noqa" in raw.lower() and not config.ignore_noqa \
            and config.is_enabled(UNUSED_NOQA, path):
        result.diagnostics = apply_noqa([], module, path, config,
                                        failed={error.rule for error in result.errors})
    return result


def _recovered_reading(raw: bytes, path: str, config: Config, project) -> list[Diagnostic]:
    """The findings on a file Python refuses, read on past its errors: mixed tabs expanded and
    print statements made calls as Python 2 read them (:mod:`kerascheck.source.python2_tabs`),
    then each statement Python still refuses made opaque (:mod:`kerascheck.source.recovery`).
    Only findings on lines left as the user wrote them are kept, without fixes; no KC001."""
    from kerascheck.source.recovery import read_past_errors

    read = read_past_errors(raw.decode("utf-8", "replace"))
    if read is None:
        return []
    text, changed = read
    module = parse(text, path)
    if isinstance(module, Diagnostic):
        return []
    judged = judge_module(module, text.encode("utf-8", "surrogatepass"), path, config, project,
                          [])
    if not isinstance(judged, tuple) or not judged[1]:
        return []
    located, code = locate_with_code(judged[1], module, path)
    return [replace(diagnostic, fix=None)
            for diagnostic in apply_noqa(located, module, path, config, code)
            if diagnostic.code != UNUSED_NOQA and not changed.intersection(
                range(diagnostic.line, max(diagnostic.end_line, diagnostic.line) + 1))]


def judge_module(module: cst.Module, raw: bytes, path: str, config: Config, project,
                 errors: list, analyzer_class=None):
    """The facts of a parsed file and the findings the enabled rules make of them, as every front
    door reports them: judged for the file's Keras target, findings that belong to an imported
    project module left to it, and code under branches the installation chooses silent. Errors
    of one rule or of the analysis are appended to ``errors`` (the latter returns None); a file
    the analysis cannot take (too deep, out of memory) is a KC000 :class:`Diagnostic`; else
    ``(facts, findings)``. ``analyzer_class`` (an
    :class:`~kerascheck.analysis.interpreter.Analyzer` subclass) lets the runtime proofs record
    more while they read the same facts."""
    from kerascheck.analysis.interpreter import Analyzer

    try:
        analyzer = (analyzer_class or Analyzer)(
            module, project, os.path.abspath(path) if project else path)
        facts = analyzer.run()
    except RecursionError:
        return _syntax_diagnostic(
            path, 1, 1, "the file is nested too deeply for kerascheck to analyse; it was not "
                        "checked")
    except MemoryError:
        return _syntax_diagnostic(path, 1, 1, OUT_OF_MEMORY)
    except Exception as error:  # a bug in the analysis must not stop the run
        errors.append(InternalError(path, "analysis", f"{type(error).__name__}: {error}"))
        return None
    try:
        return _findings_of(facts, analyzer, module, raw, path, config, errors)
    finally:
        if analyzer_class is None:  # (the runtime proofs read their analyzer afterwards)
            analyzer.release()  # no cycle keeps the tree for the collector (Analyzer.release)


def _findings_of(facts, analyzer, module: cst.Module, raw: bytes, path: str, config: Config,
                 errors: list):
    from kerascheck.settings.target import resolve_target

    # the text as given: regenerating the module's code would recurse on deep files
    file_text = raw.decode("utf-8", "replace")
    facts.target_version = resolve_target(config.target_version, file_text, path)[0]
    findings: list[Finding] = []
    for rule_class in all_rules():
        if rule_class.code in ENGINE_RULES or not config.is_enabled(rule_class.code, path):
            continue
        try:
            findings.extend(rule_class().check_file(facts))
        except MemoryError:
            return _syntax_diagnostic(path, 1, 1, OUT_OF_MEMORY)
        except Exception as error:
            errors.append(InternalError(path, rule_class.code, f"{type(error).__name__}: {error}"))
    if findings and analyzer.project_modules:
        try:
            findings = imported_findings(findings, analyzer, facts.target_version, path)
        except Exception as error:
            errors.append(InternalError(path, "project", f"{type(error).__name__}: {error}"))
    if findings:
        from kerascheck.analysis.branches import conditional_nodes

        # code for another backend or Keras version (``if K.backend() == "theano":``): silent
        silent = conditional_nodes(module, file_text, facts.target_version)
        findings = [finding for finding in findings
                    if id(node_of(finding.target)) not in silent] if silent else findings
    return facts, findings


def apply_noqa(diagnostics: list[Diagnostic], module: cst.Module, path: str, config: Config,
               text: str | None = None, failed: set[str] = frozenset()) -> list[Diagnostic]:
    """The diagnostics no ``# noqa`` suppresses (all of them with ``ignore-noqa``), and KC001
    for the ``# noqa: KCnnn`` codes that suppressed nothing. ``text`` is ``module``'s code when
    the caller has it; the rules in ``failed`` raised, so their comments are not judged."""
    if config.ignore_noqa:
        return diagnostics
    text = module.code if text is None else text
    used: dict[int, set[str]] = {}
    kept = suppression.filter_suppressed(diagnostics, text, used)
    if "noqa" not in text.lower() or not config.is_enabled(UNUSED_NOQA, path):
        return kept
    from kerascheck.source.unused_noqa import unused_noqa

    unused = unused_noqa(text, module, used, (rule.code for rule in all_rules()),
                         lambda code: code != UNUSED_NOQA and code not in failed
                         and config.is_enabled(code, path),
                         path)
    # a "# noqa: KC001" (or a file-level noqa) silences KC001 as it silences any rule
    return sorted(kept + suppression.filter_suppressed(unused, text)) if unused else kept


def parse(source: str | bytes, path: str) -> cst.Module | Diagnostic:
    """Parse with LibCST; on failure, a KC000 diagnostic that says honestly what went wrong
    (Python's own SyntaxError, or that LibCST could not read a file Python accepts). Deep or
    huge files are screened first so the native parser can neither crash nor stall the run:
    see :mod:`kerascheck.source.parsing`."""
    from kerascheck.source.parsing import ParseFailure, parse_source

    outcome = parse_source(source)
    if isinstance(outcome, ParseFailure):
        return _syntax_diagnostic(path, outcome.line, outcome.column, outcome.message)
    return outcome


def locate(findings: Iterable[Finding], module: cst.Module, path: str) -> list[Diagnostic]:
    """Turn findings into diagnostics with positions. Positions are computed only here, for files
    that have findings."""
    return locate_with_code(findings, module, path)[0]


def locate_with_code(findings: Iterable[Finding], module: cst.Module,
                     path: str) -> tuple[list[Diagnostic], str]:
    """:func:`locate`, plus the module's code. Only the findings' nodes get positions
    (:func:`kerascheck.source.positions.node_positions`): ``PositionProvider`` over the whole module
    costs about 2.2 times the parse, the targeted pass about 0.3 times."""
    from kerascheck.fixes import preferred_quote, with_text_edits
    from kerascheck.rules import rule_name
    from kerascheck.source.positions import positions_and_spans

    findings = list(findings)
    nodes = [node_of(finding.target) for finding in findings]
    # A fix's edits become text here, where the Module is at hand (fixes as data: JSON, SARIF,
    # caches and editors carry them); their spans come from the same code generation.
    edited = [edit.node for finding in findings if finding.fix is not None
              for edit in getattr(finding.fix, "edits", ())]
    others = [node_of(place.target) for finding in findings for place in finding.related
              if isinstance(place, Related)]
    positions, spans, code, quotes = positions_and_spans(
        module, [node for node in [*nodes, *others] if isinstance(node, cst.CSTNode)], edited)
    quote = preferred_quote(quotes)
    located: dict[tuple, Diagnostic] = {}
    for finding, node in zip(findings, nodes):
        line, column, end_line, end_column = _span(positions, node) or (1, 1, 1, 1)
        key = (finding.code, line, column)
        related = _related_locations(finding, positions, path, (line, column))
        if key in located:  # one place, one report: the other ends it involves are added
            first = located[key]
            more = tuple(place for place in related if place not in first.related)
            if more:
                located[key] = replace(first, related=first.related + more)
            continue
        fix = finding.fix
        if fix is not None and getattr(fix, "edits", ()):
            fix = with_text_edits(fix, module, spans, quote)
        located[key] = Diagnostic(path=path, line=line, column=column, code=finding.code,
                                  name=rule_name(finding.code), message=finding.message,
                                  end_line=end_line, end_column=end_column, fix=fix,
                                  related=related)
    return sorted(located.values()), code


def _span(positions, node) -> tuple[int, int, int, int] | None:
    code_range = positions.get(node) if isinstance(node, cst.CSTNode) else None
    if code_range is None:
        return None
    return (code_range.start.line, code_range.start.column + 1, code_range.end.line,
            code_range.end.column + 1)


def _related_locations(finding: Finding, positions, path: str, primary: tuple) -> tuple:
    """A finding's related places located (in this file, or already in another module), in
    the rule's order, without the finding's own place, repeats, or places that cannot be
    located (a runtime layer)."""
    places: list[RelatedLocation] = []
    for place in finding.related:
        if isinstance(place, Related):
            span = _span(positions, node_of(place.target))
            if span is None or span[:2] == primary:
                continue
            place = RelatedLocation(path, span[0], span[1], place.message, span[2], span[3])
        if isinstance(place, RelatedLocation) and place not in places:
            places.append(place)
    return tuple(places)


def _lint_notebook(raw: bytes, path: str, config: Config, project=None) -> FileResult:
    """A notebook's code cells linted as one file (cells in order, magics masked); the
    diagnostics carry the cell, with lines and columns inside the cell."""
    from kerascheck.source.notebook import NotebookError, read_notebook, to_cell_position

    try:
        notebook = read_notebook(raw)
    except NotebookError as error:
        diagnostics = []
        if config.is_enabled(SYNTAX_ERROR, path):
            diagnostics.append(Diagnostic(path=path, line=error.line, column=error.column,
                                          code=SYNTAX_ERROR, name="syntax-error",
                                          message=str(error), end_line=error.line,
                                          end_column=error.column))
        return FileResult(path, diagnostics)
    if notebook is None or not notebook.cells:
        return FileResult(path, relevant=False)
    source, origins = notebook.joined_source()
    if config.target_version is None:
        # the cells as written: ``%pip install tensorflow==2.11`` is masked in ``source``
        from kerascheck.settings.target import resolve_target

        written = "\n".join(cell.source for cell in notebook.cells)
        config = config.with_overrides(
            target_version=resolve_target(None, written, path)[0])
    result = lint_source(source, path, config, kind="cells", project=project)
    cell_errors: list[Diagnostic] = []
    indices: set = set()
    if any(d.code == SYNTAX_ERROR for d in result.diagnostics) or not result.diagnostics \
            and not config.is_enabled(SYNTAX_ERROR, path):
        # Maybe a cell that does not parse (Jupyter runs each cell on its own): a KC000 in each
        # such cell, and the rest linted without them. Cells are parsed alone only on this path.
        broken = [(cell.index, parse(cell.python, path)) for cell in notebook.cells]
        broken = [(index, error) for index, error in broken if isinstance(error, Diagnostic)]
        if broken:
            # each broken cell read on past its errors (what it did stays known, or unknown:
            # never undone), else the cell left out; nothing is reported inside it but KC000
            indices = {index for index, _ in broken}
            source, origins = notebook.read_past(indices).joined_source()
            result = lint_source(source, path, config, kind="cells", project=project)
            if any(d.code == SYNTAX_ERROR for d in result.diagnostics):
                source, origins = notebook.without(indices).joined_source()
                result = lint_source(source, path, config, kind="cells", project=project)
            if config.is_enabled(SYNTAX_ERROR, path):
                cell_errors = [replace(error, cell=index) for index, error in broken]
    located = (to_cell_position(diagnostic, origins) for diagnostic in result.diagnostics)
    result.diagnostics = sorted(
        [*(d for d in located if d.cell not in indices), *cell_errors],
        key=lambda d: (d.cell or 0, d.line, d.column, d.code))
    return result
