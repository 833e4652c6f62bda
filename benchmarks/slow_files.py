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


def stuck_chain(count: int = 1000) -> str:
    """Chained calls that hold LibCST's native parser (quadratic): 1,000 of them, 32 kB, about
    26 s in there; CPython accepts up to about 1,500."""
    return chained_adds(count)


def cpu(function) -> float:
    started = time.process_time()
    function()
    return time.process_time() - started


def quick_refusals() -> list[tuple[str, float]]:
    """What tests/test_robustness.py and tests/test_config.py assert by counting (no parse,
    one CPython parse, one scan, RE2), timed here: CPU seconds."""
    from kerascheck.engine import lint_source
    from kerascheck.settings.globs import matches_glob
    from kerascheck.source.parsing import looks_deep

    line = "x = tf.keras.layers.Dense(10, activation='relu')\n"
    big = "import tensorflow as tf\n" + line * (10_000_000 // len(line))
    plain = b"x = 1\n" * (10_000_000 // 6)
    parens = "import tensorflow\nx = " + "(" * 3000 + "1" + ")" * 3000 + "\n"
    lambdas = "import tensorflow\nf = " + "lambda: " * 10000 + "1\n"
    long_lines = (b"x" * 19_990 + b"f(a[1])\n") * 200
    return [
        ("10 MB file mentioning Keras (refused: too large)", cpu(lambda: lint_source(big, "b.py"))),
        ("10 MB file without Keras (not parsed)", cpu(lambda: lint_source(plain, "b.py"))),
        ("3,000 nested parentheses (CPython refuses)", cpu(lambda: lint_source(parens, "d.py"))),
        ("10,000 nested lambdas (CPython refuses)", cpu(lambda: lint_source(lambdas, "d.py"))),
        ("screening 200 lines of 20 kB", cpu(lambda: looks_deep(long_lines))),
        ("a glob of 40 stars against 40 characters",
         cpu(lambda: matches_glob("a" * 40, "*a" * 40 + "b"))),
    ]


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


def run_cli(folder: Path, name: str, limit: float,
            jobs: str = "1") -> tuple[float, float, str]:
    (folder / "pyproject.toml").write_text(f"[tool.kerascheck]\ntime-limit = {limit}\n")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "kerascheck", "--no-cache", "--jobs", jobs,
                           "--output-format", "concise", name], cwd=folder, capture_output=True,
                          text=True)
    wall = time.monotonic() - started
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    first = next((line for line in done.stdout.splitlines() if "slow.py" in line),
                 f"(exit {done.returncode})")
    return wall, peak, first.split(": ", 1)[-1][:70]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=float, default=10.0, help="time-limit for the runs")
    options = parser.parse_args()
    print("refused or screened at once (CPU s):")
    for label, seconds in quick_refusals():
        print(f"  {label:<50} {seconds:.3f}")
    print("\nrules' CPU time by model size (model.add calls):")
    for count in (1000, 2000, 4000, 8000):
        print(f"  {count:>5} layers: {rules_seconds(many_adds(count)):.2f} s")
    files = {"8,000 model.add calls": many_adds(8000),
             "dict literal, 1.9 MB": big_dict(50000),
             "400 chained .add() calls": chained_adds(400),
             "1,000 chained .add() calls (native parser)": stuck_chain()}
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
        # In a pool (20 more files): the worker's watchdog, then a process of its own.
        for index in range(20):
            (folder / f"small_{index:02}.py").write_text(many_adds(3))
        for label, source in (("dict literal, 1.9 MB", big_dict(50000)),
                              ("1,000 chained .add() calls", stuck_chain())):
            (folder / "slow.py").write_text(source)
            wall, peak, first = run_cli(folder, ".", options.limit, jobs="2")
            print(f"| {label}, with 20 small files, --jobs 2 | {len(source) / 1e3:,.0f} KB | "
                  f"{wall:.1f} | {peak:,.0f} | {first} |")


if __name__ == "__main__":
    main()
