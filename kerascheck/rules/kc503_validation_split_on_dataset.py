"""KC503 validation-split-on-dataset."""

from __future__ import annotations

import libcst as cst

from kerascheck.facts import DataFact, ModelFact
from kerascheck.proofkit import Evidence, exception_of, load_tensorflow
from kerascheck.rules.base import Rule


def _is_zero(node) -> bool:
    """Whether ``validation_split`` is 0 or None: a source node, or at runtime the value."""
    if node is None or isinstance(node, bool):
        return True
    if isinstance(node, (int, float)):
        return node == 0
    if isinstance(node, (cst.Integer, cst.Float)):
        return float(node.value.replace("_", "")) == 0.0
    return isinstance(node, cst.Name) and node.value == "None"


class ValidationSplitOnDataset(Rule):
    """
    ## What it does
    Finds `fit(..., validation_split=...)` where the training data is a `tf.data.Dataset`, a
    Python generator, a `keras.utils.Sequence`/`PyDataset` or an `ImageDataGenerator` flow.

    ## Why is this bad?
    `validation_split` holds out the last fraction of the *arrays* passed to `fit`. A dataset or
    a generator has no length Keras can cut, so Keras 3 raises `ValueError: Argument
    `validation_split` is only supported for tensors or NumPy arrays` before training starts
    (Keras 2 raised a similar error). Split the data beforehand and pass `validation_data=`: a
    second dataset (`ds.take(n)` / `ds.skip(n)`, `image_dataset_from_directory(...,
    validation_split=0.2, subset="validation")`) or a held-out array pair.

    ## Example
    ```python
    import tensorflow as tf

    (x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
    train_ds = tf.data.Dataset.from_tensor_slices((x_train / 255.0, y_train)).batch(64)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')
    model.fit(train_ds, epochs=5, validation_split=0.2)
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    (x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
    dataset = tf.data.Dataset.from_tensor_slices((x_train / 255.0, y_train)).shuffle(60000, seed=0)
    val_ds = dataset.take(12000).batch(64)
    train_ds = dataset.skip(12000).batch(64)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')
    model.fit(train_ds, epochs=5, validation_data=val_ds)
    ```

    ## Fix safety
    No automatic fix: making a validation set changes the data pipeline.

    ## Runtime evidence
    The proof calls `fit` with `validation_split=0.2` on a `tf.data.Dataset`, a generator and a
    `PyDataset`: Keras 3 raises the `ValueError` quoted above each time, while the same model
    trains with `validation_data=`.

    ## References
    - Keras API: `Model.fit` (`validation_split`: "This argument is only supported when `x` and
      `y` are made of NumPy arrays or tensors").
    - Keras guide "Training & evaluation with the built-in methods", section "Using a tf.data
      Dataset".
    """

    code = "KC503"
    name = "validation-split-on-dataset"
    summary = "A validation_split with a dataset or a generator: Keras raises ValueError."

    invalid = (
        """
import tensorflow as tf
train_ds = tf.keras.utils.image_dataset_from_directory("flowers", image_size=(180, 180))
model = tf.keras.Sequential([tf.keras.layers.Rescaling(1. / 255), tf.keras.layers.Flatten(),
                             tf.keras.layers.Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_ds.prefetch(2), epochs=10, validation_split=0.2)  # expect: KC503
""",
        # a generator function
        """
import numpy as np
from tensorflow import keras
def batches(x, y, size=32):
    while True:
        index = np.random.randint(0, len(x), size)
        yield x[index], y[index]
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(batches(features, targets), steps_per_epoch=100,
          validation_split=0.1)  # expect: KC503
""",
        # a PyDataset subclass and an ImageDataGenerator flow
        """
import keras
class Batches(keras.utils.PyDataset):
    def __len__(self):
        return 10
    def __getitem__(self, index):
        return load_batch(index)
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(Batches(), validation_split=0.2)  # expect: KC503
augment = keras.preprocessing.image.ImageDataGenerator(rotation_range=10)
model.fit(augment.flow(x_train, y_train), validation_split=0.2)  # expect: KC503
""",
    )
    valid = (
        # arrays with validation_split are what it is for
        """
import tensorflow as tf
(x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
model = tf.keras.Sequential([tf.keras.layers.Flatten(input_shape=(28, 28)),
                             tf.keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train / 255.0, y_train, validation_split=0.2)
""",
        # datasets with validation_data; the loader's own validation_split is fine
        """
import tensorflow as tf
train_ds = tf.keras.utils.image_dataset_from_directory(
    "flowers", validation_split=0.2, subset="training", seed=1, image_size=(180, 180))
val_ds = tf.keras.utils.image_dataset_from_directory(
    "flowers", validation_split=0.2, subset="validation", seed=1, image_size=(180, 180))
model = tf.keras.Sequential([tf.keras.layers.Rescaling(1. / 255), tf.keras.layers.Flatten(),
                             tf.keras.layers.Dense(5)])
model.compile(optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, validation_data=val_ds, epochs=10)
""",
        # data of unknown kind, and validation_split=0
        """
from tensorflow import keras
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(load_training_data(), validation_split=0.2)
model.fit(tf_dataset_or_array, validation_split=0.0)
""",
    )

    def check_model(self, model: ModelFact):
        for fit in model.fits:
            split = fit.validation_split
            if split is None or _is_zero(split):
                continue
            data = fit.x
            if isinstance(data, DataFact) and data.is_dataset:
                yield self.finding(
                    split,
                    "`validation_split` only works with arrays; with a dataset or generator "
                    "Keras raises ValueError. Split the data first and pass `validation_data=`")

    def prove(self, subject=None):
        if subject is not None:  # the construct taken from the user's code
            from kerascheck.proofkit.constructs import construct_evidence

            return construct_evidence(self.code, subject, ("ValueError",), message_contains="validation_split")
        tf, keras, np = load_tensorflow(0)
        x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
        y = x.sum(axis=1, keepdims=True)
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)

        def generator():
            while True:
                yield x[:8], y[:8]

        class Batches(keras.utils.PyDataset):
            def __len__(self):
                return 4

            def __getitem__(self, index):
                return x[index * 8:(index + 1) * 8], y[index * 8:(index + 1) * 8]

        outcomes = {}
        for label, data, extra in (("tf.data.Dataset", dataset, {}),
                                   ("generator", generator(), {"steps_per_epoch": 2}),
                                   ("PyDataset", Batches(), {})):
            outcomes[label] = exception_of(lambda: model.fit(data, validation_split=0.2, epochs=1,
                                                           verbose=0, **extra))
        history = model.fit(dataset.skip(1), validation_data=dataset.take(1), epochs=1,
                            verbose=0)
        good = "val_loss" in history.history
        verdict = good and all(outcome is not None and outcome[0] == "ValueError" and
                               "validation_split" in outcome[1] for outcome in outcomes.values())
        measurements = {f"bad: {label} with validation_split": f"{o[0]}: {o[1]}" if o else "none"
                        for label, o in outcomes.items()}
        measurements["good: dataset with validation_data trains"] = good
        return Evidence(code=self.code, verdict=verdict,
                        summary="Keras 3 raises ValueError for validation_split on a dataset, a "
                                "generator and a PyDataset; validation_data works.",
                        measurements=measurements)
