"""The one writer (kerascheck.fixing.writer) behind --fix and --add-noqa, in real processes
(issue 14, items 2 and 8): owner and mode kept, a file changed on disk left alone, a failure
reported for its file while the others are written; CR-only line endings kept."""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kerascheck.cli import main

BAD = textwrap.dedent("""\
    import tensorflow as tf
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(2,)),
        tf.keras.layers.Dense(10, activation='linear'),
        tf.keras.layers.Dense(1, activation='sigmoid'),
    ])
    """)  # KC201 at line 4 (fixable with --unsafe-fixes)


def kerascheck(*args: str, cwd: Path, **popen) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kerascheck", "--no-cache", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120, **popen)


@pytest.mark.parametrize("tool", [["--add-noqa"], ["--fix", "--unsafe-fixes"]])
def test_mode_is_kept(tool, tmp_path):
    target = tmp_path / "model.py"
    target.write_text(BAD)
    target.chmod(0o640)
    result = kerascheck(*tool, "model.py", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert target.read_text() != BAD
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can write another user's file")
@pytest.mark.parametrize("tool", [["--add-noqa"], ["--fix", "--unsafe-fixes"]])
def test_another_users_file_keeps_its_owner(tool, tmp_path):
    # Before: --add-noqa left a root:root file, unreadable to its owner at mode 0640.
    target = tmp_path / "model.py"
    target.write_text(BAD)
    os.chown(target, 4321, 4322)
    target.chmod(0o640)
    kerascheck(*tool, "model.py", cwd=tmp_path)
    assert target.read_text() != BAD
    status = target.stat()
    assert (status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)) == (4321, 4322, 0o640)


def test_add_noqa_leaves_a_file_saved_meanwhile_alone(tmp_path, monkeypatch, capsys):
    # An editor saves the file after kerascheck read it and before it writes.
    from kerascheck.fixing import noqa, writer

    target = tmp_path / "model.py"
    target.write_text(BAD)
    saved = BAD + "print('saved by the editor')\n"
    real = noqa.add_noqa_to_source

    def editor_saves_meanwhile(text, diagnostics):
        target.write_text(saved)
        return real(text, diagnostics)

    monkeypatch.setattr(noqa, "add_noqa_to_source", editor_saves_meanwhile)
    monkeypatch.chdir(tmp_path)
    assert main(["--no-cache", "--add-noqa", "model.py"]) == 2
    assert target.read_text() == saved
    err = capsys.readouterr().err
    assert f"model.py: noqa comments not written: {writer.CHANGED_ON_DISK}" in err


def test_a_write_failure_costs_its_file_alone(tmp_path):
    # A file size limit (as a full disk would) makes the bigger file unwritable; as root,
    # permissions would not stop the write.
    big, small = tmp_path / "big.py", tmp_path / "small.py"
    big.write_text(BAD + "# " + "x" * 20000 + "\n")
    small.write_text(BAD)
    limit = big.stat().st_size + 8  # the big file plus a noqa comment does not fit

    def limited():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = kerascheck("--add-noqa", "big.py", "small.py", cwd=tmp_path, preexec_fn=limited)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "big.py: noqa comments not written: File too large" in result.stderr
    assert "# noqa: KC201" in small.read_text()
    assert big.read_text() == BAD + "# " + "x" * 20000 + "\n"
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".kerascheck")]  # no leftovers


@pytest.mark.parametrize("tool", [["--add-noqa"], ["--fix", "--unsafe-fixes"]])
def test_cr_only_line_endings_are_kept(tool, tmp_path):
    target = tmp_path / "model.py"
    target.write_bytes(BAD.replace("\n", "\r").encode())
    result = kerascheck(*tool, "model.py", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    written = target.read_bytes()
    assert b"\n" not in written and written.endswith(b"\r")
    assert written.count(b"\r") == BAD.count("\n")
    if tool == ["--add-noqa"]:
        assert b"activation='linear'),  # noqa: KC201\r" in written
    else:
        assert b"Dense(10, activation='relu')" in written or b'activation="relu"' in written
    assert kerascheck("model.py", cwd=tmp_path).returncode == 0  # nothing left to report


EDITOR = ("import sys, time\ntime.sleep(float(sys.argv[1]))\n"
          "with open(sys.argv[2], 'w') as handle:\n    handle.write(sys.argv[3])\n")
SAVED = "# a line the editor added on top\n" + BAD  # every finding one line further down


@pytest.mark.parametrize("tool", [["--add-noqa"], ["--fix", "--unsafe-fixes"]],
                         ids=["add-noqa", "fix"])
def test_an_editor_saving_during_the_run_loses_nothing(tool, tmp_path):
    # Real processes: kerascheck checks a project (the target first, then 40 more files) and
    # writes, while another process saves the target at a moment that moves from round to
    # round: before kerascheck read it, between the check and the write, after the write.
    # Whatever the moment, the editor's line survives, and kerascheck's edit, when written,
    # is made on the editor's text (its comment on the line of the finding there, the one
    # after the editor's line). Before: --add-noqa put the comment where the finding had
    # been before the save, on the wrong line, and said nothing.
    for index in range(40):
        (tmp_path / f"other_{index:02}.py").write_text(BAD)
    target = tmp_path / "a_model.py"
    noqa_line = "    tf.keras.layers.Dense(10, activation='linear'),  # noqa: KC201\n"
    annotated = SAVED.replace("    tf.keras.layers.Dense(10, activation='linear'),\n",
                              noqa_line)
    fixed = {SAVED.replace("'linear'", "'relu'"), SAVED.replace("'linear'", '"relu"')}
    for round_ in range(8):
        target.write_text(BAD)
        checker = subprocess.Popen([sys.executable, "-m", "kerascheck", "--no-cache",
                                    "--jobs", "1", *tool, "."], cwd=tmp_path,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        editor = subprocess.run([sys.executable, "-c", EDITOR, str(round_ * 0.15),
                                 str(target), SAVED], timeout=60)
        _out, err = checker.communicate(timeout=120)
        assert editor.returncode == 0 and "Traceback" not in err
        written = target.read_text()
        assert written.startswith("# a line the editor added on top\n"), (round_, err)
        if tool == ["--add-noqa"]:
            assert written in (SAVED, annotated), (round_, written, err)
        else:
            assert written == SAVED or written in fixed, (round_, written, err)
        if "a_model.py" in err and "changed" in err:  # reported: then nothing was written
            assert written == SAVED, (round_, err)
