"""KC601 suggests (and safely fixes to) a path only when that path exists: TensorFlow 1's
``tf.layers`` functions (``dense``, ``conv2d``) have no namesake in ``tf.keras.layers``, so
renaming them would swap one AttributeError for another (found on real TF 1 code)."""

from __future__ import annotations

from conftest import lint

TF1_FUNCTIONS = """
    import tensorflow as tf
    inputs = tf.compat.v1.placeholder(tf.float32, [None, 4])
    hidden = tf.layers.dense(inputs, 16, activation=tf.nn.relu)
    pooled = tf.layers.max_pooling2d(hidden, 2, 2)
    layer = tf.layers.Dense(8)
    """


def test_a_tf1_function_is_reported_without_a_suggestion_or_fix():
    found = [d for d in lint(TF1_FUNCTIONS) if d.code == "KC601"]
    by_line = {d.line: d for d in found}
    assert sorted(by_line) == [4, 5, 6]
    for line in (4, 5):
        assert by_line[line].fix is None and "use `" not in by_line[line].message
    assert by_line[6].message.endswith("use `tf.keras.layers.Dense`")
    assert by_line[6].fix is not None and by_line[6].fix.applicability == "safe"
