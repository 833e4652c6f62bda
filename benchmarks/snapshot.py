"""Everything a user sees from kerascheck on a set of paths, written to one folder, so two
versions of the code can be compared byte for byte (``diff -r``): every output format, the
statistics, the unsafe-fix diff, the rule table and every rule page.

    python benchmarks/snapshot.py OUT_DIR PATH...
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FORMATS = ["text", "concise", "json", "github", "sarif", "junit"]


def run(arguments: list[str]) -> bytes:
    completed = subprocess.run([sys.executable, "-m", "kerascheck", *arguments],
                               capture_output=True, env={**os.environ, "NO_COLOR": "1"})
    return (completed.stdout + b"\n--- stderr ---\n" + completed.stderr
            + f"\n--- exit {completed.returncode} ---\n".encode())


def main(argv: list[str]) -> int:
    out, paths = Path(argv[0]), argv[1:]
    out.mkdir(parents=True, exist_ok=True)
    common = ["--no-cache", "--select", "ALL"]
    for output_format in FORMATS:
        (out / f"check.{output_format}").write_bytes(
            run(["check", *common, "--output-format", output_format, *paths]))
    (out / "statistics").write_bytes(run(["check", *common, "--statistics", *paths]))
    (out / "diff").write_bytes(run(["check", *common, "--diff", "--unsafe-fixes", *paths]))
    (out / "rules.json").write_bytes(run(["rules", "--output-format", "json"]))
    (out / "rules.txt").write_bytes(run(["rules"]))
    (out / "rule-all").write_bytes(run(["rule", "--all"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
