"""The linear paths of a model's layer graph that KC201 follows: which layers pass a linear
chain on, where a walk from a layer's output goes, and the linear layers that are designs (a
residual stream's input projection, a layer named as the representation it computes)."""

from __future__ import annotations

import re

from kerascheck.analysis.shapes import kernel_window
from kerascheck.analysis.values import BRANCH_MERGE
from kerascheck.facts import LINEAR, TRANSPARENT_LAYERS, LayerFact, ModelFact

CONVOLUTIONS = {"Conv1D", "Conv2D", "Conv3D", "Convolution1D", "Convolution2D", "Convolution3D",
                "SeparableConv1D", "SeparableConv2D"}
# Layers that change no value's scale or sign between two convolutions (RULES.md KC201).
CONV_PASS_THROUGH = {"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
                     "Flatten", "Reshape", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
                     "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "AvgPool1D",
                     "AvgPool2D", "Identity", "UpSampling1D", "UpSampling2D", "UpSampling3D",
                     "Cropping1D", "Cropping2D", "Cropping3D", "GlobalAveragePooling1D",
                     "GlobalAveragePooling2D", "GlobalAveragePooling3D", "GlobalAvgPool1D",
                     "GlobalAvgPool2D", "GlobalAvgPool3D", "Concatenate"}
# ... and, where no bottleneck is meant (see _linear_through_normalization), normalization
NORMALIZED_PASS_THROUGH = {"BatchNormalization"}

# A concatenation is linear too: ``Dense(16)`` -> ``Concatenate`` -> ``Dense(32)`` composes to
# one affine map of the inputs (a head whose branches are merged with no activation anywhere).
LINEAR_MERGES = {"Concatenate"}
DENSE_PASS_THROUGH = TRANSPARENT_LAYERS | LINEAR_MERGES


def is_convolution(layer: LayerFact) -> bool:
    return layer.is_kind(*CONVOLUTIONS)


def into_residual(model: ModelFact, layer: LayerFact) -> bool:
    """Whether a linear convolution is a residual stream's input projection: its output is added
    into the stream (``Add()([z, inputs])``, WaveNet's stem), or reaches a block's ``Add``
    through ``Concatenate`` (joined with an embedding) and the block's own linear 1x1 projection
    of its input (a diffusion U-Net's stem): the stream carries it on, not one next layer."""
    def adds(current) -> bool:  # (an ``if`` choosing the projection meets the other path)
        return any(after.is_kind("Add") or after.kind == BRANCH_MERGE and any(
            later.is_kind("Add") for later in model.successors(after))
            for after in model.successors(current))

    _, beyond = walk(model, layer, lambda current: current.is_kind(*LINEAR_MERGES))
    return adds(layer) or any(
        reached.is_kind("Add") or is_convolution(reached) and reached.activation == LINEAR and
        max(kernel_window(reached) or (0,)) == 1 and adds(reached) for reached in beyond)


def passes_dense_chain(layer: LayerFact) -> bool:
    return layer.is_kind(*DENSE_PASS_THROUGH) or (
        layer.is_kind("Activation") and layer.activation == LINEAR)


def walk(model: ModelFact, start: LayerFact, passes) -> tuple[list, list]:
    """(the layers passed, the layers beyond) of a walk from ``start``'s output through the
    layers ``passes`` accepts. Where branches' tensors meet (an ``if`` that reassigned the
    tensor), the walk goes on only once it has passed every branch into the meeting point: the
    chain is linear whichever branch runs."""
    passed_ids, passed, beyond, seen = {id(start)}, [], [], set()
    frontier = list(model.successors(start))
    while frontier:
        current = frontier.pop()
        if current.kind == BRANCH_MERGE:
            parents = model.predecessors(current)  # a model's Input is no layer: counted
            if id(current) not in passed_ids and len(parents) == current.arguments.get(
                    "branches") and all(id(parent) in passed_ids for parent in parents):
                passed_ids.add(id(current))
                frontier.extend(model.successors(current))
            continue
        if id(current) in seen:
            continue
        seen.add(id(current))
        if passes(current):
            passed_ids.add(id(current))
            passed.append(current)
            frontier.extend(model.successors(current))
        else:
            beyond.append(current)
    return passed, beyond


# Words a layer's name= gives the representation it computes: a bottleneck or an embedding
# is linear by design (an autoencoder's code, read out by name with ``get_layer``)
_REPRESENTATIONS = {"embedding", "embeddings", "embed", "bottleneck", "latent", "code",
                    "codes", "encoding", "encoded"}


def named_representation(layer: LayerFact) -> bool:
    """Whether the layer's literal ``name=`` says it is a representation
    (``Dense(50, name="refc_embedding")``, ``name="bottleneck"``)."""
    name = getattr(layer.arguments.get("name"), "value", None)
    words = re.split(r"[^a-z0-9]+", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()) \
        if isinstance(name, str) else ()
    return any(word in _REPRESENTATIONS for word in words)
