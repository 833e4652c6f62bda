"""Signals and a closed stdin, in real processes (issue 14, items 1 and 11): workers never
outlive kerascheck, SIGTERM and Ctrl-C stop a run with one line, and nothing hangs."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc to find the worker processes")

# A file that takes a noticeable moment to lint, so the pool is busy when the signal comes.
SLOW_ENOUGH = "import tensorflow as tf\nmodel = tf.keras.Sequential()\n" + "".join(
    f"model.add(tf.keras.layers.Dense({n + 1}))\n" for n in range(150)) + \
    "model.compile(loss='mse')\nmodel.fit(x, y)\n"
WAIT_SECONDS = 30  # bound on every wait below


def tree(root: Path, count: int = 400) -> Path:
    project = root / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.kerascheck]\n")
    for index in range(count):
        (project / f"model_{index:03}.py").write_text(SLOW_ENOUGH)
    return project


# A terminal's foreground job starts with Ctrl-C's default action; a test run started in the
# background of a shell without job control (`pytest &` in a script, nohup) ignores SIGINT, and
# its children inherit that, so Python never installs its KeyboardInterrupt handler and the
# run rightly goes on. The program is started as a terminal would start it: the disposition is
# reset, then the interpreter is exec'd (same process, what it ignores is kept over exec).
AS_A_TERMINAL_STARTS_IT = ("import os, signal, sys\n"
                           "signal.signal(signal.SIGINT, signal.SIG_DFL)\n"
                           "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])\n")


def start(project: Path, **popen) -> subprocess.Popen:
    # (faulthandler: a run that hangs is made to print its threads' stacks, see `finish`)
    return subprocess.Popen([sys.executable, "-c", AS_A_TERMINAL_STARTS_IT, "-X", "faulthandler",
                             "-m", "kerascheck", "--no-cache", "--jobs", "2", "."], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


def finish(process: subprocess.Popen) -> bytes:
    """``process``'s stderr once it has ended; if it has not within the bound, what it and
    its threads were doing (their kernel wait channels, the Python stacks faulthandler prints
    on SIGABRT, which processes still hold its pipes) as the test's failure."""
    try:
        return process.communicate(timeout=WAIT_SECONDS)[1]
    except subprocess.TimeoutExpired:
        report = [f"pid {process.pid} still running {WAIT_SECONDS} s after the signal:"]
        report += threads_of(process.pid)
        report.append(f"its pipes are held by {holders(process)}")
        process.send_signal(signal.SIGABRT)
        try:
            out, err = process.communicate(timeout=WAIT_SECONDS)
            report.append(err.decode(errors="replace")[-6000:])
        except subprocess.TimeoutExpired:
            report.append("(no stacks: SIGABRT did not end it)")
        raise AssertionError("\n".join(report)) from None


def threads_of(pid: int) -> list[str]:
    found = []
    for tid in sorted(os.listdir(f"/proc/{pid}/task")):
        base = Path(f"/proc/{pid}/task/{tid}")
        try:
            found.append(f"  thread {tid} {base.joinpath('comm').read_text().strip()} "
                         f"state {base.joinpath('stat').read_text().rsplit(')', 1)[1].split()[0]}"
                         f" wchan {base.joinpath('wchan').read_text()} "
                         f"{sig_masks(base)}")
        except OSError as error:
            found.append(f"  thread {tid}: {error}")
    return found


def sig_masks(base: Path) -> str:
    lines = base.joinpath("status").read_text().splitlines()
    return " ".join(line.replace("\t", " ") for line in lines
                    if line.startswith(("SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt")))


def holders(process: subprocess.Popen) -> list[str]:
    pipes = {os.readlink(f"/proc/self/fd/{stream.fileno()}")
             for stream in (process.stdout, process.stderr)}
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            links = {os.readlink(f"/proc/{entry}/fd/{fd}") for fd in os.listdir(f"/proc/{entry}/fd")}
            command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if links & pipes:
            found.append(f"{entry} {command[:120].decode(errors='replace')}")
    return found


