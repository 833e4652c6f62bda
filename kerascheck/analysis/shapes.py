"""Static shapes: the per-sample output shape of each layer of a model, from its input shape.

Shapes are tuples of one sample's axes (the batch axis left out); an axis whose size the source
does not say is ``None``, and a shape the linter cannot follow is :data:`~kerascheck.facts.UNKNOWN`.
The common layers are followed (Dense, convolutions and pooling in channels-last layout,
Flatten, Reshape, global pooling, recurrent layers, Embedding, Concatenate and the layers that
keep their input's shape); any other layer makes its output unknown, and so does everything
after it. Windows larger than what reaches them (KC104) are recorded on the way.

Only literal arguments count: a variable kernel size is unknown, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil, prod
from typing import Any

from kerascheck.analysis.values import literal
from kerascheck.facts import UNKNOWN, LayerFact, ModelFact, known

# Layers whose output has the shape of their input.
SHAPE_KEEPING = {
    "Dropout", "AlphaDropout", "GaussianDropout", "GaussianNoise", "SpatialDropout1D",
    "SpatialDropout2D", "SpatialDropout3D", "BatchNormalization", "LayerNormalization",
    "UnitNormalization", "Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "ThresholdedReLU",
    "Softmax", "Rescaling", "Normalization", "ActivityRegularization", "Identity", "Masking",
}
RECURRENT = {"LSTM", "GRU", "SimpleRNN"}
GLOBAL_POOLING = {f"Global{kind}Pool{ing}{rank}D" for kind in ("Average", "Max", "Avg")
                  for ing in ("", "ing") for rank in (1, 2, 3)}


@dataclass(frozen=True)
class TooSmall:
    """A window larger than the map that reaches it (KC104)."""

    layer: LayerFact
    input_shape: tuple
    window: tuple


@dataclass
class Shapes:
    """What :func:`infer` found: each layer's output shape (by position in ``model.layers``)."""

    outputs: dict[int, Any] = field(default_factory=dict)
    too_small: list[TooSmall] = field(default_factory=list)

    def output_of(self, model: ModelFact, layer: LayerFact) -> Any:
        for index, candidate in enumerate(model.layers):
            if candidate is layer:
                return self.outputs.get(index, UNKNOWN)
        return UNKNOWN


def sets_channels_first(keras_calls) -> bool:
    """Whether the file switches Keras to channels first (``K.set_image_data_format(
    "channels_first")``, Keras 1's ``set_image_dim_ordering("th")``) or to a layout it does not
    spell out: its images' axes are then not what the shapes here assume."""
    for call in keras_calls:
        # keras.backend's (Keras 1 and 2) and keras.config's (Keras 3) setters
        if call.callee.rsplit(".", 1)[-1] in ("set_image_data_format", "set_image_dim_ordering"):
            value = call.positional[0] if call.positional else next(
                iter(call.arguments.values()), UNKNOWN)
            if value not in ("channels_last", "tf"):
                return True
    return False


def infer(model: ModelFact) -> Shapes:
    """The output shape of every layer of ``model`` that the source lets one follow."""
    shapes = Shapes()
    input_shape = model.input_shape if _is_shape(model.input_shape) else UNKNOWN
    if (not model.exact and model.kind == "sequential") or model.channels_first:
        return shapes  # layers unknown, or images laid out channels first by the file
    parents_of: dict[int, list[int]] = {}
    for producer, consumer in model.edges:
        parents_of.setdefault(consumer, []).append(producer)
    for index in _topological(len(model.layers), model.edges):
        parents = parents_of.get(index, [])
        if parents:
            inputs = [shapes.outputs.get(parent, UNKNOWN) for parent in parents]
        else:
            inputs = [input_shape]
        layer = model.layers[index]
        if not parents and _is_shape(layer.input_shape):
            inputs = [layer.input_shape]
        shapes.outputs[index] = _layer_output(layer, inputs, shapes)
    return shapes


