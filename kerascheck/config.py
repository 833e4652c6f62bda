"""Which rules run where: selection by code, prefix or rule name."""

from __future__ import annotations

from dataclasses import dataclass, field


class ConfigError(ValueError):
    """A configuration or command-line selection that cannot be honored (exit 2)."""


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ("KC",)
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = field(default=())

    def __post_init__(self):
        for selector in (*self.select, *self.ignore, *self.extend_select):
            resolve_selector(selector)

    def is_enabled(self, code: str, path: str | None = None) -> bool:
        selected = _match_length(code, (*self.select, *self.extend_select))
        ignored = _match_length(code, self.ignore)
        if selected < 0 or ignored > selected:
            return False
        if path is not None and self.per_file_ignores:
            from kerascheck.paths import matches_glob

            for pattern, codes in self.per_file_ignores:
                if matches_glob(path, pattern) and _match_length(code, codes) >= 0:
                    return False
        return True


def resolve_selector(selector: str) -> str:
    """A code prefix for a selector given as a code, a prefix or a rule name."""
    from kerascheck.rules import all_rules

    text = selector.strip()
    if text.upper() in ("ALL",):
        return "KC"
    upper = text.upper()
    if upper.startswith("KC") and upper[2:].isdigit() or upper == "KC":
        if any(rule.code.startswith(upper) for rule in all_rules()):
            return upper
        raise ConfigError(f"unknown rule selector: {selector!r}")
    for rule in all_rules():
        if rule.name == text.lower():
            return rule.code
    raise ConfigError(f"unknown rule selector: {selector!r} (expected a code such as KC201, a "
                      f"prefix such as KC2, or a rule name such as linear-hidden-activation)")


def _match_length(code: str, selectors) -> int:
    """The length of the most specific selector matching ``code``; -1 if none does."""
    best = -1
    for selector in selectors:
        prefix = resolve_selector(selector)
        if code.startswith(prefix):
            best = max(best, len(prefix))
    return best
