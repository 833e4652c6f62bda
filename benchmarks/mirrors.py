"""The git snapshots the corpus scripts read: one ``owner+name`` folder per repository under a
mirror folder, as the ``fetch`` tool lays them out (``/work/.mirror/ageron+handson-ml2/repo``, a
bare git directory or a checkout with its ``.git``). The layout scripts (``expert_corpus.py``,
``bug_corpus.py``) and the manifest builders (``heldout*_build.py``) share this plumbing.
"""

from __future__ import annotations

import collections
import json
import re
import subprocess
import sys
from pathlib import Path

MIRROR = Path("/work/.mirror")
# what makes a file a candidate for a precision corpus: it mentions Keras and trains something
KERAS = re.compile(rb"keras", re.I)
TRAINS = re.compile(rb"\.compile\(|\.fit\(|fit_generator")


def folder_name(repo: str) -> str:
    return repo.replace("/", "+")


def git_dir(repo: str, mirror: Path = MIRROR) -> Path | None:
    """The git directory of ``repo`` under ``mirror``: ``owner+name/repo`` (or its ``.git``) as
    fetch makes it, else any git directory inside ``owner+name``; None if there is none."""
    base = mirror / folder_name(repo)
    candidates = [base / "repo" / ".git", base / "repo", base, *sorted(base.glob("*")),
                  *sorted(base.glob("*/.git"))]
    for candidate in candidates:
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def git(directory: Path, *arguments: str, check: bool = True) -> bytes:
    return subprocess.run(["git", "--git-dir", str(directory), *arguments], check=check,
                          capture_output=True).stdout


class Snapshot:
    """One repository's snapshot, read at its commits (for the manifest builders)."""

    def __init__(self, repo: str, mirror: Path = MIRROR):
        directory = git_dir(repo, mirror)
        if directory is None:
            raise SystemExit(f"no git directory for {repo} under {mirror} (fetch it first)")
        self.repo, self.directory = repo, directory

    def git(self, *arguments: str, check: bool = True) -> bytes:
        return git(self.directory, *arguments, check=check)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").decode().strip()

    def tree(self, commit: str) -> list[str]:
        return self.git("ls-tree", "-r", "--name-only", commit).decode().splitlines()

    def show(self, commit: str, path: str) -> bytes | None:
        """The file's bytes, or None when the snapshot lacks its blob (a large file)."""
        run = subprocess.run(["git", "--git-dir", str(self.directory), "show",
                              f"{commit}:{path}"], capture_output=True)
        return run.stdout if run.returncode == 0 else None

    def blob(self, commit: str, path: str) -> str:
        return self.git("rev-parse", f"{commit}:{path}").decode().strip()

    def grep_candidates(self, commit: str) -> list[str]:
        """The ``.py``/``.ipynb`` files ``git grep`` finds mentioning Keras that also train."""
        names = self.git("grep", "-l", "-i", "keras", commit, "--", "*.py", "*.ipynb",
                         check=False).decode().splitlines()
        return [path for path in (name.split(":", 1)[1] for name in names)
                if TRAINS.search(self._read(commit, path))]

    def tree_candidates(self, commit: str, keep, skip_tests: bool = False) -> list[str]:
        """The ``.py``/``.ipynb`` files ``keep(path)`` accepts that mention Keras and train,
        outside hidden folders (``.ipynb_checkpoints`` copies); with ``skip_tests``, not
        library unit tests either."""
        found = []
        for path in self.tree(commit):
            if not path.endswith((".py", ".ipynb")) or not keep(path):
                continue
            if any(part.startswith(".") for part in path.split("/")[:-1]):
                continue
            if skip_tests and ("/test" in "/" + path or path.endswith("_test.py")):
                continue
            text = self._read(commit, path)
            if KERAS.search(text) and TRAINS.search(text):
                found.append(path)
        return found

    def keras_modules(self, commit: str, under: str, excluded) -> list[str]:
        """The modules of a multi-file project: every ``.py`` under ``under`` that mentions
        Keras, and its ``__init__.py`` files, but those ``excluded(path)`` names."""
        found = []
        for path in self.tree(commit):
            if path.startswith(under) and path.endswith(".py") and not excluded(path):
                text = self.show(commit, path)
                if text is not None and (KERAS.search(text) or path.endswith("__init__.py")):
                    found.append(path)
        return found

    def with_local_imports(self, commit: str, seeds: list[str], prefix: str = "",
                           packages: bool = False) -> list[str]:
        """``seeds`` and the modules they import, transitively, found under ``prefix`` (the
        repository's root by default; with ``packages``, a package's ``__init__.py`` too): a
        flat multi-file project."""
        names, found, todo = set(self.tree(commit)), [], list(seeds)
        while todo:
            path = todo.pop(0)
            if path in found:
                continue
            found.append(path)
            for match in _IMPORT.finditer(self.show(commit, path) or b""):
                module = prefix + (match.group(1) or match.group(2)).decode().replace(".", "/")
                for candidate in (module + ".py", module + "/__init__.py")[:1 + packages]:
                    if candidate in names and candidate not in found:
                        todo.append(candidate)
        return found

    def _read(self, commit: str, path: str) -> bytes:
        text = self.show(commit, path)
        if text is None:
            print(f"blob absent in snapshot: {self.repo}/{path}", file=sys.stderr)
            return b""
        return text


