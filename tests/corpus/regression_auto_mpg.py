"""Fuel consumption from car specifications: one-hot origin columns, Normalization layers adapted
on the training rows, a one-input linear fit and a deeper regressor, scored on held-out cars."""
import numpy as np
import pandas as pd
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

cars = pd.read_csv("car_specs.csv", na_values="?").dropna()
cars["made_in"] = cars["made_in"].map({1: "americas", 2: "europe", 3: "asia"})
cars = pd.get_dummies(cars, columns=["made_in"], dtype="float32")

fit_cars = cars.sample(frac=0.75, random_state=11)
final_cars = cars.drop(fit_cars.index)
fit_specs, final_specs = fit_cars.copy(), final_cars.copy()
fit_consumption = fit_specs.pop("litres_per_100km")
final_consumption = final_specs.pop("litres_per_100km")
SPEC_COLUMNS = fit_specs.shape[1]

# One feature, one weight: how far does engine power alone go?
power = np.array(fit_specs["power_kw"])
power_scaler = layers.Normalization(axis=None)
power_scaler.adapt(power)
power_only = tf.keras.Sequential([keras.Input(shape=(1,)), power_scaler, layers.Dense(1)])
power_only.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.05),
                   loss="mean_absolute_error")
power_only.fit(fit_specs[["power_kw"]], fit_consumption, epochs=60, verbose=0,
               validation_split=0.2)

spec_scaler = layers.Normalization(axis=-1)
spec_scaler.adapt(np.array(fit_specs))


def deep_regressor(scaler):
    # summary() is called below, so the input is declared up front.
    regressor = keras.Sequential([
        keras.Input(shape=(SPEC_COLUMNS,)),
        scaler,
        layers.Dense(48, activation="relu"),
        layers.Dense(48, activation="relu"),
        layers.Dense(1),
    ])
    regressor.compile(loss="mean_absolute_error", optimizer=tf.keras.optimizers.Adam(0.002))
    return regressor


deep = deep_regressor(spec_scaler)
deep.summary()
deep.fit(fit_specs, fit_consumption, validation_split=0.2, epochs=80, verbose=0)
scores = {
    "power only": power_only.evaluate(final_specs[["power_kw"]], final_consumption, verbose=0),
    "all specs": deep.evaluate(final_specs, final_consumption, verbose=0),
}
print(scores, deep.predict(final_specs, verbose=0)[:5].ravel())
