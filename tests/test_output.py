"""Report formats: text, concise, json, github, sarif (checked against the SARIF 2.1.0 schema),
junit; --statistics and --output-file."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest

from kerascheck.cli import main
from kerascheck.diagnostics import Diagnostic
from kerascheck.reports.formats import render, render_statistics

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

BAD = textwrap.dedent("""\
    import tensorflow as tf
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(2,)),
        tf.keras.layers.Dense(10),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    """)
MESSAGE = "Hidden Dense layer has no activation"


def diagnostic(path="model.py", line=4, column=5, code="KC201", end_line=4, end_column=30,
               cell=None, message=MESSAGE, name="linear-hidden-activation"):
    return Diagnostic(path=path, line=line, column=column, code=code, name=name,
                      message=message, end_line=end_line, end_column=end_column, cell=cell)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder with one bad script, one good script and a bad notebook; cwd is the folder."""
    (tmp_path / "model.py").write_text(BAD)
    (tmp_path / "good.py").write_text(BAD.replace("Dense(10)", 'Dense(10, activation="relu")'))
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# A notebook"]},
             {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1,
              "source": ["%matplotlib inline\n", "import tensorflow as tf"]},
             {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 2,
              "source": BAD.split("\n", 1)[1].splitlines(keepends=True)}]
    (tmp_path / "nb.ipynb").write_text(json.dumps(
        {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# -- text and concise ---------------------------------------------------------------------

def test_text_shows_the_line_and_a_caret_under_the_finding(project, capsys):
    code, out, _ = cli(capsys, "model.py")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"model.py:4:5: KC201 {MESSAGE}")
    assert lines[1:4] == ["  |",
                          "4 |     tf.keras.layers.Dense(10),",
                          "  |     " + "^" * len("tf.keras.layers.Dense(10)")]
    # KC201's fix changes the model, so it is offered as an unsafe fix
    assert lines[4].startswith("  = help: ") and lines[4].endswith("(--fix --unsafe-fixes)")
    assert lines[-1] == "Found 1 problem in 1 file."


def test_text_caret_follows_tabs_and_multi_line_ranges():
    line = "\tmodel.add(Dense(10,"
    text = render([diagnostic(line=1, column=12, end_line=2, end_column=5)], "text",
                  sources={"model.py": line + "\n          name='x'))\n"})
    snippet = text.splitlines()
    assert snippet[2] == "1 | " + line
    assert snippet[3] == "  | \t" + " " * 10 + "^" * len("Dense(10,")


def test_text_and_concise_when_clean():
    assert render([], "text") == "All checks passed.\n"
    assert render([], "concise") == "All checks passed.\n"


def test_concise_is_one_line_per_finding_sorted_with_notebook_cells(project, capsys):
    code, out, _ = cli(capsys, "--output-format", "concise", ".")
    assert code == 1
    assert out.splitlines() == [
        f"model.py:4:5: KC201 {_message(project)}",
        f"nb.ipynb:cell 3:3:5: KC201 {_message(project)}",
        "Found 2 problems in 2 files.",
    ]


def _message(project) -> str:
    from kerascheck.engine import lint_file

    return lint_file(project / "model.py").diagnostics[0].message


def test_text_for_a_notebook_shows_the_cell_line(project, capsys):
    _, out, _ = cli(capsys, "nb.ipynb")
    assert out.splitlines()[:5] == [
        f"nb.ipynb:cell 3:3:5: KC201 {_message(project)}",
        "  |",
        "3 |     tf.keras.layers.Dense(10),",
        "  |     " + "^" * len("tf.keras.layers.Dense(10)"),
        '  = help: Add `activation="relu"` (--fix --unsafe-fixes)',  # written into the cell
    ]


# -- json ---------------------------------------------------------------------------------

def test_json_objects_are_one_based_and_carry_the_cell(project, capsys):
    code, out, _ = cli(capsys, "--output-format", "json", ".")
    assert code == 1
    records = json.loads(out)
    assert [(r["path"], r["line"], r["column"], r.get("cell")) for r in records] == [
        ("model.py", 4, 5, None), ("nb.ipynb", 3, 5, 3)]
    for record in records:
        assert {"code", "name", "message", "path", "line", "column", "end_line",
                "end_column"} <= set(record)
        assert record["end_column"] == record["column"] + len("tf.keras.layers.Dense(10)")


# -- github -------------------------------------------------------------------------------

def test_github_annotations_escape_their_properties_and_data():
    text = render([diagnostic(path="dir,x/a:b.py", message="100% wrong\nreally")], "github")
    assert text == ("::error title=kerascheck (KC201),file=dir%2Cx/a%3Ab.py,line=4,col=5,"
                    "endLine=4,endColumn=30::dir,x/a:b.py:4:5: KC201 100%25 wrong%0Areally\n")


def test_github_annotation_for_a_notebook_names_the_cell_not_a_file_line():
    text = render([diagnostic(path="nb.ipynb", line=2, cell=3)], "github")
    assert text.startswith("::error title=kerascheck (KC201),file=nb.ipynb::nb.ipynb:cell 3:2:5")


# -- sarif --------------------------------------------------------------------------------

def _validate_sarif(document: dict) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(document), key=str)
    assert not errors, [error.message for error in errors[:5]]


def test_sarif_from_the_cli_is_valid_sarif_2_1_0(project, capsys):
    (project / "broken.py").write_text("import tensorflow as tf\nDense(activation='relu', 10)\n")
    code, out, _ = cli(capsys, "--output-format", "sarif", ".")
    assert code == 1
    document = json.loads(out)
    _validate_sarif(document)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert {r["ruleId"] for r in results} == {"KC000", "KC201"}
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    by_uri = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r
              for r in results}
    assert set(by_uri) == {"broken.py", "model.py", "nb.ipynb"}
    assert by_uri["model.py"]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 4, "startColumn": 5, "endLine": 4, "endColumn": 30}
    assert by_uri["broken.py"]["level"] == "error"
    notebook = by_uri["nb.ipynb"]
    assert "region" not in notebook["locations"][0]["physicalLocation"]
    assert notebook["properties"] == {"cell": 3, "cellLine": 3, "cellColumn": 5}
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_with_no_findings_is_valid():
    document = json.loads(render([], "sarif"))
    _validate_sarif(document)
    assert document["runs"][0]["results"] == []


