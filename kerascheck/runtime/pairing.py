"""Each finding of a file paired with the model it is about, for ``kerascheck prove FILE``.

The engine's own analysis and rules (:func:`kerascheck.engine.judge_module`, then ``# noqa``)
give the findings; each is paired here with the model whose ``check_model`` gives the same
judgment, or that is compiled with the optimizer call a finding points into (KC603). A finding
that the engine reports at the import of a project module (``(in model.py:12)``: only this
file's use of that module reveals it) is traced back to its node in that module
(:class:`ImportedOrigin`), so that its construct can be cut out of the module it stands in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from kerascheck.analysis.interpreter import Analyzer
from kerascheck.analysis.values import ModelVal, Seq, TensorVal
from kerascheck.diagnostics import Diagnostic, Finding
from kerascheck.facts import UNKNOWN, ModelFact
from kerascheck.settings.config import Config

_ELSEWHERE = re.compile(r" \(in (?P<path>.+):(?P<line>\d+)\)$")


@dataclass
class ImportedOrigin:
    """Where a finding reported at the import of a project module stands: the finding as the
    rule made it (its node in ``module``), the module's parsed code and its path."""

    finding: Finding
    module: cst.Module
    path: str
    line: int


class _ShapeRecordingAnalyzer(Analyzer):
    """The engine's analysis, also remembering the shape of each model's ``keras.Input``
    (the facts keep only its rank)."""

    def __init__(self, module, *args):
        super().__init__(module, *args)
        self.input_shapes: dict[int, list] = {}

    def _append_sequential(self, model, item, conditional):
        if isinstance(item, TensorVal) and item.layer is None and not model.layers:
            self.input_shapes[id(model)] = [item.shape]
        return super()._append_sequential(model, item, conditional)

    def make_functional(self, node, args, kwargs):
        result = super().make_functional(node, args, kwargs)
        inputs = kwargs.get("inputs", args[0] if args else None)
        items = inputs.items if isinstance(inputs, Seq) else [inputs]
        if isinstance(result, ModelVal):
            self.input_shapes[id(result.model)] = [
                item.shape if isinstance(item, TensorVal) and item.layer is None else UNKNOWN
                for item in items]
        return result


def findings_with_models(source: str, path: str, config: Config | None = None,
                         project="auto"):
    """``(module, input_shapes, [(Diagnostic, Finding, ModelFact or None)], origins)``: the engine's
    findings (:func:`kerascheck.engine.judge_module`, then ``# noqa``), each with the model whose
    ``check_model`` gives the same judgment, or that is compiled with the optimizer a finding
    points into; None for purely syntactic findings."""
    from kerascheck import engine
    from kerascheck.rules import rule_by_code_or_name
    from kerascheck.rules.base import Rule
    from kerascheck.source import suppression

    config = config or Config()
    if project == "auto":
        from kerascheck.source.project import project_for

        project = project_for(path)
    module = engine.parse(source, path)
    if isinstance(module, Diagnostic):
        return None, {}, [(module, None, None)], {}
    raw = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    analyzers: list[_ShapeRecordingAnalyzer] = []

    def recording(*args):  # keeps the analyzer: its input shapes are returned
        analyzers.append(_ShapeRecordingAnalyzer(*args))
        return analyzers[-1]

    judged = engine.judge_module(module, raw, path, config, project, [],
                                 analyzer_class=recording)
    if not isinstance(judged, tuple):
        return module, {}, [(judged, None, None)] if judged is not None else [], {}
    facts, findings = judged
    judgments: dict[str, list] = {}  # per rule: (model, its check_model findings)
    pairs: list[tuple[Finding, ModelFact | None]] = []
    for finding in findings:
        rule_class = rule_by_code_or_name(finding.code)
        if rule_class.check_model is Rule.check_model:
            pairs.append((finding, _compiled_with(facts.models, finding)))
            continue
        if finding.code not in judgments:
            judgments[finding.code] = [(model, list(rule_class().check_model(model)))
                                       for model in facts.models]
        owner = next((model for model, judged_model in judgments[finding.code] if any(
            other.target is finding.target and other.message == finding.message
            for other in judged_model)), None) or _compiled_with(facts.models, finding)
        pairs.append((finding, owner))
    located = []
    for finding, model in pairs:
        diagnostic = engine.locate([finding], module, path)[0]
        located.append((diagnostic, finding, model))
    kept = set(map(id, suppression.filter_suppressed([d for d, _, _ in located], module.code)))
    seen = set()
    result = []
    for diagnostic, finding, model in sorted(located, key=lambda item: item[0]):
        key = (diagnostic.code, diagnostic.line, diagnostic.column)
        if id(diagnostic) in kept and key not in seen:
            seen.add(key)
            result.append((diagnostic, finding, model))
    origins = imported_origins([finding for _, finding, _ in result], facts, analyzers[0])
    return module, analyzers[0].input_shapes, result, origins


def imported_origins(findings: list, facts, analyzer) -> dict:
    """``{id(finding): ImportedOrigin}`` for the findings reported at the import of a project
    module (the message ends in ``(in model.py:12)``): the rule's own finding on the node in
    that module, found again by asking the rule of the same facts (same message, same line)."""
    from kerascheck.rules import rule_by_code_or_name
    from kerascheck.source.positions import node_positions

    anchored = {id(anchor): loaded for loaded, anchor in analyzer.project_modules.values()
                if loaded.module is not None}
    origins: dict[int, ImportedOrigin] = {}
    asked: dict[str, list] = {}
    for finding in findings:
        match = _ELSEWHERE.search(finding.message) if finding is not None else None
        if match is None or id(finding.target) not in anchored:
            continue
        loaded = anchored[id(finding.target)]
        if finding.code not in asked:
            try:
                asked[finding.code] = list(rule_by_code_or_name(finding.code)().check_file(facts))
            except Exception:  # the engine reported the rule's error already
                asked[finding.code] = []
        message, line = finding.message[:match.start()], int(match.group("line"))
        ids = loaded.node_ids()
        candidates = [other for other in asked[finding.code] if other.message == message and
                      id(getattr(other.target, "node", other.target)) in ids]
        nodes = [getattr(other.target, "node", other.target) for other in candidates]
        positions = node_positions(loaded.module, nodes)[0] if nodes else {}
        for other, node in zip(candidates, nodes):
            if node in positions and positions[node].start.line == line:
                origins[id(finding)] = ImportedOrigin(other, loaded.module, loaded.path, line)
                break
    return origins


def _compiled_with(models, finding) -> ModelFact | None:
    """The one model compiled with the optimizer call a finding points into (KC603's learning
    rate), or None."""
    owners = [model for model in models for compile_fact in model.compiles
              if isinstance(compile_fact.optimizer.node, cst.Call) and (
                  compile_fact.optimizer.node is finding.target or any(
                      argument.value is finding.target
                      for argument in compile_fact.optimizer.node.args))]
    return owners[0] if len(owners) == 1 else None

