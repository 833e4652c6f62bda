"""KC201 through BatchNormalization: a linear convolution with a spatial kernel (3x3) that feeds
another convolution through normalization alone is no linear bottleneck (those are 1x1
projections, MobileNetV2), so the two collapse into one linear map at inference; a 1x1
projection, a nonlinearity in between, and a DenseNet's concatenation (which carries the
features on to BN-ReLU) stay silent."""

from __future__ import annotations

import pytest

from conftest import lint

NETWORK = """
from tensorflow.keras import Input, Model, layers
inputs = Input(shape=(64, 64, 3))
x = layers.Conv2D(32, 3, padding="same", activation="relu")(inputs)
x = layers.{first}(64, {kernel}, padding="same")(x)
x = layers.BatchNormalization()(x)
{between}x = layers.{first}(128, 3, padding="same")(x)
x = layers.BatchNormalization()(x)
x = layers.ReLU()(x)
x = layers.GlobalAveragePooling2D()(x)
model = Model(inputs, layers.Dense(10, activation="softmax")(x))
"""


def kc201(first="Conv2D", kernel="3", between="") -> list[int]:
    code = NETWORK.format(first=first, kernel=kernel, between=between)
    return [d.line for d in lint(code) if d.code == "KC201"]


@pytest.mark.parametrize("first", ["Conv2D", "SeparableConv2D"])
@pytest.mark.parametrize("kernel", ["3", "(3, 3)", "kernel_size=(5, 1)"])
def test_a_spatial_linear_convolution_through_normalization(first, kernel):
    assert kc201(first, kernel) == [5]


def test_a_one_by_one_projection_is_a_linear_bottleneck():
    assert kc201(kernel="1") == []
    assert kc201(kernel="(1, 1)") == []


def test_an_unknown_kernel_size_is_not_judged():
    assert kc201(kernel="size") == []


def test_a_nonlinearity_after_the_normalization():
    assert kc201(between="x = layers.Activation('relu')(x)\n") == []


def test_a_densenet_concatenation_carries_the_features_to_bn_relu():
    code = """
from tensorflow.keras import Input, Model, layers
inputs = Input(shape=(32, 32, 3))
x = layers.Conv2D(24, kernel_size=3, padding="same")(inputs)
x = layers.concatenate([inputs, x])
y = layers.BatchNormalization()(x)
y = layers.Activation("relu")(y)
y = layers.Conv2D(12, kernel_size=3, padding="same")(y)
x = layers.concatenate([x, y])
y = layers.BatchNormalization()(x)
y = layers.Conv2D(18, kernel_size=1, padding="same")(y)
x = layers.AveragePooling2D()(y)
y = layers.BatchNormalization()(x)
y = layers.Activation("relu")(y)
y = layers.Conv2D(12, kernel_size=3, padding="same")(y)
x = layers.concatenate([x, y])
x = layers.Activation("relu")(layers.BatchNormalization()(x))
x = layers.GlobalAveragePooling2D()(x)
model = Model(inputs, layers.Dense(10, activation="softmax")(x))
"""
    assert [d.line for d in lint(code) if d.code == "KC201"] == []


def test_the_kernel_read_as_the_shape_engine_reads_it():
    from kerascheck.analysis.shapes import kernel_window
    from kerascheck.analysis.values import Const
    from kerascheck.facts import LayerFact

    def window(kind, *positional, **arguments):
        return kernel_window(LayerFact(kind=kind, positional=[Const(v) for v in positional],
                                       arguments={k: Const(v) for k, v in arguments.items()}))

    assert window("Conv2D", 8, 3) == (3, 3)
    assert window("SeparableConv1D", 8, kernel_size=5) == (5,)
    assert window("Convolution2D", 64, 1, 3) == (1, 3)  # Keras 1: nb_row, nb_col
    assert window("Conv2D", 8) is None and window("Dense", 8) is None


STEM = """
import keras


def block(width):
    def apply(x):
        if x.shape[3] == width:
            skip = x
        else:
            skip = keras.layers.Conv2D(width, kernel_size=1)(x)
        x = keras.layers.BatchNormalization(center=False, scale=False)(x)
        x = keras.layers.Conv2D(width, 3, padding="same", activation=keras.activations.swish)(x)
        x = keras.layers.Conv2D(width, 3, padding="same")(x)
        return {joined}
    return apply


images = keras.Input(shape=(32, 32, 3))
noise = keras.Input(shape=(32, 32, 16))
x = keras.layers.Conv2D(32, kernel_size=1)(images){mark}
x = keras.layers.Concatenate()([x, noise])
x = block(32)(x)
model = keras.Model([images, noise], keras.layers.Conv2D(3, 1, kernel_initializer="zeros")(x))
"""


def test_a_stem_that_feeds_a_residual_stream_through_a_concatenation_is_left_alone():
    # a diffusion U-Net's 1x1 stem: joined with the noise embedding, it is the input each
    # residual block projects (1x1) and adds back; the stream carries it on
    assert [d.code for d in lint(STEM.format(joined="keras.layers.Add()([x, skip])", mark=""),
                                 select=("KC201",))] == []


def test_the_same_stem_without_the_residual_add_is_still_kc201():
    # (the block's own last convolution, now joined into the head's, is reported too)
    code = STEM.format(joined="keras.layers.Concatenate()([x, skip])", mark="")
    assert [(d.line, d.code) for d in lint(code, select=("KC201",))] == [
        (13, "KC201"), (20, "KC201")]
