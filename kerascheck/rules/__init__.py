"""The rule registry: every ``kc*.py`` module in this package contributes its Rule subclasses,
and so do the rules of your own (see :func:`load_rule_module`).

Discovery by module name keeps adding a rule to one new file; the order of ``all_rules()`` is
the order of codes. What needs only the codes and names (settings, reports, a warm run that
finds every result in the cache) reads :func:`rule_table`, from the generated
:mod:`kerascheck.rules.registry` (``python -m kerascheck.rules.registry`` writes it), and so
imports no rule module, no analysis and no LibCST. Rules of your own have the same :class:`~kerascheck.rules.base.Rule` shape
and come from an installed package's entry point in the group ``kerascheck.rules`` (a module
or a Rule class) or from a local module named by ``rule-modules`` in ``[tool.kerascheck]``.
Their codes are their own (``TEAM101``: letters, then digits, not ``KC``), so selecting them
is explicit: ``extend-select = ["TEAM"]``.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache
from types import ModuleType

from kerascheck.rules.base import Rule

ENTRY_POINT_GROUP = "kerascheck.rules"
_OWN_CODE = re.compile(r"(?!KC)[A-Z]{2,}[0-9]{3}")
# rules loaded from local modules, by the module's path or name
_LOCAL: dict[str, tuple[type[Rule], ...]] = {}


class RuleLoadError(ValueError):
    """A rule of your own that cannot be loaded or clashes with another (exit 2)."""


@lru_cache(maxsize=None)
def all_rules() -> tuple[type[Rule], ...]:
    found: dict[str, type[Rule]] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if not module_info.name.startswith("kc"):
            continue
        for rule in rules_in(importlib.import_module(f"{__name__}.{module_info.name}")):
            _add(found, rule, "kerascheck")
    for source, rule in _own_rules():
        _add(found, rule, source)
    return tuple(found[code] for code in sorted(found))


def _own_rules() -> list[tuple[str, type[Rule]]]:
    """The rules of your own that are loaded (entry points, ``rule-modules``), codes checked."""
    own = []
    for source, rule in (*_entry_point_rules(), *((source, rule) for source, rules in
                                                  _LOCAL.items() for rule in rules)):
        if rule.code.startswith("KC") or not _OWN_CODE.fullmatch(rule.code):
            raise RuleLoadError(f"{source}: rule code {rule.code!r} must be letters then three "
                                f"digits, not starting with KC (KC is kerascheck's own)")
        own.append((source, rule))
    return own


@lru_cache(maxsize=None)
def own_rules() -> tuple[type[Rule], ...]:
    """The rules of your own, without importing kerascheck's (see :func:`rule_table`)."""
    return tuple(rule for _source, rule in _own_rules())


@lru_cache(maxsize=None)
def rule_table() -> tuple[tuple[str, str], ...]:
    """``(code, name)`` of every rule, in code order, as :func:`all_rules` has them but without
    importing kerascheck's own rule modules (and with them LibCST and the analysis): read from
    the generated :mod:`kerascheck.rules.registry`, which a test keeps equal to the modules.
    What settings, reports and a warm run need of the rules."""
    from kerascheck.rules.registry import RULES

    found = {code: name for code, name, _module, _class in RULES}
    for rule in own_rules():
        if rule.code in found and found[rule.code] != rule.name:
            raise RuleLoadError(f"rule code {rule.code} is defined twice")
        found[rule.code] = rule.name
    return tuple((code, found[code]) for code in sorted(found))


def _add(found: dict, rule: type[Rule], source: str) -> None:
    if rule.code in found and found[rule.code] is not rule:
        raise RuleLoadError(f"{source}: rule code {rule.code} is defined twice")
    found[rule.code] = rule


def rules_in(module: ModuleType) -> list[type[Rule]]:
    """The Rule subclasses a module defines (not those it imports)."""
    return [value for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule
            and value.__module__ == module.__name__]


