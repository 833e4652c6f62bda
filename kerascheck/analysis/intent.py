"""Training intent: whether a ``fit()`` is a training run or a demonstration (RULES.md "Real
training"). The holdout rules (KC5xx) judge training runs only.

A demonstration: a fit on data the file made up (random draws, constant arrays, literal rows,
``make_circles``), a model trained to reproduce its inputs (``fit(x, x)``), a learning-rate
range test (a ``LearningRateScheduler`` that grows the rate geometrically with the epoch), a
unit test's fit.
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


def demonstration_reason(fit: FitFact, schedules: list, module: cst.Module,
                         tests: frozenset = frozenset()) -> str | None:
    """Why ``fit`` is not a training run, or None. ``schedules`` are the schedule arguments of
    the ``LearningRateScheduler`` callbacks it is given; ``tests`` the module's
    :func:`unit_test_nodes`."""
    x, y = fit.x, fit.y
    if any(known(data) and data is not None and data.synthetic for data in (x, y)):
        return "synthetic data"  # made-up inputs, or labels typed into the file
    if known(x) and x is not None and x.self_supervised:
        return "self-supervised: the targets are cut from the inputs"
    if same_data(x, y):
        return "fit(x, x): the model reconstructs its inputs"
    if any(is_learning_rate_sweep(schedule, module) for schedule in schedules):
        return "a learning-rate sweep"
    if id(fit.node) in tests:
        return "a unit test"
    return None


def unit_test_nodes(module: cst.Module | None) -> frozenset:
    """The identities of the nodes inside a module's unit tests, in a module that imports a test
    framework: functions named ``test...`` at the top level or in a class named
    ``Test...``/``...Test`` or deriving from a ``TestCase`` (pytest's and unittest's
    conventions). What they fit checks an API; it is not a training
    run (RULES.md "Real training": a demonstration)."""
    if module is None or not _imports_testing(module):
        return frozenset()
    tests: list = []
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value.startswith("test"):
            tests.append(statement)
        elif isinstance(statement, cst.ClassDef) and _test_class(statement):
            tests += [item for item in statement.body.body if isinstance(item, cst.FunctionDef)
                      and item.name.value.startswith("test")]
    ids: set[int] = set()
    while tests:  # iterative: deep expressions must not exhaust the stack
        node = tests.pop()
        ids.add(id(node))
        tests.extend(node.children)
    return frozenset(ids)


def _imports_testing(module: cst.Module) -> bool:
    """Whether a module imports a test framework: ``pytest``, ``unittest``, or a ``testing``
    module (``absl.testing``, ``keras.src.testing``, a library's own); a tutorial's ``def
    test(model)`` helper in a script that imports none is no unit test."""
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    text = _dotted(small.module) if isinstance(small, cst.ImportFrom) else " ".join(
                        _dotted(alias.name) for alias in small.names)
                    names = "" if isinstance(small, cst.ImportFrom) and isinstance(
                        small.names, cst.ImportStar) else " ".join(
                        _dotted(alias.name) for alias in small.names)
                    if any(word in f"{text} {names}" for word in ("pytest", "unittest", "testing")):
                        return True
    return False


def _dotted(node) -> str:
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return node.value if isinstance(node, cst.Name) else ""


def _test_class(node: cst.ClassDef) -> bool:
    name = node.name.value
    bases = [base.value for base in node.bases]
    return name.startswith("Test") or name.endswith("Test") or any(
        (isinstance(base, cst.Name) and base.value.endswith("TestCase")) or
        (isinstance(base, cst.Attribute) and base.attr.value.endswith("TestCase"))
        for base in bases)


def is_learning_rate_sweep(schedule, module: cst.Module) -> bool:
    """``lambda epoch: 1e-8 * 10 ** (epoch / 20)``: the rate grows by a power of the epoch, a
    range test whose loss is plotted against the rate."""
    if not isinstance(schedule, cst.Lambda) or not schedule.params.params:
        return False
    epoch = schedule.params.params[0].name.value
    text = module.code_for_node(schedule.body)
    return "**" in text and epoch in text.split("**", 1)[1]
