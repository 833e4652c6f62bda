"""``kerascheck --watch``: a real process watching a real folder, edited under it.

Every step waits for the next report line (``Watching for file changes.``) with a generous
timeout, never for a time: what a run prints is asserted, not how fast it came."""

from __future__ import annotations

import os
import queue
import select
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc for the processes left behind")

TIMEOUT = 60.0
MARKER = "Watching for file changes."

MODEL = '''\
from tensorflow import keras
from tensorflow.keras import layers


def build():
    return keras.Sequential([
        keras.Input(shape=(4,)),
        layers.Dense(8, activation="relu"),
        layers.Dense(3, activation="{output}"),
    ])
'''

TRAIN = '''\
import numpy as np
from model import build

model = build()
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(np.zeros((10, 4)), np.zeros((10, 3)), epochs=1)
'''

LINEAR = '''\
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(8),
    layers.Dense(1, activation="sigmoid"),
])
'''


class Watch:
    """``python -m kerascheck --watch ARGS`` in ``root``; its stdout lines read by a thread."""

    def __init__(self, root: Path, *args: str):
        self.token = uuid.uuid4().hex
        env = {**os.environ, "NO_COLOR": "1", "KERASCHECK_WATCH_INTERVAL": "0.05",
               "KERASCHECK_CACHE_DIR": str(root.parent / f"cache-{root.name}"),
               "KERASCHECK_TEST_WATCH_TOKEN": self.token}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kerascheck", "--watch", *args], cwd=root, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue = queue.Queue()
        self.stderr: list[str] = []
        self.readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.lines.put),
                             daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr, self.stderr.append),
                             daemon=True)]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _read(stream, put) -> None:
        for line in stream:
            put(line)
        put("")  # the end

    def errors(self) -> str:
        """Everything it wrote on stderr (once it has ended)."""
        for reader in self.readers:
            reader.join(TIMEOUT)
        return "".join(self.stderr)

    def report(self) -> str:
        """The next run's output, up to and including its watching line."""
        lines = []
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                pytest.fail(f"no report within {TIMEOUT} s; so far: {''.join(lines)!r}; "
                            f"stderr: {''.join(self.stderr)!r}")
            if line == "":
                pytest.fail(f"kerascheck --watch ended: {''.join(lines)!r}, "
                            f"stderr {''.join(self.stderr)!r}")
            lines.append(line)
            if MARKER in line:
                return "".join(lines)

    def end(self, number: int) -> int:
        self.process.send_signal(number)
        try:
            return self.process.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            self.stop()
            pytest.fail("kerascheck --watch did not end on its signal")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def children(self) -> list[int]:
        """The live descendants' ids (read from /proc: tasks' children lists)."""
        found, pending = [], [self.process.pid]
        while pending:
            pid = pending.pop()
            for task in Path(f"/proc/{pid}/task").glob("*"):
                try:
                    kids = [int(x) for x in (task / "children").read_text().split()]
                except OSError:
                    continue
                found.extend(kids)
                pending.extend(kids)
        return found

    def leftovers(self) -> list[int]:
        """Processes still running with this watch's environment (its descendants, even when
        re-parented after it ended)."""
        needle = f"KERASCHECK_TEST_WATCH_TOKEN={self.token}".encode()
        left = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    left.append(int(entry.name))
            except OSError:
                continue
        return left


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    write(root / "pyproject.toml", "[project]\nname = 'watched'\n")
    write(root / "model.py", MODEL.format(output="sigmoid"))
    write(root / "train.py", TRAIN)
    write(root / "other.py", "import os\n")
    return root


def test_watch_reports_edits_deletions_additions_and_syntax_errors_then_ends_on_sigint(project):
    watch = Watch(project, ".")
    try:
        first = watch.report()
        assert "All checks passed." in first and "Checked 3 files." in first
        assert "\x1b" not in first  # (no screen clearing into a pipe)
        write(project / "model.py", MODEL.format(output="softmax"))  # longer by one byte
        edited = watch.report()
        assert "train.py:5:" in edited and "KC304" in edited
        (project / "other.py").unlink()
        deleted = watch.report()
        assert "Checked 2 files." in deleted and "KC304" in deleted
        write(project / "added.py", LINEAR)
        added = watch.report()
        assert "added.py:6:" in added and "KC201" in added and "Checked 3 files." in added
        write(project / "train.py", TRAIN + "x = (\n")
        broken = watch.report()
        assert "train.py:7:5: KC000" in broken and "Checked 3 files." in broken
        write(project / "train.py", TRAIN)
        mended = watch.report()
        assert "KC000" not in mended and "KC304" in mended
        assert watch.process.poll() is None
        assert watch.end(signal.SIGINT) == 0
    finally:
        watch.stop()
    assert "Traceback" not in watch.errors()
    assert "other.py" not in watch.errors()
    assert watch.leftovers() == []


