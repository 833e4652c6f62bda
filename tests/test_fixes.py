"""Fixes, in the before -> after style of LibCST's codemod tests (``assertCodemod``).

Every case is also checked for idempotence: fixing the fixed text changes nothing and leaves
nothing fixable behind.
"""

from __future__ import annotations

import os
import re
import stat
import textwrap

import libcst as cst
import pytest

from kerascheck import fixes
from kerascheck.cli import main
from kerascheck.diagnostics import Diagnostic
from kerascheck.engine import lint_source
from kerascheck.fixing import fixer
from kerascheck.settings.config import Config


def assert_fix(before: str, after: str, *, unsafe: bool = True, select=("KC",)) -> None:
    """Fixing ``before`` gives exactly ``after``, and fixing again changes nothing."""
    before, after = textwrap.dedent(before), textwrap.dedent(after)
    config = Config(select=select)
    outcome = fixer.fix_source(before, "example.py", config, unsafe=unsafe)
    assert outcome.dropped == []
    assert outcome.source.decode() == after
    again = fixer.fix_source(outcome.source, "example.py", config, unsafe=unsafe)
    assert again.source == outcome.source and again.applied == []
    remaining = lint_source(outcome.source, "example.py", config).diagnostics
    assert not any(fixes.allowed(d.fix, unsafe) for d in remaining)
    # what --fix reports as remaining is what the engine reports for the fixed text
    assert [d.to_dict() for d in again.remaining] == [d.to_dict() for d in remaining]


def assert_no_fix(code: str, code_expected: str, select=("KC",)) -> None:
    """``code`` has the finding ``code_expected`` but no fix is offered for it."""
    diagnostics = lint_source(textwrap.dedent(code), "example.py", Config(select=select)).diagnostics
    found = [d for d in diagnostics if d.code == code_expected]
    assert found, diagnostics
    assert all(d.fix is None for d in found)


# -- KC201: add activation="relu" (unsafe) --------------------------------------------------------


def test_kc201_replaces_a_linear_activation_keeping_quotes_and_comment():
    assert_fix(
        """
        import tensorflow as tf
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            tf.keras.layers.Dense(10, activation='linear'),  # the hidden layer
            tf.keras.layers.Dense(1, activation='sigmoid'),
        ])
        """,
        """
        import tensorflow as tf
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            tf.keras.layers.Dense(10, activation='relu'),  # the hidden layer
            tf.keras.layers.Dense(1, activation='sigmoid'),
        ])
        """)


def test_kc201_adds_the_keyword_to_an_alias_call_in_its_layout():
    assert_fix(
        """
        from tensorflow.keras import Sequential
        from tensorflow.keras.layers import Dense as D, Input
        model = Sequential([
            Input(shape=(4,)),
            D(
                32,  # units
                kernel_initializer="he_normal",  # keep me here
            ),
            D(16,
              use_bias=True),
            D(8, None),
            D(1),
        ])
        """,
        """
        from tensorflow.keras import Sequential
        from tensorflow.keras.layers import Dense as D, Input
        model = Sequential([
            Input(shape=(4,)),
            D(
                32,  # units
                kernel_initializer="he_normal",  # keep me here
                activation="relu",
            ),
            D(16,
              use_bias=True,
              activation="relu"),
            D(8, "relu"),
            D(1),
        ])
        """)


def test_kc201_multi_line_call_without_trailing_comma_keeps_the_closing_comment():
    assert_fix(
        """
        import keras
        inputs = keras.Input(shape=(16,))
        x = keras.layers.Dense(
            32,
            name="hidden"  # the name
        )(inputs)
        outputs = keras.layers.Dense(1, activation="sigmoid")(x)
        model = keras.Model(inputs, outputs)
        """,
        """
        import keras
        inputs = keras.Input(shape=(16,))
        x = keras.layers.Dense(
            32,
            name="hidden",  # the name
            activation="relu"
        )(inputs)
        outputs = keras.layers.Dense(1, activation="sigmoid")(x)
        model = keras.Model(inputs, outputs)
        """)


def test_kc201_replaces_activation_none_and_keras_activations_linear():
    assert_fix(
        """
        import tf_keras as tfk
        model = tfk.Sequential([tfk.layers.Dense(8, input_dim=4, activation=tfk.activations.linear),
                                tfk.layers.Dense(8, activation=None),
                                tfk.layers.Dense(2, activation="softmax")])
        """,
        """
        import tf_keras as tfk
        model = tfk.Sequential([tfk.layers.Dense(8, input_dim=4, activation="relu"),
                                tfk.layers.Dense(8, activation="relu"),
                                tfk.layers.Dense(2, activation="softmax")])
        """)


