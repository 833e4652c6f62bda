"""TensorFlow 2's aliases of Keras namespaces (``tf.losses``, ``tf.optimizers``, ``tf.metrics``)
read as Keras, for class names only; and Keras 3's ``InputLayer(shape)``
positional shape."""

import textwrap

from kerascheck.analysis.names import canonical
from kerascheck.engine import lint_source
from kerascheck.settings.config import Config


def codes(source: str) -> list[tuple[int, str]]:
    result = lint_source(textwrap.dedent(source), "loop.py", Config(select=("ALL",)))
    assert not result.errors
    return sorted((d.line, d.code) for d in result.diagnostics)


def test_aliases_of_exported_names():
    assert canonical("tensorflow.losses.SparseCategoricalCrossentropy") == \
        "losses.SparseCategoricalCrossentropy"
    assert canonical("tensorflow.optimizers.Adam") == "optimizers.Adam"
    assert canonical("tensorflow.metrics.Accuracy") == "metrics.Accuracy"


def test_tensorflow_1s_own_functions_are_not_keras():
    assert canonical("tensorflow.losses.softmax_cross_entropy") is None
    assert canonical("tensorflow.metrics.accuracy") is None  # TF 1's (labels, predictions)
    assert canonical("tensorflow.nn.softmax") is None


def test_a_custom_loop_with_a_logits_loss_on_a_softmax_output():
    found = codes("""
        import tensorflow as tf
        net = tf.keras.Sequential([tf.keras.layers.Flatten(input_shape=(28, 28)),
                                   tf.keras.layers.Dense(64, activation="relu"),
                                   tf.keras.layers.Dense(10, activation="softmax")])
        objective = tf.losses.SparseCategoricalCrossentropy(from_logits=True)
        opt = tf.optimizers.Adam(0.001)

        @tf.function
        def step(images, labels):
            with tf.GradientTape() as tape:
                scores = net(images, training=True)
                value = objective(labels, scores)
            grads = tape.gradient(value, net.trainable_variables)
            opt.apply_gradients(zip(grads, net.trainable_variables))
            return value
    """)
    assert (6, "KC305") in found


def test_tensorflow_1_losses_stay_silent():
    found = codes("""
        import tensorflow as tf
        logits = tf.compat.v1.layers.dense(features, 10)
        loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
        accuracy = tf.metrics.accuracy(labels, tf.argmax(logits, 1))
    """)
    assert [code for _, code in found if code.startswith("KC6")] == []


def test_input_layer_positional_integer_shape_on_keras_3():
    found = codes("""
        import keras
        width = 12
        model = keras.Sequential([keras.layers.InputLayer(width), keras.layers.Dense(3)])
        fine = keras.Sequential([keras.layers.InputLayer((width,)), keras.layers.Dense(3)])
    """)
    assert found == [(4, "KC103")]


def test_kc103_names_parentheses_only_where_they_are():
    result = lint_source(textwrap.dedent("""
        import keras
        n = 10
        a = keras.Input(shape=(784))
        b = keras.Input(n, )
        c = keras.Input(shape=784)
        d = keras.Input(shape=n, name="x")
    """), "shapes.py", Config(select=("KC103",)))
    messages = {d.line: d.message for d in result.diagnostics}
    assert "(parentheses alone do not make a tuple)" in messages[4]
    assert "parentheses" not in messages[5]  # Input(n, ): the comma ends the argument
    assert "(" not in messages[6].split("integer")[1].split(" and ")[0]
    assert "comma" not in messages[7] and "parentheses" not in messages[7]
