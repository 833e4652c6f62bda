"""scikit-learn wrappers of Keras models: ``KerasClassifier(build_fn=...)`` and what is done with it.

The wrapper builds its model by calling the function it is given, and scikit-learn trains it:
``estimator.fit(X, y)``, or ``cross_val_score(estimator, X, y, cv=...)``, which fits it on every
fold but one and scores it on the held-out fold. The wrapper is therefore the model its build
function returns (a :class:`~kerascheck.analysis.values.ModelVal`), and a cross-validation call is
a fit with held-out data. So is a hyperparameter search over it (``GridSearchCV(estimator,
param_grid, cv=3).fit(X, y)``): every candidate is fit on some folds and scored on the others,
and its fit parameters (``epochs=``, ``validation_data=``) reach the model's ``fit``. Anything
else about a wrapper (or a search) stays unknown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kerascheck.analysis.values import UNKNOWN_VALUE, FuncVal, Instance, ModelVal, Ref, Value

if TYPE_CHECKING:
    import libcst as cst

    from kerascheck.analysis.interface import Interpreter

WRAPPERS = {"KerasClassifier", "KerasRegressor"}
WRAPPER_MODULES = ("keras.wrappers.scikit_learn", "tensorflow.keras.wrappers.scikit_learn",
                   "tf_keras.wrappers.scikit_learn", "scikeras.wrappers")
CROSS_VALIDATION = {"sklearn.model_selection.cross_val_score",
                    "sklearn.model_selection.cross_validate",
                    "sklearn.model_selection.cross_val_predict"}
SEARCHES = {"sklearn.model_selection.GridSearchCV", "sklearn.model_selection.RandomizedSearchCV",
            "sklearn.model_selection.HalvingGridSearchCV",
            "sklearn.model_selection.HalvingRandomSearchCV"}


def call(analyzer: "Interpreter", ref: Ref, node: "cst.Call", args, kwargs, star) -> Value | None:
    """The value of a wrapper's constructor or of a cross-validation of a wrapped model, or None
    when ``ref`` is neither."""
    module, _, leaf = ref.qualname.rpartition(".")
    if leaf in WRAPPERS and module in WRAPPER_MODULES:
        build = kwargs.get("build_fn", kwargs.get("model", args[0] if args else None))
        if isinstance(build, FuncVal):
            model = analyzer.call_function(build, [], {}, call_node=node)
            return model if isinstance(model, ModelVal) else None
        return build if isinstance(build, ModelVal) else None
    if ref.qualname in SEARCHES and isinstance(
            estimator := kwargs.get("estimator", args[0] if args else None), ModelVal):
        return Instance(ref.qualname, {**kwargs, "estimator": estimator}, star, node)
    if ref.qualname in CROSS_VALIDATION and args and isinstance(args[0], ModelVal) and \
            len(args) >= 2:
        data = {key: value for key, value in kwargs.items() if key in ("y",)}
        _fit_on_folds(analyzer, args[0].model, node, list(args[1:3]), data, star, 1)
    return None


def search_fit(analyzer: "Interpreter", search: Instance, method: str, node: "cst.Call", args,
               kwargs, star) -> Value | None:
    """``search.fit(X, y, **fit_params)`` of a search over a wrapped model: the model's ``fit``,
    with held-out data (the folds). None for any other call."""
    estimator = search.kwargs.get("estimator")
    if search.qualname not in SEARCHES or method != "fit" or not isinstance(estimator, ModelVal):
        return None
    _fit_on_folds(analyzer, estimator.model, node, list(args), kwargs, star, 0)
    return UNKNOWN_VALUE


def _fit_on_folds(analyzer, model, node: "cst.Call", args, kwargs, star, x_position: int) -> None:
    """The model's ``fit`` on ``args``, with held-out data: every fold (every candidate of a
    search) is scored on rows it was not fit on. ``x_position``: where the call names ``X``."""
    analyzer.call_model_method(model, "fit", node, args, kwargs, star)
    fit = model.fits[-1]
    fit.has_validation = True
    fit.x_node = node.args[x_position].value if len(node.args) > x_position else None
