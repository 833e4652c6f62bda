"""Lint the whole standard library of the running Python: no crash, no hang, KC000 exactly where
Python itself cannot parse a file, no other finding.

Every ``.py`` file under the standard library folder (``Lib/``: about 1,800 files, including the
test suite's files with deliberate syntax errors and bad coding cookies; ``site-packages`` is
left out) is read, made to mention TensorFlow so it is analysed, and linted in memory with
``kerascheck.engine.lint_source``. The mention is a comment *appended* to the file: a prefixed
line would push a PEP 263 coding cookie off line 2 and change how Python decodes the file.
Python's verdict is taken on the same bytes (``compile(..., PyCF_ONLY_AST)``).

    python benchmarks/stdlib_lint.py              # everything, one process per CPU
    python benchmarks/stdlib_lint.py --sample 200 # a deterministic sample

Each file is linted in a worker process with a time limit, so a crash or a hang is reported
(and counted) instead of ending the run. Exit status 0 when every file is as expected.
"""

from __future__ import annotations

import argparse
import ast
import multiprocessing
import os
import random
import sys
import sysconfig
import time
import warnings
from collections import Counter
from pathlib import Path

MARKER = b"\n# kerascheck: this file mentions tensorflow\n"
HANG_SECONDS = 120


def stdlib_files() -> list[str]:
    root = Path(sysconfig.get_paths()["stdlib"])
    return sorted(str(path) for path in root.rglob("*.py")
                  if "site-packages" not in path.relative_to(root).parts)


def python_verdict(source: bytes) -> tuple[bool, int | None]:
    """(whether CPython parses ``source``, the line of its error)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "<stdlib>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        return True, None
    except SyntaxError as error:  # line 0 for a bad coding cookie: reported on line 1
        return False, error.lineno
    except (ValueError, RecursionError, MemoryError, OverflowError):
        return False, None


def check_file(path: str) -> dict:
    """Lint one standard-library file (with the marker appended) and classify the outcome:
    ``clean``, ``kc000-expected`` (Python cannot parse it either), ``parser-limit`` (KC000
    saying honestly that LibCST could not read a file Python accepts), or a failure:
    ``unexpected-finding``, ``missed-kc000``, ``wrong-kc000``, ``internal-error``."""
    from kerascheck.engine import lint_source

    with open(path, "rb") as handle:
        source = handle.read() + MARKER
    parses, error_line = python_verdict(source)
    started = time.process_time()
    result = lint_source(source, path)
    seconds = time.process_time() - started
    kc000 = [d for d in result.diagnostics if d.code == "KC000"]
    others = [d for d in result.diagnostics if d.code != "KC000"]
    outcome = {"path": path, "seconds": seconds, "python_parses": parses,
               "detail": "; ".join(f"{d.line}:{d.column} {d.code} {d.message}"
                                   for d in result.diagnostics)}
    if result.errors:
        outcome["status"] = "internal-error"
        outcome["detail"] = "; ".join(str(error) for error in result.errors)
    elif others:
        outcome["status"] = "unexpected-finding"
    elif parses and not kc000:
        outcome["status"] = "clean"
    elif parses:
        honest = all("could not read" in d.message or "too large" in d.message for d in kc000)
        outcome["status"] = "parser-limit" if honest else "wrong-kc000"
    elif not kc000:
        outcome["status"] = "missed-kc000"
    elif error_line is not None and kc000[0].line != max(error_line, 1) and \
            "nested too deeply" not in kc000[0].message:
        outcome["status"] = "wrong-kc000"
        outcome["detail"] += f" (Python says line {error_line})"
    else:
        outcome["status"] = "kc000-expected"
    return outcome


FAILURES = ("unexpected-finding", "missed-kc000", "wrong-kc000", "internal-error", "crash",
            "hang")


def run(paths: list[str], jobs: int) -> list[dict]:
    """Check ``paths`` in ``jobs`` processes; a file that kills or stalls its worker becomes a
    ``crash`` or ``hang`` outcome."""
    outcomes: list[dict] = []
    remaining = list(paths)
    # fork where it exists: workers inherit this module even when it was imported from a path
    # a fresh interpreter would not search (the slow test imports it that way).
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    while remaining:
        with context.Pool(jobs, maxtasksperchild=200) as pool:
            pending = {path: pool.apply_async(check_file, (path,)) for path in remaining}
            remaining = []
            for path, future in pending.items():
                try:
                    outcomes.append(future.get(timeout=HANG_SECONDS))
                except multiprocessing.TimeoutError:
                    outcomes.append({"path": path, "status": "hang", "seconds": HANG_SECONDS,
                                     "detail": f"no result after {HANG_SECONDS} s"})
                    done = {o["path"] for o in outcomes}
                    remaining = [p for p in pending if p not in done]
                    pool.terminate()
                    break
                except Exception as error:  # the worker died under this file
                    outcomes.append({"path": path, "status": "crash", "seconds": 0.0,
                                     "detail": f"{type(error).__name__}: {error}"})
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=0,
                        help="lint a deterministic random sample of this many files")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    options = parser.parse_args()
    paths = stdlib_files()
    if options.sample:
        paths = sorted(random.Random(0).sample(paths, min(options.sample, len(paths))))
    started = time.perf_counter()
    outcomes = run(paths, options.jobs)
    wall = time.perf_counter() - started
    counts = Counter(outcome["status"] for outcome in outcomes)
    root = sysconfig.get_paths()["stdlib"]
    print(f"Python {sys.version.split()[0]}: {len(outcomes)} files of {root} in {wall:.0f} s "
          f"(CPU {sum(o['seconds'] for o in outcomes):.0f} s in lint_source)")
    for status in ("clean", "kc000-expected", "parser-limit", *FAILURES):
        print(f"  {status:<20} {counts.get(status, 0)}")
    for status in ("parser-limit", "kc000-expected", *FAILURES):
        listed = [o for o in outcomes if o["status"] == status]
        if listed:
            print(f"\n{status}:")
            for outcome in listed:
                print(f"  {os.path.relpath(outcome['path'], root)}: {outcome['detail'][:150]}")
    print("\nslowest:")
    for outcome in sorted(outcomes, key=lambda o: -o["seconds"])[:5]:
        print(f"  {outcome['seconds']:6.2f} s  {os.path.relpath(outcome['path'], root)}")
    return 1 if any(counts.get(status) for status in FAILURES) else 0


if __name__ == "__main__":
    sys.exit(main())
