"""A file Python refuses keeps its KC000 and is checked on past it (kerascheck/source/
recovery.py): each statement Python refuses becomes an opaque call of the names it mentions.
Findings are kept on the lines as written, never with a fix; what the broken text may have
done (scaled the data, validated the model) keeps the rules that fire on absence silent."""

from __future__ import annotations

from conftest import lint

from kerascheck.source.parsing import python_parse_error
from kerascheck.source.recovery import OPAQUE, replace_statement, statement_lines


def codes(code: str) -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in lint(code)]


# a question pasted with its prose and the asker's placeholders
QUESTION = """\
My network does not learn, this is what I do:

# the arrays come from my own loader
features = .... # shape (900, 40)
classes = .... # shape (900,), values 0 to 3
onehot = keras.utils.to_categorical(classes, 4)
model = keras.Sequential([
    keras.layers.Dense(32, activation="relu", input_shape=(40,)),
    keras.layers.Dense(4, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(features, onehot, epochs=10, validation_split=0.2)
"""


def test_a_question_with_prose_and_placeholders_is_judged_past_them():
    diagnostics = lint(QUESTION)
    assert [(d.line, d.code) for d in diagnostics] == [(1, "KC000"), (11, "KC306")]
    assert all(d.fix is None for d in diagnostics)  # a fix would be computed on other text
    assert "SyntaxError" in diagnostics[0].message  # Python's own verdict, at its place


def test_without_the_broken_lines_the_same_finding_and_fix_appear():
    # the control: the question's code with the prose and placeholders taken out
    code = QUESTION.replace("My network does not learn, this is what I do:", "import keras") \
        .replace("....", "load()")
    diagnostics = lint(code)
    assert [(d.line, d.code) for d in diagnostics] == [(11, "KC306")]
    assert diagnostics[0].fix is not None


def test_a_training_call_that_does_not_parse_keeps_the_holdout_rules_silent():
    # the broken fit gives validation data: the model is handed to the opaque statement, so no
    # KC501 says it was trained without one
    code = """\
import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0
model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train epochs=5,
          validation_data=(x_test, y_test))
"""
    assert codes(code) == [(7, "KC000")]
    # the same fit, parsable and without validation data: KC501
    fixed = code.replace("y_train epochs=5,\n          validation_data=(x_test, y_test))",
                         "y_train, epochs=5)\n")
    assert codes(fixed) == [(7, "KC501")]


def test_scaling_that_does_not_parse_is_not_reported_missing():
    # ``x = x / 255.0)``: the data is assigned by the opaque statement, so nothing says it is raw
    code = """\
import keras
(x, y), (x_test, y_test) = keras.datasets.mnist.load_data()
x = x / 255.0)
model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, y, validation_data=(x_test / 255.0, y_test))
"""
    assert codes(code) == [(3, "KC000")]
    assert codes(code.replace("x = x / 255.0)", "x = x")) == [(7, "KC401")]


def test_the_findings_are_in_the_order_of_their_lines():
    code = """\
from keras.models import Sequential
from keras.layers import Dense
model = Sequential()
model.add(Dense(64, input_dim=8))
model.add(Dense(1, activation="sigmoid"))
model.fit(x, y epochs=3)
"""
    assert codes(code) == [(4, "KC201"), (6, "KC000")]


def test_a_finding_on_a_replaced_line_is_not_reported():
    # the linear hidden layer is on the broken line itself: what was checked is not its text
    code = """\
from keras.models import Sequential
from keras.layers import Dense
model = Sequential()
model.add(Dense(64, input_dim=8)))
model.add(Dense(1, activation="sigmoid"))
"""
    assert codes(code) == [(4, "KC000")]
    assert codes(code.replace(")))", "))")) == [(4, "KC201")]


def test_a_block_header_that_does_not_parse_keeps_its_block():
    # ``for`` without its colon: the loop's body is still read (under an opaque condition)
    code = """\
from keras.models import Sequential
from keras.layers import Dense
for width in (16, 32)
    model = Sequential()
    model.add(Dense(width, input_dim=8))
    model.add(Dense(1, activation="sigmoid"))
"""
    assert codes(code) == [(3, "KC000"), (5, "KC201")]


