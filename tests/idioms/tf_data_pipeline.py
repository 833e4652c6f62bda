# expect-codes:
import tensorflow as tf

(pictures, kinds), (held_pictures, held_kinds) = tf.keras.datasets.cifar100.load_data()
pictures = pictures.astype("float32") / 255.0
held_pictures = held_pictures.astype("float32") / 255.0
fit_stream = tf.data.Dataset.from_tensor_slices((pictures, kinds)).shuffle(4096).batch(128)
held_stream = tf.data.Dataset.from_tensor_slices((held_pictures, held_kinds)).batch(512)

net = tf.keras.Sequential([
    tf.keras.Input(shape=(32, 32, 3)),
    tf.keras.layers.Conv2D(48, 3, padding="same", activation="relu"),
    tf.keras.layers.MaxPooling2D(),
    tf.keras.layers.Conv2D(96, 3, padding="same", activation="relu"),
    tf.keras.layers.GlobalAveragePooling2D(),
    tf.keras.layers.Dense(100),
])
net.compile(optimizer=tf.keras.optimizers.Adam(1e-3),
            loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"])
net.fit(fit_stream, epochs=8)
net.evaluate(held_stream)
