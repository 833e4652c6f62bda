"""Layers written from scratch: an affine layer built on add_weight, a block made of them, a
hand-written robust loss, and a residual model whose branch starts at zero."""
import keras
from keras import layers, ops


class Affine(keras.layers.Layer):
    """x @ kernel + offset, the kernel sized on the first call."""

    def __init__(self, width):
        super().__init__()
        self.width = width

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.width),
                                      initializer="glorot_uniform", trainable=True)
        self.offset = self.add_weight(shape=(self.width,), initializer="zeros", trainable=True)

    def call(self, x):
        return ops.matmul(x, self.kernel) + self.offset


class TwoLayerPerceptron(keras.layers.Layer):
    def __init__(self, hidden_width=48):
        super().__init__()
        self.first = Affine(hidden_width)
        self.second = Affine(hidden_width)
        self.readout = Affine(1)

    def call(self, x):
        x = keras.activations.gelu(self.first(x))
        x = keras.activations.gelu(self.second(x))
        return self.readout(x)


def log_cosh_error(y_true, y_pred):
    # Close to squared error for small residuals, close to absolute error for outliers.
    return ops.mean(ops.log(ops.cosh(y_pred - y_true)), axis=-1)


class ZeroStartResidual(keras.Model):
    """The branch's last layer starts at zero so the block begins as the identity; the layer
    before it is randomly initialised and breaks the symmetry."""

    def __init__(self, width=32):
        super().__init__()
        self.stem = layers.Dense(width, activation="relu")
        self.branch_in = layers.Dense(width, activation="relu")
        self.branch_out = layers.Dense(width, kernel_initializer="zeros")
        self.head = layers.Dense(1)

    def call(self, x):
        h = self.stem(x)
        h = h + self.branch_out(self.branch_in(h))
        return self.head(h)


features = keras.Input(shape=(12,))
estimate = TwoLayerPerceptron()(features)
perceptron = keras.Model(features, estimate)
perceptron.compile(optimizer="adam", loss=log_cosh_error)
perceptron.fit(train_x, train_y, validation_data=(val_x, val_y), epochs=10)

residual = ZeroStartResidual()
residual.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.Huber(delta=2.0))
residual.fit(train_x, train_y, validation_split=0.15, epochs=10)
residual.evaluate(test_x, test_y)
