# expect-codes:
import tensorflow as tf

train_dataset = tf.keras.utils.image_dataset_from_directory(train_dir, shuffle=True, batch_size=32,
                                                            image_size=(160, 160))
validation_dataset = tf.keras.utils.image_dataset_from_directory(validation_dir, batch_size=32,
                                                                 image_size=(160, 160))
preprocess_input = tf.keras.applications.mobilenet_v2.preprocess_input
base_model = tf.keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False,
                                               weights='imagenet')
base_model.trainable = False
global_average_layer = tf.keras.layers.GlobalAveragePooling2D()
prediction_layer = tf.keras.layers.Dense(1)
inputs = tf.keras.Input(shape=(160, 160, 3))
x = preprocess_input(inputs)
x = base_model(x, training=False)
x = global_average_layer(x)
x = tf.keras.layers.Dropout(0.2)(x)
outputs = prediction_layer(x)
model = tf.keras.Model(inputs, outputs)
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.0001),
              loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
              metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.5, name='accuracy')])
history = model.fit(train_dataset, epochs=10, validation_data=validation_dataset)
