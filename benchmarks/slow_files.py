"""The slow files of issue 14 (item 9), after the fix: how long the rules take as a model
grows (linear now), and what a run costs on each slow file with the per-file time limit. Run
from the repository root::

    python benchmarks/slow_files.py              # about 2 minutes on 2 CPUs
    python benchmarks/slow_files.py --limit 2    # a quick look

Times are wall seconds of one ``kerascheck --no-cache --jobs 1`` subprocess (the limit is wall
time) and its peak memory (``ru_maxrss`` of the children); the rules' share is CPU time
in-process.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def many_adds(count: int) -> str:
    return "import tensorflow as tf\nmodel = tf.keras.Sequential()\n" + "".join(
        f"model.add(tf.keras.layers.Dense({n + 1}))\n" for n in range(count)) + \
        "model.compile(loss='mse')\nmodel.fit(x, y)\n"


def big_dict(entries: int) -> str:
    return "import tensorflow as tf\nDATA = {" + ", ".join(
        f"'key{n}': [{n}, {n + 1}, 'v{n}']" for n in range(entries)) + "}\n"


def chained_adds(count: int) -> str:
    return "import tensorflow as tf\nmodel = tf.keras.Sequential()" + "".join(
        f".add(tf.keras.layers.Dense({n + 1}))" for n in range(count)) + "\n"


def rules_seconds(source: str) -> float:
    """CPU seconds of the rules alone (the analysis and the parse excluded)."""
    from kerascheck.analysis.interpreter import analyze
    from kerascheck.engine import parse
    from kerascheck.rules import all_rules

    facts = analyze(parse(source, "model.py"))
    started = time.process_time()
    for rule_class in all_rules():
        if rule_class.code != "KC000":
            list(rule_class().check_file(facts))
    return time.process_time() - started


def run_cli(folder: Path, name: str, limit: float) -> tuple[float, float, str]:
    (folder / "pyproject.toml").write_text(f"[tool.kerascheck]\ntime-limit = {limit}\n")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "kerascheck", "--no-cache", "--jobs", "1",
                           "--output-format", "concise", name], cwd=folder, capture_output=True,
                          text=True)
    wall = time.monotonic() - started
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    first = (done.stdout.splitlines() or ["(nothing)"])[0]
    return wall, peak, first.split(": ", 1)[-1][:70]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=float, default=10.0, help="time-limit for the runs")
    options = parser.parse_args()
    print("rules' CPU time by model size (model.add calls):")
    for count in (1000, 2000, 4000, 8000):
        print(f"  {count:>5} layers: {rules_seconds(many_adds(count)):.2f} s")
    files = {"8,000 model.add calls": many_adds(8000),
             "dict literal, 1.9 MB": big_dict(50000),
             "400 chained .add() calls": chained_adds(400)}
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        print(f"\none file per run, time-limit = {options.limit:g} s:")
        print("| file | size | wall s | peak MB (children so far) | reported |")
        print("| --- | ---: | ---: | ---: | --- |")
        for label, source in files.items():
            (folder / "slow.py").write_text(source)
            wall, peak, first = run_cli(folder, "slow.py", options.limit)
            print(f"| {label} | {len(source) / 1e3:,.0f} KB | {wall:.1f} | {peak:,.0f} | "
                  f"{first} |")


if __name__ == "__main__":
    main()
