"""A model chosen by an ``if``: each branch builds another model and binds it to one name
(``if chain == "ab": mdl = two_chains() elif chain == "a": mdl = one_chain()``), and what
follows (``mdl.compile(...)``, ``mdl.fit(...)``, ``mdl.predict(...)``) runs on whichever was
built. Each model's life is then that code: a method called on the choice is called on every
model (:class:`~kerascheck.analysis.values.ModelChoice`).

:func:`~kerascheck.analysis.values.chosen_model` makes it: only an ``if`` whose every
binding of the name is a model the file builds makes a choice; any other mix (a model on one
branch, something else on another) stays unknown, as before. What a
choice's method gives back is attributed to no single model: a prediction is data of no known
model, so a metric over it evaluates none of them (never a guess of which).
"""

from __future__ import annotations

import libcst as cst

from kerascheck.analysis.values import UNKNOWN_VALUE, DataVal, ModelChoice, Value
from kerascheck.facts import DataFact


def call_method(analyzer, choice: ModelChoice, method: str, node, given, frame) -> Value:
    """``choice.fit(x, y)``: the call on each model, its arguments read as on that model's
    branch where they name what the branches left differently (``train_inputs`` of three
    lengths); a prediction is of no single model."""
    for model, outcome in zip(choice.models, choice.outcomes):
        args, kwargs, star = given
        overlay = {name: outcome[name] for name, value in frame.variables.items()
                   if choice.merged is not None and choice.merged.get(name) is value
                   and name in outcome and outcome[name] is not value}
        if overlay and _plain(node):
            saved = {name: frame.variables[name] for name in overlay}
            frame.variables.update(overlay)
            try:
                args, kwargs, star = analyzer.eval_arguments(node, frame)
            finally:
                frame.variables.update(saved)
        analyzer.call_model_method(model, method, node, args, kwargs, star)
    if method.startswith("predict"):
        return DataVal(DataFact(identity=("predicted", id(node)), node=node))
    return UNKNOWN_VALUE


def _plain(node) -> bool:
    """Whether a call's arguments only read values (names, literals, subscripts, attributes):
    reading them again has no effect of its own."""
    pending = [arg.value for arg in node.args]
    while pending:
        current = pending.pop()
        if isinstance(current, (cst.Call, cst.Lambda, cst.NamedExpr, cst.Yield, cst.Await,
                                cst.ListComp, cst.GeneratorExp, cst.DictComp, cst.SetComp)):
            return False
        pending.extend(current.children)
    return True


def attribute(analyzer, choice: ModelChoice, name: str, node) -> Value:
    """``choice.summary`` / ``choice.layers``: a use of each model, of no value followed."""
    for model in choice.models:
        analyzer.record_event(model, name, node)
    return UNKNOWN_VALUE
