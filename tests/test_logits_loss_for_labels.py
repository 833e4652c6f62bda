"""Where KC305 reports a logits output under a loss for probabilities when that loss is also
wrong for the labels (KC306): at the loss, where one edit fixes both, naming the output layer;
without a label mismatch it stays at the output layer (benchmarks/BUG_CORPUS.md "Structural
families, fifth pass"). Cases written for this suite."""

from __future__ import annotations

from conftest import lint

SUBCLASS = """
import tensorflow as tf
from tensorflow import keras

(pictures, digits), (held_pictures, held_digits) = keras.datasets.fashion_mnist.load_data()
pictures, held_pictures = pictures / 255.0, held_pictures / 255.0
{labels}

class Classifier(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(64, activation="relu")
        self.scores = keras.layers.Dense(10)

    def call(self, x):
        x = tf.reshape(x, [-1, 784])
        return self.scores(self.hidden(x))

net = Classifier()
net.compile(optimizer="adam", loss="{loss}")
net.fit(pictures, digits, epochs=2, validation_data=(held_pictures, held_digits))
"""



def line_of(code: str, text: str) -> int:
    [line] = [number for number, row in enumerate(code.splitlines(), 1) if text in row]
    return line


def kc305(code: str):
    return [d for d in lint(code) if d.code == "KC305"]


def test_integer_ids_under_the_one_hot_loss_put_the_logits_finding_at_the_loss():
    code = SUBCLASS.format(labels="", loss="categorical_crossentropy")
    [found] = kc305(code)
    assert found.line == line_of(code, "net.compile")
    assert "`keras.losses.SparseCategoricalCrossentropy(from_logits=True)`" in found.message
    assert [place.line for place in found.related] == [line_of(code, "Dense(10)")]
    assert "KC306" in {d.code for d in lint(code) if d.line == found.line}


def test_one_hot_labels_under_the_sparse_loss_name_the_one_hot_loss_class():
    code = SUBCLASS.format(labels="digits = keras.utils.to_categorical(digits, 10)\n"
                                  "held_digits = keras.utils.to_categorical(held_digits, 10)",
                           loss="sparse_categorical_crossentropy")
    [found] = kc305(code)
    assert found.line == line_of(code, "net.compile")
    assert "`keras.losses.CategoricalCrossentropy(from_logits=True)`" in found.message


def test_labels_that_fit_the_loss_leave_the_finding_at_the_output_layer():
    code = SUBCLASS.format(labels="", loss="sparse_categorical_crossentropy")
    [found] = kc305(code)
    assert found.line == line_of(code, "Dense(10)")
    assert line_of(code, "net.compile") in [place.line for place in found.related]


def test_unknown_labels_leave_the_finding_at_the_output_layer():
    code = SUBCLASS.format(labels="digits = load_labels()\nheld_digits = load_labels()",
                           loss="categorical_crossentropy")
    [found] = kc305(code)
    assert found.line == line_of(code, "Dense(10)")


def test_a_loss_over_logits_matching_nothing_else_stays_silent():
    """The labels' mismatch alone is KC306's; KC305 needs the logits-probabilities one."""
    code = SUBCLASS.format(labels="", loss="categorical_crossentropy").replace(
        'loss="categorical_crossentropy"',
        "loss=keras.losses.CategoricalCrossentropy(from_logits=True)")
    assert kc305(code) == []
    assert [d.code for d in lint(code)] == ["KC306"]


NETS = """\
import tensorflow as tf


def scorer():
    net = tf.keras.Sequential([tf.keras.Input(shape=(784,)), tf.keras.layers.Dense(10)])
    net.compile(optimizer="adam", loss="categorical_crossentropy")
    return net
"""
TRAIN = """\
import tensorflow as tf
from nets import scorer

(pictures, digits), _ = tf.keras.datasets.mnist.load_data()
pictures = pictures.reshape(-1, 784) / 255.0
net = scorer()
net.fit(pictures, digits, validation_split=0.1)
"""


def test_a_loss_of_another_module_is_reported_where_this_file_builds_the_model(tmp_path):
    """The builder compiles the loss; the labels that make it wrong are this file's: the
    finding goes to the call that builds the model, as KC305's layer findings do."""
    from kerascheck.engine import lint_file

    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "nets.py").write_text(NETS)
    (tmp_path / "train.py").write_text(TRAIN)
    [found] = [d for d in lint_file(tmp_path / "train.py").diagnostics if d.code == "KC305"]
    assert found.line == 6 and found.message.endswith("(in nets.py:6)")
