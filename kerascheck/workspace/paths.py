"""Which files a run looks at: walking folders, excludes, ``.gitignore``, and glob matching.

``.gitignore`` is honoured by asking git itself, once per repository:
``git ls-files -z --others --ignored --exclude-standard --directory`` lists the ignored files
and, collapsed, the wholly ignored folders (so a walk can skip ``data/`` without entering it).
That covers every ignore source git knows (nested ``.gitignore`` files, ``.git/info/exclude``,
the global excludes file, negations) with no new dependency. Files git tracks are never
treated as ignored, as git itself does. Outside a git work tree, or without a ``git``
executable, nothing is ignored on account of ``.gitignore``.
"""

from __future__ import annotations

import os
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from kerascheck.settings.config import Config

SKIPPED_DIRECTORIES = {"__pycache__", "node_modules", "site-packages", "venv", "env",
                       "build", "dist"}
SOURCE_SUFFIXES = (".py", ".ipynb")


def is_virtualenv(directory: Path) -> bool:
    # os.path.exists, not Path.exists: in an unreadable folder the latter raises
    # PermissionError (before Python 3.12) and ended the whole run (issue 8).
    return os.path.exists(directory / "pyvenv.cfg")


def discover(paths: list[str], config: "Config | None" = None, *,
             suffixes: tuple[str, ...] = SOURCE_SUFFIXES,
             folders: list[str] | None = None) -> Iterator[str]:
    """Yield the files to lint, in a deterministic order.

    Folders are walked, skipping hidden folders, virtual environments, the configuration's
    excludes and (unless ``respect-gitignore = false``) what git ignores. Files named
    explicitly are always yielded, unless ``force-exclude`` is set and an exclude or
    ``.gitignore`` matches them (pre-commit passes every staged file explicitly).
    ``folders``: a list that receives every folder walked (``--watch`` watches them for
    added and removed files).
    """
    if config is None:
        from kerascheck.settings.config import Config

        config = Config()
    ignored = GitIgnored() if config.respect_gitignore else None
    for given in paths:
        path = Path(given)
        if config.force_exclude and _is_skipped(given, config, ignored):
            continue
        if os.path.isdir(path):  # never raises (Path.is_dir does on EACCES before 3.12)
            yield from _walk(path, suffixes, config, ignored, folders)
        else:
            yield given


def _is_skipped(path: str, config: "Config", ignored: "GitIgnored | None",
                ancestors: bool = True) -> bool:
    return config.is_excluded(path, ancestors) or (
        ignored is not None and ignored.is_ignored(path, ancestors))


def _walk(root: Path, suffixes, config: "Config", ignored: "GitIgnored | None",
          folders: list[str] | None = None) -> Iterator[str]:
    # "kerascheck ." reports src/model.py, not ./src/model.py (as Ruff and git do)
    strip = len("." + os.sep) if os.fspath(root) == "." else 0
    for directory, subdirectories, files in os.walk(root, followlinks=False,
                                                    onerror=_warn_unreadable):
        if folders is not None:
            folders.append(directory)
        subdirectories[:] = sorted(
            name for name in subdirectories
            if not name.startswith(".")
            and not is_virtualenv(Path(directory) / name)
            and not _is_skipped(os.path.join(directory, name), config, ignored, False))
        for name in sorted(files):
            if name.endswith(suffixes):
                path = os.path.join(directory, name)
                if not _is_skipped(path, config, ignored, False):
                    yield path[strip:]


class GitIgnored:
    """What git ignores, asked once per repository (see the module docstring)."""

    def __init__(self):
        self._by_repository: dict[str, tuple[set[str], set[str]]] = {}

    def is_ignored(self, path: str, ancestors: bool = True) -> bool:
        """Whether git ignores ``path`` (with ``ancestors``: or a folder holding it)."""
        absolute = os.path.abspath(path)
        top = _repository_root(os.path.dirname(absolute) if not os.path.isdir(absolute)
                               else absolute)
        if top is None:
            return False
        if top not in self._by_repository:
            self._by_repository[top] = _ignored_in(top)
        files, folders = self._by_repository[top]
        relative = os.path.relpath(absolute, top).replace(os.sep, "/")
        if relative in files:
            return True
        candidate = relative + "/"
        if not ancestors:
            return candidate in folders
        return any(candidate.startswith(folder) for folder in folders)


@lru_cache(maxsize=256)
def _repository_root(directory: str) -> str | None:
    """The top of the git work tree holding ``directory`` (found by its ``.git`` entry, so a
    walk over many folders costs no process per folder)."""
    current = Path(directory)
    for candidate in (current, *current.parents):
        if os.path.exists(candidate / ".git"):  # never raises (unreadable folders)
            return str(candidate)
    return None


def _ignored_in(top: str) -> tuple[set[str], set[str]]:
    try:
        completed = subprocess.run(
            ["git", "ls-files", "-z", "--others", "--ignored", "--exclude-standard",
             "--directory"], cwd=top, capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return set(), set()
    if completed.returncode != 0:
        return set(), set()
    entries = [entry.decode("utf-8", "surrogateescape")
               for entry in completed.stdout.split(b"\0") if entry]
    files = {entry for entry in entries if not entry.endswith("/")}
    folders = {entry for entry in entries if entry.endswith("/")}
    return files, folders


def _warn_unreadable(error: OSError) -> None:
    """A folder of the walked tree that cannot be listed: said on stderr, never fatal, so the
    rest of the tree is still checked."""
    import sys

    print(f"kerascheck: warning: cannot read folder {error.filename}: "
          f"{error.strerror or error}", file=sys.stderr)
