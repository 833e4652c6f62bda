"""Cross-validation picks the number of epochs; the chosen configuration is then refit on every
labelled row and saved for deployment. The refit is not a new experiment: its error was
already estimated by the folds."""
import numpy as np
from sklearn.model_selection import KFold
from tensorflow import keras
from tensorflow.keras import layers

table = np.load("soil_samples.npz")
samples = table["samples"].astype("float32")
moisture = table["moisture"].astype("float32")
samples = (samples - samples.mean(axis=0)) / samples.std(axis=0)


def moisture_model():
    net = keras.Sequential([
        keras.Input(shape=(samples.shape[1],)),
        layers.Dense(32, activation="relu"),
        layers.Dense(1),
    ])
    net.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return net


fold_curves = []
for fit_rows, check_rows in KFold(n_splits=5, shuffle=True, random_state=0).split(samples):
    trial = moisture_model()
    curve = trial.fit(samples[fit_rows], moisture[fit_rows], epochs=100, verbose=0,
                      validation_data=(samples[check_rows], moisture[check_rows]))
    fold_curves.append(curve.history["val_mae"])
best_epochs = int(np.argmin(np.mean(fold_curves, axis=0))) + 1

deployed = moisture_model()
deployed.fit(samples, moisture, epochs=best_epochs, verbose=0)
deployed.save("soil_moisture.keras")
