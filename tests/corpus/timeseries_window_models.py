"""A family of forecasters over windows of weather readings, from a single linear layer to
convolutions, all trained by one helper; several predict per time step on purpose."""
import tensorflow as tf

SENSORS = 11
KERNEL = 4
HORIZON = 12

one_layer = tf.keras.Sequential([tf.keras.layers.Dense(1)])
per_step_mlp = tf.keras.Sequential([
    tf.keras.layers.Dense(32, activation="relu"),
    tf.keras.layers.Dense(1),
])
flattened_window = tf.keras.Sequential([
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(48, activation="relu"),
    tf.keras.layers.Dense(1),
    tf.keras.layers.Reshape([1, -1]),
])
sliding_conv = tf.keras.Sequential([
    tf.keras.layers.Conv1D(24, kernel_size=(KERNEL,), activation="relu"),
    tf.keras.layers.Dense(24, activation="relu"),
    tf.keras.layers.Dense(1),
])
# Forecasts start at "no change": the output layer begins at zero and learns corrections.
whole_horizon = tf.keras.Sequential([
    tf.keras.layers.Lambda(lambda window: window[:, -KERNEL:, :]),
    tf.keras.layers.Conv1D(128, kernel_size=(KERNEL), activation="relu"),
    tf.keras.layers.Dense(HORIZON * SENSORS, kernel_initializer=tf.initializers.zeros()),
    tf.keras.layers.Reshape([HORIZON, SENSORS]),
])
declared_input = tf.keras.Sequential([
    tf.keras.Input(shape=(36, SENSORS)),
    tf.keras.layers.Dense(16, activation="relu"),
    tf.keras.layers.Dense(1),
])


def fit_forecaster(model, fit_windows, check_windows):
    stopper = tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=3)
    model.compile(optimizer=tf.keras.optimizers.Adam(), loss=tf.keras.losses.MeanSquaredError(),
                  metrics=[tf.keras.metrics.MeanAbsoluteError()])
    return model.fit(fit_windows, validation_data=check_windows, epochs=25, callbacks=[stopper])


forecasters = {"one_layer": one_layer, "per_step_mlp": per_step_mlp,
               "flattened_window": flattened_window, "sliding_conv": sliding_conv,
               "whole_horizon": whole_horizon, "declared_input": declared_input}
histories = {name: fit_forecaster(model, weather_fit, weather_check)
             for name, model in forecasters.items()}
