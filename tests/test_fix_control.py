"""Fix control as Ruff users know it, through the real command line: ``fixable`` /
``unfixable`` / ``unsafe-fixes`` in ``[tool.kerascheck]``, ``--no-unsafe-fixes``,
``--fix-only``, ``--show-fixes`` and the fixable counts of ``--statistics``."""

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
        tf.keras.Input(shape=784),
        tf.keras.layers.Dense(8),  # noqa: KC301
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    """)
# what each fix changes: KC103 (safe), KC001 (safe), KC201 (unsafe)
KC103 = ("shape=784", "shape=(784,)")
KC001 = ("Dense(8),  # noqa: KC301", "Dense(8),")
KC201 = ("Dense(8)", 'Dense(8, activation="relu")')


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kerascheck", "--no-cache", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def fixed_with(*changes) -> str:
    text = MODEL
    for before, after in changes:
        text = text.replace(before, after)
    return text


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "model.py").write_text(MODEL)
    return tmp_path


def configure(project: Path, table: str) -> None:
    (project / "pyproject.toml").write_text("[tool.kerascheck]\n" + table)


def test_fix_applies_the_safe_fixes_only_by_default(project):
    run("--fix", "model.py", cwd=project)
    assert (project / "model.py").read_text() == fixed_with(KC103, KC001)


def test_unfixable_keeps_a_rule_as_it_is_and_hides_its_hint(project):
    configure(project, 'unfixable = ["KC1"]\n')
    before = run("model.py", cwd=project).stdout
    assert "Write `(784,)`" not in before and "Remove the unused" in before
    result = run("--fix", "model.py", cwd=project)
    assert (project / "model.py").read_text() == fixed_with(KC001)
    assert "Fixed 1 problem (2 remaining" in result.stdout


def test_fixable_names_the_only_rules_fixed(project):
    configure(project, 'fixable = ["unused-noqa"]\n')
    run("--fix", "--unsafe-fixes", "model.py", cwd=project)
    assert (project / "model.py").read_text() == fixed_with(KC001)


def test_unsafe_fixes_in_the_settings_and_no_unsafe_fixes_on_the_command_line(project):
    assert '= help: Add `activation="relu"` (--fix --unsafe-fixes)' in run(
        "model.py", cwd=project).stdout
    configure(project, "unsafe-fixes = true\n")
    # the hint says what --fix does under these settings
    assert '= help: Add `activation="relu"` (--fix)' in run("model.py", cwd=project).stdout
    (project / "copy_of.py").write_text(MODEL)
    run("--fix", "model.py", cwd=project)
    assert (project / "model.py").read_text() == fixed_with(KC103, KC001, KC201)
    run("--fix", "--no-unsafe-fixes", "copy_of.py", cwd=project)
    assert (project / "copy_of.py").read_text() == fixed_with(KC103, KC001)


def test_a_bad_selector_in_fixable_is_a_configuration_error(project):
    configure(project, 'unfixable = ["KC2O1"]\n')
    result = run("model.py", cwd=project)
    assert result.returncode == 2 and "did you mean 'KC201'?" in result.stderr


def test_fix_only_reports_what_was_fixed_and_exits_0(project):
    result = run("--fix-only", "model.py", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Fixed 2 problems (1 remaining; 1 more fixable with " \
                            "--unsafe-fixes).\n"
    assert (project / "model.py").read_text() == fixed_with(KC103, KC001)
    (project / "model.py").write_text(MODEL)
    assert run("--fix-only", "--exit-non-zero-on-fix", "model.py", cwd=project).returncode == 1


def test_show_fixes_lists_each_file_and_rule(project):
    result = run("--fix", "--show-fixes", "model.py", cwd=project)
    assert result.stdout.endswith("- model.py:\n    1 × KC001 (unused-noqa)\n"
                                  "    1 × KC103 (invalid-input-shape)\n")


def test_statistics_mark_what_is_fixable(project):
    result = run("--statistics", "model.py", cwd=project)
    assert result.stdout == ("1  KC001  [*] unused-noqa\n"
                             "1  KC103  [*] invalid-input-shape\n"
                             "1  KC201  [-] linear-hidden-activation\n"
                             "[*] 2 fixable with --fix; [-] 1 fixable with --fix --unsafe-fixes.\n")
    rows = json.loads(run("--statistics", "--output-format", "json", "model.py",
                          cwd=project).stdout)
    assert [(row["code"], row["fixable"], row["unsafe_fixable"]) for row in rows] == [
        ("KC001", 1, 0), ("KC103", 1, 0), ("KC201", 0, 1)]
    configure(project, 'unfixable = ["KC103"]\n')
    assert "1  KC103      invalid-input-shape\n" in run("--statistics", "model.py",
                                                          cwd=project).stdout


KERAS2_PINNED = textwrap.dedent("""\
    from keras.models import Sequential
    from keras.layers import Dense
    from keras.optimizers import Adam

    model = Sequential()
    model.add(Dense(10, input_dim=4, activation="relu"))
    model.add(Dense(1, activation="softmax"))
    model.compile(optimizer=Adam(lr=0.01), loss="binary_crossentropy")
    """)


def test_fix_changes_only_what_the_linter_reports(tmp_path):
    """--fix offers a fix for exactly the findings a lint reports: under a Keras 2 pin the
    Keras-3-only rename of ``lr=`` is silent (``learning_rate=`` does not exist in Keras 2.2), so
    it is not rewritten while the reported one-unit softmax is."""
    (tmp_path / "requirements.txt").write_text("keras==2.2.4\n")
    (tmp_path / "train.py").write_text(KERAS2_PINNED)
    lint = run("--output-format", "json", "train.py", cwd=tmp_path)
    assert [(d["code"], d["line"]) for d in json.loads(lint.stdout)] == [("KC303", 7)]
    fixed = run("--fix", "--unsafe-fixes", "train.py", cwd=tmp_path)
    assert "Fixed 1 problem" in fixed.stdout, fixed.stdout
    text = (tmp_path / "train.py").read_text()
    assert text == KERAS2_PINNED.replace('activation="softmax"', 'activation="sigmoid"')
