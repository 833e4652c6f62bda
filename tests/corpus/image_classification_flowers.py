"""Bird species from a folder of photos: the split is made by image_dataset_from_directory, the
augmentation and the rescaling live inside the model, and the head outputs logits."""
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

PHOTO_SIZE = (150, 150)
folder_options = dict(validation_split=0.25, seed=2024, image_size=PHOTO_SIZE, batch_size=24)
fitting_ds = keras.utils.image_dataset_from_directory("bird_photos", subset="training",
                                                      **folder_options)
checking_ds = keras.utils.image_dataset_from_directory("bird_photos", subset="validation",
                                                       **folder_options)
species = fitting_ds.class_names
fitting_ds = fitting_ds.cache().shuffle(512).prefetch(tf.data.AUTOTUNE)
checking_ds = checking_ds.cache().prefetch(tf.data.AUTOTUNE)

jitter = keras.Sequential([
    layers.RandomFlip("horizontal", input_shape=PHOTO_SIZE + (3,)),
    layers.RandomRotation(0.05),
    layers.RandomContrast(0.2),
], name="jitter")

bird_net = keras.Sequential([
    jitter,
    layers.Rescaling(1.0 / 255),
    layers.Conv2D(24, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(),
    layers.Conv2D(48, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(),
    layers.Conv2D(96, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dropout(0.3),
    layers.Dense(96, activation="relu"),
    layers.Dense(len(species), name="species_logits"),
])
bird_net.compile(optimizer="adam",
                 loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                 metrics=["accuracy"])
bird_net.summary()
bird_net.fit(fitting_ds, validation_data=checking_ds, epochs=12)

snapshot = keras.utils.load_img("garden_visitor.jpg", target_size=PHOTO_SIZE)
snapshot = tf.expand_dims(keras.utils.img_to_array(snapshot), 0)
chances = tf.nn.softmax(bird_net.predict(snapshot, verbose=0)[0])
print(species[int(tf.argmax(chances))], float(tf.reduce_max(chances)))
