"""What a rebuild may fill in where real code is silent, and how it says so.

Real code spells layers the Keras 2 way (``init=``, ``output_dim=``), takes sizes from variables,
and feeds 300×300 images to models with millions of weights. A proof of a linear hidden layer or
of a single-unit softmax does not depend on any of that, so the rebuild applies the safe renames
in memory, gives an unknown size a small stand-in and shrinks a large input, and every such
choice is written down (:attr:`kerascheck.proofkit.Subject.stand_ins`) and shown with the
evidence. A proof whose symptom depends on a size (the feature map shrinking to nothing) is not
given a shrunk model.
"""

from __future__ import annotations

import math

# The safe fixes of KC602 (and Keras 1 spellings with the same meaning), applied in memory.
KERAS2_RENAMES = {"init": "kernel_initializer", "output_dim": "units",
                  "W_regularizer": "kernel_regularizer", "b_regularizer": "bias_regularizer",
                  "border_mode": "padding", "subsample": "strides", "nb_filter": "filters"}
# Layers whose ``output_dim`` is still an argument of its own.
_KEEPS_OUTPUT_DIM = {"Embedding"}

_UNIT_LAYERS = {"Dense", "LSTM", "GRU", "SimpleRNN", "Conv1D", "Conv2D", "Conv3D",
                "Conv2DTranspose", "SeparableConv2D", "DepthwiseConv2D", "Embedding"}
_STAND_IN_UNITS = 8
_STAND_IN_KERNEL = 3

# Sample shapes for a first layer of each kind when the source states none.
_STAND_IN_INPUTS = {"Dense": (8,), "Dropout": (8,), "BatchNormalization": (8,),
                    "Conv1D": (16, 4), "MaxPooling1D": (16, 4), "LSTM": (10, 4),
                    "GRU": (10, 4), "SimpleRNN": (10, 4), "Conv2D": (16, 16, 3),
                    "MaxPooling2D": (16, 16, 3), "Flatten": (8, 8), "Reshape": None}

# The sample shape of ``x`` in each data set Keras ships (``keras.datasets.NAME.load_data()``):
# a model that declares no input is built from its first batch of that data.
DATASET_SHAPES = {"mnist": (28, 28), "fashion_mnist": (28, 28), "cifar10": (32, 32, 3),
                  "cifar100": (32, 32, 3), "boston_housing": (13,), "california_housing": (8,)}
# Rules whose proof measures only the flagged layer and the layers after it up to the next
# Dense layer (KC201: they compute one affine map, whatever comes before them and whatever the
# input width): when the whole model cannot be rebuilt (an unknown input shape, a custom layer
# elsewhere, millions of weights), that path alone is, on a stand-in input width.
PATH_PROOFS = {"KC201"}
PATH_INPUT_WIDTH = 8
# A convolutional path (a Conv2D with no activation feeding the next convolution) is rebuilt
# on a small stand-in map of this side and 3 channels (2-D) or of this length (1-D)
PATH_MAP_SIDE = 12


def path_input_shape(first_kind) -> tuple:
    """The stand-in sample shape a path starting with ``first_kind`` is rebuilt on."""
    kind = first_kind if isinstance(first_kind, str) else ""
    if kind.endswith("1D"):
        return (PATH_MAP_SIDE, 3)
    if kind.startswith(("Conv", "SeparableConv", "DepthwiseConv")) and kind.endswith("3D"):
        return (6, 6, 6, 2)
    if kind.startswith(("Conv", "SeparableConv", "DepthwiseConv")):
        return (PATH_MAP_SIDE, PATH_MAP_SIDE, 3)
    return (PATH_INPUT_WIDTH,)
# Rules whose symptom is the model that declares no input (it is not built until it sees data):
# their proofs get the model unbuilt, never a stand-in input.
UNBUILT_PROOFS = {"KC101"}

