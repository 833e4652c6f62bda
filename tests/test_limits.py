"""Per-file limits (issue 14, item 9): the rules are linear in the number of layers, and a file
that takes longer than the configured ``time-limit`` is KC000 "not checked", in-process and in
a pool worker, while every other file is still checked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kerascheck.facts import LayerFact, ModelFact
from kerascheck.settings.config import ConfigError, config_from_table

MANY_ADDS = "import tensorflow as tf\nmodel = tf.keras.Sequential()\n" + "".join(
    f"model.add(tf.keras.layers.Dense({n + 1}))\n" for n in range(8000)) + \
    "model.compile(loss='mse')\nmodel.fit(x, y)\n"  # 41 s in the rules before, 17 s in all now
CHAINED_ADDS = "import tensorflow as tf\nmodel = tf.keras.Sequential()" + "".join(
    f".add(tf.keras.layers.Dense({n + 1}))" for n in range(400)) + "\n"  # 11 s in the parse
SMALL = ("import tensorflow as tf\nm = tf.keras.Sequential([tf.keras.Input(shape=(2,)), "
         "tf.keras.layers.Dense(10), tf.keras.layers.Dense(1, activation='sigmoid')])\n")  # KC201


def run(project: Path, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "kerascheck", "--no-cache", "--output-format",
                             "json", *args], cwd=project, capture_output=True, text=True,
                            timeout=120)
    return result, time.monotonic() - started


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_slow_file_is_kc000_and_the_others_are_checked(jobs, tmp_path):
    # 3 s: far above a small file's lint on a loaded machine, far below slow.py's
    (tmp_path / "pyproject.toml").write_text("[tool.kerascheck]\ntime-limit = 3\n")
    (tmp_path / "slow.py").write_text(MANY_ADDS)
    for index in range(20):  # enough for a pool with --jobs 2
        (tmp_path / f"small_{index:02}.py").write_text(SMALL)
    # (how long the run takes is measured by benchmarks/slow_files.py, not here: a loaded
    # machine must not fail a test)
    result, _elapsed = run(tmp_path, "--jobs", jobs, ".")
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)
    slow = [f for f in findings if f["path"].endswith("slow.py")]
    assert [(f["code"], f["message"].split(" (")[0]) for f in slow] == [
        ("KC000", "not checked: took longer than 3 s")]
    small = sorted(f["path"] for f in findings if f["code"] == "KC201")
    assert small == [f"small_{i:02}.py" for i in range(20)]


def test_the_limit_reaches_into_the_parser(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.kerascheck]\ntime-limit = 0.5\n")
    (tmp_path / "chain.py").write_text(CHAINED_ADDS)
    result, _elapsed = run(tmp_path, "chain.py")
    assert [f["message"].split(" (")[0] for f in json.loads(result.stdout)] == [
        "not checked: took longer than 0.5 s"]


# 1,000 chained calls in 32 kB: LibCST's native (Rust) parser holds the interpreter for about
# 26 s on them (quadratic; CPython accepts up to about 1,500), and no Python-level timer can
# interrupt it. Before the fix, --jobs 1 aborted at exit (134, a thread still in the parser),
# a worker held its chunk for the whole parse, and --fix had no time limit at all.
STUCK = "import tensorflow as tf\nmodel = tf.keras.Sequential()" + "".join(
    f".add(tf.keras.layers.Dense({n + 1}))" for n in range(1000)) + "\n"


def processes_in(folder: Path) -> list[int]:
    """The live processes working in ``folder`` (kerascheck's workers inherit its cwd)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and Path(os.readlink(entry / "cwd")) == folder and \
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("tool", [[], ["--fix"]], ids=["check", "fix"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_stuck_in_the_native_parser_is_stopped(jobs, tool, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.kerascheck]\ntime-limit = 0.5\n")
    (tmp_path / "stuck.py").write_text(STUCK)
    for index in range(20):  # enough for a pool with --jobs 2, for linting and for --fix
        (tmp_path / f"small_{index:02}.py").write_text(SMALL)
    result, _elapsed = run(tmp_path, "--jobs", jobs, *tool, ".")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    findings = json.loads(result.stdout)
    assert [(f["code"], f["message"].split(" (")[0]) for f in findings
            if f["path"] == "stuck.py"] == [("KC000", "not checked: took longer than 0.5 s")]
    assert sorted(f["path"] for f in findings if f["code"] == "KC201") == [
        f"small_{i:02}.py" for i in range(20)]
    assert (tmp_path / "stuck.py").read_text() == STUCK
    assert processes_in(tmp_path) == []


@pytest.mark.parametrize("value", ["1", -1, True, [1]])
def test_time_limit_must_be_seconds(value):
    with pytest.raises(ConfigError, match="'time-limit' must be a number of seconds"):
        config_from_table({"time-limit": value})
    assert config_from_table({"time-limit": 0}).time_limit == 0


class _CountedEdges(list):
    """An edge list that counts how often it is walked."""

    walks = 0

    def __iter__(self):
        type(self).walks += 1
        return super().__iter__()


def test_graph_helpers_are_linear_in_the_layers():
    # Before: each helper scanned every layer and every edge: 8,000 layers took 41 s. Now the
    # model indexes its graph once, so asking about every layer walks the edges once, not once
    # per question (counted, not timed: a loaded machine cannot make this test fail).
    count = 20000
    layers = [LayerFact(kind="Dense") for _ in range(count)]
    edges = _CountedEdges((i, i + 1) for i in range(count - 1))
    model = ModelFact("sequential", layers=layers, edges=edges, outputs=[count - 1])
    _CountedEdges.walks = 0
    for index, layer in enumerate(layers):
        assert model.is_output(layer) is (index == count - 1)
        assert len(model.successors(layer)) == (index < count - 1)
        assert len(model.predecessors(layer)) == (index > 0)
    assert _CountedEdges.walks <= 2
    last, added = layers[-1], LayerFact(kind="Dense")
    model.layers.append(added)  # a changed model is indexed again
    model.edges.append((count - 1, count))
    assert model.successors(last)[0] is added and not model.is_output(added)


BIG_DICT = "import tensorflow as tf\nDATA = {" + ", ".join(
    f"'key{n}': [{n}, {n + 1}, 'v{n}']" for n in range(25000)) + "}\n"  # 0.9 MB, ~700 MB parsed


def test_the_memory_guard_costs_one_file_not_the_machine(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.kerascheck]\nmemory-limit = 300\n")
    (tmp_path / "big.py").write_text(BIG_DICT)
    for index in range(20):
        (tmp_path / f"small_{index:02}.py").write_text(SMALL)
    result, _elapsed = run(tmp_path, "--jobs", "2", ".")
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)
    # LibCST's native parser aborts its process when an allocation fails; Python's own code
    # raises MemoryError: either way the file is KC000 and the rest of the run goes on.
    [big] = [f for f in findings if f["path"] == "big.py"]
    assert big["code"] == "KC000" and "memory" in big["message"]
    assert "Traceback" not in result.stderr
    assert sorted(f["path"] for f in findings if f["code"] == "KC201") == [
        f"small_{i:02}.py" for i in range(20)]