def _topological(count: int, edges: list) -> list[int]:
    """Layer indexes, producers before consumers; a cycle (impossible in Keras) stops early."""
    pending = {index: 0 for index in range(count)}
    for _, consumer in edges:
        pending[consumer] += 1
    ready = [index for index, number in pending.items() if number == 0]
    order = []
    while ready:
        index = ready.pop(0)
        order.append(index)
        for producer, consumer in edges:
            if producer == index:
                pending[consumer] -= 1
                if pending[consumer] == 0:
                    ready.append(consumer)
    return order


def _is_shape(shape) -> bool:
    return isinstance(shape, tuple) and all(
        axis is None or axis is UNKNOWN or (type(axis) is int and axis > 0) for axis in shape)


def _clean(shape: tuple) -> tuple:
    return tuple(None if axis is UNKNOWN else axis for axis in shape)


def argument(layer: LayerFact, keyword: str, position: int | None, default=UNKNOWN):
    """A literal argument of the layer's constructor, ``default`` when absent, else UNKNOWN."""
    if keyword in layer.arguments:
        return literal(layer.arguments[keyword])
    if position is not None and position < len(layer.positional):
        return literal(layer.positional[position])
    return default


def _layer_output(layer: LayerFact, inputs: list, shapes: Shapes) -> Any:
    kind = layer.kind
    if not known(kind) or any(not _is_shape(shape) for shape in inputs):
        return UNKNOWN
    inputs = [_clean(shape) for shape in inputs]
    if kind == "Concatenate":
        return _concatenate(layer, inputs)
    if len(inputs) != 1:
        return UNKNOWN
    shape = inputs[0]
    if kind in SHAPE_KEEPING:
        return shape
    if kind == "Dense":
        units = layer.units if type(layer.units) is int else None
        return shape[:-1] + (units,) if shape else UNKNOWN
    if kind == "Flatten":
        return (prod(shape),) if None not in shape else (None,)
    if kind == "Reshape":
        return _reshape(argument(layer, "target_shape", 0), shape)
    if kind in GLOBAL_POOLING:
        if argument(layer, "keepdims", None, False) is not False or \
                argument(layer, "data_format", None, None) not in (None, "channels_last"):
            return UNKNOWN
        return shape[-1:] if len(shape) >= 2 else UNKNOWN
    if kind in RECURRENT:
        return _recurrent(layer, shape)
    if kind == "Embedding":
        dimension = argument(layer, "output_dim", 1)
        return shape + (dimension if type(dimension) is int else None,)
    return _windowed(layer, shape, shapes)


def _concatenate(layer: LayerFact, inputs: list) -> Any:
    axis = argument(layer, "axis", None, -1)
    if type(axis) is not int or len({len(shape) for shape in inputs}) != 1 or not inputs[0]:
        return UNKNOWN
    rank = len(inputs[0])
    position = axis - 1 if axis > 0 else rank + axis  # axis 0 is the batch axis
    if not 0 <= position < rank:
        return UNKNOWN
    sizes = [shape[position] for shape in inputs]
    joined = None if None in sizes else sum(sizes)
    return inputs[0][:position] + (joined,) + inputs[0][position + 1:]


