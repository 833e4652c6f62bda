"""The unified diff ``--diff`` prints: from a file's text to its fixed text."""

from __future__ import annotations

import difflib
import io
import tokenize


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
