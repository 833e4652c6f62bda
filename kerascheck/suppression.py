"""``# noqa`` comments: a finding on a line with ``# noqa`` or ``# noqa: KC201`` is not reported."""

from __future__ import annotations

import re

from kerascheck.diagnostics import Diagnostic

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z0-9_,\s-]+))?", re.IGNORECASE)


def codes_on_line(line: str) -> set[str] | None:
    """None if the line has no noqa; an empty set for a bare ``# noqa`` (everything)."""
    match = _NOQA.search(line)
    if match is None:
        return None
    codes = match.group("codes")
    if not codes:
        return set()
    return {code.strip().upper() for code in re.split(r"[,\s]+", codes) if code.strip()}


def filter_suppressed(diagnostics: list[Diagnostic], text: str) -> list[Diagnostic]:
    lines = text.splitlines()
    kept = []
    for diagnostic in diagnostics:
        line = lines[diagnostic.line - 1] if 0 < diagnostic.line <= len(lines) else ""
        codes = codes_on_line(line) if "#" in line else None
        if codes is not None and (not codes or diagnostic.code in codes):
            continue
        kept.append(diagnostic)
    return kept
