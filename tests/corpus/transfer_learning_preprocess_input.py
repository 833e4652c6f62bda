"""Transfer learning from a frozen ResNet50 with its own preprocess_input, a test split carved
out of the validation folder, then a second phase that unfreezes the top blocks."""
import tensorflow as tf

PHOTO = (192, 192)
fit_photos = tf.keras.utils.image_dataset_from_directory(
    "xrays/train", image_size=PHOTO, batch_size=24, shuffle=True)
check_photos = tf.keras.utils.image_dataset_from_directory(
    "xrays/validation", image_size=PHOTO, batch_size=24, shuffle=True)
check_batches = int(tf.data.experimental.cardinality(check_photos))
final_photos = check_photos.take(check_batches // 4)
check_photos = check_photos.skip(check_batches // 4)
fit_photos = fit_photos.prefetch(tf.data.AUTOTUNE)
check_photos = check_photos.prefetch(tf.data.AUTOTUNE)
final_photos = final_photos.prefetch(tf.data.AUTOTUNE)

augment = tf.keras.Sequential([
    tf.keras.layers.RandomRotation(0.03),
    tf.keras.layers.RandomZoom(0.1),
])
backbone = tf.keras.applications.ResNet50(input_shape=PHOTO + (3,), include_top=False,
                                          weights="imagenet")
backbone.trainable = False

photo = tf.keras.Input(shape=PHOTO + (3,))
x = augment(photo)
x = tf.keras.applications.resnet50.preprocess_input(x)
x = backbone(x, training=False)
x = tf.keras.layers.GlobalAveragePooling2D()(x)
x = tf.keras.layers.Dropout(0.3)(x)
pneumonia = tf.keras.layers.Dense(1, activation="sigmoid")(x)
screening = tf.keras.Model(photo, pneumonia)

metrics = [tf.keras.metrics.BinaryAccuracy(name="accuracy"), tf.keras.metrics.AUC(name="auc")]
screening.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=3e-4),
                  loss=tf.keras.losses.BinaryCrossentropy(), metrics=metrics)
print("before training:", screening.evaluate(check_photos, verbose=0))
first_phase = screening.fit(fit_photos, epochs=6, validation_data=check_photos)

# Second phase: only the last blocks learn, at a tenth of the rate.
backbone.trainable = True
for frozen in backbone.layers[:-30]:
    frozen.trainable = False
screening.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=3e-5),
                  loss=tf.keras.losses.BinaryCrossentropy(), metrics=metrics)
screening.fit(fit_photos, epochs=12, initial_epoch=first_phase.epoch[-1] + 1,
              validation_data=check_photos)
print("test:", screening.evaluate(final_photos, verbose=0))
