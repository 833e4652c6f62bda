"""Which files a run looks at."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import Iterator

SKIPPED_DIRECTORIES = {"__pycache__", "node_modules", "site-packages", "venv", "env",
                       "build", "dist"}
SOURCE_SUFFIXES = (".py",)


def is_virtualenv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").exists()


def discover(paths: list[str], suffixes=SOURCE_SUFFIXES) -> Iterator[str]:
    """Yield the files to lint, in a deterministic order. Files named explicitly are always
    yielded; directories are walked, skipping hidden folders, virtual environments and caches."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, suffixes)
        else:
            yield given


def _walk(root: Path, suffixes) -> Iterator[str]:
    for directory, subdirectories, files in os.walk(root, followlinks=False):
        subdirectories[:] = sorted(
            name for name in subdirectories
            if not name.startswith(".") and name not in SKIPPED_DIRECTORIES
            and not is_virtualenv(Path(directory) / name))
        for name in sorted(files):
            if name.endswith(suffixes):
                yield os.path.join(directory, name)


def matches_glob(path: str, pattern: str) -> bool:
    """Whether ``path`` (relative or absolute) matches a glob such as ``tests/*`` or ``*.py``."""
    normalized = path.replace(os.sep, "/")
    if normalized.startswith("./"):
        normalized = normalized[2:]
    return fnmatch.fnmatch(normalized, pattern) or fnmatch.fnmatch(
        os.path.basename(normalized), pattern) or fnmatch.fnmatch(normalized, f"*/{pattern}")
