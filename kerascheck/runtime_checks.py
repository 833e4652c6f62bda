"""Runtime checks: the linter's rules applied to a live ``keras.Model`` and to the data given to
``fit``.

:func:`~kerascheck.runtime.live_facts.model_facts` reads the same :class:`~kerascheck.facts.ModelFact` the static analysis
extracts from source (layers, activations, units, graph, loss and ``from_logits``, metrics,
optimizer) off a live model; :func:`check_model` runs every rule's ``check_model`` on it (the
rules' logic exists once). :func:`check_fit` adds what only data shows: raw input scale (KC401),
labels that do not match the loss (KC306) and training with no holdout (KC501).
:class:`KerasCheckCallback` runs both when training starts.

Nothing here imports TensorFlow or NumPy at import time; models are read by duck typing, so
Keras 3 models and legacy ``tf_keras`` models both work.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

from kerascheck.facts import UNKNOWN, FitFact, LayerFact, ModelFact
from kerascheck.runtime.live_facts import (
    input_fact,
    label_fact,
    labels_per_output,
    model_facts,
    sample,
    with_fit,
)


@dataclass(frozen=True)
class RuntimeFinding:
    """A finding on a live model, located by layer name (``layer`` is None for findings about
    the model as a whole, such as its loss or its training data)."""

    code: str
    name: str
    message: str
    layer: str | None = None

    def __str__(self) -> str:
        where = f"layer {self.layer!r}: " if self.layer else ""
        return f"{self.code} {self.name}: {where}{self.message}"

    def __repr__(self) -> str:
        # what pytest shows when ``assert check_model(model) == []`` fails: the finding itself,
        # short enough to survive pytest's cut of long reprs
        where = f" layer {self.layer!r}" if self.layer else ""
        return f"<{self.code}{where}: {self.message}>"


class KerasCheckError(ValueError):
    """Raised by :class:`KerasCheckCallback` in ``mode="raise"``; ``findings`` lists them."""

    def __init__(self, findings: list[RuntimeFinding]):
        self.findings = findings
        super().__init__("kerascheck found problems before training:\n"
                         + "\n".join(f"  {finding}" for finding in findings))


class KerasCheckWarning(UserWarning):
    """Issued by :class:`KerasCheckCallback` in ``mode="warn"``, once per finding."""


# --- facts from a live model -------------------------------------------------------------------


# --- checks ------------------------------------------------------------------------------------


NOT_BUILT = ("the model is not built yet, so its layers' wiring is unknown: not checkable "
             "until built (call check_fit with data, or build the model first)")


def check_model(model, select=None) -> list[RuntimeFinding]:
    """Findings of every model rule on a live keras model, located by layer name.

    ``select`` restricts the rules like ``--select`` (codes, prefixes or names). A subclassed
    model that is not built yet cannot be checked: that is said with a
    :class:`KerasCheckWarning`, never passed over in silence.
    """
    if _unbuilt_subclass(model):
        warnings.warn(NOT_BUILT, KerasCheckWarning, stacklevel=2)
    return _run_rules(model_facts(model), select)


def _unbuilt_subclass(model) -> bool:
    return not getattr(model, "built", True) and \
        not {"Sequential", "Functional"} & {cls.__name__ for cls in type(model).__mro__}


def _build_from(model, x_sample) -> bool:
    """Build an unbuilt subclassed model by calling it on two samples of the first batch (what
    its first training step would do); False when that is not possible."""
    if not _unbuilt_subclass(model):
        return True
    if x_sample is None:
        return False
    try:
        model(x_sample[:2])
    except Exception:  # the sample is not what the model takes: leave it unbuilt
        return False
    return True


def _run_rules(fact: ModelFact, select=None) -> list[RuntimeFinding]:
    from kerascheck.rules import all_rules
    from kerascheck.rules.base import Rule
    from kerascheck.settings.config import Config

    config = Config(select=tuple(select) if select else ("KC",))
    findings: list[RuntimeFinding] = []
    for rule_class in all_rules():
        rule = rule_class()
        if rule.code == "KC000" or not config.is_enabled(rule.code) \
                or type(rule).check_model is Rule.check_model:
            continue  # purely syntactic rules judge source text, not models
        judged = [fact, *(fact.views if rule.judges_each_output else ())]  # each head too
        for finding in (found for model in judged for found in rule.check_model(model)):
            layer = finding.target.name if isinstance(finding.target, LayerFact) else None
            found = RuntimeFinding(finding.code, rule.name, finding.message, layer)
            if found not in findings:
                findings.append(found)
    return findings


def check_fit(model, x, y=None, validation_data=None, validation_split=None,
              select=None) -> list[RuntimeFinding]:
    """:func:`check_model` plus what the training data shows: raw input scale (KC401), labels
    that do not match the loss or the output units (KC306), no holdout (KC501).

    ``x`` and ``y`` are what ``fit`` receives: arrays, or a ``tf.data.Dataset`` of ``(x, y)``
    (one batch is looked at); data the check cannot read is left unknown. A subclassed model
    that is not built yet is built from the first batch, as its first training step would.
    """
    import numpy as np

    x_sample, y_sample, is_dataset = sample(x, y)
    if not _build_from(model, x_sample):
        warnings.warn(NOT_BUILT, KerasCheckWarning, stacklevel=2)
    fact = model_facts(model)
    y_fact = label_fact(y_sample)
    fit = FitFact(x=input_fact(x_sample, is_dataset), y=y_fact if y_fact else UNKNOWN,
                  has_validation=validation_data is not None or bool(validation_split),
                  y_per_output=() if is_dataset else labels_per_output(y))
    with_fit(fact, fit)
    findings = _run_rules(fact, select)
    from kerascheck.settings.config import Config

    if Config(select=tuple(select) if select else ("KC",)).is_enabled("KC306"):
        for message in _label_problems(fact, y_sample, np):
            found = RuntimeFinding("KC306", "label-encoding-mismatch", message)
            if not any(f.code == "KC306" for f in findings):
                findings.append(found)
    return findings


def _label_problems(fact: ModelFact, y, np) -> list[str]:
    """Data-only label judgments (KC306): one-hot rows for a sparse loss and the reverse, class
    ids the output layer has no unit for."""
    compile_fact = fact.compile
    head = fact.output_head()
    if y is None or compile_fact is None or head is None or not isinstance(head.units, int):
        return []
    loss = compile_fact.loss.name
    labels = label_fact(y)
    units = head.units
    if loss == "sparse_categorical_crossentropy":
        if labels.one_hot:
            return [f"Labels are one-hot ({y.shape[-1]} columns) but the loss is "
                    f"sparse_categorical_crossentropy, which expects class ids; use "
                    f"`loss=\"categorical_crossentropy\"` or pass `y.argmax(-1)`"]
        if labels.int_labels and int(y.max()) >= units:
            return [f"Label {int(y.max())} has no output unit: the output layer has {units} "
                    f"units, so class ids must be below {units}"]
    if loss == "categorical_crossentropy" and labels.int_labels and units > 1:
        return [f"Labels are class ids but the loss is categorical_crossentropy, which expects "
                f"one-hot rows of {units}; use `loss=\"sparse_categorical_crossentropy\"` or "
                f"one-hot encode the labels"]
    if loss == "categorical_crossentropy" and labels.one_hot and y.shape[-1] != units:
        return [f"Labels are one-hot over {y.shape[-1]} classes but the output layer has "
                f"{units} units"]
    return []


# --- the callback ------------------------------------------------------------------------------


def _fit_arguments(model):
    """``fit()``'s own arguments, read from its frame while it calls ``on_train_begin``: the data
    Keras trains on (Keras 3 has already split off ``validation_split``)."""
    import inspect

    frame = inspect.currentframe()
    try:
        for _ in range(40):
            frame = frame.f_back if frame is not None else None
            if frame is None:
                return None
            local = frame.f_locals
            if frame.f_code.co_name == "fit" and local.get("self") is model and "x" in local:
                return {name: local.get(name) for name in ("x", "y", "validation_data",
                                                           "validation_split")}
    finally:
        del frame
    return None


def _make_callback_class():
    from tensorflow import keras

    class KerasCheckCallback(keras.callbacks.Callback):
        """Runs :func:`check_model` and :func:`check_fit` when ``fit()`` starts, before any time
        is spent training: ``mode="warn"`` issues a :class:`KerasCheckWarning` per finding,
        ``mode="raise"`` raises :class:`KerasCheckError`. The data is read from the running
        ``fit()`` call; ``select`` restricts the rules. ``findings`` keeps the last results."""

        def __init__(self, mode: str = "warn", select=None):
            super().__init__()
            if mode not in ("warn", "raise"):
                raise ValueError(f"mode must be 'warn' or 'raise', not {mode!r}")
            self.mode = mode
            self.select = select
            self.findings: list[RuntimeFinding] = []

        def on_train_begin(self, logs=None):
            arguments = _fit_arguments(self.model)
            if arguments is None:
                self.findings = check_model(self.model, self.select)
            else:
                self.findings = check_fit(self.model, select=self.select, **arguments)
            if not self.findings:
                return
            if self.mode == "raise":
                raise KerasCheckError(self.findings)
            for finding in self.findings:
                warnings.warn(str(finding), KerasCheckWarning, stacklevel=2)

        # tf_keras (Keras 2) asks every callback which per-batch hooks it implements: none.
        def _implements_train_batch_hooks(self):
            return False

        def _implements_test_batch_hooks(self):
            return False

        def _implements_predict_batch_hooks(self):
            return False

    return KerasCheckCallback


_callback_class = None


def __getattr__(name: str):
    # The callback subclasses keras' Callback, so it is made on first use: importing this module
    # must not import TensorFlow.
    global _callback_class
    if name == "KerasCheckCallback":
        if _callback_class is None:
            _callback_class = _make_callback_class()
        return _callback_class
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
