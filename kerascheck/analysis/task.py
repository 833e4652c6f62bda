"""What a model is for: its task, inferred from all its signals together.

Shared by the static analysis (the interpreter fills ``ModelFact.task`` once a file is read) and
the runtime checks (``runtime/live_facts.py`` on a live model and the data given to ``fit``), so
the rules that judge a contradiction (KC302, KC309) read one answer either way.

The signals: the output layer (activation, units), the loss, the labels' provenance (one-hot,
integer class ids, continuous targets of a regression dataset, ``y`` that is ``x`` itself) and
the metrics. Strong signals decide; an accuracy metric alone never does (RULES.md).

A model of several outputs with a loss per output has no one task: :func:`head_views` gives one
view per output head, each with its own loss and task (analysis/heads.py).
"""

from __future__ import annotations

import dataclasses

from kerascheck.analysis import heads
from kerascheck.analysis.intent import same_data
from kerascheck.facts import (
    CATEGORICAL_LOSSES,
    LINEAR,
    UNKNOWN,
    CompileFact,
    ModelFact,
    TaskFact,
    known,
)

# Losses that only make sense for real-valued targets.
REGRESSION_LOSS_FAMILY = {"mean_squared_error", "mean_absolute_error", "huber", "log_cosh",
                          "mean_absolute_percentage_error", "mean_squared_logarithmic_error"}


def _labels(model: ModelFact) -> list:
    return [fit.y for fit in model.fits if known(fit.y) and fit.y is not None]


def reconstructs_input(model: ModelFact) -> bool:
    """``fit(x, x)``: the model is trained to reproduce its own inputs (an autoencoder)."""
    return any(same_data(fit.x, fit.y) for fit in model.fits)


def infer_task(model: ModelFact) -> TaskFact:
    """The model's task and the evidence for it; ``"unknown"`` unless the signals agree."""
    head = model.output_head()
    activation = head.activation if head is not None else UNKNOWN
    units = head.units if head is not None and isinstance(head.units, int) else UNKNOWN
    losses = {c.loss.name for c in model.compiles if known(c.loss.name)}
    loss = next(iter(losses)) if len(losses) == 1 else UNKNOWN
    labels = _labels(model)
    one_hot = any(getattr(y, "one_hot", False) for y in labels)
    # class ids typed in the file ([0] * n + [1] * n, XOR's [0, 1, 1, 0]) fit by a linear output
    # say no task: least squares on class ids is no classifier's set-up, and no regression
    # either (Keras' "accuracy" over one unit thresholds at 0.5 there: it measures something)
    typed_ids = any(getattr(y, "typed_ids", None) for y in labels)
    class_ids = any(getattr(y, "int_labels", False) for y in labels) and not (
        typed_ids and activation == LINEAR)
    continuous = any(getattr(y, "continuous", False) for y in labels)
    # typed-in 0/1 targets are class ids only where the output is a probability: XOR fit by a
    # linear output with MSE is a regression demonstration
    zero_one = activation == "sigmoid" and units == 1 and labels and all(
        getattr(y, "typed_ids", None) == {0, 1} for y in labels)

    if reconstructs_input(model):
        return TaskFact("reconstruction", evidence=("fit(x, x): the targets are the inputs",))
    evidence: list[str] = []
    if activation == "softmax" and units != 1:  # over one unit: KC303's mistake, no task
        evidence.append("a softmax output")
    if one_hot:
        evidence.append("one-hot labels")
    if class_ids:
        evidence.append("integer class labels")
    if loss in CATEGORICAL_LOSSES:
        evidence.append(f"{loss}")
    if zero_one:
        evidence.append("a sigmoid output on 0/1 labels")
    elif activation == "sigmoid" and (one_hot or class_ids or loss == "binary_crossentropy"):
        evidence.append("a sigmoid output on class labels")
    if evidence and not continuous:
        if activation == "sigmoid" and not (one_hot or class_ids) and units not in (1, UNKNOWN):
            return TaskFact("multilabel", units, tuple(evidence))
        if units == 1 or (loss == "binary_crossentropy" and activation == "sigmoid"):
            return TaskFact("binary", 2, tuple(evidence))
        return TaskFact("multiclass", units if units != 1 else UNKNOWN, tuple(evidence))
    # a squashing output fit to real-valued targets (``y = np.sin(x)`` through a sigmoid) is a
    # regression too, however badly the output's range suits it
    squashed = continuous and known(activation) and activation not in (LINEAR, "softmax")
    if (activation == LINEAR or squashed) and loss in REGRESSION_LOSS_FAMILY and not (
            one_hot or class_ids or typed_ids):
        reasons = [f"a {activation} output", f"{loss}"]
        if continuous:
            reasons.append("continuous targets")
        return TaskFact("regression", evidence=tuple(reasons))
    return TaskFact("unknown")


def head_views(model: ModelFact) -> list[ModelFact]:
    """One model per output head of a model of several outputs compiled with a loss for each
    head (analysis/heads.py); ``[]`` for any other model. A view shares the model's layers,
    graph and node, so its findings are located in the model's own code."""
    if len(model.outputs) < 2 or not model.compiles or not model.exact:
        return []  # (an inexact model's outputs may be some of them: no list lines up)
    views = []
    shared = [heads.every_heads_loss(compile_fact) for compile_fact in model.compiles]
    for position, output in enumerate(model.outputs):
        losses = [heads.for_output(model, compile_fact.loss.per_output, position)
                  if compile_fact.loss.per_output else every_head
                  for compile_fact, every_head in zip(model.compiles, shared)]
        if any(loss is None for loss in losses):
            continue
        compiles = [CompileFact(loss=loss, metrics=UNKNOWN, optimizer=compile_fact.optimizer,
                                node=compile_fact.node)
                    for loss, compile_fact in zip(losses, model.compiles)]
        fits = [dataclasses.replace(fit, y=heads.for_output(model, fit.y_per_output, position)
                                    or UNKNOWN, y_per_output=()) for fit in model.fits]
        view = dataclasses.replace(model, outputs=[output], compiles=compiles, fits=fits, views=[])
        view.task = infer_task(view)
        views.append(view)
    return views
