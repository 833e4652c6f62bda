"""A classifier compiled inside a distribution strategy's scope, and a KerasTuner hypermodel
searched on a held-out validation split."""
import keras_tuner
import numpy as np
import tensorflow as tf
from tensorflow import keras

strategy = tf.distribute.MirroredStrategy()
print("replicas:", strategy.num_replicas_in_sync)
GLOBAL_BATCH = 64 * strategy.num_replicas_in_sync


def compiled_classifier():
    pixels = keras.Input(shape=(784,))
    hidden = keras.layers.Dense(320, activation="relu")(pixels)
    hidden = keras.layers.Dropout(0.2)(hidden)
    logits = keras.layers.Dense(10)(hidden)
    classifier = keras.Model(pixels, logits)
    classifier.compile(optimizer=keras.optimizers.Adam(),
                       loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                       metrics=[keras.metrics.SparseCategoricalAccuracy()])
    return classifier


def flat_digits():
    (x_fit, y_fit), (x_final, y_final) = keras.datasets.mnist.load_data()
    x_fit = x_fit.reshape(len(x_fit), -1).astype("float32") / 255.0
    x_final = x_final.reshape(len(x_final), -1).astype("float32") / 255.0
    return x_fit[:50000], y_fit[:50000], x_fit[50000:], y_fit[50000:], x_final, y_final


x_fit, y_fit, x_check, y_check, x_final, y_final = flat_digits()


def batched(features, labels):
    return tf.data.Dataset.from_tensor_slices((features, labels)).batch(GLOBAL_BATCH)


with strategy.scope():
    classifier = compiled_classifier()
classifier.fit(batched(x_fit, y_fit), epochs=3, validation_data=batched(x_check, y_check))
classifier.evaluate(batched(x_final, y_final))


def hypermodel(hp):
    searched = keras.Sequential([keras.Input(shape=(784,))])
    for depth in range(hp.Int("depth", 1, 3)):
        searched.add(keras.layers.Dense(hp.Int(f"width_{depth}", 64, 512, step=64),
                                        activation=hp.Choice("nonlinearity", ["relu", "gelu"])))
    if hp.Boolean("dropout"):
        searched.add(keras.layers.Dropout(0.3))
    searched.add(keras.layers.Dense(10, activation="softmax"))
    rate = hp.Float("learning_rate", 1e-4, 3e-3, sampling="log")
    searched.compile(optimizer=keras.optimizers.Adam(learning_rate=rate),
                     loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return searched


search = keras_tuner.BayesianOptimization(hypermodel, objective="val_accuracy", max_trials=6,
                                          directory="tuning", project_name="digits")
search.search(x_fit, y_fit, epochs=3, validation_data=(x_check, y_check))
winner = search.get_best_models(num_models=1)[0]
print(np.round(winner.evaluate(x_final, y_final, verbose=0), 4))
