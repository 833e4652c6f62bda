"""Fitted preprocessors: scalers, encoders, PCA, imputers, tokenizers (KC401, KC402, KC403).

A preprocessor learns something from the data it is fit on (a mean, a vocabulary, principal
axes) and applies it in ``transform``. What the analysis keeps: which data each one was fit on
(``Instance.fitted_on``, ``DataFact.fitted_on``), and, for those whose statistics would leak the
test rows into training, every fit as a :class:`~kerascheck.facts.StatisticsFitFact`: fit on
data that is split afterwards, or fit on held-out data (the test side of a split, a loaded
set's test half, a file whose name says test or validation, or the same object fit again on
data named as the test or validation data).
"""

from __future__ import annotations

import re

import libcst as cst

from kerascheck.facts import DataFact, StatisticsFitFact

# ``analyzer`` below is the running interpreter (``analysis.interface.Interpreter``), and the
# values are ``analysis.values``' ``DataVal``/``Instance``: neither is imported, even for typing,
# so that this module stays on a floor below ``dataflow``, which makes those values.

SCALER_SUFFIXES = ("Scaler", "Normalizer", "Transformer", "Standardizer")
ONE_HOT_ENCODERS = {"OneHotEncoder", "LabelBinarizer", "MultiLabelBinarizer"}
# Dimensionality reductions and imputers learn the data's axes or its column means.
REDUCERS = {"PCA", "IncrementalPCA", "KernelPCA", "TruncatedSVD", "FastICA"}
IMPUTERS = {"SimpleImputer", "KNNImputer", "IterativeImputer"}
# Estimators whose fit learns statistics of the data (KC402). sklearn's Normalizer and
# FunctionTransformer learn nothing; encoders learn the label set, which leaks nothing useful;
# a tokenizer's or a TF-IDF vectorizer's vocabulary and document frequencies do.
STATISTICS_ESTIMATORS = {"StandardScaler", "MinMaxScaler", "MaxAbsScaler", "RobustScaler",
                         "QuantileTransformer", "PowerTransformer", "Normalization",
                         "Discretization", "TextVectorization", "Tokenizer", "TfidfVectorizer",
                         *REDUCERS, *IMPUTERS}
PREPROCESSOR_MODULES = ("sklearn.decomposition.", "sklearn.impute.",
                        "sklearn.feature_extraction.text.")
# Spellings of a held-out part in a file name or a variable name (x_test, valid.csv, X_val).
_HELD_OUT_WORDS = {"test", "testing", "val", "valid", "validation"}


def is_preprocessor(qualname: str, keras_name: str | None) -> bool:
    """Whether calling ``qualname`` makes a preprocessor the analysis follows."""
    leaf = qualname.rsplit(".", 1)[-1]
    if keras_name is not None:
        return keras_name.endswith("text.Tokenizer")
    if qualname.startswith("sklearn.preprocessing."):
        return leaf.endswith(SCALER_SUFFIXES) or leaf in ONE_HOT_ENCODERS or leaf == "LabelEncoder"
    return qualname.startswith(PREPROCESSOR_MODULES) and leaf in STATISTICS_ESTIMATORS


def names_held_out(text: str) -> bool:
    """Whether a file name or variable name says it is test or validation data
    (``"data/test.csv"``, ``X_test``, ``valid_df``); ``contest`` or ``x_train`` do not."""
    stem = text.replace("\\", "/").rsplit("/", 1)[-1].lower()
    words = set(re.split(r"[^a-z]+", stem))
    return bool(words & _HELD_OUT_WORDS) and "train" not in words


def loaded_tag(call: cst.Call) -> tuple:
    """The tag a loaded file's identity carries: ``("test",)`` when its literal name says it
    holds test or validation rows, so the data counts as held out (KC402)."""
    if call.args and isinstance(call.args[0].value, cst.SimpleString) and \
            names_held_out(call.args[0].value.evaluated_value or ""):
        return ("test",)
    return ()


def _data(value) -> DataFact | None:
    """The facts of a ``DataVal`` (duck-typed: this module stays below ``analysis.values``)."""
    data = getattr(value, "data", None)
    return data if isinstance(data, DataFact) else None


def record_fit(instance, data_arg) -> None:
    """Remember which data a scaler or ``Normalization`` layer (an ``Instance``) took its
    statistics from."""
    data = _data(data_arg)
    if data is not None and data.identity is not None:
        instance.fitted_on.append(data.identity)


