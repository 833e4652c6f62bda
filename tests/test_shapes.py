"""The static shape engine (kerascheck.analysis.shapes): per-sample shapes through the common
layers, and unknown wherever the source does not say."""

from __future__ import annotations

import libcst as cst
import pytest
from conftest import lint

from kerascheck.analysis.interpreter import analyze
from kerascheck.analysis.shapes import infer
from kerascheck.facts import UNKNOWN


def shapes_of(code: str, model_index: int = 0) -> list:
    model = analyze(cst.parse_module(code)).models[model_index]
    found = infer(model)
    return [found.outputs.get(index, UNKNOWN) for index in range(len(model.layers))]


def test_a_cnn_shrinks_by_its_kernels_and_pools():
    code = """
from keras import layers, models
model = models.Sequential([
    layers.Conv2D(8, (5, 5), strides=(2, 2), input_shape=(64, 48, 3)),
    layers.MaxPooling2D(pool_size=3),
    layers.Conv2D(16, 3, padding="same"),
    layers.AveragePooling2D((2, 2), strides=1),
    layers.Flatten(),
    layers.Dense(10),
])
"""
    assert shapes_of(code) == [(30, 22, 8), (10, 7, 8), (10, 7, 16), (9, 6, 16), (864,), (10,)]


def test_sequences_through_embedding_recurrent_and_concatenate():
    code = """
import keras
from keras import layers
inputs = keras.Input(shape=(40,))
tokens = layers.Embedding(1000, 16)(inputs)
steps = layers.GRU(8, return_sequences=True)(tokens)
conv = layers.Conv1D(4, 3, padding="same")(tokens)
joined = layers.Concatenate()([steps, conv])
last = layers.LSTM(6)(joined)
pooled = layers.GlobalAveragePooling1D()(joined)
model = keras.Model(inputs, [layers.Dense(2)(last), layers.Reshape((-1, 2))(pooled)])
"""
    model = analyze(cst.parse_module(code)).models[0]
    found = infer(model)
    shapes = {layer.kind: found.output_of(model, layer) for layer in model.layers}
    assert shapes == {"Embedding": (40, 16), "GRU": (40, 8), "Conv1D": (40, 4),
                      "Concatenate": (40, 12), "LSTM": (6,), "GlobalAveragePooling1D": (12,),
                      "Dense": (2,), "Reshape": (6, 2)}


@pytest.mark.parametrize("layer", [
    "layers.Conv2D(8, kernel)",                                # a variable kernel size
    "layers.Conv2D(8, 3, dilation_rate=2)",                    # dilation is not followed
    "layers.Conv2D(8, 3, data_format='channels_first')",       # another layout
    "Custom(8)",                                               # a layer the linter cannot see
    "layers.LSTM(8, return_sequences=flag)",                   # a variable flag
])
def test_what_the_source_does_not_say_stays_unknown(layer):
    code = f"""
from keras import layers, models
from mylib import Custom
model = models.Sequential([layers.Input(shape=(32, 32, 3)), {layer}, layers.Flatten()])
"""
    assert shapes_of(code) == [UNKNOWN, UNKNOWN]


def test_free_axes_stay_free_and_windows_on_them_are_never_too_small():
    code = """
from keras import layers, models
model = models.Sequential([layers.Input(shape=(None, None, 3)), layers.Conv2D(4, 7),
                           layers.MaxPooling2D(8), layers.Conv2D(4, 7), layers.Flatten()])
"""
    model = analyze(cst.parse_module(code)).models[0]
    found = infer(model)
    assert [found.outputs[i] for i in range(3)] == [(None, None, 4)] * 3
    assert found.outputs[3] == (None,)
    assert found.too_small == []


def test_a_window_larger_than_its_map_is_recorded_once_and_stops_the_shapes():
    code = """
from keras import layers, models
model = models.Sequential([layers.Input(shape=(6, 6, 1)), layers.Conv2D(4, 3),
                           layers.MaxPooling2D(2), layers.Conv2D(4, 3), layers.Flatten(),
                           layers.Dense(2)])
"""
    model = analyze(cst.parse_module(code)).models[0]
    found = infer(model)
    assert [(problem.layer.kind, problem.input_shape, problem.window)
            for problem in found.too_small] == [("Conv2D", (2, 2, 4), (3, 3))]
    assert found.outputs[2] is UNKNOWN and found.outputs[4] is UNKNOWN


def test_keras_1_convolutions_are_read_as_keras_2_read_them():
    """Convolution2D(32, 3, 3, border_mode=..., subsample=...): a 3x3 kernel, the padding and the
    strides of Keras 2's legacy interface; an explicit Theano dim ordering is not followed."""
    keras1 = """
from keras.models import Sequential
from keras.layers import Convolution2D, Flatten, Dense
model = Sequential([Convolution2D(32, 3, 3, border_mode="same", input_shape=(8, 8, 1)),
                    Convolution2D(32, 3, 3, subsample=(2, 2)),
                    Convolution2D(32, 3, 3, activation="relu"), Flatten(),
                    Dense(10, activation="softmax")])
"""
    # 8x8 (same) -> 3x3 (valid, stride 2) -> 1x1: the third 3x3 kernel fits exactly
    assert [d.code for d in lint(keras1, select=("KC104",))] == []
    shrunk = keras1.replace('border_mode="same"', 'border_mode="valid"')
    # 6x6 -> 2x2: the third kernel no longer fits
    assert [(d.line, d.code) for d in lint(shrunk, select=("KC104",))] == [(6, "KC104")]
    theano = shrunk.replace('border_mode="valid",', 'border_mode="valid", dim_ordering="th",')
    assert [d.code for d in lint(theano, select=("KC104",))] == []


def test_a_file_that_switches_keras_to_channels_first_has_its_shapes_left_alone():
    code = """
from keras import backend as K
from keras.models import Sequential
from keras.layers import Conv2D, MaxPooling2D, Flatten, Dense
K.set_image_data_format("channels_first")
model = Sequential([Conv2D(8, (3, 3), input_shape=(1, 28, 28)), MaxPooling2D((2, 2)),
                    Flatten(), Dense(10, activation="softmax")])
"""
    assert [d.code for d in lint(code, select=("KC104",))] == []
    as_usual = code.replace('"channels_first"', '"channels_last"')
    assert [d.code for d in lint(as_usual, select=("KC104",))] == ["KC104"]
