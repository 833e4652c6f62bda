"""Images read through an ``ImageDataGenerator`` (analysis/origins.py ``generator_flow``): a
generator given nothing that scales yields the files' 0-255 pixels as floats (checked on Keras
3.15: ``ImageDataGenerator(horizontal_flip=True).flow_from_directory(...)`` gives batches from
0.0 to 255.0, ``rescale=1/255`` gives 0.0 to 1.0). Raw into ``fit`` is KC401; a raw validation
generator beside a training generator that rescales is KC403. Lines are marked
``# expect: KC...``; every other line must stay silent."""

from __future__ import annotations

import pytest
from conftest import expected_lines, lint

MODEL = """
from keras.preprocessing.image import ImageDataGenerator
from keras.applications.vgg16 import preprocess_input
from keras import layers, models
model = models.Sequential([layers.Input((64, 64, 3)), layers.Conv2D(8, 3, activation="relu"),
                           layers.Flatten(), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
"""

CASES = {
    "a validation generator that forgot the rescale": """
train = ImageDataGenerator(rescale=1. / 255, zoom_range=0.2).flow_from_directory(
    "data/train", target_size=(64, 64), class_mode="binary")
plain = ImageDataGenerator()
val = plain.flow_from_directory("data/val", target_size=(64, 64), class_mode="binary")
model.fit(train, epochs=3, validation_data=val)  # expect: KC403
""",
    "both generators raw": """
augment = ImageDataGenerator(rotation_range=20, horizontal_flip=True)
train = augment.flow_from_directory("data/train", target_size=(64, 64), class_mode="binary")
val = ImageDataGenerator().flow_from_directory("data/val", target_size=(64, 64), class_mode="binary")
model.fit(train, epochs=3, validation_data=val)  # expect: KC401
""",
    "both rescaled": """
scaled = ImageDataGenerator(rescale=1 / 255.)
model.fit(scaled.flow_from_directory("data/train", class_mode="binary"),
          validation_data=scaled.flow_from_directory("data/val", class_mode="binary"))
""",
    "a preprocessing function on both": """
prepare = ImageDataGenerator(preprocessing_function=preprocess_input)
model.fit(prepare.flow_from_directory("data/train", class_mode="binary"),
          validation_data=prepare.flow_from_directory("data/val", class_mode="binary"))
""",
    "options passed on, or given by position": """
settings = dict(rescale=1 / 255)
model.fit(ImageDataGenerator(**settings).flow_from_directory("data/train", class_mode="binary"),
          validation_data=ImageDataGenerator(True).flow_from_directory("data/val"))
""",
    "a generator the file does not make": """
from loaders import make_generator
model.fit(make_generator().flow_from_directory("data/train", class_mode="binary"),
          validation_data=ImageDataGenerator(rescale=1 / 255).flow_from_directory("data/val"))
""",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_generators_are_judged_by_what_scales_them(name):
    code = MODEL + CASES[name]
    found = sorted((d.line, d.code) for d in lint(code) if d.code in ("KC401", "KC403"))
    assert found == sorted(expected_lines(code))


ARRAYS = """
from tensorflow import keras
from tensorflow.keras.preprocessing.image import ImageDataGenerator
(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
model = keras.Sequential([keras.Input(shape=(32, 32, 3)), keras.layers.Conv2D(8, 3, activation="relu"),
                          keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
"""

FLOWS = {
    "rescaled batches, raw validation arrays": """
augment = ImageDataGenerator(rescale=1. / 255, horizontal_flip=True)
model.fit(augment.flow(x_train, y_train, batch_size=32), validation_data=(x_test, y_test))  # expect: KC403
""",
    "batches of raw arrays": """
augment = ImageDataGenerator(horizontal_flip=True)
model.fit(augment.flow(x_train, y_train), validation_data=(x_test, y_test))  # expect: KC401
""",
    "rescaled batches, validation divided alike": """
augment = ImageDataGenerator(rescale=1 / 255)
model.fit(augment.flow(x_train, y_train), validation_data=(x_test / 255.0, y_test))
""",
    "a generator fit for its own statistics": """
augment = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
augment.fit(x_train)
model.fit(augment.flow(x_train, y_train), validation_data=augment.flow(x_test, y_test))
""",
}


@pytest.mark.parametrize("name", sorted(FLOWS))
def test_flows_of_arrays_carry_the_arrays_scale(name):
    code = ARRAYS + FLOWS[name]
    found = sorted((d.line, d.code) for d in lint(code) if d.code in ("KC401", "KC403"))
    assert found == sorted(expected_lines(code))
