"""Clothing categories from Fashion-MNIST: a classifier that outputs logits, scored on the test
split, then wrapped in a Softmax layer to read probabilities."""
import numpy as np
import tensorflow as tf

CATEGORY_NAMES = ("top", "trousers", "jumper", "dress", "coat",
                  "sandal", "shirt", "trainer", "bag", "boot")

(pictures, categories), (held_pictures, held_categories) = (
    tf.keras.datasets.fashion_mnist.load_data())
pictures = pictures.astype("float32") / 255.0
held_pictures = held_pictures.astype("float32") / 255.0

# The last layer stays linear: the loss applies the softmax itself, which is more stable.
clothing_net = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(200, activation="relu"),
    tf.keras.layers.Dense(10),
])
clothing_net.compile(
    optimizer=tf.keras.optimizers.Adam(learning_rate=5e-4),
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
clothing_net.fit(pictures, categories, batch_size=64, epochs=8)
held_loss, held_accuracy = clothing_net.evaluate(held_pictures, held_categories, verbose=0)
print(f"held-out accuracy {held_accuracy:.3f}")

with_probabilities = tf.keras.Sequential([clothing_net, tf.keras.layers.Softmax()])
first_five = with_probabilities.predict(held_pictures[:5], verbose=0)
for row, truth in zip(first_five, held_categories[:5]):
    print(CATEGORY_NAMES[int(np.argmax(row))], "expected", CATEGORY_NAMES[truth])
