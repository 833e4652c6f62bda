"""The README stays true: its rule table matches the rules, and its Quick start's second
command is exactly what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

from kerascheck.rules import all_rules

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_rule_table_matches_the_rules():
    table = README.split("<!-- rules-table:start -->")[1].split("<!-- rules-table:end -->")[0]
    rows = [line for line in table.strip().splitlines()[2:]]
    expected = [f"| [{rule.code}](docs/rules/{rule.code}.md) | {rule.name} | "
                f"{rule.fix_applicability or '-'} | {rule.summary} |" for rule in all_rules()]
    assert rows == expected


def test_quick_start_has_two_commands_and_ci_runs_the_second():
    quick_start = README.split("## Quick start")[1].split("\n## ")[0]
    commands = re.findall(r"```sh\n(.*?)\n```", quick_start, re.DOTALL)
    assert len(commands) == 2
    assert "kerascheck examples/" in commands[0]
    ci_script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci_script.splitlines()