def children(pid: int) -> list[int]:
    """The live kerascheck processes whose parent is ``pid`` (not git, not zombies)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z" and b"kerascheck" in cmdline:
            found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for_workers(process: subprocess.Popen) -> list[int]:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        workers = children(process.pid)
        if len(workers) >= 2:
            return workers
        assert process.poll() is None, "the run ended before its pool started"
        time.sleep(0.02)
    raise AssertionError("no pool workers appeared")


def assert_gone(pids: list[int]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while any(alive(pid) for pid in pids):
        assert time.monotonic() < deadline, f"workers outlived kerascheck: {pids}"
        time.sleep(0.05)


def end(process: subprocess.Popen, workers: list[int]) -> None:
    """Whatever the outcome, leave no process of the test behind."""
    for pid in workers:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    process.kill()


def test_sigkill_leaves_no_worker_and_stdout_reaches_eof(tmp_path):
    process = start(tree(tmp_path))
    workers = []
    try:
        workers = wait_for_workers(process)
        process.kill()
        process.wait(timeout=WAIT_SECONDS)
        assert_gone(workers)
        # Every writer of the pipe is gone: a reader sees EOF (before the fix it never did).
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            ready, _, _ = select.select([process.stdout], [], [], 1.0)
            if ready and not os.read(process.stdout.fileno(), 65536):
                break
            assert time.monotonic() < deadline, "stdout never reached EOF"
    finally:
        end(process, workers)  # before the fix the workers lived on
        process.communicate(timeout=WAIT_SECONDS)


def test_sigterm_stops_the_run_cleanly(tmp_path):
    process = start(tree(tmp_path))
    workers = wait_for_workers(process)
    process.send_signal(signal.SIGTERM)
    try:
        err = finish(process)
    finally:
        end(process, workers)
    assert process.returncode == 128 + signal.SIGTERM
    assert err.decode() == "kerascheck: terminated\n"
    assert_gone(workers)


def test_ctrl_c_exits_130_with_one_line(tmp_path):
    # A terminal's Ctrl-C signals the whole process group: the workers too.
    process = start(tree(tmp_path), start_new_session=True)
    workers = wait_for_workers(process)
    os.killpg(process.pid, signal.SIGINT)
    try:
        err = finish(process)
    finally:
        end(process, workers)
    assert process.returncode == 130
    assert err.decode() == "kerascheck: interrupted\n"
    assert_gone(workers)


def test_closed_stdin_is_an_error_not_a_traceback(tmp_path):
    result = subprocess.run(["/bin/sh", "-c", f'"{sys.executable}" -m kerascheck - <&-'],
                            capture_output=True, text=True, timeout=WAIT_SECONDS, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "kerascheck: error: cannot read standard input: it is closed\n"


def test_an_interrupted_program_that_cannot_exit_is_ended_with_its_code():
    # a thread the interpreter's exit would join for a minute (as a stuck pool thread would):
    # end_soon ends the program with the interrupt's code once its grace is over
    script = ("import sys, threading, time\n"
              "sys.argv[0] = 'kerascheck'\n"
              "from kerascheck.workspace.pool import end_soon\n"
              "threading.Thread(target=time.sleep, args=(60,)).start()\n"
              "print('kerascheck: interrupted', file=sys.stderr)\n"
              "raise SystemExit(end_soon(130, seconds=0.5))\n")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=WAIT_SECONDS)
    assert result.returncode == 130 and time.monotonic() - started < 20
    assert result.stderr == "kerascheck: interrupted\n"
    # in a process that is not the kerascheck program (a library caller), nothing is armed
    library = script.replace("sys.argv[0] = 'kerascheck'\n", "").replace(
        "args=(60,)", "args=(1,)").replace("raise SystemExit(end_soon(130, seconds=0.5))",
                                           "end_soon(130, seconds=0.5)\nraise SystemExit(0)")
    assert subprocess.run([sys.executable, "-c", library], capture_output=True,
                          timeout=WAIT_SECONDS).returncode == 0
