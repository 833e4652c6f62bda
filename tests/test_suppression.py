"""``# noqa`` and ``# kerascheck: noqa``: every placement, and ``--add-noqa``."""

from __future__ import annotations

import json
import os
import stat
import textwrap

import pytest
from conftest import lint

from kerascheck.cli import main
from kerascheck.diagnostics import Diagnostic
from kerascheck.source.suppression import (
    add_noqa_to_source,
    parse_file_noqa,
    parse_noqa,
    statement_first_lines,
)

HEADER = "import tensorflow as tf\n"


def _lines(code: str) -> list[int]:
    return [d.line for d in lint(HEADER + textwrap.dedent(code), select=("KC201",))]


# Each case: the code after the import line, and whether the KC201 finding (on the line of
# `Dense(10...` ) is still reported.
PLACEMENTS = {
    "no comment": ("""
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            tf.keras.layers.Dense(10),
            tf.keras.layers.Dense(1),
        ])
        """, True),
    "list element, code": ("""
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            tf.keras.layers.Dense(10),  # noqa: KC201
            tf.keras.layers.Dense(1),
        ])
        """, False),
    "list element, bare": ("""
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            tf.keras.layers.Dense(10),  # NOQA
            tf.keras.layers.Dense(1),
        ])
        """, False),
    "list element, other code": ("""
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            tf.keras.layers.Dense(10),  # noqa: KC301
            tf.keras.layers.Dense(1),
        ])
        """, True),
    "several codes, commas": ("""
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            tf.keras.layers.Dense(10),  # noqa: KC301, KC201
            tf.keras.layers.Dense(1),
        ])
        """, False),
    "several codes, spaces, no space after colon": ("""
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            tf.keras.layers.Dense(10),  # noqa:KC301 KC201
            tf.keras.layers.Dense(1),
        ])
        """, False),
    "another tool's code beside ours": ("""
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            tf.keras.layers.Dense(10),  # noqa: E501, KC201
            tf.keras.layers.Dense(1),
        ])
        """, False),
    "only another tool's code": ("""
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            tf.keras.layers.Dense(10),  # noqa: E501
            tf.keras.layers.Dense(1),
        ])
        """, True),
    "a prefix is not a code": ("""
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            tf.keras.layers.Dense(10),  # noqa: KC2
            tf.keras.layers.Dense(1),
        ])
        """, True),
    "noqa colon without a code": ("""
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            tf.keras.layers.Dense(10),  # noqa:
            tf.keras.layers.Dense(1),
        ])
        """, True),
    "after another trailing comment": ("""
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            tf.keras.layers.Dense(10),  # linear on purpose  # noqa: KC201
            tf.keras.layers.Dense(1),
        ])
        """, False),
    "noqa inside a string is not a comment": ("""
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            tf.keras.layers.Dense(10, name="# noqa"),
            tf.keras.layers.Dense(1),
        ])
        """, True),
    "first line of the statement": ("""
        model = tf.keras.Sequential([  # noqa: KC201
            tf.keras.Input(shape=(2,)),
            tf.keras.layers.Dense(10),
            tf.keras.layers.Dense(1),
        ])
        """, False),
    "another line of the statement": ("""
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),  # noqa: KC201
            tf.keras.layers.Dense(10),
            tf.keras.layers.Dense(1),
        ])
        """, True),
    "last line of the statement": ("""
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            tf.keras.layers.Dense(10),
            tf.keras.layers.Dense(1),
        ])  # noqa: KC201
        """, True),
    "multi-line call, on its first line": ("""
        model = tf.keras.Sequential()
        model.add(tf.keras.Input(shape=(2,)))
        model.add(tf.keras.layers.Dense(10,  # noqa: KC201
                                        name="hidden"))
        model.add(tf.keras.layers.Dense(1))
        """, False),
    "multi-line call, on an argument line": ("""
        model = tf.keras.Sequential()
        model.add(tf.keras.Input(shape=(2,)))
        model.add(tf.keras.layers.Dense(10,
                                        name="hidden"))  # noqa: KC201
        model.add(tf.keras.layers.Dense(1))
        """, True),
    "multi-line add, on the statement's first line": ("""
        model = tf.keras.Sequential()
        model.add(tf.keras.Input(shape=(2,)))
        model.add(  # noqa: KC201
            tf.keras.layers.Dense(10)
        )
        model.add(tf.keras.layers.Dense(1))
        """, False),
    "functional call": ("""
        inputs = tf.keras.Input(shape=(2,))
        hidden = tf.keras.layers.Dense(10)(inputs)  # noqa: KC201
        outputs = tf.keras.layers.Dense(1)(hidden)
        model = tf.keras.Model(inputs, outputs)
        """, False),
    "decorator line does not reach into the body": ("""
        import functools

        @functools.lru_cache()  # noqa: KC201
        def build():
            return tf.keras.Sequential([
                tf.keras.Input(shape=(2,)),
                tf.keras.layers.Dense(10),
                tf.keras.layers.Dense(1),
            ])

        model = build()
        """, True),
    "statement inside a decorated function": ("""
        import functools

        @functools.lru_cache()
        def build():
            return tf.keras.Sequential([  # noqa: KC201
                tf.keras.Input(shape=(2,)),
                tf.keras.layers.Dense(10),
                tf.keras.layers.Dense(1),
            ])

        model = build()
        """, False),
    "with header does not reach into the body": ("""
        with tf.device("/cpu:0"):  # noqa: KC201
            model = tf.keras.Sequential([
                tf.keras.Input(shape=(2,)),
                tf.keras.layers.Dense(10),
                tf.keras.layers.Dense(1),
            ])
        """, True),
    "file level, code": ("""
        # kerascheck: noqa: KC201
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            tf.keras.layers.Dense(10),
            tf.keras.layers.Dense(1),
        ])
        """, False),
    "file level, bare, at the end": ("""
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            tf.keras.layers.Dense(10),
            tf.keras.layers.Dense(1),
        ])
        # kerascheck: noqa
        """, False),
    "file level, other code": ("""
        # kerascheck: noqa: KC301
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            tf.keras.layers.Dense(10),
            tf.keras.layers.Dense(1),
        ])
        """, True),
    "file level must stand on its own line": ("""
        x = 1  # kerascheck: noqa
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            tf.keras.layers.Dense(10),
            tf.keras.layers.Dense(1),
        ])
        """, True),
}


