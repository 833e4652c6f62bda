"""The findings of a file whose imported project modules were interpreted with it
(:mod:`kerascheck.analysis.project`): which of them are that module's own, which only this
file's use reveals (reported here, naming the place), and the places in those modules that a
finding's related locations name. :func:`imported_findings` is what :func:`kerascheck.engine.
judge_module` and the fixer call."""

from __future__ import annotations

import os

import libcst as cst

from kerascheck.diagnostics import Finding, Related, RelatedLocation
from kerascheck.facts import LayerFact
from kerascheck.rules import all_rules
from kerascheck.source.files import SYNTAX_ERROR

# The codes the engine itself reports, which no rule judges (kerascheck.engine imports them from
# here: this module sits below it). KC001 is reported once every rule has run
# (kerascheck.source.unused_noqa).
UNUSED_NOQA = "KC001"
ENGINE_RULES = (SYNTAX_ERROR, UNUSED_NOQA)
# what a finding reported at an importer says of the place in the imported module it names
ABOUT = "the place this finding is about, in the imported module"


def node_of(target):
    """The CST node a finding's (or a related place's) target stands for."""
    return target.node if isinstance(target, LayerFact) else target


def imported_findings(findings: list[Finding], analyzer, target_version: str,
                      path: str) -> list[Finding]:
    """The findings of a file whose imported project modules were interpreted with it. A
    finding on a node of an imported module that the module reports itself (linted alone) is
    that module's, not repeated here; one that only this file's use of the module reveals is
    reported here, naming the place (``(in model.py:12)``), with its fix only when the fix edits
    this file (the loss of a model built there): at the finding's ``home`` when the rule named
    one in this file (the call that builds the model from that module), else at the import;
    the same rule's findings at
    several places behind one such line are one finding naming them all
    (``(in model.py:12, 40)``). Related places in an imported module are located there."""
    kept: list[Finding] = []
    elsewhere: dict[str, list] = {}
    entries = [entry for entry in analyzer.project_modules.values() if entry[0].module]
    here = os.path.dirname(os.path.abspath(path))
    places = _RelatedPlaces(entries, path)

    def owner_of(node):
        return _owner(entries, node)

    for finding in findings:
        node = node_of(finding.target)
        owner = owner_of(node)
        if owner is None:
            edits = getattr(finding.fix, "edits", ()) if finding.fix is not None else ()
            if any(id(edit.node) in entry[0].node_ids() for edit in edits for entry in entries):
                finding = Finding(finding.code, finding.message, finding.target,
                                  related=finding.related)  # edits there
            kept.append(places.located(finding))
            continue
        if id(node) in _silent_nodes(owner[0], target_version):
            continue  # under a branch the installation chooses, in that module: silent there
        own = _own_findings(owner[0], analyzer, target_version)
        if own is not None and (finding.code, id(node)) not in own:
            home = finding.home if isinstance(finding.home, cst.CSTNode) and \
                owner_of(finding.home) is None else owner[1]
            elsewhere.setdefault(owner[0].path, []).append((finding, node, owner, home))
        # (own is None: that module cannot be analysed alone, so whose finding it is stays
        # unknown: not reported)
    if not elsewhere:
        return kept
    from kerascheck.source.positions import positions_and_spans

    for module_path, items in elsewhere.items():
        module = items[0][2][0].module
        positions = positions_and_spans(module, [node for _, node, _, _ in items], [])[0]
        shown = os.path.relpath(module_path, here)
        # one finding per rule and reporting place, naming every place (three builders of one
        # module with the same fault are three places behind one import line)
        grouped: dict[tuple, tuple[Finding, object, list[int], list]] = {}
        for finding, node, _, home in items:
            line = positions[node].start.line if node in positions else 1
            _, _, lines, related = grouped.setdefault(
                (finding.code, id(home)), (finding, home, [], []))
            if line not in lines:
                lines.append(line)
            if not any(node_of(place.target) is node for place in [*related, *finding.related]):
                related.append(Related(node, ABOUT))  # the place the message names, located
            related.extend(place for place in finding.related if place not in related)
        for first, home, lines, related in grouped.values():
            edits = getattr(first.fix, "edits", ()) if first.fix is not None else ()
            fix = first.fix if edits and owner_of(edits[0].node) is None and all(
                owner_of(edit.node) is None for edit in edits) else None
            kept.append(places.located(Finding(
                first.code, f"{first.message} (in {shown}:"
                f"{', '.join(str(line) for line in sorted(lines))})", home, fix,
                tuple(related))))
    return kept


