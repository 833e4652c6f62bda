"""Training intent: whether a ``fit()`` is a training run or a demonstration (RULES.md "Real
training"). The holdout rules (KC5xx) judge training runs only.

A demonstration: a fit on data the file made up (random draws, constant arrays, literal rows,
``make_circles``), a model trained to reproduce its inputs (``fit(x, x)``), a learning-rate
range test (a ``LearningRateScheduler`` that grows the rate geometrically with the epoch).
"""

from __future__ import annotations

import libcst as cst

from kerascheck.facts import FitFact, known


def same_data(x, y) -> bool:
    """``fit(x, x)`` (or a noisy copy of x against x): the targets are the inputs themselves.
    Arithmetic keeps an identity (``x / 255`` is still ``x``), so ``y = 2 * x + 1`` against
    ``x`` is told apart by the scaling, which the one has and the other has not."""
    return (known(x) and known(y) and x is not None and y is not None and
            x.identity is not None and x.identity == y.identity and x.scaled == y.scaled)


def demonstration_reason(fit: FitFact, schedules: list, module: cst.Module) -> str | None:
    """Why ``fit`` is not a training run, or None. ``schedules`` are the schedule arguments of
    the ``LearningRateScheduler`` callbacks it is given."""
    x, y = fit.x, fit.y
    if any(known(data) and data is not None and data.synthetic for data in (x, y)):
        return "synthetic data"  # made-up inputs, or labels typed into the file
    if known(x) and x is not None and x.self_supervised:
        return "self-supervised: the targets are cut from the inputs"
    if same_data(x, y):
        return "fit(x, x): the model reconstructs its inputs"
    if any(is_learning_rate_sweep(schedule, module) for schedule in schedules):
        return "a learning-rate sweep"
    return None


def is_learning_rate_sweep(schedule, module: cst.Module) -> bool:
    """``lambda epoch: 1e-8 * 10 ** (epoch / 20)``: the rate grows by a power of the epoch, a
    range test whose loss is plotted against the rate."""
    if not isinstance(schedule, cst.Lambda) or not schedule.params.params:
        return False
    epoch = schedule.params.params[0].name.value
    text = module.code_for_node(schedule.body)
    return "**" in text and epoch in text.split("**", 1)[1]
