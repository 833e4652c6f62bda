"""Fixes as data: every fix carries concrete text edits, computed where the file was analysed,
that reproduce exactly what ``--fix`` writes; JSON and SARIF carry them, the caches keep them,
and ``kerascheck --fix -`` prints the fixed source."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from kerascheck.diagnostics import TextEdit, from_records, text_edits, to_record
from kerascheck.engine import lint_source
from kerascheck.fixing import fixer
from kerascheck.settings.config import Config

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("kc*_bad*.py"))
SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

KC301 = """\
import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.Input(shape=(4,)),
    tf.keras.layers.Dense(3, activation='sigmoid'),  # three classes
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')
"""


def apply_text_edits(text: str, edits) -> str:
    """What an editor does with a fix's edits (1-based code-point positions, end exclusive)."""
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    for edit in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        begin = starts[edit.line - 1] + edit.column - 1
        end = starts[edit.end_line - 1] + edit.end_column - 1
        text = text[:begin] + edit.new_text + text[end:]
    return text


def fixable(path: Path):
    source = path.read_text(encoding="utf-8")
    return [(source, d) for d in lint_source(source, str(path)).diagnostics if d.fix is not None]


@pytest.mark.parametrize("path", [p for p in EXAMPLES if fixable(p)], ids=lambda p: p.name)
def test_each_fix_as_text_is_what_the_fixer_writes(path):
    """For every fix of every bad example, its text edits give the very text that applying
    that one fix through LibCST gives (quotes, layout, parentheses)."""
    source = path.read_text(encoding="utf-8")
    module, diagnostics, _complete = fixer._lint_keeping_module(source.encode(), str(path),
                                                                Config())
    for diagnostic in diagnostics:
        if diagnostic.fix is None:
            continue
        assert text_edits(diagnostic.fix), f"{diagnostic.code} has a fix without text edits"
        expected, applied, _dropped = fixer.apply_fixes(module, [diagnostic], str(path))
        assert applied == [diagnostic]
        assert apply_text_edits(source, text_edits(diagnostic.fix)) == expected.decode()


def test_the_kc301_fix_edits_only_the_activation_keeping_the_files_quotes():
    [diagnostic] = lint_source(KC301, "model.py").diagnostics
    assert diagnostic.code == "KC301"
    assert text_edits(diagnostic.fix) == (TextEdit(5, 41, 5, 50, "'softmax'"),)


def test_text_edits_survive_the_cache_record_and_a_process_boundary():
    import pickle

    [diagnostic] = lint_source(KC301, "model.py").diagnostics
    again = from_records(json.loads(json.dumps([to_record(diagnostic)])))
    assert again[0].fix.text_edits == diagnostic.fix.text_edits
    assert pickle.loads(pickle.dumps(diagnostic)).fix.text_edits == diagnostic.fix.text_edits


def test_a_notebooks_fix_edits_are_inside_its_cell():
    cells = ["import tensorflow as tf\n", KC301.split("\n", 2)[2]]
    notebook = json.dumps({"cells": [{"cell_type": "code", "source": cell, "metadata": {},
                                      "outputs": [], "execution_count": None}
                                     for cell in cells],
                           "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    [diagnostic] = lint_source(notebook, "analysis.ipynb").diagnostics
    assert (diagnostic.cell, diagnostic.line) == (2, 3)
    assert text_edits(diagnostic.fix) == (TextEdit(3, 41, 3, 50, "'softmax'"),)
    assert apply_text_edits(cells[1], text_edits(diagnostic.fix)).count("'softmax'") == 1


def run_cli(*args: str, stdin: str | None = None, cwd: Path | None = None):
    return subprocess.run([sys.executable, "-m", "kerascheck.cli", *args], input=stdin,
                          capture_output=True, text=True, cwd=cwd)


def test_json_and_sarif_carry_the_fix_edits_and_each_rules_page(tmp_path):
    (tmp_path / "model.py").write_text(KC301, encoding="utf-8")
    as_json = run_cli("--output-format", "json", "model.py", cwd=tmp_path)
    [finding] = json.loads(as_json.stdout)
    assert finding["fix"]["edits"] == [{"line": 5, "column": 41, "end_line": 5,
                                        "end_column": 50, "new_text": "'softmax'"}]
    as_sarif = run_cli("--output-format", "sarif", "model.py", cwd=tmp_path)
    document = json.loads(as_sarif.stdout)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert sorted(map(str, jsonschema.Draft4Validator(schema).iter_errors(document))) == []
    run = document["runs"][0]
    [result] = run["results"]
    [change] = result["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "model.py"}
    assert change["replacements"] == [{
        "deletedRegion": {"startLine": 5, "startColumn": 41, "endLine": 5, "endColumn": 50},
        "insertedContent": {"text": "'softmax'"}}]
    assert "unsafe" in result["fixes"][0]["description"]["text"]
    rules = run["tool"]["driver"]["rules"]
    assert all(rule["helpUri"].endswith(f"docs/rules/{rule['id']}.md") for rule in rules)
    assert all((ROOT / "docs" / "rules" / f"{rule['id']}.md").is_file() for rule in rules)


def test_fix_on_stdin_prints_the_fixed_source(tmp_path):
    safe_only = run_cli("--fix", "-", stdin=KC301, cwd=tmp_path)
    assert safe_only.stdout == KC301  # KC301's fix is unsafe
    assert safe_only.returncode == 1 and "KC301" in safe_only.stderr
    fixed = run_cli("--fix", "--unsafe-fixes", "-", stdin=KC301, cwd=tmp_path)
    assert fixed.stdout == KC301.replace("'sigmoid'", "'softmax'")
    assert fixed.returncode == 0 and fixed.stderr == ""


def test_the_quotes_counted_while_locating_are_the_fixers():
    """The engine counts quotes during its one code generation; the fixer walks the tree. They
    must agree, or a text edit and --fix would write different quotes."""
    import libcst as cst

    from kerascheck.fixes import QuoteSurvey
    from kerascheck.source.positions import positions_and_spans

    sources = [path.read_text(encoding="utf-8") for path in EXAMPLES]
    sources.append("x = f'{a}' + f\"'{b}'\" + b'c' + '''d''' + 'e' 'f' + r\"g\" + \"h\"\n")
    for source in sources:
        module = cst.parse_module(source)
        survey = QuoteSurvey()
        module.visit(survey)
        assert positions_and_spans(module, [], [])[3] == survey.quotes