def _owner(entries: list, node):
    """The imported module's entry whose tree holds ``node``, or None (a node of this file)."""
    return next((entry for entry in entries if id(node) in entry[0].node_ids()), None)


class _RelatedPlaces:
    """Related places whose targets lie in an imported module, located there (positions
    computed once per module)."""

    def __init__(self, entries: list, path: str):
        self.entries, self.path = entries, path
        self.positions: dict[str, dict] = {}

    def located(self, finding: Finding) -> Finding:
        if not finding.related:
            return finding
        moved = tuple(self._place(place) for place in finding.related)
        return finding if moved == finding.related else \
            Finding(finding.code, finding.message, finding.target, finding.fix, moved,
                    finding.home)

    def display(self, module_path: str) -> str:
        """``module_path`` written as the linted file's path is (relative stays relative)."""
        folder = os.path.dirname(self.path)
        relative = os.path.relpath(module_path, os.path.dirname(os.path.abspath(self.path)))
        return os.path.normpath(os.path.join(folder, relative)) if folder else relative

    def _place(self, place):
        if not isinstance(place, Related):
            return place
        node = node_of(place.target)
        entry = _owner(self.entries, node)
        if entry is None:
            return place  # in this file: located with the finding
        from kerascheck.source.positions import positions_and_spans

        loaded = entry[0]
        known = self.positions.setdefault(loaded.path, {})
        if node not in known:
            known.update(positions_and_spans(loaded.module, [node], [])[0])
        code_range = known.get(node)
        if code_range is None:
            return place
        return RelatedLocation(
            self.display(loaded.path), code_range.start.line, code_range.start.column + 1,
            place.message, code_range.end.line, code_range.end.column + 1)


def _silent_nodes(loaded, target_version: str) -> set[int]:
    """The nodes of an imported module under branches the installation chooses (what
    :func:`kerascheck.engine.judge_module` silences in a file of its own), once per loaded
    module and target."""
    key = ("silent", target_version)
    if key not in loaded.cached:
        from kerascheck.analysis.branches import conditional_nodes

        try:
            loaded.cached[key] = conditional_nodes(loaded.module, loaded.module.code,
                                                   target_version)
        except RecursionError:  # too deep to print again: nothing of it is judged silent
            loaded.cached[key] = set()
    return loaded.cached[key]


def _own_findings(loaded, analyzer, target_version: str) -> set | None:
    """``(code, id(node))`` of what every rule finds in an imported module linted alone (once
    per loaded module and Keras target), analysed as ``analyzer``'s class analyses (this
    module does not import the interpreter: one floor fewer, tests/test_architecture.py)."""
    key = ("own findings", target_version)
    if key not in loaded.cached:
        loaded.cached[key] = set()  # an import cycle back here finds nothing more
        try:
            facts = type(analyzer)(loaded.module, analyzer.project, loaded.path).run()
        except Exception:  # RecursionError too: reported where that module itself is linted
            loaded.cached[key] = None
            return None
        facts.target_version = target_version
        own = set()
        for rule_class in all_rules():
            if rule_class.code in ENGINE_RULES:
                continue
            rule = rule_class()
            try:
                for finding in rule.check_file(facts):
                    own.add((finding.code, id(node_of(finding.target))))
                # what a finding of the module covers is the module's too (a removed import's
                # uses: reported once, at the import, there)
                own.update((rule.code, id(node)) for node in rule.covered(facts))
            except Exception:  # reported where that module itself is linted
                continue
        loaded.cached[key] = own
    return loaded.cached[key]
