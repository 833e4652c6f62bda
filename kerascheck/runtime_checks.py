"""Runtime checks: the linter's rules applied to a live ``keras.Model`` and to the data given to
``fit``.

:func:`model_facts` reads the same :class:`~kerascheck.facts.ModelFact` the static analysis
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

from kerascheck.facts import (
    UNKNOWN, CompileFact, DataFact, FitFact, LayerFact, LossFact, ModelFact, OptimizerFact,
    normalize_activation, normalize_loss,
)

# Any value beyond this is "far outside [-1, 1]": z-scored data stays well below it.
RAW_SCALE_THRESHOLD = 20.0
_KERAS_MODULES = ("keras", "tf_keras", "tensorflow")
_ACTIVATION_LAYER_NAMES = {"ReLU", "LeakyReLU", "PReLU", "ELU", "ThresholdedReLU"}


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


class KerasCheckError(ValueError):
    """Raised by :class:`KerasCheckCallback` in ``mode="raise"``; ``findings`` lists them."""

    def __init__(self, findings: list[RuntimeFinding]):
        self.findings = findings
        super().__init__("kerascheck found problems before training:\n"
                         + "\n".join(f"  {finding}" for finding in findings))


class KerasCheckWarning(UserWarning):
    """Issued by :class:`KerasCheckCallback` in ``mode="warn"``, once per finding."""


# --- facts from a live model -------------------------------------------------------------------


def model_facts(model) -> ModelFact:
    """The facts of a live keras model: Sequential, functional, or subclassed once built.

    Layer kinds are class names (custom layers' kinds are unknown), activations are normalized
    with :func:`kerascheck.facts.normalize_activation`, edges come from the model's graph (for a
    subclassed model, from one traced forward pass), and compile facts from ``model.loss``, the
    loss object's ``from_logits``, the compiled metrics and the optimizer.
    """
    keras_layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    facts = [_layer_fact(layer) for layer in keras_layers]
    kind = _model_kind(model)
    fact = ModelFact(kind=kind, layers=facts, name=getattr(model, "name", None))
    if kind == "sequential":
        fact.edges = [(i, i + 1) for i in range(len(facts) - 1)]
        fact.outputs = [len(facts) - 1] if facts else []
    elif kind == "functional":
        fact.edges, fact.outputs = _functional_graph(model, keras_layers)
    else:
        traced = _traced_graph(model, keras_layers)
        if traced is None:
            fact.exact = False  # the call order is unknown: rules about the graph stay silent
        else:
            fact.edges, fact.outputs = traced
    fact.input_declared, fact.input_rank = _input_facts(model)
    if facts:
        facts[0].declares_input = fact.input_declared
    compile_fact = _compile_fact(model)
    if compile_fact is not None:
        fact.compiles.append(compile_fact)
    return fact


def _model_kind(model) -> str:
    classes = {cls.__name__ for cls in type(model).__mro__}
    if "Sequential" in classes:
        return "sequential"
    if "Functional" in classes:
        return "functional"
    return "subclass"


def _layer_fact(layer) -> LayerFact:
    class_name = type(layer).__name__
    is_keras = type(layer).__module__.split(".")[0] in _KERAS_MODULES
    fact = LayerFact(kind=class_name if is_keras else UNKNOWN, name=layer.name)
    if not is_keras:
        return fact
    units = getattr(layer, "units", None)
    fact.units = units if isinstance(units, int) else UNKNOWN
    if class_name in _ACTIVATION_LAYER_NAMES:
        fact.activation = class_name.lower()  # as the static analysis spells them
    elif class_name == "Softmax":
        fact.activation = "softmax"
    elif hasattr(layer, "activation"):
        fact.activation = _activation_name(layer.activation)
    initializer = getattr(layer, "kernel_initializer", None)
    if initializer is not None:
        from kerascheck.values import Instance

        fact.kernel_initializer = Instance(f"keras.initializers.{type(initializer).__name__}")
    return fact


def _activation_name(activation):
    if activation is None:
        return normalize_activation(None)
    name = getattr(activation, "__name__", None)
    module = getattr(activation, "__module__", "") or ""
    if isinstance(name, str) and module.split(".")[0] in _KERAS_MODULES:
        return normalize_activation(name)
    return UNKNOWN  # a custom callable or a layer object


def _history_layer(tensor):
    """The layer that produced a symbolic tensor (Keras 3 and tf_keras keep ``_keras_history``)."""
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        return None
    return getattr(history, "operation", None) or getattr(history, "layer", None) or history[0]


def _functional_graph(model, keras_layers):
    index_of = {id(layer): i for i, layer in enumerate(keras_layers)}
    edges: list[tuple[int, int]] = []
    for consumer, layer in enumerate(keras_layers):
        for node in getattr(layer, "_inbound_nodes", []):
            tensors = getattr(node, "input_tensors", None)
            if tensors is None:
                tensors = getattr(node, "keras_inputs", [])
            for tensor in _flatten(tensors):
                producer = index_of.get(id(_history_layer(tensor)))
                if producer is not None and (producer, consumer) not in edges:
                    edges.append((producer, consumer))
    outputs = [index_of[id(_history_layer(t))] for t in _flatten(model.outputs)
               if id(_history_layer(t)) in index_of]
    return edges, outputs


def _traced_graph(model, keras_layers):
    """Edges and outputs of a subclassed model, from one forward pass on zeros that records which
    layer produced each tensor each layer receives. None when the input shape is unknown."""
    shape = _built_input_shape(model)
    if shape is None:
        return None
    import numpy as np

    records = []  # (layer index, ids of its input tensors, its output); tensors kept alive

    def tracing(index, original):
        def traced_call(*args, **kwargs):
            output = original(*args, **kwargs)
            inputs = args[0] if args else next(iter(kwargs.values()), None)
            records.append((index, [id(t) for t in _flatten(inputs)], output, inputs))
            return output
        return traced_call

    for index, layer in enumerate(keras_layers):
        object.__setattr__(layer, "call", tracing(index, layer.call))
    try:
        final = model(np.zeros((1, *shape), dtype="float32"), training=False)
    except Exception:
        return None
    finally:
        for layer in keras_layers:
            try:
                object.__delattr__(layer, "call")
            except AttributeError:
                pass
    producer_of: dict[int, int] = {}
    edges: list[tuple[int, int]] = []
    for index, input_ids, output, _ in records:
        for input_id in input_ids:
            producer = producer_of.get(input_id)
            if producer is not None and producer != index and (producer, index) not in edges:
                edges.append((producer, index))
        for tensor in _flatten(output):
            producer_of[id(tensor)] = index
    outputs = [producer_of[id(t)] for t in _flatten(final) if id(t) in producer_of]
    return edges, outputs


def _built_input_shape(model):
    shapes = getattr(model, "_build_shapes_dict", None)
    if isinstance(shapes, dict) and len(shapes) == 1:
        shape = next(iter(shapes.values()))
        if isinstance(shape, (tuple, list)) and all(isinstance(d, int) for d in shape[1:]):
            return tuple(shape[1:])
    legacy_shape = getattr(model, "_build_input_shape", None)  # tf_keras
    if legacy_shape is not None:
        try:
            dims = tuple(legacy_shape)[1:]
        except TypeError:
            dims = None
        if dims and all(isinstance(d, int) for d in dims):
            return dims
    try:
        shape = model.input_shape
    except Exception:
        return None
    if isinstance(shape, tuple) and all(isinstance(d, int) for d in shape[1:]):
        return tuple(shape[1:])
    return None


def _input_facts(model):
    try:
        inputs = model.inputs
    except Exception:
        inputs = None
    if inputs:
        shapes = [tuple(t.shape) for t in _flatten(inputs)]
        return True, (len(shapes[0]) - 1 if len(shapes) == 1 else UNKNOWN)
    if getattr(model, "built", False):
        shape = _built_input_shape(model)
        return True, (len(shape) if shape is not None else UNKNOWN)
    return False, UNKNOWN


def _compile_fact(model) -> CompileFact | None:
    compiled = getattr(model, "compiled", None)
    if compiled is None:
        compiled = getattr(model, "_is_compiled", False)
    if not compiled:
        return None
    fact = CompileFact(loss=_loss_fact(getattr(model, "loss", UNKNOWN)))
    fact.metrics = _metric_names(model)
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None:
        fact.optimizer = OptimizerFact(type(optimizer).__name__.lower(),
                                       _learning_rate(optimizer))
    return fact


def _loss_fact(loss) -> LossFact:
    if loss is None:
        return LossFact(None, False)
    if isinstance(loss, str):
        return LossFact(normalize_loss(loss), False)
    module = (getattr(type(loss), "__module__", "") or "").split(".")[0]
    if callable(loss) and module in _KERAS_MODULES:
        if hasattr(loss, "get_config"):  # a Loss object
            config = loss.get_config()
            return LossFact(normalize_loss(type(loss).__name__),
                            bool(config.get("from_logits", False)))
        name = getattr(loss, "__name__", None)
        return LossFact(normalize_loss(name), False) if name else LossFact()
    if callable(loss) and (getattr(loss, "__module__", "") or "").split(".")[0] \
            in _KERAS_MODULES:
        return LossFact(normalize_loss(getattr(loss, "__name__", None)), False)
    return LossFact()  # a dict per output, a custom function: unknown


def _metric_names(model):
    metrics = None
    config = getattr(model, "_compile_config", None)
    if config is not None and hasattr(config, "config"):  # Keras 3 keeps the user's arguments
        metrics = config.config.get("metrics")
    if metrics is None:
        compiled = getattr(model, "compiled_metrics", None)
        metrics = getattr(compiled, "_user_metrics", None)
    if metrics is None:
        return []
    if not isinstance(metrics, (list, tuple)):
        return UNKNOWN
    names = []
    for metric in metrics:
        if isinstance(metric, str):
            names.append(metric)
        elif callable(metric) and hasattr(metric, "__name__"):
            names.append(metric.__name__)
        elif hasattr(metric, "get_config"):
            names.append(type(metric).__name__)
        else:
            names.append(UNKNOWN)
    return names


def _learning_rate(optimizer):
    try:
        value = float(optimizer.learning_rate)
    except (TypeError, ValueError, AttributeError):
        return UNKNOWN  # a schedule
    return float(f"{value:.7g}")  # float32 storage: 0.1 reads 0.10000000149


def _flatten(value) -> list:
    if isinstance(value, dict):
        return [t for item in value.values() for t in _flatten(item)]
    if isinstance(value, (list, tuple)):
        return [t for item in value for t in _flatten(item)]
    return [] if value is None else [value]


# --- checks ------------------------------------------------------------------------------------


def check_model(model, select=None) -> list[RuntimeFinding]:
    """Findings of every model rule on a live keras model, located by layer name.

    ``select`` restricts the rules like ``--select`` (codes, prefixes or names).
    """
    return _run_rules(model_facts(model), select)


def _run_rules(fact: ModelFact, select=None) -> list[RuntimeFinding]:
    from kerascheck.config import Config
    from kerascheck.rules import all_rules
    from kerascheck.rules.base import Rule

    config = Config(select=tuple(select) if select else ("KC",))
    findings: list[RuntimeFinding] = []
    for rule_class in all_rules():
        rule = rule_class()
        if rule.code == "KC000" or not config.is_enabled(rule.code) \
                or type(rule).check_model is Rule.check_model:
            continue  # purely syntactic rules judge source text, not models
        for finding in rule.check_model(fact):
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
    (one batch is looked at); data the check cannot read is left unknown.
    """
    import numpy as np

    x_sample, y_sample, is_dataset = _sample(x, y)
    fact = model_facts(model)
    y_fact = _label_fact(y_sample)
    fit = FitFact(x=_input_fact(x_sample, is_dataset), y=y_fact if y_fact else UNKNOWN,
                  has_validation=validation_data is not None or bool(validation_split))
    fact.fits.append(fit)
    findings = _run_rules(fact, select)
    from kerascheck.config import Config

    if Config(select=tuple(select) if select else ("KC",)).is_enabled("KC306"):
        for message in _label_problems(fact, y_sample, np):
            found = RuntimeFinding("KC306", "label-encoding-mismatch", message)
            if not any(f.code == "KC306" for f in findings):
                findings.append(found)
    return findings


