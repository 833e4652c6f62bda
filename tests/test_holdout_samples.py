"""Training rows drawn at random from a frame that also gives the validation rows (KC505,
analysis/samples.py), rows dropped by a sample's index, and models made by ``clone_model``
(analysis/clones.py). Small cases written for this suite; lines are marked
``# expect: KCnnn`` and every other line must stay silent."""

from __future__ import annotations

import pytest
from conftest import expected_lines, lint

CODES = ("KC501", "KC502", "KC504", "KC505")


def assert_marked(code: str) -> None:
    found = sorted((d.line, d.code) for d in lint(code) if d.code in CODES)
    assert found == sorted(expected_lines(code))


TWEETS = """
import pandas as pd
import tensorflow as tf
from sklearn.model_selection import train_test_split

reviews = pd.read_csv("reviews.csv").sample(frac=1, random_state=7)
texts_fit, texts_val, stars_fit, stars_val = train_test_split(
    reviews["body"].to_numpy(), reviews["stars"].to_numpy(), test_size=0.2)
encoder = tf.keras.layers.TextVectorization(max_tokens=5000, output_sequence_length=40)
encoder.adapt(texts_fit)
net = tf.keras.Sequential([encoder, tf.keras.layers.Embedding(5000, 16),
                           tf.keras.layers.GlobalAveragePooling1D(),
                           tf.keras.layers.Dense(1, activation="sigmoid")])
net.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
net.fit(texts_fit, stars_fit, epochs=3, validation_data=(texts_val, stars_val))
{subset}
small_net = {small_net}
small_net.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
small_net.fit(few_texts, few_stars, epochs=3, validation_data=(texts_val, stars_val))
"""

FROM_THE_WHOLE_FRAME = """few = reviews[["body", "stars"]].sample(frac={share}){mark}
few_texts, few_stars = few["body"].to_list(), few["stars"].to_list()"""

REBUILT = """tf.keras.Sequential([encoder, tf.keras.layers.Embedding(5000, 16),
                                 tf.keras.layers.GlobalAveragePooling1D(),
                                 tf.keras.layers.Dense(1, activation="sigmoid")])"""
CLONED = "tf.keras.models.clone_model(net)"


@pytest.mark.parametrize("small_net", [REBUILT, CLONED])
@pytest.mark.parametrize("share", ["0.1", "0.5", "0.05"])
def test_a_sample_of_the_frame_holds_validation_rows(small_net, share):
    assert_marked(TWEETS.format(small_net=small_net, subset=FROM_THE_WHOLE_FRAME.format(
        share=share, mark="  # expect: KC505")))


def test_the_finding_says_how_many_validation_rows_are_trained_on():
    code = TWEETS.format(small_net=CLONED, subset=FROM_THE_WHOLE_FRAME.format(
        share="0.25", mark=""))
    [finding] = [d for d in lint(code) if d.code == "KC505"]
    assert "25%" in finding.message
    assert [place.line for place in finding.related] == [len(code.splitlines())]  # the fit


@pytest.mark.parametrize("subset", [
    # drawn from the training split only: the author's fix
    """few = pd.DataFrame({"body": texts_fit, "stars": stars_fit}).sample(frac=0.1)
few_texts, few_stars = few["body"].to_list(), few["stars"].to_list()""",
    """picked = pd.Series(texts_fit).sample(frac=0.1, random_state=1)
few_texts, few_stars = picked.to_list(), pd.Series(stars_fit)[picked.index].to_list()""",
    # too few rows to move the score, and sizes the analysis does not know
    FROM_THE_WHOLE_FRAME.format(share="0.01", mark=""),
    """few = reviews[["body", "stars"]].sample(500)
few_texts, few_stars = few["body"].to_list(), few["stars"].to_list()""",
    """few = reviews[["body", "stars"]].sample(frac=share)
few_texts, few_stars = few["body"].to_list(), few["stars"].to_list()""",
])
def test_samples_apart_from_the_validation_rows_are_not_judged(subset):
    assert_marked(TWEETS.format(small_net=REBUILT, subset=subset))


HOUSES = """
import pandas as pd
import tensorflow as tf

table = pd.read_csv("houses.csv").dropna()
{split}
fit_x, val_x = fit_part.drop(columns=["price"]), val_part.drop("price", axis=1)
fit_y, val_y = fit_part["price"], val_part["price"]
scale = tf.keras.layers.Normalization()
scale.adapt(fit_x)
model = tf.keras.Sequential([scale, tf.keras.layers.Dense(32, activation="relu"),
                             tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(fit_x, fit_y, epochs=50, validation_data=(val_x, val_y)){mark}
"""


