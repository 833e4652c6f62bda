"""Rule docs as users read them: ``kerascheck rule KC201`` and the generated pages."""

from __future__ import annotations

from kerascheck.rules.base import SECTIONS, Rule


def render_rule(rule: type[Rule]) -> str:
    """A rule's doc in Markdown: title, summary, then the fixed sections in order."""
    sections = rule.sections()
    lines = [f"# {rule.code} {rule.name}", "", rule.summary, ""]
    fix = rule.fix_applicability or "none"
    lines += [f"Family: {rule.family()}. Fix: {fix}.", ""]
    for heading in SECTIONS:
        body = sections.get(heading)
        if body:
            lines += [f"## {heading}", "", body, ""]
    return "\n".join(lines).rstrip() + "\n"
