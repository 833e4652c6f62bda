"""kerascheck's speed: startup, throughput against LibCST's parse, irrelevant files, the process
pool and the result cache. Run from the repository root::

    python benchmarks/bench.py                 # 200-file corpora, 1,000 files for the cache
    python benchmarks/bench.py --files 60 --tree 300 --repeat 1   # a quick look
    python benchmarks/bench.py --cold DIR [--cold DIR2 ...] [--pairs 5] [--jobs N] [--before PKG]

``--cold`` is issue 16's bar: a cold ``kerascheck`` run (default settings, an empty cache) on a
folder against LibCST's bare parse of the same files, each a fresh process, CPU seconds of the
process and its children, in pairs run side by side (parse, then kerascheck, then the next
pair), the median of the pairs' ratios reported.

Everything it lints is generated into a temporary folder (see ``benchmarks/corpus.py``) and
removed afterwards. Times are CPU seconds (user + system, this process or its children), best
of ``--repeat`` runs, so other load on the machine disturbs them little; wall-clock seconds are
shown where parallelism is the point. Targets (issue 8): kerascheck within 1.3x of the parse on
clean files, within 2x when half the files have findings; a warm cache run a small fraction of
the cold one.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import write_corpus  # noqa: E402


def cpu_seconds(function) -> float:
    started = time.process_time()
    function()
    return time.process_time() - started


def best(repeat: int, function) -> float:
    return min(cpu_seconds(function) for _ in range(repeat))


def read_all(paths):
    for path in paths:
        with open(path, "rb") as handle:
            handle.read()


def parse_all(paths):
    import libcst

    for path in paths:
        with open(path, "rb") as handle:
            libcst.parse_module(handle.read())


def parse_all_without_gc(paths):
    """The parse as kerascheck runs it: the cyclic collector paused (kerascheck/parsing.py)."""
    import gc

    gc.disable()
    try:
        parse_all(paths)
    finally:
        gc.enable()


def lint_all(paths):
    from kerascheck.settings.config import Config
    from kerascheck.engine import lint_file

    config = Config()
    return [lint_file(path, config) for path in paths]


def compile_bytecode(package_parent: str | None = None) -> None:
    """Write the bytecode of the ``kerascheck`` package measured (this checkout's, or the one in
    ``package_parent``) as ``pip install`` does: a checkout run under PYTHONDONTWRITEBYTECODE
    (these sessions set it) compiles its ~90 modules again in every process, 70 to 80 ms of a
    warm run that a user's installation never pays."""
    import compileall

    folder = Path(package_parent) / "kerascheck" if package_parent else HERE.parent / "kerascheck"
    compileall.compile_dir(str(folder), quiet=1)