def _reshape(target, shape: tuple) -> Any:
    if not isinstance(target, tuple) or not all(type(axis) is int for axis in target):
        return UNKNOWN
    if target.count(-1) == 1:
        known_part = prod(axis for axis in target if axis != -1)
        if None in shape or known_part <= 0 or prod(shape) % known_part:
            return tuple(None if axis == -1 else axis for axis in target)
        return tuple(prod(shape) // known_part if axis == -1 else axis for axis in target)
    return target if all(axis > 0 for axis in target) else UNKNOWN


def _recurrent(layer: LayerFact, shape: tuple) -> Any:
    if len(shape) != 2:
        return UNKNOWN
    units = argument(layer, "units", 0)
    units = units if type(units) is int else None
    sequences = argument(layer, "return_sequences", None, False)
    if argument(layer, "return_state", None, False) is not False or type(sequences) is not bool:
        return UNKNOWN
    return (shape[0], units) if sequences else (units,)


# Keras 1's arguments of convolutions and pooling that the shapes do not follow (1D lengths,
# the dim ordering unless it is TensorFlow's channels last).
KERAS1_UNFOLLOWED = {"filter_length", "subsample_length", "pool_length",
                     "nb_row", "nb_col", "nb_filter"}


def _windowed(layer: LayerFact, shape: tuple, shapes: Shapes) -> Any:
    """Convolutions and pooling over 1, 2 or 3 spatial axes (channels last)."""
    kind = layer.kind
    spatial = _spatial_rank(kind)
    if spatial is None or len(shape) != spatial + 1:
        return UNKNOWN
    if argument(layer, "data_format", None, None) not in (None, "channels_last"):
        return UNKNOWN
    if KERAS1_UNFOLLOWED & set(layer.arguments) or \
            argument(layer, "dim_ordering", None, "tf") != "tf":
        return UNKNOWN  # Keras 1's 1D spellings, or an explicit (or unknown) dim ordering
    # Keras 1 spellings read as Keras 2 read them: border_mode= is the padding, subsample= the
    # strides, Convolution2D(32, 3, 3) a 3x3 kernel (Keras 3 raises on them: KC602's business)
    legacy_padding = argument(layer, "border_mode", None, None)
    if kind.startswith(("MaxPool", "AveragePool", "AvgPool")):
        window = _per_axis(argument(layer, "pool_size", 0, 2), spatial)
        strides = _per_axis(argument(layer, "strides", 1, None), spatial) or window
        padding = legacy_padding or argument(layer, "padding", 2, "valid")
        channels = shape[-1]
    elif kind in (f"Conv{spatial}D", f"SeparableConv{spatial}D", f"Convolution{spatial}D"):
        filters = argument(layer, "filters", 0)
        window = kernel_window(layer)
        strides = _per_axis(argument(layer, "strides", 2, 1), spatial)
        padding = legacy_padding or argument(layer, "padding", 3, "valid")
        if kind.startswith("Convolution") and len(layer.positional) == spatial + 1:
            strides = _per_axis(argument(layer, "subsample", None, 1), spatial)
        if _per_axis(argument(layer, "dilation_rate", None, 1), spatial) != (1,) * spatial:
            return UNKNOWN
        channels = filters if type(filters) is int else None
    else:
        return UNKNOWN
    if window is None or strides is None or not isinstance(padding, str):
        return UNKNOWN
    padding = padding.lower()
    sizes = []
    for size, width, stride in zip(shape[:-1], window, strides):
        if size is None:
            sizes.append(None)
        elif padding == "same":
            sizes.append(ceil(size / stride))
        elif padding == "valid":
            if size < width:
                shapes.too_small.append(TooSmall(layer, shape, window))
                return UNKNOWN
            sizes.append((size - width) // stride + 1)
        else:
            return UNKNOWN
    return tuple(sizes) + (channels,)


def kernel_window(layer: LayerFact) -> tuple | None:
    """The kernel of a ``Conv1D``/``Conv2D``/``Conv3D`` (separable too, and Keras 1's
    ``Convolution2D(32, 3, 3)``) per spatial axis, when written out; None otherwise."""
    kind = layer.kind if known(layer.kind) else ""
    spatial = _spatial_rank(kind)
    if spatial is None or kind not in (f"Conv{spatial}D", f"SeparableConv{spatial}D",
                                       f"Convolution{spatial}D"):
        return None
    if kind.startswith("Convolution") and len(layer.positional) == spatial + 1:
        window = tuple(literal(axis) for axis in layer.positional[1:])
        return _per_axis(window if spatial > 1 else window[0], spatial)
    return _per_axis(argument(layer, "kernel_size", 1), spatial)


def _spatial_rank(kind: str) -> int | None:
    return next((rank for rank in (1, 2, 3) if kind.endswith(f"{rank}D")), None)


def _per_axis(value, spatial: int) -> tuple | None:
    if type(value) is int and value > 0:
        return (value,) * spatial
    if isinstance(value, tuple) and len(value) == spatial and \
            all(type(item) is int and item > 0 for item in value):
        return value
    return None

