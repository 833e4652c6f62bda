"""A first Keras model: an untrained model is called once to check that its initial loss is near
log(10), then it is compiled, trained, scored on the test digits and wrapped with a softmax."""
import math

import tensorflow as tf

(fit_digits, fit_labels), (test_digits, test_labels) = tf.keras.datasets.mnist.load_data()
fit_digits = fit_digits / 255.0
test_digits = test_digits / 255.0

first_model = tf.keras.models.Sequential([
    tf.keras.layers.Input(shape=(28, 28)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dropout(0.1),
    tf.keras.layers.Dense(10),
])

# Before training, every class is about equally likely: the loss should be close to ln(10).
untrained_logits = first_model(fit_digits[:8]).numpy()
cross_entropy = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
print(float(cross_entropy(fit_labels[:8], untrained_logits)), "vs", math.log(10))

first_model.compile(optimizer="adam", loss=cross_entropy, metrics=["accuracy"])
first_model.fit(fit_digits, fit_labels, epochs=4)
first_model.evaluate(test_digits, test_labels, verbose=2)

as_probabilities = tf.keras.Sequential([first_model, tf.keras.layers.Softmax()])
print(as_probabilities(test_digits[:3]).numpy().round(3))
