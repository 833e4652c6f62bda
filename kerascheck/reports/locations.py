"""Where a finding is, as every report writes it: the order of findings, ``path:line:col``
(``path:cell N:line:col`` in a notebook), file names any stream can hold, the summary line."""

from __future__ import annotations

from kerascheck.diagnostics import Diagnostic


def sort_key(diagnostic: Diagnostic) -> tuple:
    """File, then cell, then position: notebook findings stay in cell order."""
    return (diagnostic.path, diagnostic.cell or 0, diagnostic.line, diagnostic.column,
            diagnostic.code)


def location(diagnostic: Diagnostic) -> str:
    """``path:line:col`` or, in a notebook, ``path:cell N:line:col`` (the path as
    :func:`display_path` shows it)."""
    cell = f"cell {diagnostic.cell}:" if diagnostic.cell is not None else ""
    return f"{display_path(diagnostic.path)}:{cell}{diagnostic.line}:{diagnostic.column}"


def display_path(path: str) -> str:
    """``path`` as text any report can hold. On POSIX a file name is bytes, and the bytes that
    are not UTF-8 reach Python as lone surrogates (``b'\\xff.py'`` is ``'\\udcff.py'``), which no
    UTF-8 stream can write: they are shown as ``\\xff``, the bytes they stand for."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        raw = path.encode("utf-8", "surrogateescape") if only_escapes(path) else \
            path.encode("utf-8", "backslashreplace")
        return raw.decode("utf-8", "backslashreplace")


def only_escapes(text: str) -> bool:
    """Whether every surrogate in ``text`` is one ``os.fsdecode`` makes for a byte."""
    return all(not 0xD800 <= ord(char) <= 0xDFFF or 0xDC80 <= ord(char) <= 0xDCFF
               for char in text)


def summary(diagnostics: list[Diagnostic]) -> str:
    """``Found 3 problems in 2 files.`` or ``All checks passed.``"""
    if not diagnostics:
        return "All checks passed."
    file_count = len({d.path for d in diagnostics})
    problems = "problem" if len(diagnostics) == 1 else "problems"
    files = "file" if file_count == 1 else "files"
    return f"Found {len(diagnostics)} {problems} in {file_count} {files}."
