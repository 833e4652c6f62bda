"""Scripts in the shapes beginners write (written for kerascheck in our own words), judged as a
whole file.

Each file in tests/idioms/ starts with ``# expect-codes:`` and the codes it must produce (none
for correct code). The files are whole scripts, so every rule sees them at once: a rule that
cries wolf on a correct tutorial fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kerascheck.engine import lint_file

IDIOMS = sorted((Path(__file__).parent / "idioms").glob("*.py"))


@pytest.mark.parametrize("path", IDIOMS, ids=lambda p: p.stem)
def test_idiom(path: Path):
    header = path.read_text().splitlines()[0]
    assert header.startswith("# expect-codes:")
    expected = sorted(header.split(":", 1)[1].split())
    result = lint_file(path)
    assert not result.errors
    assert sorted(d.code for d in result.diagnostics) == expected, result.diagnostics
