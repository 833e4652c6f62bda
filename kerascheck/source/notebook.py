"""Jupyter notebooks: their code cells linted as one program, findings located by cell.

The code cells are joined in order (so an import in cell 1 resolves a name in cell 5), with
IPython syntax masked line for line so positions survive: ``%magic`` and ``!shell`` lines,
``x = !ls`` / ``x = %time f()`` assignments, ``obj?`` help lines and whole ``%%cell`` magic cells
become ``pass`` or blank lines. Findings are reported per cell: ``cell`` is the 1-based position
of the cell in the notebook (Markdown cells counted, as a reader counts them on screen) and
``line``/``column`` are inside that cell; text output reads ``nb.ipynb:cell 3:2:5``.

A notebook that is not valid JSON or not nbformat is one KC000 diagnostic, never a crash; a
code cell that does not parse is a KC000 in that cell, and the other cells are still linted
(:meth:`Notebook.without`); a notebook whose kernel is not Python is not checked. Notebooks are only ever read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace

from kerascheck.analysis.archives import READING_COMMANDS, shell_comment
from kerascheck.diagnostics import Diagnostic

NOTEBOOK_SUFFIX = ".ipynb"

# A line IPython rewrites before Python sees it: %magic, !shell, x = !shell, x = %magic, obj?
_IPYTHON_LINE = re.compile(
    r"^\s*(?:[%!]|\?|[\w.\[\]'\"]+\s*=\s*[%!])|^\s*[\w.]+\?{1,2}\s*$")


@dataclass(frozen=True)
class CodeCell:
    index: int  # 1-based position among all the notebook's cells
    source: str  # as written (for showing the line of a finding)
    python: str  # IPython syntax masked, same number of lines


@dataclass(frozen=True)
class Notebook:
    cells: tuple[CodeCell, ...]

    def joined_source(self) -> tuple[str, list[tuple[int, int]]]:
        """The code cells joined into one Python module, and for each of its lines (0-based
        list) the ``(cell index, line in cell)`` it came from."""
        parts: list[str] = []
        origins: list[tuple[int, int]] = []
        for cell in self.cells:
            lines = cell.python.split("\n")
            for number, line in enumerate(lines, start=1):
                parts.append(line)
                origins.append((cell.index, number))
        return "\n".join(parts) + "\n", origins

    def without(self, indices) -> Notebook:
        """The notebook with the code cells at ``indices`` replaced by as many blank lines as
        they have: the cell stays in the joined source, so every later line keeps its place and
        its cell (``joined_source`` maps lines to cells by position), but it defines nothing.
        Used for cells that do not parse: Jupyter runs each cell on its own, so one broken cell
        does not stop the others, and kerascheck lints the rest the same way."""
        return Notebook(tuple(
            replace(cell, python="\n" * cell.python.count("\n")) if cell.index in indices
            else cell for cell in self.cells))

    def read_past(self, indices) -> Notebook:
        """The notebook with the code cells at ``indices`` (cells that do not parse) read on
        past their errors as a script that does not parse is (:mod:`kerascheck.source.
        recovery`): a broken statement becomes an opaque call given every name it mentions and
        the cell's other statements stay, line for line; a cell that cannot be read so becomes
        one opaque call given every name in it. Jupyter runs the statements of a broken cell
        up to nothing, but its author ran them once they were fixed: a ``compile()`` in a cell
        with a ``# TODO`` blank is not taken as never having happened."""
        from kerascheck.source.recovery import opaque_text, read_past_errors

        def readable(text: str) -> str:
            read = read_past_errors(text)
            return read[0] if read is not None else opaque_text(text)

        return Notebook(tuple(replace(cell, python=readable(cell.python))
                              if cell.index in indices else cell for cell in self.cells))

    def cell_line(self, cell_index: int, line: int) -> str | None:
        """The original text of one line of one cell."""
        for cell in self.cells:
            if cell.index == cell_index:
                lines = cell.source.split("\n")
                return lines[line - 1] if 0 < line <= len(lines) else None
        return None


