"""fit() driving a hand-written train_step and test_step, next to a subclassed classifier trained
by the stock fit()."""
import numpy as np
import tensorflow as tf
import keras
from keras import layers, ops


class TrackedRegressor(keras.Model):
    """Computes its own loss and reports it through two trackers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_mean = keras.metrics.Mean(name="loss")
        self.abs_error = keras.metrics.MeanAbsoluteError(name="mae")

    @property
    def metrics(self):
        return [self.loss_mean, self.abs_error]

    def _report(self, targets, estimates, loss):
        self.loss_mean.update_state(loss)
        self.abs_error.update_state(targets, estimates)
        return {tracker.name: tracker.result() for tracker in self.metrics}

    def train_step(self, batch):
        inputs, targets = batch
        with tf.GradientTape() as tape:
            estimates = self(inputs, training=True)
            loss = ops.mean(ops.square(targets - estimates))
        variables = self.trainable_variables
        self.optimizer.apply(tape.gradient(loss, variables), variables)
        return self._report(targets, estimates, loss)

    def test_step(self, batch):
        inputs, targets = batch
        estimates = self(inputs, training=False)
        return self._report(targets, estimates, ops.mean(ops.square(targets - estimates)))


# An API demonstration on synthetic numbers: nothing here is meant to generalise.
signal = keras.Input(shape=(8,))
level = layers.Dense(1)(signal)
tracked = TrackedRegressor(signal, level)
tracked.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05))
demo_x = np.random.normal(size=(640, 8)).astype("float32")
demo_y = demo_x @ np.linspace(-1.0, 1.0, 8).reshape(8, 1).astype("float32")
tracked.fit(demo_x, demo_y, epochs=3, batch_size=32)
tracked.evaluate(demo_x, demo_y)


class DigitScorer(keras.Model):
    def __init__(self, classes=10):
        super().__init__()
        self.unroll = layers.Flatten()
        self.hidden = layers.Dense(160, activation="relu")
        self.drop = layers.Dropout(0.25)
        self.scores = layers.Dense(classes)

    def call(self, images, training=False):
        h = self.hidden(self.unroll(images))
        h = self.drop(h, training=training)
        return self.scores(h)


(train_digits, train_ids), (test_digits, test_ids) = keras.datasets.mnist.load_data()
train_digits = train_digits.astype("float32") / 255.0
test_digits = test_digits.astype("float32") / 255.0
scorer = DigitScorer()
scorer.compile(optimizer="adam",
               loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
               metrics=["accuracy"])
scorer.fit(train_digits, train_ids, validation_data=(test_digits, test_ids), epochs=4)
