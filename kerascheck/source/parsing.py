"""Parsing any file without crashing or hanging: the robustness layer under ``engine.parse``.

LibCST's native parser is fast on ordinary code but has three failure modes on hostile input,
measured on LibCST 1.9 / CPython 3.11:

- deep nesting overflows the native stack and *kills the process* (``SIGSEGV``): 3,000 nested
  parentheses, 10,000 ``lambda:``, a 10,000-operand ``a and a and ...`` chain on the main
  thread's 8 MB stack;
- long chains are quadratic: a 3,000-term ``1 + 1 + ...`` takes 2 s, 10,000 terms more than
  20 s; 1,000 nested brackets take 4 s;
- it raises the builtin ``SyntaxError`` (bad coding cookie), ``UnicodeDecodeError`` or
  ``RecursionError`` instead of ``ParserSyntaxError``, and rejects a few files that CPython
  accepts.

CPython's own parser has limits that turn all of these into a quick ``SyntaxError``,
``RecursionError`` or ``MemoryError`` (200 nested brackets, 100 indentation levels, a bounded
AST depth). So a cheap scan of the bytes (:func:`looks_deep`) picks the few files that could
be dangerous; those are first given to CPython, and only parsed by LibCST, on a thread with a
large stack, if CPython accepts them. Ordinary files go straight to LibCST: asking CPython
first would cost about 9 % of the parse on every file.

A failure is a :class:`ParseFailure` whose message says honestly whose verdict it is: Python's
own ``SyntaxError`` (position and wording users know), or that kerascheck's parser could not
read a file Python accepts.
"""

from __future__ import annotations

import ast
import gc
import re
import threading
import warnings
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Iterator

import libcst as cst

# Larger files are not parsed. LibCST's cost per MB grows with the file (measured: 2 s/MB for
# ordinary 8 kB scripts, 4.5 s for a 1 MB file, 28 s for a 4.9 MB one), so a generated 10 MB
# file would stall every run for minutes. They get a KC000 that says so (never a silent skip).
MAX_SOURCE_BYTES = 2_000_000

# The screen: bracket nesting deeper than this, a bracketed group longer than this many bytes,
# or a line longer than this many bytes sends the file to CPython first. CPython refuses more
# than 200 nested brackets; LibCST slows down from about 1,000 levels or 3,000 chained operands.
DEEP_BRACKETS = 60
LONG_GROUP_BYTES = 20_000
LONG_LINE_BYTES = 20_000

# The stack of the thread that parses a suspicious file: a 100,000-operand boolean chain that
# CPython accepts needs about 300 MB of native stack in LibCST. Only address space is reserved.
PARSER_STACK_BYTES = 512 * 1024 * 1024
OUT_OF_MEMORY = ("not checked: it needs more memory than kerascheck may use (the `memory-limit` "
                 "setting of [tool.kerascheck])")

_BRACKET = re.compile(rb"[()\[\]{}]")
_OPENING = frozenset(b"([{")


@dataclass(frozen=True)
class ParseFailure:
    """Why a file could not be parsed, at a 1-based line and column."""

    line: int
    column: int
    message: str


def parse_source(source: str | bytes) -> cst.Module | ParseFailure:
    """Parse ``source`` with LibCST; never raises, never crashes on deep input (see module doc)."""
    raw = source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_SOURCE_BYTES:
        return ParseFailure(1, 1, f"the file is too large for kerascheck ({len(raw) / 1e6:.1f} MB;"
                                  f" the limit is {MAX_SOURCE_BYTES / 1e6:.0f} MB), so it was not "
                                  f"checked")
    suspicious = looks_deep(raw)
    if suspicious:
        python_error = python_parse_error(source)
        if python_error is not None:
            return _python_failure(python_error)
    try:
        if suspicious:
            return _parse_with_large_stack(source)
        return _parse_without_gc(source)
    except cst.ParserSyntaxError as error:
        parser_message = error.message
    except MemoryError:  # a pool worker's memory guard (kerascheck.workspace.pool)
        return ParseFailure(1, 1, OUT_OF_MEMORY)
    except Exception as error:  # SyntaxError (coding cookie), UnicodeDecodeError, RecursionError
        parser_message = f"{type(error).__name__}: {error}"
    # LibCST refused the file: ask Python itself for the verdict, position and wording.
    python_error = python_parse_error(source) if not suspicious else None
    if python_error is not None:
        return _python_failure(python_error)
    return ParseFailure(1, 1, f"kerascheck's parser (LibCST) could not read this file although "
                              f"Python can, so it was not checked ({parser_message.strip()})")


def looks_deep(raw: bytes) -> bool:
    """Whether the bytes could hold nesting or an expression long enough to crash or stall
    LibCST. Brackets inside strings and comments are counted too: a false alarm only costs a
    CPython parse."""
    # Not a regex such as [^\n]{20000}: it rescans every long line from each of its positions.
    if len(raw) > LONG_LINE_BYTES and max(map(len, raw.split(b"\n"))) > LONG_LINE_BYTES:
        return True
    if len(raw) <= LONG_GROUP_BYTES:  # no group can be long: only the depth counts
        return _nested_deeper(raw, DEEP_BRACKETS)
    depth = 0
    group_start = 0
    for match in _BRACKET.finditer(raw):
        if raw[match.start()] in _OPENING:
            if depth == 0:
                group_start = match.start()
            depth += 1
            if depth > DEEP_BRACKETS:
                return True
        elif depth:
            depth -= 1
            if depth == 0 and match.start() - group_start > LONG_GROUP_BYTES:
                return True
    return depth > 0 and len(raw) - group_start > LONG_GROUP_BYTES


