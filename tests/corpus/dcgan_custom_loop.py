"""An adversarial pair on Fashion-MNIST trained by a hand-written loop: the critic outputs a
logit, so both losses are built with from_logits=True."""
import tensorflow as tf
from tensorflow.keras import layers

CODE_SIZE = 64
BATCH = 128

(garments, _), _ = tf.keras.datasets.fashion_mnist.load_data()
garments = (garments.astype("float32")[..., None] - 127.5) / 127.5  # tanh range [-1, 1]
garment_batches = tf.data.Dataset.from_tensor_slices(garments).shuffle(8192).batch(BATCH)


def build_painter():
    painter = tf.keras.Sequential(name="painter")
    painter.add(tf.keras.Input(shape=(CODE_SIZE,)))
    painter.add(layers.Dense(7 * 7 * 96, use_bias=False))
    painter.add(layers.BatchNormalization())
    painter.add(layers.LeakyReLU(0.2))
    painter.add(layers.Reshape((7, 7, 96)))
    painter.add(layers.Conv2DTranspose(48, 4, strides=2, padding="same", use_bias=False))
    painter.add(layers.BatchNormalization())
    painter.add(layers.LeakyReLU(0.2))
    painter.add(layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"))
    return painter


def build_critic():
    return tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(48, 4, strides=2, padding="same"),
        layers.LeakyReLU(0.2),
        layers.Conv2D(96, 4, strides=2, padding="same"),
        layers.LeakyReLU(0.2),
        layers.Dropout(0.25),
        layers.Flatten(),
        layers.Dense(1),
    ], name="critic")


painter = build_painter()
critic = build_critic()
logit_bce = tf.keras.losses.BinaryCrossentropy(from_logits=True)
painter_opt = tf.keras.optimizers.Adam(2e-4, beta_1=0.5)
critic_opt = tf.keras.optimizers.Adam(2e-4, beta_1=0.5)


@tf.function
def adversarial_step(real):
    codes = tf.random.normal([tf.shape(real)[0], CODE_SIZE])
    with tf.GradientTape() as painter_tape, tf.GradientTape() as critic_tape:
        fake = painter(codes, training=True)
        real_logits = critic(real, training=True)
        fake_logits = critic(fake, training=True)
        critic_loss = (logit_bce(tf.ones_like(real_logits), real_logits)
                       + logit_bce(tf.zeros_like(fake_logits), fake_logits))
        painter_loss = logit_bce(tf.ones_like(fake_logits), fake_logits)
    painter_weights, critic_weights = painter.trainable_variables, critic.trainable_variables
    painter_opt.apply_gradients(zip(painter_tape.gradient(painter_loss, painter_weights),
                                    painter_weights))
    critic_opt.apply_gradients(zip(critic_tape.gradient(critic_loss, critic_weights),
                                   critic_weights))
    return painter_loss, critic_loss


for round_index in range(25):
    for real_batch in garment_batches:
        painter_loss, critic_loss = adversarial_step(real_batch)
    print(round_index, float(painter_loss), float(critic_loss))
