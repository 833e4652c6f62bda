"""An autoencoder trained with fit(x, x): the inputs are their own targets, so there is no label
to leak and no classifier to validate; the code layer is what the script wants."""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

readings = np.load("vibration_windows.npy").astype("float32")
readings = (readings - readings.mean(axis=0)) / readings.std(axis=0)

window = keras.Input(shape=(readings.shape[1],))
code = layers.Dense(32, activation="relu")(window)
code = layers.Dense(6, activation="relu")(code)
rebuilt = layers.Dense(32, activation="relu")(code)
rebuilt = layers.Dense(readings.shape[1])(rebuilt)
compressor = keras.Model(window, rebuilt)
compressor.compile(optimizer="adam", loss="mse")
compressor.fit(readings, readings, epochs=30, batch_size=64, shuffle=True)

encoder = keras.Model(window, code)
codes = encoder.predict(readings, verbose=0)
errors = np.mean((compressor.predict(readings, verbose=0) - readings) ** 2, axis=1)
print("windows that rebuild worst:", np.argsort(errors)[-10:])
