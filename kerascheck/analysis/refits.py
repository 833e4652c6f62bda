"""One model fit again fold after fold (KC502).

Cross-validation trains a fresh model on each fold's training rows and scores it on the
fold's held-out rows. When the model is built once, before the loop, each round goes on
training the model of the round before: in round two it is scored on rows it was trained on
in round one (every fold's test rows are in the other folds' training rows). The analysis
knows it when, in one ``for`` loop the model was not built in:

- it is fit on the training indices of a scikit-learn splitter's folds and evaluated on the
  test indices of the same folds (``for train, test in KFold(5).split(x)``: ``x[train]``,
  ``x[test]``); a ``TimeSeriesSplit`` is left alone (its later test rows were never trained
  on: a model carried forward through it only warm-starts);
- or it is fit on the complement of a moving slice and evaluated on that slice:
  ``x[i * n:(i + 1) * n]`` for the test rows and ``np.concatenate([x[:i * n],
  x[(i + 1) * n:]])`` for the training rows, the bounds naming the loop's variable.

Nothing in the loop may reset the model: a use of it besides fitting, evaluating, predicting,
compiling and printing (``set_weights``, ``load_weights``, ``reset_states``, a helper it is
handed) leaves the evaluations as they are; so does a loop that may stop after one round (a
``break``, ``range(1)``, ``ShuffleSplit(n_splits=1)``, a ``PredefinedSplit``). Each such evaluation is marked
:attr:`~kerascheck.facts.EvaluationFact.trained_on_earlier`.
"""

from __future__ import annotations

import re

import libcst as cst

# uses of a model that leave its weights to the next round as they are
_KEEPS_WEIGHTS = {"fit", "fit_generator", "evaluate", "evaluate_generator", "predict",
                  "predict_generator", "predict_on_batch", "test_on_batch", "compile", "summary",
                  "count_params", "save", "save_weights", "call"}
# splitters whose later test rows were never in an earlier round's training rows, or that may
# well make one round only (a predefined split into one training and one test set)
_FORWARD_SPLITTERS = {"TimeSeriesSplit", "PredefinedSplit"}


def mark_reused_models(analyzer) -> None:
    """Mark the evaluations of models fit fold after fold in a loop they were not built in."""
    loops = analyzer.tables.loop_nodes
    folds = analyzer.tables.fold_loops
    if not loops:
        return
    for model in analyzer.models:
        if model.escapes or not model.fits or not model.evaluations:
            continue
        paths = {id(event.node): event.path for event in model.events}
        for loop_id, statement in loops.items():
            branch = ("loop", loop_id)
            if branch in model.built_under or any(
                    branch in event.path and event.method not in _KEEPS_WEIGHTS
                    for event in model.events):
                continue
            fits = [fit for fit in model.fits if branch in paths.get(id(fit.node), ())]
            if not fits:
                continue
            for evaluation in model.evaluations:
                if branch in paths.get(id(evaluation.node), ()) and any(
                        _rotates(fit, evaluation, statement, folds.get(loop_id))
                        for fit in fits):
                    evaluation.trained_on_earlier = True


def _rotates(fit, evaluation, statement: cst.For, folds) -> bool:
    """Whether the fit trains on rows that a later round evaluates on (see the module's doc)."""
    trained = getattr(fit.x, "identity", None)
    tested = getattr(evaluation.x, "identity", None)
    if not isinstance(trained, tuple) or not isinstance(tested, tuple):
        return False
    if _ends_early(statement):
        return False
    if folds is not None:
        call, splitter, rounds = folds
        if splitter.split(".")[-2] in _FORWARD_SPLITTERS or getattr(rounds, "value", 2) == 1:
            return False  # carried forward, or one round only (``ShuffleSplit(n_splits=1)``)
        return len(trained) == 5 == len(tested) and trained[0] == "split" == tested[0] and \
            trained[1] == tested[1] and trained[2:] == ("train", call, 0) and \
            tested[2:] == ("test", call, 0)
    return _complement_of_moving_slice(trained, tested, _names(statement.target))


def _complement_of_moving_slice(trained, tested, loop_names: set[str]) -> bool:
    """``concat(x[:a], x[b:])`` trained on, ``x[a:b]`` tested, ``a`` or ``b`` naming the
    loop's variable."""
    if len(tested) != 3 or tested[1] != "slice" or trained[0] != "concat" or \
            len(trained) != 2 or len(trained[1]) != 2:
        return False
    bounds = _bounds(tested[2])
    if bounds is None or not any(_mentions(bound, loop_names) for bound in bounds):
        return False
    low, high = bounds
    head, tail = trained[1]
    return isinstance(head, tuple) and isinstance(tail, tuple) and len(head) == len(tail) == 3 \
        and head[0] == tail[0] == tested[0] and head[1] == tail[1] == "slice" and \
        _bounds(head[2]) == ("", low) and _bounds(tail[2]) == (high, "")


def _ends_early(statement: cst.For) -> bool:
    """Whether the loop may stop after a round (a ``break``, a ``return``) or runs once at most
    (``range(1)``): then no later round is scored on an earlier round's rows."""
    iterable = statement.iter
    if isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) and \
            iterable.func.value == "range" and len(iterable.args) == 1 and \
            isinstance(iterable.args[0].value, cst.Integer) and \
            int(iterable.args[0].value.value) < 2:
        return True
    pending = list(statement.body.children)
    while pending:
        node = pending.pop()
        if isinstance(node, (cst.Break, cst.Return)):
            return True
        if not isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            pending.extend(node.children)
    return False


def _bounds(code: str):
    """``"a:b"`` -> ``("a", "b")`` (spaces dropped); None unless one slice of rows, no step."""
    compact = code.replace(" ", "")
    if compact.count(":") != 1 or "," in compact or "[" in compact:
        return None
    low, high = compact.split(":")
    return low, high


def _mentions(code: str, names: set[str]) -> bool:
    return any(re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", code) for name in names)


def _names(target) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        return {name for element in target.elements for name in _names(element.value)}
    return set()