@pytest.mark.parametrize("split", [
    # the regression tutorial's split: the rest of the rows, dropped by the sample's index
    "fit_part = table.sample(frac=0.8, random_state=0)\nval_part = table.drop(fit_part.index)",
    "fit_part = table.sample(frac=0.8)\nval_part = table.drop(index=fit_part.index)",
    "val_part = table.sample(frac=0.2, random_state=3)\nfit_part = table.drop(val_part.index)",
    # a shuffle, then two slices that do not overlap
    "table = table.sample(frac=1.0)\nfit_part, val_part = table[:800], table[800:]",
])
def test_a_sample_and_the_rows_it_leaves_are_apart(split):
    assert_marked(HOUSES.format(split=split, mark=""))


def test_validation_rows_drawn_from_the_training_rows():
    assert_marked(HOUSES.format(split="fit_part = table\nval_part = table.sample(frac=0.2)",
                                mark="  # expect: KC505"))


@pytest.mark.parametrize("split", [
    # training rows drawn from rows the validation rows are also picked from: reported at the
    # draw, where the fix goes
    "fit_part = table.sample(frac=0.2)  # expect: KC505\nval_part = table.sample(frac=0.2)",
    "fit_part = table.sample(frac=0.5)  # expect: KC505\nval_part = table[-300:]",
    "fit_part = table.sample(frac=0.7, replace=True)  # expect: KC505\nval_part = table",
])
def test_validation_rows_that_a_sample_shares(split):
    assert_marked(HOUSES.format(split=split, mark=""))


CLONES = """
import numpy as np
import tensorflow as tf

rows = np.loadtxt("sensor.csv", delimiter=",")
x, y = rows[:, :-1] / 50.0, rows[:, -1]
base = tf.keras.Sequential([tf.keras.Input(shape=(6,)), tf.keras.layers.Dense(16, activation="relu"),
                            tf.keras.layers.Dense(1)])
{compile_base}
base.fit(x[:900], y[:900], epochs=5, validation_data=(x[900:], y[900:]))
other = tf.keras.models.clone_model(base{clone_arguments})
other.fit(x[:900], y[:900], epochs=5, validation_data=(x[900:], y[900:])){mark}
"""


def test_a_clone_of_a_model_never_compiled_is_not_compiled():
    code = CLONES.format(compile_base="", clone_arguments="", mark="  # expect: KC504")
    found = sorted((d.line, d.code) for d in lint(code) if d.code in CODES)
    assert found == sorted([(10, "KC504"), *expected_lines(code)])


@pytest.mark.parametrize("clone_arguments", ["", ", clone_function=lambda layer: layer"])
def test_a_clone_of_a_compiled_model_may_be_compiled(clone_arguments):
    # Keras 3 compiles the clone from the model's configuration; tf_keras does not: unknown
    assert_marked(CLONES.format(compile_base='base.compile(optimizer="adam", loss="mse")',
                                clone_arguments=clone_arguments, mark=""))


def test_a_sample_of_the_training_half_is_apart_from_the_validation_half():
    code = """
import pandas as pd
import tensorflow as tf
from sklearn.model_selection import train_test_split

table = pd.read_csv("houses.csv").dropna()
fit_part, val_part = train_test_split(table, test_size=0.2, random_state=4)
fit_part = fit_part.sample(frac=0.3, random_state=4)
model = tf.keras.Sequential([tf.keras.layers.Dense(32, activation="relu"),
                             tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(fit_part[["rooms", "area"]] / 100.0, fit_part["price"], epochs=50,
          validation_data=(val_part[["rooms", "area"]] / 100.0, val_part["price"]))
wrong = table.sample(frac=0.3)  # expect: KC505
model.fit(wrong[["rooms", "area"]] / 100.0, wrong["price"], epochs=50,
          validation_data=(val_part[["rooms", "area"]] / 100.0, val_part["price"]))
"""
    assert_marked(code)


def test_batches_taken_from_the_training_dataset_are_part_of_it():
    assert_marked("""
import tensorflow as tf
photos = tf.keras.utils.image_dataset_from_directory("photos", image_size=(64, 64))
net = tf.keras.Sequential([tf.keras.Input(shape=(64, 64, 3)), tf.keras.layers.Rescaling(1 / 255),
                           tf.keras.layers.Flatten(), tf.keras.layers.Dense(5, activation="softmax")])
net.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
net.fit(photos, epochs=3, validation_data=photos.take(20))  # expect: KC505
held, rest = photos.take(20), photos.skip(20)
net.fit(rest, epochs=3, validation_data=held)
net.fit(photos.skip(20), epochs=3, validation_data=photos.skip(20).take(5))  # expect: KC505
""")
