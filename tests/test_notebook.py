"""Jupyter notebooks: cells joined in order, IPython syntax masked, findings located by cell,
malformed notebooks reported (never a crash) and never written."""

from __future__ import annotations

import json

import pytest

from kerascheck.cli import main
from kerascheck.engine import lint_file, lint_source
from kerascheck.settings.config import Config
from kerascheck.source.notebook import mask_ipython
from kerascheck.workspace.paths import discover

HIDDEN_LINEAR = [
    "model = Sequential([\n",
    "    Input(shape=(2,)),\n",
    "    layers.Dense(10),\n",
    "    layers.Dense(1, activation='sigmoid'),\n",
    "])\n",
]


def code(source, count=None) -> dict:
    return {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": count,
            "source": source}


def markdown(source) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def notebook(*cells, metadata=None) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5,
                       "metadata": metadata if metadata is not None else {
                           "kernelspec": {"name": "python3", "language": "python"}},
                       "cells": list(cells)})


def lint_notebook_text(text: str, config: Config | None = None):
    result = lint_source(text.encode(), "nb.ipynb", config)
    assert not result.errors, result.errors
    return result.diagnostics


def positions(diagnostics):
    return [(d.code, d.cell, d.line, d.column) for d in diagnostics]


def test_imports_in_an_early_cell_resolve_later_cells_and_cells_count_markdown():
    text = notebook(
        markdown("# Training a classifier"),
        code("from tensorflow.keras import layers, Input, Sequential\n"),
        markdown(["Now the model:\n"]),
        code(HIDDEN_LINEAR),
    )
    found = lint_notebook_text(text)
    assert positions(found) == [("KC201", 4, 3, 5)]
    assert found[0].end_line == 3 and found[0].end_column == 5 + len("layers.Dense(10)")


def test_a_name_bound_in_an_earlier_cell_is_not_taken_for_keras():
    # Sequential and Dense are well-known Keras names only while they are unbound
    text = notebook(
        code("import tensorflow\n"
             "class Dense:\n    def __init__(self, units, activation=None): pass\n"),
        code("model = [Dense(10), Dense(1, activation='sigmoid')]\n"),
    )
    assert lint_notebook_text(text) == []


@pytest.mark.parametrize("ipython", [
    "%matplotlib inline",
    "!pip install tensorflow",
    "files = !ls data/",
    "elapsed = %timeit -o sum(range(10))",
    "layers.Dense?",
    "??layers.Dense",
    "%load_ext autoreload \\\n    --some-flag",
])
def test_ipython_lines_are_masked_and_positions_survive(ipython):
    text = notebook(
        code(["import tensorflow as tf\n", "from tensorflow.keras import layers, Input, "
              "Sequential\n", ipython + "\n"]),
        code([ipython + "\n", "if True:\n", "    " + ipython.split("\n")[0].rstrip(" \\")
              + "\n"] + HIDDEN_LINEAR),
    )
    found = lint_notebook_text(text)
    assert positions(found) == [("KC201", 2, 6 + ipython.count("\n"), 5)]


@pytest.mark.parametrize(("source", "masked"), [
    # a shell cell is not Python; the analysis is told one ran (it may change any file)
    ("%%bash\nls -la\nif [ x ]; then echo; fi", "pass  # shell: %%bash\n\n"),
    ("%%writefile helper.py\nimport os", "\n"),
    ("%%time\nx = 1\n%time y = 2", "\nx = 1\npass"),
    ("%%px --local\nx = 1\n%time y = 2", "\nx = 1\npass"),
    ("%%pxconfig --block\nx = 1", "\n"),
    ("total = (count\n         % modulus)", "total = (count\n         % modulus)"),
    ('text = """\n!not a shell line\n"""', 'text = """\n!not a shell line\n"""'),
    ("x = 'a # b'  # comment\n!ls", "x = 'a # b'  # comment\npass"),
    ("for i in range(3):\n    !echo $i", "for i in range(3):\n    pass"),
])
def test_mask_ipython(source, masked):
    assert mask_ipython(source) == masked


@pytest.mark.parametrize(("source", "masked"), [
    ("# Query the table\n\n%%bigquery df\nSELECT * FROM t", "\n\n\n"),
    ("# shell step\n%%bash\nls", "\npass  # shell: %%bash\n"),
    ("#@title Timed\n%%time\nx = 1", "#@title Timed\n\nx = 1"),
    # comments before Python that uses the modulus operator: Python, not a magic
    ("# ratio\nrest = total % 7", "# ratio\nrest = total % 7"),
])
def test_in_colab_a_cell_magic_may_follow_comments(source, masked):
    assert mask_ipython(source, magic_after_comments=True) == masked


