"""Choose the width on a validation split, then retrain the chosen configuration on training plus
validation rows together and score it once on the untouched test rows."""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

(houses, prices), (test_houses, test_prices) = keras.datasets.california_housing.load_data()
centre, spread = houses.mean(axis=0), houses.std(axis=0)
houses = (houses - centre) / spread
test_houses = (test_houses - centre) / spread
fit_houses, check_houses = houses[:-3000], houses[-3000:]
fit_prices, check_prices = prices[:-3000], prices[-3000:]


def regressor(width):
    net = keras.Sequential([
        keras.Input(shape=(8,)),
        layers.Dense(width, activation="relu"),
        layers.Dense(width, activation="relu"),
        layers.Dense(1),
    ])
    net.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return net


validation_mae = {}
for width in (16, 64, 256):
    candidate = regressor(width)
    candidate.fit(fit_houses, fit_prices, epochs=20, verbose=0,
                  validation_data=(check_houses, check_prices))
    validation_mae[width] = candidate.evaluate(check_houses, check_prices, verbose=0)[1]
best_width = min(validation_mae, key=validation_mae.get)

# The choice is made; the validation rows now become training rows.
final = regressor(best_width)
final.fit(np.concatenate([fit_houses, check_houses]), np.concatenate([fit_prices, check_prices]),
          epochs=20, verbose=0)
print("test MAE:", final.evaluate(test_houses, test_prices, verbose=0)[1])
