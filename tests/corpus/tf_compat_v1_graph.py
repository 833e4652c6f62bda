"""TF1-style graph code migrated with tf.compat.v1: its layers live under compat, not tf.layers."""
import numpy as np
import tensorflow as tf

tf.compat.v1.disable_eager_execution()
x = tf.compat.v1.placeholder(tf.float32, shape=(None, 4))
y = tf.compat.v1.placeholder(tf.float32, shape=(None, 1))
hidden = tf.compat.v1.layers.dense(x, 16, activation=tf.nn.relu)
logits = tf.compat.v1.layers.dense(hidden, 1)
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
train_op = tf.compat.v1.train.AdamOptimizer(learning_rate=0.5).minimize(loss)
with tf.compat.v1.Session() as session:
    session.run(tf.compat.v1.global_variables_initializer())
    for _ in range(100):
        session.run(train_op, feed_dict={x: np.random.rand(32, 4), y: np.random.rand(32, 1)})
