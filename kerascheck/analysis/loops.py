"""What a ``for`` loop binds to its target on each round (the interpreter asks)."""

from __future__ import annotations

import libcst as cst

from kerascheck.analysis import splits
from kerascheck.analysis.syntax import loop_jumps, statements_of
from kerascheck.analysis.values import (
    UNKNOWN_VALUE, Const, DataVal, LayerVal, Seq, Value, merge_values,
)

MAX_LAYER_ROUNDS = 32  # longer lists of layers are left unknown, as any other loop's items


def loop_value(analyzer, statement: cst.For, frame) -> Value:
    """The layers of an exact list of layers, one per round (``for layer in self.hidden:
    x = layer(x)``, the list written out in ``__init__``: :func:`run_body` runs a round per
    layer), or of a list the layers were appended to (``self.hidden.append(Dense(n))`` in a
    loop: the layer each round made, as if the list were not empty: a finding about those
    layers holds whenever there is one); the (train, test) index arrays of a splitter's folds (``for train, test in
    kf.split(x)``, also under ``enumerate``); for any other loop nothing: what the loop does to
    each item is not followed (``for m in [small, large]: m.compile(...)``), so the items leave
    what the analysis can see."""
    iterable = statement.iter
    analyzer.tables.loop_nodes[id(statement)] = statement  # refits.py
    enumerated = isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) and \
        iterable.func.value == "enumerate" and len(iterable.args) == 1
    value = analyzer.eval(iterable.args[0].value if enumerated else iterable, frame)
    if isinstance(value, Seq) and (value.exact or value.appended_layers) and \
            0 < len(value.items) <= MAX_LAYER_ROUNDS and \
            isinstance(statement.target, cst.Name) and not enumerated and not loop_jumps(
                statement.body.body) and all(
                isinstance(item, LayerVal) for item in value.items):
        analyzer.tables.layer_rounds[id(statement)] = value.items  # run_body binds each
        return value.items[0]
    if splits.is_folds(value):
        analyzer.tables.fold_loops[id(statement)] = (
            id(value.node), value.qualname, value.kwargs.get("n_splits"))
        pair = Seq([DataVal(fact) for fact in splits.fold_indices(value)])
        return Seq([UNKNOWN_VALUE, pair]) if enumerated else pair
    analyzer.escape(value)
    return UNKNOWN_VALUE


def run_body(analyzer, statement, frame) -> None:
    """Interpret a loop's body. A ``for`` loop that treats its first round apart (``for idx,
    units in enumerate(sizes):`` with ``if idx == 0:`` in the body: a LeakyReLU or an input
    shape on the first layer only) is written for several rounds: the body runs once with that
    test decided as in the first round (the counter is 0) and twice more as in any later round
    (``idx == 0`` false), so that the later rounds, which the ``if`` skips, are seen too, and
    one of them feeds the next (the Dense of the second round reaches the Dense of the third
    through what the body does in between). What the loop leaves is what any round left."""
    if (layers := analyzer.tables.layer_rounds.get(id(statement))) is not None:
        for layer in layers:  # each layer applied in turn: the chain the rounds make
            analyzer.bind(statement.target, layer, frame)
            analyzer.exec_block(statement.body.body, frame)
        return
    # (inside a loop already run so, once: nested rounds would multiply)
    tests = _first_round_tests(statement) if isinstance(statement, cst.For) and \
        not analyzer.decided_tests else {}
    if not tests:
        analyzer.exec_block(statement.body.body, frame)
        return
    outcomes = []
    try:
        for later in (False, True, True):
            analyzer.decided_tests.update(
                {test: value if later else not value for test, value in tests.items()})
            analyzer.exec_block(statement.body.body, frame)
            outcomes.insert(0, dict(frame.variables))
    finally:
        for test in tests:
            analyzer.decided_tests.pop(test, None)
    frame.variables = {name: merge_values([outcome[name] for outcome in outcomes
                                           if name in outcome], ("merged", id(statement), name))
                       for name in {name for outcome in outcomes for name in outcome}}


def test_value(analyzer, statement: cst.If, frame) -> Value:
    """The value of an ``if``'s test: a test on the first round of its loop is decided in each
    round :func:`run_body` runs; else what the analysis makes of it."""
    if id(statement) in analyzer.decided_tests:
        return Const(analyzer.decided_tests[id(statement)])
    return analyzer.eval(statement.test, frame)


def _first_round_tests(statement: cst.For) -> dict[int, bool]:
    """id() of the ``if`` statements of the body that test the first round only (``idx == 0``,
    ``idx != 0``, ``idx > 0``, ``idx >= 1`` on the counter of ``enumerate(...)`` or of
    ``range(n)``) -> the test's value in any later round. Empty otherwise, or when the loop
    certainly runs once at most (``enumerate([64])``, ``range(1)``)."""
    iterable, target = statement.iter, statement.target
    if not isinstance(iterable, cst.Call) or not isinstance(iterable.func, cst.Name) or \
            not iterable.args or any(arg.star or arg.keyword for arg in iterable.args):
        return {}
    if iterable.func.value == "enumerate" and len(iterable.args) == 1 and \
            isinstance(target, cst.Tuple) and len(target.elements) == 2 and \
            isinstance(target.elements[0].value, cst.Name):
        counter, items = target.elements[0].value.value, iterable.args[0].value
        if isinstance(items, (cst.List, cst.Tuple)) and len(items.elements) < 2:
            return {}
    elif iterable.func.value == "range" and isinstance(target, cst.Name) and (
            len(iterable.args) == 1 or len(iterable.args) == 2 and
            _integer(iterable.args[0].value) == 0):
        counter, stop = target.value, _integer(iterable.args[-1].value)
        if stop is not None and stop < 2:
            return {}
    else:
        return {}
    return {id(node): not isinstance(node.test.comparisons[0].operator, cst.Equal)
            for node in statements_of(statement.body, cst.If)
            if _first_round_test(node.test, counter)}


_FIRST_ROUND = {(cst.Equal, 0), (cst.NotEqual, 0), (cst.GreaterThan, 0),
                (cst.GreaterThanEqual, 1)}


def _first_round_test(test, counter: str) -> bool:
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    return isinstance(test.left, cst.Name) and test.left.value == counter and \
        (type(target.operator), _integer(target.comparator)) in _FIRST_ROUND


def _integer(node) -> int | None:
    return int(node.value) if isinstance(node, cst.Integer) and node.value.isdigit() else None
