"""Verdicts of ``kerascheck prove`` on the buggy-program corpus (issue 17).

Runs ``kerascheck prove FILE... --output-format json`` once, in one process, over every Python
file and notebook of the programs laid out by ``benchmarks/bug_corpus.py`` (default root
``/work/corpora/bugs``), and reports:

* the verdicts: ``shown`` / ``not-shown`` / ``cannot-rebuild``, overall and per rule;
* the time per finding (the seconds each record carries; the first finding of a Keras flavour
  also pays the child process's TensorFlow import, which is reported apart);
* every ``not-shown`` finding and the reasons of the ``cannot-rebuild`` ones, counted.

Usage (from the repository root, with the project's Python)::

    python benchmarks/prove_corpus.py                     # the whole corpus
    python benchmarks/prove_corpus.py --json out.json     # also keep every record
    python benchmarks/prove_corpus.py --program d4ml-090  # some programs only (repeatable)

The "before" figures of ``benchmarks/PROVE_CORPUS.md`` come from the version before this script
(no JSON output), laid out from git and run with its own code::

    mkdir /tmp/kc_before && git archive af31007 kerascheck | tar -x -C /tmp/kc_before
    python benchmarks/prove_corpus.py --source /tmp/kc_before --text-output
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERDICTS = ("shown", "not-shown", "cannot-rebuild")


def corpus_files(root: Path, programs: list[str]) -> list[str]:
    files = []
    for program in programs:
        folder = root / program
        if not folder.is_dir():
            print(f"missing: {folder} (run benchmarks/bug_corpus.py --layout-only)",
                  file=sys.stderr)
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".ipynb") and path.is_file():
                files.append(str(path.relative_to(root)))
    return files


# Runs the kerascheck found in a folder (argv[1]) rather than the installed one.
_FROM_SOURCE = """
import sys
sys.meta_path = [finder for finder in sys.meta_path if "editable" not in repr(finder).lower()]
sys.path.insert(0, sys.argv.pop(1))
sys.argv[0] = "kerascheck"
from kerascheck.cli import main
sys.exit(main())
"""


def run_prove(root: Path, files: list[str], python: str, text_output: bool = False,
              source: Path | None = None) -> tuple[list[dict], float, int]:
    started = time.perf_counter()
    command = [python, "-c", _FROM_SOURCE, str(source)] if source else \
        [python, "-m", "kerascheck"]
    completed = subprocess.run(
        [*command, "prove", *files, *([] if text_output else ["--output-format", "json"])],
        cwd=root, capture_output=True, text=True,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES=""))
    wall = time.perf_counter() - started
    if completed.returncode not in (0, 1):
        sys.exit(f"kerascheck prove exited {completed.returncode}:\n{completed.stderr[-3000:]}")
    if text_output:
        return parse_text(completed.stdout), wall, completed.returncode
    return json.loads(completed.stdout), wall, completed.returncode


def parse_text(output: str) -> list[dict]:
    """Records from the text output of versions without ``--output-format json`` (the
    "before" figures): a finding line, then its evidence or ``not proved: reason``."""
    records: list[dict] = []
    for line in output.splitlines():
        if not line.startswith(" ") and ": KC" in line:
            where, _, rest = line.partition(": KC")
            path, line_number, _column = where.rsplit(":", 2)
            records.append({"code": "KC" + rest[:3], "path": path, "line": int(line_number),
                            "verdict": "cannot-rebuild", "reason": "", "seconds": None})
        elif records and not records[-1]["reason"] and line.startswith("    "):
            text = line.strip()
            if text.startswith("not proved: "):
                records[-1]["reason"] = text[len("not proved: "):]
            else:
                shown = text.endswith("(symptom shown)")
                records[-1]["verdict"] = "shown" if shown else "not-shown"
                records[-1]["reason"] = text
    return records


def tensorflow_import_seconds(python: str) -> float:
    started = time.perf_counter()
    subprocess.run([python, "-c", "import tensorflow"], check=True, capture_output=True,
                   env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES=""))
    return time.perf_counter() - started


def report(records: list[dict], wall: float, import_seconds: float) -> str:
    lines = []
    counts = Counter(record["verdict"] for record in records)
    total = len(records)
    lines.append(f"{total} findings in {len({r['path'] for r in records})} files")
    for verdict in VERDICTS:
        share = 100 * counts[verdict] / total if total else 0
        lines.append(f"  {verdict:<15} {counts[verdict]:>4}  {share:5.1f} %")
    seconds = sorted(record["seconds"] for record in records if record.get("seconds") is not None)
    if seconds:
        # the slowest findings include a TensorFlow import (the parent's, each worker's)
        lines.append(f"time per finding: median {statistics.median(seconds):.3f} s, mean "
                     f"{statistics.fmean(seconds):.3f} s, max {seconds[-1]:.2f} s; "
                     f"over 2 s: {sum(s > 2 for s in seconds)}")
    cpu = sorted(record["cpu_seconds"] for record in records
                 if record.get("cpu_seconds") is not None)
    if cpu:
        # CPU time of the prove process (all its threads) per finding: what the load of other
        # work on a shared machine does not inflate; a child Keras process's CPU is not in it
        lines.append(f"CPU time per finding: median {statistics.median(cpu):.3f} s, mean "
                     f"{statistics.fmean(cpu):.3f} s, max {cpu[-1]:.2f} s; over 2 s: "
                     f"{sum(s > 2 for s in cpu)}")
    lines.append(f"wall time of the run: {wall:.1f} s (one `import tensorflow`: "
                 f"{import_seconds:.1f} s); after TensorFlow's imports: "
                 f"{max(0.0, wall - 3 * import_seconds) / max(total, 1):.2f} s per finding "
                 f"(three imports: the parent and two Keras workers at most)")
    lines.append("")
    lines.append("per rule:  " + "  ".join(f"{v}" for v in VERDICTS))
    by_code: dict[str, Counter] = defaultdict(Counter)
    for record in records:
        by_code[record["code"]][record["verdict"]] += 1
    for code in sorted(by_code):
        row = by_code[code]
        lines.append(f"  {code}  " + "  ".join(f"{row[v]:>4}" for v in VERDICTS))
    lines.append("")
    lines.append("not-shown:")
    for record in records:
        if record["verdict"] == "not-shown":
            lines.append(f"  {record['path']}:{record['line']} {record['code']}: "
                         f"{record['reason']}")
    lines.append("")
    lines.append("cannot-rebuild, by reason:")
    reasons = Counter((record["code"], record["reason"]) for record in records
                      if record["verdict"] == "cannot-rebuild")
    for (code, reason), count in reasons.most_common():
        lines.append(f"  {count:>3}  {code}  {reason}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("/work/corpora/bugs"))
    parser.add_argument("--program", action="append", default=[])
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--json", type=Path, help="write every record here")
    parser.add_argument("--source", type=Path,
                        help="run the kerascheck package found in this folder (another version)")
    parser.add_argument("--text-output", action="store_true",
                        help="parse the text output (versions before --output-format json)")
    options = parser.parse_args(argv)
    manifest = json.loads((HERE / "bug_corpus.json").read_text())
    programs = options.program or [program["id"] for program in manifest["programs"]]
    files = corpus_files(options.root, programs)
    records, wall, _ = run_prove(options.root, files, options.python, options.text_output,
                                 options.source)
    if options.json:
        options.json.write_text(json.dumps(records, indent=1))
    print(report(records, wall, tensorflow_import_seconds(options.python)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
