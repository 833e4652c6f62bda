"""The expert precision corpus (issue 15): real Keras code written by experts, linted, and
every finding joined with its hand-made verdict.

The repository holds only the manifest (``benchmarks/expert_corpus.json``: repository, pinned
commit and path of every file) and the verdicts (``benchmarks/expert_verdicts.csv``). The files
themselves are third-party code: they are read from git snapshots under a mirror folder (one
``owner+name`` folder per repository holding a git directory, as the ``fetch`` tool lays them
out: ``/work/.mirror/ageron+handson-ml2/repo``) and written to a folder outside the
repository, never committed.

    python benchmarks/expert_corpus.py                 # lay out, lint, report
    python benchmarks/expert_corpus.py --strict        # exit 1 if a finding has no verdict
    python benchmarks/expert_corpus.py --root DIR --mirror DIR
    python benchmarks/expert_corpus.py --no-layout     # lint what is already laid out
    python benchmarks/expert_corpus.py --list-unreviewed   # the findings still to review
    python benchmarks/expert_corpus.py --corpus heldout3   # a held-out precision corpus

``--corpus NAME`` measures another precision corpus the same way: the manifest
``benchmarks/NAME_corpus.json``, the verdicts ``benchmarks/NAME_verdicts.csv`` and the default
root ``/work/corpora/NAME`` (the held-out corpora ``heldout``, ``heldout2`` ... each built and
reviewed once on code no other precision corpus uses; ``HELDOUT*_CORPUS.md``).

Layout: ``ROOT/owner+name/path`` for every manifest entry, plus the repository's dependency
pins on the way from its root to each file (``requirements*.txt``, ``pyproject.toml``,
``setup.cfg``, ``environment.yml``), so a kerascheck that infers the target Keras from the
project sees what a user would see in a checkout.

Lint: ``python -m kerascheck --no-cache --output-format json ROOT`` (every default rule).

Report: files, findings, findings per verdict (``true``, ``keras3-only``, ``noise``,
``false``), wrong findings (false + noise) per 100 files, findings with no verdict yet, and
verdicts whose finding is no longer reported (a ``true`` one gone is a lost true positive).

A verdict is keyed by ``repo, path, line, code``; ``line`` is the line number in a script and
``cell N:L`` in a notebook (the cell as kerascheck counts it, then the line in the cell).
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import mirrors  # noqa: E402
from mirrors import folder_name, git  # noqa: E402

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "expert_corpus.json"
VERDICTS = HERE / "expert_verdicts.csv"
VERDICT_VALUES = ("true", "keras3-only", "noise", "false")
WRONG = ("false", "noise")
PIN_FILES = ("pyproject.toml", "setup.cfg", "environment.yml", "environment.yaml")
# Folder names kerascheck skips while walking a tree (kerascheck.config.DEFAULT_EXCLUDE).
WALK_EXCLUDED = {"__pycache__", "__pypackages__", "_build", "buck-out", "build", "dist",
                 "node_modules", "site-packages", "venv", "env"}


def git_dir(mirror: Path, repo: str) -> Path:
    directory = mirrors.git_dir(repo, mirror)
    if directory is None:
        raise SystemExit(f"no git directory for {repo} under {mirror} (fetch github:{repo} first)")
    return directory


def load_manifest() -> list[dict]:
    return json.loads(MANIFEST.read_text())["files"]


def layout(entries: list[dict], root: Path, mirror: Path) -> None:
    if root.exists():
        shutil.rmtree(root)
    by_snapshot: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    for entry in entries:
        by_snapshot[entry["repo"], entry["commit"]].append(entry["path"])
    for (repo, commit), paths in by_snapshot.items():
        directory = git_dir(mirror, repo)
        tree = git(directory, "ls-tree", "-r", "--name-only", commit).decode().splitlines()
        tree_set = set(tree)
        wanted = set(paths)
        folders = {""}
        for path in paths:
            parts = path.split("/")[:-1]
            folders.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
        for name in tree:
            folder, _, base = name.rpartition("/")
            if folder in folders and (base in PIN_FILES or base.startswith("requirements")
                                      and base.endswith(".txt")):
                wanted.add(name)
        for path in sorted(wanted):
            if path not in tree_set:
                raise SystemExit(f"{repo}@{commit[:10]} has no {path}")
            target = root / folder_name(repo) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(git(directory, "show", f"{commit}:{path}"))
    for entry in entries:
        parts = set(entry["path"].split("/")[:-1])
        if parts & WALK_EXCLUDED or any(part.startswith(".") for part in parts):
            print(f"warning: kerascheck's walk skips {entry['repo']}/{entry['path']}",
                  file=sys.stderr)


def lint(root: Path) -> list[dict]:
    completed = subprocess.run(
        [sys.executable, "-m", "kerascheck", "--no-cache", "--output-format", "json",
         str(root)], capture_output=True, text=True, cwd=HERE.parent,
        env={**os.environ, "NO_COLOR": "1"})
    if completed.returncode not in (0, 1):
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"kerascheck exited {completed.returncode}")
    if completed.stderr.strip():
        sys.stderr.write(completed.stderr)
    return json.loads(completed.stdout or "[]")


def finding_key(finding: dict, root: Path) -> tuple[str, str, str, str]:
    relative = Path(finding["path"]).resolve().relative_to(root.resolve()).as_posix()
    folder, _, path = relative.partition("/")
    repo = folder.replace("+", "/", 1)
    line = (f"cell {finding['cell']}:{finding['line']}" if finding.get("cell") is not None
            else str(finding["line"]))
    return repo, path, line, finding["code"]


def load_verdicts() -> dict[tuple[str, str, str, str], dict]:
    if not VERDICTS.exists():
        return {}
    verdicts = {}
    with VERDICTS.open(newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["repo"], row["path"], row["line"], row["code"])
            if row["verdict"] not in VERDICT_VALUES:
                raise SystemExit(f"{VERDICTS.name}: bad verdict {row['verdict']!r} for {key}")
            if key in verdicts:
                raise SystemExit(f"{VERDICTS.name}: two verdicts for {key}")
            verdicts[key] = row
    return verdicts


def corpora() -> list[str]:
    """The precision corpora kept here: every ``NAME_corpus.json`` with its verdict table."""
    return sorted(path.name[: -len("_corpus.json")] for path in HERE.glob("*_corpus.json")
                  if (HERE / path.name.replace("_corpus.json", "_verdicts.csv")).exists())


def main(argv: list[str] | None = None) -> int:
    global MANIFEST, VERDICTS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="expert", choices=corpora(),
                        help="which precision corpus (default: expert, the development one)")
    parser.add_argument("--manifest", type=Path,
                        help="another manifest (a corpus being built, outside the repository)")
    parser.add_argument("--verdicts", type=Path, help="its verdict table")
    parser.add_argument("--root", type=Path,
                        help="where the files are laid out, outside the repository "
                             "(default: /work/corpora/CORPUS)")
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"),
                        help="folder of owner+name git snapshots")
    parser.add_argument("--no-layout", action="store_true",
                        help="lint the files already under --root")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 if any finding has no verdict")
    parser.add_argument("--list-unreviewed", action="store_true",
                        help="print every finding without a verdict, with its message")
    parser.add_argument("--json", type=Path, help="also write the raw findings here")
    args = parser.parse_args(argv)
    MANIFEST = args.manifest or HERE / f"{args.corpus}_corpus.json"
    VERDICTS = args.verdicts or HERE / f"{args.corpus}_verdicts.csv"

    root = (args.root or Path("/work/corpora") / args.corpus).resolve()
    if HERE.parent.resolve() in (root, *root.parents):
        raise SystemExit("--root must be outside the repository (third-party code)")
    entries = load_manifest()
    if not args.no_layout:
        layout(entries, root, args.mirror)
    findings = lint(root)
    if args.json:
        args.json.write_text(json.dumps(findings, indent=1))
    verdicts = load_verdicts()

    counts: collections.Counter = collections.Counter()
    per_rule: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    unreviewed = []
    seen = set()
    for finding in findings:
        key = finding_key(finding, root)
        seen.add(key)
        row = verdicts.get(key)
        verdict = row["verdict"] if row else "unreviewed"
        counts[verdict] += 1
        per_rule[finding["code"]][verdict] += 1
        if row is None:
            unreviewed.append((key, finding["message"]))

    files = len(entries)
    notebooks = sum(entry["path"].endswith(".ipynb") for entry in entries)
    wrong = sum(counts[v] for v in WRONG)
    columns = (*VERDICT_VALUES, "unreviewed")
    print(f"files: {files} ({files - notebooks} scripts, {notebooks} notebooks, "
          f"{len({e['repo'] for e in entries})} repositories)")
    print(f"findings: {len(findings)}")
    for verdict in columns:
        print(f"  {verdict:<11} {counts[verdict]}")
    print(f"wrong findings (false + noise) per 100 files: {100 * wrong / files:.1f}")
    print()
    print("per rule: " + " ".join(f"{c:>11}" for c in columns))
    for code in sorted(per_rule):
        print(f"{code:<9} " + " ".join(f"{per_rule[code][c]:>11}" for c in columns))
    gone = [key for key in verdicts if key not in seen]
    if gone:
        lost = [key for key in gone if verdicts[key]["verdict"] == "true"]
        print(f"\nverdicts whose finding is no longer reported: {len(gone)} "
              f"({len(lost)} true: lost true positives)")
        for key in lost:
            print("  lost: " + " ".join(key))
    if unreviewed:
        print(f"\nfindings with no verdict (review them): {len(unreviewed)}")
        for key, message in unreviewed if args.list_unreviewed else unreviewed[:50]:
            print(f"  {key[0]} {key[1]}:{key[2]} {key[3]}"
                  + (f"  {message}" if args.list_unreviewed else ""))
        if not args.list_unreviewed and len(unreviewed) > 50:
            print(f"  ... and {len(unreviewed) - 50} more (--list-unreviewed)")
    return 1 if args.strict and unreviewed else 0


def main_for(manifest: str, verdicts: str, default_root: str,
             argv: list[str] | None = None) -> int:
    """``main`` for a driver of a corpus still being built outside the repository (its
    manifest and verdicts by path, its root unless ``--root`` is given)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not any(a == "--root" or a.startswith("--root=") for a in argv):
        argv = ["--root", default_root, *argv]
    return main(["--manifest", str(HERE / manifest), "--verdicts", str(HERE / verdicts), *argv])


if __name__ == "__main__":
    sys.exit(main())
