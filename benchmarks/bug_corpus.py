"""Recall of kerascheck on real buggy Keras programs whose faults a source states.

The corpus is described by ``benchmarks/bug_corpus.json``: for every program, where its code
lives (a repository, a commit and a path; or, for a Stack Overflow question, the question's
address and the name under which its snippet has been saved by hand) and the faults its source
states (a benchmark's ground truth, a fix commit, an accepted answer), each with a mission
family, the kerascheck codes expected to catch it and the line (or ``"file"`` when the fault has
no single line).

No third-party code is kept in this repository. The script lays the programs out elsewhere
(``--root``, default ``/work/corpora/bugs``), reading the git directories that the ``fetch``
tool brought under ``--mirror`` (default ``/work/.mirror``: ``owner+name/repo/.git`` or
``owner+name/repo``), lints each program as a project of its own with
``python -m kerascheck --no-cache --output-format json`` and reports:

* recall per family: a fault is found when a finding of one of its expected codes is in its file
  on its line +/- 2 (anywhere in the file for ``"file"`` faults);
* every missed fault of a mission family;
* every finding that matches no stated fault, for a human to review (it may be a false alarm,
  or a real fault the source did not mention).

Usage (from the repository root, with the project's Python)::

    python benchmarks/bug_corpus.py                      # lay out, lint, report
    python benchmarks/bug_corpus.py --layout-only        # only write the programs
    python benchmarks/bug_corpus.py --no-layout          # lint what is already laid out
    python benchmarks/bug_corpus.py --json result.json   # also write the full result
    python benchmarks/bug_corpus.py --program d4ml-080   # some programs only (repeatable)

Programs with no git source (``"kind": "stackoverflow"`` or ``"saved"``: a Stack Overflow
question, an issue thread, a file too large a repository to mirror) are saved by hand, outside
this repository, as ``SAVED/<id>/<save_as>`` (``--saved``, default ``/work/corpora/so-programs``);
the layout copies them to ``ROOT/<id>/`` and the script says which are missing and skips them.

In a notebook a finding's line is counted within its cell: a notebook fault names its ``cell``
(the index kerascheck reports) besides its ``line``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import mirrors  # noqa: E402
from mirrors import git  # noqa: E402

HERE = Path(__file__).resolve().parent
MISSION = ["input-shape", "linear-hidden", "output-loss", "normalization", "holdout"]
FAMILIES = MISSION + ["other"]
LINE_SLACK = 2
# Files copied besides Python sources: they carry the project's pins (target-version).
PIN_FILES = ("requirements.txt", "pyproject.toml", "setup.cfg", "environment.yml")


def git_dir(mirror: Path, repo: str) -> Path | None:
    return mirrors.git_dir(repo, mirror)


MARKDOWN = (".md", ".Rmd")
# A fence that opens Python code in a lesson (```python, ```{python}, ```{python name}).
PY_FENCE = re.compile(r"^\s*```\s*\{?\s*(python|py)\b")


def wanted(name: str, markdown: bool = False) -> bool:
    if markdown and name.endswith(MARKDOWN):
        return True
    return name.endswith((".py", ".ipynb")) or os.path.basename(name) in PIN_FILES


def markdown_python(text: str) -> str:
    """The Python fences of a Markdown lesson as a script, every line at its own number.

    Lessons (Carpentries episodes, R Markdown) keep their Keras code in fenced blocks; the
    rest of each line is blanked so that a finding's line is the line in the lesson.
    Hand-written because no stored library maps fences back to their lines.
    """
    out, inside, indent = [], False, 0
    for line in text.splitlines():
        if not inside and PY_FENCE.match(line):
            inside, indent = (
                True,
                len(line) - len(line.lstrip()),
            )  # fences inside callouts
            out.append("")
        elif inside and line.strip().startswith("```"):
            inside = False
            out.append("")
        elif inside:
            lead = len(line) - len(line.lstrip())
            out.append(line[min(indent, lead) :])
        else:
            out.append("")
    return "\n".join(out) + "\n"


def layout_git(program: dict, dest: Path, mirror: Path) -> str | None:
    src = program["source"]
    gdir = git_dir(mirror, src["repo"])
    if gdir is None:
        return f"no mirror of {src['repo']} under {mirror}: fetch github:{src['repo']}"
    commit, path = src["commit"], src["path"].strip("/")  # "" is the whole repository
    markdown = src.get("extract") == "markdown-python"
    try:
        listing = git(
            gdir, "ls-tree", "-r", "-z", commit, *(["--", path] if path else [])
        )
    except subprocess.CalledProcessError as error:
        return (
            f"{src['repo']}@{commit}: {error.stderr.decode(errors='replace').strip()}"
        )
    entries = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, name = record.split(b"\t", 1)
        _mode, kind, sha = meta.split()
        name = name.decode()
        if kind != b"blob" or not wanted(name, markdown):
            continue
        if name == path:  # a single file
            rel = os.path.basename(name)
        else:
            rel = os.path.relpath(name, path or ".")
        entries.append((rel, sha.decode()))
    for extra in src.get(
        "extra", []
    ):  # e.g. a benchmark's requirements.txt next to the program
        sha = git(gdir, "rev-parse", f"{commit}:{extra}").decode().strip()
        entries.append((os.path.basename(extra), sha))
    if not entries:
        return f"{src['repo']}@{commit}:{path} holds no Python file"
    if dest.exists():
        shutil.rmtree(dest)
    for rel, sha in entries:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            blob = git(gdir, "cat-file", "blob", sha)
        except (
            subprocess.CalledProcessError
        ):  # a large file the snapshot lists but lacks
            continue
        if markdown and rel.endswith(MARKDOWN):  # laid out as <lesson>.py
            target = target.with_name(target.name + ".py")
            target.write_text(markdown_python(blob.decode("utf-8", errors="replace")))
        else:
            target.write_bytes(blob)
    return None


def layout_saved(program: dict, dest: Path, saved_root: Path) -> str | None:
    """Copy a program saved by hand (outside the repository) into its folder under the root."""
    name = program["source"]["save_as"]
    saved = saved_root / program["id"] / name
    if not saved.is_file():
        if (dest / name).is_file():  # saved straight into the layout, as older runs did
            return None
        return f"save the code of {program['source']['url']} by hand as {saved}"
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(saved, dest / name)
    return None


def layout(
    programs: list[dict], root: Path, mirror: Path, saved_root: Path
) -> dict[str, str]:
    """Write every program under root; return {id: why it is unavailable}."""
    problems = {}
    for program in programs:
        dest = root / program["id"]
        kind = program["source"]["kind"]
        if kind == "git":
            problem = layout_git(program, dest, mirror)
        elif kind in ("stackoverflow", "saved"):
            problem = layout_saved(program, dest, saved_root)
        else:
            problem = f"unknown source kind {kind!r}"
        if problem:
            problems[program["id"]] = problem
    return problems


def lint(dest: Path) -> list[dict]:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "kerascheck",
            "--no-cache",
            "--output-format",
            "json",
            "--exit-zero",
            ".",
        ],
        check=False,
        cwd=dest,
        capture_output=True,
        text=True,
    )
    try:
        findings = json.loads(run.stdout or "[]")
    except json.JSONDecodeError:
        raise SystemExit(
            f"kerascheck gave no JSON on {dest}:\n{run.stdout}\n{run.stderr}"
        )
    for finding in findings:
        finding["path"] = os.path.normpath(finding["path"])
    return findings


# "(in model.py:12)" or "(in model.py:12, 40)": where a finding that an importer reveals inside
# an imported module lies (kerascheck reports it at the importer's import line)
NAMED_PLACE = re.compile(r"\(in (?P<path>[^():]+):(?P<lines>\d+(?:, \d+)*)\)$")


def named_places(finding: dict) -> list[tuple[str, int]]:
    """(file, line) of the places an importer's finding names in another module, relative to
    the program's root, and of its related locations outside notebooks (the loss of a KC305
    reported at the output layer); [] for a finding located where it is alone."""
    places = [
        (os.path.normpath(place["path"]), place["line"])
        for place in finding.get("related", ())
        if "cell" not in place
    ]
    match = NAMED_PLACE.search(finding["message"])
    if match is None:
        return places
    path = os.path.normpath(
        os.path.join(os.path.dirname(finding["path"]), match.group("path"))
    )
    return places + [(path, int(line)) for line in match.group("lines").split(", ")]


def matches(fault: dict, finding: dict, by_named_place: bool = False) -> bool:
    if finding["code"] not in fault["expected"]:
        return False
    if by_named_place and "cell" not in fault:
        for path, line in named_places(finding):
            if os.path.normpath(fault["file"]) == path and (
                fault["line"] == "file" or abs(line - fault["line"]) <= LINE_SLACK
            ):
                return True
    if os.path.normpath(fault["file"]) != finding["path"]:
        return False
    if "cell" in fault and finding.get("cell") != fault["cell"]:
        return False
    return fault["line"] == "file" or abs(finding["line"] - fault["line"]) <= LINE_SLACK


def score(
    programs: list[dict], results: dict[str, list[dict]], by_named_place: bool = False
) -> dict:
    per_family = {
        family: {"faults": 0, "found": 0, "no_rule": 0} for family in FAMILIES
    }
    missed, unmatched, faults_out = [], [], []
    for program in programs:
        if program["id"] not in results:
            continue
        findings = results[program["id"]]
        used = set()
        for fault in program["faults"]:
            family = per_family[fault["family"]]
            family["faults"] += 1
            if not fault["expected"]:
                family["no_rule"] += 1
            hits = [
                i
                for i, f in enumerate(findings)
                if matches(fault, f, by_named_place)
            ]
            used.update(hits)
            found = bool(hits)
            family["found"] += found
            record = {
                "program": program["id"],
                **fault,
                "found": found,
                "by": [
                    findings[i]["code"] + ":" + str(findings[i]["line"]) for i in hits
                ],
            }
            faults_out.append(record)
            if not found and fault["family"] in MISSION:
                missed.append(record)
        for i, finding in enumerate(findings):
            if i not in used:
                unmatched.append(
                    {
                        "program": program["id"],
                        "code": finding["code"],
                        "path": finding["path"],
                        "line": finding["line"],
                        "message": finding["message"],
                    }
                )
    mission = [per_family[f] for f in MISSION]
    total = sum(f["faults"] for f in mission)
    found = sum(f["found"] for f in mission)
    return {
        "families": per_family,
        "mission": {"faults": total, "found": found},
        "missed": missed,
        "unmatched": unmatched,
        "faults": faults_out,
    }


def percent(found: int, total: int) -> str:
    return f"{100 * found / total:.0f} %" if total else "-"


def family_table(result: dict) -> list[str]:
    lines = [f"{'family':<15} {'faults':>6} {'found':>6} {'recall':>7}"]
    for family in FAMILIES:
        data = result["families"][family]
        note = f"  ({data['no_rule']} with no rule)" if data["no_rule"] else ""
        lines.append(
            f"{family:<15} {data['faults']:>6} {data['found']:>6} "
            f"{percent(data['found'], data['faults']):>7}{note}"
        )
    mission = result["mission"]
    lines.append(
        f"{'mission total':<15} {mission['faults']:>6} {mission['found']:>6} "
        f"{percent(mission['found'], mission['faults']):>7}"
    )
    return lines


def report(
    result: dict,
    programs_linted: int,
    problems: dict[str, str],
    splits: dict[str, dict] | None = None,
) -> str:
    lines = [f"programs linted: {programs_linted}"]
    for pid, problem in sorted(problems.items()):
        lines.append(f"  skipped {pid}: {problem}")
    lines += ["", *family_table(result)]
    for split, split_result in sorted((splits or {}).items()):
        lines += [
            "",
            f"only the programs of split {split!r}:",
            *family_table(split_result),
        ]
    lines += ["", "missed faults in the mission families:"]
    for fault in result["missed"]:
        lines.append(
            f"  {fault['program']} {fault['file']}:{fault['line']} "
            f"[{fault['family']}; {','.join(fault['expected'])}] {fault['description']}"
        )
    lines += ["", "findings that match no stated fault (review by hand):"]
    for finding in result["unmatched"]:
        lines.append(
            f"  {finding['program']} {finding['path']}:{finding['line']} "
            f"{finding['code']} {finding['message'][:110]}"
        )
    return "\n".join(lines)


def check_manifest(programs: list[dict]) -> None:
    seen = set()
    for program in programs:
        assert program["id"] not in seen, f"duplicate id {program['id']}"
        seen.add(program["id"])
        assert program["faults"], f"{program['id']} states no fault"
        for fault in program["faults"]:
            assert fault["family"] in FAMILIES, (program["id"], fault["family"])
            assert fault["line"] == "file" or isinstance(fault["line"], int), program[
                "id"
            ]
            assert fault.get("source"), f"{program['id']}: a fault without its source"
            if fault["family"] in MISSION:
                assert fault["expected"], (
                    f"{program['id']}: a mission fault needs codes"
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", type=Path, default=HERE / "bug_corpus.json")
    parser.add_argument("--root", type=Path, default=Path("/work/corpora/bugs"))
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    parser.add_argument(
        "--saved",
        type=Path,
        default=Path("/work/corpora/so-programs"),
        help="programs saved by hand (Stack Overflow, issues), outside the repo",
    )
    parser.add_argument(
        "--program", action="append", help="only this program id (repeatable)"
    )
    parser.add_argument("--layout-only", action="store_true")
    parser.add_argument("--no-layout", action="store_true")
    parser.add_argument("--json", type=Path, help="write the full result here")
    parser.add_argument(
        "--findings",
        type=Path,
        help="score the findings of an earlier --json file instead of linting again (to score "
        "one run both ways, with and without --by-named-place)",
    )
    parser.add_argument(
        "--by-named-place",
        action="store_true",
        help="also count a finding reported at an importer's import that names the fault's "
        "file and line ('(in model.py:12)'), or names it as a related location; by default a "
        "finding counts only where it is located",
    )
    args = parser.parse_args(argv)

    repo_root = HERE.parent.resolve()
    root = args.root.resolve()
    for folder in (root, args.saved.resolve()):
        if folder == repo_root or repo_root in folder.parents:
            parser.error(
                "--root and --saved must be outside the repository: "
                "third-party code is never kept here"
            )
    programs = json.loads(args.manifest.read_text())["programs"]
    check_manifest(programs)
    if args.program:
        programs = [p for p in programs if p["id"] in set(args.program)]

    problems = (
        {}
        if args.no_layout
        else layout(programs, root, args.mirror, args.saved.resolve())
    )
    if args.layout_only:
        for pid, problem in sorted(problems.items()):
            print(f"skipped {pid}: {problem}")
        print(f"laid out {len(programs) - len(problems)} programs under {root}")
        return 0
    results = {}
    earlier = json.loads(args.findings.read_text())["findings"] if args.findings else None
    for program in programs:
        dest = root / program["id"]
        if earlier is not None:
            if program["id"] in earlier:
                results[program["id"]] = earlier[program["id"]]
            else:
                problems.setdefault(program["id"], f"not in {args.findings}")
            continue
        if program["id"] in problems or not dest.is_dir():
            problems.setdefault(program["id"], f"not laid out under {root}")
            continue
        results[program["id"]] = lint(dest)
    result = score(programs, results, args.by_named_place)
    # A program's "split" says when and how it joined the corpus. Programs gathered while
    # the rules were being changed, by someone who did not run kerascheck on them, are
    # scored again on their own: they are the held-out check of issue 16 (see BUG_CORPUS.md).
    splits = {
        name: score(
            [p for p in programs if p.get("split") == name], results, args.by_named_place
        )
        for name in sorted({p["split"] for p in programs if p.get("split")})
    }
    print(report(result, len(results), problems, splits))
    if args.json:
        args.json.write_text(
            json.dumps({"result": result, "findings": results}, indent=1)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
