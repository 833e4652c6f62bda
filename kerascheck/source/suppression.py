"""Suppression comments, applied once by the engine so no rule and no front door thinks about them.

* ``# noqa`` (everything) or ``# noqa: KC201, KC301`` (those codes; commas or spaces) on the
  reported line, or on the first line of the statement holding the finding (for a decorated
  function or class, the first decorator; a comment on a decorator never reaches into the body).
* ``# kerascheck: noqa`` or ``# kerascheck: noqa: KC201`` on a line of its own, anywhere in the
  file: the whole file.

As in Ruff, codes are exact (``# noqa: KC2`` suppresses nothing), other tools' codes on the same
comment are left alone (``# noqa: E501, KC201``), and ``# noqa:`` followed by no code is not a
suppression. Only real comments count: ``"# noqa"`` inside a string does nothing.

:func:`add_noqa_to_source` is the text ``--add-noqa`` writes (``kerascheck.fixing.noqa`` writes
it); a file with CR-only line endings is read like any other.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from collections import defaultdict
from typing import Iterable

from kerascheck.diagnostics import Diagnostic

_CODE = r"[A-Za-z]+[0-9]+"
_NOQA = re.compile(rf"#\s*noqa(?![\w-])(?:\s*:\s*(?P<codes>{_CODE}(?:[\s,]+{_CODE})*)"
                   rf"|(?P<colon>\s*:))?", re.IGNORECASE)
_FILE_NOQA = re.compile(rf"^#\s*kerascheck\s*:\s*noqa(?![\w-])(?:\s*:\s*"
                        rf"(?P<codes>{_CODE}(?:[\s,]+{_CODE})*)|(?P<colon>\s*:))?", re.IGNORECASE)

ALL = frozenset()  # a bare noqa: every code
NOQA_PATTERN = _NOQA  # for KC001 (kerascheck.source.unused_noqa)


def parse_noqa(comment: str) -> frozenset[str] | None:
    """The codes a comment suppresses: None if it holds no (valid) ``# noqa``, :data:`ALL` (an
    empty set) for a bare ``# noqa``."""
    found: set[str] = set()
    any_directive = False
    for match in _NOQA.finditer(comment):
        if match.group("colon") is not None:  # "# noqa:" without a code: not a suppression
            continue
        codes = match.group("codes")
        if not codes:
            return ALL
        any_directive = True
        found.update(split_codes(codes))
    return frozenset(found) if any_directive else None


def parse_file_noqa(comment: str) -> frozenset[str] | None:
    """Like :func:`parse_noqa` for a file-level ``# kerascheck: noqa[: CODES]`` comment."""
    match = _FILE_NOQA.match(comment.strip())
    if match is None or match.group("colon") is not None:
        return None
    codes = match.group("codes")
    return frozenset(split_codes(codes)) if codes else ALL


def codes_on_line(line: str) -> set[str] | None:
    """None if the line has no noqa; an empty set for a bare ``# noqa`` (everything)."""
    codes = parse_noqa(line)
    return None if codes is None else set(codes)


def split_codes(text: str) -> list[str]:
    """The codes of a directive's code list (``KC201, kc301`` -> ``["KC201", "KC301"]``)."""
    return [code.upper() for code in re.split(r"[\s,]+", text) if code]


def _covers(codes: frozenset[str] | None, code: str) -> bool:
    return codes is not None and (not codes or code in codes)


def filter_suppressed(diagnostics: list[Diagnostic], text: str,
                      used: dict[int, set[str]] | None = None) -> list[Diagnostic]:
    """The diagnostics that no suppression comment in ``text`` (the linted source) covers.
    ``used``, when given, receives the codes each line's ``# noqa`` suppressed (for KC001)."""
    used = {} if used is None else used
    if not diagnostics or "noqa" not in text.lower():
        return diagnostics  # every suppression spells "noqa": no need to tokenize the file
    comments = comments_by_line(text)
    if not comments:
        return diagnostics
    file_codes: frozenset[str] | None = None
    for line, comment in comments.items():
        if comment.standalone:
            codes = parse_file_noqa(comment.text)
            if codes is not None:
                file_codes = ALL if codes == ALL or file_codes == ALL else \
                    (file_codes or frozenset()) | codes
    statement_starts: dict[int, int] | None = None
    kept = []
    for diagnostic in diagnostics:
        if _covers(file_codes, diagnostic.code):
            continue
        if _line_suppresses(comments, diagnostic.line, diagnostic.code):
            used.setdefault(diagnostic.line, set()).add(diagnostic.code)
            continue
        if statement_starts is None:
            statement_starts = statement_first_lines(text)
        first = statement_starts.get(diagnostic.line, diagnostic.line)
        if first != diagnostic.line and _line_suppresses(comments, first, diagnostic.code):
            used.setdefault(first, set()).add(diagnostic.code)
            continue
        kept.append(diagnostic)
    return kept


