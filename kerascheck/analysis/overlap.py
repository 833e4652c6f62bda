"""Whether two values are known to share rows, read off their data identities (KC502).

Identities (analysis/dataflow.py) tell data apart; equal identities are the same data. Two
different identities may still share rows, and the analysis knows it in two cases only:

- one is a row slice of the other (``x[:100]`` is inside ``x``);
- both are row slices of the same data that start at the same written row (``df[0:n_train]``
  and ``df[0:n_test]``: two heads, one inside the other) or both run to its end (``x[-500:]``
  and ``x[-200:]``: two tails),
  seen through whatever was done to both alike (``create_dataset(df[0:a], 1)`` and
  ``create_dataset(df[0:b], 1)``: the same helper, the same other arguments, whatever list or
  array it fills on each call).

Anything else is not known to overlap (``x[:800]`` and ``x[800:]``, the halves of a split,
two loads): unknown stays silent.
"""

from __future__ import annotations

import re
from functools import lru_cache

import libcst as cst

# ``start:stop`` of rows, the start written as an integer or left out, no step
_ROWS = re.compile(r"^\s*(?P<start>-?\d+)?\s*:\s*(?P<stop>[^:\[\]]*?)\s*$")
# any ``start:stop[:step]`` of rows (``i * k:(i + 1) * k``), no mask, no column
_ANY_ROWS = re.compile(r"^[^:\[\],]*:[^:\[\],]*(?::[^:\[\],]*)?$")


def _top_level_parts(code: str) -> list[str]:
    """``"0:n, 1:3"`` -> ``["0:n", "1:3"]``, splitting on commas outside brackets."""
    parts, depth, current = [], 0, []
    for char in code:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts]


def _row_start(code: str):
    """Where a row slice starts (``"0"`` for ``:n`` and ``0:n``), or ``"end"`` for a tail
    (``-200:``, ``800:``): two heads cut at the same row share it, two tails share the last
    rows. None when ``code`` is not a slice of rows by an integer start (a mask, a column,
    ``i*k:``)."""
    match = _ROWS.match(code)
    if match is None or not match.group("stop") and match.group("start") is None:
        return None  # ``:`` alone is every row (the dataflow keeps that the same data)
    if not match.group("stop"):
        return "end"
    return str(int(match.group("start") or 0))


def _is_slice(identity) -> bool:
    return isinstance(identity, tuple) and len(identity) == 3 and identity[1] == "slice"


def contains(whole, part) -> bool:
    """Whether ``part`` is ``whole`` or rows cut from it (``whole[a:b]``, again and again), also
    through one helper called on both with arguments that are each the same or rows of the
    other's (``to_arrays(df[1:])`` holds rows of ``to_arrays(df)``)."""
    while part != whole:
        if _same_helper(whole, part):
            return all(contains(w, p) for w, p in zip(whole[3], part[3]))
        if not _is_slice(part) or _ANY_ROWS.match(part[2].strip()) is None and \
                not _is_mask(part[2]):
            return False
        part = part[0]
    return True


@lru_cache(maxsize=1024)
def _is_mask(code: str) -> bool:
    """Whether a subscript is a boolean mask written as comparisons (``df[df.age > 40]``,
    ``x[(y == 1) & (z != 0)]``): it keeps some rows (or elements) of what it indexes, never
    anything else. A name, a column label or a call may be anything: not a mask."""
    try:
        expression = cst.parse_expression(code)
    except Exception:  # noqa: BLE001 (not an expression: not a mask)
        return False
    while isinstance(expression, cst.UnaryOperation) and isinstance(
            expression.operator, (cst.BitInvert, cst.Not)):
        expression = expression.expression
    if isinstance(expression, (cst.BinaryOperation, cst.BooleanOperation)) and isinstance(
            getattr(expression, "operator", None), (cst.BitAnd, cst.BitOr, cst.And, cst.Or)):
        return _is_mask(cst.Module([]).code_for_node(expression.left)) and \
            _is_mask(cst.Module([]).code_for_node(expression.right))
    return isinstance(expression, cst.Comparison) and all(
        not isinstance(target.operator, (cst.In, cst.NotIn, cst.Is, cst.IsNot))
        for target in expression.comparisons)


def _same_helper(whole, part) -> bool:
    """Two results of one helper (analysis/functions.py: ``("call", helper, result, keys)``),
    made alike (the same identity inside it, or a list or array it fills on each call), whose
    calls differ in their argument keys only."""
    return isinstance(whole, tuple) and isinstance(part, tuple) and len(whole) == 4 == len(
        part) and whole[0] == "call" == part[0] and whole[1] == part[1] and (
        whole[2] == part[2] or _made_inside(whole[2]) and _made_inside(part[2])) and isinstance(
        whole[3], tuple) and isinstance(part[3], tuple) and len(whole[3]) == len(part[3])


def overlaps(first, second) -> bool:
    """Whether the data of two identities is known to share rows (see the module's doc)."""
    if first == second or contains(first, second) or contains(second, first):
        return True
    return _alike(first, second, budget=[1])


def _alike(first, second, budget) -> bool:
    """The same identity but for row slices of one data that start at the same written row;
    ``budget`` bounds the walk on long identities."""
    if first == second:
        return True
    if not (isinstance(first, tuple) and isinstance(second, tuple)) or \
            len(first) != len(second):
        return False
    if _is_slice(first) and _is_slice(second) and first[0] == second[0]:
        ours, theirs = _top_level_parts(first[2]), _top_level_parts(second[2])
        start = _row_start(ours[0])
        return start is not None and start == _row_start(theirs[0]) and \
            ours[1:] == theirs[1:]
    budget[0] += 1
    if budget[0] > 200:
        return False
    if first[0] == "call" == second[0] and len(first) == 4 and first[1] == second[1] and \
            _made_inside(first[2]) and _made_inside(second[2]):
        # one helper's result made inside it (a list it fills, a fresh array) on each call:
        # what tells the calls apart is their arguments
        return _alike(first[3], second[3], budget)
    return all(_alike(a, b, budget) for a, b in zip(first, second))


def _made_inside(identity) -> bool:
    """A value a helper made itself: rows appended to a fresh list, a fresh array."""
    return isinstance(identity, tuple) and len(identity) == 2 and identity[0] in ("rows", "value")
