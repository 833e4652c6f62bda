"""A generated corpus of Keras scripts in the styles of the official keras.io tutorials.

``write_corpus(directory, count, buggy_fraction)`` writes ``count`` scripts. Each script joins a
few tutorial-style sections (a MNIST convnet, the functional API, a subclassed model with a
custom ``train_step``, a tf.data image pipeline, transfer learning, a GradientTape loop,
structured data with preprocessing layers, a timeseries LSTM, text classification), with their
Markdown-in-docstring prose, varied names and sizes, so a file looks like a keras.io example
(200 to 400 lines). Clean scripts are correct Keras code; a "buggy" script has one hidden
``Dense`` layer without an activation feeding another ``Dense`` layer (KC201).

Run it to write a corpus somewhere: ``python benchmarks/corpus.py /tmp/corpus 195 0.5``.
"""

from __future__ import annotations

import os
import random
import sys
from string import Template

HEADER = Template('''"""
Title: $title
Author: generated for the kerascheck benchmark (file $index)
Description: $description
Accelerator: GPU
"""

"""
## Setup
"""

import os

os.environ["KERAS_BACKEND"] = "tensorflow"

import numpy as np
import tensorflow as tf
import keras
from keras import layers
from keras import ops
''')

MNIST = Template('''
"""
## Prepare the data ($name)

We load MNIST, scale images to the [0, 1] range and make sure they have shape (28, 28, 1).
"""

num_classes_$name = 10
input_shape_$name = (28, 28, 1)

(x_train_$name, y_train_$name), (x_test_$name, y_test_$name) = keras.datasets.mnist.load_data()
x_train_$name = x_train_$name.astype("float32") / 255
x_test_$name = x_test_$name.astype("float32") / 255
x_train_$name = np.expand_dims(x_train_$name, -1)
x_test_$name = np.expand_dims(x_test_$name, -1)
print("x_train shape:", x_train_$name.shape)
print(x_train_$name.shape[0], "train samples")
print(x_test_$name.shape[0], "test samples")

y_train_$name = keras.utils.to_categorical(y_train_$name, num_classes_$name)
y_test_$name = keras.utils.to_categorical(y_test_$name, num_classes_$name)

"""
## Build the model
"""

model_$name = keras.Sequential(
    [
        keras.Input(shape=input_shape_$name),
        layers.Conv2D($filters, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D($filters2, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout($dropout),
        layers.Dense($units$hidden_activation),
        layers.Dense(num_classes_$name, activation="softmax"),
    ]
)

model_$name.summary()

"""
## Train the model
"""

batch_size = $batch
epochs = $epochs

model_$name.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])

model_$name.fit(x_train_$name, y_train_$name, batch_size=batch_size, epochs=epochs,
                validation_split=0.1)

"""
## Evaluate the trained model
"""

score = model_$name.evaluate(x_test_$name, y_test_$name, verbose=0)
print("Test loss:", score[0])
print("Test accuracy:", score[1])
''')

FUNCTIONAL = Template('''
"""
## The functional API ($name)

A model with three inputs and two outputs, ranking customer issue tickets by priority and
routing them to the right department.
"""

num_tags_$name = $tags
num_words_$name = $words
num_departments_$name = 4

title_input = keras.Input(shape=(None,), name="title")
body_input = keras.Input(shape=(None,), name="body")
tags_input = keras.Input(shape=(num_tags_$name,), name="tags")

title_features = layers.Embedding(num_words_$name, 64)(title_input)
body_features = layers.Embedding(num_words_$name, 64)(body_input)
title_features = layers.LSTM(128)(title_features)
body_features = layers.LSTM(32)(body_features)

x = layers.concatenate([title_features, body_features, tags_input])
x = layers.Dense($units, activation="relu")(x)

priority_pred = layers.Dense(1, name="priority")(x)
department_pred = layers.Dense(num_departments_$name, name="department")(x)

model_$name = keras.Model(
    inputs=[title_input, body_input, tags_input],
    outputs={"priority": priority_pred, "department": department_pred},
)

model_$name.compile(
    optimizer=keras.optimizers.RMSprop(1e-3),
    loss={
        "priority": keras.losses.BinaryCrossentropy(from_logits=True),
        "department": keras.losses.CategoricalCrossentropy(from_logits=True),
    },
    loss_weights={"priority": 1.0, "department": 0.2},
)

title_data = np.random.randint(num_words_$name, size=(1280, 10))
body_data = np.random.randint(num_words_$name, size=(1280, 100))
tags_data = np.random.randint(2, size=(1280, num_tags_$name)).astype("float32")
priority_targets = np.random.random(size=(1280, 1))
dept_targets = np.random.randint(2, size=(1280, num_departments_$name))

model_$name.fit(
    {"title": title_data, "body": body_data, "tags": tags_data},
    {"priority": priority_targets, "department": dept_targets},
    epochs=$epochs,
    batch_size=$batch,
    validation_split=0.2,
)
''')

