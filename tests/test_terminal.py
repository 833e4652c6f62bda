"""What a person at a terminal sees: colour on a real terminal (a pty), none in a pipe or
with NO_COLOR, forced with FORCE_COLOR; ``-q`` prints the findings only, ``-s`` nothing."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BAD = textwrap.dedent("""\
    import tensorflow as tf
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(2,)),
        tf.keras.layers.Dense(10),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    """)
ESCAPE = b"\x1b["

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs a pty")


def environment(**changes: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    env.update({"TERM": "xterm-256color", **changes})
    return env


def on_a_terminal(args: list[str], cwd: Path, **env: str) -> tuple[int, bytes]:
    """Run kerascheck with its stdout on a pseudo-terminal; its exit code and what it printed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "kerascheck", "--no-cache", *args],
                               stdout=follower, stderr=subprocess.PIPE, cwd=cwd,
                               env=environment(**env))
    os.close(follower)
    output = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal (EIO on Linux)
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    return process.wait(timeout=60), output


def in_a_pipe(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kerascheck", "--no-cache", *args],
                          capture_output=True, cwd=cwd, timeout=120, env=environment(**env))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "model.py").write_text(BAD)
    return tmp_path


def test_a_terminal_gets_colour(project):
    code, output = on_a_terminal(["model.py"], project)
    assert code == 1
    assert b"\x1b[1;31mKC201\x1b[0m" in output and b"\x1b[31m^" in output
    assert b"Found 1 problem in 1 file." in output


def test_no_color_and_a_dumb_terminal_get_none(project):
    assert ESCAPE not in on_a_terminal(["model.py"], project, NO_COLOR="1")[1]
    assert ESCAPE not in on_a_terminal(["model.py"], project, TERM="dumb")[1]


def test_a_pipe_gets_none_unless_forced(project):
    plain = in_a_pipe(["model.py"], project)
    assert plain.returncode == 1 and b"KC201" in plain.stdout and ESCAPE not in plain.stdout
    forced = in_a_pipe(["model.py"], project, FORCE_COLOR="1")
    assert b"\x1b[1;31mKC201\x1b[0m" in forced.stdout
    # a machine-readable format is never coloured
    assert ESCAPE not in in_a_pipe(["--output-format", "json", "model.py"], project,
                                   FORCE_COLOR="1").stdout


def test_the_colours_do_not_change_the_text(project):
    coloured = in_a_pipe(["model.py"], project, FORCE_COLOR="1").stdout.decode()
    plain = in_a_pipe(["model.py"], project).stdout.decode()
    import re

    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_quiet_prints_the_findings_only(project):
    result = in_a_pipe(["-q", "--output-format", "concise", "model.py"], project)
    assert result.returncode == 1
    assert result.stdout.decode().splitlines() == [
        line for line in in_a_pipe(["--output-format", "concise", "model.py"], project)
        .stdout.decode().splitlines() if not line.startswith("Found ")]
    assert in_a_pipe(["--quiet", "model.py"], project).stdout.count(b"Found ") == 0
    fixed = in_a_pipe(["-q", "--fix", "--unsafe-fixes", "model.py"], project)
    assert fixed.returncode == 0 and fixed.stdout == b"" and b"Fixed" not in fixed.stderr


def test_silent_prints_nothing_and_keeps_the_exit_code(project):
    result = in_a_pipe(["-s", "model.py"], project)
    assert (result.returncode, result.stdout, result.stderr) == (1, b"", b"")
    (project / "model.py").write_text(BAD.replace("Dense(10)", 'Dense(10, activation="relu")'))
    assert in_a_pipe(["--silent", "model.py"], project).returncode == 0
    missing = in_a_pipe(["-s", "nowhere.py"], project)
    assert missing.returncode == 2 and b"nowhere.py" in missing.stderr  # errors still said
