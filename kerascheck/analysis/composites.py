"""scikit-learn's composite preprocessors: ``ColumnTransformer`` and ``Pipeline`` (KC402).

A ``ColumnTransformer([("num", StandardScaler(), numeric), ("cat", OneHotEncoder(), words)])``
or a ``Pipeline([("impute", SimpleImputer()), ("scale", StandardScaler())])`` learns, when it
is fit, what its steps learn: fit on all the rows before they are split, the scaler's means
hold the test rows as if it were fit alone. Such a composite is followed as a preprocessor
when every step is one the analysis knows (a preprocessor, another such composite, or
``"drop"``/``"passthrough"``) and at least one step learns statistics; a step it cannot read
(a variable, a classifier, a function of the user's) leaves the whole composite unknown.
"""

from __future__ import annotations

from kerascheck.analysis import preprocessors

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
        position = MAKERS[qualname]
        if position is None:
            return list(args)
        return [item.items[position] if isinstance(item, seq_type) and item.exact and
                len(item.items) > position else None for item in args]
    listed = args[0] if args else next((kwargs[k] for k in _LIST_KEYWORDS if k in kwargs), None)
    if not isinstance(listed, seq_type) or not listed.exact:
        return None
    return [item.items[1] if isinstance(item, seq_type) and item.exact and
            len(item.items) > 1 else None for item in listed.items]


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
        if step.learns or step.class_name in preprocessors.STATISTICS_ESTIMATORS:
            learning = True
        elif not preprocessors.is_preprocessor(step.qualname, None):
            return False  # a classifier or anything else: not a preprocessor as a whole
    return learning