SUBCLASSED = Template('''
"""
## Customizing what happens in `fit()` ($name)

We subclass `keras.Model` and override `train_step` to control the update ourselves.
"""


class CustomModel_$name(keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = keras.losses.mean_squared_error(y, y_pred)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]


inputs = keras.Input(shape=($features,))
hidden = layers.Dense($units, activation="relu")(inputs)
outputs = layers.Dense(1)(hidden)
model_$name = CustomModel_$name(inputs, outputs)
model_$name.compile(optimizer="adam")

x = np.random.random(($samples, $features))
y = np.random.random(($samples, 1))
x_val = np.random.random((200, $features))
y_val = np.random.random((200, 1))
model_$name.fit(x, y, epochs=$epochs, validation_data=(x_val, y_val))
''')

IMAGE_PIPELINE = Template('''
"""
## Image classification from scratch ($name)

We read JPEG files from disk with `image_dataset_from_directory`, augment them, and train a
small residual network. Rescaling happens inside the model.
"""

image_size_$name = ($size, $size)
batch_size_$name = $batch

train_ds_$name, val_ds_$name = keras.utils.image_dataset_from_directory(
    "PetImages",
    validation_split=0.2,
    subset="both",
    seed=1337,
    image_size=image_size_$name,
    batch_size=batch_size_$name,
)

data_augmentation_layers = [
    layers.RandomFlip("horizontal"),
    layers.RandomRotation(0.1),
]


def data_augmentation_$name(images):
    for layer in data_augmentation_layers:
        images = layer(images)
    return images


train_ds_$name = train_ds_$name.map(
    lambda img, label: (data_augmentation_$name(img), label),
    num_parallel_calls=tf.data.AUTOTUNE,
)
train_ds_$name = train_ds_$name.prefetch(tf.data.AUTOTUNE)
val_ds_$name = val_ds_$name.prefetch(tf.data.AUTOTUNE)


def make_model_$name(input_shape, num_classes):
    inputs = keras.Input(shape=input_shape)
    x = layers.Rescaling(1.0 / 255)(inputs)
    x = layers.Conv2D(128, 3, strides=2, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)

    previous_block_activation = x

    for size in [256, 512, 728]:
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(size, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(size, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.MaxPooling2D(3, strides=2, padding="same")(x)
        residual = layers.Conv2D(size, 1, strides=2, padding="same")(previous_block_activation)
        x = layers.add([x, residual])
        previous_block_activation = x

    x = layers.SeparableConv2D(1024, 3, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    if num_classes == 2:
        units = 1
    else:
        units = num_classes
    x = layers.Dropout(0.25)(x)
    outputs = layers.Dense(units, activation=None)(x)
    return keras.Model(inputs, outputs)


model_$name = make_model_$name(input_shape=image_size_$name + (3,), num_classes=2)
model_$name.compile(
    optimizer=keras.optimizers.Adam(3e-4),
    loss=keras.losses.BinaryCrossentropy(from_logits=True),
    metrics=[keras.metrics.BinaryAccuracy(name="acc")],
)
callbacks = [keras.callbacks.ModelCheckpoint("save_at_{epoch}.keras")]
model_$name.fit(train_ds_$name, epochs=$epochs, callbacks=callbacks, validation_data=val_ds_$name)
''')

