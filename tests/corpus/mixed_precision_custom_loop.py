"""Mixed precision with the softmax kept in float32, then a hand-written GradientTape loop over a
functional model that outputs logits."""
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers, mixed_precision

(x_fit, y_fit), (x_final, y_final) = keras.datasets.fashion_mnist.load_data()
x_fit = x_fit.reshape(len(x_fit), 784).astype("float32") / 255.0
x_final = x_final.reshape(len(x_final), 784).astype("float32") / 255.0

mixed_precision.set_global_policy("mixed_float16")
pixels = keras.Input(shape=(784,))
wide = layers.Dense(2048, activation="relu")(pixels)
wide = layers.Dense(2048, activation="relu")(wide)
scores = layers.Dense(10)(wide)
# float16 softmax can overflow; this last activation runs in float32.
probabilities = layers.Activation("softmax", dtype="float32")(scores)
half_precision = keras.Model(pixels, probabilities)
half_precision.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy",
                       metrics=["accuracy"])
half_precision.fit(x_fit, y_fit, batch_size=4096, epochs=4, validation_split=0.1)
print(half_precision.evaluate(x_final, y_final, verbose=0))

mixed_precision.set_global_policy("float32")
flat = keras.Input(shape=(784,))
logits = layers.Dense(10)(layers.Dense(96, activation="relu")(flat))
looped = keras.Model(flat, logits)
step_optimizer = keras.optimizers.Adam(learning_rate=1e-3)
criterion = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
fit_batches = tf.data.Dataset.from_tensor_slices((x_fit, y_fit)).shuffle(4096).batch(128)
final_batches = tf.data.Dataset.from_tensor_slices((x_final, y_final)).batch(512)
held_accuracy = keras.metrics.SparseCategoricalAccuracy()


@tf.function
def descend(batch_x, batch_y):
    with tf.GradientTape() as tape:
        batch_loss = criterion(batch_y, looped(batch_x, training=True))
    gradients = tape.gradient(batch_loss, looped.trainable_weights)
    step_optimizer.apply_gradients(zip(gradients, looped.trainable_weights))
    return batch_loss


for sweep in range(3):
    for batch_x, batch_y in fit_batches:
        last_loss = descend(batch_x, batch_y)
    held_accuracy.reset_state()
    for batch_x, batch_y in final_batches:
        held_accuracy.update_state(batch_y, looped(batch_x, training=False))
    print(sweep, float(last_loss), float(held_accuracy.result()))