def _sample(x, y):
    """NumPy arrays (or None) for the features and labels; a Dataset gives one element."""
    import numpy as np

    is_dataset = hasattr(x, "element_spec") and hasattr(x, "take")
    if is_dataset:
        element = next(iter(x.take(1)), None)
        if isinstance(element, (tuple, list)):
            x, y = element[0], (element[1] if len(element) > 1 else None)
        else:
            x, y = element, None
    return _as_array(x, np), _as_array(y, np), is_dataset


def _as_array(value, np):
    if value is None or isinstance(value, dict):
        return None
    try:
        array = np.asarray(value)
    except Exception:
        return None
    return array if array.dtype.kind in "biuf" else None


def _input_fact(x, is_dataset: bool):
    if x is None or x.size == 0:
        return UNKNOWN
    import numpy as np

    finite = x[np.isfinite(x)] if x.dtype.kind == "f" else x
    if finite.size == 0:
        return UNKNOWN
    largest = float(np.abs(finite).max())
    if largest <= RAW_SCALE_THRESHOLD:
        return DataFact(scaled=True, is_dataset=is_dataset)
    looks_like_pixels = float(finite.min()) >= 0 and largest <= 255 and largest > 100
    return DataFact(source="pixels" if looks_like_pixels else "tabular", scaled=False,
                    is_dataset=is_dataset)


def _label_fact(y):
    if y is None or y.size == 0:
        return None
    import numpy as np

    if y.ndim >= 2 and y.shape[-1] >= 2:
        rows = y.reshape(-1, y.shape[-1])
        if np.isin(rows, (0, 1)).all() and (rows.sum(axis=-1) == 1).all():
            return DataFact(one_hot=True)
        return DataFact()
    integral = y.dtype.kind in "iub" or bool(np.all(np.mod(y, 1) == 0))
    if (y.ndim == 1 or y.shape[-1] == 1) and integral and float(y.min()) >= 0:
        return DataFact(int_labels=True)
    return DataFact()


def _label_problems(fact: ModelFact, y, np) -> list[str]:
    """Data-only label judgments (KC306): one-hot rows for a sparse loss and the reverse, class
    ids the output layer has no unit for."""
    compile_fact = fact.compile
    head = fact.output_head()
    if y is None or compile_fact is None or head is None or not isinstance(head.units, int):
        return []
    loss = compile_fact.loss.name
    labels = _label_fact(y)
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
