"""Graph-mode TensorFlow 1 code kept alive through tf.compat.v1: its layers and optimizers live
under compat, and none of it is Keras."""
import numpy as np
import tensorflow as tf

tf.compat.v1.disable_eager_execution()
measurements = tf.compat.v1.placeholder(tf.float32, shape=(None, 3), name="measurements")
verdict = tf.compat.v1.placeholder(tf.float32, shape=(None, 1), name="verdict")
hidden = tf.compat.v1.layers.dense(measurements, 8, activation=tf.nn.tanh)
score = tf.compat.v1.layers.dense(hidden, 1)
cost = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=verdict, logits=score))
update = tf.compat.v1.train.GradientDescentOptimizer(learning_rate=0.8).minimize(cost)

batches = np.random.default_rng(2)
with tf.compat.v1.Session() as session:
    session.run(tf.compat.v1.global_variables_initializer())
    for _ in range(200):
        rows = batches.normal(size=(64, 3))
        labels = (rows.sum(axis=1, keepdims=True) > 0).astype("float32")
        session.run(update, feed_dict={measurements: rows, verdict: labels})