def record_statistics_fit(analyzer, instance, data_arg, node: cst.Call) -> None:
    """Remember a scaler's fit or a Normalization layer's adapt, for KC402."""
    data = _data(data_arg)
    if instance.class_name not in STATISTICS_ESTIMATORS and not getattr(
            instance, "learns", False) or data is None:
        return
    identity = data.identity
    if identity is None:
        return
    # the same object fit again, now on data named as held out (``scaler.fit(X_test)`` after
    # ``scaler.fit(X_train)``): the test rows get their own statistics
    refit = bool(instance.fitted_on) and identity not in instance.fitted_on and bool(
        node.args) and isinstance(node.args[0].value, cst.Name) and names_held_out(
        node.args[0].value.value)
    fit = StatisticsFitFact(node=node, data_identity=identity, estimator=instance.class_name,
                            held_out=refit or is_held_out(identity))
    # ``scaler.fit(X)`` then ``scaler.fit_transform(X)``: the same statistics learned again, one
    # root cause; the later fit is the one the scaler holds (analysis/tables.py)
    earlier = analyzer.tables.statistics_fit_of
    # the instance itself, not its id(): a temporary (``KNNImputer().fit_transform(X)``) is
    # freed at once, and the next one (``TruncatedSVD().fit_transform(...)``) may get its id
    key = (instance, identity)
    if key in earlier and earlier[key] in analyzer.statistics_fits:
        analyzer.statistics_fits.remove(earlier[key])
    earlier[key] = fit
    analyzer.statistics_fits.append(fit)


def mark_split_after_fit(arrays, node, analyzer) -> None:
    """Statistics fit on whole data that is now split (that data, or data made from it: a
    helper's result, an array filled with its windows): the test side was seen by the scaler.

    Only data that was not itself a part of an earlier split or of a dataset's train/test halves
    counts, so that carving a validation set out of an already scaled training set (a common and
    mild practice) is not reported."""
    identities = {_data(array).identity for array in arrays
                  if _data(array) is not None and _data(array).identity is not None}
    scaled = {_data(array).identity for array in arrays
              if _data(array) is not None and _data(array).scaled}
    filled = analyzer.tables.filled_from
    for fit in analyzer.statistics_fits:
        if fit.later_split is None and not is_part(fit.data_identity) and any(
                derived_from(identity, fit.data_identity, filled) for identity in identities) and (
                    not _scaled_by_itself(analyzer, fit) or fit.data_identity in scaled):
            fit.later_split = node


def _scaled_by_itself(analyzer, fit) -> bool:
    """Whether ``fit`` is arithmetic by the data's own statistics (analysis/own_statistics.py):
    nothing holds those statistics but the scaled result, so only a split of scaled data is a
    split of what they scaled (``print((X - X.mean()) / X.std())`` then a split of the raw
    ``X`` leaks nothing)."""
    return id(fit) in analyzer.tables.own_fits


def is_part(identity) -> bool:
    """Whether an identity names one side of a split or a train/test half of a loaded set."""
    while isinstance(identity, tuple) and identity:
        if identity[0] == "split" or (identity[0] == "load" and (
                "train" in identity or "test" in identity)):
            return True
        identity = next((item for item in identity if isinstance(item, tuple)), None)
    return False


def is_held_out(identity) -> bool:
    """Whether an identity names the test or validation side of a split or a dataset."""
    while isinstance(identity, tuple):
        if identity[:1] == ("concat",) and len(identity) == 2:  # rows of several pieces
            # a table read from a test file among them (``pd.concat([train, test])``); a split's
            # held-out side joined back after the first piece is a refit on train + validation
            pieces = identity[1]
            return bool(pieces) and is_held_out(pieces[0]) or any(
                isinstance(piece, tuple) and piece[:1] == ("load",) and "test" in piece
                for piece in pieces)
        if identity[:1] == ("split",) and "test" in identity:
            return True
        if identity[:1] == ("load",) and "test" in identity:
            return True
        identity = identity[0] if identity and isinstance(identity[0], tuple) else (
            identity[1] if len(identity) > 1 and isinstance(identity[1], tuple) else None)
    return False


def _row_cut(node: cst.Subscript, module: cst.Module) -> tuple | None:
    """``x[:n]``/``x[0:n]`` -> ("head", "n"); ``x[n:]``/``x[n:len(x)]`` -> ("tail", "n") (more
    elements may follow: columns); ``x[rows]`` -> ("pick", "rows"), the rows a name indexes
    (paired only with ``np.delete(x, rows, 0)``); None for anything else."""
    first = node.slice[0].slice if node.slice else None
    if isinstance(first, cst.Index) and isinstance(first.value, cst.Name) and \
            len(node.slice) == 1:
        return "pick", first.value.value
    if not isinstance(first, cst.Slice) or first.step is not None:
        return None
    lower, upper = first.lower, first.upper
    if upper is not None and (lower is None or isinstance(lower, cst.Integer) and
                              lower.value == "0"):
        return "head", module.code_for_node(upper)
    is_length = upper is None or isinstance(upper, cst.Call) and isinstance(
        upper.func, cst.Name) and upper.func.value == "len"
    if lower is not None and is_length:
        return "tail", module.code_for_node(lower)
    return None


