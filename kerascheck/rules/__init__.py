"""The rule registry: every ``kc*.py`` module in this package contributes its Rule subclasses.

Discovery by module name keeps adding a rule to one new file; the order of ``ALL_RULES`` is the
order of codes.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from kerascheck.rules.base import Rule


@lru_cache(maxsize=None)
def all_rules() -> tuple[type[Rule], ...]:
    found: dict[str, type[Rule]] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if not module_info.name.startswith("kc"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule \
                    and value.__module__ == module.__name__:
                if value.code in found:
                    raise RuntimeError(f"rule code {value.code} is defined twice")
                found[value.code] = value
    return tuple(found[code] for code in sorted(found))


def rule_by_code_or_name(key: str) -> type[Rule] | None:
    for rule in all_rules():
        if key.upper() == rule.code or key.lower() == rule.name:
            return rule
    return None


def rule_name(code: str) -> str:
    rule = rule_by_code_or_name(code)
    return rule.name if rule else code
