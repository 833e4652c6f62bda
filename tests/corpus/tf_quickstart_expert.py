"""A subclassed convnet trained by a GradientTape loop, with the running loss and accuracy kept in
Keras metric objects and reset at the start of every epoch."""
import tensorflow as tf
from tensorflow.keras import Model
from tensorflow.keras.layers import Conv2D, Dense, Flatten

(fit_images, fit_labels), (test_images, test_labels) = tf.keras.datasets.fashion_mnist.load_data()
fit_images = (fit_images / 255.0)[..., None].astype("float32")
test_images = (test_images / 255.0)[..., None].astype("float32")
fit_batches = tf.data.Dataset.from_tensor_slices((fit_images, fit_labels)).shuffle(6000).batch(64)
test_batches = tf.data.Dataset.from_tensor_slices((test_images, test_labels)).batch(256)


class GarmentNet(Model):
    def __init__(self):
        super().__init__()
        self.features = Conv2D(16, 5, activation="relu")
        self.unroll = Flatten()
        self.hidden = Dense(96, activation="relu")
        self.scores = Dense(10)

    def call(self, images):
        return self.scores(self.hidden(self.unroll(self.features(images))))


net = GarmentNet()
criterion = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
tracked = {
    "fit_loss": tf.keras.metrics.Mean(),
    "fit_accuracy": tf.keras.metrics.SparseCategoricalAccuracy(),
    "test_loss": tf.keras.metrics.Mean(),
    "test_accuracy": tf.keras.metrics.SparseCategoricalAccuracy(),
}


@tf.function
def learn(images, labels):
    with tf.GradientTape() as tape:
        logits = net(images, training=True)
        loss = criterion(labels, logits)
    optimizer.apply_gradients(zip(tape.gradient(loss, net.trainable_variables),
                                  net.trainable_variables))
    tracked["fit_loss"].update_state(loss)
    tracked["fit_accuracy"].update_state(labels, logits)


@tf.function
def check(images, labels):
    logits = net(images, training=False)
    tracked["test_loss"].update_state(criterion(labels, logits))
    tracked["test_accuracy"].update_state(labels, logits)


for epoch in range(4):
    for metric in tracked.values():
        metric.reset_state()
    for images, labels in fit_batches:
        learn(images, labels)
    for images, labels in test_batches:
        check(images, labels)
    print(epoch, {name: round(float(metric.result()), 4) for name, metric in tracked.items()})