def test_kc201_is_unsafe_so_plain_fix_leaves_it():
    code = textwrap.dedent("""
        import keras
        model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
        """)
    outcome = fixer.fix_source(code, "example.py", Config(), unsafe=False)
    assert outcome.source.decode() == code and outcome.applied == []


def test_kc201_never_rewrites_an_activation_passed_in_a_variable():
    # the function is called with 'linear' here, but a variable may carry other values
    # elsewhere: the fix must not overwrite it
    assert_no_fix(
        """
        import keras
        def build(act):
            return keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation=act),
                                     keras.layers.Dense(1)])
        model = build("linear")
        """, "KC201")


def test_no_fix_when_kwargs_may_already_carry_the_argument():
    call = cst.parse_expression("Dense(10, **options)")
    assert fixes.set_keyword(call, "activation", '"relu"', position=1,
                             applicability=fixes.UNSAFE) is None
    starred = cst.parse_expression("Dense(*args)")
    assert fixes.set_keyword(starred, "activation", '"relu"', position=1,
                             applicability=fixes.UNSAFE) is None


# -- KC301: sigmoid -> softmax (unsafe) -----------------------------------------------------------


def test_kc301_dense_sigmoid_becomes_softmax():
    assert_fix(
        """
        from tensorflow import keras
        model = keras.Sequential([
            keras.Input(shape=(20,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="sigmoid"),
        ])
        model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
        """,
        """
        from tensorflow import keras
        model = keras.Sequential([
            keras.Input(shape=(20,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ])
        model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
        """)


def test_kc301_activation_layer_gets_the_positional_argument_replaced():
    assert_fix(
        """
        from keras import layers, models
        model = models.Sequential([layers.Input(shape=(8,)), layers.Dense(3),
                                   layers.Activation('sigmoid')])
        model.compile(loss='sparse_categorical_crossentropy', optimizer='sgd')
        """,
        """
        from keras import layers, models
        model = models.Sequential([layers.Input(shape=(8,)), layers.Dense(3),
                                   layers.Activation('softmax')])
        model.compile(loss='sparse_categorical_crossentropy', optimizer='sgd')
        """)


# -- KC302: regression loss -> the cross-entropy the labels call for (unsafe) ----------------------


def test_kc302_one_hot_labels_get_categorical_crossentropy():
    assert_fix(
        """
        from tensorflow import keras
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        x_train, x_test = x_train / 255.0, x_test / 255.0
        y_train = keras.utils.to_categorical(y_train, 10)
        model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                                  keras.layers.Dense(10, activation='softmax')])
        model.compile(optimizer='adam', loss='mse', metrics=['accuracy'])
        model.fit(x_train, y_train, epochs=1, validation_split=0.1)
        """,
        """
        from tensorflow import keras
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        x_train, x_test = x_train / 255.0, x_test / 255.0
        y_train = keras.utils.to_categorical(y_train, 10)
        model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                                  keras.layers.Dense(10, activation='softmax')])
        model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
        model.fit(x_train, y_train, epochs=1, validation_split=0.1)
        """)


def test_kc302_integer_labels_get_sparse_categorical_crossentropy_for_a_loss_object():
    assert_fix(
        """
        import tensorflow as tf
        (x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
        x_train = x_train / 255.0
        model = tf.keras.Sequential([tf.keras.Input(shape=(28, 28)), tf.keras.layers.Flatten(),
                                     tf.keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss=tf.keras.losses.MeanSquaredError())
        model.fit(x_train, y_train, validation_split=0.1)
        """,
        """
        import tensorflow as tf
        (x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
        x_train = x_train / 255.0
        model = tf.keras.Sequential([tf.keras.Input(shape=(28, 28)), tf.keras.layers.Flatten(),
                                     tf.keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy())
        model.fit(x_train, y_train, validation_split=0.1)
        """, select=("KC302",))


def test_kc302_one_sigmoid_unit_on_class_labels_gets_binary_crossentropy():
    # (an accuracy metric alone is no longer classification evidence: the labels are)
    assert_fix(
        """
        import keras
        (x, y), _ = keras.datasets.imdb.load_data(num_words=4)
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile("adam", keras.losses.mse, metrics=["accuracy"])
        model.fit(x, y, validation_split=0.2)
        """,
        """
        import keras
        (x, y), _ = keras.datasets.imdb.load_data(num_words=4)
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile("adam", keras.losses.binary_crossentropy, metrics=["accuracy"])
        model.fit(x, y, validation_split=0.2)
        """)


