"""Mixed precision with a float32 softmax, and a custom loop over a functional model."""
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers, mixed_precision

mixed_precision.set_global_policy("mixed_float16")
inputs = keras.Input(shape=(784,), name="digits")
num_units = 4096
dense1 = layers.Dense(num_units, activation="relu", name="dense_1")
x = dense1(inputs)
dense2 = layers.Dense(num_units, activation="relu", name="dense_2")
x = dense2(x)
x = layers.Dense(10, name="dense_logits")(x)
outputs = layers.Activation("softmax", dtype="float32", name="predictions")(x)
model = keras.Model(inputs=inputs, outputs=outputs)
model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.RMSprop(),
              metrics=["accuracy"])
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(60000, 784).astype("float32") / 255
x_test = x_test.reshape(10000, 784).astype("float32") / 255
history = model.fit(x_train, y_train, batch_size=8192, epochs=5, validation_split=0.2)
test_scores = model.evaluate(x_test, y_test, verbose=2)

mixed_precision.set_global_policy("float32")
logits_model = keras.Model(inputs, layers.Dense(10)(layers.Dense(64, activation="relu")(inputs)))
optimizer = keras.optimizers.SGD(learning_rate=1e-3)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(1024).batch(64)
val_dataset = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(64)
val_acc_metric = keras.metrics.SparseCategoricalAccuracy()


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        logits = logits_model(x, training=True)
        loss_value = loss_fn(y, logits)
    grads = tape.gradient(loss_value, logits_model.trainable_weights)
    optimizer.apply_gradients(zip(grads, logits_model.trainable_weights))
    return loss_value


for epoch in range(2):
    for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
        loss_value = train_step(x_batch_train, y_batch_train)
    for x_batch_val, y_batch_val in val_dataset:
        val_acc_metric.update_state(y_batch_val, logits_model(x_batch_val, training=False))
    print(float(val_acc_metric.result()))
    val_acc_metric.reset_state()
