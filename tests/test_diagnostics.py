"""The one serialization of a diagnostic, shared by the CLI's cache and the pytest plugin's:
what it writes it reads back, and anything else is refused (a miss, never a crash)."""

from __future__ import annotations

import json
import pickle

import pytest

from kerascheck.diagnostics import (Diagnostic, FixSummary, TextEdit, from_record, from_records,
                                    to_record)
from kerascheck.workspace.cache import Cache

FULL = Diagnostic(path="train.py", line=3, column=5, code="KC201",
                  name="linear-hidden-activation", message="linear", end_line=3,
                  end_column=20, cell=2, fix=FixSummary("Set `activation=\"relu\"`", "unsafe",
                                                          (TextEdit(3, 5, 3, 20, "Dense(4)"),)))


def test_a_record_reads_back_as_the_same_diagnostic():
    again = from_record(json.loads(json.dumps(to_record(FULL))))
    assert again == FULL
    assert (again.name, again.message, again.end_line, again.end_column, again.cell) == \
        ("linear-hidden-activation", "linear", 3, 20, 2)
    assert (again.fix.message, again.fix.applicability, again.fix.detached) == \
        ("Set `activation=\"relu\"`", "unsafe", True)
    assert again.fix.text_edits == (TextEdit(3, 5, 3, 20, "Dense(4)"),)


@pytest.mark.parametrize("damage", [
    lambda r: 1,
    lambda r: {**r, "line": "3"},
    lambda r: {**r, "line": True},
    lambda r: {**r, "line": 0},
    lambda r: {**r, "column": 2.0},
    lambda r: {key: value for key, value in r.items() if key != "message"},
    lambda r: {**r, "extra": 1},
    lambda r: {**r, "cell": "2"},
    lambda r: {**r, "fix": ["message", "maybe"]},
    lambda r: {**r, "fix": "message"},
    lambda r: {**r, "fix": ["message", "safe"]},
    lambda r: {**r, "fix": ["message", "safe", [[3, 5, 3, 20]]]},
    lambda r: {**r, "fix": ["message", "safe", [[3, 5, 3, 20, 7]]]},
    lambda r: {**r, "fix": ["message", "safe", [[3, 0, 3, 20, "x"]]]},
    lambda r: {**r, "fix": ["message", "safe", [[4, 5, 3, 20, "x"]]]},
    lambda r: {**r, "fix": ["message", "safe", "edits"]},
])
def test_a_damaged_record_is_refused(damage):
    assert from_record(damage(to_record(FULL))) is None
    assert from_records([to_record(FULL), damage(to_record(FULL))]) is None


def test_records_must_be_a_list():
    assert from_records({"line": 1}) is None
    assert from_records([]) == []


@pytest.mark.parametrize("payload", ['{"diagnostics":[1]}', '{"diagnostics":[{"line":"5"}]}',
                                     '[]', '{"diagnostics":{}}', 'null', '{}'])
def test_the_cli_cache_treats_a_damaged_entry_as_a_miss(tmp_path, payload):
    cache = Cache(tmp_path)
    assert cache.put("ab" + "0" * 62, [FULL])
    assert cache.get("ab" + "0" * 62) == [FULL]
    entry = next(path for path in tmp_path.rglob("*.json"))
    entry.write_text(payload)
    assert cache.get("ab" + "0" * 62) is None


def test_a_fix_that_crosses_a_process_boundary_becomes_a_summary():
    import libcst as cst

    from kerascheck.fixes import UNSAFE, replace_expression

    fix = replace_expression(cst.parse_expression("x"), "y", applicability=UNSAFE,
                             message="Use y")
    copy = pickle.loads(pickle.dumps(fix))
    assert isinstance(copy, FixSummary) and copy.detached and copy.edits == ()
    assert copy.text_edits == fix.text_edits
    assert (copy.message, copy.applicability) == ("Use y", UNSAFE) and not fix.detached