def test_kc302_offers_no_fix_when_the_label_encoding_is_unknown():
    assert_no_fix(
        """
        import keras
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")])
        model.compile("adam", "mse", metrics=["accuracy"])
        model.fit(features, labels, validation_split=0.2)
        """, "KC302")


# -- KC501: add validation_split=0.2 (unsafe) -----------------------------------------------------


def test_kc501_adds_validation_split_to_a_multi_line_fit():
    assert_fix(
        """
        import tensorflow as tf
        model = tf.keras.Sequential([tf.keras.Input(shape=(20,)),
                                     tf.keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
        model.fit(
            all_data,
            all_labels,
            epochs=20,  # long enough
        )
        """,
        """
        import tensorflow as tf
        model = tf.keras.Sequential([tf.keras.Input(shape=(20,)),
                                     tf.keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
        model.fit(
            all_data,
            all_labels,
            epochs=20,  # long enough
            validation_split=0.2,
        )
        """)


def test_kc501_offers_no_fix_for_a_dataset_without_labels():
    assert_no_fix(
        """
        import tensorflow as tf
        model = tf.keras.Sequential([tf.keras.Input(shape=(20,)),
                                     tf.keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
        model.fit(train_dataset, epochs=3)
        """, "KC501")


# -- KC303, KC304, KC305, KC306: unsafe fixes of the catalog ----------------------------------------


def test_kc303_single_unit_softmax_becomes_sigmoid():
    assert_fix(
        """
        import keras
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(1, activation="softmax")])
        """,
        """
        import keras
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        """, select=("KC303",))


def test_kc304_binary_loss_with_one_hot_labels_becomes_categorical_keeping_the_class_spelling():
    assert_fix(
        """
        from tensorflow import keras
        (x_train, y_train), _ = keras.datasets.mnist.load_data()
        y_train = keras.utils.to_categorical(y_train, 10)
        model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                                  keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam",
                      loss=keras.losses.BinaryCrossentropy(),  # was binary
                      metrics=["accuracy"])
        model.fit(x_train, y_train, validation_split=0.1)
        """,
        """
        from tensorflow import keras
        (x_train, y_train), _ = keras.datasets.mnist.load_data()
        y_train = keras.utils.to_categorical(y_train, 10)
        model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                                  keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam",
                      loss=keras.losses.CategoricalCrossentropy(),  # was binary
                      metrics=["accuracy"])
        model.fit(x_train, y_train, validation_split=0.1)
        """, select=("KC304",))


def test_kc304_offers_no_fix_without_known_labels():
    assert_no_fix(
        """
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(5, activation="softmax")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
        """, "KC304")


def test_kc305_aligns_the_loss_with_the_output_both_ways():
    assert_fix(
        """
        import tensorflow as tf
        probabilities = tf.keras.Sequential([tf.keras.Input(shape=(20,)),
                                             tf.keras.layers.Dense(10, activation="softmax")])
        probabilities.compile(optimizer="adam",
                              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        logits = tf.keras.Sequential([tf.keras.Input(shape=(20,)), tf.keras.layers.Dense(10)])
        logits.compile(optimizer="adam", loss=tf.keras.losses.CategoricalCrossentropy(
            label_smoothing=0.1,
        ))
        """,
        """
        import tensorflow as tf
        probabilities = tf.keras.Sequential([tf.keras.Input(shape=(20,)),
                                             tf.keras.layers.Dense(10, activation="softmax")])
        probabilities.compile(optimizer="adam",
                              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=False))
        logits = tf.keras.Sequential([tf.keras.Input(shape=(20,)), tf.keras.layers.Dense(10)])
        logits.compile(optimizer="adam", loss=tf.keras.losses.CategoricalCrossentropy(
            label_smoothing=0.1,
            from_logits=True,
        ))
        """, select=("KC305",))


def test_kc305_offers_no_fix_for_a_string_loss_after_logits():
    assert_no_fix(
        """
        import tensorflow as tf
        model = tf.keras.Sequential([tf.keras.Input(shape=(10,)), tf.keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="binary_crossentropy")
        """, "KC305")


