"""Which rules run where, and which files a run looks at: ``[tool.kerascheck]`` settings.

The settings live in the ``[tool.kerascheck]`` table of the nearest ``pyproject.toml`` (searched
upward from the files being checked; a ``pyproject.toml`` without the table is passed over, as
Ruff does), or in the file named by ``--config``. Keys use Ruff's names and meaning:

``select`` / ``extend-select`` / ``ignore``
    rule selectors: a code (``KC201``), a prefix (``KC2``, ``KC``), a rule name
    (``linear-hidden-activation``) or ``ALL``. The most specific selector wins; at equal
    specificity ``ignore`` wins.
``per-file-ignores``
    glob → selectors; a leading ``!`` negates the glob (the codes are ignored everywhere *but*
    the matching files).
``exclude`` / ``extend-exclude``
    globs of files and folders skipped while walking folders (``exclude`` replaces the
    defaults, ``extend-exclude`` adds to them). Files named on the command line are checked
    anyway unless ``force-exclude`` is set.
``respect-gitignore`` (default true), ``force-exclude`` (default false)

Globs without a ``/`` match a file or folder name anywhere (``build``, ``*_pb2.py``); globs with
a ``/`` match the path relative to the project root, the folder holding the configuration file
(``src/legacy/*``, ``**/generated/**``). An unknown key, a value of the wrong type or an unknown
rule selector is a :class:`ConfigError` (the CLI exits 2), never silently ignored.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import sys
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from kerascheck.settings.globs import matches_any_glob, matches_glob
from kerascheck.settings.target import TARGETS

# Folders skipped while walking, like Ruff's defaults (hidden folders and virtual environments
# are always skipped). ``exclude`` replaces this list; ``extend-exclude`` adds to it.
DEFAULT_EXCLUDE = ("__pycache__", "__pypackages__", "_build", "buck-out", "build", "dist",
                   "node_modules", "site-packages", "venv", "env")

TABLE = "kerascheck"


class ConfigError(ValueError):
    """A configuration or command-line selection that cannot be honored (exit 2)."""


@dataclass(frozen=True)
class Config:
    """Resolved settings. Immutable, hashable and picklable: caches key on :meth:`fingerprint`.

    ``Config()`` is the default configuration (every rule, default excludes, .gitignore
    respected, globs relative to the current folder).
    """

    select: tuple[str, ...] = ("KC",)
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = field(default=())
    respect_gitignore: bool = True
    force_exclude: bool = False
    #: "keras3" or "keras2" (see :mod:`kerascheck.settings.target`); None: inferred per file
    target_version: str | None = None
    #: the folder globs are relative to ("" means the current folder)
    root: str = ""
    #: the file the settings came from ("" for defaults); shown by --show-settings
    source: str = field(default="", compare=False)

    def __post_init__(self):
        if self.target_version not in (None, *TARGETS):
            raise ConfigError(f"target-version must be one of {', '.join(TARGETS)}, got "
                              f"{self.target_version!r}")
        for selector in (*self.select, *self.ignore, *self.extend_select):
            resolve_selector(selector)
        for _pattern, codes in self.per_file_ignores:
            for selector in codes:
                resolve_selector(selector)

    # -- rule selection ------------------------------------------------------------------
    @cached_property
    def _selected(self) -> tuple[str, ...]:
        return tuple(resolve_selector(s) for s in (*self.select, *self.extend_select))

    @cached_property
    def _ignored(self) -> tuple[str, ...]:
        return tuple(resolve_selector(s) for s in self.ignore)

    @cached_property
    def _per_file(self) -> tuple[tuple[str, bool, tuple[str, ...]], ...]:
        rows = []
        for pattern, codes in self.per_file_ignores:
            negated = pattern.startswith("!")
            rows.append((pattern[1:] if negated else pattern, negated,
                         tuple(resolve_selector(code) for code in codes)))
        return tuple(rows)

    def is_enabled(self, code: str, path: str | None = None) -> bool:
        """Whether rule ``code`` runs on ``path`` (``None``: regardless of per-file ignores)."""
        selected = _match_length(code, self._selected)
        ignored = _match_length(code, self._ignored)
        if selected < 0 or ignored >= selected:
            return False
        if path is not None and self.per_file_ignores:
            for pattern, negated, codes in self._per_file:
                if _match_length(code, codes) >= 0 and \
                        matches_glob(path, pattern, self.root) != negated:
                    return False
        return True

    def enabled_codes(self, path: str | None = None) -> list[str]:
        """The codes of the rules that run on ``path``."""
        from kerascheck.rules import all_rules

        return [rule.code for rule in all_rules() if self.is_enabled(rule.code, path)]

    # -- file selection --------------------------------------------------------------------
    def is_excluded(self, path: str, ancestors: bool = True) -> bool:
        """Whether ``exclude``/``extend-exclude`` match the file or (with ``ancestors``) one of
        its folders."""
        return matches_any_glob(path, (*self.exclude, *self.extend_exclude), self.root,
                                ancestors)

    # -- identity --------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The settings as plain JSON-ready data, with the keys users write."""
        data = asdict(self)
        data.pop("source")
        data["per_file_ignores"] = {pattern: list(codes)
                                    for pattern, codes in self.per_file_ignores}
        return {key.replace("_", "-"): list(value) if isinstance(value, tuple) else value
                for key, value in data.items()}

    def fingerprint(self) -> str:
        """A stable hash of everything that can change a result (not where it was read from)."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def with_overrides(self, **changes) -> "Config":
        """A copy with some fields replaced (validated again)."""
        from dataclasses import replace

        return replace(self, **changes)


# -- reading the settings -----------------------------------------------------------------

def load_config(start: str | os.PathLike = ".",
                config_file: str | os.PathLike | None = None) -> Config:
    """The configuration for files under ``start``: from ``config_file`` when given, else from
    the nearest ``pyproject.toml`` at or above ``start`` that has a ``[tool.kerascheck]`` table,
    else the defaults (globs relative to ``start``). Raises :class:`ConfigError` on anything
    invalid. The CLI and the pytest plugin both call this."""
    if config_file is not None:
        path = Path(config_file)
        if not path.is_file():
            raise ConfigError(f"{path}: configuration file not found")
        table = _read_table(path, whole_file=path.name != "pyproject.toml")
        return config_from_table(table or {}, root=path.resolve().parent, source=str(path))
    found = find_config_file(start)
    if found is None:
        root = Path(start).resolve()
        return Config(root=str(root if root.is_dir() else root.parent))
    path, table = found
    return config_from_table(table, root=path.parent, source=str(path))


def find_config_file(start: str | os.PathLike) -> tuple[Path, dict] | None:
    """The nearest ``pyproject.toml`` with a ``[tool.kerascheck]`` table, and that table."""
    directory = Path(start).resolve()
    if not directory.is_dir():
        directory = directory.parent
    for candidate in (directory, *directory.parents):
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            table = _read_table(pyproject, whole_file=False)
            if table is not None:
                return pyproject, table
    return None


def _read_table(path: Path, whole_file: bool) -> dict | None:
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    table = document.get("tool", {}).get(TABLE) if isinstance(document.get("tool"), dict) \
        else None
    if whole_file and table is None:  # a kerascheck.toml: the keys at the top level
        return document
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{TABLE}] must be a table")
    return table


def _string_list(key: str, value, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: '{key}' must be a list of strings, got {value!r}")
    return tuple(value)


def _boolean(key: str, value, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: '{key}' must be true or false, got {value!r}")
    return value


def _per_file_ignores(key: str, value, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: '{key}' must be a table of glob = [codes]")
    return tuple((pattern, _string_list(f"{key}.{pattern}", codes, where))
                 for pattern, codes in value.items())


def _target(key: str, value, where: str) -> str:
    if value not in TARGETS:
        raise ConfigError(f"{where}: '{key}' must be one of {', '.join(TARGETS)}, got {value!r}")
    return value


# key in the file → (Config field, value reader)
KEYS = {
    "select": ("select", _string_list),
    "extend-select": ("extend_select", _string_list),
    "ignore": ("ignore", _string_list),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "exclude": ("exclude", _string_list),
    "extend-exclude": ("extend_exclude", _string_list),
    "respect-gitignore": ("respect_gitignore", _boolean),
    "force-exclude": ("force_exclude", _boolean),
    "target-version": ("target_version", _target),
}


def config_from_table(table: dict, root: str | os.PathLike = "", source: str = "") -> Config:
    """A :class:`Config` from a ``[tool.kerascheck]`` table; every key and code is checked."""
    where = source or "configuration"
    values = {}
    for key, value in table.items():
        if key not in KEYS:
            hint = difflib.get_close_matches(key, KEYS, n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            raise ConfigError(f"{where}: unknown key '{key}' in [tool.{TABLE}]{suggestion}; "
                              f"known keys: {', '.join(KEYS)}")
        field_name, reader = KEYS[key]
        values[field_name] = reader(key, value, where)
    try:
        return Config(root=str(root), source=source, **values)
    except ConfigError as error:
        raise ConfigError(f"{where}: {error}") from None


# -- selectors ----------------------------------------------------------------------------

def resolve_selector(selector: str) -> str:
    """A code prefix for a selector given as a code, a prefix or a rule name."""
    from kerascheck.rules import all_rules

    text = selector.strip()
    upper = text.upper()
    if upper == "ALL":
        return "KC"
    if upper.startswith("KC") and upper[2:].isdigit() or upper == "KC":
        if any(rule.code.startswith(upper) for rule in all_rules()):
            return upper
        raise ConfigError(f"unknown rule selector: {selector!r}")
    for rule in all_rules():
        if rule.name == text.lower():
            return rule.code
    raise ConfigError(f"unknown rule selector: {selector!r} (expected a code such as KC201, a "
                      f"prefix such as KC2, or a rule name such as linear-hidden-activation)")


def _match_length(code: str, prefixes) -> int:
    """The length of the most specific prefix matching ``code``; -1 if none does."""
    best = -1
    for prefix in prefixes:
        if code.startswith(prefix):
            best = max(best, len(prefix))
    return best
