"""The same tutorial with Keras 3's argument names and a learning-rate schedule."""
import numpy as np
from tensorflow.keras.layers import Dense
from tensorflow.keras.models import Sequential
from tensorflow.keras.optimizers import SGD
from tensorflow.keras.optimizers.schedules import InverseTimeDecay

rng = np.random.default_rng(0)
X = rng.normal(size=(768, 8)).astype("float32")
Y = (X[:, 1] > 0).astype("float32")

model = Sequential()
model.add(Dense(12, input_dim=8, kernel_initializer="uniform", activation="relu"))
model.add(Dense(8, activation="relu"))
model.add(Dense(1, activation="sigmoid"))
schedule = InverseTimeDecay(0.01, decay_steps=1, decay_rate=1e-6)
sgd = SGD(learning_rate=schedule, momentum=0.9)
model.compile(loss="binary_crossentropy", optimizer=sgd, metrics=["accuracy"])
model.fit(X, Y, epochs=150, batch_size=10, validation_split=0.2)
