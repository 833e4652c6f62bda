# expect-codes: KC301
import tensorflow as tf
from tensorflow.keras import layers

signals = tf.keras.Input(shape=(20,))
h = tf.nn.silu(layers.Dense(48)(signals))
side = layers.Dense(12, activation="tanh")(h)
h = tf.concat([h, side], axis=1)
h = layers.Dense(24, activation=None)(h)
h = layers.BatchNormalization()(h)
label = layers.Dense(6, activation="sigmoid")(tf.nn.elu(h))
net = tf.keras.Model(signals, label)
net.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
net.fit(signal_rows, class_onehot, validation_split=0.25, epochs=5)
