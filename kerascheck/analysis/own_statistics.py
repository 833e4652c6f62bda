"""Statistics a script takes from the data itself, with no fitted preprocessor (KC402).

``sklearn.preprocessing.normalize(X, axis=0)`` divides every column by its norm over all the
rows; ``(X - X.mean(axis=0)) / X.std(axis=0)``, ``(X - np.mean(X)) / np.std(X)`` and
``X / X.std()`` standardize or rescale by the data's own mean or spread. Taken over the
rows (axis 0, or over everything when no axis is given) such a statistic is learned from every
row, exactly as a scaler's ``fit`` is, so it is a
:class:`~kerascheck.facts.StatisticsFitFact` of that data: KC402 reports it when the data is
split afterwards or is itself the test data. Statistics of each sample (``axis=1``,
``axis=-1``, sklearn's default ``normalize`` of each row) learn nothing across rows and are left
alone, and so is a statistic of other data (``x_test - x_train.mean()``: the right way).
"""

from __future__ import annotations

import libcst as cst

from kerascheck.analysis import preprocessors, rescaling
from kerascheck.analysis.values import Const, DataVal, Seq
from kerascheck.facts import DataFact, StatisticsFitFact

# Reductions whose value, over the rows, is a statistic of those rows: their centre and spread.
# Extremes are left out: they are most often the bounds of a scale that every subset shares
# (0 and 255 for pixels, 1 and 5 stars for ratings), so nothing is learned from the test rows.
ROW_STATISTICS = {"mean", "std", "var", "median", "nanmean", "nanstd", "nanvar", "nanmedian"}
SPREADS = {"std", "var", "nanstd", "nanvar"}
_NORMALIZERS = {"sklearn.preprocessing.normalize"}  # each row by default (axis=1)
# Functions that standardize each column by its centre and spread over the rows by default
# (axis=0); their minimum-maximum cousins (minmax_scale, maxabs_scale) are left out, as the
# extremes are (ROW_STATISTICS).
_STANDARDIZERS = {"sklearn.preprocessing.scale": "scale", "sklearn.preprocessing.robust_scale":
                  "robust_scale", "scipy.stats.zscore": "zscore"}


def _table(analyzer) -> dict:
    """What each statistic value was computed from (analysis/tables.py)."""
    return analyzer.tables.own_statistic_of


def over_rows(axis) -> bool:
    """Whether a reduction along ``axis`` (a value; None when not given) mixes the rows: no axis
    (pandas and NumPy then reduce over the rows or over everything), ``axis=0``, ``axis=None``,
    ``axis="index"``, or a tuple of axes with 0 in it. An axis the analysis cannot read is not."""
    if axis is None:
        return True
    if isinstance(axis, Const):
        return axis.value is None or axis.value in ("index", "rows") or (
            type(axis.value) is int and axis.value == 0)
    if isinstance(axis, Seq) and axis.exact:
        return any(isinstance(item, Const) and type(item.value) is int and item.value == 0
                   for item in axis.items)
    return False


def statistic(analyzer, receiver: DataVal, name: str, value, axis) -> None:
    """Remember what a reduction of data (``X.mean(axis=0)``, ``np.std(X)``) was computed from,
    when it was computed over the rows (``value``: the reduction's result)."""
    data = receiver.data
    if isinstance(value, DataVal) and name in ROW_STATISTICS and data.identity is not None and \
            not data.synthetic and over_rows(axis):
        _table(analyzer)[value.data.identity] = (data.identity, name)


def of_method(analyzer, receiver, name: str, result, args, kwargs) -> None:
    """``X.mean(axis=0)``, ``frame.std()`` (``result``: what the method call gave): the axis is
    the first argument."""
    if isinstance(receiver, DataVal):
        statistic(analyzer, receiver, name, result,
                  kwargs.get("axis", args[0] if args else None))