_AS_PARENTHESES = bytes.maketrans(b"[]{}", b"()()")
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"()[]{}")))


def _nested_deeper(raw: bytes, limit: int) -> bool:
    """Whether brackets may nest more than ``limit`` deep, without a Python-level loop per
    bracket (most files are short, and every file is screened): the brackets alone, each pass
    removing the innermost pairs, take as many passes as the deepest nesting; brackets left
    unmatched (in strings, comments) are counted as nesting too, so the answer may be a false
    alarm (one CPython parse) but never misses depth."""
    brackets = raw.translate(_AS_PARENTHESES, _NOT_BRACKETS)
    passes = 0
    while b"()" in brackets:
        passes += 1
        if passes > limit:
            return True
        brackets = brackets.replace(b"()", b"")
    return passes + brackets.count(b"(") > limit


def python_parse_error(source: str | bytes) -> Exception | None:
    """The exception CPython's own parser raises on ``source`` (None if it parses)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning: invalid escape sequence, ...
            ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as error:
        return error  # ValueError: null bytes (before 3.12); RecursionError/MemoryError: depth
    return None


def _python_failure(error: Exception) -> ParseFailure:
    if isinstance(error, SyntaxError):
        line = error.lineno or 1
        column = max(error.offset or 1, 1)
        return ParseFailure(line, column, f"{type(error).__name__}: {error.msg}")
    if isinstance(error, (RecursionError, MemoryError)):
        detail = str(error) or "too complex"
        return ParseFailure(1, 1, f"the file is nested too deeply for Python itself to parse "
                                  f"({type(error).__name__}: {detail}); it was not checked")
    return ParseFailure(1, 1, f"Python cannot parse this file: {error}")


def _parse_without_gc(source: str | bytes) -> cst.Module:
    """``cst.parse_module`` with the cyclic garbage collector paused and LibCST's node
    validation skipped. The parse allocates hundreds of thousands of nodes and no cycles, and
    collections triggered by those allocations cost 7 % of the parse on ordinary scripts, 25 %
    on a 1 MB file (measured). Each node the parser builds is also validated as if a user had
    built it (``CSTNode.__post_init__``), about 14 % of the parse of tutorial-sized scripts
    (measured, LibCST 1.9): the parser's nodes follow the grammar already (LibCST's own code
    says validation could be skipped when parsing)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        with warnings.catch_warnings(), _nodes_unvalidated():
            warnings.simplefilter("ignore")
            return cst.parse_module(source)
    finally:
        if collecting:
            gc.enable()


try:  # (a private module of LibCST: where it moves, nodes are validated as before)
    from libcst._nodes.base import CSTNode as _CSTNode
except ImportError:  # pragma: no cover
    _CSTNode = None
_VALIDATING = getattr(_CSTNode, "__post_init__", None)
_unvalidated_parses = [0]  # parses under way in this process (threads), under _switch
_switch = threading.Lock()


def _skip_validation(_node) -> None:
    return None


@contextmanager
def _nodes_unvalidated() -> Iterator[None]:
    """Skip LibCST's node validation while parses are under way (any thread): the class's
    ``__post_init__`` is swapped by the first parse and put back by the last, so nodes that
    rules or fixes build are validated as always once no parse runs."""
    if _VALIDATING is None or _CSTNode.__dict__.get("__post_init__") is not _VALIDATING \
            and not _unvalidated_parses[0]:
        yield  # not the LibCST this was written for: validate
        return
    with _switch:
        if not _unvalidated_parses[0]:
            _CSTNode.__post_init__ = _skip_validation
        _unvalidated_parses[0] += 1
    try:
        yield
    finally:
        with _switch:
            _unvalidated_parses[0] -= 1
            if not _unvalidated_parses[0]:
                _CSTNode.__post_init__ = _VALIDATING


def _parse_with_large_stack(source: str | bytes) -> cst.Module:
    """``cst.parse_module`` on a thread with a :data:`PARSER_STACK_BYTES` stack; re-raises its
    exception in the caller."""
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(_parse_without_gc(source))
        except BaseException as error:  # handed to the caller below
            outcome.append(error)

    previous = threading.stack_size()
    try:
        threading.stack_size(PARSER_STACK_BYTES)
        worker = threading.Thread(target=run, name="kerascheck-parse", daemon=True)
        try:
            worker.start()
        except RuntimeError:  # no room for its stack: a pool worker's memory guard
            raise MemoryError("no memory for the parser's stack") from None
    finally:
        threading.stack_size(previous)
    try:
        worker.join()
    except BaseException:
        # The time limit or Ctrl-C, raised here while the thread parses: wait for the thread
        # first. A thread left inside LibCST's native code when the interpreter exits aborts
        # the process (exit 134, no report). (The runner gives the files that come here a
        # process of its own when a time limit is set: the wait is then bounded.)
        while worker.is_alive():
            with suppress(BaseException):  # a second Ctrl-C: still wait
                worker.join()
        raise
    if not outcome:
        raise RuntimeError("the parser thread ended without a result")
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]
