"""A warm run after one edit, against the cold run, on a 200-file project whose scripts import
shared project modules (issue 16: "a warm run after editing one file of a 200-file project
costs under 5 % of the cold run").

The project: 10 shared modules (``shared_K.py``: a model builder and a data helper) and 190
tutorial-style scripts from :mod:`corpus` (200 to 400 lines each), each importing one shared
module and training its model. Measured with the real command line (CPU of the process and
its children, wall time), cache in the project's ``.kerascheck_cache``:

- cold: an empty cache;
- warm, nothing changed;
- warm after editing one script (only it is linted again);
- warm after editing one shared module (it and the 19 scripts importing it are linted again);
- ``kerascheck --watch`` (one resident process): its first run on an empty cache, then the
  re-check after editing one script and after editing one shared module, ``--edits`` times
  each (medians). The CPU of a re-check is the growth of the process's utime + stime, with
  its reaped children's (the pool's workers: cutime + cstime) and any live descendant's, read
  from ``/proc/<pid>/stat`` just before the edit and just after its report came (clock ticks:
  10 ms steps); the poll's wait (0.5 s at most, the default interval) is in the wall time,
  its CPU (0.4 ms a poll here) in the CPU.

    python benchmarks/warm_run.py [--jobs 1] [--repeat 3] [--edits 5] [--before DIR]

Both scripts measure kerascheck with its bytecode written, as an installation has it
(:func:`bench.compile_bytecode`).
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import child_run, compile_bytecode, median_run
from corpus import script

SHARED = 10
SCRIPTS = 190

SHARED_MODULE = '''\
"""Shared pieces of the project: a model builder and a data helper."""

from tensorflow import keras
from tensorflow.keras import layers

NUM_CLASSES_{k} = 10


def build_model_{k}(hidden=64):
    model = keras.Sequential([
        keras.Input(shape=(784,)),
        layers.Dense(hidden, activation="relu"),
        layers.Dense(NUM_CLASSES_{k}, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def load_data_{k}():
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    return (x_train.reshape(-1, 784) / 255.0, y_train), (x_test.reshape(-1, 784) / 255.0, y_test)
'''

USE = '''

from shared_{k} import build_model_{k}, load_data_{k}

(shared_x, shared_y), (shared_x_test, shared_y_test) = load_data_{k}()
shared_model = build_model_{k}()
shared_model.fit(shared_x, shared_y, validation_split=0.1, epochs=1)
'''


def write_project(root: Path) -> list[Path]:
    (root / "pyproject.toml").write_text("[project]\nname = 'warm'\n")
    for k in range(SHARED):
        (root / f"shared_{k}.py").write_text(SHARED_MODULE.format(k=k))
    scripts = []
    for index in range(SCRIPTS):
        path = root / f"script_{index:03d}.py"
        path.write_text(script(index, buggy=index % 2 == 0) + USE.format(k=index % SHARED))
        scripts.append(path)
    return scripts


WATCHING = "Watching for file changes."
TIMEOUT = 600.0


def process_cpu(pid: int) -> float:
    """CPU seconds of ``pid`` and its reaped children, plus its live descendants'."""
    tick = os.sysconf("SC_CLK_TCK")

    def ticks(process: int) -> int:
        text = Path(f"/proc/{process}/stat").read_text()
        fields = text[text.rindex(")") + 2:].split()  # fields 3 onwards: state first
        return sum(int(value) for value in fields[11:15])  # utime stime cutime cstime

    total, pending = 0, [pid]
    while pending:
        process = pending.pop()
        try:
            total += ticks(process)
            for task in Path(f"/proc/{process}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue  # (a descendant that ended meanwhile)
    return total / tick


class WatchProcess:
    """``kerascheck --watch`` in ``root``; :meth:`report` waits for its next report."""

    def __init__(self, command: list[str], root: Path, env: dict):
        self.process = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put("")

    def report(self) -> None:
        while True:
            line = self.lines.get(timeout=TIMEOUT)
            if not line:
                raise RuntimeError("kerascheck --watch ended")
            if WATCHING in line:
                return

    def cpu(self) -> float:
        return process_cpu(self.process.pid)

    def end(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(TIMEOUT)


def watch_rows(root: Path, scripts: list[Path], env: dict, jobs: str, edits: int) -> list:
    """(label, median wall s, median CPU s) of a watch's first run and of its re-checks."""
    shutil.rmtree(root / ".kerascheck_cache", ignore_errors=True)
    command = [sys.executable, "-m", "kerascheck", "--watch", "--jobs", jobs, "--exit-zero",
               "."]
    started = time.perf_counter()
    watcher = WatchProcess(command, root, env)
    try:
        watcher.report()
        rows = [("watch: first run (empty cache)", time.perf_counter() - started,
                 watcher.cpu())]
        kinds = [("watch: one script edited, re-check", scripts[20:20 + edits]),
                 ("watch: one shared module edited (+19), re-check",
                  [root / f"shared_{k % SHARED}.py" for k in range(edits)])]
        for label, paths in kinds:
            runs = []
            for attempt, path in enumerate(paths):
                time.sleep(1.0)  # (idle: the last report's writes settled)
                before, clock = watcher.cpu(), time.perf_counter()
                with open(path, "a", encoding="utf-8") as handle:
                    handle.write(f"\n# watched edit {attempt}\n")
                watcher.report()
                runs.append((time.perf_counter() - clock, watcher.cpu() - before))
            walls, cpus = sorted(run[0] for run in runs), sorted(run[1] for run in runs)
            rows.append((label, walls[len(walls) // 2], cpus[len(cpus) // 2]))
            print(f"  {label}: CPU s of each edit {', '.join(f'{c:.2f}' for c in cpus)}",
                  file=sys.stderr)
    finally:
        status = watcher.end()
    if status != 0:
        raise RuntimeError(f"kerascheck --watch exited {status} on SIGINT")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", default="1")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--edits", type=int, default=5,
                        help="edits of each kind in the --watch run (0: no watch run)")
    parser.add_argument("--before", metavar="DIR",
                        help="measure the kerascheck package in DIR instead (git archive COMMIT "
                             "kerascheck | tar -x -C DIR)")
    options = parser.parse_args()
    compile_bytecode(options.before)
    root = Path(tempfile.mkdtemp(prefix="kerascheck-warm-"))
    try:
        scripts = write_project(root)
        env = {**os.environ, "NO_COLOR": "1"}
        env.pop("KERASCHECK_CACHE_DIR", None)
        if options.before:
            env["PYTHONPATH"] = os.path.abspath(options.before)
        command = [sys.executable, "-m", "kerascheck", "--jobs", options.jobs, "--exit-zero",
                   "."]
        cold = []
        for _ in range(options.repeat):
            shutil.rmtree(root / ".kerascheck_cache", ignore_errors=True)
            cold.append(child_run(command, cwd=root, env=env)[:2])
        cold_wall, cold_cpu = sorted(cold)[len(cold) // 2]
        rows = [("cold (empty cache)", cold_wall, cold_cpu)]
        rows.append(("warm, nothing changed", *median_run(command, options.repeat, cwd=root,
                                                          env=env)))
        edits = [("warm, one script edited", scripts[7]),
                 ("warm, one shared module edited (+19 importers)", root / "shared_3.py")]
        for label, path in edits:
            runs = []
            for attempt in range(options.repeat):
                with open(path, "a", encoding="utf-8") as handle:
                    handle.write(f"\n# edit {attempt}\n")
                runs.append(child_run(command, cwd=root, env=env)[:2])
            wall, cpu = sorted(runs)[len(runs) // 2]
            rows.append((label, wall, cpu))
        watchable = (Path(options.before or HERE.parent) / "kerascheck" / "workspace" /
                     "watch.py").exists()
        if options.edits and watchable:
            rows.extend(watch_rows(root, scripts, env, options.jobs, options.edits))
        print(time.strftime("%Y-%m-%d %H:%M:%S %Z"), "load average %.2f %.2f %.2f" %
              os.getloadavg())
        print(f"{SHARED + SCRIPTS} files, --jobs {options.jobs}, median of {options.repeat} "
              f"(watch: of {options.edits} edits)")
        print(f"{'run':<50} {'wall s':>8} {'CPU s':>8} {'CPU vs cold':>12}")
        for label, wall, cpu in rows:
            print(f"{label:<50} {wall:8.2f} {cpu:8.2f} {100 * cpu / cold_cpu:11.1f}%")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