@pytest.mark.parametrize("name", list(PLACEMENTS))
def test_suppression_placement(name):
    code, reported = PLACEMENTS[name]
    lines = _lines(code)
    if reported:
        assert len(lines) == 1, lines
        full = (HEADER + textwrap.dedent(code)).splitlines()
        assert "Dense(10" in full[lines[0] - 1]
    else:
        assert lines == []


@pytest.mark.parametrize(("comment", "codes"), [
    ("# noqa", frozenset()),
    ("#noqa:KC201", {"KC201"}),
    ("# NoQA: kc201, KC301", {"KC201", "KC301"}),
    ("# noqa: KC201 because the layer is linear on purpose", {"KC201"}),
    ("# noqa:", None),
    ("# noqa-ish", None),
    ("# type: ignore  # noqa: KC201", {"KC201"}),
    ("# nothing here", None),
])
def test_parse_noqa(comment, codes):
    parsed = parse_noqa(comment)
    assert (parsed if parsed is None else set(parsed)) == (codes if codes is None
                                                           else set(codes))


def test_parse_file_noqa():
    assert parse_file_noqa("# kerascheck: noqa") == frozenset()
    assert parse_file_noqa("#kerascheck:noqa:KC201,KC301") == {"KC201", "KC301"}
    assert parse_file_noqa("# kerascheck: noqa:") is None
    assert parse_file_noqa("# noqa") is None


def test_statement_first_lines_cover_headers_but_not_bodies():
    text = textwrap.dedent("""\
        @decorator(
            arg)
        def build(
                units=3):
            x = f(1,
                  2)
            return x
        """)
    starts = statement_first_lines(text)
    assert [starts[line] for line in range(1, 8)] == [1, 1, 1, 1, 5, 5, 7]