def test_kc306_switches_the_loss_to_the_labels_encoding():
    assert_fix(
        """
        from tensorflow import keras
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                                  keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss=keras.losses.categorical_crossentropy)
        model.fit(x_train, y_train, epochs=1, validation_data=(x_test, y_test))
        """,
        """
        from tensorflow import keras
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                                  keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss=keras.losses.sparse_categorical_crossentropy)
        model.fit(x_train, y_train, epochs=1, validation_data=(x_test, y_test))
        """, select=("KC306",))


# -- KC103, KC601, KC602: safe fixes, applied by plain --fix --------------------------------------


def test_kc103_integer_shapes_become_tuples():
    assert_fix(
        """
        from tensorflow import keras
        N = 784
        a = keras.Input(shape=784)
        b = keras.Input(shape=(N))  # named constant stays named
        model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(784)),
                                  keras.layers.Dense(1, activation="sigmoid")])
        """,
        """
        from tensorflow import keras
        N = 784
        a = keras.Input(shape=(784,))
        b = keras.Input(shape=(N,))  # named constant stays named
        model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(784,)),
                                  keras.layers.Dense(1, activation="sigmoid")])
        """, unsafe=False, select=("KC103",))



def test_kc103_integer_expressions_become_tuples():
    assert_fix(
        """
        from tensorflow import keras
        a = keras.Input(shape=(28 * 28))
        b = keras.layers.Dense(8, input_shape=x_train.shape[1])
        c = keras.layers.Dense(8, input_shape=len(columns))
        d = keras.Input(shape=x_train.shape[1:])
        """,
        """
        from tensorflow import keras
        a = keras.Input(shape=(28 * 28,))
        b = keras.layers.Dense(8, input_shape=(x_train.shape[1],))
        c = keras.layers.Dense(8, input_shape=(len(columns),))
        d = keras.Input(shape=x_train.shape[1:])
        """, unsafe=False, select=("KC103",))

def test_kc601_public_paths_for_imports_and_attributes():
    assert_fix(
        """
        import tensorflow as tf
        from keras.layers.core import Dense, Dropout
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(784,)),
            tf.keras.Dense(32, activation="relu"),  # quiz 2
            Dropout(0.2),
            Dense(10, activation="softmax"),
        ])
        """,
        """
        import tensorflow as tf
        from keras.layers import Dense, Dropout
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(784,)),
            tf.keras.layers.Dense(32, activation="relu"),  # quiz 2
            Dropout(0.2),
            Dense(10, activation="softmax"),
        ])
        """, unsafe=False, select=("KC601",))


def test_kc602_renames_removed_arguments_but_leaves_decay_to_a_human():
    before = """
        from tensorflow import keras
        opt = keras.optimizers.Adam(lr=0.001, decay=1e-6)
        model = keras.Sequential([keras.Input(shape=(4,)),
                                  keras.layers.Dense(output_dim=8, init="he_normal", activation="relu"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer=opt, loss="binary_crossentropy")
        model.fit(x, y, nb_epoch=10, validation_split=0.2)
        """
    assert_fix(before, """
        from tensorflow import keras
        opt = keras.optimizers.Adam(learning_rate=0.001, decay=1e-6)
        model = keras.Sequential([keras.Input(shape=(4,)),
                                  keras.layers.Dense(units=8, kernel_initializer="he_normal", activation="relu"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer=opt, loss="binary_crossentropy")
        model.fit(x, y, epochs=10, validation_split=0.2)
        """, unsafe=False, select=("KC602",))
    remaining = lint_source(fixer.fix_source(textwrap.dedent(before), "example.py",
                                             Config(select=("KC602",))).source,
                            "example.py", Config(select=("KC602",))).diagnostics
    assert [(d.code, d.fix) for d in remaining] == [("KC602", None)]  # decay=


# -- several findings, several rules, one pass -------------------------------------------------


def test_several_findings_in_one_file_are_fixed_together():
    assert_fix(
        """
        import tensorflow as tf
        from tensorflow.keras.layers import Dense as D

        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            D(16),  # first
            D(16, activation='linear'),  # second
            D(3, activation='sigmoid'),  # output
        ])
        model.compile(optimizer='adam', loss='categorical_crossentropy')
        model.fit(points, targets, epochs=5)
        """,
        """
        import tensorflow as tf
        from tensorflow.keras.layers import Dense as D

        model = tf.keras.Sequential([
            tf.keras.Input(shape=(2,)),
            D(16, activation='relu'),  # first
            D(16, activation='relu'),  # second
            D(3, activation='softmax'),  # output
        ])
        model.compile(optimizer='adam', loss='categorical_crossentropy')
        model.fit(points, targets, epochs=5, validation_split=0.2)
        """)