def test_watch_follows_imported_modules_and_reloads_the_settings(project):
    watch = Watch(project, "train.py")
    try:
        assert "All checks passed." in watch.report()
        write(project / "model.py", MODEL.format(output="softmax"))  # not checked, imported
        assert "train.py:5:" in watch.report()
        write(project / "pyproject.toml", "[project]\nname = 'watched'\n\n"
              "[tool.kerascheck]\nignore = [\"KC304\"]\n")
        assert "All checks passed." in watch.report()
        (project / "train.py").unlink()  # the file named: deleted, then back
        assert "Checked 0 files." in watch.report()
        write(project / "train.py", TRAIN + "x = (\n")
        assert "train.py:7:5: KC000" in watch.report()
        assert watch.end(signal.SIGTERM) == 0
    finally:
        watch.stop()


def test_sigterm_during_a_pooled_recheck_leaves_no_process_behind(tmp_path):
    root = tmp_path / "pooled"
    root.mkdir()
    write(root / "pyproject.toml", "[project]\nname = 'pooled'\n")
    write(root / "model.py", MODEL.format(output="sigmoid"))
    for index in range(20):  # more than the runner's POOL_THRESHOLD importers
        write(root / f"train_{index:02d}.py", TRAIN)
    watch = Watch(root, "--jobs", "2", ".")
    try:
        assert "Checked 21 files." in watch.report()
        write(root / "model.py", MODEL.format(output="softmax"))  # 20 importers to lint again
        deadline = time.monotonic() + TIMEOUT
        while not watch.children() and watch.lines.empty() and time.monotonic() < deadline:
            time.sleep(0.005)
        assert watch.end(signal.SIGTERM) == 0
    finally:
        watch.stop()
    assert "Traceback" not in watch.errors()
    assert watch.leftovers() == []


@pytest.mark.parametrize("extra, message", [
    (["--fix"], "--watch cannot be combined with --fix"),
    (["--diff"], "--watch cannot be combined with --diff"),
    (["--add-noqa"], "--watch cannot be combined with --add-noqa"),
    (["--output-file", "report.txt"], "--watch cannot be combined with --output-file"),
    (["--show-files"], "--watch cannot be combined with --show-files"),
    (["-"], "--watch needs files or folders, not standard input"),
])
def test_watch_refuses_options_that_make_no_sense_in_a_loop(project, extra, message):
    completed = subprocess.run([sys.executable, "-m", "kerascheck", "--watch", *extra],
                               cwd=project, capture_output=True, text=True, timeout=TIMEOUT,
                               input="")
    assert completed.returncode == 2
    assert message in completed.stderr
    assert not (project / "report.txt").exists()


def test_watch_clears_the_screen_of_a_terminal_before_each_run(project):
    import pty

    leader, follower = pty.openpty()
    env = {**os.environ, "NO_COLOR": "1", "KERASCHECK_WATCH_INTERVAL": "0.05",
           "KERASCHECK_CACHE_DIR": str(project.parent / "cache-tty")}
    process = subprocess.Popen([sys.executable, "-m", "kerascheck", "--watch", "."],
                               cwd=project, env=env, stdout=follower, stderr=subprocess.DEVNULL)
    os.close(follower)
    seen, edited = b"", False
    try:
        deadline = time.monotonic() + TIMEOUT
        while seen.count(MARKER.encode()) < 2 and time.monotonic() < deadline:
            if seen.count(MARKER.encode()) == 1 and not edited:
                write(project / "model.py", MODEL.format(output="softmax"))
                edited = True
            if select.select([leader], [], [], 1.0)[0]:
                try:
                    seen += os.read(leader, 65536)
                except OSError:
                    break
        assert seen.count(MARKER.encode()) == 2, seen
        process.send_signal(signal.SIGINT)
        assert process.wait(TIMEOUT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(leader)
    runs = seen.split(b"\x1b[2J")
    assert len(runs) == 3 and runs[0] == b""  # cleared before each of the two runs
    assert b"All checks passed." in runs[1] and b"KC304" in runs[2]


def test_machine_readable_reports_keep_stdout_parseable(project):
    import json

    write(project / "model.py", MODEL.format(output="softmax"))
    watch = Watch(project, "--output-format", "json-lines", ".")
    try:
        deadline = time.monotonic() + TIMEOUT
        while MARKER not in "".join(watch.stderr) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert MARKER in "".join(watch.stderr)
        assert watch.end(signal.SIGINT) == 0
    finally:
        watch.stop()
    lines = []
    while (line := watch.lines.get(timeout=TIMEOUT)) != "":
        lines.append(line)
    assert [json.loads(line)["code"] for line in lines] == ["KC304"]
