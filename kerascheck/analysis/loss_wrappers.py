"""A loss function of the user's that only scores its two arguments with a Keras loss::

    def loss_fn(y_true, y_pred):
        return tf.reduce_mean(tf.keras.metrics.sparse_categorical_crossentropy(y_true, y_pred))

    model.compile(loss=loss_fn, ...)

is that Keras loss, with the ``from_logits`` written in it (KC305 and the other output-and-loss
rules judge it as they judge the loss named directly). Anything else a function does (it
changes ``y_pred`` first, weighs the classes, adds a term, has more than one statement) makes it
a loss of its own: unknown. Hand-written: LibCST's matchers could state the shape, but the
callees must be resolved in the function's own scope, which only the interpreter can do.
"""

from __future__ import annotations

import libcst as cst

from kerascheck.facts import LOSS_ALIASES, UNKNOWN, LossFact

# (values are read by their attributes: this module imports no value module, which would put
# the interpreter a floor higher than the architecture allows)

# Keras' loss functions are also found under ``metrics`` (the same functions) and, in Keras 2,
# the backend's cross-entropies take (target, output, from_logits) too.
_LOSS_NAMESPACES = ("losses.", "metrics.", "backend.")
_BACKEND_LOSSES = {"categorical_crossentropy", "sparse_categorical_crossentropy",
                   "binary_crossentropy"}
# ``tf.reduce_mean(loss(y_true, y_pred))``: a mean or sum over the per-sample losses
_REDUCTIONS = {"reduce_mean", "reduce_sum", "mean", "sum"}


def wrapped_loss(function, evaluate) -> LossFact | None:
    """The Keras loss ``function`` (a ``FuncVal`` passed as a loss) applies to its
    ``(y_true, y_pred)``, located at that call, or None when it is not only that.
    ``evaluate(expression)`` resolves a callee or an argument in the function's scope."""
    definition = function.node
    if not isinstance(definition, cst.FunctionDef) or definition.decorators or \
            definition.asynchronous is not None:
        return None
    parameters = [p.name.value for p in definition.params.params]
    if len(parameters) < 2:
        return None
    returned = _only_return(definition)
    while isinstance(returned, cst.Call) and len(returned.args) == 1 and \
            returned.args[0].keyword is None and _is_reduction(evaluate(returned.func)):
        returned = returned.args[0].value
    if not isinstance(returned, cst.Call) or len(returned.args) < 2 or any(
            not isinstance(arg.value, cst.Name) or arg.value.value != name or arg.keyword
            for arg, name in zip(returned.args[:2], parameters[:2])):
        return None
    name = _loss_name(evaluate(returned.func))
    if name is None:
        return None
    logits = False
    for position, arg in enumerate(returned.args[2:], start=2):
        if arg.star:
            return LossFact(name, UNKNOWN, returned)
        if arg.keyword is None and position == 2 or \
                arg.keyword is not None and arg.keyword.value == "from_logits":
            logits = getattr(evaluate(arg.value), "value", UNKNOWN)  # a constant's value
    return LossFact(name, logits if isinstance(logits, bool) else UNKNOWN, returned)


def _only_return(definition: cst.FunctionDef):
    body = definition.body
    statements = list(body.body) if isinstance(body, cst.IndentedBlock) else [body]
    if statements and _is_docstring(statements[0]):
        statements = statements[1:]
    if len(statements) != 1:
        return None
    small = statements[0].body if isinstance(
        statements[0], (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else ()
    if len(small) == 1 and isinstance(small[0], cst.Return):
        return small[0].value
    return None


def _is_docstring(statement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 and \
        isinstance(statement.body[0], cst.Expr) and \
        isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))


def _is_reduction(callee) -> bool:
    qualname = getattr(callee, "qualname", None)  # a reference to an API's function
    return isinstance(qualname, str) and qualname.startswith(
        ("tensorflow.", "keras.", "tf_keras.")) and qualname.rsplit(".", 1)[-1] in _REDUCTIONS


def _loss_name(callee) -> str | None:
    keras_name = getattr(callee, "keras", None)  # (a loss object's class is refused below)
    if not keras_name or not keras_name.startswith(_LOSS_NAMESPACES):
        return None
    namespace, _, attribute = keras_name.partition(".")
    if "." in attribute or attribute[:1].isupper() or \
            namespace == "backend" and attribute not in _BACKEND_LOSSES:
        return None  # a class (a metric object, not a loss), or another backend function
    return LOSS_ALIASES.get(attribute.lower())  # (a metric that is no loss: None)
