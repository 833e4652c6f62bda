"""Structured data: numeric, categorical and wide features joined in a functional model."""
import pandas as pd
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

dataframe = pd.read_csv("heart.csv")
val_dataframe = dataframe.sample(frac=0.2, random_state=1337)
train_dataframe = dataframe.drop(val_dataframe.index)


def dataframe_to_dataset(dataframe):
    dataframe = dataframe.copy()
    labels = dataframe.pop("target")
    ds = tf.data.Dataset.from_tensor_slices((dict(dataframe), labels))
    return ds.shuffle(buffer_size=len(dataframe))


train_ds = dataframe_to_dataset(train_dataframe).batch(32)
val_ds = dataframe_to_dataset(val_dataframe).batch(32)


def encode_numerical_feature(feature, name, dataset):
    normalizer = layers.Normalization()
    feature_ds = dataset.map(lambda x, y: x[name])
    feature_ds = feature_ds.map(lambda x: tf.expand_dims(x, -1))
    normalizer.adapt(feature_ds)
    return normalizer(feature)


def encode_categorical_feature(feature, name, dataset):
    lookup = layers.IntegerLookup(output_mode="binary")
    feature_ds = dataset.map(lambda x, y: x[name])
    feature_ds = feature_ds.map(lambda x: tf.expand_dims(x, -1))
    lookup.adapt(feature_ds)
    return lookup(feature)


age = keras.Input(shape=(1,), name="age")
chol = keras.Input(shape=(1,), name="chol")
sex = keras.Input(shape=(1,), name="sex", dtype="int64")
all_inputs = [age, chol, sex]
encoded = [
    encode_numerical_feature(age, "age", train_ds),
    encode_numerical_feature(chol, "chol", train_ds),
    encode_categorical_feature(sex, "sex", train_ds),
]
all_features = layers.concatenate(encoded)
deep = layers.Dense(32, activation="relu")(all_features)
deep = layers.Dropout(0.5)(deep)
wide_and_deep = layers.concatenate([deep, all_features])
output = layers.Dense(1, activation="sigmoid")(wide_and_deep)
model = keras.Model(all_inputs, output)
model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
model.fit(train_ds, epochs=50, validation_data=val_ds)