def _line_suppresses(comments: dict, line: int, code: str) -> bool:
    comment = comments.get(line)
    return comment is not None and _covers(parse_noqa(comment.text), code)


class _Comment:
    __slots__ = ("text", "standalone")

    def __init__(self, text: str, standalone: bool):
        self.text = text
        self.standalone = standalone


def comments_by_line(text: str) -> dict[int, _Comment]:
    """Every comment of ``text`` by its 1-based line (tokenize's view, so strings never count).
    Falls back to a plain scan of the lines when the text cannot be tokenized."""
    comments: dict[int, _Comment] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(lf_lines(text)).readline):
            if token.type == tokenize.COMMENT:
                row, column = token.start
                comments[row] = _Comment(token.string,
                                         not token.line[:column].strip())
    except (tokenize.TokenError, SyntaxError, ValueError):
        comments = {}
        for number, line in enumerate(source_lines(text), start=1):
            position = line.find("#")
            if position >= 0:
                comments[number] = _Comment(line[position:].rstrip("\r\n"),
                                            not line[:position].strip())
    return comments


def lf_lines(text: str) -> str:
    """``text`` with every line ending as ``\\n``: tokenize does not end a line at a lone
    ``\\r`` (old Mac files), Python's parser does. Line and column numbers are unchanged."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def source_lines(text: str) -> list[str]:
    """The physical lines of ``text`` with their endings, split the way Python counts lines
    (``\\n``, ``\\r\\n``, ``\\r``; not form feeds or other Unicode separators)."""
    return io.StringIO(text, newline="").readlines()


def statement_first_lines(text: str) -> dict[int, int]:
    """For each line, the first line of the innermost statement holding it. For a compound
    statement only its header counts (decorators through the line before its body)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    first_lines: dict[int, int] = {}
    for node in ast.walk(tree):  # breadth first: inner statements overwrite outer ones
        if not isinstance(node, ast.stmt):
            continue
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            end = node.lineno if body[0].lineno <= node.lineno else body[0].lineno - 1
        else:
            end = node.end_lineno or node.lineno
        for line in range(start, end + 1):
            first_lines[line] = start
    return first_lines


# -- the text --add-noqa writes (kerascheck.fixing.noqa writes it) -------------------------

def add_noqa_to_source(text: str, diagnostics: Iterable[Diagnostic]) -> tuple[str, int]:
    """``text`` with ``# noqa`` comments added for ``diagnostics``; and how many codes were
    added. A finding whose line cannot take a comment (it ends inside a string or with a ``\\``)
    gets it on the first line of its statement, or is left alone."""
    lines = source_lines(text)
    commentable = _commentable_lines(text)
    starts: dict[int, int] | None = None
    wanted: dict[int, list[str]] = defaultdict(list)
    for diagnostic in diagnostics:
        target = diagnostic.line
        if target not in commentable:
            if starts is None:
                starts = statement_first_lines(text)
            target = starts.get(diagnostic.line, 0)
            if target not in commentable:
                continue
        if diagnostic.code not in wanted[target]:
            wanted[target].append(diagnostic.code)
    added = 0
    for line_number, codes in wanted.items():
        line = lines[line_number - 1]
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        new_body, count = _with_noqa(body, codes)
        lines[line_number - 1] = new_body + ending
        added += count
    new_text = "".join(lines)
    if added and not _still_parses(text, new_text):
        return text, 0
    return new_text, added


def _with_noqa(body: str, codes: list[str]) -> tuple[str, int]:
    existing = None
    for match in _NOQA.finditer(body):
        if match.group("codes"):
            existing = match
    if existing is not None:
        present = set(split_codes(existing.group("codes")))
        missing = [code for code in codes if code not in present]
        if not missing:
            return body, 0
        insert_at = existing.end("codes")
        return body[:insert_at] + ", " + ", ".join(missing) + body[insert_at:], len(missing)
    return f"{body.rstrip()}  # noqa: {', '.join(codes)}", len(codes)


def _commentable_lines(text: str) -> set[int]:
    """Lines that end outside any string and without a backslash continuation."""
    lines: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(lf_lines(text)).readline):
            if token.type in (tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT):
                lines.add(token.start[0])
    except (tokenize.TokenError, SyntaxError, ValueError):
        return set()
    return lines


def _still_parses(before: str, after: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(before)
    except (SyntaxError, ValueError):
        return True  # it did not parse before either: nothing to compare against
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(after)
    except (SyntaxError, ValueError):
        return False
    return True

