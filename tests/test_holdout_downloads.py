"""Image folders filled from one download (KC505, analysis/archives.py): a notebook that
downloads the training archive a second time under the validation archive's name, extracts
both and reads the two folders. Notebooks written for this suite."""

from __future__ import annotations

import json

import pytest

from kerascheck.engine import lint_source
from kerascheck.source.notebook import mask_ipython

TRAIN_URL = "https://example.org/datasets/leaves-train.zip"
VALID_URL = "https://example.org/datasets/leaves-valid.zip"


def notebook(*cells: str) -> bytes:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5,
                       "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
                       "cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                                  "execution_count": None, "source": cell}
                                 for cell in cells]}).encode()


def holdout_findings(*cells: str):
    result = lint_source(notebook(*cells), "leaves.ipynb")
    assert not result.errors, result.errors
    return [(d.code, d.cell, d.line) for d in result.diagnostics if d.code.startswith("KC5")]


def downloads(second_url: str, flags: str = "-q") -> str:
    return (f"!wget {flags} {TRAIN_URL} -O /tmp/leaves.zip\n"
            f"!wget {flags} \\\n    {second_url} \\\n    -O /tmp/leaves-valid.zip\n")


EXTRACT = """import zipfile
zip_ref = zipfile.ZipFile("/tmp/leaves.zip", "r")
zip_ref.extractall("/tmp/leaves")
zip_ref.close()
zip_ref = zipfile.ZipFile("/tmp/leaves-valid.zip", "r")
zip_ref.extractall("/tmp/leaves-valid")
zip_ref.close()
"""

TRAIN = """import tensorflow as tf
from tensorflow.keras.preprocessing.image import ImageDataGenerator
model = tf.keras.Sequential([
    tf.keras.layers.Conv2D(8, 3, activation="relu", input_shape=(64, 64, 3)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
train_flow = ImageDataGenerator(rescale=1 / 255, rotation_range=20).flow_from_directory(
    "/tmp/leaves/", target_size=(64, 64), class_mode="binary")
valid_flow = ImageDataGenerator(rescale=1 / 255{valid_options}).flow_from_directory(
    "/tmp/leaves-valid"{valid_arguments}, target_size=(64, 64), class_mode="binary")
model.fit(train_flow, epochs=5, validation_data=valid_flow)
"""


def test_the_validation_archive_is_a_second_download_of_the_training_archive():
    found = holdout_findings(downloads(TRAIN_URL), EXTRACT,
                             TRAIN.format(valid_options="", valid_arguments=""))
    assert found == [("KC505", 1, 2)]  # the second download, where the fix goes


def test_image_datasets_of_the_two_folders_are_judged_alike():
    reading = """import tensorflow as tf
train_ds = tf.keras.utils.image_dataset_from_directory("/tmp/leaves", image_size=(64, 64))
valid_ds = tf.keras.utils.image_dataset_from_directory("/tmp/leaves-valid", image_size=(64, 64))
model = tf.keras.Sequential([tf.keras.layers.Rescaling(1 / 255), tf.keras.layers.Flatten(),
                             tf.keras.layers.Dense(2, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_ds, validation_data=valid_ds, epochs=3)
"""
    assert holdout_findings(downloads(TRAIN_URL), EXTRACT, reading) == [("KC505", 1, 2)]


@pytest.mark.parametrize(("second_url", "flags", "valid_options", "valid_arguments"), [
    (VALID_URL, "-q", "", ""),  # the validation archive itself
    (TRAIN_URL, "-q", ", validation_split=0.2", ", subset='validation'"),  # part of the files
    (TRAIN_URL, "-q", "", ", classes=['oak']"),  # one class folder only
    ("$TRAIN_URL", "-q", "", ""),  # a URL the analysis cannot read
])
def test_other_archives_and_parts_of_a_folder_are_not_judged(second_url, flags, valid_options,
                                                             valid_arguments):
    cells = (downloads(second_url, flags), EXTRACT,
             TRAIN.format(valid_options=valid_options, valid_arguments=valid_arguments))
    assert holdout_findings(*cells) == []


@pytest.mark.parametrize("extraction", [
    # a folder filled by something the analysis cannot see, or by two archives
    EXTRACT.replace('zip_ref.extractall("/tmp/leaves-valid")', "zip_ref.extractall(folder)"),
    EXTRACT + 'zipfile.ZipFile("/tmp/other.zip").extractall("/tmp/leaves-valid")\n',
    EXTRACT.replace('zip_ref.extractall("/tmp/leaves-valid")',
                    'zip_ref.extractall("/tmp/leaves-valid", members=["a.png"])'),
])
def test_folders_the_analysis_cannot_follow_are_not_judged(extraction):
    assert holdout_findings(downloads(TRAIN_URL), extraction,
                            TRAIN.format(valid_options="", valid_arguments="")) == []


def test_a_download_keeps_its_command_on_the_masked_line():
    masked = mask_ipython(f"!wget -q \\\n    {TRAIN_URL} -O /tmp/a.zip\n!ls /tmp\nx = 1")
    assert masked.split("\n") == [f"pass  # shell: wget -q {TRAIN_URL} -O /tmp/a.zip", "",
                                  "pass", "x = 1"]


SHELL_EXTRACT = "!unzip -q /tmp/leaves.zip -d /tmp/leaves\n!unzip -qq /tmp/leaves-valid.zip -d /tmp/leaves-valid\n"


def test_archives_unpacked_by_shell_lines_are_followed_too():
    found = holdout_findings(downloads(TRAIN_URL), SHELL_EXTRACT,
                             TRAIN.format(valid_options="", valid_arguments=""))
    assert found == [("KC505", 1, 2)]


@pytest.mark.parametrize(("extraction", "change"), [
    # files put into the folders by commands the analysis does not read
    (SHELL_EXTRACT, "!cp -r /tmp/spare/* /tmp/leaves-valid/\n"),
    (SHELL_EXTRACT, "%%bash\nrm -rf /tmp/leaves-valid/oak\n"),
    (EXTRACT, "import shutil\nshutil.rmtree('/tmp/leaves-valid/oak')\n"),
    (EXTRACT, "import shutil\nshutil.move(spare, target)\n"),
    # unpacked into the working folder, or some members only
    ("!unzip -q /tmp/leaves.zip -d /tmp/leaves\n!unzip /tmp/leaves-valid.zip\n", ""),
    ("!unzip -q /tmp/leaves.zip -d /tmp/leaves\n"
     "!unzip /tmp/leaves-valid.zip 'oak/*' -d /tmp/leaves-valid\n", ""),
])
def test_folders_changed_by_what_the_analysis_cannot_read_are_not_judged(extraction, change):
    cells = [downloads(TRAIN_URL), extraction, TRAIN.format(valid_options="", valid_arguments="")]
    if change:
        cells.insert(2, change)
    assert holdout_findings(*cells) == []
