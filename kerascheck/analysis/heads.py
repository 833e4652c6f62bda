"""The output heads of a model with several outputs, each with its own loss.

``compile(loss=[binary_crossentropy, "mse"])`` on ``Model(inputs, [classes, boxes])`` gives each
output its own loss: the first to ``classes``, the second to ``boxes`` (a dict gives them by the
output layers' names). Keras pairs them so (Keras 2's ``Model.compile`` docs: "If the model
has multiple outputs, you can use a different loss on each output by passing a dictionary or a
list of losses"; Keras 3 takes the same two forms). The output-layer rules (KC301, KC302,
KC304 to KC308: ``Rule.judges_each_output``) judge one output head against one loss, so a
model of several heads is judged as one *view* per head: the same layers and graph with that
one output and that one loss (KC303 already judges every layer).

The labels go the same way when ``fit`` gives them per output (``fit(x, [y_classes,
y_boxes])`` or a dict by output name): each view is fit on its head's labels. What a view does
not know stays unknown: labels given whole (a dataset's labels belong to all heads together)
and the metrics (``metrics=["accuracy"]`` on several outputs is for every output on Keras 2
and raises on Keras 3.15). The views are made with each head's task by
:func:`kerascheck.analysis.task.head_views`, from what :func:`kerascheck.analysis.values.per_output`
read of ``compile()`` and ``fit()``.

A single loss on a model of several outputs is every head's loss: Keras applies it to each
output (measured with Keras 3.15: ``loss="mse"`` on two outputs trains and reports ``a_loss``
and ``b_loss``; Keras 2 did the same). Unless ``loss_weights=`` is given, since a weight of 0
turns a head's loss off, and unless the call's arguments are not all seen (``**kwargs``, the
positional arguments after ``loss``). A live model does not show its loss weights, so the
runtime checks judge its heads only by a loss per output.
"""

from __future__ import annotations

from kerascheck.facts import CompileFact, LossFact, ModelFact, known


def output_name(model: ModelFact, position: int):
    """The name of the output layer at ``position``: the one written (``name="classes"``), or a
    live layer's own; None when unknown."""
    layer = model.layers[model.outputs[position]]
    name = getattr(layer.arguments.get("name"), "value", None)  # a Const (this module sees no
    return name if isinstance(name, str) else layer.name  # analysis values, only their facts)


def for_output(model: ModelFact, pairs: tuple, position: int):
    """What ``pairs`` (a ``per_output`` reading: losses, labels) give the output at
    ``position``: its list item, or the dict entry keyed by that output layer's name; None when
    they give none (a list of another length: Keras would raise, or the outputs are not all
    seen; a key that names no output)."""
    if not pairs:
        return None
    if all(isinstance(key, int) for key, _ in pairs):
        return pairs[position][1] if len(pairs) == len(model.outputs) else None
    name = output_name(model, position)
    return next((fact for key, fact in pairs if key == name), None) if name else None


def loss_of_the_only_output(model: ModelFact, compile_fact: CompileFact) -> None:
    """``compile(loss={"output": "binary_crossentropy"})`` for a model whose only output is the
    layer named ``"output"``, or ``loss=["binary_crossentropy"]``: that loss is the model's loss
    (a dict of several, or a key that names no output, stays unknown)."""
    loss = compile_fact.loss
    if known(loss.name) or len(model.outputs) != 1 or len(loss.per_output) != 1:
        return
    only = for_output(model, loss.per_output, 0)
    if only is not None:
        compile_fact.loss = only


def every_heads_loss(compile_fact: CompileFact) -> LossFact | None:
    """The loss of a ``compile()`` call that gives one known loss to every output (see the
    module's docstring), or None."""
    node, loss = compile_fact.node, compile_fact.loss
    function = getattr(node, "func", None)
    if not known(loss.name) or loss.name is None or getattr(
            getattr(function, "attr", None), "value", None) != "compile":
        return None  # not a compile() call: a GradientTape step's loss (analysis/functions.py)
    arguments = node.args
    if any(arg.star for arg in arguments) or sum(arg.keyword is None for arg in arguments) > 2 \
            or any(arg.keyword is not None and arg.keyword.value == "loss_weights"
                   for arg in arguments):
        return None
    return loss