# the cut that makes a split with each: a head and a tail at one boundary, the rows a name
# picks and the rest once they are deleted (``test = x[rows]``, ``train = np.delete(x, rows, 0)``)
_COMPLEMENT = {"head": "tail", "tail": "head", "pick": "rest", "rest": "pick"}


def record_row_cut(analyzer, value, node, cut: tuple | None = None) -> None:
    """Remember head and tail cuts of data (``node`` a subscript, or ``cut`` given: the rest of
    ``np.delete``); two complementary cuts of data a preprocessor learned its statistics from
    are a split made after that fit (KC402)."""
    identity = value.data.identity
    if cut is None and identity is not None:
        cut = _row_cut(node, analyzer.module)
    if cut is None or identity is None:
        return
    cuts = analyzer.tables.row_cuts  # one table per analysis (analysis/tables.py)
    seen = cuts.setdefault(identity, set())
    seen.add(cut)
    other = (_COMPLEMENT[cut[0]], cut[1])
    if other not in seen:
        return
    for fit in analyzer.statistics_fits:
        if fit.later_split is None and not is_part(fit.data_identity) and \
                derived_from(identity, fit.data_identity,
                             analyzer.tables.filled_from) and (
                    not _scaled_by_itself(analyzer, fit) or value.data.scaled):
            fit.later_split = node


def derived_from(identity, fitted, filled: dict) -> bool:
    """Whether data of ``identity`` is the fitted data, a part of it, a helper's result made
    from it (``windows(scaled)``), or an array filled with it (``filled``: what each array
    was filled from, analysis/rows.py), read through the identity's nesting (iteratively)."""
    pending, seen = [identity], set()
    while pending:
        current = pending.pop()
        if current == fitted:
            return True
        if isinstance(current, tuple):
            pending.extend(item for item in current if isinstance(item, tuple))
            if current in filled and current not in seen:
                seen.add(current)
                pending.extend(filled[current])
    return False


# -- scikit-learn's composites: ColumnTransformer and Pipeline (KC402) --------------------------
# A ``ColumnTransformer([("num", StandardScaler(), numeric), ("cat", OneHotEncoder(), words)])``
# or a ``Pipeline([("impute", SimpleImputer()), ("scale", StandardScaler())])`` learns, when it
# is fit, what its steps learn: fit on all the rows before they are split, the scaler's means
# hold the test rows as if it were fit alone. Such a composite is followed as a preprocessor
# when every step is one the analysis knows (a preprocessor, another such composite, or
# ``"drop"``/``"passthrough"``) and at least one step learns statistics; a step it cannot read
# (a variable, a classifier, a function of the user's) leaves the whole composite unknown.
# Composites given one list of (name, estimator, ...) tuples: where the estimator is in each.
COLUMN_TRANSFORMERS = {"sklearn.compose.ColumnTransformer": 1,
                       "sklearn.compose._column_transformer.ColumnTransformer": 1,
                       "sklearn.pipeline.Pipeline": 1, "sklearn.pipeline.FeatureUnion": 1}
# makers that take the steps themselves as positional arguments: where the estimator is in each
MAKERS = {"sklearn.compose.make_column_transformer": 0, "sklearn.pipeline.make_pipeline": None,
          "sklearn.pipeline.make_union": None}
_LIST_KEYWORDS = ("transformers", "steps", "transformer_list")


def is_composite(qualname: str) -> bool:
    return qualname in COLUMN_TRANSFORMERS or qualname in MAKERS


def _steps(qualname: str, args, kwargs, seq_type) -> list | None:
    """The step estimators of a composite's call, or None when they cannot be read."""
    if qualname in MAKERS:
        position, items = MAKERS[qualname], args
        if position is None:
            return list(args)
    else:  # one list of (name, estimator, ...) tuples
        position = COLUMN_TRANSFORMERS[qualname]
        listed = args[0] if args else next((kwargs[k] for k in _LIST_KEYWORDS if k in kwargs),
                                           None)
        if not isinstance(listed, seq_type) or not listed.exact:
            return None
        items = listed.items
    return [item.items[position] if isinstance(item, seq_type) and item.exact and
            len(item.items) > position else None for item in items]


def learns_statistics(qualname: str, args, kwargs, seq_type, instance_type,
                      const_type) -> bool:
    """Whether every step of the composite is known and one of them learns statistics."""
    steps = _steps(qualname, args, kwargs, seq_type)
    if not steps:
        return False
    learning = False
    for step in steps:
        if isinstance(step, const_type) and step.value in ("drop", "passthrough"):
            continue
        if not isinstance(step, instance_type):
            return False
        if step.learns or step.class_name in STATISTICS_ESTIMATORS:
            learning = True
        elif not is_preprocessor(step.qualname, None):
            return False  # a classifier or anything else: not a preprocessor as a whole
    return learning