TRANSFER = Template('''
"""
## Transfer learning & fine-tuning ($name)

Instantiate a base model with pre-trained weights, freeze it, and train a new head.
"""

base_model_$name = keras.applications.Xception(
    weights="imagenet",
    input_shape=($size, $size, 3),
    include_top=False,
)
base_model_$name.trainable = False

inputs = keras.Input(shape=($size, $size, 3))
scale_layer = layers.Rescaling(scale=1 / 127.5, offset=-1)
x = scale_layer(inputs)
x = base_model_$name(x, training=False)
x = layers.GlobalAveragePooling2D()(x)
x = layers.Dropout($dropout)(x)
x = layers.Dense($units$hidden_activation)(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model_$name = keras.Model(inputs, outputs)

model_$name.summary(show_trainable=True)
model_$name.compile(
    optimizer=keras.optimizers.Adam(),
    loss=keras.losses.BinaryCrossentropy(),
    metrics=[keras.metrics.BinaryAccuracy()],
)

epochs = $epochs
print("Fitting the top layer of the model")
model_$name.fit(train_ds, epochs=epochs, validation_data=validation_ds)

base_model_$name.trainable = True
model_$name.compile(
    optimizer=keras.optimizers.Adam(1e-5),
    loss=keras.losses.BinaryCrossentropy(),
    metrics=[keras.metrics.BinaryAccuracy()],
)
print("Fitting the end-to-end model")
model_$name.fit(train_ds, epochs=2, validation_data=validation_ds)
print("Test dataset evaluation")
model_$name.evaluate(test_ds)
''')

TRAINING_LOOP = Template('''
"""
## Writing a training loop from scratch ($name)
"""


def get_model_$name():
    inputs = keras.Input(shape=(784,), name="digits")
    x1 = keras.layers.Dense($units, activation="relu")(inputs)
    x2 = keras.layers.Dense($units, activation="relu")(x1)
    outputs = keras.layers.Dense(10, name="predictions")(x2)
    return keras.Model(inputs=inputs, outputs=outputs)


model_$name = get_model_$name()
optimizer = keras.optimizers.Adam(learning_rate=1e-3)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
train_acc_metric = keras.metrics.SparseCategoricalAccuracy()
val_acc_metric = keras.metrics.SparseCategoricalAccuracy()

batch_size = $batch
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = np.reshape(x_train, (-1, 784)).astype("float32") / 255.0
x_test = np.reshape(x_test, (-1, 784)).astype("float32") / 255.0
x_val = x_train[-10000:]
y_val = y_train[-10000:]
x_train = x_train[:-10000]
y_train = y_train[:-10000]

train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
train_dataset = train_dataset.shuffle(buffer_size=1024).batch(batch_size)
val_dataset = tf.data.Dataset.from_tensor_slices((x_val, y_val))
val_dataset = val_dataset.batch(batch_size)


@tf.function
def train_step_$name(x, y):
    with tf.GradientTape() as tape:
        logits = model_$name(x, training=True)
        loss_value = loss_fn(y, logits)
    grads = tape.gradient(loss_value, model_$name.trainable_weights)
    optimizer.apply_gradients(zip(grads, model_$name.trainable_weights))
    train_acc_metric.update_state(y, logits)
    return loss_value


@tf.function
def test_step_$name(x, y):
    val_logits = model_$name(x, training=False)
    val_acc_metric.update_state(y, val_logits)


epochs = $epochs
for epoch in range(epochs):
    print(f"Start of epoch {epoch}")
    for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
        loss_value = train_step_$name(x_batch_train, y_batch_train)
        if step % 200 == 0:
            print(f"Training loss at step {step}: {float(loss_value):.4f}")
    train_acc = train_acc_metric.result()
    print(f"Training acc over epoch: {float(train_acc):.4f}")
    train_acc_metric.reset_state()
    for x_batch_val, y_batch_val in val_dataset:
        test_step_$name(x_batch_val, y_batch_val)
    val_acc = val_acc_metric.result()
    val_acc_metric.reset_state()
    print(f"Validation acc: {float(val_acc):.4f}")
''')

