"""Splits of the data besides ``train_test_split`` (which ``dataflow`` follows itself).

- The folds of a scikit-learn cross-validation splitter: ``for train, test in kf.split(x)``
  binds index arrays, and ``x[test]`` is the held-out fold of ``x`` (an identity of the same
  form as a ``train_test_split`` half: ``("split", parent, "test", call, position)``), so a
  ``fit(x, y, validation_data=(x[test], y[test]))`` validates on rows it trains on (KC505).

- Pieces joined again: ``np.concatenate([x[:a], x[b:]])`` holds the rows of those pieces (an
  identity ``("concat", (piece identities))``), so that the training rows of a hand-made fold
  are seen to be the complement of its test rows ``x[a:b]`` (analysis/refits.py).

A head and a tail cut at one boundary from data a preprocessor was fit on (``scaled[:n]``,
``scaled[n:]``) are a split too: ``preprocessors.record_row_cut`` (KC402).
"""

from __future__ import annotations

from kerascheck.facts import DataFact

# The values below are ``analysis.values``'
# (duck-typed, not imported, so that this module stays on a floor below ``dataflow``).

# scikit-learn's splitters whose ``split(X)`` yields (train indices, test indices) pairs
FOLD_SPLITTERS = {"KFold", "StratifiedKFold", "GroupKFold", "RepeatedKFold",
                  "RepeatedStratifiedKFold", "StratifiedGroupKFold", "ShuffleSplit",
                  "StratifiedShuffleSplit", "GroupShuffleSplit", "TimeSeriesSplit",
                  "LeaveOneOut", "LeavePOut", "PredefinedSplit"}


def is_folds(value) -> bool:
    """Whether a value is what ``splitter.split(X)`` returns (dataflow makes it an ``Instance``
    named ``<splitter>.split``): an iterator of (train indices, test indices) pairs."""
    qualname = getattr(value, "qualname", "")
    return qualname.endswith(".split") and qualname.split(".")[-2] in FOLD_SPLITTERS


def fold_indices(folds) -> list[DataFact]:
    """The facts of the (train, test) index arrays of one round over ``folds``."""
    return [DataFact(identity=("fold", id(folds.node), half)) for half in ("train", "test")]


def fold_part(value, indices):
    """``x[test]`` (a ``DataVal``) with ``test`` a fold's index array: that fold of ``x``, or
    None."""
    for index in indices:
        data = getattr(index, "data", None)
        identity = data.identity if isinstance(data, DataFact) else None
        if isinstance(identity, tuple) and identity[:1] == ("fold",):
            _, call, half = identity
            return value.derive(identity=("split", value.data.identity, half, call, 0))
    return None


def joined(leaf: str, args, node, preserve):
    """``np.vstack([x])`` (one array stacked alone): ``preserve(x)``, the same data.
    ``np.concatenate([a, b, ...])`` / ``np.vstack`` of several arrays of known identity: a
    ``DataVal`` of the rows of those pieces and nothing else known (no source, no scale); None
    for anything else."""
    pieces = args[0] if args else None
    items = getattr(pieces, "items", None)
    if leaf not in ("concatenate", "vstack", "stack") or not getattr(pieces, "exact", False) \
            or not items:
        return None
    if len(items) == 1:
        return preserve(items[0], node)
    if leaf == "stack" or not all(
                isinstance(getattr(item, "data", None), DataFact) for item in items):
        return None
    if any(item.data.synthetic for item in items):
        return None  # made-up rows stay made up (dataflow marks them so)
    return type(items[0])(DataFact(identity=("concat", tuple(item.data.identity
                                                          for item in items)), node=node))


def dataset_concatenate(receiver, name: str, args, node):
    """``train.concatenate(more)`` of two tf.data datasets of known identity: the rows of both,
    as ``np.concatenate([train, more])`` (so a split inside either is inside the result); None
    for anything else."""
    more = args[0] if args else None
    if name != "concatenate" or not receiver.data.is_dataset or not isinstance(
            getattr(more, "data", None), DataFact) or receiver.data.synthetic or more.data.synthetic:
        return None
    return type(receiver)(DataFact(identity=("concat", (receiver.data.identity,
                                                        more.data.identity)),
                                   is_dataset=True, node=node))
