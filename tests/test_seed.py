"""The seed document's Common Pitfalls and quiz snippets, verbatim where they are code.

Snippets that are fragments in the seed (a lone ``model.fit(...)`` line) are checked twice: on
their own, where the model and data are unknown and kerascheck must stay silent, and inside the
smallest realistic script that gives them meaning.
"""

from __future__ import annotations

import pytest
from conftest import lint

MODEL = """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Flatten(input_shape=(28, 28)),
                             tf.keras.layers.Dense(64, activation='relu'),
                             tf.keras.layers.Dense(10, activation='softmax')])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
"""


def codes(source: str) -> list[str]:
    return [d.code for d in lint(source)]


# -- Common Pitfall 1: no normalization --------------------------------------------------------

def test_pitfall_1_fragment_alone_is_unknown_and_silent():
    assert codes("import tensorflow as tf\nmodel.fit(raw_data, labels, epochs=10)\n") == []


def test_pitfall_1_wrong_approach_with_raw_pixels():
    source = MODEL + ("(raw_data, labels), _ = tf.keras.datasets.mnist.load_data()\n"
                      "model.fit(raw_data, labels, epochs=10)\n")
    found = [(d.code, d.line) for d in lint(source)]
    assert ("KC401", 8) in found


def test_pitfall_1_correct_approach():
    source = MODEL + ("(raw_data, labels), _ = tf.keras.datasets.mnist.load_data()\n"
                      "mean, std = raw_data.mean(), raw_data.std()\n"
                      "normalized_data = (raw_data - mean) / std\n"
                      "model.fit(normalized_data, labels, epochs=10)\n")
    assert "KC401" not in codes(source)


# -- Common Pitfall 2: linear hidden activation ------------------------------------------------

HIDDEN = """
import tensorflow as tf
model = tf.keras.Sequential([
    tf.keras.Input(shape=(4,)),
    {layer},
    tf.keras.layers.Dense(1, activation='sigmoid'),
])
"""


def test_pitfall_2_wrong_approach():
    diagnostics = lint(HIDDEN.format(layer="tf.keras.layers.Dense(10, activation='linear')"))
    assert [(d.code, d.line, d.column) for d in diagnostics] == [("KC201", 5, 5)]


def test_pitfall_2_correct_approach():
    assert codes(HIDDEN.format(layer="tf.keras.layers.Dense(10, activation='relu')")) == []


def test_pitfall_2_lone_layer_is_not_known_to_be_hidden():
    assert codes("import tensorflow as tf\ntf.keras.layers.Dense(10, activation='linear')\n") == []


# -- Common Pitfall 3: no train/test split -----------------------------------------------------

def test_pitfall_3_wrong_approach():
    source = MODEL + "model.fit(all_data, all_labels, epochs=20)\n"
    assert codes(source) == ["KC501"]


def test_pitfall_3_correct_approach_as_written():
    # The seed writes the evaluation as a bare ``evaluate(test_data, test_labels)``.
    source = MODEL + ("model.fit(train_data, train_labels, epochs=20)\n"
                      "evaluate(test_data, test_labels)\n")
    assert codes(source) == []


def test_pitfall_3_correct_approach_with_model_evaluate():
    source = MODEL + ("model.fit(train_data, train_labels, epochs=20)\n"
                      "model.evaluate(test_data, test_labels)\n")
    assert codes(source) == []


# -- Quiz 2: adding a Dense layer -------------------------------------------------------------

QUIZ_2 = "import tensorflow as tf\nmodel = tf.keras.Sequential()\n{option}\n"


def test_quiz_2_option_b_is_a_clear_syntax_error():
    diagnostics = lint(QUIZ_2.format(option="model.add(Dense(activation='relu', 10))"))
    assert len(diagnostics) == 1
    error = diagnostics[0]
    assert (error.code, error.line) == ("KC000", 3)
    assert "positional argument follows keyword argument" in error.message


def test_quiz_2_option_c_is_clean():
    assert codes(QUIZ_2.format(
        option="model.add(tf.keras.layers.Dense(10, activation='relu'))")) == []


@pytest.mark.parametrize("option", [
    "model.add(tf.keras.Dense(10, activation='relu'))",
    "model.add(tf.layers.Dense(activation='relu', units=10))",
])
def test_quiz_2_options_a_and_d_name_apis_that_do_not_exist(option):
    assert codes(QUIZ_2.format(option=option)) == ["KC601"]


# -- Quiz 3 and 4: input shapes ---------------------------------------------------------------

def test_quiz_3_is_clean():
    source = """
import tensorflow as tf
model = tf.keras.Sequential()
model.add(tf.keras.layers.Dense(5, input_shape=(3,), activation='relu'))
model.add(tf.keras.layers.Dense(2, activation='softmax'))
print(model.output_shape)
"""
    assert codes(source) == []


def test_quiz_4_missing_input_shape():
    source = """import tensorflow as tf
model = tf.keras.Sequential()
model.add(tf.keras.layers.Dense(10, activation='relu'))
model.compile(optimizer='adam', loss='mse')
model.summary()
model.fit(x_train, y_train, epochs=5)
"""
    # The quiz asks about the input shape; training with no held-out data is KC501 as well.
    assert [(d.code, d.line) for d in lint(source)] == [("KC101", 5), ("KC501", 6)]


# -- Quiz 5: a 3-class image classifier ---------------------------------------------------------

QUIZ_5 = """
import tensorflow as tf
model = tf.keras.Sequential([
  tf.keras.layers.Flatten(input_shape=(28,28)),
  tf.keras.layers.Dense(64, activation='relu'),
  tf.keras.layers.Dense(3, activation='{activation}')
])
model.compile(optimizer='adam', loss='{loss}', metrics=['accuracy'])
"""


def test_quiz_5_correct_setup_is_clean():
    assert codes(QUIZ_5.format(activation="softmax", loss="sparse_categorical_crossentropy")) == []


def test_quiz_5_option_b_sigmoid():
    diagnostics = lint(QUIZ_5.format(activation="sigmoid", loss="sparse_categorical_crossentropy"))
    assert [(d.code, d.line) for d in diagnostics] == [("KC301", 6)]


def test_quiz_5_option_c_mse():
    diagnostics = lint(QUIZ_5.format(activation="softmax", loss="mse"))
    assert [(d.code, d.line) for d in diagnostics] == [("KC302", 8)]