STRUCTURED = Template('''
"""
## Structured data classification ($name)

Numerical features are normalized with a `Normalization` layer adapted on the training split
only; categorical features are one-hot encoded with `StringLookup`.
"""

import pandas as pd

dataframe = pd.read_csv("heart.csv")
val_dataframe = dataframe.sample(frac=0.2, random_state=1337)
train_dataframe = dataframe.drop(val_dataframe.index)


def dataframe_to_dataset(dataframe):
    dataframe = dataframe.copy()
    labels = dataframe.pop("target")
    ds = tf.data.Dataset.from_tensor_slices((dict(dataframe), labels))
    ds = ds.shuffle(buffer_size=len(dataframe))
    return ds


train_ds = dataframe_to_dataset(train_dataframe).batch($batch)
val_ds = dataframe_to_dataset(val_dataframe).batch($batch)


def encode_numerical_feature(feature, name, dataset):
    normalizer = layers.Normalization()
    feature_ds = dataset.map(lambda x, y: x[name])
    feature_ds = feature_ds.map(lambda x: tf.expand_dims(x, -1))
    normalizer.adapt(feature_ds)
    return normalizer(feature)


def encode_categorical_feature(feature, name, dataset, is_string):
    lookup_class = layers.StringLookup if is_string else layers.IntegerLookup
    lookup = lookup_class(output_mode="binary")
    feature_ds = dataset.map(lambda x, y: x[name])
    feature_ds = feature_ds.map(lambda x: tf.expand_dims(x, -1))
    lookup.adapt(feature_ds)
    return lookup(feature)


age = keras.Input(shape=(1,), name="age")
trestbps = keras.Input(shape=(1,), name="trestbps")
chol = keras.Input(shape=(1,), name="chol")
thal = keras.Input(shape=(1,), name="thal", dtype="string")
all_inputs = [age, trestbps, chol, thal]

all_features = layers.concatenate(
    [
        encode_numerical_feature(age, "age", train_ds),
        encode_numerical_feature(trestbps, "trestbps", train_ds),
        encode_numerical_feature(chol, "chol", train_ds),
        encode_categorical_feature(thal, "thal", train_ds, True),
    ]
)
x = layers.Dense($units, activation="relu")(all_features)
x = layers.Dropout($dropout)(x)
output = layers.Dense(1, activation="sigmoid")(x)
model_$name = keras.Model(all_inputs, output)
model_$name.compile("adam", "binary_crossentropy", metrics=["accuracy"])
model_$name.fit(train_ds, epochs=$epochs, validation_data=val_ds)
''')

TIMESERIES = Template('''
"""
## Timeseries forecasting ($name)
"""

split_fraction = 0.715
step = 6
past = $past
future = 72
learning_rate = 0.001
batch_size = $batch
epochs = $epochs


def normalize(data, train_split):
    data_mean = data[:train_split].mean(axis=0)
    data_std = data[:train_split].std(axis=0)
    return (data - data_mean) / data_std


features = np.random.random((50000, 7))
train_split = int(split_fraction * int(features.shape[0]))
features = normalize(features, train_split)
train_data = features[0 : train_split - 1]
val_data = features[train_split:]

dataset_train = keras.preprocessing.timeseries_dataset_from_array(
    train_data, train_data[:, 1], sequence_length=past // step, sampling_rate=step,
    batch_size=batch_size,
)
dataset_val = keras.preprocessing.timeseries_dataset_from_array(
    val_data, val_data[:, 1], sequence_length=past // step, sampling_rate=step,
    batch_size=batch_size,
)

for batch in dataset_train.take(1):
    inputs, targets = batch

inputs = keras.layers.Input(shape=(inputs.shape[1], inputs.shape[2]))
lstm_out = keras.layers.LSTM($units)(inputs)
outputs = keras.layers.Dense(1)(lstm_out)

model_$name = keras.Model(inputs=inputs, outputs=outputs)
model_$name.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
model_$name.summary()

es_callback = keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=0, patience=5)
history = model_$name.fit(
    dataset_train,
    epochs=epochs,
    validation_data=dataset_val,
    callbacks=[es_callback],
)
''')

