# expect-codes:
import tensorflow as tf

fit_photos = tf.keras.utils.image_dataset_from_directory(fit_folder, image_size=(224, 224),
                                                         batch_size=16)
check_photos = tf.keras.utils.image_dataset_from_directory(check_folder, image_size=(224, 224),
                                                           batch_size=16)
backbone = tf.keras.applications.EfficientNetB0(input_shape=(224, 224, 3), include_top=False,
                                                weights="imagenet")
backbone.trainable = False
photo = tf.keras.Input(shape=(224, 224, 3))
h = tf.keras.applications.efficientnet.preprocess_input(photo)
h = backbone(h, training=False)
h = tf.keras.layers.GlobalMaxPooling2D()(h)
h = tf.keras.layers.Dropout(0.3)(h)
is_ripe = tf.keras.layers.Dense(1)(h)
grader = tf.keras.Model(photo, is_ripe)
grader.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=5e-4),
               loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
               metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0)])
grader.fit(fit_photos, validation_data=check_photos, epochs=5)
