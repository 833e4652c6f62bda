"""The project a file belongs to: its root, the modules its imports name, and their texts.

The root is the nearest folder at or above the file that holds ``pyproject.toml``,
``setup.cfg``, ``setup.py`` or ``.git`` (else the file's own folder). A module is looked up,
statically, only inside the root: in the importing script's own folder (``python train.py``
puts it first on ``sys.path``; not for a module inside a package), in the root, and in
``root/src`` (a src layout); relative imports from the importer's package. A name not found
there is unknown: installed packages are never read, and no code is ever run. Names of the
standard library and of the libraries the analysis knows (Keras, TensorFlow, NumPy, ...) are
never taken for the project's even where a local file has that name (a local ``keras.py`` is
a mistake the analysis should not follow; the file means Keras).

Each module is read and parsed once per process (again only when its bytes change: a
long-lived editor session checks its size and modification time), and an editor's unsaved
text for a file (:meth:`Project.set_overlay`) stands in for the file on disk.

:meth:`Project.fingerprint` is the digest of every project module a file imports, directly or
through other project modules, found by a textual scan of import statements (a superset of
what the analysis follows, so a cached result is never stale; a false match only costs a
re-analysis). The cache keys per-file results on it (:mod:`kerascheck.workspace.cache`).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import sys
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (imported where a module is loaded: a warm run reads bytes only)
    from kerascheck.analysis.project import LoadedModule

ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")
# Libraries the analysis understands by name: a local module of that name is not followed.
KNOWN_LIBRARIES = frozenset({
    "keras", "tensorflow", "tf_keras", "tensorflow_datasets", "tensorflow_hub", "numpy",
    "pandas", "sklearn", "scipy", "matplotlib", "seaborn", "torch", "jax", "cv2", "PIL",
    "tqdm", "h5py", "autokeras", "keras_tuner", "transformers", "datasets", "kerascheck",
})
_NEVER_LOCAL = KNOWN_LIBRARIES | frozenset(getattr(sys, "stdlib_module_names", ()))

# ``from .a.b import (c, d)`` and ``import a.b as c, d``: anywhere in the text (a notebook's
# JSON too), so that nothing the analysis may follow is missed.
# No leading \b: a pattern that starts with its literal keyword lets `re` skip ahead to it (ten
# times faster on large notebooks); the word boundary is checked on each match instead.
_FROM = re.compile(rb"from\s+(\.*)([\w.]*)\s+import\s*(\([^)]*\)|[^\n;]*)")
_IMPORT = re.compile(rb"import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)")
_WORD_BYTE = re.compile(rb"\w")
# ``sys.path.insert(1, "./preprocessing")`` or ``sys.path.append('lib')``: a literal folder
_SYS_PATH = re.compile(rb"""sys\.path\.(?:insert\(\s*-?\d+\s*,|append\()\s*[rRuU]?(["'])"""
                       rb"""([^"'\n\\]+)\1\s*\)""")
_NAME = re.compile(rb"[A-Za-z_][\w.]*")


@lru_cache(maxsize=4096)
def project_root(directory: str) -> str:
    """The nearest folder at or above ``directory`` with a project marker, else ``directory``."""
    candidate = directory
    while True:
        if any(os.path.exists(os.path.join(candidate, marker)) for marker in ROOT_MARKERS):
            return candidate
        parent = os.path.dirname(candidate)
        if parent == candidate:
            return directory
        candidate = parent


_PROJECTS: dict[str, Project] = {}


def project_for(path: str) -> Project | None:
    """The project of the file at ``path`` (one per root and process), or None for a path that
    is not a file's (``<stdin>``) or whose folder does not exist."""
    if not path or path.startswith("<"):
        return None
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        return None
    root = project_root(directory)
    project = _PROJECTS.get(root)
    if project is None:
        project = _PROJECTS[root] = Project(root)
    return project


def forget_layout() -> None:
    """Forget which modules were found where, and which folders are project roots (a
    long-lived process calls this when files were added or removed: ``kerascheck --watch``).
    What was parsed stays: it is checked against each file's size and mtime."""
    project_root.cache_clear()
    for project in _PROJECTS.values():
        project._found.clear()
        project._scanned.clear()  # (a file's imports found by lookup, which may now differ)
        project._entries.clear()


class Project:
    """One project root: module lookup, loaded modules, editor overlays, fingerprints."""

    def __init__(self, root: str):
        self.root = root
        self.overlays: dict[str, bytes] = {}
        self._loaded: dict[str, tuple] = {}  # path -> (stamp, LoadedModule | None)
        self._found: dict[tuple, tuple | None] = {}
        self._scanned: dict[str, tuple] = {}  # path -> (digest, direct dependencies)
        self._entries: dict[str, tuple] = {}  # path -> (stamp, folders it puts on sys.path)

    # -- the editor's unsaved texts -----------------------------------------------------------
    def set_overlay(self, path: str, text: str | bytes) -> None:
        raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        path = os.path.abspath(path)
        if path not in self.overlays:
            self._found.clear()  # a module the editor just created may now be found
        self.overlays[path] = raw

    def drop_overlay(self, path: str) -> None:
        self.overlays.pop(os.path.abspath(path), None)

    # -- lookup ------------------------------------------------------------------------------
    def resolve(self, importer: str, name: str, level: int = 0) -> LoadedModule | None:
        """The project's module ``name`` as ``importer`` imports it (``level``: leading dots),
        loaded; None when the project does not hold it."""
        found = self.find(importer, name, level)
        return self.load(*found) if found is not None else None

    def find(self, importer: str, name: str, level: int = 0) -> tuple | None:
        """``(path, dotted name, is_package)`` of the module, or None."""
        importer = os.path.abspath(importer)
        key = (os.path.dirname(importer), name, level, self._path_entries(importer))
        if key not in self._found:
            self._found[key] = self._find(importer, name, level)
        return self._found[key]

    def _find(self, importer: str, name: str, level: int) -> tuple | None:
        parts = [part for part in name.split(".") if part]
        if any(not part.isidentifier() for part in parts):
            return None
        if level:
            base = os.path.dirname(importer)
            for _ in range(level - 1):
                base = os.path.dirname(base)
            if not self._inside(base):
                return None
            return _module_at(base, parts, name) if parts else _package_at(base, "." * level)
        if not parts or parts[0] in _NEVER_LOCAL:
            return None
        for directory in self._search_dirs(importer):
            found = _module_at(directory, parts, name)
            if found is not None:
                return found
        return None

    def _search_dirs(self, importer: str) -> list[str]:
        directories = []
        own = os.path.dirname(importer)
        if self._inside(own) and not os.path.isfile(os.path.join(own, "__init__.py")):
            directories.append(own)  # a script's folder comes first on sys.path
        for directory in (*self._path_entries(importer), self.root,
                          os.path.join(self.root, "src")):
            if directory not in directories:
                directories.append(directory)
        return directories

    def _path_entries(self, importer: str) -> tuple[str, ...]:
        """The project folders ``importer`` puts on ``sys.path`` itself, written as literals
        (``sys.path.insert(1, "./preprocessing")``, ``sys.path.append("lib")``): relative ones
        from the project root (where such scripts are run from) or from the importer's own
        folder, whichever exists; folders outside the root are never followed."""
        stamp = self._stamp(importer)
        known = self._entries.get(importer)
        if known is not None and known[0] == stamp:
            return known[1]
        raw = self.read(importer) if stamp is not None else None
        folders: list[str] = []
        if raw is not None and b"sys.path" in raw:
            if importer.endswith(".ipynb"):
                raw = raw.replace(b'\\"', b'"')
            for match in _SYS_PATH.finditer(raw):
                text = match.group(2).decode("utf-8", "ignore")
                for candidate in (os.path.join(self.root, text),
                                  os.path.join(os.path.dirname(importer), text)):
                    candidate = os.path.normpath(candidate)
                    if self._inside(candidate) and os.path.isdir(candidate) and \
                            candidate not in folders:
                        folders.append(candidate)
        self._entries[importer] = (stamp, tuple(folders))
        return self._entries[importer][1]

    def _inside(self, directory: str) -> bool:
        return directory == self.root or directory.startswith(self.root.rstrip(os.sep) + os.sep)

    # -- reading -----------------------------------------------------------------------------
    def read(self, path: str) -> bytes | None:
        overlay = self.overlays.get(path)
        if overlay is not None:
            return overlay
        try:
            # a FIFO or a device named like a module is never opened: reading it would block
            if not stat.S_ISREG(os.stat(path).st_mode):
                return None
            with open(path, "rb") as handle:
                return handle.read()
        except OSError:
            return None

    def _stamp(self, path: str):
        if path in self.overlays:
            return ("overlay", hash(self.overlays[path]))
        try:
            status = os.stat(path)
        except OSError:
            return None
        return (status.st_mtime_ns, status.st_size)

    def load(self, path: str, name: str, is_package: bool) -> LoadedModule | None:
        """The module at ``path`` parsed (once per content); None if unreadable or invalid."""
        from kerascheck.analysis.project import LoadedModule

        if is_package and path not in self.overlays and not os.path.isfile(path):
            return LoadedModule(name, path, None, "", is_package=True)  # a namespace package
        stamp = self._stamp(path)
        known = self._loaded.get(path)
        if known is not None and known[0] == stamp:
            return known[1]
        loaded = None
        raw = self.read(path)
        if raw is not None:
            from kerascheck.source.parsing import ParseFailure, parse_source

            parsed = parse_source(raw)
            if not isinstance(parsed, ParseFailure):
                loaded = LoadedModule(name, path, parsed, _digest(raw), is_package)
        self._loaded[path] = (stamp, loaded)
        return loaded

    # -- what a cached result depends on -----------------------------------------------------
    def dependencies(self, path: str, content: bytes, digest: str | None = None) -> list[str]:
        """The project modules ``content`` (the file at ``path``) may import, by a textual scan
        (``digest``: ``content``'s, when the caller has it)."""
        path = os.path.abspath(path)
        digest = digest or _digest(content)
        known = self._scanned.get(path)
        if known is not None and known[0] == digest:
            return known[1]
        found: list[str] = []
        if path.endswith(".ipynb"):
            content = content.replace(b"\\n", b"\n")
        for name, level in _imported_names(content):
            module = self.find(path, name, level)
            if module is not None and module[0] not in found and module[0] != path:
                found.append(module[0])
        self._scanned[path] = (digest, found)
        return found

    def imports_any(self, path: str, content: bytes, markers: tuple[bytes, ...]) -> bool:
        """Whether a project module ``path`` imports, directly or not, holds one of ``markers``."""
        seen: set[str] = set()
        pending = list(self.dependencies(path, content))
        while pending:
            module = pending.pop()
            if module in seen:
                continue
            seen.add(module)
            raw = self.read(module)
            if raw is None:
                continue
            if any(marker in raw for marker in markers):
                return True
            pending.extend(self.dependencies(module, raw))
        return False

    def fingerprint(self, path: str, content: bytes) -> str:
        """A digest of the project modules ``path`` imports, transitively ('' if none)."""
        seen: dict[str, str] = {}
        pending = list(self.dependencies(path, content))
        while pending:
            module = pending.pop()
            if module in seen:
                continue
            raw = self.read(module)
            seen[module] = _digest(raw) if raw is not None else "missing"
            if raw is not None:
                pending.extend(self.dependencies(module, raw, seen[module]))
        if not seen:
            return ""
        return _digest("\n".join(f"{p}\0{d}" for p, d in sorted(seen.items())).encode(
            "utf-8", "surrogateescape"))


def _imported_names(content: bytes):
    """``(dotted name, level)`` of everything an import statement in ``content`` could load."""
    for match in _keyword_matches(_FROM, content):
        level, module = len(match.group(1)), match.group(2).decode("ascii", "ignore")
        yield module, level
        for imported in _NAME.findall(match.group(3)):
            leaf = imported.decode("ascii", "ignore")
            if leaf != "as":
                yield (f"{module}.{leaf}" if module else leaf), level
    for match in _keyword_matches(_IMPORT, content):
        for item in match.group(1).split(b","):
            dotted = item.split()[0].decode("ascii", "ignore") if item.split() else ""
            pieces = dotted.split(".")
            for end in range(1, len(pieces) + 1):
                yield ".".join(pieces[:end]), 0


def _keyword_matches(pattern: re.Pattern, content: bytes):
    """The matches of ``pattern`` whose keyword starts a word (what a leading \\b would say)."""
    for match in pattern.finditer(content):
        start = match.start()
        if start == 0 or not _WORD_BYTE.match(content, start - 1):
            yield match


def _module_at(directory: str, parts: list[str], name: str) -> tuple | None:
    base = os.path.join(directory, *parts)
    if os.path.isfile(base + ".py"):
        return (base + ".py", name, False)
    return _package_at(base, name)


def _package_at(base: str, name: str) -> tuple | None:
    """A package: its ``__init__.py``, which a namespace package (a folder without one) lacks."""
    init = os.path.join(base, "__init__.py")
    if os.path.isfile(init) or os.path.isdir(base):
        return (init, name, True)
    return None


def _digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()
