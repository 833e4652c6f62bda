"""KC001 unused-noqa through the real command line: reported where the directive is, fixed
safely by --fix, silent under --ignore-noqa (which shows what the comments hide), judged only
for the rules that ran, in notebooks too; and "did you mean" for a mistyped selector."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

MODEL = textwrap.dedent("""\
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(4,)),
        tf.keras.layers.Dense(8, activation="relu"),  # noqa: KC201
        tf.keras.layers.Dense(8),  # noqa: E501, KC201, KC301
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy")  # type: ignore  # noqa: KC5O2
    """)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kerascheck", "--no-cache", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def findings(result) -> list[tuple[int, str, str]]:
    return [(record["line"], record["code"], record["message"])
            for record in json.loads(result.stdout)]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "model.py").write_text(MODEL)
    return tmp_path


def test_unused_and_unknown_codes_are_reported_with_a_guess(project):
    result = run("--output-format", "json", "model.py", cwd=project)
    assert result.returncode == 1, result.stderr
    assert findings(result) == [
        (5, "KC001", "Unused `noqa` directive (unused: `KC201`); remove it"),
        (6, "KC001", "Unused `noqa` directive (unused: `KC301`); remove it"),
        (9, "KC001", "Unused `noqa` directive (unknown: `KC5O2`, did you mean `KC502`?); "
                     "remove it")]


def test_fix_removes_only_what_is_unused(project):
    result = run("--fix", "model.py", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Fixed 3 problems (0 remaining)." in result.stdout
    fixed = (project / "model.py").read_text()
    assert fixed == MODEL.replace('"relu"),  # noqa: KC201', '"relu"),') \
        .replace("# noqa: E501, KC201, KC301", "# noqa: E501, KC201") \
        .replace("  # type: ignore  # noqa: KC5O2", "  # type: ignore")
    assert run("model.py", cwd=project).returncode == 0


def test_ignore_noqa_reports_what_the_comments_hide_and_no_kc001(project):
    result = run("--ignore-noqa", "--output-format", "json", "model.py", cwd=project)
    assert [(line, code) for line, code, _ in findings(result)] == [(6, "KC201")]


def test_a_rule_that_did_not_run_is_not_judged(project):
    result = run("--ignore", "KC201", "--output-format", "json", "model.py", cwd=project)
    assert [(line, code) for line, code, _ in findings(result)] == [(6, "KC001"), (9, "KC001")]
    # KC201 did not run, so its codes in the comments are neither reported nor judged unused
    # (the fixes' edits rewrite whole comments, which may still name it)
    assert not any("KC201" in message for _, _, message in findings(result))


def test_add_noqa_never_suppresses_kc001(project):
    result = run("--add-noqa", "model.py", cwd=project)
    assert result.returncode == 0 and "Added 0 noqa directives." in result.stdout
    assert (project / "model.py").read_text() == MODEL


def test_kc001_in_a_notebook_is_located_in_its_cell(tmp_path):
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1,
              "source": ["import tensorflow as tf"]},
             {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 2,
              "source": ["layer = tf.keras.layers.Dense(4, activation='relu')  # noqa: KC201"]}]
    (tmp_path / "nb.ipynb").write_text(json.dumps(
        {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}))
    result = run("--output-format", "json", "nb.ipynb", cwd=tmp_path)
    [record] = json.loads(result.stdout)
    assert (record["code"], record["cell"], record["line"]) == ("KC001", 2, 1)


@pytest.mark.parametrize(("option", "typo", "guess"), [
    ("--select", "KC5O2", "KC502"), ("--ignore", "sigmoid-multi-class", "sigmoid-multiclass")])
def test_a_mistyped_selector_gets_a_guess(project, option, typo, guess):
    result = run(option, typo, "model.py", cwd=project)
    assert result.returncode == 2
    assert f"unknown rule selector: '{typo}'; did you mean '{guess}'?" in result.stderr


def test_a_mistyped_selector_in_the_configuration_gets_a_guess(project):
    (project / "pyproject.toml").write_text('[tool.kerascheck]\nignore = ["KC5O2"]\n')
    result = run("model.py", cwd=project)
    assert result.returncode == 2 and "did you mean 'KC502'?" in result.stderr
