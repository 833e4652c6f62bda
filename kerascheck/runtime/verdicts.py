"""``kerascheck prove FILE``: one verdict per finding, measured on the user's own model or code.

Each finding is proved on its model rebuilt from the facts (:mod:`kerascheck.runtime.rebuild`)
when the rule's proof measures models, or by running its failing construct in the installed
Keras (:mod:`kerascheck.runtime.constructs`) when the rule's harm is what Keras does with one
piece of code. The verdict is ``shown`` (the symptom measured), ``not-shown`` (measured and
absent: a bug in the rule or in the proof) or ``cannot-rebuild`` (with the reason). The user's
script is never run.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from dataclasses import dataclass
from typing import Any

import libcst as cst

from kerascheck.analysis.targets import keras3_only_silent
from kerascheck.diagnostics import Diagnostic, Finding
from kerascheck.facts import ModelFact
from kerascheck.runtime.pairing import (
    ShapeRecordingAnalyzer,
    compiled_with,
    error_text,
    graph_holding,
    imported_origins,
)
from kerascheck.runtime.rebuild import CannotRebuild, build_subject
from kerascheck.settings.config import Config


@dataclass
class ProvedFinding:
    """One finding of ``kerascheck prove FILE``: located, with its model's facts and, once
    proved, the evidence (or the reason there is none)."""

    diagnostic: Diagnostic
    finding: Finding
    model: ModelFact | None
    model_line: int | None = None
    model_cell: int | None = None  # in a notebook, the cell of ``model_line``
    evidence: Any = None
    not_rebuilt: str | None = None
    figure: str | None = None  # the PNG drawn from the evidence (``--plot DIR``)
    seconds: float = 0.0  # time spent proving this finding (wall clock)
    cpu_seconds: float = 0.0  # CPU time of this process (all its threads) for this finding



def findings_with_models(source: str, path: str, config: Config | None = None,
                         project="auto"):
    """``(module, input_shapes, [(Diagnostic, Finding, ModelFact or None)], origins, names)``: the engine's
    findings (:func:`kerascheck.engine.judge_module`, then ``# noqa``), each with the model whose
    ``check_model`` gives the same judgment, or that is compiled with the optimizer a finding
    points into; None for purely syntactic findings. ``names`` maps ``id(node)`` of each
    dotted reference to the qualified path the analysis resolved it to (``backend.int_shape``
    -> ``keras.backend.int_shape`` where ``backend`` is bound at run time)."""
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
        return None, {}, [(module, None, None)], {}, {}
    raw = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    analyzers: list[ShapeRecordingAnalyzer] = []

    def recording(*args):  # keeps the analyzer: its input shapes are returned
        analyzers.append(ShapeRecordingAnalyzer(*args))
        return analyzers[-1]

    judged = engine.judge_module(module, raw, path, config, project, [],
                                 analyzer_class=recording)
    if not isinstance(judged, tuple):
        return module, {}, [(judged, None, None)] if judged is not None else [], {}, {}
    facts, findings = judged
    judgments: dict[str, list] = {}  # per rule: (model, its check_model findings)
    pairs: list[tuple[Finding, ModelFact | None]] = []
    for finding in findings:
        rule_class = rule_by_code_or_name(finding.code)
        if rule_class.check_model is Rule.check_model:
            pairs.append((finding, compiled_with(facts.models, finding) or
                          graph_holding(facts, finding)))
            continue
        if finding.code not in judgments:
            judgments[finding.code] = [(model, list(rule_class().check_model(model)))
                                       for model in facts.models]
        owner = next((model for model, judged_model in judgments[finding.code] if any(
            other.target is finding.target and other.message == finding.message
            for other in judged_model)), None) or next((
                # reported where this file builds the model from an imported module's layer
                model for model, judged_model in judgments[finding.code]
                if finding.target is not None and (finding.target is model.built_at or
                                                   finding.target is model.node)
                and any(finding.message.startswith(
                        f"{other.message} (in ") for other in judged_model)), None) or \
            compiled_with(facts.models, finding) or graph_holding(facts, finding)
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
    names = {id(node): qualified for node, qualified in facts.references}
    return module, analyzers[0].input_shapes, result, origins, names


def prove_source(source: str | bytes, path: str,
                 config: Config | None = None) -> list[ProvedFinding]:
    """Every finding of the file, each proved on its rebuilt model or with the reason it was
    not rebuilt. ``config`` defaults to the project configuration found from ``path``."""
    from kerascheck.settings.config import load_config
    from kerascheck.source.positions import node_positions

    config = config or load_config(os.path.dirname(os.path.abspath(path)))
    module, input_shapes, located, origins, names = findings_with_models(source, path, config)
    model_nodes = [model.node for _, _, model in located
                   if model is not None and isinstance(model.node, cst.CSTNode)]
    positions = node_positions(module, model_nodes)[0] if module is not None else {}
    results = []
    legacy = _targets_keras2(config, source)
    text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    for diagnostic, finding, model in located:
        started, cpu_started = time.perf_counter(), time.process_time()
        item = ProvedFinding(diagnostic, finding, model)
        results.append(item)
        with warnings.catch_warnings():  # Keras' warnings about the user's model: not ours
            warnings.simplefilter("ignore")
            _prove_one(item, located, module, input_shapes, positions, text, legacy,
                       origins.get(id(finding)), names)
        item.seconds = round(time.perf_counter() - started, 3)
        item.cpu_seconds = round(time.process_time() - cpu_started, 3)
    return results


def _prove_one(item, located, module, input_shapes, positions, text, legacy,
               origin=None, names=None) -> None:
    """Give ``item`` evidence: on its rebuilt model first, else by running its construct
    (cut out of the imported project module it stands in, for a finding reported at the
    import: ``origin``, a :class:`~kerascheck.runtime.pairing.ImportedOrigin`)."""
    diagnostic, finding, model = item.diagnostic, item.finding, item.model
    if finding is None:
        item.not_rebuilt = "the file cannot be parsed"
        return
    reason = "this finding is not about one model's facts"
    if model is not None:
        position = positions.get(model.node) if model.node is not None else None
        item.model_line = position.start.line if position else diagnostic.line
        reason = _prove_on_model(item, model, finding, module, input_shapes)
        if reason is None:
            return
    others = [other.target for _, other, _ in located if other is not None]
    if origin is not None:  # the construct is in the imported module, not at its import
        finding, module, text, others = origin.finding, origin.module, origin.module.code, []
        names = {}
    construct_reason = _prove_construct(item, finding, module, model, text, legacy, others,
                                        names or {})
    if construct_reason is None and origin is not None:
        item.evidence.measurements["construct found in"] = \
            f"{os.path.basename(origin.path)}:{origin.line}"
    if construct_reason is None:
        item.model_line = None  # proved on the construct, not on the model
    else:
        item.not_rebuilt = reason if model is not None else construct_reason


def _targets_keras2(config, source) -> bool:
    """Whether the project runs Keras 2 or TensorFlow 1 (the ``target-version`` setting, when
    there is one): the constructs then run in tf_keras, the nearest installable Keras."""
    return keras3_only_silent(getattr(config, "target_version", None) or "")


def _prove_on_model(item: ProvedFinding, model, finding, module, input_shapes) -> str | None:
    """Prove ``item`` on its rebuilt model; None when it got evidence, else the reason."""
    from kerascheck.proofkit import CannotMeasure
    from kerascheck.rules import rule_by_code_or_name

    try:
        subject = build_subject(model, finding, module, input_shapes)
        item.evidence = rule_by_code_or_name(item.diagnostic.code)().prove(subject)
    except CannotRebuild as reason:
        return f"the model cannot be rebuilt: {reason}"
    except CannotMeasure as reason:
        return f"the model was rebuilt but cannot be measured: {reason}"
    except NotImplementedError:
        return "this rule's proof measures its own example, not a user's model"
    except TypeError as error:
        if "positional argument" in str(error):
            return "this rule's proof cannot measure a user's model yet"
        return f"the measurement failed on this model: {error_text(error)}"
    except Exception as error:  # a user's model must never crash the command
        return f"the measurement failed on this model: {error_text(error)}"
    if item.evidence is not None and subject.stand_ins:
        item.evidence.measurements["stand-ins (not from your code)"] = "; ".join(
            subject.stand_ins)
    return None


def _prove_construct(item: ProvedFinding, finding, module, model, text: str,
                     legacy: bool, others: list, names: dict) -> str | None:
    """Prove ``item`` by running its failing construct in the installed Keras (a child
    process); None when it got evidence, else the reason."""
    from kerascheck.proofkit import CannotMeasure
    from kerascheck.rules import rule_by_code_or_name
    from kerascheck.runtime.constructs import NoConstruct, construct_subject

    try:
        subject = construct_subject(finding, module, model, text, legacy, others, names)
        item.evidence = rule_by_code_or_name(item.diagnostic.code)().prove(subject)
    except NoConstruct as reason:
        return f"no construct to run: {reason}"
    except NotImplementedError:
        return "this rule's proof measures a model, and no model was found for it"
    except CannotMeasure as reason:
        return f"the construct cannot be run: {reason}"
    except Exception as error:  # a user's code must never crash the command
        return f"running the construct failed: {type(error).__name__}: {str(error)[:200]}"
    return None


def evidence_lines(item: ProvedFinding) -> list[str]:
    """The evidence of one proved finding as indented lines (the CLI prints them under the
    finding; the pytest plugin can attach them to the lint item)."""
    from kerascheck.proofkit import number

    path = item.diagnostic.path
    if item.evidence is None:
        return [f"    not proved: {item.not_rebuilt}"]
    shown = "shown" if item.evidence.verdict else "NOT shown"
    line = f"cell {item.model_cell}:{item.model_line}" if item.model_cell else item.model_line
    where = f"your model at {path}:{line}" if item.model_line else \
        "your code in the installed Keras"
    lines = [f"    {where}: {item.evidence.summary} (symptom {shown})"]
    lines += [f"        {label}: {number(value)}"
              for label, value in item.evidence.measurements.items()]
    return lines


def prove_path(source: bytes, path: str, config: Config | None = None) -> list[ProvedFinding]:
    """:func:`prove_source` for a Python file or a notebook (its code cells joined in order,
    magics masked; the findings located by cell, as the linter reports them)."""
    from dataclasses import replace

    if not path.endswith(".ipynb"):
        return prove_source(source, path, config)
    from kerascheck.source.notebook import (
        NotebookError,
        read_notebook,
        to_cell_position,
    )

    try:
        notebook = read_notebook(source)
    except NotebookError:
        notebook = None
    if notebook is None or not notebook.cells:
        return []
    joined, origins = notebook.joined_source()
    items = prove_source(joined, path, config)
    for item in items:
        item.diagnostic = to_cell_position(item.diagnostic, origins)
        if item.model_line is not None:
            moved = to_cell_position(replace(item.diagnostic, line=item.model_line,
                                             end_line=item.model_line, cell=None), origins)
            item.model_line, item.model_cell = moved.line, moved.cell
    return items


def verdict_of(item: ProvedFinding) -> str:
    """``shown`` (the symptom measured on the user's model or code), ``not-shown`` (measured,
    absent) or ``cannot-rebuild`` (nothing to measure on; :attr:`ProvedFinding.not_rebuilt`
    says why)."""
    if item.evidence is None:
        return "cannot-rebuild"
    return "shown" if item.evidence.verdict else "not-shown"


def proof_record(item: ProvedFinding) -> dict:
    """One finding's verdict as JSON-safe data (``kerascheck prove FILE --output-format
    json``)."""
    d = item.diagnostic
    record = {"code": d.code, "name": d.name, "path": d.path, "line": d.line,
              "column": d.column, "message": d.message, "verdict": verdict_of(item),
              "reason": item.evidence.summary if item.evidence is not None else item.not_rebuilt,
              "model_line": item.model_line, "measurements": {}, "seconds": item.seconds,
              "cpu_seconds": item.cpu_seconds}
    if d.cell is not None:
        record["cell"] = d.cell
    if getattr(item, "figure", None):
        record["figure"] = item.figure
    if item.evidence is not None:
        record["measurements"] = {label: value if isinstance(value, (int, float, str, bool))
                                  or value is None else str(value)
                                  for label, value in item.evidence.measurements.items()}
    return record


EXIT_PROVED, EXIT_NOT_SHOWN, EXIT_ERROR = 0, 1, 2


def prove_files(paths: list[str], output_format: str = "text",
                select: list[str] | None = None, plot_dir: str | None = None) -> int:
    """Prove each finding of ``paths`` on the user's own model or code and print the verdicts
    (``text``: each finding with its evidence; ``json``: one list of records, see
    :func:`proof_record`). ``select`` restricts the rules (codes or prefixes).

    Exit codes: 0 when no measured finding was refuted (every verdict ``shown`` or
    ``cannot-rebuild``), 1 when some finding was measured and its symptom ``not-shown``, 2 when
    a path does not exist. ``plot_dir``: one figure per proved finding written there (see
    :mod:`kerascheck.runtime.plots`)."""
    import json

    from kerascheck.settings.config import load_config

    for path in paths:
        if not os.path.isfile(path):
            print(f"kerascheck prove: error: {path}: no such file", file=sys.stderr)
            return EXIT_ERROR
    refuted = False
    records = []
    for path in paths:
        config = load_config(os.path.dirname(os.path.abspath(path)))
        if select:
            config = config.with_overrides(select=tuple(select), extend_select=())
        with open(path, "rb") as handle:
            source = handle.read()
        for item in prove_path(source, path, config):
            refuted = refuted or verdict_of(item) == "not-shown"
            if plot_dir is not None and item.evidence is not None:
                item.figure = _plot(item.evidence, plot_dir, item.diagnostic)
            if output_format == "json":
                records.append(proof_record(item))
                continue
            d = item.diagnostic
            cell = f"cell {d.cell}:" if d.cell is not None else ""  # as the linter's reports say
            print(f"{d.path}:{cell}{d.line}:{d.column}: {d.code} {d.message}")
            print("\n".join(evidence_lines(item)), flush=True)
    if output_format == "json":
        json.dump(records, sys.stdout, indent=2)
        sys.stdout.write("\n")
    return EXIT_NOT_SHOWN if refuted else EXIT_PROVED


def _plot(evidence, plot_dir: str, diagnostic=None) -> str:
    """Draw one proof's figure into ``plot_dir``; returns the file's path."""
    from kerascheck.runtime.plots import draw, figure_name

    where = f"{diagnostic.path}:{diagnostic.line} " if diagnostic is not None else ""
    name = figure_name(diagnostic.path if diagnostic else None,
                       diagnostic.line if diagnostic else None, evidence.code)
    return draw(evidence, os.path.join(plot_dir, name),
                title=f"{where}{evidence.code}: bad vs fixed" if diagnostic else None)


def prove_command(argv: list[str]) -> int:
    """``kerascheck prove [CODE ...]`` and ``kerascheck prove FILE ...``.

    With codes (or nothing: every rule that has a proof), print each proof's evidence and exit 0
    only if every verdict holds (1 otherwise). With files, prove each finding on the user's own
    model or code (see :func:`kerascheck.runtime.verdicts.prove_files`): each finding gets a verdict,
    shown / not-shown / cannot-rebuild; exit 0 when no finding was measured ``not-shown``, 1
    when one was. Exit 2 on a usage error (an unknown rule or selector, a missing file) or
    without TensorFlow.
    """
    import argparse

    parser = argparse.ArgumentParser(
        prog="kerascheck prove",
        description="Run the runtime proofs: build a rule's bad example and its fixed twin in "
                    "TensorFlow and measure both; or, given files, measure each finding on "
                    "the model the linter reconstructed from the file.")
    parser.add_argument("targets", nargs="*", metavar="CODE|FILE",
                        help="rule codes or names (default: every rule with a proof), or .py "
                             "and .ipynb files")
    parser.add_argument("--output-format", choices=("text", "json"), default="text",
                        help="with files: text (each finding with its evidence) or json (one "
                             "record per finding: code, path, line, verdict, reason, "
                             "measurements)")
    parser.add_argument("--select", default=None, metavar="CODES",
                        help="with files: prove only these rules (comma-separated codes or "
                             "prefixes)")
    parser.add_argument("--plot", default=None, metavar="DIR",
                        help="write a figure per proof into DIR (bad vs fixed: training "
                             "curves, output distributions, measurements); needs matplotlib "
                             "(pip install 'kerascheck[plot]')")
    options = parser.parse_args(argv)
    files = [t for t in options.targets if t.endswith((".py", ".ipynb")) or os.path.isfile(t)]
    codes = [t for t in options.targets if t not in files]
    if files and codes:
        parser.error("give either rule codes or files, not both")
    from kerascheck.proofkit import (
        INSTALL_HINT,
        RuntimeUnavailable,
        tensorflow_available,
    )
    from kerascheck.rules import rule_by_code_or_name
    from kerascheck.runtime.prove import provable_codes, prove_codes

    unknown = [code for code in codes if rule_by_code_or_name(code) is None]
    if unknown:
        print(f"kerascheck prove: error: unknown rule {unknown[0]!r}", file=sys.stderr)
        return 2
    if not tensorflow_available():
        print(f"kerascheck prove: {INSTALL_HINT}", file=sys.stderr)
        return 2
    if options.plot is not None:
        from kerascheck.runtime.plots import PLOT_HINT, matplotlib_available

        if not matplotlib_available():
            print(f"kerascheck prove: error: {PLOT_HINT}", file=sys.stderr)
            return 2
    try:
        if files:
            select = [code.strip() for code in options.select.split(",") if code.strip()] \
                if options.select else None
            return prove_files(files, options.output_format, select, options.plot)
        plot = (lambda evidence: _plot(evidence, options.plot)) if options.plot else None
        return prove_codes([rule_by_code_or_name(code).code for code in codes]
                           or provable_codes(), plot)
    except RuntimeUnavailable as error:
        print(f"kerascheck prove: {error}", file=sys.stderr)
        return 2
    except ValueError as error:  # ConfigError: an unknown selector in --select or the config
        print(f"kerascheck prove: error: {error}", file=sys.stderr)
        return 2
