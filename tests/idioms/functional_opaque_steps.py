# expect-codes: KC301
import tensorflow as tf
from tensorflow.keras import layers

inputs = tf.keras.Input(shape=(32,))
x = tf.nn.relu(layers.Dense(64)(inputs))
branch = layers.Dense(16, activation="relu")(x)
merged = tf.concat([x, branch], axis=-1)
x = layers.Dense(32, activation=None)(merged)
x = layers.LayerNormalization()(x)
outputs = layers.Dense(5, activation="sigmoid")(tf.nn.gelu(x))
model = tf.keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(features, one_hot_labels, validation_split=0.2)