def call(analyzer, ref, node: cst.Call, args, kwargs):
    """The value of ``np.mean(X)``-like reductions and of ``normalize(X, axis=0)`` on data, or
    None when ``ref`` is neither (the caller goes on as before)."""
    rescaled = rescaling.call(analyzer, ref, node, args, kwargs, DataVal)
    if rescaled is not None:
        return rescaled
    qualname = ref.qualname
    root, _, leaf = qualname.rpartition(".")
    data = args[0] if args else kwargs.get("a", kwargs.get("X", kwargs.get("x")))
    if not isinstance(data, DataVal):
        return None
    axis = kwargs["axis"] if "axis" in kwargs else (args[1] if len(args) > 1 else None)
    if root == "numpy" and leaf in ROW_STATISTICS:
        value = DataVal(DataFact(identity=("value", id(node), "statistic"), node=node))
        statistic(analyzer, data, leaf, value, axis)
        return value
    if qualname in _STANDARDIZERS:
        if not over_rows(axis if axis is not None else Const(0)) or isinstance(axis, Const) and \
                axis.value is None and qualname == "scipy.stats.zscore":
            return None  # each row by its own statistics (axis=1), or zscore's axis=None
        record(analyzer, data, node, f"{_STANDARDIZERS[qualname]}()",
               node.args[0].value if node.args else None)
        return data.derive(scaled=True)
    if qualname in _NORMALIZERS or ref.keras == "utils.normalize":
        if not (isinstance(axis, Const) and type(axis.value) is int and axis.value == 0):
            return None  # each row by its own norm (sklearn's default, Keras' axis=-1)
        record(analyzer, data, node, "normalize(axis=0)",
               node.args[0].value if node.args else None)
        return data.derive(scaled=True)
    return None


def binary(analyzer, left, right, operator, nodes, at):
    """``X - X.mean(axis=0)``, ``X / np.std(X)`` (``at``: the operation, or the augmented
    assignment ``X -= X.mean()``): data shifted or divided by a statistic of the same data is
    scaled with statistics learned from all its rows. The same hook hands
    ``analysis.rescaling`` the divisions by 255 it looks for. Returns the identity of the data
    whose spread divides it (``/ X.std()``: the step that standardizes), else None."""
    rescaling.binary(analyzer, left, right, operator, nodes, at)
    if not isinstance(operator, (cst.Subtract, cst.Divide, cst.SubtractAssign, cst.DivideAssign)):
        return None
    table = _table(analyzer)
    for data, other, expression in ((left, right, nodes[0]), (right, left, nodes[1])):
        if isinstance(data, DataVal) and isinstance(other, DataVal) and \
                data.data.identity is not None:
            source = table.get(other.data.identity)
            if source is not None and source[0] == data.data.identity:
                # centring alone is also how metrics are computed (R2's ``y_test -
                # y_test.mean()``): only a division by the spread scales the test data
                scales = isinstance(operator, (cst.Divide, cst.DivideAssign)) and \
                    source[1] in SPREADS
                record(analyzer, data, at, f"the data's own {source[1]}", expression,
                       may_be_held_out=scales)
                return source[0] if scales else None
    return None


def mark(result, standardized_by):
    """``result`` (of ``X / X.std()``) as data standardized with the statistics of the data of
    identity ``standardized_by`` (its ``fitted_on``, as a fitted scaler's ``transform`` gives;
    KC403 compares it with the data a model is trained on)."""
    if standardized_by is None or not isinstance(result, DataVal):
        return result
    return result.derive(fitted_on=(standardized_by,))


def record(analyzer, data: DataVal, node, estimator: str, expression=None,
           may_be_held_out: bool = True) -> None:
    """A statistic of ``data`` learned from all its rows; the test or validation data's own
    statistics (by where it came from, or by the name it is given) are held out."""
    identity = data.data.identity
    if identity is None or data.data.synthetic:
        return
    held_out = may_be_held_out and (preprocessors.is_held_out(identity) or
                                    _named_held_out(expression))
    # ``(X - mean) / std``, ``X -= mean`` then ``X /= std``: one scaling of one data set,
    # reported once, where it starts
    earlier = analyzer.tables.statistics_fit_of
    key = ("own", identity)
    if key in earlier and earlier[key] in analyzer.statistics_fits:
        earlier[key].held_out = earlier[key].held_out or held_out
        return
    earlier[key] = StatisticsFitFact(node=node, data_identity=identity, estimator=estimator,
                                     held_out=held_out)
    analyzer.tables.own_fits.add(id(earlier[key]))
    analyzer.statistics_fits.append(earlier[key])


def _named_held_out(target) -> bool:
    """Whether the data is spelled with a held-out name (``test_x[:, 2:26]``, ``X_test``,
    ``feats.x_val``): the name of the expression that is scaled, through subscripts and method
    calls. ``val`` alone may be short for values: only with another word (``x_val``)."""
    while isinstance(target, (cst.Subscript, cst.Call, cst.BinaryOperation)):
        if isinstance(target, cst.Call):
            target = target.func.value if isinstance(target.func, cst.Attribute) else None
        elif isinstance(target, cst.BinaryOperation):
            target = target.left
        else:
            target = target.value
    name = target.attr.value if isinstance(target, cst.Attribute) else (
        target.value if isinstance(target, cst.Name) else "")
    return preprocessors.names_held_out(name) and name.lower() not in ("val", "_val")
