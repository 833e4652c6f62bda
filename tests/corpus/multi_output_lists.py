"""A multi-output model with a loss list, class weights and sample weights."""
import numpy as np
import tensorflow as tf

inputs = tf.keras.Input(shape=(64, 64, 3))
x = tf.keras.layers.Rescaling(1.0 / 255)(inputs)
x = tf.keras.layers.Conv2D(32, 3, activation="relu")(x)
x = tf.keras.layers.MaxPooling2D()(x)
x = tf.keras.layers.Conv2D(64, 3, activation="relu")(x)
x = tf.keras.layers.GlobalAveragePooling2D()(x)
age = tf.keras.layers.Dense(1, name="age")(x)
gender = tf.keras.layers.Dense(1, activation="sigmoid", name="gender")(x)
race = tf.keras.layers.Dense(5, activation="softmax", name="race")(x)
model = tf.keras.Model(inputs, [age, gender, race])
model.compile(optimizer="adam",
              loss=["mse", "binary_crossentropy", "sparse_categorical_crossentropy"],
              loss_weights=[0.1, 1.0, 1.0],
              metrics=[["mae"], ["accuracy"], ["accuracy"]])
images = np.random.randint(0, 255, size=(256, 64, 64, 3)).astype("float32")
model.fit(images, [np.random.rand(256, 1) * 90, np.random.randint(0, 2, (256, 1)),
                   np.random.randint(0, 5, (256,))],
          validation_split=0.2, epochs=2)

binary = tf.keras.Sequential([tf.keras.Input(shape=(20,)),
                              tf.keras.layers.Dense(32, activation="relu"),
                              tf.keras.layers.Dense(1, activation="sigmoid")])
binary.compile(optimizer="adam", loss="binary_crossentropy", metrics=[tf.keras.metrics.AUC()])
features = np.random.rand(1000, 20)
labels = (np.random.rand(1000) > 0.9).astype("float32")
binary.fit(features, labels, class_weight={0: 1.0, 1: 9.0}, validation_split=0.2, epochs=5)
