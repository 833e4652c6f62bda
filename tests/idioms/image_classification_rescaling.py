# expect-codes:
import tensorflow as tf
from tensorflow.keras import layers
from tensorflow.keras.models import Sequential

fit_ds = tf.keras.utils.image_dataset_from_directory(
    photo_root, validation_split=0.3, subset="training", seed=8, image_size=(128, 128),
    batch_size=16)
check_ds = tf.keras.utils.image_dataset_from_directory(
    photo_root, validation_split=0.3, subset="validation", seed=8, image_size=(128, 128),
    batch_size=16)
fit_ds = fit_ds.shuffle(256).prefetch(tf.data.AUTOTUNE)
check_ds = check_ds.prefetch(tf.data.AUTOTUNE)
labels_seen = fit_ds.class_names
net = Sequential([
    layers.Rescaling(1.0 / 255, input_shape=(128, 128, 3)),
    layers.Conv2D(32, 5, activation="relu"),
    layers.MaxPooling2D(3),
    layers.Conv2D(32, 3, activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(len(labels_seen)),
])
net.compile(optimizer="adam",
            loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"])
net.fit(fit_ds, validation_data=check_ds, epochs=6)
