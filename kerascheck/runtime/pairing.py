"""What ``kerascheck prove FILE`` needs besides the engine's findings to pair each finding with
what it is about (:func:`kerascheck.runtime.verdicts.findings_with_models` runs the engine).

The analysis that also records each model's ``keras.Input`` shape
(:class:`ShapeRecordingAnalyzer`); the model compiled with the optimizer call a finding points
into (KC603, :func:`compiled_with`). A finding
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
from kerascheck.diagnostics import Finding
from kerascheck.facts import UNKNOWN, ModelFact

_ELSEWHERE = re.compile(r" \(in (?P<path>.+):(?P<line>\d+)\)$")


@dataclass
class ImportedOrigin:
    """Where a finding reported at the import of a project module stands: the finding as the
    rule made it (its node in ``module``), the module's parsed code and its path."""

    finding: Finding
    module: cst.Module
    path: str
    line: int


class ShapeRecordingAnalyzer(Analyzer):
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


def imported_origins(findings: list, facts, analyzer) -> dict:
    """``{id(finding): ImportedOrigin}`` for the findings reported at the import of a project
    module (the message ends in ``(in model.py:12)``): the rule's own finding on the node in
    that module, found again by asking the rule of the same facts (same message, same line)."""
    from kerascheck.rules import rule_by_code_or_name
    from kerascheck.source.positions import node_positions

    import os

    anchored = {id(anchor): loaded for loaded, anchor in analyzer.project_modules.values()
                if loaded.module is not None}
    # a finding reported at its ``home`` (the call building the model) names the module
    here = os.path.dirname(os.path.abspath(analyzer.path))
    by_path = {os.path.relpath(loaded.path, here): loaded
               for loaded, _ in analyzer.project_modules.values() if loaded.module is not None}
    origins: dict[int, ImportedOrigin] = {}
    asked: dict[str, list] = {}
    for finding in findings:
        match = _ELSEWHERE.search(finding.message) if finding is not None else None
        loaded = None if match is None else \
            anchored.get(id(finding.target), by_path.get(match.group("path")))
        if loaded is None:
            continue
        if finding.code not in asked:
            try:
                rule = rule_by_code_or_name(finding.code)()
                asked[finding.code] = list(rule.check_file(facts))
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


def compiled_with(models, finding) -> ModelFact | None:
    """The one model compiled with the optimizer call a finding points into (KC603's learning
    rate), or None."""
    owners = [model for model in models for compile_fact in model.compiles
              if isinstance(compile_fact.optimizer.node, cst.Call) and (
                  compile_fact.optimizer.node is finding.target or any(
                      argument.value is finding.target
                      for argument in compile_fact.optimizer.node.args))]
    return owners[0] if len(owners) == 1 else None


def graph_holding(facts, finding):
    """The graph of a Layer subclass's own ``call()`` (``FileFacts.layer_graphs``) that holds
    the layer ``finding`` points at, or None: such a finding has no model of the file."""
    return next((graph for graph in getattr(facts, "layer_graphs", ()) if any(
        layer is finding.target for layer in graph.layers)), None)


def error_text(error: Exception) -> str:
    """``Name: message`` in one line; for TensorFlow's "Graph execution error" the line that
    says what went wrong (``Received a label value of 9 which is outside the valid range of
    [0, 1)``), not the traceback of the graph's node."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    name = type(error).__name__
    if lines and lines[0].startswith("in user code"):  # raised inside a traced function
        raised = [line for line in lines if line.startswith(f"{name}: ")]
        lines = [raised[-1][len(name) + 2:]] if raised else lines
    if lines and lines[0].startswith("Graph execution error"):
        told = [line for line in lines[1:] if not line.startswith(("File", "Detected", "[["))
                and not line.endswith(":")]
        lines = told[-1:] or lines
    return f"{name}: {(lines or [''])[0][:200]}"
