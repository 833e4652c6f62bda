"""Proof on the user's own model: ``kerascheck prove FILE``.

The file is linted with the engine's parser and analysis, and every model rule's ``check_model``
runs on each :class:`~kerascheck.facts.ModelFact`, so that each finding keeps the facts of its
model. A model is then rebuilt in TensorFlow *from those facts only* (layer kinds and literal
arguments, input shape, loss and ``from_logits``, optimizer, metrics); the user's script is never
run. The rule's ``prove(subject)`` measures the symptom on that model. A model that cannot be
rebuilt (a custom layer, an argument that is not a literal, an unknown input shape) is reported
as such, with the reason.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

import libcst as cst

from kerascheck.analysis.interpreter import Analyzer
from kerascheck.analysis.values import ModelVal, Seq, TensorVal
from kerascheck.diagnostics import Diagnostic, Finding
from kerascheck.facts import UNKNOWN, LayerFact, ModelFact, known
from kerascheck.settings.config import Config

# Arguments that describe the input; the rebuilt model gets a keras.Input instead.
_INPUT_ARGUMENTS = {"input_shape", "input_dim", "batch_input_shape", "batch_shape", "batch_size"}


class CannotRebuild(Exception):
    """The facts do not determine the model; the message says why, in plain words."""


@dataclass
class ProvedFinding:
    """One finding of ``kerascheck prove FILE``: located, with its model's facts and, once
    proved, the evidence (or the reason there is none)."""

    diagnostic: Diagnostic
    finding: Finding
    model: ModelFact | None
    model_line: int | None = None
    evidence: Any = None
    not_rebuilt: str | None = None


class _ShapeRecordingAnalyzer(Analyzer):
    """The engine's analysis, also remembering the shape of each model's ``keras.Input``
    (the facts keep only its rank)."""

    def __init__(self, module):
        super().__init__(module)
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


def findings_with_models(source: str, path: str, config: Config | None = None):
    """Lint ``source`` and return ``(module, input_shapes, [(Diagnostic, Finding, ModelFact or
    None)])``: the engine's findings, each with the model whose facts produced it.

    Rules run exactly as in the engine (same selection and ``# noqa`` suppression); model rules'
    ``check_model`` is called here per model so the model is known; rules that judge the whole
    file (``check_file`` overridden) are paired with no model.
    """
    from kerascheck import engine
    from kerascheck.rules import all_rules
    from kerascheck.rules.base import Rule
    from kerascheck.source import suppression

    config = config or Config()
    module = engine.parse(source, path)
    if isinstance(module, Diagnostic):
        return None, {}, [(module, None, None)]
    analyzer = _ShapeRecordingAnalyzer(module)
    facts = analyzer.run()
    pairs: list[tuple[Finding, ModelFact | None]] = []
    for rule_class in all_rules():
        if rule_class.code == engine.SYNTAX_ERROR or not config.is_enabled(rule_class.code, path):
            continue
        rule = rule_class()
        if type(rule).check_file is Rule.check_file:
            for model in facts.models:
                pairs += [(finding, model) for finding in rule.check_model(model)]
            continue
        # A rule with its own check_file: the engine's findings, each paired with the model
        # whose check_model gives the same judgment (None for purely syntactic findings).
        by_model = [(model, list(rule.check_model(model))) for model in facts.models] \
            if type(rule).check_model is not Rule.check_model else []
        for finding in rule.check_file(facts):
            owner = next((model for model, judged in by_model if any(
                other.target is finding.target and other.message == finding.message
                for other in judged)), None)
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
    return module, analyzer.input_shapes, result


# --- from facts to a keras model ---------------------------------------------------------------


def build_subject(model: ModelFact, finding: Finding, module: cst.Module, input_shapes: dict):
    """Rebuild ``model`` in TensorFlow from its facts; a :class:`kerascheck.proofkit.Subject`.

    Raises :class:`CannotRebuild` with the reason when the facts do not determine the model.
    """
    from kerascheck.proofkit import Subject, load_tensorflow

    tf, keras, np = load_tensorflow(0)
    if not model.exact:
        raise CannotRebuild("its layer list is not fully known (layers added in a loop, under a "
                            "condition, or from a variable)")
    if not model.layers:
        raise CannotRebuild("it has no layers the linter could see")
    layer_facts = list(model.layers)
    input_shape = _input_shape(model, input_shapes)
    if layer_facts[0].is_kind("InputLayer") and model.kind == "sequential":
        layer_facts = layer_facts[1:]
    built = {id(fact): _make_layer(keras, fact, module) for fact in layer_facts}
    if model.kind != "sequential" and input_shape is None:
        raise CannotRebuild("its input shape is unknown")
    try:
        if model.kind == "sequential":
            keras_model = keras.Sequential(
                ([keras.Input(shape=input_shape)] if input_shape is not None else [])
                + [built[id(fact)] for fact in layer_facts])
        else:
            keras_model = _functional(keras, model, built, input_shape)
        _compile(keras, keras_model, model)
    except CannotRebuild:
        raise
    except Exception as error:  # the facts describe a model Keras refuses to build
        first_line = (str(error).strip().splitlines() or [""])[0][:200]
        raise CannotRebuild(f"Keras refuses to build it: {type(error).__name__}: "
                            f"{first_line}") from None
    return Subject(model=keras_model, fact=model, finding=finding, input_shape=input_shape,
                   layers=built)


def _input_shape(model: ModelFact, input_shapes: dict):
    """The sample shape of the model's single input, None when the model declares none.
    Raises CannotRebuild when it declares one the facts do not give."""
    if model.input_declared is False:
        return None
    shapes = input_shapes.get(id(model))
    if shapes is None and model.layers:
        first = model.layers[0]
        if first.declares_input is True:
            if "input_dim" in first.arguments:
                shapes = [(_literal_value(first.arguments["input_dim"]),)]
            else:
                shapes = [first.input_shape]
    if not shapes:
        raise CannotRebuild("its input shape is unknown")
    if len(shapes) != 1:
        raise CannotRebuild("it has several inputs")
    shape = shapes[0]
    if not isinstance(shape, tuple) or not all(isinstance(d, int) and d > 0 for d in shape):
        raise CannotRebuild(f"its input shape {shape!r} is not a tuple of known sizes")
    return shape


def _literal_value(value):
    from kerascheck.analysis.values import Const

    return value.value if isinstance(value, Const) else UNKNOWN


def _make_layer(keras, fact: LayerFact, module: cst.Module):
    if not known(fact.kind) or not isinstance(fact.node, cst.Call):
        raise CannotRebuild("a layer is not one the linter can identify (a custom layer, a "
                            "variable or another model)")
    layer_class = getattr(keras.layers, fact.kind, None)
    if layer_class is None:
        raise CannotRebuild(f"`{fact.kind}` is not a layer of this Keras version")
    positional, keywords = [], {}
    for argument in fact.node.args:
        if argument.star:
            raise CannotRebuild(f"a {fact.kind} layer takes `*args`/`**kwargs`")
        name = argument.keyword.value if argument.keyword is not None else None
        if name in _INPUT_ARGUMENTS:
            continue
        if name == "activation" or (name is None and fact.kind == "Dense" and len(positional) == 1):
            if not isinstance(fact.activation, str):
                raise CannotRebuild(f"the activation of a {fact.kind} layer is unknown")
            keywords["activation"] = fact.activation
            continue
        if name is None and fact.kind == "Activation" and not positional:
            if not isinstance(fact.activation, str):
                raise CannotRebuild("the activation of an Activation layer is unknown")
            positional.append(fact.activation)
            continue
        try:
            value = ast.literal_eval(module.code_for_node(argument.value))
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            label = f"`{name}=`" if name else "a positional argument"
            raise CannotRebuild(f"{label} of a {fact.kind} layer is not a literal value") \
                from None
        if name is None:
            positional.append(value)
        else:
            keywords[name] = value
    keywords.pop("name", None)  # names could clash between models; keras picks fresh ones
    try:
        return layer_class(*positional, **keywords)
    except Exception as error:
        raise CannotRebuild(f"Keras rejects its {fact.kind} layer: {type(error).__name__}: "
                            f"{error}") from None


def _functional(keras, model: ModelFact, built: dict, input_shape):
    inputs = keras.Input(shape=input_shape)
    tensors: dict[int, Any] = {}
    for index, fact in enumerate(model.layers):
        parents = [a for a, b in model.edges if b == index]
        if any(parent not in tensors for parent in parents):
            raise CannotRebuild("its layer graph is not in an order the linter can follow")
        arguments = [tensors[p] for p in parents] or [inputs]
        tensors[index] = built[id(fact)](arguments[0] if len(arguments) == 1 else arguments)
    outputs = [tensors[index] for index in model.outputs]
    return keras.Model(inputs, outputs[0] if len(outputs) == 1 else outputs)


def _compile(keras, keras_model, model: ModelFact) -> None:
    """Compile with the facts' loss, optimizer and metrics when all are known."""
    from kerascheck.proofkit import loss_object

    compile_fact = model.compile
    if compile_fact is None or not isinstance(compile_fact.loss.name, str):
        return
    try:
        loss = loss_object(keras, compile_fact.loss.name, compile_fact.loss.from_logits is True)
    except AttributeError:
        loss = compile_fact.loss.name
    optimizer = "adam"
    if isinstance(compile_fact.optimizer.name, str):
        optimizer = keras.optimizers.get(compile_fact.optimizer.name)
        if isinstance(compile_fact.optimizer.learning_rate, (int, float)):
            optimizer.learning_rate = float(compile_fact.optimizer.learning_rate)
    metrics = [m for m in compile_fact.metrics if isinstance(m, str)] \
        if known(compile_fact.metrics) else []
    keras_model.compile(optimizer=optimizer, loss=loss, metrics=metrics)


# --- the command -------------------------------------------------------------------------------


def prove_source(source: str | bytes, path: str,
                 config: Config | None = None) -> list[ProvedFinding]:
    """Every finding of the file, each proved on its rebuilt model or with the reason it was
    not rebuilt. ``config`` defaults to the project configuration found from ``path``."""
    import os

    from kerascheck.proofkit import CannotMeasure
    from kerascheck.rules import rule_by_code_or_name
    from kerascheck.settings.config import load_config
    from kerascheck.source.positions import node_positions

    config = config or load_config(os.path.dirname(os.path.abspath(path)))
    module, input_shapes, located = findings_with_models(source, path, config)
    model_nodes = [model.node for _, _, model in located
                   if model is not None and isinstance(model.node, cst.CSTNode)]
    positions = node_positions(module, model_nodes)[0] if module is not None else {}
    results = []
    for diagnostic, finding, model in located:
        item = ProvedFinding(diagnostic, finding, model)
        results.append(item)
        if model is None:
            item.not_rebuilt = "this finding is not about one model's facts"
            continue
        position = positions.get(model.node) if model.node is not None else None
        item.model_line = position.start.line if position else diagnostic.line
        try:
            subject = build_subject(model, finding, module, input_shapes)
            item.evidence = rule_by_code_or_name(diagnostic.code)().prove(subject)
        except CannotRebuild as reason:
            item.not_rebuilt = f"the model cannot be rebuilt: {reason}"
        except CannotMeasure as reason:
            item.not_rebuilt = f"the model was rebuilt but cannot be measured: {reason}"
        except NotImplementedError:
            item.not_rebuilt = "this rule's proof measures its own example, not a user's model"
        except TypeError as error:
            if "positional argument" not in str(error):
                raise
            item.not_rebuilt = "this rule's proof cannot measure a user's model yet"
        except Exception as error:  # a user's model must never crash the command
            item.not_rebuilt = (f"the measurement failed on this model: "
                                f"{type(error).__name__}: {str(error)[:200]}")
    return results


def evidence_lines(item: ProvedFinding) -> list[str]:
    """The evidence of one proved finding as indented lines (the CLI prints them under the
    finding; the pytest plugin can attach them to the lint item)."""
    from kerascheck.proofkit import number

    path = item.diagnostic.path
    if item.evidence is None:
        return [f"    not proved: {item.not_rebuilt}"]
    shown = "shown" if item.evidence.verdict else "NOT shown"
    lines = [f"    your model at {path}:{item.model_line}: {item.evidence.summary} "
             f"(symptom {shown})"]
    lines += [f"        {label}: {number(value)}"
              for label, value in item.evidence.measurements.items()]
    return lines


def prove_files(paths: list[str]) -> int:
    """Print each finding of ``paths`` with its evidence on the user's model; exit code 0 unless
    a rebuilt model did not show the symptom its finding claims (1) or a file is missing (2)."""
    import os
    import sys

    refuted = False
    for path in paths:
        if not os.path.isfile(path):
            print(f"kerascheck prove: error: {path}: no such file", file=sys.stderr)
            return 2
        with open(path, "rb") as handle:
            source = handle.read()
        where = str  # a script's line is its own; a notebook's reads "cell N:line"
        if path.endswith(".ipynb"):
            source, where = _notebook_program(source, path)
            if source is None:
                continue
        for item in prove_source(source, path):
            d = item.diagnostic
            print(f"{d.path}:{where(d.line)}:{d.column}: {d.code} {d.message}")
            if item.model_line is not None:
                item.model_line = where(item.model_line)
            print("\n".join(evidence_lines(item)), flush=True)
            refuted = refuted or (item.evidence is not None and not item.evidence.verdict)
    return 1 if refuted else 0


def _notebook_program(raw: bytes, path: str):
    """A notebook's code cells as one program (as the linter reads them), and how one of its
    lines reads as ``cell N:line``; ``(None, None)`` when there is nothing to prove."""
    import sys

    from kerascheck.source.notebook import NotebookError, read_notebook

    try:
        notebook = read_notebook(raw)
    except NotebookError as error:
        print(f"kerascheck prove: {path}: {error}", file=sys.stderr)
        return None, None
    if notebook is None or not notebook.cells:
        return None, None
    program, origins = notebook.joined_source()

    def where(line: int) -> str:
        if not 0 < line <= len(origins):
            return str(line)
        cell, cell_line = origins[line - 1]
        return f"cell {cell}:{cell_line}"
    return program, where


def prove_command(argv: list[str]) -> int:
    """``kerascheck prove [CODE ...]`` and ``kerascheck prove FILE ...``.

    With codes (or nothing: every rule that has a proof), print each proof's evidence and exit 0
    only if every verdict holds (1 otherwise). With files, prove each finding on the user's own
    model (see :func:`prove_files`); exit 0 when no proof on a rebuilt model
    was refuted. Exit 2 on a usage error or without TensorFlow.
    """
    import argparse
    import os
    import sys

    parser = argparse.ArgumentParser(
        prog="kerascheck prove",
        description="Run the runtime proofs: build a rule's bad example and its fixed twin in "
                    "TensorFlow and measure both; or, given files, measure each finding on "
                    "the model the linter reconstructed from the file.")
    parser.add_argument("targets", nargs="*", metavar="CODE|FILE",
                        help="rule codes or names (default: every rule with a proof), or .py "
                             "files")
    options = parser.parse_args(argv)
    files = [t for t in options.targets if t.endswith((".py", ".ipynb")) or os.path.isfile(t)]
    codes = [t for t in options.targets if t not in files]
    if files and codes:
        parser.error("give either rule codes or files, not both")
    from kerascheck.proofkit import INSTALL_HINT, RuntimeUnavailable, tensorflow_available
    from kerascheck.rules import rule_by_code_or_name
    from kerascheck.runtime.prove import provable_codes, prove_codes

    unknown = [code for code in codes if rule_by_code_or_name(code) is None]
    if unknown:
        print(f"kerascheck prove: error: unknown rule {unknown[0]!r}", file=sys.stderr)
        return 2
    if not tensorflow_available():
        print(f"kerascheck prove: {INSTALL_HINT}", file=sys.stderr)
        return 2
    try:
        if files:
            return prove_files(files)
        return prove_codes([rule_by_code_or_name(code).code for code in codes]
                            or provable_codes())
    except RuntimeUnavailable as error:
        print(f"kerascheck prove: {error}", file=sys.stderr)
        return 2
