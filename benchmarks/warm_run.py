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
- warm after editing one shared module (it and the 19 scripts importing it are linted again).

    python benchmarks/warm_run.py [--jobs 1] [--repeat 3] [--before DIR]

Both scripts measure kerascheck with its bytecode written, as an installation has it
(:func:`bench.compile_bytecode`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", default="1")
    parser.add_argument("--repeat", type=int, default=3)
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
        print(f"{SHARED + SCRIPTS} files, --jobs {options.jobs}, median of {options.repeat}")
        print(f"{'run':<50} {'wall s':>8} {'CPU s':>8} {'CPU vs cold':>12}")
        for label, wall, cpu in rows:
            print(f"{label:<50} {wall:8.2f} {cpu:8.2f} {100 * cpu / cold_cpu:11.1f}%")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
