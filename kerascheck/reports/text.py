"""The text report a person reads: each finding, its source line with a caret under it, the
fix it offers and the summary; coloured on a terminal (:func:`use_colour`)."""

from __future__ import annotations

import io
import os
import tokenize
from pathlib import Path
from typing import Callable, Mapping, TextIO

from kerascheck.diagnostics import Diagnostic
from kerascheck.reports.locations import location, summary


class SourceLines:
    """Lines of the linted files, read once per file and only for files with findings."""

    def __init__(self, overrides: Mapping[str, str | bytes] | None = None):
        self._overrides = dict(overrides or {})
        self._files: dict[str, object] = {}

    def get(self, diagnostic: Diagnostic) -> str | None:
        path = diagnostic.path
        if path not in self._files:
            self._files[path] = self._load(path)
        content = self._files[path]
        if content is None:
            return None
        if diagnostic.cell is not None:
            return content.cell_line(diagnostic.cell, diagnostic.line) \
                if hasattr(content, "cell_line") else None
        if isinstance(content, list) and 0 < diagnostic.line <= len(content):
            return content[diagnostic.line - 1].rstrip("\r\n")
        return None

    def _load(self, path: str):
        text = self._overrides.get(path)
        try:
            raw = Path(path).read_bytes() if text is None else \
                text if isinstance(text, bytes) else text.encode("utf-8")
        except OSError:
            return None
        if path.endswith(".ipynb"):
            from kerascheck.source.notebook import NotebookError, read_notebook

            try:
                return read_notebook(raw)
            except NotebookError:
                return None
        from kerascheck.source.suppression import source_lines

        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
            return source_lines(raw.decode(encoding, "replace"))
        except (SyntaxError, LookupError):
            return source_lines(raw.decode("utf-8", "replace"))


def render_text(diagnostics: list[Diagnostic], overrides: Mapping[str, str] | None = None, *,
                concise: bool = False, colour: bool = False, with_summary: bool = True,
                fixable: Callable[[str], bool] | None = None, unsafe: bool = False) -> str:
    """The ``text`` report (``concise``: one line a finding), ``diagnostics`` in order.
    ``colour`` adds ANSI styles (see :func:`use_colour`); ``with_summary`` False (``--quiet``)
    leaves out the ``Found 3 problems`` line; ``fixable(code)`` False (``unfixable``) hides a
    rule's fix hint; ``unsafe`` (``unsafe-fixes = true``) means ``--fix`` applies unsafe fixes."""
    paint = _Paint(colour)
    sources = None if concise else SourceLines(overrides)
    out = []
    for diagnostic in diagnostics:
        out.append(f"{paint.bold(location(diagnostic))}: {paint.code(diagnostic.code)} "
                   f"{diagnostic.message}\n")
        if sources is None:  # concise: each related place on a line of its own, as gcc's notes
            out.extend(f"{paint.bold(location(place))}: {paint.help('note')}: {place.message}\n"
                       for place in diagnostic.related)
            continue
        line = sources.get(diagnostic)
        if line is not None and line.strip():
            out.append(_snippet(diagnostic, line, paint))
        out.extend(f"  {paint.help('= note')}: {location(place)}: {place.message}\n"
                   for place in diagnostic.related)
        fix = diagnostic.fix
        if fix is not None and getattr(fix, "message", None) \
                and (fixable is None or fixable(diagnostic.code)):
            flag = "--fix" if unsafe or getattr(fix, "applicability", "") == "safe" \
                else "--fix --unsafe-fixes"
            out.append(f"  {paint.help('= help')}: {fix.message} ({flag})\n")
        out.append("\n")
    if with_summary:
        out.append(summary(diagnostics) + "\n")
    return "".join(out)


def use_colour(stream: TextIO, environ: Mapping[str, str] = os.environ) -> bool:
    """Colour for a terminal: ``NO_COLOR`` (any value) turns it off, ``FORCE_COLOR`` (any
    value) on even into a pipe (https://no-color.org, https://force-color.org); otherwise only
    when ``stream`` is a terminal that is not ``TERM=dumb``."""
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty() and environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):  # a closed or stand-in stream
        return False


class _Paint:
    """ANSI styles, or none: the text is the same either way."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def _style(self, text: str, codes: str) -> str:
        return f"\x1b[{codes}m{text}\x1b[0m" if self.enabled else text

    def bold(self, text: str) -> str:
        return self._style(text, "1")

    def code(self, text: str) -> str:
        return self._style(text, "1;31")

    def caret(self, text: str) -> str:
        return self._style(text, "31")

    def gutter(self, text: str) -> str:
        return self._style(text, "34")

    def help(self, text: str) -> str:
        return self._style(text, "1;36")


def _snippet(diagnostic: Diagnostic, line: str, paint: _Paint) -> str:
    number = str(diagnostic.line)
    gutter = " " * len(number)
    start = max(diagnostic.column - 1, 0)
    if diagnostic.end_line == diagnostic.line and diagnostic.end_column > diagnostic.column:
        width = diagnostic.end_column - diagnostic.column
    else:
        width = len(line.rstrip()) - start
    width = max(1, min(width, max(len(line) - start, 1)))
    # keep tabs so the caret lines up under tab-indented code
    padding = "".join(char if char == "\t" else " " for char in line[:start])
    bar = paint.gutter("|")
    return (f"{gutter} {bar}\n{paint.gutter(number)} {bar} {line}\n"
            f"{gutter} {bar} {padding}{paint.caret('^' * width)}\n")