def test_a_fix_that_reveals_a_finding_is_followed_by_the_next_pass():
    # tf.keras.Dense is no layer Keras knows; once KC601 makes it tf.keras.layers.Dense, KC201
    # sees a hidden linear layer, and the next pass fixes that too
    assert_fix(
        """
        import tensorflow as tf
        model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.Dense(8),
                                     tf.keras.layers.Dense(1)])
        """,
        """
        import tensorflow as tf
        model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(8, activation="relu"),
                                     tf.keras.layers.Dense(1)])
        """)


def test_crlf_line_endings_and_the_encoding_survive():
    before = ("# -*- coding: latin-1 -*-\r\nimport keras\r\n# caf\xe9\r\n"
              "model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4),\r\n"
              "                          keras.layers.Dense(1)])\r\n").encode("latin-1")
    outcome = fixer.fix_source(before, "example.py", Config(), unsafe=True)
    assert outcome.source == before.replace(b"Dense(4)", b'Dense(4, activation="relu")')


def test_suppressed_and_unselected_findings_are_not_fixed():
    code = textwrap.dedent("""
        import keras
        model = keras.Sequential([keras.Input(shape=(3,)),
                                  keras.layers.Dense(4),  # noqa: KC201
                                  keras.layers.Dense(5), keras.layers.ReLU(),
                                  keras.layers.Dense(4, activation="linear"),
                                  keras.layers.Dense(1)])
        opt = keras.optimizers.SGD(lr=0.1)
        """)
    outcome = fixer.fix_source(code, "example.py", Config(select=("KC602",)), unsafe=True)
    assert outcome.source.decode() == code.replace("lr=", "learning_rate=")
    outcome = fixer.fix_source(code, "example.py", Config(ignore=("KC602",)), unsafe=True)
    assert outcome.source.decode() == code.replace('activation="linear"', 'activation="relu"')


# -- the applier: overlap, broken results, stale nodes ---------------------------------------------


def _diagnostic(line: int, fix: fixes.Fix) -> Diagnostic:
    return Diagnostic(path="example.py", line=line, column=1, code="KC999", name="test",
                      message="test", fix=fix)


def test_overlapping_fixes_one_pass_applies_the_first_only():
    module = cst.parse_module("model.fit(x, y, lr=0.1)\n")
    call = module.body[0].body[0].value
    whole = fixes.set_keyword(call, "epochs", "3", applicability=fixes.SAFE)
    inner = fixes.rename_keyword(call, "lr", "learning_rate")
    new_source, applied, dropped = fixer.apply_fixes(
        module, [_diagnostic(1, whole), _diagnostic(1, inner)])
    assert new_source == b"model.fit(x, y, lr=0.1, epochs=3)\n"
    assert [d.fix for d in applied] == [whole] and dropped == []


def test_a_fix_whose_result_would_not_parse_is_dropped_and_the_others_applied():
    module = cst.parse_module("f(10, name='a')\ng(units=1)\n")
    first_call = module.body[0].body[0].value
    second_call = module.body[1].body[0].value
    # a keyword argument named after a Python keyword: LibCST prints it, Python cannot read it
    breaking = fixes.rename_keyword(first_call, "name", "lambda")
    good = fixes.rename_keyword(second_call, "units", "size")
    new_source, applied, dropped = fixer.apply_fixes(
        module, [_diagnostic(1, breaking), _diagnostic(2, good)])
    assert new_source == b"f(10, name='a')\ng(size=1)\n"
    assert [d.fix for d in applied] == [good]
    assert [d.fix for d, _reason in dropped] == [breaking]
    assert "would not" in dropped[0][1]


def test_an_edit_that_raises_is_dropped():
    module = cst.parse_module("f(1)\n")
    call = module.body[0].body[0].value
    # LibCST refuses to build a positional argument after a keyword one
    refused = fixes.Fix("bad", fixes.SAFE, (fixes.Edit(call, lambda node: node.with_changes(
        args=[cst.Arg(cst.Integer("2"), keyword=cst.Name("a")), *node.args])),))
    new_source, applied, dropped = fixer.apply_fixes(module, [_diagnostic(1, refused)])
    assert new_source == b"f(1)\n" and applied == []
    assert [d.fix for d, _reason in dropped] == [refused]
    assert "CSTValidationError" in dropped[0][1]


def test_a_fix_for_nodes_of_another_module_is_not_applied():
    module = cst.parse_module("f(a=1)\n")
    other = cst.parse_module("f(a=1)\n").body[0].body[0].value
    stale = fixes.rename_keyword(other, "a", "b")
    assert fixer.apply_fixes(module, [_diagnostic(1, stale)]) == (b"f(a=1)\n", [], [])


