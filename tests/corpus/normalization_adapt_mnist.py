"""Scaling learned from the training split only: a Normalization layer adapted on the training
images, and a StandardScaler fit on the training houses."""
import keras
from keras import layers
from sklearn.preprocessing import StandardScaler

(train_images, train_labels), (test_images, test_labels) = keras.datasets.mnist.load_data()
train_images = train_images.reshape(len(train_images), -1).astype("float32")
test_images = test_images.reshape(len(test_images), -1).astype("float32")

per_pixel = layers.Normalization()
per_pixel.adapt(train_images)

flat = keras.Input(shape=(784,))
h = per_pixel(flat)
h = layers.Dense(160, activation="relu")(h)
h = layers.Dropout(0.25)(h)
digit = layers.Dense(10, activation="softmax")(h)
digit_model = keras.Model(flat, digit)
digit_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
digit_model.fit(train_images, train_labels, validation_data=(test_images, test_labels), epochs=4)

(train_houses, train_values), (test_houses, test_values) = (
    keras.datasets.california_housing.load_data())
standardizer = StandardScaler().fit(train_houses)
train_houses = standardizer.transform(train_houses)
test_houses = standardizer.transform(test_houses)
value_model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(48, activation="relu"),
    layers.Dense(24, activation="relu"),
    layers.Dense(1),
])
value_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.005, momentum=0.9),
                    loss="mse", metrics=["mae"])
value_model.fit(train_houses, train_values, validation_split=0.15, epochs=15)
value_model.evaluate(test_houses, test_values)
