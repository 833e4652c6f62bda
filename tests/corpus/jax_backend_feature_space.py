"""Keras 3 on the JAX backend: a FeatureSpace learns its vocabularies and statistics from the
training rows only and turns each row of a CSV into one vector."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import pandas as pd
import tensorflow as tf
import keras
from keras.utils import FeatureSpace

customers = pd.read_csv("churn.csv")
check_rows = customers.sample(frac=0.2, random_state=5)
fit_rows = customers.drop(check_rows.index)


def rows_to_dataset(frame):
    frame = frame.copy()
    churned = frame.pop("churned")
    return tf.data.Dataset.from_tensor_slices((dict(frame), churned)).batch(64)


fit_ds = rows_to_dataset(fit_rows)
check_ds = rows_to_dataset(check_rows)

encoding = FeatureSpace(
    features={
        "plan": FeatureSpace.string_categorical(num_oov_indices=1),
        "region": FeatureSpace.integer_categorical(num_oov_indices=1),
        "tenure_months": FeatureSpace.float_discretized(num_bins=12),
        "monthly_bill": FeatureSpace.float_normalized(),
    },
    crosses=[FeatureSpace.cross(feature_names=("plan", "region"), crossing_dim=32)],
    output_mode="concat",
)
encoding.adapt(fit_ds.map(lambda features, _: features))
encoded_fit_ds = fit_ds.map(lambda features, label: (encoding(features), label))
encoded_check_ds = check_ds.map(lambda features, label: (encoding(features), label))

encoded = encoding.get_encoded_features()
hidden = keras.layers.Dense(24, activation="relu")(encoded)
hidden = keras.layers.Dropout(0.3)(hidden)
churn_probability = keras.layers.Dense(1, activation="sigmoid")(hidden)
churn_model = keras.Model(encoded, churn_probability)
churn_model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
churn_model.fit(encoded_fit_ds, validation_data=encoded_check_ds, epochs=15)

# For serving: the encoded features hang off the FeatureSpace's raw inputs, so the same
# graph can start from raw feature dictionaries.
serving_model = keras.Model(encoding.get_inputs(), churn_probability)
