"""Rules of your own, through the real command line: a local module named by ``rule-modules``,
an installed package's ``kerascheck.rules`` entry point, ``kerascheck test-rule`` (Fixit's
``fixit test``), and the errors a bad rule module gives."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TEAM_RULES = Path(__file__).parent / "data" / "team_rules.py"
WIDE = textwrap.dedent("""\
    import keras
    model = keras.Sequential([
        keras.Input(shape=(8,)),
        keras.layers.Dense(10000, activation="relu"),
        keras.layers.Dense(1),
    ])
    """)


def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kerascheck", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120, env=env)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(TEAM_RULES, tmp_path / "team_rules.py")
    (tmp_path / "model.py").write_text(WIDE)
    return tmp_path


def configure(project: Path, table: str) -> None:
    (project / "pyproject.toml").write_text("[tool.kerascheck]\n" + table)


def codes(result) -> list[tuple[int, str]]:
    return [(d["line"], d["code"]) for d in json.loads(result.stdout)]


def test_a_local_rule_module_runs_once_selected(project):
    configure(project, 'rule-modules = ["team_rules.py"]\n')
    assert codes(run("--output-format", "json", "model.py", cwd=project)) == []
    configure(project, 'rule-modules = ["team_rules.py"]\nextend-select = ["TEAM"]\n')
    result = run("--output-format", "json", "--no-cache", "model.py", cwd=project)
    assert codes(result) == [(4, "TEAM101")], result.stderr
    listed = run("rules", cwd=project).stdout.splitlines()
    assert listed[-1].split()[:2] == ["TEAM101", "huge-dense"]
    assert run("rule", "huge-dense", cwd=project).stdout.startswith("# TEAM101 huge-dense")


def test_worker_processes_load_the_rules_too(project):
    configure(project, 'rule-modules = ["team_rules.py"]\nextend-select = ["TEAM"]\n')
    for index in range(20):  # more than the runner lints in one process
        shutil.copy(project / "model.py", project / f"copy_{index}.py")
    result = run("--statistics", "--no-cache", "--jobs", "2", ".", cwd=project)
    assert result.stdout == "21  TEAM101  huge-dense\n", result.stderr


def test_editing_the_rule_module_invalidates_the_cache(project):
    configure(project, 'rule-modules = ["team_rules.py"]\nextend-select = ["TEAM"]\n')
    assert codes(run("--output-format", "json", "model.py", cwd=project)) == [(4, "TEAM101")]
    rules = project / "team_rules.py"
    rules.write_text(rules.read_text().replace("units > 4096", "units > 100000"))
    assert codes(run("--output-format", "json", "model.py", cwd=project)) == []


def test_an_entry_point_rule_from_an_installed_package(tmp_path):
    site = tmp_path / "site"
    (site / "team_rules_pkg").mkdir(parents=True)
    shutil.copy(TEAM_RULES, site / "team_rules_pkg" / "__init__.py")
    dist = site / "team_rules_pkg-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: team-rules-pkg\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[kerascheck.rules]\nteam = team_rules_pkg\n")
    (tmp_path / "model.py").write_text(WIDE)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(site), *filter(None, [os.environ.get("PYTHONPATH")])])}
    result = run("--output-format", "json", "--extend-select", "TEAM", "model.py",
                 cwd=tmp_path, env=env)
    assert codes(result) == [(4, "TEAM101")], result.stderr


def test_without_a_package_naming_the_group_no_metadata_is_imported(tmp_path):
    # importlib.metadata (20 ms of every start) is imported only when some entry_points.txt on
    # sys.path names kerascheck.rules; a package with other entry points changes nothing.
    site = tmp_path / "site"
    dist = site / "other_pkg-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: other-pkg\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[console_scripts]\nother = other_pkg:main\n")
    (tmp_path / "model.py").write_text(WIDE)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(site), *filter(None, [os.environ.get("PYTHONPATH")])])}
    script = ("import sys\nfrom kerascheck.cli import main\ncode = main(sys.argv[1:])\n"
              "print('METADATA', 'importlib.metadata' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script, "--no-cache", "model.py"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120, env=env)
    assert "METADATA False" in done.stdout, done.stdout + done.stderr
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stdout + done.stderr


def test_test_rule_runs_the_examples(project):
    result = run("test-rule", "team_rules.py", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("TEAM101 huge-dense\n  ok    invalid 1\n  ok    valid 1\n"
                             "  ok    docs: Example fires\n  ok    docs: Use instead is silent\n"
                             "4 passed, 0 failed\n")


def test_test_rule_fails_a_wrong_example(project):
    rules = project / "team_rules.py"
    rules.write_text(rules.read_text().replace("Dense(10000, activation=\"relu\"),  # expect",
                                               "Dense(100, activation=\"relu\"),  # expect"))
    result = run("test-rule", "team_rules.py", cwd=project)
    assert result.returncode == 1
    assert "  FAIL  invalid 1: expected TEAM101 on lines [5], reported on []" in result.stdout
    assert result.stdout.endswith("3 passed, 1 failed\n")


@pytest.mark.parametrize(("change", "message"), [
    (('code = "TEAM101"', 'code = "KC999"'), "must be letters then three digits, not starting"),
    (('code = "TEAM101"', 'code = "KC201"'), "must be letters then three digits, not starting"),
    (("from kerascheck.rules.base import Rule",
      "import no_such_module\nfrom kerascheck.rules.base import Rule"), "ModuleNotFoundError"),
])
def test_a_bad_rule_module_is_a_clear_error(project, change, message):
    rules = project / "team_rules.py"
    rules.write_text(rules.read_text().replace(*change))
    configure(project, 'rule-modules = ["team_rules.py"]\n')
    result = run("model.py", cwd=project)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert run("test-rule", "team_rules.py", cwd=project).returncode == 2


def test_kc001_judges_your_own_codes_but_not_a_rule_that_raised(project):
    configure(project, 'rule-modules = ["team_rules.py"]\nextend-select = ["TEAM"]\n')
    (project / "model.py").write_text(WIDE.replace('activation="relu"),', 'activation="relu"),  '
                                                   '# noqa: TEAM101')
                                      .replace("Dense(1),", "Dense(1),  # noqa: TEAM101"))
    result = run("--output-format", "json", "--no-cache", "model.py", cwd=project)
    assert [(d["line"], d["code"], d["message"]) for d in json.loads(result.stdout)] == [
        (5, "KC001", "Unused `noqa` directive (unused: `TEAM101`); remove it")]
    rules = project / "team_rules.py"
    rules.write_text(rules.read_text().replace("        for layer in model.layers:",
                                               "        raise RuntimeError('a bug')\n"
                                               "        for layer in model.layers:"))
    broken = run("--output-format", "json", "--no-cache", "model.py", cwd=project)
    assert broken.returncode == 2 and "internal error in rule TEAM101" in broken.stderr
    assert json.loads(broken.stdout) == []  # its comments are not called unused
