"""Positions of a few nodes, at about the cost of regenerating the code.

LibCST's ``MetadataWrapper(...).resolve(PositionProvider)`` records a range for every node of the
module and walks the tree twice: about 2.2 times the parse, measured on the benchmark corpus, which
alone breaks the "within 2x of the parse when half the files have findings" budget. A file with
findings needs the ranges of a handful of nodes. :func:`node_positions` runs the same code
generation as ``PositionProvider`` (so the ranges are identical, syntactic, whitespace-exclusive)
but builds ranges only inside the subtrees of the nodes asked for, and returns the module's code
as a by-product (suppression needs it; ``module.code`` would generate it a second time).

It uses LibCST's code-generation state, which is not a public API; if that ever changes
shape, :func:`node_positions` falls back to ``PositionProvider`` (same result, slower).
tests/test_robustness.py compares both on random nodes.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from typing import Iterable

import libcst as cst

try:
    from libcst._add_slots import add_slots
    from libcst._position import CodePosition, CodeRange
    from libcst.metadata.position_provider import NEWLINE_RE, PositionProvidingCodegenState
except ImportError:  # a LibCST that moved its internals: use the public provider
    PositionProvidingCodegenState = None

_NO_RECORDING = nullcontext()


class _Ranges:
    """Stands in for the provider: the code-generation state writes ranges to ``_computed``."""

    def __init__(self):
        self._computed: dict = {}


if PositionProvidingCodegenState is not None:

    @add_slots
    @dataclass(frozen=False)
    class _TargetedPositionState(PositionProvidingCodegenState):
        """Records ranges only while generating a target node or its descendants (a compound
        statement's range is hoisted from its children's, so those must be recorded too)."""

        targets: frozenset = frozenset()
        span_targets: frozenset = frozenset()
        spans: dict | None = None
        quotes: dict | None = None
        active: int = 0

        def _update_position(self, value: str) -> None:
            # Same as LibCST's, without a regex split for the common newline-free token.
            if "\n" in value or "\r" in value:
                segments = NEWLINE_RE.split(value)
                self.line += len(segments) - 1
                self.column = len(segments[-1])
            else:
                self.column += len(value)

        def before_codegen(self, node: cst.CSTNode) -> None:
            if type(node) is cst.SimpleString and not node.prefix and node.quote in self.quotes:
                self.quotes[node.quote] += 1  # as kerascheck.fixes.QuoteSurvey counts
            if self.active or id(node) in self.targets:
                self.active += 1
                self._stack.append(CodePosition(self.line, self.column))

        def after_codegen(self, node: cst.CSTNode) -> None:
            if self.active:
                start = self._stack.pop()
                self.active -= 1
                computed = self.provider._computed
                end = CodePosition(self.line, self.column)
                if node not in computed:
                    computed[node] = CodeRange(start, end)
                if id(node) in self.span_targets:
                    self.spans[node] = CodeRange(start, end)

        def record_syntactic_position(self, node, *, start_node=None, end_node=None):
            if self.active:
                return PositionProvidingCodegenState.record_syntactic_position(
                    self, node, start_node=start_node, end_node=end_node)
            return _NO_RECORDING


def node_positions(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> tuple[dict, str]:
    """``({node: CodeRange}, module_code)`` for ``nodes`` (CST nodes of ``module``); the ranges
    are those ``PositionProvider`` gives. Nodes not in the module are absent from the dict."""
    ranges, _spans, code, _quotes = positions_and_spans(module, nodes, ())
    return ranges, code


def positions_and_spans(module: cst.Module, nodes: Iterable[cst.CSTNode],
                        span_nodes: Iterable[cst.CSTNode]) -> tuple[dict, dict, str, dict]:
    """:func:`node_positions` for ``nodes``, plus the *span* of each of ``span_nodes``: the
    range of exactly the text ``module.code_for_node(node)`` generates (parentheses and the
    whitespace the node owns included, as ``WhitespaceInclusivePositionProvider`` gives it),
    which is what a fix's text edit replaces; and how many plain string literals use each quote
    (``{"'": n, '"': m}``, as :class:`kerascheck.fixes.QuoteSurvey` counts them: a fix's new
    strings take the file's quotes). One code generation for all of it."""
    span_targets = frozenset(id(node) for node in span_nodes)
    targets = frozenset(id(node) for node in nodes)
    if PositionProvidingCodegenState is not None:
        try:
            ranges = _Ranges()
            spans: dict = {}
            state = _TargetedPositionState(default_indent=module.default_indent,
                                           default_newline=module.default_newline,
                                           provider=ranges, targets=targets | span_targets,
                                           span_targets=span_targets, spans=spans,
                                           quotes={"'": 0, '"': 0})
            module._codegen(state)
            return ({node: code_range for node, code_range in ranges._computed.items()
                     if id(node) in targets}, spans, "".join(state.tokens), state.quotes)
        except (AttributeError, TypeError):  # LibCST's internals changed: use the public way
            pass
    from libcst.metadata import (MetadataWrapper, PositionProvider,
                                 WhitespaceInclusivePositionProvider)

    from kerascheck.fixes import QuoteSurvey

    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    every = wrapper.resolve(PositionProvider)
    inclusive = wrapper.resolve(WhitespaceInclusivePositionProvider) if span_targets else {}
    survey = QuoteSurvey()
    module.visit(survey)
    return ({node: code_range for node, code_range in every.items() if id(node) in targets},
            {node: code_range for node, code_range in inclusive.items()
             if id(node) in span_targets}, module.code, survey.quotes)

