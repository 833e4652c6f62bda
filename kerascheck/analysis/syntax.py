"""Small questions about syntax nodes the interpreter asks (no values, no facts)."""

from __future__ import annotations

import libcst as cst


def is_main_guard(statement: cst.If) -> bool:
    test = statement.test
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    sides = [test.left, test.comparisons[0].comparator]
    names = [s.value for s in sides if isinstance(s, cst.Name)]
    strings = [s.evaluated_value for s in sides if isinstance(s, cst.SimpleString)]
    return names == ["__name__"] and strings == ["__main__"] and isinstance(
        test.comparisons[0].operator, cst.Equal)


def is_super(node: cst.BaseExpression) -> bool:
    """``super()`` (or ``super(Cls, self)``)."""
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and \
        node.func.value == "super"


def callee_name(call: cst.Call) -> str:
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    if isinstance(func, cst.Name):
        return func.value
    return ""
