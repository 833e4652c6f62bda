"""The command line as users run it: a subprocess, its output, its JSON and its exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BAD = textwrap.dedent("""\
    import tensorflow as tf
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(4,)),
        tf.keras.layers.Dense(10, activation='linear'),
        tf.keras.layers.Dense(3, activation='sigmoid'),
    ])
    model.compile(optimizer='adam', loss='categorical_crossentropy')
""")
GOOD = textwrap.dedent("""\
    import tensorflow as tf
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(4,)),
        tf.keras.layers.Dense(10, activation='relu'),
        tf.keras.layers.Dense(3, activation='softmax'),
    ])
    model.compile(optimizer='adam', loss='categorical_crossentropy')
""")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kerascheck", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "bad.py").write_text(BAD)
    (tmp_path / "pkg" / "good.py").write_text(GOOD)
    (tmp_path / "notes.txt").write_text("not python")
    hidden = tmp_path / ".hidden"
    hidden.mkdir()
    (hidden / "ignored.py").write_text(BAD)
    venv = tmp_path / "venv_like"
    venv.mkdir()
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (venv / "lib.py").write_text(BAD)
    return tmp_path


def test_findings_are_reported_sorted_with_a_summary_and_exit_1(project):
    result = run("pkg", cwd=project)
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stdout.splitlines() if ": KC" in line]
    bad = os.path.join("pkg", "bad.py")
    assert lines[0].startswith(f"{bad}:4:5: KC201 ")
    assert lines[1].startswith(f"{bad}:5:5: KC301 ")
    assert len(lines) == 2
    assert "Found 2 problems in 1 file." in result.stdout


def test_directories_skip_hidden_folders_and_virtualenvs(project):
    result = run(".", cwd=project)
    assert ".hidden" not in result.stdout
    assert "venv_like" not in result.stdout
    assert "Found 2 problems in 1 file." in result.stdout


def test_clean_files_exit_0(project):
    result = run(os.path.join("pkg", "good.py"), cwd=project)
    assert result.returncode == 0, result.stderr
    assert "All checks passed." in result.stdout


def test_json_output(project):
    result = run("--output-format", "json", "pkg", cwd=project)
    assert result.returncode == 1
    records = json.loads(result.stdout)
    assert [r["code"] for r in records] == ["KC201", "KC301"]
    first = records[0]
    assert first["name"] == "linear-hidden-activation"
    assert (first["line"], first["column"]) == (4, 5)
    assert (first["end_line"], first["end_column"]) == (4, 51)
    assert first["path"].endswith("bad.py")
    assert "relu" in first["message"]


@pytest.mark.parametrize(("option", "expected"), [
    (["--select", "KC2"], ["KC201"]),
    (["--select", "sigmoid-multiclass"], ["KC301"]),
    (["--ignore", "KC201"], ["KC301"]),
    (["--select", "KC2,KC3", "--ignore", "linear-hidden-activation"], ["KC301"]),
])
def test_select_and_ignore(project, option, expected):
    result = run("--output-format", "json", *option, "pkg", cwd=project)
    assert [r["code"] for r in json.loads(result.stdout)] == expected


def test_exit_zero(project):
    result = run("--exit-zero", "pkg", cwd=project)
    assert result.returncode == 0
    assert "KC201" in result.stdout


def test_missing_path_is_a_usage_error(project):
    result = run("does-not-exist.py", cwd=project)
    assert result.returncode == 2
    assert "does-not-exist.py" in result.stderr


def test_unknown_selector_is_a_usage_error(project):
    result = run("--select", "KC999", "pkg", cwd=project)
    assert result.returncode == 2
    assert "KC999" in result.stderr


def test_version():
    from kerascheck import __version__

    result = run("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_a_file_that_does_not_parse_is_reported_and_others_still_checked(project):
    (project / "pkg" / "broken.py").write_text("import keras\nmodel.add(Dense(activation='relu', 10))\n")
    result = run("pkg", cwd=project)
    assert result.returncode == 1
    assert f"{os.path.join('pkg', 'broken.py')}:2:" in result.stdout
    assert "KC000" in result.stdout
    assert "KC201" in result.stdout and "KC301" in result.stdout


def test_running_the_cli_imports_no_tensorflow(project):
    code = ("import sys; from kerascheck.cli import main; main(['--exit-zero', 'pkg']); "
            "heavy = [m for m in ('tensorflow', 'keras', 'numpy') if m in sys.modules]; "
            "print('HEAVY', heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=project, timeout=120)
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr


def test_internal_error_in_a_rule_is_reported_and_exits_2(project):
    # A rule that raises, swapped into the registry in a real CLI process.
    code = textwrap.dedent("""
        import sys
        from kerascheck.rules import all_rules
        from kerascheck.rules.base import Rule

        class Broken(Rule):
            code = "KC201"
            name = "linear-hidden-activation"
            summary = "broken"
            def check_file(self, facts):
                raise ZeroDivisionError("boom")

        rules = tuple(r for r in all_rules() if r.code != "KC201") + (Broken,)
        all_rules.cache_clear()
        import kerascheck.engine as engine
        engine.all_rules = lambda: rules
        from kerascheck.cli import main
        sys.exit(main(["pkg"]))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=project, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "internal error in rule KC201" in result.stderr
    assert "bad.py" in result.stderr
    assert "KC301" in result.stdout  # the other rules still ran
