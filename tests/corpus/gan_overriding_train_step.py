"""A GAN as one keras.Model: compile() takes two optimizers and a loss, train_step() alternates
the discriminator and generator updates, and fit() runs it over an unlabelled image folder."""
import tensorflow as tf
import keras
from keras import layers, ops

NOISE = 96

judge = keras.Sequential([
    keras.Input(shape=(32, 32, 3)),
    layers.Conv2D(48, 4, strides=2, padding="same"),
    layers.LeakyReLU(negative_slope=0.2),
    layers.Conv2D(96, 4, strides=2, padding="same"),
    layers.LeakyReLU(negative_slope=0.2),
    layers.GlobalMaxPooling2D(),
    layers.Dense(1, activation="sigmoid"),
], name="judge")

forger = keras.Sequential([
    keras.Input(shape=(NOISE,)),
    layers.Dense(4 * 4 * 96),
    layers.LeakyReLU(negative_slope=0.2),
    layers.Reshape((4, 4, 96)),
    layers.Conv2DTranspose(96, 4, strides=2, padding="same"),
    layers.LeakyReLU(negative_slope=0.2),
    layers.Conv2DTranspose(64, 4, strides=2, padding="same"),
    layers.LeakyReLU(negative_slope=0.2),
    layers.Conv2DTranspose(32, 4, strides=2, padding="same"),
    layers.LeakyReLU(negative_slope=0.2),
    layers.Conv2D(3, 3, padding="same", activation="sigmoid"),
], name="forger")


class Contest(keras.Model):
    def __init__(self, judge, forger, noise_size):
        super().__init__()
        self.judge = judge
        self.forger = forger
        self.noise_size = noise_size
        self.seeds = keras.random.SeedGenerator(11)

    def compile(self, judge_optimizer, forger_optimizer, criterion):
        super().compile()
        self.judge_optimizer = judge_optimizer
        self.forger_optimizer = forger_optimizer
        self.criterion = criterion
        self.judge_loss = keras.metrics.Mean(name="judge_loss")
        self.forger_loss = keras.metrics.Mean(name="forger_loss")

    @property
    def metrics(self):
        return [self.judge_loss, self.forger_loss]

    def train_step(self, real):
        count = ops.shape(real)[0]
        noise = keras.random.normal((count, self.noise_size), seed=self.seeds)
        mixed = ops.concatenate([real, self.forger(noise)], axis=0)
        verdicts = ops.concatenate([ops.ones((count, 1)), ops.zeros((count, 1))], axis=0)
        with tf.GradientTape() as tape:
            judge_loss = self.criterion(verdicts, self.judge(mixed))
        judge_weights = self.judge.trainable_weights
        self.judge_optimizer.apply_gradients(zip(tape.gradient(judge_loss, judge_weights),
                                                 judge_weights))
        # The forger is rewarded when the judge calls its pictures real.
        with tf.GradientTape() as tape:
            forger_loss = self.criterion(ops.ones((count, 1)), self.judge(self.forger(noise)))
        forger_weights = self.forger.trainable_weights
        self.forger_optimizer.apply_gradients(zip(tape.gradient(forger_loss, forger_weights),
                                                  forger_weights))
        self.judge_loss.update_state(judge_loss)
        self.forger_loss.update_state(forger_loss)
        return {tracker.name: tracker.result() for tracker in self.metrics}


textures = keras.utils.image_dataset_from_directory("textures", label_mode=None,
                                                    image_size=(32, 32), batch_size=64)
textures = textures.map(lambda batch: batch / 255.0)
contest = Contest(judge, forger, NOISE)
contest.compile(judge_optimizer=keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5),
                forger_optimizer=keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5),
                criterion=keras.losses.BinaryCrossentropy())
contest.fit(textures, epochs=10)
