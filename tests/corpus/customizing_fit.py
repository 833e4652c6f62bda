"""Customizing what happens in fit(): a subclass with train_step and test_step (Keras guide)."""
import numpy as np
import tensorflow as tf
import keras
from keras import layers


class CustomModel(keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = keras.losses.mean_squared_error(y, y_pred)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply(gradients, trainable_vars)
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        loss = keras.losses.mean_squared_error(y, y_pred)
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]


inputs = keras.Input(shape=(32,))
outputs = keras.layers.Dense(1)(inputs)
model = CustomModel(inputs, outputs)
model.compile(optimizer="adam")
x = np.random.random((1000, 32))
y = np.random.random((1000, 1))
model.fit(x, y, epochs=5)
model.evaluate(x, y)


class Classifier(keras.Model):
    def __init__(self, num_classes=10):
        super().__init__()
        self.flatten = layers.Flatten()
        self.hidden = layers.Dense(128, activation="relu")
        self.dropout = layers.Dropout(0.2)
        self.logits = layers.Dense(num_classes)

    def call(self, inputs, training=False):
        x = self.flatten(inputs)
        x = self.hidden(x)
        if training:
            x = self.dropout(x, training=training)
        return self.logits(x)


(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0
classifier = Classifier()
classifier.compile(optimizer="adam",
                   loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                   metrics=["accuracy"])
classifier.fit(x_train, y_train, validation_data=(x_test, y_test), epochs=3)
