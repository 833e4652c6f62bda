"""KC402 through scikit-learn's composites (a ColumnTransformer or Pipeline of scalers and
imputers fit on the whole table before the split) and through a project folder a script puts on
``sys.path`` itself (BUG_CORPUS.md, session of 2 December afternoon: libra). Small cases written
for this suite; lines are marked ``# expect: KCnnn`` and every other line must stay silent."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import expected_lines, lint

from kerascheck.engine import lint_file

TABLE = """
import pandas as pd
import tensorflow as tf
from sklearn.compose import ColumnTransformer, make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

frame = pd.read_csv("loans.csv")
target = frame.pop("paid")
numbers = ["income", "age"]
words = ["city"]
prepare = {prepare}
features = prepare.fit_transform(frame){mark}
x_train, x_test, y_train, y_test = train_test_split(features, target, test_size=0.2)
model = tf.keras.Sequential([tf.keras.layers.Dense(16, activation="relu"),
                             tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x_train, y_train, epochs=20, validation_data=(x_test, y_test))
"""


def assert_marked(code: str) -> None:
    found = sorted((d.line, d.code) for d in lint(code) if d.code == "KC402")
    assert found == sorted(expected_lines(code))


@pytest.mark.parametrize("prepare", [
    'ColumnTransformer([("num", StandardScaler(), numbers), ("cat", OneHotEncoder(), words)])',
    'ColumnTransformer(transformers=[("num", Pipeline([("fill", SimpleImputer()), '
    '("scale", StandardScaler())]), numbers), ("rest", "drop", words)])',
    "make_column_transformer((StandardScaler(), numbers), remainder='passthrough')",
    'Pipeline(steps=[("fill", SimpleImputer(strategy="median")), ("scale", StandardScaler())])',
    "make_pipeline(SimpleImputer(), StandardScaler())",
])
def test_a_composite_of_preprocessors_fit_before_the_split_leaks(prepare):
    assert_marked(TABLE.format(prepare=prepare, mark="  # expect: KC402"))


@pytest.mark.parametrize("prepare", [
    'ColumnTransformer([("cat", OneHotEncoder(), words)])',  # learns the categories only
    'ColumnTransformer([("num", scaler, numbers)])',  # a step the linter cannot read
    "ColumnTransformer(steps_from_config)",
    "make_pipeline(StandardScaler(), LogisticRegression())",  # a model, not a preprocessor
])
def test_composites_that_learn_no_statistics_or_are_unknown_are_silent(prepare):
    assert_marked(TABLE.format(prepare=prepare, mark=""))


def test_a_composite_fit_on_the_training_part_only_is_silent():
    code = TABLE.format(prepare='ColumnTransformer([("num", StandardScaler(), numbers)])',
                        mark="")
    code = code.replace("features = prepare.fit_transform(frame)\n", "").replace(
        "train_test_split(features, target", "train_test_split(frame, target").replace(
        "model.fit(x_train,", "x_train = prepare.fit_transform(x_train)\n"
        "x_test = prepare.transform(x_test)\nmodel.fit(x_train,")
    assert_marked(code)


BRANCHED = """
import pandas as pd
import tensorflow as tf
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder, StandardScaler

def prepare(frame):
    numbers = frame.select_dtypes("number").columns
    words = frame.select_dtypes(exclude="number").columns
    if len(words):
        pipeline = ColumnTransformer([("num", StandardScaler(), numbers),
                                      ("cat", OneHotEncoder(), words)])
    else:
        pipeline = {other}
    return pipeline.fit_transform(frame){mark}

features = prepare(pd.read_csv("loans.csv"))
x_train, x_test = train_test_split(features, test_size=0.2)
autoencoder = tf.keras.Sequential([tf.keras.layers.Dense(4, activation="relu"),
                                   tf.keras.layers.Dense(12)])
autoencoder.compile(optimizer="adam", loss="mse")
autoencoder.fit(x_train, x_train, epochs=20, validation_data=(x_test, x_test))
"""


def test_one_kind_of_composite_on_every_branch_is_followed():
    assert_marked(BRANCHED.format(other='ColumnTransformer([("num", StandardScaler(), numbers)])',
                                  mark="  # expect: KC402"))


def test_a_branch_with_another_preprocessor_leaves_it_unknown():
    assert_marked(BRANCHED.format(other="chosen_elsewhere()", mark=""))


PREPROCESSING = """\
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import StandardScaler


def scale_table(frame):
    pipeline = ColumnTransformer([("num", StandardScaler(), list(frame.columns))])
    return pipeline.fit_transform(frame)
"""
QUERY = """\
import sys
sys.path.insert(1, {folder})

import pandas as pd
import tensorflow as tf
from sklearn.model_selection import train_test_split
from table_prep import scale_table

features = scale_table(pd.read_csv("loans.csv"))
x_train, x_test = train_test_split(features, test_size=0.2)
autoencoder = tf.keras.Sequential([tf.keras.layers.Dense(4, activation="relu"),
                                   tf.keras.layers.Dense(12)])
autoencoder.compile(optimizer="adam", loss="mse")
autoencoder.fit(x_train, x_train, epochs=20, validation_data=(x_test, x_test))
"""


def _project(root: Path, folder: str, helper_at: str = "prep/table_prep.py") -> Path:
    (root / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    for name, text in ((helper_at, PREPROCESSING), ("queries/query.py",
                                                    QUERY.format(folder=folder))):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root / "queries" / "query.py"


@pytest.mark.parametrize("folder", ['"./prep"', "'prep'", '"../prep"'])
def test_a_folder_the_script_puts_on_sys_path_is_followed(tmp_path, folder):
    found = [(d.line, d.code, d.message) for d in lint_file(_project(tmp_path, folder)).diagnostics
             if d.code == "KC402"]
    assert [(line, code) for line, code, _ in found] == [(7, "KC402")]
    assert "prep/table_prep.py:7" in found[0][2]


@pytest.mark.parametrize("folder", ['"./elsewhere"', "folder_variable", '"/usr/lib/prep"'])
def test_other_or_unreadable_sys_path_entries_are_not_followed(tmp_path, folder):
    script = _project(tmp_path, folder)
    assert [d for d in lint_file(script).diagnostics if d.code == "KC402"] == []