def _entry_point_rules() -> list[tuple[str, type[Rule]]]:
    if not _may_declare_entry_points(ENTRY_POINT_GROUP):
        return []
    from importlib.metadata import entry_points

    found = []
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded = entry_point.load()
        except Exception as error:
            raise RuleLoadError(f"entry point {entry_point.name!r} ({entry_point.value}): "
                                f"{type(error).__name__}: {error}") from None
        rules = rules_in(loaded) if isinstance(loaded, ModuleType) else [loaded]
        if not all(isinstance(rule, type) and issubclass(rule, Rule) for rule in rules):
            raise RuleLoadError(f"entry point {entry_point.name!r} is not a Rule or a module")
        found += [(f"entry point {entry_point.name!r}", rule) for rule in rules]
    return found


def _may_declare_entry_points(group: str) -> bool:
    """Whether an installed distribution may declare entry points in ``group``. False only when
    the standard path finder is the one finder of distributions and no metadata folder on
    ``sys.path`` has an ``entry_points.txt`` that names the group; otherwise (a zip archive on
    the path, another finder, the group named) :mod:`importlib.metadata` decides, as before. A
    shortcut for the usual answer, no rule of your own installed: importing importlib.metadata
    (email, zipfile, csv, ...) cost about 20 ms of every run's start."""
    import os
    import sys
    from importlib.machinery import PathFinder

    if any(finder is not PathFinder and getattr(finder, "find_distributions", None) is not None
           for finder in sys.meta_path):
        return True
    named = group.encode()
    for entry in sys.path:
        if not isinstance(entry, str):
            return True
        folder = entry or "."
        try:
            names = os.listdir(folder)
        except NotADirectoryError:
            return True  # (a zip archive: importlib.metadata reads the metadata it holds)
        except OSError:
            continue
        egg = folder.lower().endswith(".egg")
        for name in names:
            lowered = name.lower()
            if lowered.endswith((".dist-info", ".egg-info")) or egg and lowered == "egg-info":
                try:
                    with open(os.path.join(folder, name, "entry_points.txt"), "rb") as handle:
                        if named in handle.read():
                            return True
                except OSError:  # (none; or an .egg-info that is a file)
                    continue
    return False


def load_rule_module(spec: str, root: str = "") -> tuple[type[Rule], ...]:
    """Import a module of your own rules (a ``.py`` path, relative to ``root``, or a dotted
    module name) once per process and register its rules."""
    if spec in _LOCAL:
        return _LOCAL[spec]
    import os

    try:
        if spec.endswith(".py"):
            import importlib.util

            path = os.path.join(root, spec) if root and not os.path.isabs(spec) else spec
            name = "kerascheck_local_rules." + re.sub(r"\W", "_", os.path.abspath(path))
            module_spec = importlib.util.spec_from_file_location(name, path)
            if module_spec is None or not os.path.isfile(path):
                raise RuleLoadError(f"rule module {spec!r}: no such file")
            module = importlib.util.module_from_spec(module_spec)
            import sys

            sys.modules[name] = module  # so that inspect (the cache's fingerprint) finds it
            module_spec.loader.exec_module(module)
        else:
            module = importlib.import_module(spec)
    except RuleLoadError:
        raise
    except Exception as error:
        raise RuleLoadError(f"rule module {spec!r}: {type(error).__name__}: {error}") from None
    rules = tuple(rules_in(module))
    if not rules:
        raise RuleLoadError(f"rule module {spec!r} defines no Rule subclass")
    _LOCAL[spec] = rules
    _clear_caches()
    try:
        all_rules()  # check the codes now, where the error can name the module
    except RuleLoadError:
        del _LOCAL[spec]
        _clear_caches()
        raise
    return rules


def _clear_caches() -> None:
    for cached in (all_rules, own_rules, rule_table):
        cached.cache_clear()


def rule_by_code_or_name(key: str) -> type[Rule] | None:
    for rule in all_rules():
        if key.upper() == rule.code or key.lower() == rule.name:
            return rule
    return None


def rule_name(code: str) -> str:
    for known, name in rule_table():
        if code.upper() == known or code.lower() == name:
            return name
    return code
