"""Shared test helpers."""

from __future__ import annotations

import re
import textwrap

from kerascheck.config import Config
from kerascheck.engine import lint_source

EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>KC\d{3}(?:\s*,\s*KC\d{3})*)")


def lint(code: str, select: tuple[str, ...] = ("KC",), path: str = "example.py"):
    """Diagnostics for a snippet (dedented)."""
    result = lint_source(textwrap.dedent(code), path, Config(select=select))
    assert not result.errors, result.errors
    return result.diagnostics


def expected_lines(code: str) -> list[tuple[int, str]]:
    """(line, code) pairs marked with ``# expect: KC201`` in an example."""
    pairs = []
    for number, line in enumerate(textwrap.dedent(code).splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            pairs += [(number, c.strip()) for c in match.group("codes").split(",")]
    return pairs
