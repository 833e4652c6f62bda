"""The Pima diabetes tutorial written for Keras 1 and 2: init=, lr=, decay= and nb_epoch=."""
import numpy as np
from tensorflow.keras.layers import Dense
from tensorflow.keras.models import Sequential
from tensorflow.keras.optimizers import SGD

rng = np.random.default_rng(0)
X = rng.normal(size=(768, 8)).astype("float32")
Y = (X[:, 1] > 0).astype("float32")

model = Sequential()
model.add(Dense(12, input_dim=8, init="uniform", activation="relu"))  # expect: KC602
model.add(Dense(8, activation="relu"))
model.add(Dense(1, activation="sigmoid"))
sgd = SGD(lr=0.01, decay=1e-6, momentum=0.9)  # expect: KC602, KC602
model.compile(loss="binary_crossentropy", optimizer=sgd, metrics=["accuracy"])
model.fit(X, Y, nb_epoch=150, batch_size=10, validation_split=0.2)  # expect: KC602
