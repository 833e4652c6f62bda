"""Every rule's own examples are tests: invalid ones fire exactly on their marked lines, valid
ones stay silent, and the docs' Example/Use instead blocks fire and stay silent."""

from __future__ import annotations

import pytest
from conftest import expected_lines, lint

from kerascheck.rules import all_rules

RULES = [rule for rule in all_rules() if rule.code != "KC000"]

def _select(rule) -> tuple[str, ...]:
    # KC001 judges the other rules' suppressions: its examples run with every rule
    return ("KC",) if rule.code == "KC001" else (rule.code,)


def _codes(diagnostics, rule):
    return [(d.line, d.code) for d in diagnostics if d.code == rule.code]


def _cases(kind: str):
    for rule in RULES:
        for index, code in enumerate(getattr(rule, kind)):
            yield pytest.param(rule, code, id=f"{rule.code}-{kind}-{index}")


@pytest.mark.parametrize(("rule", "code"), list(_cases("invalid")))
def test_invalid_example_fires_on_marked_lines(rule, code):
    expected = [(line, c) for line, c in expected_lines(code) if c == rule.code]
    assert expected, "an invalid example must mark at least one line with # expect:"
    found = _codes(lint(code, select=_select(rule)), rule)
    assert sorted(found) == sorted(expected)


@pytest.mark.parametrize(("rule", "code"), list(_cases("valid")))
def test_valid_example_is_silent(rule, code):
    assert _codes(lint(code, select=_select(rule)), rule) == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_doc_example_fires_and_use_instead_is_silent(rule):
    bad, good = rule.example_code(), rule.use_instead_code()
    assert bad and good
    assert rule.code in {d.code for d in lint(bad, select=_select(rule))}
    assert _codes(lint(good, select=_select(rule)), rule) == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_has_enough_must_not_fire_cases(rule):
    assert len(rule.valid) >= 3