class NotebookError(ValueError):
    """The file is not a notebook kerascheck can read; ``line``/``column`` locate the problem."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.line = line
        self.column = column


def read_notebook(raw: bytes | str) -> Notebook | None:
    """The notebook's code cells; None when its kernel is not Python. Raises
    :class:`NotebookError` for anything that is not a readable notebook."""
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as error:
        raise NotebookError(f"malformed notebook: invalid JSON: {error.msg}", error.lineno,
                            error.colno) from None
    except (UnicodeDecodeError, ValueError) as error:
        raise NotebookError(f"malformed notebook: {error}") from None
    except RecursionError:
        raise NotebookError("malformed notebook: the JSON is nested too deeply") from None
    if not isinstance(document, dict):
        raise NotebookError("malformed notebook: the top level is not a JSON object")
    if not _is_python(document.get("metadata")):
        return None
    cells = document.get("cells")
    if cells is None and isinstance(document.get("worksheets"), list):  # nbformat 3
        cells = [cell for sheet in document["worksheets"] if isinstance(sheet, dict)
                 for cell in (sheet.get("cells") or [])]
    if not isinstance(cells, list):
        raise NotebookError("malformed notebook: no 'cells' list (is this nbformat 4?)")
    # Colab runs a cell magic after comment lines (``#@title``, ``# note`` then ``%%bigquery``);
    # Jupyter reads such a cell as Python, and it fails there
    colab = isinstance(document.get("metadata"), dict) and "colab" in document["metadata"]
    code_cells = []
    for position, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            raise NotebookError(f"malformed notebook: cell {position} is not a JSON object")
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", cell.get("input", ""))
        if isinstance(source, list) and all(isinstance(part, str) for part in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise NotebookError(f"malformed notebook: cell {position} has a 'source' that is "
                                f"neither text nor a list of lines")
        source = source.replace("\r\n", "\n").replace("\r", "\n")
        code_cells.append(CodeCell(position, source, mask_ipython(source, colab)))
    return Notebook(tuple(code_cells))


def _is_python(metadata) -> bool:
    if not isinstance(metadata, dict):
        return True
    for key in ("kernelspec", "language_info"):
        section = metadata.get(key)
        if isinstance(section, dict):
            language = section.get("language") or section.get("name") \
                if key == "language_info" else section.get("language")
            if isinstance(language, str) and language:
                return language.lower().startswith("python")
    return True


# Line magics IPython runs without their ``%`` (automagic) or as shell aliases: ``ls ./data``,
# ``pip install x``, ``conda install y``. Such a line is masked only when it is not Python.
AUTOMAGIC_NAMES = frozenset({
    "ls", "cd", "pwd", "pip", "conda", "mamba", "mkdir", "rmdir", "rm", "cp", "mv", "ll",
    "load_ext", "reload_ext", "matplotlib", "tensorflow_version", "autoreload", "lsmagic",
})
_PYTHON_AFTER_NAME = re.compile(r"[=(\[.,:+\-*/%<>!&|^@)\]}'\"#;]|(?:if|else|for|in|is|and|or|not"
                                r"|as|lambda)\b")


# a command-line option (``ls -la ../data``, ``pip --quiet install x``): Python reads ``ls -la``
# as a subtraction, but a line that does not compile as Python is the magic IPython runs
_COMMAND_OPTION = re.compile(r"--?[A-Za-z]")


def _is_automagic(line: str) -> bool:
    """``ls ./data/`` or ``conda install -y pandas``: a known magic name followed by something
    no Python expression continues with (``ls = 3``, ``pip(x)``, ``cd.path`` are Python)."""
    stripped = line.strip()
    word, _, rest = stripped.partition(" ")
    rest = rest.lstrip()
    if word not in AUTOMAGIC_NAMES or not rest or (
            _PYTHON_AFTER_NAME.match(rest) and not rest.startswith(("./", "..", "~")) and
            not _COMMAND_OPTION.match(rest)):
        return False
    try:
        compile(stripped, "<line>", "exec")
    except SyntaxError:
        return True
    return False


# Cell magics whose body is ordinary Python: run in the notebook's namespace, or (ipyparallel's
# ``%%px``, options and all) on the engines, where a notebook that drives a cluster keeps its
# whole program (imports, model, fit) in ``%%px`` cells; the cells are read as one program.
PYTHON_CELL_MAGICS = ("time", "timeit", "capture", "prun", "px")
SHELL_CELL_MAGICS = ("bash", "sh", "script", "system", "!")


def mask_ipython(source: str, magic_after_comments: bool = False) -> str:
    """``source`` with IPython-only syntax replaced by Python that means nothing, line for line
    (indentation kept, so a magic inside a block leaves the block valid). Only lines that start
    a statement are candidates: a ``% modulus`` continuing a bracketed expression is Python.
    A cell magic is on the first line, or with ``magic_after_comments`` (a Colab notebook) on
    the first line after comments and blank lines."""
    lines = source.split("\n")
    at = next((number for number, line in enumerate(lines)
               if line.strip() and not line.lstrip().startswith("#")), 0) \
        if magic_after_comments else 0
    first = lines[at].strip() if lines else ""
    if first.startswith("%%"):
        magic = first[2:].split(maxsplit=1)[0] if first[2:].strip() else ""
        before, after = ["" for _ in lines[:at]], ["" for _ in lines[at + 1:]]
        if magic in SHELL_CELL_MAGICS:  # a shell cell may change any file: the analysis is told
            return "\n".join([*before, f"pass  {shell_comment(first)}", *after])
        if magic not in PYTHON_CELL_MAGICS:
            return "\n".join("" for _ in lines)  # %%writefile, %%html...: not run as Python
        lines = [*lines[:at], "", *lines[at + 1:]]
    masked = []
    scanner = _LineScanner()
    continuing_magic = False
    for number, line in enumerate(lines):
        if continuing_magic or (scanner.at_statement_start() and (
                _IPYTHON_LINE.match(line) or _is_automagic(line))):
            indent = line[:len(line) - len(line.lstrip())]
            masked.append("" if continuing_magic else f"{indent}pass{_download(lines, number)}")
            continuing_magic = line.rstrip().endswith("\\")
            continue
        masked.append(line)
        scanner.feed(line)
    return "\n".join(masked)


def _download(lines: list[str], number: int) -> str:
    """For a shell line (``!wget URL -O file``, ``!unzip file -d folder``, ``!cp ...``), its
    command as a comment the analysis reads (analysis/archives.py: which folder holds which
    download); else nothing."""
    command = lines[number].strip()
    if command.startswith(("%system ", "%sx ")):
        command = "!" + command  # (read as a command the analysis does not know)
    words = command[1:].split(maxsplit=1)
    if not command.startswith("!") or command.startswith("!!") or not words or \
            words[0] in READING_COMMANDS:
        return ""
    while command.endswith("\\") and number + 1 < len(lines):
        number += 1
        command = command[:-1] + " " + lines[number].strip()
    return "  " + shell_comment(command[1:])


class _LineScanner:
    """Just enough of Python's tokenizer to know whether the next line starts a statement:
    open brackets, open triple-quoted strings and backslash continuations."""

    def __init__(self):
        self.depth = 0
        self.open_string: str | None = None  # the closing quotes of an open triple string
        self.backslash = False

    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.open_string is None and not self.backslash

    def feed(self, line: str) -> None:
        index = 0
        self.backslash = line.rstrip().endswith("\\") and "#" not in line
        while index < len(line):
            if self.open_string is not None:
                end = _closing(line, self.open_string, index)
                if end < 0:
                    return
                index = end + len(self.open_string)
                self.open_string = None
                continue
            char = line[index]
            if char == "#":
                return
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(0, self.depth - 1)
            elif char in "'\"":
                if line.startswith(char * 3, index):
                    self.open_string = char * 3
                    index += 3
                    continue
                end = _closing(line, char, index + 1)
                if end < 0:
                    return
                index = end
            index += 1


def _closing(line: str, quotes: str, start: int) -> int:
    """Where ``quotes`` close an open string in ``line`` from ``start`` on; -1 if they do not."""
    end = line.find(quotes, start)
    while end > 0 and _escaped(line, end):
        end = line.find(quotes, end + 1)
    return end


def _escaped(line: str, position: int) -> bool:
    backslashes = 0
    while position - backslashes - 1 >= 0 and line[position - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def to_cell_position(diagnostic: Diagnostic, origins: list[tuple[int, int]]) -> Diagnostic:
    """A diagnostic on the joined source moved to its cell."""
    if not 0 < diagnostic.line <= len(origins):
        return diagnostic
    cell, line = origins[diagnostic.line - 1]
    end_line, end_column = line, diagnostic.end_column
    if 0 < diagnostic.end_line <= len(origins):
        end_cell, cell_end_line = origins[diagnostic.end_line - 1]
        if end_cell == cell:
            end_line = cell_end_line
        else:  # a range cannot span cells; end it where the first cell's line ends
            end_column = diagnostic.column
    fix = diagnostic.fix
    if getattr(fix, "text_edits", ()):
        fix = replace(fix, text_edits=_cell_edits(fix.text_edits, cell, origins))
    related = tuple(_cell_place(place, origins) if place.path == diagnostic.path else place
                    for place in diagnostic.related)
    return replace(diagnostic, line=line, end_line=end_line, end_column=end_column, cell=cell,
                   fix=fix, related=related)


def _cell_place(place, origins: list[tuple[int, int]]):
    """A related location of the joined source moved to its cell (its range ends with the
    cell, as a diagnostic's does)."""
    if place.cell is not None or not 0 < place.line <= len(origins):
        return place
    cell, line = origins[place.line - 1]
    end_line, end_column = line, place.column
    if 0 < place.end_line <= len(origins) and origins[place.end_line - 1][0] == cell:
        end_line, end_column = origins[place.end_line - 1][1], place.end_column
    return replace(place, line=line, end_line=end_line, end_column=end_column, cell=cell)


def _cell_edits(edits, cell: int, origins: list[tuple[int, int]]) -> tuple:
    """A fix's text edits moved into ``cell``; none at all when one of them reaches outside it
    (a fix is applied whole or not at all)."""
    moved = []
    for edit in edits:
        if not (0 < edit.line <= len(origins) and 0 < edit.end_line <= len(origins)):
            return ()
        (start_cell, line), (end_cell, end_line) = origins[edit.line - 1], \
            origins[edit.end_line - 1]
        if start_cell != cell or end_cell != cell:
            return ()
        moved.append(replace(edit, line=line, end_line=end_line))
    return tuple(moved)
