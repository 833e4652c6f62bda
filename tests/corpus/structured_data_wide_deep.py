"""Loan approval from a CSV: each column gets its own input and its own preprocessing layer,
adapted on the training rows; a deep path and a wide shortcut meet at a sigmoid."""
import pandas as pd
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

applications = pd.read_csv("loan_applications.csv")
check_frame = applications.sample(frac=0.2, random_state=21)
fit_frame = applications.drop(check_frame.index)


def frame_to_dataset(frame, batch_size=48):
    frame = frame.copy()
    approved = frame.pop("approved")
    pairs = tf.data.Dataset.from_tensor_slices((dict(frame), approved))
    return pairs.shuffle(len(frame)).batch(batch_size)


fit_ds = frame_to_dataset(fit_frame)
check_ds = frame_to_dataset(check_frame)


def column(dataset, name):
    return dataset.map(lambda features, _: tf.expand_dims(features[name], -1))


def scaled(column_input, name):
    scaler = layers.Normalization()
    scaler.adapt(column(fit_ds, name))
    return scaler(column_input)


def one_hot(column_input, name, lookup_type):
    lookup = lookup_type(output_mode="one_hot")
    lookup.adapt(column(fit_ds, name))
    return lookup(column_input)


income = keras.Input(shape=(1,), name="income")
loan_amount = keras.Input(shape=(1,), name="loan_amount")
dependants = keras.Input(shape=(1,), name="dependants", dtype="int64")
employment = keras.Input(shape=(1,), name="employment", dtype="string")
encoded = layers.concatenate([
    scaled(income, "income"),
    scaled(loan_amount, "loan_amount"),
    one_hot(dependants, "dependants", layers.IntegerLookup),
    one_hot(employment, "employment", layers.StringLookup),
])
deep_path = layers.Dense(24, activation="relu")(encoded)
deep_path = layers.Dropout(0.3)(deep_path)
deep_path = layers.Dense(12, activation="relu")(deep_path)
both = layers.concatenate([deep_path, encoded])
approval = layers.Dense(1, activation="sigmoid")(both)
approval_model = keras.Model([income, loan_amount, dependants, employment], approval)
approval_model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
approval_model.fit(fit_ds, validation_data=check_ds, epochs=30)
