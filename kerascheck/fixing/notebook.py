"""Writing fixes and ``# noqa`` comments back into a notebook's code cells
(:func:`kerascheck.fixing.fixer.fix_file` and ``kerascheck --add-noqa`` use it).

The code cells are joined into one program, as for linting, with a boundary comment between
cells; the fixes (or the comments) are applied to that program, which is cut back into cells
at the boundaries, and the IPython lines that were masked (``%magic``, ``!shell``) are put back
where they were. Only the ``source`` of the changed cells is replaced: outputs, execution
counts, metadata, attachments and every other cell stay as they were, and the JSON is written
in the file's own layout (indentation, key order, escaping, final newline), atomically, with
the same changed-on-disk check as ``.py`` files. A notebook whose layout cannot be reproduced
byte for byte, or whose cells cannot be cut back safely, is left as it is and said so.
"""

from __future__ import annotations

import difflib
import json

from kerascheck.source.notebook import Notebook, NotebookError, read_notebook

BOUNDARY = "# --- kerascheck: end of cell ---"


class NotWritable(ValueError):
    """The notebook cannot be rewritten faithfully; the message says why."""


class NotebookText:
    """A notebook's JSON and code cells, and how to write them back in the same layout."""

    def __init__(self, raw: bytes):
        try:
            self.document = json.loads(raw)
            notebook = read_notebook(raw)
        except (NotebookError, ValueError, RecursionError) as error:
            raise NotWritable(f"not a readable notebook: {error}") from None
        if notebook is None or not notebook.cells:
            raise NotWritable("no Python code cells")
        self.notebook: Notebook = _without_broken_cells(notebook)
        self.layout = _layout(raw, self.document)
        if any(BOUNDARY in cell.source for cell in notebook.cells):
            raise NotWritable("a cell holds kerascheck's cell boundary comment")

    def program(self) -> str:
        """The code cells (IPython masked) as one program, a boundary comment after each."""
        return "\n".join(f"{cell.python}\n{BOUNDARY}" for cell in self.notebook.cells) + "\n"

    def with_program(self, program: str) -> bytes:
        """The notebook's JSON with each code cell's source taken from ``program`` (a changed
        :meth:`program`); raises :class:`NotWritable` when it cannot be cut back."""
        pieces = program.split(f"\n{BOUNDARY}\n")
        if len(pieces) != len(self.notebook.cells) + 1 or pieces[-1] != "":
            raise NotWritable("the fixed program no longer has one part per cell")
        cells = self._cells()
        for cell, new_python in zip(self.notebook.cells, pieces):
            if new_python == cell.python:
                continue
            source = _unmask(cell.source, cell.python, new_python)
            stored = cells[cell.index - 1]
            original = stored.get("source", "")
            if "\r" in ("".join(original) if isinstance(original, list) else original):
                raise NotWritable(f"cell {cell.index} has carriage returns")
            stored["source"] = source.splitlines(keepends=True) \
                if isinstance(original, list) else source
        indent, ensure_ascii, newline = self.layout
        return (json.dumps(self.document, indent=indent, ensure_ascii=ensure_ascii)
                + newline).encode("utf-8")

    def _cells(self) -> list:
        cells = self.document.get("cells")
        if not isinstance(cells, list):
            raise NotWritable("nbformat 3 notebooks are only read")
        return cells


def _without_broken_cells(notebook: Notebook) -> Notebook:
    """The notebook with its cells that do not parse blanked, as the engine lints it: the fixes
    of the other cells then apply, and a blanked cell, unchanged by them, is written back as it
    was (:meth:`NotebookText.with_program` skips unchanged cells)."""
    from kerascheck.source.parsing import ParseFailure, parse_source

    joined, _ = notebook.joined_source()
    if not isinstance(parse_source(joined), ParseFailure):
        return notebook
    return notebook.without({cell.index for cell in notebook.cells
                             if isinstance(parse_source(cell.python), ParseFailure)})


def _layout(raw: bytes, document) -> tuple:
    """The ``json.dumps`` settings that write ``document`` back as exactly ``raw`` (nbformat
    writes ``indent=1, ensure_ascii=False`` and a final newline)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise NotWritable("the notebook is not UTF-8") from None
    for indent in (1, 2, 4, None, 3):
        for ensure_ascii in (False, True):
            dumped = json.dumps(document, indent=indent, ensure_ascii=ensure_ascii)
            for newline in ("\n", ""):
                if dumped + newline == text:
                    return indent, ensure_ascii, newline
    raise NotWritable("its JSON layout cannot be reproduced byte for byte (re-save it in "
                      "Jupyter, or apply the fixes there)")


def _unmask(source: str, masked: str, new_masked: str) -> str:
    """``new_masked`` with the IPython lines of ``source`` put back: each masked line must
    survive the change unmoved relative to its neighbours, or the cell is not rewritten."""
    original_lines, masked_lines = source.split("\n"), masked.split("\n")
    new_lines = new_masked.split("\n")
    hidden = {number for number, (shown, python) in enumerate(zip(original_lines, masked_lines))
              if shown != python}
    if not hidden:
        return new_masked
    moved = {}
    matcher = difflib.SequenceMatcher(a=masked_lines, b=new_lines, autojunk=False)
    for tag, start, end, new_start, _new_end in matcher.get_opcodes():
        if tag == "equal":
            moved.update({old: new_start + old - start for old in range(start, end)})
    if not hidden <= set(moved):
        raise NotWritable("a fix touched a line next to an IPython magic")
    for number in hidden:
        new_lines[moved[number]] = original_lines[number]
    return "\n".join(new_lines)
