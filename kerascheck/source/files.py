"""What a run knows of a file before any parse: its bytes (or why they cannot be read), whether
it is worth linting at all, and the shape of a file's result. Nothing here imports LibCST, the
analysis or the rules: a warm run, every result in the cache, needs this module only (a test
checks it by ``sys.modules``)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field

from kerascheck.analysis.markers import prepares_training_data
from kerascheck.diagnostics import Diagnostic, InternalError

# A file that mentions none of these is outside kerascheck's concern: it is read, never parsed.
# The bare names let notebook fragments and snippets that use unbound Keras names be checked
# (Keras' capitalised ``Conv2D``, not PyTorch's ``Conv2d``: a segmentation head's fragment).
RELEVANT_MARKERS = (b"keras", b"tensorflow", b"Sequential", b"Dense", b"Conv1D", b"Conv2D",
                    b"Conv3D", b"Convolution", b"Activation(")
SYNTAX_ERROR = "KC000"


@dataclass
class FileResult:
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[InternalError] = field(default_factory=list)
    relevant: bool = True  # False: no Keras in sight, not parsed


def is_relevant(source: bytes, path: str | None, project) -> bool:
    """Whether the file mentions Keras, or (given its ``path`` and its ``project``, a
    :class:`kerascheck.source.project.Project` or None) imports a module of its project that
    does (``from model import build_model`` alone: the model is Keras all the same), or
    prepares a training run's data in a script of its own (scaler fits, saved arrays: KC402)."""
    if any(marker in source for marker in RELEVANT_MARKERS) or \
            prepares_training_data(source):
        return True
    if path is None or project is None:
        return False
    return project.imports_any(path, source, RELEVANT_MARKERS)


def read_source(path: str | os.PathLike) -> bytes | FileResult:
    """A file's bytes, or the KC000 result that says why they cannot be had. A FIFO or a device
    named ``*.py`` is never opened: reading it would block or never end."""
    display = os.fspath(path)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return FileResult(display, [syntax_diagnostic(
                display, 1, 1, "cannot read file: not a regular file")])
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        return FileResult(display, [syntax_diagnostic(
            display, 1, 1, f"cannot read file: {error.strerror or error}")])


def syntax_diagnostic(path: str, line: int, column: int, message: str) -> Diagnostic:
    return Diagnostic(path=path, line=line, column=column, code=SYNTAX_ERROR,
                      name="syntax-error", message=message, end_line=line, end_column=column)
