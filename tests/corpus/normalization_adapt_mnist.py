"""Preprocessing layers in the model: Normalization adapted on the training images only."""
import numpy as np
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
x_train = x_train.reshape((len(x_train), -1))
x_test = x_test.reshape((len(x_test), -1))
input_shape = x_train.shape[1:]
classes = 10

normalizer = layers.Normalization()
normalizer.adapt(x_train)

inputs = keras.Input(shape=input_shape)
x = normalizer(inputs)
x = layers.Dense(256, activation="relu")(x)
x = layers.Dropout(0.3)(x)
outputs = layers.Dense(classes, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, validation_data=(x_test, y_test), epochs=5)

california = keras.datasets.california_housing.load_data()
(x_house, y_house), (x_house_test, y_house_test) = california
from sklearn.preprocessing import StandardScaler
scaler = StandardScaler().fit(x_house)
x_house = scaler.transform(x_house)
x_house_test = scaler.transform(x_house_test)
regressor = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(64, activation="relu"),
                              layers.Dense(64, activation="relu"), layers.Dense(1)])
regressor.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9), loss="mse",
                  metrics=["mae"])
regressor.fit(x_house, y_house, validation_split=0.2, epochs=20)
regressor.evaluate(x_house_test, y_house_test)
