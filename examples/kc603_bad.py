"""A regression model trained with Adam at a learning rate of 1.0: the loss explodes."""
import numpy as np
from tensorflow import keras

rng = np.random.default_rng(0)
x = rng.normal(size=(1000, 20)).astype("float32")
y = x @ rng.normal(size=(20,)).astype("float32")

model = keras.Sequential([
    keras.Input(shape=(20,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1.0), loss="mse")
model.fit(x, y, epochs=20, validation_split=0.2)
