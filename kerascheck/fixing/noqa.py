"""``--add-noqa``: writing ``# noqa: CODE`` comments for existing findings into users' files.

The text is :func:`kerascheck.source.suppression.add_noqa_to_source`'s; the writing is
:mod:`.writer`'s, as for ``--fix``: atomic, owner and mode kept, a file changed on disk
meanwhile left alone, a failure reported for its file while the others are still written.
"""

from __future__ import annotations

import io
import os
import tokenize
from dataclasses import dataclass
from typing import Iterable

from kerascheck.diagnostics import Diagnostic
from kerascheck.fixing.writer import CHANGED_ON_DISK, write_file
from kerascheck.source.suppression import add_noqa_to_source


@dataclass
class NoqaResult:
    """What ``--add-noqa`` did to one file: codes added (0 if nothing was written), or why
    nothing could be written."""

    path: str
    added: int = 0
    error: str | None = None


def add_noqa(path: str | os.PathLike, diagnostics: Iterable[Diagnostic],
             config=None) -> NoqaResult:
    """Add ``# noqa: CODE`` comments to the file at ``path`` for ``diagnostics`` (findings that
    are not yet suppressed). Codes already on the line are not repeated, existing comments are
    kept, and the file is written only if it still parses. Notebooks are never written.

    With ``config``, the file's current text is linted again first: if its findings are not
    ``diagnostics`` (an editor saved it after kerascheck checked it), the comments would land
    on the wrong lines, so nothing is written and the file is reported as changed."""
    display = os.fspath(path)
    if display.endswith(".ipynb"):
        return NoqaResult(display)
    try:
        with open(path, "rb") as handle:
            original = handle.read()
    except OSError as error:
        return NoqaResult(display, error=f"cannot read: {error.strerror or error}")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(original).readline)
        text = original.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return NoqaResult(display)  # not readable as Python text: KC000 already says so
    diagnostics = list(diagnostics)
    if config is not None and _findings(original, display, config) != _keys(diagnostics):
        return NoqaResult(display, error=CHANGED_ON_DISK)
    new_text, added = add_noqa_to_source(text, diagnostics)
    if not added:
        return NoqaResult(display)
    try:
        data = new_text.encode(encoding)
    except UnicodeEncodeError:  # cannot happen with codes in ASCII; never write a lossy file
        return NoqaResult(display, error=f"the comments cannot be written in {encoding}")
    error = write_file(path, data, expected=original)
    return NoqaResult(display, 0 if error else added, error)


def add_noqa_to_files(diagnostics: Iterable[Diagnostic], config) -> list[NoqaResult]:
    """``# noqa: CODE`` for every current finding, file by file (notebooks in their cells).
    A syntax error (KC000) is never annotated (the findings of a file read on past one are,
    on their lines as written), and an unused noqa (KC001) is removed by its fix, never
    suppressed."""
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        if diagnostic.code not in ("KC000", "KC001"):
            by_path.setdefault(diagnostic.path, []).append(diagnostic)
    return [add_noqa_to_notebook(path, config) if path.endswith(".ipynb")
            else add_noqa(path, found, config) for path, found in sorted(by_path.items())]


def _keys(diagnostics: Iterable[Diagnostic]) -> list[tuple]:
    return sorted((d.code, d.line, d.column) for d in diagnostics
                  if d.code not in ("KC000", "KC001"))


def _findings(source: bytes, path: str, config) -> list[tuple]:
    from kerascheck.engine import lint_source

    return _keys(lint_source(source, path, config).diagnostics)


def add_noqa_to_notebook(path: str, config) -> NoqaResult:
    """``# noqa: CODE`` on each finding's line, in the notebook's cells (its JSON layout kept)."""
    from kerascheck.engine import lint_source
    from kerascheck.fixing.notebook import NotebookText, NotWritable
    from kerascheck.fixing.writer import write_atomically

    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        notebook = NotebookText(raw)
        program = notebook.program()
        found = [d for d in lint_source(program, path, config, kind="cells").diagnostics
                 if d.code not in ("KC000", "KC001")]
        new_program, added = add_noqa_to_source(program, found)
        if added and not write_atomically(path, notebook.with_program(new_program),
                                          expected=raw):
            raise NotWritable("the file changed while it was being annotated")
    except (ValueError, OSError) as error:
        return NoqaResult(path, error=str(error))
    return NoqaResult(path, added)