def child_run(command: list[str], cwd=None, env=None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the process and its children, exit code)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def median_run(command, repeat, **kwargs) -> tuple[float, float]:
    runs = sorted(child_run(command, **kwargs)[:2] for _ in range(repeat))
    return runs[len(runs) // 2]


PARSE_ALL = """
import os, sys, libcst
for top, dirs, names in os.walk(sys.argv[1]):
    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
    for name in sorted(names):
        if name.endswith(".py"):
            with open(os.path.join(top, name), "rb") as handle:
                source = handle.read()
            try:
                libcst.parse_module(source)
            except Exception:
                pass
"""


def cold_lint(folder: str, jobs: int | None, pythonpath: str | None = None):
    """One cold ``kerascheck`` run on ``folder`` (a fresh, empty cache directory)."""
    cache = tempfile.mkdtemp(prefix="kerascheck-cold-")
    env = dict(os.environ, KERASCHECK_CACHE_DIR=cache)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    command = [sys.executable, "-m", "kerascheck", "--output-format", "concise", "--exit-zero"]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    try:
        return child_run(command + ["."], cwd=folder, env=env)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def cold_pairs(folder: str, pairs: int, jobs: int | None = None,
               before: str | None = None) -> dict:
    """Paired cold runs on ``folder``: (parse CPU, kerascheck CPU) per pair, and the median
    ratio. With ``before`` (a folder holding another ``kerascheck`` package, e.g. from
    ``git archive COMMIT kerascheck | tar -x -C DIR``), that version runs in each pair too."""
    runs = []
    compile_bytecode()
    if before:
        compile_bytecode(before)
    for _ in range(pairs):
        parse = child_run([sys.executable, "-c", PARSE_ALL, folder])
        run = {"parse_cpu": round(parse[1], 3)}
        if before:
            run["before_cpu"] = round(cold_lint(folder, jobs, before)[1], 3)
            run["before_ratio"] = round(run["before_cpu"] / parse[1], 3)
        lint = cold_lint(folder, jobs)
        run.update(kerascheck_cpu=round(lint[1], 3), kerascheck_wall=round(lint[0], 3),
                   ratio=round(lint[1] / parse[1], 3))
        runs.append(run)
    ratios = sorted(run["ratio"] for run in runs)
    result = {"pairs": runs, "median_ratio": ratios[len(ratios) // 2],
              "min_ratio": ratios[0], "max_ratio": ratios[-1]}
    if before:
        result["before_median_ratio"] = sorted(r["before_ratio"] for r in runs)[len(runs) // 2]
    return result


def irrelevant_files(limit: int) -> list[str]:
    """Standard-library modules that mention neither Keras nor TensorFlow."""
    from kerascheck.engine import is_relevant

    found = []
    for path in sorted(Path(sysconfig.get_paths()["stdlib"]).rglob("*.py")):
        try:
            if not is_relevant(path.read_bytes()):
                found.append(str(path))
        except OSError:
            continue
        if len(found) >= limit:
            break
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200, help="files per throughput corpus")
    parser.add_argument("--tree", type=int, default=1000, help="files for the cache and pool runs")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    parser.add_argument("--json", metavar="FILE", help="also write the numbers as JSON")
    parser.add_argument("--cold", metavar="DIR", action="append",
                        help="only the paired cold runs on DIR (repeatable)")
    parser.add_argument("--pairs", type=int, default=5, help="paired runs for --cold")
    parser.add_argument("--jobs", type=int, help="--jobs for kerascheck in --cold runs")
    parser.add_argument("--before", metavar="DIR",
                        help="--cold: also run the kerascheck package in DIR in each pair")
    options = parser.parse_args()
    if options.cold:
        report = {}
        for folder in options.cold:
            files = sum(1 for _ in Path(folder).rglob("*.py"))
            result = cold_pairs(os.path.abspath(folder), options.pairs, options.jobs,
                                options.before)
            report[folder] = result
            if options.before:
                print(f"{folder}: before, median ratio {result['before_median_ratio']:.2f}")
            print(f"{folder} ({files} files): median ratio {result['median_ratio']:.2f} "
                  f"(min {result['min_ratio']:.2f}, max {result['max_ratio']:.2f}); pairs "
                  + ", ".join(f"{r['parse_cpu']:.2f}/{r['kerascheck_cpu']:.2f}"
                              for r in result["pairs"]))
        report["load_average"] = os.getloadavg()
        if options.json:
            Path(options.json).write_text(json.dumps(report, indent=2) + "\n")
        return 0
    python = sys.executable
    results: dict = {"python": sys.version.split()[0], "cpus": os.cpu_count()}
    workdir = Path(tempfile.mkdtemp(prefix="kerascheck-bench-"))
    try:
        # -- startup ----------------------------------------------------------------------
        small = workdir / "small.py"
        small.write_text("import tensorflow as tf\n\nmodel = tf.keras.Sequential([\n"
                         "    tf.keras.layers.Dense(8, activation='relu'),\n"
                         "    tf.keras.layers.Dense(1),\n])\n")
        startup = {
            "python -c pass": [python, "-c", "pass"],
            "python -c 'import libcst'": [python, "-c", "import libcst"],
            "kerascheck --version": [python, "-m", "kerascheck", "--version"],
            "kerascheck small.py (no cache)": [python, "-m", "kerascheck", "--no-cache",
                                               str(small)],
        }
        results["startup_ms"] = {}
        print("Startup (median of 5; wall ms / CPU ms)")
        for label, command in startup.items():
            wall, cpu = median_run(command, 5, cwd=workdir)
            results["startup_ms"][label] = {"wall": round(wall * 1000), "cpu": round(cpu * 1000)}
            print(f"  {label:<34} {wall * 1000:6.0f} {cpu * 1000:6.0f}")

        # -- throughput -------------------------------------------------------------------
        clean = write_corpus(str(workdir / "clean"), options.files, 0.0)
        half = write_corpus(str(workdir / "half"), options.files, 0.5, seed=1)
        lint_all(clean[:3])  # imports and rule discovery, outside the timings
        parse_all(clean[:3])
        results["throughput"] = {}
        print(f"\nThroughput, in-process, {options.files} files per corpus "
              f"(CPU s, best of {options.repeat})")
        for label, paths in (("clean", clean), ("half with findings", half)):
            parse = best(options.repeat, lambda: parse_all(paths))
            parse_no_gc = best(options.repeat, lambda: parse_all_without_gc(paths))
            lint = best(options.repeat, lambda: lint_all(paths))
            with_findings = sum(1 for result in lint_all(paths) if result.diagnostics)
            lines = sum(Path(p).read_text().count("\n") for p in paths)
            results["throughput"][label] = {
                "files": len(paths), "lines": lines, "files_with_findings": with_findings,
                "parse_s": round(parse, 3), "parse_gc_paused_s": round(parse_no_gc, 3),
                "kerascheck_s": round(lint, 3), "ratio": round(lint / parse, 2),
                "ratio_to_gc_paused_parse": round(lint / parse_no_gc, 2)}
            print(f"  {label:<20} {len(paths)} files, {lines} lines, {with_findings} with "
                  f"findings: parse {parse:.2f} s (GC paused: {parse_no_gc:.2f} s), "
                  f"kerascheck {lint:.2f} s, ratio {lint / parse:.2f} "
                  f"({lint / parse_no_gc:.2f} to the GC-paused parse)")

        irrelevant = irrelevant_files(options.files)
        read = best(options.repeat, lambda: read_all(irrelevant))
        lint = best(options.repeat, lambda: lint_all(irrelevant))
        size = sum(os.path.getsize(p) for p in irrelevant)
        results["irrelevant"] = {"files": len(irrelevant), "bytes": size,
                                 "read_s": round(read, 4), "kerascheck_s": round(lint, 4)}
        print(f"  no Keras in sight    {len(irrelevant)} stdlib files ({size / 1e6:.1f} MB): "
              f"read {read * 1000:.1f} ms, kerascheck {lint * 1000:.1f} ms")

        # -- pool and cache on a tree -----------------------------------------------------
        tree = workdir / "tree"
        write_corpus(str(tree), options.tree, 0.5, seed=2)
        (tree / "pyproject.toml").write_text("[tool.kerascheck]\n")
        env = dict(os.environ)
        env.pop("KERASCHECK_CACHE_DIR", None)
        check = [python, "-m", "kerascheck", "--output-format", "concise", "."]
        results["tree"] = {"files": options.tree}
        print(f"\nA tree of {options.tree} files, half with findings (wall s / CPU s)")
        for label, extra in (("--no-cache --jobs 1", ["--no-cache", "--jobs", "1"]),
                             ("--no-cache (all CPUs)", ["--no-cache"])):
            wall, cpu, _ = min((child_run(check[:-1] + extra + ["."], cwd=tree, env=env)
                                for _ in range(options.repeat)), key=lambda run: run[1])
            results["tree"][label] = {"wall": round(wall, 2), "cpu": round(cpu, 2)}
            print(f"  {label:<26} {wall:6.2f} {cpu:6.2f}")

        def cold_run():
            shutil.rmtree(tree / ".kerascheck_cache", ignore_errors=True)
            return child_run(check, cwd=tree, env=env)

        cold = min((cold_run() for _ in range(options.repeat)), key=lambda run: run[1])
        warm = min((child_run(check, cwd=tree, env=env) for _ in range(options.repeat)),
                   key=lambda run: run[1])
        results["tree"]["cache cold"] = {"wall": round(cold[0], 2), "cpu": round(cold[1], 2)}
        results["tree"]["cache warm"] = {"wall": round(warm[0], 2), "cpu": round(warm[1], 2)}
        print(f"  {'cache, cold':<26} {cold[0]:6.2f} {cold[1]:6.2f}")
        print(f"  {'cache, warm':<26} {warm[0]:6.2f} {warm[1]:6.2f}   "
              f"({warm[1] / cold[1]:.1%} of the cold CPU time)")
        results["load_average"] = os.getloadavg()
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"\nload average at the end: {load}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