def test_the_schema_check_can_fail():
    document = json.loads(render([diagnostic()], "sarif"))
    document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"][
        "startLine"] = 0  # SARIF lines start at 1
    with pytest.raises(AssertionError):
        _validate_sarif(document)


# -- junit --------------------------------------------------------------------------------

def test_junit_has_a_failure_per_finding(project, capsys):
    code, out, _ = cli(capsys, "--output-format", "junit", ".")
    assert code == 1
    root = ElementTree.fromstring(out.split("\n", 1)[1])
    assert root.tag == "testsuites" and root.get("failures") == "2"
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert set(suites) == {"model.py", "nb.ipynb"}
    failure = suites["nb.ipynb"].find("testcase/failure")
    assert failure.get("type") == "KC201"
    assert failure.text.startswith("cell 3:3:5: KC201 ")


def test_junit_when_clean_has_one_passing_case():
    root = ElementTree.fromstring(render([], "junit").split("\n", 1)[1])
    assert root.get("failures") == "0"
    assert [case.get("name") for case in root.iter("testcase")] == ["No problems found"]
    assert root.find(".//failure") is None


# -- statistics and output file ------------------------------------------------------------

def test_statistics_count_per_rule():
    found = [diagnostic(), diagnostic(line=7), diagnostic(code="KC000", name="syntax-error")]
    assert render_statistics(found) == "2  KC201  linear-hidden-activation\n" \
                                       "1  KC000  syntax-error\n"
    assert json.loads(render_statistics(found, "json")) == [
        {"code": "KC201", "name": "linear-hidden-activation", "count": 2, "fixable": 0,
         "unsafe_fixable": 0},
        {"code": "KC000", "name": "syntax-error", "count": 1, "fixable": 0,
         "unsafe_fixable": 0}]


def test_statistics_from_the_cli(project, capsys):
    code, out, _ = cli(capsys, "--statistics", ".")
    assert code == 1
    assert out == "2  KC201  [-] linear-hidden-activation\n" \
                  "[-] 2 fixable with --fix --unsafe-fixes.\n"


def test_output_file_receives_the_report(project, capsys):
    code, out, _ = cli(capsys, "--output-format", "json", "--output-file",
                       "reports/kerascheck.json", ".")
    assert code == 1 and out == ""
    records = json.loads((project / "reports" / "kerascheck.json").read_text())
    assert len(records) == 2


def test_unknown_format_is_a_usage_error(project, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--output-format", "xml", "."])
    assert exit_.value.code == 2
    capsys.readouterr()
