"""Fine-tuning a pretrained Xception on a TensorFlow Datasets split: train, validation and test
come from disjoint slices, the head outputs a logit, and the base is unfrozen at a tiny rate."""
import tensorflow as tf
import tensorflow_datasets as tfds
import keras
from keras import layers

fit_split, check_split, final_split = tfds.load(
    "horses_or_humans", split=["train[:70%]", "train[70%:85%]", "train[85%:]"],
    as_supervised=True)
SIDE = 160
resize = layers.Resizing(SIDE, SIDE)
flip = layers.RandomFlip("horizontal")


def prepared(split, augment=False):
    split = split.map(lambda image, label: (resize(image), label))
    if augment:
        split = split.map(lambda image, label: (flip(image), label))
    return split.batch(32).prefetch(tf.data.AUTOTUNE)


fit_ds = prepared(fit_split, augment=True)
check_ds = prepared(check_split)
final_ds = prepared(final_split)

pretrained = keras.applications.Xception(include_top=False, weights="imagenet",
                                         input_shape=(SIDE, SIDE, 3))
pretrained.trainable = False
image = keras.Input(shape=(SIDE, SIDE, 3))
# Xception expects pixels in [-1, 1].
h = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(image)
h = pretrained(h, training=False)
h = layers.GlobalAveragePooling2D()(h)
h = layers.Dropout(0.25)(h)
is_human_logit = layers.Dense(1)(h)
classifier = keras.Model(image, is_human_logit)
classifier.summary(show_trainable=True)


def compile_at(rate):
    classifier.compile(optimizer=keras.optimizers.Adam(rate),
                       loss=keras.losses.BinaryCrossentropy(from_logits=True),
                       metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)])


compile_at(1e-3)
classifier.fit(fit_ds, epochs=3, validation_data=check_ds)
pretrained.trainable = True
compile_at(1e-5)
classifier.fit(fit_ds, epochs=2, validation_data=check_ds)
print("held-out:", classifier.evaluate(final_ds, verbose=0))