@pytest.mark.parametrize("value", ["1", -1, True, 1.5])
def test_memory_limit_must_be_megabytes(value):
    with pytest.raises(ConfigError, match="'memory-limit' must be a whole number"):
        config_from_table({"memory-limit": value})


def test_fix_pools_have_the_same_memory_guard(tmp_path):
    # Before: --fix's pool had no memory guard; a file fixed there could take the machine's
    # memory. Now every pool is made by kerascheck.workspace.pool.new_executor.
    from kerascheck.fixing.fixer import POOL_THRESHOLD, fix_files

    (tmp_path / "big.py").write_text(BIG_DICT)
    small = []
    for index in range(POOL_THRESHOLD):
        small.append(tmp_path / f"small_{index:02}.py")
        small[-1].write_text(SMALL)
    config = config_from_table({"memory-limit": 300, "time-limit": 0})
    paths = [str(tmp_path / "big.py"), *map(str, small)]
    results = list(fix_files(paths, config, unsafe=True, jobs=2))
    assert [result.path for result in results] == paths
    [big] = results[0].diagnostics
    assert big.code == "KC000" and "memory" in big.message
    assert all(result.fixed == 1 for result in results[1:])
    assert all("activation='relu'" in path.read_text() or 'activation="relu"' in
               path.read_text() for path in small)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_worker_that_stops_answering_is_not_waited_for_forever(tmp_path):
    # Before: the runner waited for a chunk's answer without a bound, so a worker stuck where
    # no file's time limit reaches (here: stopped by SIGSTOP) hung the run for good. Now the
    # pool is stopped once a chunk is overdue and its files are linted each in its own process.
    import signal

    # (A file takes 0.05 s: the limit leaves room for a loaded machine. Before, at 0.5 s with
    # 0.1 s files, the isolated processes' imports counted in their files' deadlines and
    # every file came back KC000 "took longer" under load.)
    (tmp_path / "pyproject.toml").write_text("[tool.kerascheck]\ntime-limit = 1\n")
    padding = "".join(f"value_{n} = [{n}, {n} + 1, ({n}, {n})]\n" for n in range(150))
    for index in range(24):  # three chunks: a pool of two workers, each with work in hand
        (tmp_path / f"small_{index:02}.py").write_text(SMALL + padding)
    run = subprocess.Popen([sys.executable, "-m", "kerascheck", "--no-cache", "--output-format",
                            "json", "--jobs", "2", "."], cwd=tmp_path, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    stopped: list[int] = []
    deadline = time.monotonic() + 30
    while not stopped and time.monotonic() < deadline and run.poll() is None:
        for pid in processes_in(tmp_path):
            if pid != run.pid:
                os.kill(pid, signal.SIGSTOP)
                stopped.append(pid)
        time.sleep(0.005)
    assert stopped, "no worker was seen"
    out, err = run.communicate(timeout=120)
    assert run.returncode == 1 and "Traceback" not in err, err
    assert sorted(f["path"] for f in json.loads(out) if f["code"] == "KC201") == [
        f"small_{i:02}.py" for i in range(24)]
    assert processes_in(tmp_path) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_pool_started_after_tensorflow_does_not_fork_its_native_threads(tmp_path):
    # Before: a process that had imported TensorFlow (a pytest run with runtime checks) still
    # forked its workers, since Python listed one thread; they inherited TensorFlow's thread
    # pools' locks held and waited on a futex forever. Native threads now choose spawn.
    for index in range(20):
        (tmp_path / f"small_{index:02}.py").write_text(SMALL)
    script = ("import sys, tensorflow\n"
              "from kerascheck.workspace.pool import process_context\n"
              "from kerascheck.cli import main\n"
              "print(process_context().get_start_method())\n"
              "sys.exit(main(['--no-cache', '--output-format', 'concise', '--jobs', '2', '.']))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300)
    assert result.stdout.splitlines()[0] == "spawn"
    assert result.returncode == 1 and result.stdout.count("KC201") == 20, result.stderr
