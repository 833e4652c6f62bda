"""Facts from live objects: the :class:`~kerascheck.facts.ModelFact` the static analysis
extracts from source (layers, activations, units, graph, loss and ``from_logits``, metrics,
optimizer), read off a live ``keras.Model``, and the facts of the data handed to ``fit``.

Models are read by duck typing, so Keras 3 models and legacy ``tf_keras`` models both work;
nothing here imports TensorFlow, and NumPy only inside the functions that read data.
"""

from __future__ import annotations

from kerascheck.analysis import heads
from kerascheck.analysis.task import head_views, infer_task
from kerascheck.facts import (
    UNKNOWN,
    CompileFact,
    DataFact,
    LayerFact,
    LossFact,
    ModelFact,
    OptimizerFact,
    normalize_activation,
    normalize_loss,
)

# Any value beyond this is "far outside [-1, 1]": z-scored data stays well below it.
RAW_SCALE_THRESHOLD = 20.0
_KERAS_MODULES = ("keras", "tf_keras", "tensorflow")
_ACTIVATION_LAYER_NAMES = {"ReLU", "LeakyReLU", "PReLU", "ELU", "ThresholdedReLU"}


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
        heads.loss_of_the_only_output(fact, compile_fact)  # loss={"out": ...} on one output
    fact.task, fact.views = infer_task(fact), head_views(fact)
    return fact


def with_fit(fact: ModelFact, fit) -> ModelFact:
    """The model's facts once the data given to ``fit`` is known: the task is read again, since
    the labels are one of its signals."""
    fact.fits.append(fit)
    fact.task, fact.views = infer_task(fact), head_views(fact)
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
    _read_shape_arguments(layer, fact)
    initializer = getattr(layer, "kernel_initializer", None)
    if initializer is not None:
        from kerascheck.analysis.values import Instance

        fact.kernel_initializer = Instance(f"keras.initializers.{type(initializer).__name__}")
    return fact


def _read_shape_arguments(layer, fact: LayerFact) -> None:
    """A convolution's ``filters`` and ``data_format`` and a ``Reshape``'s target, as the
    static analysis holds a layer's literal arguments (KC303's softmax over one channel)."""
    from kerascheck.analysis.values import Const, Seq

    filters, layout = getattr(layer, "filters", None), getattr(layer, "data_format", None)
    if isinstance(filters, int) and isinstance(layout, str):
        fact.arguments.update(filters=Const(filters), data_format=Const(layout))
    target = getattr(layer, "target_shape", None) if type(layer).__name__ == "Reshape" else None
    if isinstance(target, tuple) and all(isinstance(axis, int) for axis in target):
        fact.arguments["target_shape"] = Seq([Const(axis) for axis in target], exact=True)


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
    if isinstance(loss, (list, tuple)) and loss:  # a loss per output (analysis/heads.py)
        return LossFact(per_output=tuple(enumerate(_loss_fact(item) for item in loss)))
    if isinstance(loss, dict) and loss and all(isinstance(key, str) for key in loss):
        return LossFact(per_output=tuple((key, _loss_fact(item)) for key, item in loss.items()))
    return LossFact()  # a custom function: unknown


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


# --- data --------------------------------------------------------------------------------------


def sample(x, y):
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


def input_fact(x, is_dataset: bool):
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


def label_fact(y):
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


def labels_per_output(y) -> tuple:
    """``fit(x, [y1, y2])`` or ``fit(x, {"name": y1})`` on a model of several outputs: each
    output's labels read as :func:`label_fact` reads them, in the pairs the static analysis
    makes (``FitFact.y_per_output``, analysis/heads.py); ``()`` for labels given whole, or a
    list of numbers (one output's labels)."""
    import numpy as np

    if isinstance(y, dict):
        items = list(y.items())
    elif isinstance(y, (list, tuple)):
        items = list(enumerate(y))
    else:
        return ()
    arrays = [(key, _as_array(item, np)) for key, item in items]
    if len(arrays) < 2 or any(array is None or array.ndim == 0 for _, array in arrays):
        return ()
    return tuple((key, label_fact(array) or UNKNOWN) for key, array in arrays)
