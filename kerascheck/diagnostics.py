"""The values the engine hands to every front door: findings before and after they are located,
and the one way a diagnostic is written to and read back from a cache (:func:`to_record`,
:func:`from_records`), shared by the CLI's cache and the pytest plugin's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    """A rule's judgment, not yet located: ``target`` is a CST node (static) or a
    :class:`~kerascheck.facts.LayerFact` (runtime, or a static layer whose node locates it)."""

    code: str
    message: str
    target: Any
    fix: Any = None  # a kerascheck.fixes.Fix, when the rule can repair the finding


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A located finding. Lines and columns are 1-based; ``cell`` is the notebook cell (1-based)."""

    path: str
    line: int
    column: int
    code: str
    name: str = field(compare=False)
    message: str = field(compare=False)
    end_line: int = field(default=0, compare=False)
    end_column: int = field(default=0, compare=False)
    cell: int | None = field(default=None, compare=False)
    fix: Any = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict:
        data = {
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line or self.line,
            "end_column": self.end_column or self.column,
        }
        if self.cell is not None:
            data["cell"] = self.cell
        if self.fix is not None:
            data["fix"] = {"applicability": self.fix.applicability, "message": self.fix.message}
        return data


@dataclass(frozen=True)
class FixSummary:
    """What is left of a :class:`kerascheck.fixes.Fix` once it leaves the process (or the cache
    entry) that made it: what it does and how safe it is. It describes; it cannot apply (node
    identity does not survive a process boundary, so fixes are applied where the file was
    analysed)."""

    message: str
    applicability: str
    edits: tuple = ()

    @property
    def detached(self) -> bool:
        return True


# -- records: a diagnostic as JSON-safe data ------------------------------------------------------

_APPLICABILITIES = ("safe", "unsafe")  # kerascheck.fixes.APPLICABILITIES, without importing LibCST
_RECORD_FIELDS = {"path": str, "line": int, "column": int, "code": str, "name": str,
                  "message": str, "end_line": int, "end_column": int}


def to_record(diagnostic: Diagnostic) -> dict:
    """``diagnostic`` as JSON-safe data (its fix as ``[message, applicability]``)."""
    record = {name: getattr(diagnostic, name) for name in _RECORD_FIELDS}
    record["cell"] = diagnostic.cell
    if diagnostic.fix is not None:
        record["fix"] = [diagnostic.fix.message, diagnostic.fix.applicability]
    return record


def from_record(record) -> Diagnostic | None:
    """The diagnostic :func:`to_record` wrote, or None when ``record`` does not have exactly
    that shape (a damaged cache entry is a miss, never a crash or a wrong report)."""
    if not isinstance(record, dict) or not set(_RECORD_FIELDS) <= set(record) \
            or not set(record) <= {*_RECORD_FIELDS, "cell", "fix"}:
        return None
    # ``type() is``, not isinstance: JSON's true is no line number
    if any(type(record[name]) is not kind for name, kind in _RECORD_FIELDS.items()):
        return None
    if record["line"] < 1 or record["column"] < 1:
        return None
    cell, fix = record.get("cell"), record.get("fix")
    if cell is not None and (type(cell) is not int or cell < 1):
        return None
    if fix is not None:
        if not (isinstance(fix, list) and len(fix) == 2 and type(fix[0]) is str
                and fix[1] in _APPLICABILITIES):
            return None
        fix = FixSummary(*fix)
    return Diagnostic(**{name: record[name] for name in _RECORD_FIELDS}, cell=cell, fix=fix)


def from_records(records) -> list[Diagnostic] | None:
    """Every record read back, or None if any of them (or the list itself) is damaged."""
    if not isinstance(records, list):
        return None
    diagnostics = [from_record(record) for record in records]
    return None if any(d is None for d in diagnostics) else diagnostics


class InternalError(Exception):
    """A rule raised while checking a file: reported, never fatal to the run."""

    def __init__(self, path: str, rule: str, detail: str):
        super().__init__(f"{path}: internal error in rule {rule}: {detail}")
        self.path = path
        self.rule = rule
        self.detail = detail