# Larger inputs than this (values per sample) or more weights than this are shrunk, when the
# proof does not depend on sizes.
_LARGE_INPUT = 32 * 32 * 3
_LARGE_MODEL = 2_000_000
_SHRUNK_SIDE = 32
# Sides tried in turn when the model cannot be built on the smallest (a deep stack of
# convolutions and poolings needs a larger map): the first one Keras builds is taken.
SHRUNK_SIDES = (32, 64, 96, 128)
# Rules whose symptom depends on the sizes (a feature map that shrinks below its window): no
# shrunk input, no stand-in input size.
SIZE_DEPENDENT = {"KC104"}
# Rules whose symptom is that Keras refuses to build the model: the refusal is handed to the
# proof (``Subject.build_error``) instead of ending the rebuild.
REFUSAL_PROOFS = {"KC104"}
STAND_IN_NOTE = "the symptom does not depend on it"
# Rules whose proof on a user's model builds it and looks at it (its output's shape or values,
# its summary) without training it: a model of millions of weights is measured in well under a
# second, and a vocabulary size from a variable may take a stand-in (no token ids are fed).
BUILD_ONLY_PROOFS = {"KC101", "KC102", "KC201", "KC301", "KC303"}
_STAND_IN_VOCABULARY = 100


def renamed(kind: str, keyword: str) -> str | None:
    """The current name of a Keras 2 keyword of ``kind``, or None when it is current."""
    if keyword == "output_dim" and kind in _KEEPS_OUTPUT_DIM:
        return None
    return KERAS2_RENAMES.get(keyword)


def positional_stand_in(kind: str, position: int, code: str = ""):
    """A stand-in for a positional argument the source does not give as a literal (units or
    filters first, then a kernel size; an Embedding's vocabulary and width for the proofs that
    feed it no token ids), or None when there is no safe one."""
    if kind == "Embedding":
        if code not in BUILD_ONLY_PROOFS or position > 1:
            return None
        return _STAND_IN_VOCABULARY if position == 0 else _STAND_IN_UNITS
    if kind not in _UNIT_LAYERS:
        return None
    if position == 0:
        return _STAND_IN_UNITS
    if position == 1 and kind.startswith(("Conv", "SeparableConv")):
        return _STAND_IN_KERNEL
    return None


def keyword_stand_in(kind: str, keyword: str):
    """A stand-in for a keyword argument that is not a literal; None means leave it out."""
    if keyword in ("units", "filters") and kind in _UNIT_LAYERS:
        return _STAND_IN_UNITS
    if keyword == "kernel_size":
        return _STAND_IN_KERNEL
    return None


def input_shape_for(first_kind) -> tuple | None:
    """A stand-in sample shape for a model whose first layer is ``first_kind``."""
    return _STAND_IN_INPUTS.get(first_kind) if isinstance(first_kind, str) else None


def dataset_shape(loader: str) -> tuple[str, tuple] | None:
    """``("mnist", (28, 28))`` for the dotted name of a loader such as
    ``keras.datasets.mnist.load_data``, None for any other."""
    parts = loader.split(".")
    if len(parts) >= 2 and parts[-1] == "load_data" and parts[-2] in DATASET_SHAPES:
        return parts[-2], DATASET_SHAPES[parts[-2]]
    return None


def shrunk(shape: tuple, side: int = _SHRUNK_SIDE) -> tuple | None:
    """``shape`` with its spatial sides scaled down to about ``side`` (channels kept), or None
    when it is small enough already."""
    if math.prod(shape) <= _LARGE_INPUT or len(shape) < 2:
        return None
    spatial, channels = (shape[:-1], shape[-1:]) if len(shape) >= 3 else (shape, ())
    factor = max(side for side in spatial) / side
    if factor <= 1:
        return None
    return tuple(max(1, round(side / factor)) for side in spatial) + tuple(channels)


def is_large(keras_model) -> bool:
    try:
        return keras_model.count_params() > _LARGE_MODEL
    except Exception:  # not built
        return False
