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
    # the finding's other ends (the loss of an output/loss mismatch): :class:`Related` targets,
    # or :class:`RelatedLocation` once located in another module (project_findings.imported_findings)
    related: tuple = ()
    # where in the linted file to report a finding whose target lies in an imported project
    # module (the call that builds the model from it); None: at the import
    home: Any = None


@dataclass(frozen=True)
class Related:
    """Another place a finding involves, not yet located: ``target`` as a :class:`Finding`'s,
    ``message`` what that place is (``the loss that expects probabilities``)."""

    target: Any
    message: str


@dataclass(frozen=True)
class RelatedLocation:
    """Another place a diagnostic involves (LSP ``relatedInformation``, SARIF
    ``relatedLocations``, a ``note:`` line of the text report): positions as a
    :class:`Diagnostic`'s, ``path`` the file it lies in (another module of the project, or the
    diagnostic's own file)."""

    path: str
    line: int
    column: int
    message: str
    end_line: int = 0
    end_column: int = 0
    cell: int | None = None

    def to_dict(self) -> dict:
        data = {"path": self.path, "line": self.line, "column": self.column,
                "end_line": self.end_line or self.line,
                "end_column": self.end_column or self.column, "message": self.message}
        if self.cell is not None:
            data["cell"] = self.cell
        return data


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
    related: tuple = field(default=(), compare=False)  # RelatedLocation, in order

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
            data["fix"] = {"applicability": self.fix.applicability, "message": self.fix.message,
                           "edits": [edit.to_dict() for edit in text_edits(self.fix)]}
        if self.related:
            data["related"] = [place.to_dict() for place in self.related]
        return data


@dataclass(frozen=True)
class TextEdit:
    """One concrete edit of a fix: replace the text from ``line:column`` up to (not including)
    ``end_line:end_column`` by ``new_text``. Positions as a :class:`Diagnostic`'s: 1-based lines
    and columns counted in code points; in a notebook, inside the diagnostic's cell."""

    line: int
    column: int
    end_line: int
    end_column: int
    new_text: str

    def to_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "end_line": self.end_line,
                "end_column": self.end_column, "new_text": self.new_text}


def text_edits(fix) -> tuple[TextEdit, ...]:
    """The concrete edits of a fix (a :class:`kerascheck.fixes.Fix` or a :class:`FixSummary`);
    empty when they could not be computed."""
    return getattr(fix, "text_edits", ())


@dataclass(frozen=True)
class FixSummary:
    """What is left of a :class:`kerascheck.fixes.Fix` once it leaves the process (or the cache
    entry) that made it: what it does, how safe it is, and its concrete text edits (computed
    where the file was analysed: any client can apply them to the text that was linted). It
    cannot apply through LibCST (node identity does not survive a process boundary), so its
    node ``edits`` are empty and ``--fix`` re-analyses the file."""

    message: str
    applicability: str
    text_edits: tuple[TextEdit, ...] = ()

    @property
    def edits(self) -> tuple:
        return ()

    @property
    def detached(self) -> bool:
        return True


# -- records: a diagnostic as JSON-safe data ------------------------------------------------------

_APPLICABILITIES = ("safe", "unsafe")  # kerascheck.fixes.APPLICABILITIES, without importing LibCST
_RECORD_FIELDS = {"path": str, "line": int, "column": int, "code": str, "name": str,
                  "message": str, "end_line": int, "end_column": int}


def to_record(diagnostic: Diagnostic) -> dict:
    """``diagnostic`` as JSON-safe data (its fix as ``[message, applicability, edits]``, each
    edit ``[line, column, end_line, end_column, new_text]``)."""
    record = {name: getattr(diagnostic, name) for name in _RECORD_FIELDS}
    record["cell"] = diagnostic.cell
    if diagnostic.fix is not None:
        record["fix"] = [diagnostic.fix.message, diagnostic.fix.applicability,
                         [[edit.line, edit.column, edit.end_line, edit.end_column, edit.new_text]
                          for edit in text_edits(diagnostic.fix)]]
    if diagnostic.related:
        record["related"] = [[place.path, place.line, place.column, place.end_line,
                              place.end_column, place.cell, place.message]
                             for place in diagnostic.related]
    return record


def from_record(record) -> Diagnostic | None:
    """The diagnostic :func:`to_record` wrote, or None when ``record`` does not have exactly
    that shape (a damaged cache entry is a miss, never a crash or a wrong report)."""
    if not isinstance(record, dict) or not set(_RECORD_FIELDS) <= set(record) \
            or not set(record) <= {*_RECORD_FIELDS, "cell", "fix", "related"}:
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
        if not (isinstance(fix, list) and len(fix) == 3 and type(fix[0]) is str
                and fix[1] in _APPLICABILITIES and isinstance(fix[2], list)):
            return None
        edits = [_edit_from_record(edit) for edit in fix[2]]
        if any(edit is None for edit in edits):
            return None
        fix = FixSummary(fix[0], fix[1], tuple(edits))
    related = record.get("related", [])
    places = [_related_from_record(place) for place in related] \
        if isinstance(related, list) else [None]
    if any(place is None for place in places):
        return None
    return Diagnostic(**{name: record[name] for name in _RECORD_FIELDS}, cell=cell, fix=fix,
                      related=tuple(places))


def _related_from_record(record) -> RelatedLocation | None:
    if not (isinstance(record, list) and len(record) == 7 and type(record[0]) is str
            and type(record[6]) is str
            and all(type(number) is int and number >= 0 for number in record[1:5])
            and min(record[1:3]) >= 1
            and (record[5] is None or type(record[5]) is int and record[5] >= 1)):
        return None
    path, line, column, end_line, end_column, cell, message = record
    return RelatedLocation(path, line, column, message, end_line, end_column, cell)


def _edit_from_record(record) -> TextEdit | None:
    if not (isinstance(record, list) and len(record) == 5 and type(record[4]) is str
            and all(type(number) is int and number >= 1 for number in record[:4])
            and tuple(record[:2]) <= tuple(record[2:4])):
        return None
    return TextEdit(*record)


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
