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


def _code(node) -> str:
    return cst.Module([]).code_for_node(node).replace(" ", "")


def is_one_column(node) -> bool:
    """An expression that visibly makes one column: ``y.reshape(-1, 1)`` (or ``len(y), 1``),
    ``df[["label"]]``, ``y[:, None]`` (what ``OneHotEncoder`` is given to encode one label
    per sample)."""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and \
            node.func.attr.value == "reshape":
        # (rows, 1) however the rows are written: -1, len(y), n
        if any(arg.keyword is not None or arg.star for arg in node.args):
            return False
        shape = [arg.value for arg in node.args]
        if len(shape) == 1 and isinstance(shape[0], (cst.Tuple, cst.List)):
            shape = [element.value for element in shape[0].elements]
        return len(shape) == 2 and _code(shape[1]) == "1"
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        return isinstance(index, cst.Index) and isinstance(index.value, cst.List) and \
            len(index.value.elements) == 1 and isinstance(index.value.elements[0].value,
                                                          cst.SimpleString)
    if isinstance(node, cst.Subscript) and len(node.slice) == 2:
        return _code(node.slice[0]).rstrip(",") == ":" and \
            _code(node.slice[1]) in ("None", "np.newaxis", "numpy.newaxis")
    return False



_BLOCKS = ("body", "orelse", "handlers", "finalbody", "cases")


def statements_of(root, kind) -> list:
    """Every statement of type ``kind`` in the blocks under ``root`` (a module, a block, a
    compound statement), nested functions and classes included, ``root`` too. Only blocks are
    walked, never expressions: a tenth of the cost of visiting the whole tree. (Classes are
    compared through each node's MRO: ``isinstance`` against LibCST's node classes, abstract
    base classes, runs ``ABCMeta.__instancecheck__`` in Python for every node; the blocks'
    fields hold nodes, sequences of nodes or None.)"""
    if isinstance(kind, tuple):
        return [node for node in statements_of(root, object) if isinstance(node, kind)]
    found, pending = [], [root]
    while pending:
        node = pending.pop()
        kinds = type(node).__mro__
        if kind in kinds:
            found.append(node)
        if list in kinds or tuple in kinds:
            pending.extend(node)
            continue
        for field in _BLOCKS:
            child = getattr(node, field, None)
            if child is not None:
                pending.append(child)
    return found


def literal_number(node) -> float | None:
    """A number written out: ``0.5``, ``1./255``, ``1 / 255.0``; None for anything else."""
    if isinstance(node, (cst.Integer, cst.Float)):
        return float(node.evaluated_value)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
        left, right = literal_number(node.left), literal_number(node.right)
        return left / right if left is not None and right else None
    return None


def loop_jumps(statements) -> bool:
    """Whether a ``break`` or ``continue`` of the loop is among ``statements`` (not one of a
    loop or function inside them). Over the statements only (a LibCST visitor over the whole
    body cost a tenth of the analysis, measured)."""
    pending = list(statements)
    while pending:
        statement = pending.pop()
        if isinstance(statement, (cst.Break, cst.Continue)):  # ``if done: break`` on one line
            return True
        if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            if any(isinstance(small, (cst.Break, cst.Continue)) for small in statement.body):
                return True
        elif isinstance(statement, (cst.If, cst.With, cst.Try, cst.Else, cst.ExceptHandler,
                                    cst.Finally)) or type(statement).__name__ in (
                "TryStar", "ExceptStarHandler", "Match", "MatchCase"):
            for part in ("body", "orelse", "finalbody"):
                block = getattr(statement, part, None)
                if isinstance(block, cst.BaseSuite):
                    inner = block.body
                    if isinstance(inner, (list, tuple)):
                        pending.extend(inner)
                elif block is not None:
                    pending.append(block)  # an elif, an else, a finally
            pending.extend(getattr(statement, "handlers", ()))
            pending.extend(getattr(statement, "cases", ()))
        # nested loops, functions and classes have jumps of their own
    return False