def test_in_jupyter_a_cell_magic_after_a_comment_is_no_cell_magic():
    # IPython reads it as a line magic and the rest as Python: the cell fails there (KC000)
    source = "# download\n%%bash\nwget -q http://example.com/data.zip"
    assert mask_ipython(source) == "# download\npass\nwget -q http://example.com/data.zip"
    cells = [{"cell_type": "code", "source": "import keras"},
             {"cell_type": "code", "source": source}]
    jupyter = json.dumps({"metadata": {}, "nbformat": 4, "cells": cells})
    assert [d.code for d in lint_notebook_text(jupyter)] == ["KC000"]
    colab = json.dumps({"metadata": {"colab": {}}, "nbformat": 4, "cells": cells})
    assert lint_notebook_text(colab) == []


def test_a_time_cell_magic_body_is_linted():
    text = notebook(code("from tensorflow.keras import layers, Input, Sequential\n"),
                    code(["%%time\n"] + HIDDEN_LINEAR))
    assert positions(lint_notebook_text(text)) == [("KC201", 2, 4, 5)]


def test_a_px_cell_magic_body_is_linted():
    # ipyparallel's %%px runs its body as Python on the engines: the program of a cluster
    # notebook lives there, imports and model alike
    text = notebook(code("import ipyparallel\n"),
                    code("%%px --targets all\nfrom tensorflow.keras import layers, Input, "
                         "Sequential\n"),
                    code(["%%px\n"] + HIDDEN_LINEAR))
    assert positions(lint_notebook_text(text)) == [("KC201", 3, 4, 5)]


def test_source_as_one_string_and_nbformat_3():
    assert positions(lint_notebook_text(notebook(code(
        "from tensorflow.keras import layers, Input, Sequential\n" + "".join(HIDDEN_LINEAR)
    )))) == [("KC201", 1, 4, 5)]
    version3 = json.dumps({"nbformat": 3, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "code", "language": "python",
         "input": ["from tensorflow.keras import layers, Input, Sequential\n"]
         + HIDDEN_LINEAR}]}]})
    assert positions(lint_notebook_text(version3)) == [("KC201", 1, 4, 5)]


def test_a_syntax_error_is_reported_in_its_cell():
    text = notebook(code("import tensorflow as tf\n"),
                    markdown("text"),
                    code("x = 1\nmodel.add(Dense(activation='relu', 10))\n"))
    found = lint_notebook_text(text)
    assert [(d.code, d.cell, d.line) for d in found] == [("KC000", 3, 2)]


@pytest.mark.parametrize(("text", "message", "line"), [
    ('{"cells": [{"cell_type": "code", "source": "import keras"}', "invalid JSON", 1),
    ('{\n "cells": [\n  {"cell_type": "code" "source": "import keras"}]}', "invalid JSON", 3),
    ('["import keras"]', "not a JSON object", 1),
    ('{"metadata": {}, "note": "keras"}', "no 'cells' list", 1),
    ('{"cells": ["import keras"]}', "cell 1 is not a JSON object", 1),
    ('{"cells": [{"cell_type": "code", "source": {"keras": 1}}]}', "cell 1 has a 'source'", 1),
    (b'\xff\xfe{"keras"', "malformed notebook", 1),
])
def test_a_malformed_notebook_is_one_kc000_never_a_crash(text, message, line):
    raw = text if isinstance(text, bytes) else text.encode()
    result = lint_source(raw, "nb.ipynb")
    assert not result.errors
    [diagnostic] = result.diagnostics
    assert diagnostic.code == "KC000" and diagnostic.cell is None
    assert message in diagnostic.message and diagnostic.message.startswith("malformed notebook")
    assert diagnostic.line == line


def test_a_notebook_for_another_language_is_not_checked():
    text = notebook(code("library(keras)\nmodel <- keras_model_sequential()\n"),
                    metadata={"kernelspec": {"name": "ir", "language": "R"}})
    assert lint_source(text.encode(), "nb.ipynb").diagnostics == []


def test_noqa_works_in_cells():
    suppressed_line = HIDDEN_LINEAR[:2] + ["    layers.Dense(10),  # noqa: KC201\n"] + \
        HIDDEN_LINEAR[3:]
    imports = code("from tensorflow.keras import layers, Input, Sequential\n")
    assert lint_notebook_text(notebook(imports, code(suppressed_line))) == []
    file_level = code("# kerascheck: noqa: KC201\n")
    assert lint_notebook_text(notebook(file_level, imports, code(HIDDEN_LINEAR))) == []


def test_per_file_ignores_and_selection_apply_to_notebooks():
    text = notebook(code("from tensorflow.keras import layers, Input, Sequential\n"),
                    code(HIDDEN_LINEAR))
    config = Config(per_file_ignores=(("*.ipynb", ("KC201",)),))
    assert lint_notebook_text(text, config) == []


