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
``time-limit``
    seconds one file may take to lint (default 60; 0: no limit); a slower file is KC000
    "not checked: took longer than N s"
``memory-limit``
    megabytes one pool worker may use (default 0: this machine's memory shared among the
    workers, at most 4096); a file that needs more is KC000 "not checked"
``respect-gitignore`` (default true), ``force-exclude`` (default false), ``ignore-noqa``
    (default false: ``# noqa`` comments suppress findings)
``fixable`` (default ``["ALL"]``) / ``unfixable`` / ``unsafe-fixes`` (default false)
    which rules' fixes ``--fix`` applies, and whether the unsafe ones too
``rule-modules``
    modules of your own rules (:mod:`kerascheck.rules`), loaded before the selectors are read

Globs without a ``/`` match a file or folder name anywhere (``build``, ``*_pb2.py``); globs with
a ``/`` match the path relative to the project root, the folder holding the configuration file
(``src/legacy/*``, ``**/generated/**``). An unknown key, a value of the wrong type or an unknown
rule selector is a :class:`ConfigError` (the CLI exits 2), never silently ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from kerascheck.settings.globs import GlobError, check_glob, matches_any_glob, matches_glob
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
    #: seconds one file may take to lint before it is reported as not checked (0: no limit)
    time_limit: float = 60.0
    #: megabytes of memory one pool worker may use (0: a share of this machine's memory)
    memory_limit: int = 0
    #: report what ``# noqa`` comments would hide (and no KC001): ``--ignore-noqa``
    ignore_noqa: bool = False
    #: the rules whose fixes ``--fix`` may apply (Ruff's ``fixable``/``unfixable``)
    fixable: tuple[str, ...] = ("KC",)
    unfixable: tuple[str, ...] = ()
    #: apply the unsafe fixes too (``--unsafe-fixes`` / ``--no-unsafe-fixes`` override it)
    unsafe_fixes: bool = False
    #: modules of your own rules (``.py`` paths relative to ``root``, or dotted names)
    rule_modules: tuple[str, ...] = ()
    #: "keras3", "keras2" or "tf1" (see :mod:`kerascheck.settings.target`); None: inferred per file
    target_version: str | None = None
    #: the folder globs are relative to ("" means the current folder)
    root: str = ""
    #: the file the settings came from ("" for defaults); shown by --show-settings
    source: str = field(default="", compare=False)

    def __post_init__(self):
        if self.target_version not in (None, *TARGETS):
            raise ConfigError(f"target-version must be one of {', '.join(TARGETS)}, got "
                              f"{self.target_version!r}")
        self.load_rule_modules()
        for selector in (*self.select, *self.ignore, *self.extend_select, *self.fixable,
                         *self.unfixable):
            resolve_selector(selector)
        for _pattern, codes in self.per_file_ignores:
            for selector in codes:
                resolve_selector(selector)
        patterns = (*self.exclude, *self.extend_exclude,
                    *(pattern.removeprefix("!") for pattern, _codes in self.per_file_ignores))
        for pattern in patterns:
            try:
                check_glob(pattern)
            except GlobError as error:
                raise ConfigError(str(error)) from None

    def load_rule_modules(self) -> None:
        """Register the rules of ``rule_modules`` in this process (once; the engine calls it
        again in worker processes, which receive the settings but not the imports)."""
        if not self.rule_modules:
            return
        from kerascheck.rules import RuleLoadError, load_rule_module

        for spec in self.rule_modules:
            try:
                load_rule_module(spec, self.root)
            except RuleLoadError as error:
                raise ConfigError(str(error)) from None

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

    def is_fixable(self, code: str) -> bool:
        """Whether ``--fix`` may apply rule ``code``'s fixes (``fixable`` minus ``unfixable``,
        the most specific selector winning as in rule selection)."""
        fixable = _match_length(code, [resolve_selector(s) for s in self.fixable])
        return fixable >= 0 and fixable > _match_length(
            code, [resolve_selector(s) for s in self.unfixable])

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
        """A stable hash of everything that can change a result (not where it was read from):
        the settings, and the code of every rule of your own that is loaded."""
        return self._fingerprint

    @cached_property
    def _fingerprint(self) -> str:  # once per settings object: caches ask for every file
        import inspect

        from kerascheck.rules import own_rules

        own = []
        for rule in own_rules():  # (kerascheck's own are in the cache's code fingerprint)
            if not rule.__module__.startswith("kerascheck.rules."):
                try:
                    own.append(inspect.getsource(inspect.getmodule(rule)))
                except (OSError, TypeError):
                    own.append(f"{rule.__module__}.{rule.__qualname__}")
        text = json.dumps([self.to_dict(), sorted(set(own))], sort_keys=True,
                          separators=(",", ":"))
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
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: not UTF-8 ({error.reason} at byte "
                          f"{error.start})") from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise ConfigError(f"{path}: invalid TOML: nested too deeply to read") from None
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


def _seconds(key: str, value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1e6:
        raise ConfigError(f"{where}: '{key}' must be a number of seconds (0: no limit), "
                          f"got {value!r}")
    return float(value)


def _megabytes(key: str, value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << 30:
        raise ConfigError(f"{where}: '{key}' must be a whole number of megabytes (0: "
                          f"automatic), got {value!r}")
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
    "time-limit": ("time_limit", _seconds),
    "memory-limit": ("memory_limit", _megabytes),
    "ignore-noqa": ("ignore_noqa", _boolean),
    "fixable": ("fixable", _string_list),
    "unfixable": ("unfixable", _string_list),
    "unsafe-fixes": ("unsafe_fixes", _boolean),
    "rule-modules": ("rule_modules", _string_list),
    "target-version": ("target_version", _target),
}


def config_from_table(table: dict, root: str | os.PathLike = "", source: str = "") -> Config:
    """A :class:`Config` from a ``[tool.kerascheck]`` table; every key and code is checked."""
    where = source or "configuration"
    values = {}
    for key, value in table.items():
        if key not in KEYS:
            import difflib  # (only for a mistake: every start pays its import otherwise)

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
    """A code prefix for a selector given as a code, a prefix or a rule name. (Read from the
    rules' table, :func:`kerascheck.rules.rule_table`: no rule module is imported here.)"""
    from kerascheck.rules import rule_table

    table = rule_table()
    text = selector.strip()
    upper = text.upper()
    if upper == "ALL":
        return "KC"
    if re.fullmatch(r"[A-Z]+[0-9]*", upper) and any(code.startswith(upper)
                                                      for code, _name in table):
        return upper  # a code or a prefix, kerascheck's or a rule of your own
    if upper.startswith("KC") and upper[2:].isdigit() or upper == "KC":
        raise ConfigError(f"unknown rule selector: {selector!r}{_guess(upper, table)}")
    for code, name in table:
        if name == text.lower():
            return code
    raise ConfigError(f"unknown rule selector: {selector!r}{_guess(text, table)} "
                      f"(expected a code such as KC201, a prefix such as KC2, or a rule name "
                      f"such as linear-hidden-activation)")


def _guess(selector: str, table) -> str:
    """``; did you mean 'KC502'?`` for a selector close to a code or a name (``KC5O2``,
    ``sigmoid-multi-class``); empty when nothing is close. ``table``: ``(code, name)`` rows."""
    if selector.upper().startswith("KC"):
        key, known = selector.upper(), [code for code, _name in table]
    else:
        key, known = selector.lower(), [name for _code, name in table]
    import difflib

    close = difflib.get_close_matches(key, known, n=1, cutoff=0.7)
    return f"; did you mean {close[0]!r}?" if close else ""


def _match_length(code: str, prefixes) -> int:
    """The length of the most specific prefix matching ``code``; -1 if none does."""
    best = -1
    for prefix in prefixes:
        if code.startswith(prefix):
            best = max(best, len(prefix))
    return best
