"""Patterns of expert code that the sixth held-out precision corpus (benchmarks/HELDOUT6_CORPUS.md)
showed the linter calling mistakes, each written here in our own words, each with the twin that
must still be reported."""

from __future__ import annotations

import textwrap

import pytest

from conftest import lint

LOADED = """\
import numpy as np
import pandas as pd
from tensorflow import keras
x_train = np.load("train_x.npy")
y_train = np.load("train_y.npy")
x_test = np.load("test_x.npy")
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(4)])
model.compile(optimizer="adam", loss="mse")
model.fit(x_train, y_train, epochs=30)
"""


def codes(source: str, select=("KC501",)) -> list[str]:
    return [d.code for d in lint(textwrap.dedent(source), select=select)]


# -- KC501: a model used on other data once it is trained ---------------------------------------

@pytest.mark.parametrize("after", [
    # called on the test split, eagerly (an autoencoder's reconstructions shown)
    "reconstructed = model(x_test)\n",
    # inside a helper the file calls after training
    "def show(images):\n    return model(images)\nshow(x_test)\n",
])
def test_a_model_called_on_other_data_after_fit_is_evaluated(after):
    assert codes(LOADED + after) == []


def test_a_model_called_on_its_training_data_only_is_still_kc501():
    assert codes(LOADED + "reconstructed = model(x_train)\n") == ["KC501"]


def test_a_call_before_the_fit_uses_nothing_trained():
    source = LOADED.replace("model.fit(", "preview = model(x_test)\nmodel.fit(")
    assert codes(source) == ["KC501"]


def test_a_call_in_a_training_step_is_not_a_use():
    source = LOADED + textwrap.dedent("""
        import tensorflow as tf
        for batch in range(3):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(model(x_test))
    """)
    assert codes(source) == ["KC501"]


GENERATES = """\
import keras_hub
import tensorflow_datasets as tfds
train = tfds.load("imdb_reviews", split="train")
lm = keras_hub.models.GemmaCausalLM.from_preset("gemma_2b_en")
lm.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
lm.fit(train, epochs=3)
"""


def test_a_language_model_that_generates_after_fine_tuning_is_evaluated():
    answered = 'print(lm.generate("A poem about", max_length=64))\n'
    assert codes("import keras\n" + GENERATES + answered) == []


# -- KC401: a table of letter codes, and the dummies of a mixed table ---------------------------

TABLE = """\
import pandas as pd
from tensorflow import keras
table = pd.read_csv("{file}")
labels = table.pop("label")
features = pd.get_dummies(table)
model = keras.Sequential([keras.Input(shape=(117,)), keras.layers.Dense(8, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(features, labels, validation_split=0.2)
"""


def test_the_dummies_of_the_mushroom_table_are_not_raw_features():
    assert codes(TABLE.replace("{file}", "mushrooms.csv"), ("KC401",)) == []


def test_the_dummies_of_a_mixed_table_keep_its_raw_numeric_columns():
    # an insurance table: age, bmi and charges stay as they were beside the 0/1 columns
    assert codes(TABLE.replace("{file}", "insurance.csv"), ("KC401",)) == ["KC401"]


# -- KC201: linear layers that are designs ----------------------------------------------------

AUTOENCODER = """\
from tensorflow import keras
images = keras.Input(shape=(64,))
hidden = keras.layers.Dense(32, activation="relu")(images)
code = keras.layers.Dense(8{name})(hidden)
expanded = keras.layers.Dense(32, activation="relu")(code)
restored = keras.layers.Dense(64, activation="sigmoid")(expanded)
autoencoder = keras.Model(images, restored)
"""


@pytest.mark.parametrize("name", ['name="refc_embedding"', 'name="bottleneck"',
                                  'name="latentVector"', 'name="code"'])
def test_a_layer_named_as_the_representation_is_linear_by_design(name):
    assert codes(AUTOENCODER.replace("{name}", ", " + name), ("KC201",)) == []


@pytest.mark.parametrize("name", ["", ', name="hidden_2"', ', name="decoder"'])
def test_a_linear_layer_of_any_other_name_is_still_kc201(name):
    assert codes(AUTOENCODER.replace("{name}", name), ("KC201",)) == ["KC201"]


STEM = """\
from tensorflow import keras
frames = keras.Input(shape=(128, 40))
stream = keras.layers.Dense(64, use_bias=False)(frames)
{block}
pooled = keras.layers.GlobalAveragePooling1D()(stream)
scores = keras.layers.Dense(10, activation="softmax")(pooled)
model = keras.Model(frames, scores)
"""
RESIDUAL_BLOCK = """\
expanded = keras.layers.Dense(128, activation="swish")(stream)
projected = keras.layers.Dense(64)(expanded)
stream = keras.layers.Add()([stream, projected])"""


def test_a_dense_stem_added_into_a_residual_stream_is_a_projection():
    assert codes(STEM.replace("{block}", RESIDUAL_BLOCK), ("KC201",)) == []


def test_a_dense_stem_with_no_skip_is_still_kc201():
    plain = 'stream = keras.layers.Dense(128, activation="swish")(stream)'
    assert codes(STEM.replace("{block}", plain), ("KC201",)) == ["KC201"]


def test_a_look_at_outputs_on_other_data_is_no_metric_kc502_still_stands():
    # the only metric is on the training data; calling the model on the test split (to show
    # its outputs) measures nothing
    source = LOADED + "model.evaluate(x_train, y_train)\nshown = model(x_test)\n"
    assert codes(source, ("KC501", "KC502")) == ["KC502"]
