# expect-codes:
import tensorflow as tf
from tensorflow import keras

scorer = keras.Sequential([
    keras.Input(shape=(40,)),
    keras.layers.Dense(80, activation="gelu"),
    keras.layers.Dense(5),
])
step = keras.optimizers.Adam(learning_rate=2e-4)
objective = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
for sweep in range(3):
    for features, targets in batches:
        with tf.GradientTape() as tape:
            objective_value = objective(targets, scorer(features, training=True))
        slopes = tape.gradient(objective_value, scorer.trainable_weights)
        step.apply_gradients(zip(slopes, scorer.trainable_weights))
