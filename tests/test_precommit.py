"""The pre-commit hook, for real: ``pre-commit try-repo`` installs this repository into a fresh
environment and runs the ``kerascheck`` hook on a temporary git repository.

The hook is installed from this repository's committed HEAD (``--ref``): without it try-repo
would add uncommitted changes to tracked files but not new untracked files, a mix that need not
import. In CI the checkout is clean, so HEAD is exactly the code under test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
PRE_COMMIT = shutil.which("pre-commit", path=os.pathsep.join(
    [str(Path(sys.executable).parent), os.environ.get("PATH", "")]))


BAD = textwrap.dedent("""\
    import tensorflow as tf
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(2,)),
        tf.keras.layers.Dense(10),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    """)
GOOD = BAD.replace("Dense(10)", 'Dense(10, activation="relu")')


def test_hook_definition():
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "kerascheck"
    assert hook["language"] == "python"
    assert hook["types_or"] == ["python", "jupyter"]
    assert hook["require_serial"] is True
    assert "--force-exclude" in hook["entry"].split() + hook.get("args", [])


def _git(*args, cwd):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                   cwd=cwd, check=True, capture_output=True)


def _try_repo(work: Path, home: Path, *files: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, check=True,
                          capture_output=True, text=True).stdout.strip()
    return subprocess.run(
        [PRE_COMMIT, "try-repo", str(REPO), "kerascheck", "--ref", head, "--verbose",
         "--files", *files],
        cwd=work, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.skipif(PRE_COMMIT is None,
                    reason="pre-commit is not installed (it is in the 'test' extra)")
def test_try_repo_runs_the_hook_on_a_bad_and_a_good_file(tmp_path):
    if not (REPO / ".git").exists():
        pytest.fail("pre-commit try-repo needs this repository as a git checkout")
    work = tmp_path / "project"
    work.mkdir()
    _git("init", "-q", cwd=work)
    (work / "bad.py").write_text(BAD)
    (work / "good.py").write_text(GOOD)
    (work / "vendored").mkdir()
    (work / "vendored" / "copy.py").write_text(BAD)
    (work / "pyproject.toml").write_text('[tool.kerascheck]\nextend-exclude = ["vendored"]\n')
    _git("add", ".", cwd=work)
    home = tmp_path / "pre-commit-home"

    failing = _try_repo(work, home, "bad.py", "good.py", "vendored/copy.py")
    output = failing.stdout + failing.stderr
    assert failing.returncode == 1, output
    assert "bad.py:4:5: KC201" in output
    assert "good.py:" not in output
    assert "vendored/copy.py:" not in output  # --force-exclude: the config's excludes hold
    assert "Found 1 problem in 1 file." in output

    passing = _try_repo(work, home, "good.py", "vendored/copy.py")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout


def test_the_hook_installs_nothing_heavier_than_libcst():
    # pre-commit installs the package with its hard dependencies only (no extras)
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    names = {re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower()
             for requirement in project["dependencies"]}
    # pathspec on RE2 (1.6 MB installed, against LibCST's 15 MB) and bracex (pure Python, 100 KB)
    # match the globs in linear time (issue 14, item 4)
    assert names <= {"libcst", "tomli", "pathspec", "bracex"}, names
    pathspec = [r for r in project["dependencies"] if r.startswith("pathspec")]
    assert pathspec == ["pathspec[re2]>=1.0"]
