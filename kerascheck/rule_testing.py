"""``kerascheck test-rule PATH``: a rule's own examples run as tests, the way Fixit's
``fixit test`` runs a rule's VALID and INVALID cases.

For every Rule in the module at PATH (a ``.py`` file or a dotted module name): each
``invalid`` example must be reported exactly on its lines marked ``# expect: CODE``, each
``valid`` example must produce nothing, and when the docstring has them, the ``## Example``
block must fire and the ``## Use instead`` block must not. The examples run through the very
engine ``kerascheck check`` uses, with only that rule selected.
"""

from __future__ import annotations

import re
import textwrap

from kerascheck.engine import lint_source
from kerascheck.rules import RuleLoadError, load_rule_module
from kerascheck.settings.config import Config

EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)")


def expected_lines(code: str) -> list[tuple[int, str]]:
    """``(line, code)`` for every ``# expect: CODE`` comment of a (dedented) example."""
    pairs = []
    for number, line in enumerate(textwrap.dedent(code).splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            pairs += [(number, c.strip()) for c in match["codes"].split(",")]
    return pairs


def _reported(rule, code: str) -> list[tuple[int, str]]:
    result = lint_source(textwrap.dedent(code), "example.py", Config(select=(rule.code,)))
    if result.errors:
        raise RuntimeError("; ".join(str(error) for error in result.errors))
    return sorted((d.line, d.code) for d in result.diagnostics if d.code == rule.code)


def check_rule(rule) -> list[tuple[str, str | None]]:
    """``(case, failure or None)`` for each example of ``rule``."""
    cases = []
    for index, code in enumerate(rule.invalid, start=1):
        expected = sorted(pair for pair in expected_lines(code) if pair[1] == rule.code)
        cases.append((f"invalid {index}", _judge(rule, code, expected)))
    for index, code in enumerate(rule.valid, start=1):
        cases.append((f"valid {index}", _judge(rule, code, [])))
    if rule.example_code():
        reported = _safely(lambda: _reported(rule, rule.example_code()))
        failure = reported if isinstance(reported, str) else \
            None if reported else "reported nothing"
        cases.append(("docs: Example fires", failure))
    if rule.use_instead_code():
        cases.append(("docs: Use instead is silent", _judge(rule, rule.use_instead_code(), [])))
    if not rule.invalid or not rule.valid:
        cases.append(("has invalid and valid examples", "add at least one of each"))
    return cases


def _judge(rule, code: str, expected: list[tuple[int, str]]) -> str | None:
    reported = _safely(lambda: _reported(rule, code))
    if isinstance(reported, str):
        return reported
    if reported == expected:
        return None
    if not expected:
        return f"reported {', '.join(f'line {line}' for line, _ in reported)}; expected nothing"
    return (f"expected {rule.code} on lines {[line for line, _ in expected]}, "
            f"reported on {[line for line, _ in reported]}")


def _safely(run):
    try:
        return run()
    except Exception as error:  # a rule that raises fails its case, not the command
        return f"raised {type(error).__name__}: {error}"


def run_rule_tests(spec: str, root: str = "") -> tuple[int, str]:
    """``(exit code, report)``: 0 when every case of every rule in ``spec`` passes, 1 when one
    fails, 2 when the module cannot be loaded."""
    try:
        rules = load_rule_module(spec, root)
    except RuleLoadError as error:
        return 2, f"kerascheck test-rule: error: {error}\n"
    lines, failures, total = [], 0, 0
    for rule in rules:
        lines.append(f"{rule.code} {rule.name}")
        for case, failure in check_rule(rule):
            total += 1
            failures += failure is not None
            lines.append(f"  {'ok  ' if failure is None else 'FAIL'}  {case}"
                         + (f": {failure}" if failure else ""))
    lines.append(f"{total - failures} passed, {failures} failed")
    return (1 if failures else 0), "\n".join(lines) + "\n"