TEXT = Template('''
"""
## Text classification from scratch ($name)
"""

max_features = $words
embedding_dim = 128
sequence_length = 500

(x_train_$name, y_train_$name), (x_test_$name, y_test_$name) = keras.datasets.imdb.load_data(
    num_words=max_features)
x_train_$name = keras.utils.pad_sequences(x_train_$name, maxlen=sequence_length)
x_test_$name = keras.utils.pad_sequences(x_test_$name, maxlen=sequence_length)

inputs = keras.Input(shape=(None,), dtype="int64")
x = layers.Embedding(max_features, embedding_dim)(inputs)
x = layers.Dropout(0.5)(x)
x = layers.Conv1D(128, 7, padding="valid", activation="relu", strides=3)(x)
x = layers.Conv1D(128, 7, padding="valid", activation="relu", strides=3)(x)
x = layers.GlobalMaxPooling1D()(x)
x = layers.Dense($units, activation="relu")(x)
x = layers.Dropout(0.5)(x)
predictions = layers.Dense(1, activation="sigmoid", name="predictions")(x)

model_$name = keras.Model(inputs, predictions)
model_$name.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
model_$name.fit(x_train_$name, y_train_$name, validation_split=0.2, epochs=$epochs)
model_$name.evaluate(x_test_$name, y_test_$name)
''')

# Sections that can carry the KC201 mistake (they have $hidden_activation).
BUGGABLE = (MNIST, TRANSFER)
OTHERS = (FUNCTIONAL, SUBCLASSED, IMAGE_PIPELINE, TRAINING_LOOP, STRUCTURED, TIMESERIES, TEXT)
TITLES = ("Simple MNIST convnet", "The Functional API", "Customizing fit()",
          "Image classification from scratch", "Transfer learning", "Training loop from scratch",
          "Structured data classification", "Timeseries forecasting", "Text classification")


def _fields(rng: random.Random, name: str, buggy: bool) -> dict:
    return {
        "name": name,
        "filters": rng.choice((16, 32, 64)),
        "filters2": rng.choice((32, 64, 128)),
        "dropout": rng.choice((0.2, 0.3, 0.5)),
        "units": rng.choice((32, 64, 128, 256)),
        "batch": rng.choice((32, 64, 128)),
        "epochs": rng.randint(2, 30),
        "tags": rng.choice((12, 24)),
        "words": rng.choice((10000, 20000)),
        "features": rng.choice((8, 16, 32)),
        "samples": rng.choice((1000, 5000)),
        "size": rng.choice((150, 180, 224)),
        "past": rng.choice((720, 1440)),
        "hidden_activation": "" if buggy else ', activation="relu"',
    }


def script(index: int, buggy: bool, seed: int = 0) -> str:
    """One corpus file: a header and three or four sections; ``buggy`` adds one KC201."""
    rng = random.Random(seed * 1_000_003 + index)
    sections = [rng.choice(BUGGABLE)] + rng.sample(OTHERS, rng.randint(2, 3))
    rng.shuffle(sections)
    parts = [HEADER.substitute(title=rng.choice(TITLES), index=index,
                               description="Keras tutorial-style script")]
    bug_placed = False
    for number, section in enumerate(sections):
        place_bug = buggy and not bug_placed and section in BUGGABLE
        bug_placed = bug_placed or place_bug
        parts.append(section.substitute(_fields(rng, f"s{number}", place_bug)))
    return "".join(parts)


def write_corpus(directory: str, count: int, buggy_fraction: float = 0.0, seed: int = 0) -> list[str]:
    """Write ``count`` scripts to ``directory``; the first ``buggy_fraction`` of them (by index)
    carry one KC201 finding each. Returns the paths written."""
    os.makedirs(directory, exist_ok=True)
    buggy_count = round(count * buggy_fraction)
    paths = []
    for index in range(count):
        path = os.path.join(directory, f"example_{index:05d}.py")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(script(index, index < buggy_count, seed))
        paths.append(path)
    return paths


if __name__ == "__main__":
    target, total = sys.argv[1], int(sys.argv[2])
    fraction = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    written = write_corpus(target, total, fraction)
    print(f"wrote {len(written)} files to {target}")