def test_python2_except_and_a_prose_line_at_the_wrong_indentation():
    code = """\
from keras.models import Sequential
from keras.layers import Dense
try:
    import h5py
except ImportError, error:
    h5py = None
model = Sequential()
    (then I add the layers)
model.add(Dense(64, input_dim=8))
model.add(Dense(1, activation="sigmoid"))
"""
    assert codes(code) == [(5, "KC000"), (9, "KC201")]


def test_a_header_whose_body_is_missing():
    code = """\
from keras.models import Sequential
from keras.layers import Dense
def build():
model = Sequential()
model.add(Dense(64, input_dim=8))
model.add(Dense(1, activation="sigmoid"))
"""
    assert codes(code) == [(4, "KC000"), (5, "KC201")]


def test_a_file_that_is_mostly_not_python_keeps_its_syntax_error_alone():
    prose = "".join(f"Step {n}: add a Dense layer to the keras model here\n" for n in range(12))
    assert codes(prose + "model.add(Dense(8))\n") == [(1, "KC000")]


def test_the_replacement_keeps_every_line_and_binds_the_assigned_names():
    text = "a = 1\nmodel.fit(x, y z,\n          epochs=3)\nb = 2\n"
    error = python_parse_error(text)
    assert statement_lines(text, error.lineno) == (2, 3)
    replaced, changed = replace_statement(text, error)
    assert changed == {2, 3}
    assert replaced.splitlines() == ["a = 1", f"{OPAQUE}(model, fit, x, y, z, epochs)", "",
                                     "b = 2"]
    assignment = "train = ....  # my data\n"
    assert replace_statement(assignment, python_parse_error(assignment))[0] == \
        f"train = {OPAQUE}(train, my, data)\n"


def test_a_notebook_cell_that_does_not_parse_is_left_out_whole():
    # Jupyter never runs such a cell: its other lines are not read on past the error
    from test_notebook import code as cell
    from test_notebook import lint_notebook_text, notebook, positions

    text = notebook(cell("from keras.models import Sequential\nfrom keras.layers import Dense"),
                    cell("model = Sequential()\nmodel.add(Dense(64, input_dim=8)))\n"
                         "model.add(Dense(64, input_dim=8))\nmodel.add(Dense(1))"))
    assert [(code, cell_index) for code, cell_index, _, _ in
            positions(lint_notebook_text(text))] == [("KC000", 2)]


def test_a_file_larger_than_any_script_is_not_read_on():
    from kerascheck.engine import MAX_RECOVERED_BYTES

    padding = "# " + "x" * 98 + "\n"
    code = ("from keras.models import Sequential\nfrom keras.layers import Dense\n"
            "model = Sequential()\nmodel.add(Dense(64, input_dim=8)))\n"
            "model.add(Dense(64, input_dim=8))\nmodel.add(Dense(1))\n")
    assert codes(code) == [(4, "KC000"), (5, "KC201")]
    assert codes(code + padding * (MAX_RECOVERED_BYTES // len(padding) + 1)) == [(4, "KC000")]


def test_old_mac_line_ends_are_lines_to_the_recovery_too():
    # a lone carriage return ends a line for Python (and for the tokenizer once it is told
    # so); a character Python refuses on the last such line once sent the recovery past the
    # end of its lines (found by the fuzz tests: an IndexError, reported as an internal error)
    from kerascheck.engine import lint_source

    source = "import tensorflow as tf\nfrom tensorflow import keras\n\U00018cd6\r"
    result = lint_source(source.encode(), "mac.py")
    assert result.errors == []
    assert [(d.line, d.code) for d in result.diagnostics] == [(3, "KC000")]
    text = "import keras\rmodel = keras.Sequential(\r    [keras.layers.Dense(4)])\r$ oops\r"
    replaced, changed = replace_statement(text, python_parse_error(text))
    assert changed == {4} and replaced.split("\r")[:3] == text.split("\r")[:3]