_IMPORT = re.compile(rb"^\s*(?:from\s+([A-Za-z_][\w.]*)\s+import|import\s+([A-Za-z_][\w.]*))",
                     re.M)

# the fields of the manifests the later builders write (heldout5 on)
FILE_FIELDS = {"repo": "GitHub owner/name", "commit": "pinned commit (40 hex)",
               "path": "file path in the repository",
               "era": "keras2 or keras3: the Keras the file targets"}

ERA_FIELD = ("the Keras the file was written for, as judged when the corpus was assembled: "
             "keras2 (tf.keras of TF <= 2.15, standalone Keras 2, TF 1.x) or keras3")


def write_manifest(out: Path, what: str, files: list[dict], fields: dict | None = None) -> None:
    fields = fields or {"repo": "GitHub owner/name", "commit": "pinned commit",
                        "path": "file in the repository", "era": ERA_FIELD}
    out.write_text(json.dumps({"what": what, "fields": fields, "files": files}, indent=1) + "\n")


def print_counts(files: list[dict]) -> None:
    """Files per (repository, era, notebook or not), then the total."""
    counts = collections.Counter((f["repo"], f["era"], f["path"].endswith(".ipynb")) for f in files)
    for key, value in sorted(counts.items()):
        print(key, value)
    print(len(files))


def build(out: Path, what: str, selection: dict, keep_duplicate) -> list[dict]:
    """A held-out builder's whole job: :func:`collect` the selection, write its manifest to
    ``out`` with :data:`FILE_FIELDS`, print the counts."""
    files = collect(selection, keep_duplicate)
    write_manifest(out, what, files, FILE_FIELDS)
    print_counts(files)
    return files


def collect(selection: dict, keep_duplicate) -> list[dict]:
    """The manifest entries of a selection ``{repo: (era, keep(path), extra(commit) or None)}``
    read at each snapshot's HEAD: the files ``keep`` accepts that mention Keras and train (not
    library tests), then the ``extra`` modules a project needs; a file byte-identical to one
    taken before is dropped unless ``keep_duplicate(path, extra)`` (a module imported from its
    own folder)."""
    files, seen = [], {}
    for repo, (era, keep, extra) in selection.items():
        snapshot = Snapshot(repo)
        commit = snapshot.head()
        paths = snapshot.tree_candidates(commit, keep, skip_tests=True)
        seeds = len(paths)
        if extra:
            paths += [p for p in dict.fromkeys(extra(commit)) if p not in paths]
        for index, path in enumerate(paths):
            if snapshot.show(commit, path) is None:
                print(f"absent: {repo}/{path}", file=sys.stderr)
                continue
            blob = snapshot.blob(commit, path)
            if blob in seen and not keep_duplicate(path, index >= seeds):
                print(f"duplicate blob: {repo}/{path} = {seen[blob]}", file=sys.stderr)
                continue
            seen.setdefault(blob, f"{repo}/{path}")
            files.append({"repo": repo, "commit": commit, "path": path, "era": era})
    return files


def flat_project(repo: str, under: str = ""):
    """``extra(commit)`` for a selection: the scripts that train under ``under`` and the modules
    (and packages) they import from there, transitively (a flat multi-file project)."""
    snapshot = Snapshot(repo)
    return lambda commit: snapshot.with_local_imports(
        commit, snapshot.tree_candidates(commit, lambda p: p.startswith(under), skip_tests=True),
        under, packages=True)
