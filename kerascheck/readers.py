"""Reading facts off abstract values: activations, losses, optimizers, metrics, shapes.

The analysis (:mod:`kerascheck.analysis`) evaluates expressions to :mod:`kerascheck.values`;
these functions turn those values into the vocabulary of :mod:`kerascheck.facts`
(``"relu"``, ``LossFact("categorical_crossentropy", from_logits=False)``), or
:data:`~kerascheck.facts.UNKNOWN` when the value says nothing certain.
"""

from __future__ import annotations

import libcst as cst

from kerascheck.facts import (
    UNKNOWN, LossFact, OptimizerFact, normalize_activation, normalize_loss,
)
from kerascheck.values import Const, Instance, LayerVal, Ref, Seq, Value


def activation_name(value: Value):
    if isinstance(value, Const):
        return normalize_activation(value.value) if isinstance(value.value, (str, type(None))) \
            else UNKNOWN
    if isinstance(value, Ref):
        keras_name = value.keras
        if keras_name and keras_name.startswith("activations."):
            return normalize_activation(keras_name.split(".", 1)[1])
        if value.qualname.startswith("tensorflow.nn.") or value.qualname.startswith(
                "tensorflow.math."):
            return normalize_activation(value.qualname.rsplit(".", 1)[1])
    if isinstance(value, LayerVal) and value.layer.is_kind("ReLU", "LeakyReLU", "ELU", "PReLU",
                                                           "Softmax"):
        return value.layer.kind.lower()
    return UNKNOWN


def loss_fact(value: Value, node=None) -> LossFact:
    if isinstance(value, Const):
        if isinstance(value.value, str):
            return LossFact(normalize_loss(value.value), False, node)
        if value.value is None:
            return LossFact(None, False, node)
        return LossFact(UNKNOWN, UNKNOWN, node)
    if isinstance(value, Ref):
        keras_name = value.keras
        if keras_name and keras_name.startswith("losses."):
            return LossFact(normalize_loss(keras_name.split(".", 1)[1]), False, node)
        return LossFact(UNKNOWN, UNKNOWN, node)
    if isinstance(value, Instance):
        keras_name = value.keras
        if keras_name and keras_name.startswith("losses."):
            from_logits = value.kwargs.get("from_logits", Const(False))
            logits = from_logits.value if isinstance(from_logits, Const) else UNKNOWN
            if value.has_star_kwargs and "from_logits" not in value.kwargs:
                logits = UNKNOWN
            return LossFact(normalize_loss(value.class_name), logits, node)
    return LossFact(UNKNOWN, UNKNOWN, node)


def optimizer_fact(value: Value, node=None) -> OptimizerFact:
    if isinstance(value, Const) and isinstance(value.value, str):
        return OptimizerFact(value.value.lower(), UNKNOWN, node)
    if isinstance(value, Instance):
        keras_name = value.keras
        if keras_name and keras_name.startswith("optimizers."):
            rate = value.kwargs.get("learning_rate", value.kwargs.get("lr"))
            learning_rate = rate.value if isinstance(rate, Const) else UNKNOWN
            # located at its constructor, where the learning rate is written (KC603)
            return OptimizerFact(value.class_name.lower(), learning_rate, value.node or node)
    return OptimizerFact(UNKNOWN, UNKNOWN, node)


def metric_name(value: Value):
    if isinstance(value, Const) and isinstance(value.value, str):
        return value.value
    if isinstance(value, (Ref, Instance)):
        keras_name = value.keras
        if keras_name and keras_name.startswith("metrics."):
            return keras_name.split(".", 1)[1]
    return UNKNOWN


def const_value(value: Value):
    return value.value if isinstance(value, Const) else UNKNOWN


def literal(value: Value):
    """A literal argument as Python data (numbers, strings, tuples of them), else UNKNOWN."""
    if isinstance(value, Const):
        return value.value
    if isinstance(value, Seq) and value.exact:
        items = tuple(literal(item) for item in value.items)
        return UNKNOWN if any(item is UNKNOWN for item in items) else items
    return UNKNOWN


def shape_of(value):
    if value is None:
        return UNKNOWN
    if isinstance(value, Seq) and value.exact:
        shape = tuple(const_value(item) for item in value.items)
        return shape
    if isinstance(value, Const) and isinstance(value.value, int):
        return value.value  # not a tuple: KC103's business
    return UNKNOWN


def rank(shape) -> object:
    return len(shape) if isinstance(shape, tuple) else UNKNOWN


def keyword_value(node: cst.Call, keyword: str, position: int | None):
    """The argument expression for ``keyword`` (or the positional argument at ``position``)."""
    for arg in node.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    if position is not None:
        positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
        if position < len(positional):
            return positional[position].value
    return None