def test_safe_helpers_rename_and_replace_keep_everything_else():
    module = cst.parse_module(
        "opt = Adam(lr=0.01)  # tuned\nlayer = Dense(64, input_shape=(784))\n")
    adam = module.body[0].body[0].value
    shape = module.body[1].body[0].value.args[1].value
    rename = fixes.rename_keyword(adam, "lr", "learning_rate")
    tuple_fix = fixes.replace_expression(shape, "(784,)", applicability=fixes.SAFE,
                                         message="Write the shape as a tuple")
    new_source, applied, _ = fixer.apply_fixes(module, [_diagnostic(1, rename),
                                                        _diagnostic(2, tuple_fix)])
    assert new_source == (b"opt = Adam(learning_rate=0.01)  # tuned\n"
                          b"layer = Dense(64, input_shape=(784,))\n")
    assert rename.applicability == "safe" and rename.message == "Rename `lr=` to `learning_rate=`"
    assert fixes.rename_keyword(cst.parse_expression("Adam(lr=1, learning_rate=2)"),
                                "lr", "learning_rate") is None


def test_fix_type_refuses_an_unknown_applicability():
    with pytest.raises(ValueError):
        fixes.Fix("x", "maybe", (fixes.Edit(cst.Name("x"), lambda node: node),))


# -- files on disk -------------------------------------------------------------------------------

BAD_MODEL = """\
import keras
model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
"""
FIXED_MODEL = BAD_MODEL.replace("Dense(4)", 'Dense(4, activation="relu")')


def test_fix_file_writes_atomically_and_keeps_permissions(tmp_path):
    target = tmp_path / "model.py"
    target.write_text(BAD_MODEL)
    target.chmod(0o640)
    result = fixer.fix_file(target, unsafe=True)
    assert target.read_text() == FIXED_MODEL
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert result.fixed == 1 and result.written and result.diagnostics == []
    assert sorted(os.listdir(tmp_path)) == ["model.py"]  # no temporary file left behind


def test_fix_file_through_a_symlink_keeps_the_link(tmp_path):
    real = tmp_path / "real.py"
    real.write_text(BAD_MODEL)
    link = tmp_path / "link.py"
    link.symlink_to(real)
    fixer.fix_file(link, unsafe=True)
    assert link.is_symlink() and real.read_text() == FIXED_MODEL


def test_write_atomically_refuses_a_file_changed_meanwhile(tmp_path):
    target = tmp_path / "model.py"
    target.write_text("changed by an editor\n")
    assert fixer.write_atomically(target, b"new\n", expected=b"old\n") is False
    assert target.read_text() == "changed by an editor\n"
    assert sorted(os.listdir(tmp_path)) == ["model.py"]


def test_notebooks_are_never_written(tmp_path):
    notebook = tmp_path / "model.ipynb"
    content = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    notebook.write_text(content)
    result = fixer.fix_file(notebook, unsafe=True)
    assert notebook.read_text() == content and not result.written and result.fixed == 0


