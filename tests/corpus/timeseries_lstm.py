"""Time series forecasting with windows and an LSTM (TF tutorial style)."""
import numpy as np
import pandas as pd
import tensorflow as tf

df = pd.read_csv("jena_climate_2009_2016.csv")
df = df[5::6]
n = len(df)
train_df = df[0:int(n * 0.7)]
val_df = df[int(n * 0.7):int(n * 0.9)]
test_df = df[int(n * 0.9):]
train_mean = train_df.mean()
train_std = train_df.std()
train_df = (train_df - train_mean) / train_std
val_df = (val_df - train_mean) / train_std
test_df = (test_df - train_mean) / train_std


def make_dataset(data, sequence_length=24):
    data = np.array(data, dtype=np.float32)
    return tf.keras.utils.timeseries_dataset_from_array(
        data=data[:-sequence_length], targets=data[sequence_length:, 1],
        sequence_length=sequence_length, sequence_stride=1, shuffle=True, batch_size=32)


train_ds = make_dataset(train_df)
val_ds = make_dataset(val_df)
test_ds = make_dataset(test_df)

lstm_model = tf.keras.models.Sequential([
    tf.keras.layers.LSTM(32, return_sequences=True),
    tf.keras.layers.Dense(units=1)
])
per_step = tf.keras.Sequential([
    tf.keras.Input(shape=(24, 14)),
    tf.keras.layers.Dense(32, activation='relu'),
    tf.keras.layers.TimeDistributed(tf.keras.layers.Dense(1)),
])
MAX_EPOCHS = 20


def compile_and_fit(model, train, val, patience=2):
    early_stopping = tf.keras.callbacks.EarlyStopping(monitor='val_loss', patience=patience,
                                                      mode='min')
    model.compile(loss=tf.keras.losses.MeanSquaredError(),
                  optimizer=tf.keras.optimizers.Adam(),
                  metrics=[tf.keras.metrics.MeanAbsoluteError()])
    history = model.fit(train, epochs=MAX_EPOCHS, validation_data=val,
                        callbacks=[early_stopping])
    return history


history = compile_and_fit(lstm_model, train_ds, val_ds)
lstm_model.evaluate(test_ds, verbose=0)
