"""What a ``for`` loop binds to its target on each round (the interpreter asks)."""

from __future__ import annotations

import libcst as cst

from kerascheck.analysis import splits
from kerascheck.analysis.values import UNKNOWN_VALUE, DataVal, Seq, Value


def loop_value(analyzer, statement: cst.For, frame) -> Value:
    """The (train, test) index arrays of a splitter's folds (``for train, test in
    kf.split(x)``, also under ``enumerate``); for any other loop nothing: what the loop does to
    each item is not followed (``for m in [small, large]: m.compile(...)``), so the items leave
    what the analysis can see."""
    iterable = statement.iter
    enumerated = isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) and \
        iterable.func.value == "enumerate" and len(iterable.args) == 1
    value = analyzer.eval(iterable.args[0].value if enumerated else iterable, frame)
    if splits.is_folds(value):
        pair = Seq([DataVal(fact) for fact in splits.fold_indices(value)])
        return Seq([UNKNOWN_VALUE, pair]) if enumerated else pair
    analyzer.escape(value)
    return UNKNOWN_VALUE