# -- --add-noqa -----------------------------------------------------------------------------

BAD = HEADER + textwrap.dedent("""\
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(2,)),
        tf.keras.layers.Dense(10), tf.keras.layers.Dense(6), tf.keras.layers.ReLU(),  # hidden
        tf.keras.layers.Dense(8, activation=None),  # noqa: E501
        tf.keras.layers.Dense(1),
    ])
    """)


def _diagnostic(line: int, code: str = "KC201") -> Diagnostic:
    return Diagnostic(path="x.py", line=line, column=1, code=code, name="n", message="m")


def test_add_noqa_keeps_comments_merges_codes_and_is_idempotent():
    diagnostics = lint(BAD, select=("KC201",))
    assert [d.line for d in diagnostics] == [4, 5]
    text, added = add_noqa_to_source(BAD, diagnostics)
    assert added == 2
    assert "tf.keras.layers.ReLU(),  # hidden  # noqa: KC201\n" in text
    assert "activation=None),  # noqa: E501, KC201\n" in text
    assert lint(text, select=("KC201",)) == []
    # the same findings again: nothing is duplicated
    again, added_again = add_noqa_to_source(text, diagnostics)
    assert (again, added_again) == (text, 0)


def test_add_noqa_uses_the_statement_line_when_the_line_ends_in_a_string():
    text = 'model = build(\n    """doc\n    more""", Dense(10))\n'
    new, added = add_noqa_to_source(text, [_diagnostic(2)])
    assert added == 1
    assert new.splitlines()[0] == "model = build(  # noqa: KC201"
    # a finding on a backslash-continued line of a one-line statement cannot be annotated
    continued = "x = f(1) + \\\n    g(2)\n"
    assert add_noqa_to_source(continued, [_diagnostic(1)]) == (continued, 0)


def test_add_noqa_cli_writes_atomically_keeping_bytes_mode_and_line_endings(
        tmp_path, monkeypatch, capsys):
    source = BAD.replace("\n", "\r\n").replace("import tensorflow as tf",
                                               "# -*- coding: latin-1 -*-\r\n"
                                               "import tensorflow as tf  # caf\xe9")
    path = tmp_path / "model.py"
    path.write_bytes(source.encode("latin-1"))
    path.chmod(0o640)
    monkeypatch.chdir(tmp_path)
    assert main(["--add-noqa", "model.py"]) == 0
    assert "Added 2 noqa directives." in capsys.readouterr().out
    written = path.read_bytes()
    assert written.decode("latin-1").count("\r\n") == source.count("\r\n")
    assert "caf\xe9".encode("latin-1") in written
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert not list(tmp_path.glob("*.tmp"))  # no temporary file left behind
    assert main(["model.py"]) == 0
    capsys.readouterr()
    assert main(["--add-noqa", "model.py"]) == 0
    assert "Added 0 noqa directives." in capsys.readouterr().out
    assert path.read_bytes() == written


def test_add_noqa_writes_into_a_notebook_cell(tmp_path, monkeypatch, capsys):
    cell = "import tensorflow as tf\nmodel = tf.keras.Sequential([tf.keras.Input(shape=(2,)), " \
           "tf.keras.layers.Dense(10), tf.keras.layers.Dense(1)])\n"
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                "cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                           "execution_count": None, "source": cell}]}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(notebook))
    monkeypatch.chdir(tmp_path)
    assert main(["--add-noqa", "nb.ipynb"]) == 0
    assert capsys.readouterr().out == "Added 1 noqa directive.\n"
    notebook["cells"][0]["source"] = cell.replace("Dense(1)])\n", "Dense(1)])  # noqa: KC201\n")
    assert path.read_text() == json.dumps(notebook)  # the file's own layout kept


def test_add_noqa_leaves_a_file_alone_when_the_result_would_not_parse():
    # a synthetic finding on a line that cannot take a comment, in a statement that starts on
    # that line: nothing is written rather than breaking the code
    text = 's = """a\nb"""\n'
    assert add_noqa_to_source(text, [_diagnostic(1)]) == (text, 0)
