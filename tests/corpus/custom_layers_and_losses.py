"""Custom layers, a custom loss and a subclassed model (Keras guide "Making new layers")."""
import tensorflow as tf
import keras
from keras import layers, ops


class Linear(keras.layers.Layer):
    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


class MLPBlock(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.linear_1 = Linear(32)
        self.linear_2 = Linear(32)
        self.linear_3 = Linear(1)

    def call(self, inputs):
        x = self.linear_1(inputs)
        x = keras.activations.relu(x)
        x = self.linear_2(x)
        x = keras.activations.relu(x)
        return self.linear_3(x)


def huber_like(y_true, y_pred):
    error = y_true - y_pred
    return ops.mean(ops.where(ops.abs(error) < 1.0, 0.5 * error ** 2, ops.abs(error) - 0.5))


class ResidualRegressor(keras.Model):
    def __init__(self, hidden=64):
        super().__init__()
        self.inp = layers.Dense(hidden, activation="relu")
        self.block = layers.Dense(hidden, activation="relu")
        self.zero_branch = layers.Dense(hidden, kernel_initializer="zeros")
        self.head = layers.Dense(1)

    def call(self, inputs):
        x = self.inp(inputs)
        x = x + self.zero_branch(self.block(x))
        return self.head(x)


inputs = keras.Input(shape=(16,))
outputs = MLPBlock()(inputs)
functional = keras.Model(inputs, outputs)
functional.compile(optimizer="adam", loss=huber_like)
functional.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=5)

model = ResidualRegressor()
model.compile(optimizer=keras.optimizers.Adam(3e-4), loss=keras.losses.Huber())
model.fit(x_train, y_train, validation_split=0.1, epochs=5)
model.evaluate(x_test, y_test)
