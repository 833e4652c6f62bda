"""House prices from few samples: k-fold cross-validation estimates the error, then one model
is trained on every training row and scored once on the test rows."""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

(houses, prices), (test_houses, test_prices) = keras.datasets.boston_housing.load_data()
column_mean = houses.mean(axis=0)
column_std = houses.std(axis=0)
houses = (houses - column_mean) / column_std
test_houses = (test_houses - column_mean) / column_std


def price_regressor():
    net = keras.Sequential([
        layers.Dense(48, activation="relu"),
        layers.Dense(48, activation="relu"),
        layers.Dense(1),
    ])
    net.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return net


FOLDS = 5
fold_size = len(houses) // FOLDS
fold_errors = []
for fold in range(FOLDS):
    start, stop = fold * fold_size, (fold + 1) * fold_size
    held_rows, held_prices = houses[start:stop], prices[start:stop]
    kept_rows = np.delete(houses, np.s_[start:stop], axis=0)
    kept_prices = np.delete(prices, np.s_[start:stop], axis=0)
    net = price_regressor()
    net.fit(kept_rows, kept_prices, epochs=80, batch_size=8, verbose=0)
    _, fold_mae = net.evaluate(held_rows, held_prices, verbose=0)
    fold_errors.append(fold_mae)
print("mean absolute error per fold:", np.round(fold_errors, 2))

net = price_regressor()
net.fit(houses, prices, epochs=80, batch_size=8, verbose=0)
print("test MAE:", net.evaluate(test_houses, test_prices, verbose=0)[1])
