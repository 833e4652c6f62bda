"""The values the engine hands to every front door: findings before and after they are located."""

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


class InternalError(Exception):
    """A rule raised while checking a file: reported, never fatal to the run."""

    def __init__(self, path: str, rule: str, detail: str):
        super().__init__(f"{path}: internal error in rule {rule}: {detail}")
        self.path = path
        self.rule = rule
        self.detail = detail