def test_notebooks_are_discovered_checkpoints_are_not_and_nothing_is_written(
        tmp_path, monkeypatch, capsys):
    text = notebook(code("from tensorflow.keras import layers, Input, Sequential\n"),
                    code(HIDDEN_LINEAR))
    path = tmp_path / "analysis" / "train.ipynb"
    path.parent.mkdir()
    path.write_text(text)
    checkpoint = tmp_path / "analysis" / ".ipynb_checkpoints" / "train-checkpoint.ipynb"
    checkpoint.parent.mkdir()
    checkpoint.write_text(text)
    before = path.read_bytes()
    mtime = path.stat().st_mtime_ns
    assert list(discover([str(tmp_path)])) == [str(path)]
    monkeypatch.chdir(tmp_path)
    assert main(["--output-format", "json", "."]) == 1
    [record] = json.loads(capsys.readouterr().out)
    assert (record["path"], record["cell"], record["line"], record["column"]) == (
        "analysis/train.ipynb", 2, 3, 5)
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime


def test_lint_file_reads_notebooks(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook(code("from tensorflow.keras import layers, Input, Sequential\n"),
                             code(HIDDEN_LINEAR)))
    assert positions(lint_file(path).diagnostics) == [("KC201", 2, 3, 5)]


# -- never a crash --------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st

_cell_text = st.lists(st.sampled_from(list("%!?ab =(){}[]'\"#\\\n\t:.") + ["keras", "%%"]),
                     max_size=40).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(_cell_text, max_size=4))
def test_masking_keeps_the_line_count_of_any_cell(cells):
    for source in cells:
        assert mask_ipython(source).count("\n") == source.count("\n")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(_cell_text, st.lists(_cell_text, max_size=3), st.integers(),
                          st.none()), max_size=4),
       st.sampled_from(["code", "markdown", "raw", None]))
def test_any_notebook_shaped_json_gives_diagnostics_never_an_exception(sources, cell_type):
    cells = [{"cell_type": cell_type, "source": source} for source in sources]
    text = json.dumps({"metadata": {}, "cells": cells, "keras": 1})
    result = lint_source(text.encode(), "nb.ipynb")
    assert not result.errors
    for diagnostic in result.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1
        assert diagnostic.code == "KC000" or diagnostic.cell is not None


def test_a_cell_that_does_not_parse_does_not_hide_the_other_cells():
    # cell 2 has an unterminated string; Jupyter would still run cells 1 and 3
    text = notebook(code("from tensorflow.keras import layers, Input, Sequential\n"),
                    code("path = 'data/train.csv\nprint(path)\n"),
                    markdown("the model"),
                    code(HIDDEN_LINEAR))
    found = lint_notebook_text(text)
    assert [(d.code, d.cell, d.line) for d in found] == [("KC000", 2, 1), ("KC201", 4, 3)]
    assert found[1].column == 5  # the lines after the blanked cell keep their place


def test_several_broken_cells_each_get_their_own_kc000():
    text = notebook(code("from tensorflow.keras import layers, Input, Sequential\n"),
                    code("for x in range(3)\n    print(x)\n"),
                    code(HIDDEN_LINEAR),
                    code("model.fit(x, y, epochs=3\n"))
    found = lint_notebook_text(text)
    assert [(d.code, d.cell) for d in found] == [("KC000", 2), ("KC201", 3), ("KC000", 4)]


def test_a_broken_cell_with_kc000_ignored_still_lets_the_rest_be_linted():
    text = notebook(code("from tensorflow.keras import layers, Input, Sequential\n"),
                    code("x = (1,\n"),
                    code(HIDDEN_LINEAR))
    found = lint_notebook_text(text, Config(ignore=("KC000",)))
    assert [(d.code, d.cell) for d in found] == [("KC201", 3)]


# -- a broken cell is read on past its error: what it did is not undone -------------------------

COMPILED_IN_A_BROKEN_CELL = (
    code("import numpy as np\nfrom tensorflow import keras\n"
         "x, y = np.load('x.npy'), np.load('y.npy')\n"
         "model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])\n"),
    code("model.compile(optimizer='adam', loss='mse')\nsteps = ### YOUR CODE HERE\n"),
    code("model.fit(x, y, validation_split=0.2)\nmodel.evaluate(x, y)\n"))


def test_a_compile_in_a_cell_with_an_exercise_blank_is_not_lost():
    found = lint_notebook_text(notebook(*COMPILED_IN_A_BROKEN_CELL))
    assert [(d.code, d.cell) for d in found if d.code in ("KC000", "KC504")] == [("KC000", 2)]


def test_a_cell_that_cannot_be_read_on_still_hands_its_names_over():
    # every line broken: the cell becomes one opaque call given `model`, not an empty cell
    cells = list(COMPILED_IN_A_BROKEN_CELL)
    cells[1] = code("model.compile(optimizer=\n???\n")
    found = lint_notebook_text(notebook(*cells))
    assert [d.code for d in found if d.code in ("KC000", "KC504")] == ["KC000"]


def test_a_fit_before_any_compile_is_still_reported_beside_a_broken_cell():
    cells = list(COMPILED_IN_A_BROKEN_CELL)
    cells[1] = code("steps = ### YOUR CODE HERE\n")
    found = lint_notebook_text(notebook(*cells))
    assert [(d.code, d.cell) for d in found if d.code in ("KC000", "KC504")] == [
        ("KC000", 2), ("KC504", 3)]
