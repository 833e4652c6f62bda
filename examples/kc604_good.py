"""The same regression with a positive learning rate."""
import numpy as np
from tensorflow import keras

rng = np.random.default_rng(0)
x = rng.uniform(size=(500, 8)).astype("float32")
y = x.sum(axis=1)

model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
model.fit(x, y, epochs=20, validation_split=0.2)