# -- the command line ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _private_result_cache(tmp_path_factory, monkeypatch):
    """The CLI's result cache goes to a temporary folder, not the working directory."""
    monkeypatch.setenv("KERASCHECK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def test_cli_fixes_many_files_through_the_pool_and_a_warm_cache(tmp_path, capsys):
    paths = []
    for index in range(20):  # above the runner's pool threshold
        path = tmp_path / f"model_{index:02}.py"
        path.write_text(BAD_MODEL if index % 2 == 0 else FIXED_MODEL)
        paths.append(path)
    assert main(["check", "--jobs", "2", str(tmp_path)]) == 1  # warms the cache
    capsys.readouterr()
    assert main(["check", "--diff", "--unsafe-fixes", "--jobs", "2", str(tmp_path)]) == 1
    assert capsys.readouterr().out.count("+++ ") == 10  # cached findings still lead to fixes
    assert main(["check", "--fix", "--unsafe-fixes", "--jobs", "2", str(tmp_path)]) == 0
    assert "Fixed 10 problems (0 remaining)." in capsys.readouterr().out
    assert all(path.read_text() == FIXED_MODEL for path in paths)


def test_cli_fix_applies_unsafe_fixes_only_when_asked(tmp_path, capsys):
    target = tmp_path / "model.py"
    target.write_text(BAD_MODEL)
    assert main(["check", "--fix", str(target)]) == 1
    assert target.read_text() == BAD_MODEL
    assert "Fixed 0 problems (1 remaining; 1 more fixable with --unsafe-fixes)." in \
        capsys.readouterr().out
    assert main(["check", "--fix", "--unsafe-fixes", str(target)]) == 0
    assert target.read_text() == FIXED_MODEL
    assert "Fixed 1 problem (0 remaining)." in capsys.readouterr().out
    assert main(["check", "--fix", "--unsafe-fixes", str(target)]) == 0  # nothing left to do
    assert target.read_text() == FIXED_MODEL


def test_cli_diff_prints_a_unified_diff_and_writes_nothing(tmp_path, capsys):
    target = tmp_path / "model.py"
    target.write_text(BAD_MODEL)
    before = target.stat().st_mtime_ns
    assert main(["check", "--diff", "--unsafe-fixes", str(target)]) == 1
    output = capsys.readouterr()
    assert target.read_text() == BAD_MODEL and target.stat().st_mtime_ns == before
    assert output.out.splitlines()[:2] == [f"--- {target}", f"+++ {target}"]
    assert '+model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, ' \
           'activation="relu"), keras.layers.Dense(1)])' in output.out.splitlines()
    assert "Would fix 1 problem (0 remaining)." in output.err


def test_cli_exit_non_zero_on_fix(tmp_path, capsys):
    target = tmp_path / "model.py"
    target.write_text(BAD_MODEL)
    assert main(["check", "--fix", "--unsafe-fixes", "--exit-non-zero-on-fix", str(target)]) == 1
    assert target.read_text() == FIXED_MODEL
    assert main(["check", "--fix", "--unsafe-fixes", "--exit-non-zero-on-fix", str(target)]) == 0


def test_cli_fix_reports_what_remains_as_json(tmp_path, capsys):
    import json

    target = tmp_path / "model.py"
    target.write_text(BAD_MODEL)
    assert main(["check", "--fix", "--output-format", "json", str(target)]) == 1
    output = capsys.readouterr()
    remaining = json.loads(output.out)
    assert [d["code"] for d in remaining] == ["KC201"]
    assert remaining[0]["fix"] == {
        "applicability": "unsafe", "message": 'Add `activation="relu"`',
        "edits": [{"line": 2, "column": 52, "end_line": 2, "end_column": 73,
                   "new_text": 'keras.layers.Dense(4, activation="relu")'}]}
    assert "Fixed 0 problems" in output.err


def test_a_diagnostic_with_a_fix_crosses_a_process_boundary_detached():
    import pickle

    diagnostics = lint_source(BAD_MODEL, "model.py", Config()).diagnostics
    copy = pickle.loads(pickle.dumps(diagnostics))
    assert copy[0].to_dict() == diagnostics[0].to_dict()
    assert copy[0].fix.detached and not diagnostics[0].fix.detached
    module = cst.parse_module(BAD_MODEL)
    assert fixer.apply_fixes(module, copy) == (BAD_MODEL.encode(), [], [])


# -- every rule's own examples -------------------------------------------------------------------

from kerascheck.rules import all_rules  # noqa: E402

RULES = [rule for rule in all_rules() if rule.code != "KC000"]


def _invalid_cases():
    for rule in RULES:
        for index, code in enumerate(rule.invalid):
            yield pytest.param(rule, textwrap.dedent(code), id=f"{rule.code}-invalid-{index}")


@pytest.mark.parametrize(("rule", "code"), list(_invalid_cases()))
def test_fixing_a_rule_example_parses_is_idempotent_and_removes_the_fixed_findings(rule, code):
    config = Config(select=(rule.code,))
    findings = lint_source(code, "example.py", config).diagnostics
    for diagnostic in findings:
        if rule.fix_applicability is None:
            assert diagnostic.fix is None, f"{rule.code} declares no fix but offers one"
        elif diagnostic.fix is not None:
            assert diagnostic.fix.applicability == rule.fix_applicability
    outcome = fixer.fix_source(code, "example.py", config, unsafe=True)
    assert outcome.dropped == []
    assert len(outcome.applied) == sum(d.fix is not None for d in findings)
    compile(outcome.source, "example.py", "exec")
    again = fixer.fix_source(outcome.source, "example.py", config, unsafe=True)
    assert again.source == outcome.source and again.applied == []
    remaining = lint_source(outcome.source, "example.py", config).diagnostics
    assert len(remaining) == len(findings) - len(outcome.applied)
    assert [d.to_dict() for d in outcome.remaining] == [d.to_dict() for d in remaining]


@pytest.mark.parametrize("rule", [r for r in RULES if r.fix_applicability], ids=lambda r: r.code)
def test_a_rule_that_declares_a_fix_offers_it_on_one_of_its_examples(rule):
    config = Config(select=(rule.code,))
    examples = [rule.example_code(), *(textwrap.dedent(code) for code in rule.invalid)]
    assert any(d.fix is not None for code in examples
               for d in lint_source(code, "example.py", config).diagnostics)


# -- safe fixes, run: code Keras refused now builds ----------------------------------------------

SAFE_FIX_SNIPPETS = {
    "KC103": """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input(shape=(4)), tf.keras.layers.Dense(2)])
""",
    "KC601": """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.Dense(2)])
""",
    "KC602": """
import tensorflow as tf
optimizer = tf.keras.optimizers.Adam(lr=0.01)
model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(2)])
model.compile(optimizer=optimizer, loss="mse")
""",
}


@pytest.mark.runtime
@pytest.mark.parametrize("code", sorted(SAFE_FIX_SNIPPETS))
def test_a_safe_fix_turns_code_keras_refuses_into_code_that_runs(code):
    snippet = SAFE_FIX_SNIPPETS[code]
    with pytest.raises((ValueError, TypeError, AttributeError)):
        exec(compile(snippet, "bad.py", "exec"), {})
    outcome = fixer.fix_source(snippet, "example.py", Config(select=(code,)), unsafe=False)
    assert [d.code for d in outcome.applied] == [code]
    namespace: dict = {}
    exec(compile(outcome.source, "fixed.py", "exec"), namespace)
    assert namespace["model"].count_params() == 10


# -- any layout of the call: the appended keyword parses, keeps every comment, fixes once -----------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st

_ARGUMENTS = ["64", "input_shape=(10,)", "name='hidden'", "use_bias=True", "**{}"]
_SEPARATORS = [", ", ",", ",\n    ", ",  # note\n    ", ",\n\n    ", ",\n             "]
_OPENINGS = ["(", "(\n    ", "(  # open\n    "]
_CLOSINGS = ["", ",", "\n", ",\n", "  # last\n", ",  # last\n", ", "]


@settings(max_examples=100, deadline=None)
@given(arguments=st.lists(st.sampled_from(_ARGUMENTS[:4]), min_size=1, max_size=4, unique=True),
       separators=st.lists(st.sampled_from(_SEPARATORS), min_size=3, max_size=3),
       opening=st.sampled_from(_OPENINGS), closing=st.sampled_from(_CLOSINGS))
def test_appending_a_keyword_works_in_any_layout(arguments, separators, opening, closing):
    if arguments[0] != "64":
        arguments = ["64", *[a for a in arguments if a != "64"]]
    body = "".join(argument + (separators[i] if i < len(arguments) - 1 else "")
                   for i, argument in enumerate(arguments))
    call = f"keras.layers.Dense{opening}{body}{closing})"
    code = ("import keras\nmodel = keras.Sequential([keras.Input(shape=(3,)),\n"
            f"    {call},\n    keras.layers.Dense(1)])\n")
    compile(code, "example.py", "exec")
    outcome = fixer.fix_source(code, "example.py", Config(select=("KC201",)), unsafe=True)
    fixed = outcome.source.decode()
    compile(fixed, "example.py", "exec")
    assert len(outcome.applied) == 1 and fixed.count("activation=") == 1
    assert fixed.count("#") == code.count("#")

    def tokens(text: str) -> str:  # the code without layout, commas and the new argument
        return re.sub(r"[\s,]", "", re.sub(r"activation=[\"']relu[\"']", "", text))

    assert tokens(fixed) == tokens(code)
    assert fixer.fix_source(fixed, "example.py", Config(select=("KC201",)), unsafe=True).applied == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_fix_safety_doc_agrees_with_the_declared_applicability(rule):
    opening = {"safe": "Safe", "unsafe": "Unsafe", None: "No automatic fix"}[rule.fix_applicability]
    assert rule.sections()["Fix safety"].startswith(opening)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="only root can give a file to another owner")
def test_fix_file_keeps_the_owner_when_run_as_root(tmp_path):
    target = tmp_path / "model.py"
    target.write_text(BAD_MODEL)
    os.chown(target, 12345, 23456)
    fixer.fix_file(target, unsafe=True)
    assert target.read_text() == FIXED_MODEL
    assert (target.stat().st_uid, target.stat().st_gid) == (12345, 23456)
