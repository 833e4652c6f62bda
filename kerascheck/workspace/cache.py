"""The result cache (like ``.ruff_cache``): an unchanged file is not parsed again.

A result is stored under a key made of everything that can change it:

- the file's bytes (BLAKE2b),
- the path it is reported under (diagnostics carry it; per-file ignores depend on it),
- kerascheck's version and a fingerprint of its own source files (so an edited rule, in a
  development checkout, never serves a stale result),
- the resolved configuration (``Config.fingerprint()``),
- the project modules the file imports, directly or through each other (their bytes:
  :meth:`kerascheck.source.project.Project.fingerprint`), so editing ``model.py`` re-analyses
  ``train.py`` that imports it, and nothing else.

Entries live in ``.kerascheck_cache/`` in the project root (the folder of the configuration
file, else the current folder), or in ``$KERASCHECK_CACHE_DIR``. Each entry is one small JSON
file written atomically (temporary file, then rename), so the processes of a parallel run and
pytest-xdist workers can share the cache without locks. The folder holds a ``.gitignore`` of
``*`` and a ``CACHEDIR.TAG``, so it is never committed nor backed up. A cache that cannot be
written (read-only tree) is silently skipped: caching is an optimisation, never an error.

The API, shared by the CLI and the pytest plugin::

    cache = Cache(root)                      # or Cache.for_config(config)
    key = cache_key(content, config, path)   # content: the file's bytes
    diagnostics = cache.get(key)             # list[Diagnostic], or None on a miss
    cache.put(key, diagnostics)              # after linting; skip results with internal errors

Results that carry internal errors must not be stored (they would hide a fixed bug). Cached
fixes are *detached*: they say what they would do (message, applicability) but cannot apply;
``--fix`` therefore analyses files itself instead of reading the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from functools import lru_cache
from pathlib import Path

from kerascheck import __version__
from kerascheck.diagnostics import Diagnostic, from_records, to_record

CACHE_DIR_NAME = ".kerascheck_cache"
CACHE_DIR_ENV = "KERASCHECK_CACHE_DIR"
# Bumped when the entry format changes; old entries are then simply never read. (2: entries in
# 16 folders by the key's first digit, not 256 by its first two: on the machine measured, making
# a folder costs as much as writing an entry, and a cold run of a few hundred files made 256.)
FORMAT = "2"

_CACHEDIR_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
                 "# This file is a cache directory tag created by kerascheck.\n"
                 "# For information about cache directory tags see https://bford.info/cachedir/\n")


def cache_key(content: bytes, config=None, path: str = "") -> str:
    """The key of the result of linting ``content`` reported as ``path`` under ``config``
    (a :class:`kerascheck.settings.config.Config`; None means the defaults)."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{FORMAT}\0{__version__}\0{code_fingerprint()}\0".encode())
    digest.update(_config_fingerprint(config).encode())
    digest.update(_pins_fingerprint(config, path).encode())
    digest.update(b"\0" + os.fsencode(path) + b"\0")
    digest.update(content)
    digest.update(_project_fingerprint(path, content).encode())
    return digest.hexdigest()


def _project_fingerprint(path: str, content: bytes) -> str:
    """The digest of the project modules the file imports ('' for none: the key of a file
    alone is as before). The engine follows those imports (kerascheck.analysis.project)."""
    from kerascheck.source.project import project_for

    project = project_for(path)
    return "\0project:" + project.fingerprint(path, content) if project is not None else ""


def _config_fingerprint(config) -> str:
    if config is None:
        return "defaults"
    fingerprint = getattr(config, "fingerprint", None)
    return fingerprint() if callable(fingerprint) else repr(config)


def _pins_fingerprint(config, path: str) -> str:
    """The Keras the project's pins say for ``path`` when ``target-version`` is not set: a pin
    edited in ``requirements.txt`` changes what some rules report, so it changes the key too
    (:func:`kerascheck.settings.target.target_from_pins`, read once per folder and process)."""
    if getattr(config, "target_version", None) or not path or path.startswith("<"):
        return ""
    from kerascheck.settings.target import target_from_pins

    return repr(target_from_pins(_resolved_folder(path)))


