"""Keras 3 on the JAX backend with FeatureSpace preprocessing (keras.io example style)."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import pandas as pd
import keras
from keras.utils import FeatureSpace

dataframe = pd.read_csv("heart.csv")
val_dataframe = dataframe.sample(frac=0.2, random_state=1337)
train_dataframe = dataframe.drop(val_dataframe.index)
feature_space = FeatureSpace(
    features={
        "sex": FeatureSpace.integer_categorical(num_oov_indices=0),
        "thal": FeatureSpace.string_categorical(num_oov_indices=0),
        "age": FeatureSpace.float_discretized(num_bins=30),
        "chol": FeatureSpace.float_normalized(),
    },
    crosses=[FeatureSpace.cross(feature_names=("sex", "age"), crossing_dim=64)],
    output_mode="concat",
)
train_ds = keras.utils.split_dataset(train_dataframe)
train_ds_with_no_labels = train_ds.map(lambda x, _: x)
feature_space.adapt(train_ds_with_no_labels)
preprocessed_train_ds = train_ds.map(lambda x, y: (feature_space(x), y))
preprocessed_val_ds = train_ds.map(lambda x, y: (feature_space(x), y))

dict_inputs = feature_space.get_inputs()
encoded_features = feature_space.get_encoded_features()
x = keras.layers.Dense(32, activation="relu")(encoded_features)
x = keras.layers.Dropout(0.5)(x)
predictions = keras.layers.Dense(1, activation="sigmoid")(x)
training_model = keras.Model(inputs=encoded_features, outputs=predictions)
training_model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
training_model.fit(preprocessed_train_ds, epochs=20, validation_data=preprocessed_val_ds)
inference_model = keras.Model(inputs=dict_inputs, outputs=predictions)
