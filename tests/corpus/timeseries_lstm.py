"""Next-hour electricity load from a household meter log: chronological 70/20/10 split, scaling
statistics from the training part only, sliding windows and an LSTM."""
import numpy as np
import pandas as pd
import tensorflow as tf

meter = pd.read_csv("household_power.csv", parse_dates=["timestamp"], index_col="timestamp")
hourly = meter.resample("1h").mean().interpolate()
first_cut, second_cut = int(len(hourly) * 0.7), int(len(hourly) * 0.9)
fit_part, check_part, final_part = (hourly[:first_cut], hourly[first_cut:second_cut],
                                    hourly[second_cut:])
centre, spread = fit_part.mean(), fit_part.std()
fit_part = (fit_part - centre) / spread
check_part = (check_part - centre) / spread
final_part = (final_part - centre) / spread
LOAD_COLUMN = list(hourly.columns).index("active_power")
HISTORY = 48


def windows(frame, history=HISTORY):
    values = frame.to_numpy(dtype=np.float32)
    return tf.keras.utils.timeseries_dataset_from_array(
        values[:-history], targets=values[history:, LOAD_COLUMN], sequence_length=history,
        batch_size=64, shuffle=True)


fit_windows, check_windows, final_windows = (windows(fit_part), windows(check_part),
                                             windows(final_part))

forecaster = tf.keras.Sequential([
    tf.keras.layers.LSTM(48),
    tf.keras.layers.Dense(16, activation="relu"),
    tf.keras.layers.Dense(1),
])
hourly_profile = tf.keras.Sequential([
    tf.keras.Input(shape=(HISTORY, hourly.shape[1])),
    tf.keras.layers.Dense(16, activation="relu"),
    tf.keras.layers.TimeDistributed(tf.keras.layers.Dense(1)),
])


def train_with_patience(model, fit_data, check_data, patience=3):
    stopper = tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience,
                                               restore_best_weights=True)
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss=tf.keras.losses.Huber(),
                  metrics=[tf.keras.metrics.MeanAbsoluteError()])
    return model.fit(fit_data, validation_data=check_data, epochs=30, callbacks=[stopper])


curves = train_with_patience(forecaster, fit_windows, check_windows)
print(forecaster.evaluate(final_windows, verbose=0))