def _resolved_folder(path: str) -> str:
    """``str(Path(path).resolve().parent)`` (what the target reading asks the pins of), made
    without pathlib for the usual file: one that is not a symbolic link, named without ``..``,
    lies in its folder's real path, and the folder is resolved once per process (a warm run
    makes a key per file: pathlib's resolve was a third of the key's cost)."""
    absolute = os.path.abspath(path)
    if ".." not in path:
        try:
            if not stat.S_ISLNK(os.lstat(absolute).st_mode):
                return _real_folder(os.path.dirname(absolute))
        except OSError:
            pass
    return str(Path(path).resolve().parent)


@lru_cache(maxsize=1024)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the names, sizes and modification times of kerascheck's own modules (the whole
    package, not this subpackage): cheap (a hundred ``stat`` calls, once per process) and it
    changes whenever a rule or the analysis is edited."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(digest_size=16)
    for module in sorted(package.rglob("*.py")):
        try:
            status = module.stat()
        except OSError:
            continue
        digest.update(f"{module.relative_to(package)}:{status.st_size}:{status.st_mtime_ns}\n"
                      .encode())
    return digest.hexdigest()


def default_cache_dir(root: str | os.PathLike | None = None) -> Path:
    """``$KERASCHECK_CACHE_DIR`` if set, else ``<root>/.kerascheck_cache`` (root: the project
    root, by default the current folder)."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override)
    return Path(root or os.getcwd()) / CACHE_DIR_NAME


class Cache:
    """Lint results by :func:`cache_key`, stored as files under ``directory``."""

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)
        self._writable: bool | None = None  # unknown until the first put

    @classmethod
    def for_config(cls, config=None) -> "Cache":
        """The cache of the project ``config`` belongs to (its ``root``, else the current
        folder; ``$KERASCHECK_CACHE_DIR`` wins)."""
        return cls(default_cache_dir(getattr(config, "root", "") or None))

    def has_entries(self) -> bool:
        """Whether any entry may be stored (False for a cache never written, or cleared: every
        :meth:`get` would miss)."""
        return os.path.isdir(self.directory / f"v{FORMAT}")

    def _entry(self, key: str) -> Path:
        return self.directory / f"v{FORMAT}" / key[:1] / f"{key[1:]}.json"

    def get(self, key: str) -> list[Diagnostic] | None:
        """The diagnostics stored under ``key``; None if there are none (or the entry is
        unreadable or corrupt: it is then treated as a miss and overwritten later)."""
        try:
            with open(self._entry(key), "rb") as handle:
                data = json.loads(handle.read())
            return from_records(data["diagnostics"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, diagnostics: list[Diagnostic]) -> bool:
        """Store ``diagnostics`` under ``key``; False if the cache cannot be written."""
        if self._writable is False:
            return False
        import tempfile  # here, not at import time: a warm run never writes

        entry = self._entry(key)
        payload = json.dumps({"diagnostics": [to_record(d) for d in diagnostics]},
                             separators=(",", ":")).encode("utf-8")
        try:
            if self._writable is None:
                self._prepare()
            entry.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(payload)
                os.replace(temporary, entry)
            except BaseException:
                _remove_quietly(temporary)
                raise
        except OSError:
            self._writable = False
            return False
        self._writable = True
        return True

    def clear(self) -> None:
        """Delete every entry (the folder itself, with its tags, is removed)."""
        import shutil

        shutil.rmtree(self.directory, ignore_errors=True)
        self._writable = None

    def _prepare(self) -> None:
        """Create the folder with its ``.gitignore`` and ``CACHEDIR.TAG`` (once per process).
        A marker that is missing or does not hold what it should (left empty by a full disk)
        is written again, atomically."""
        import tempfile

        self.directory.mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", "# Created by kerascheck automatically.\n*\n"),
                           ("CACHEDIR.TAG", _CACHEDIR_TAG)):
            marker = self.directory / name
            expected = text.encode("utf-8")
            try:
                if marker.read_bytes() == expected:
                    continue
            except OSError:
                pass
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(expected)
                os.replace(temporary, marker)
            except BaseException:
                _remove_quietly(temporary)
                raise


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
