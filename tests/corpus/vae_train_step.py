"""A variational autoencoder of clothing images: a sampling layer, an encoder with three outputs,
a decoder, and a train_step that adds the KL term to the reconstruction loss. It learns from
the images alone, so all of them are used for training."""
import numpy as np
import tensorflow as tf
import keras
from keras import layers, ops

CODE = 8


class DrawCode(layers.Layer):
    """The reparameterisation trick: mean + standard deviation * noise."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.noise_seeds = keras.random.SeedGenerator(42)

    def call(self, moments):
        mean, log_variance = moments
        noise = keras.random.normal(ops.shape(mean), seed=self.noise_seeds)
        return mean + ops.exp(0.5 * log_variance) * noise


picture = keras.Input(shape=(28, 28, 1))
h = layers.Flatten()(picture)
h = layers.Dense(384, activation="relu")(h)
h = layers.Dense(96, activation="relu")(h)
mean = layers.Dense(CODE, name="mean")(h)
log_variance = layers.Dense(CODE, name="log_variance")(h)
encoder = keras.Model(picture, [mean, log_variance, DrawCode()([mean, log_variance])],
                      name="encoder")

code = keras.Input(shape=(CODE,))
g = layers.Dense(96, activation="relu")(code)
g = layers.Dense(384, activation="relu")(g)
g = layers.Dense(28 * 28, activation="sigmoid")(g)
decoder = keras.Model(code, layers.Reshape((28, 28, 1))(g), name="decoder")


class VariationalAutoencoder(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.loss_mean = keras.metrics.Mean(name="loss")

    @property
    def metrics(self):
        return [self.loss_mean]

    def train_step(self, images):
        with tf.GradientTape() as tape:
            mean, log_variance, sampled = self.encoder(images)
            redrawn = self.decoder(sampled)
            per_pixel = keras.losses.binary_crossentropy(images, redrawn)
            reconstruction = ops.mean(ops.sum(per_pixel, axis=(1, 2)))
            divergence = -0.5 * ops.sum(1 + log_variance - ops.square(mean)
                                        - ops.exp(log_variance), axis=1)
            loss = reconstruction + ops.mean(divergence)
        gradients = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_weights))
        self.loss_mean.update_state(loss)
        return {"loss": self.loss_mean.result()}


(first_half, _), (second_half, _) = keras.datasets.fashion_mnist.load_data()
every_picture = np.concatenate([first_half, second_half])[..., None].astype("float32") / 255.0
vae = VariationalAutoencoder(encoder, decoder)
vae.compile(optimizer=keras.optimizers.Adam(1e-3))
vae.fit(every_picture, epochs=25, batch_size=256)
