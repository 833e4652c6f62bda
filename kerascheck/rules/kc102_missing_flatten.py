"""KC102 missing-flatten."""

from __future__ import annotations

from kerascheck.analysis.shapes import infer
from kerascheck.facts import (CONV_OR_POOL_PREFIXES, FLATTENING_LAYERS, DataFact, LayerFact,
                              ModelFact)
from kerascheck.proofkit import Evidence, load_tensorflow
from kerascheck.rules.base import Rule

# Layers that keep the rank of their input: spatial axes pass through them unchanged.
RANK_KEEPING = {
    "Dense", "Dropout", "AlphaDropout", "GaussianDropout", "GaussianNoise", "SpatialDropout1D",
    "SpatialDropout2D", "SpatialDropout3D", "BatchNormalization", "LayerNormalization",
    "Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "ThresholdedReLU", "Rescaling",
    "ActivityRegularization", "Identity",
}
# Sequence models apply Dense per time step on purpose: out of scope (RULES.md KC102).
SEQUENCE_LAYERS = {
    "Embedding", "LSTM", "GRU", "SimpleRNN", "RNN", "Bidirectional", "ConvLSTM1D", "ConvLSTM2D",
    "ConvLSTM3D", "MultiHeadAttention", "Attention", "AdditiveAttention", "GroupQueryAttention",
    "TimeDistributed", "TextVectorization", "LSTMCell", "GRUCell", "SimpleRNNCell",
}


def _per_sample_labels(labels: object) -> bool:
    """Labels of a ``keras.datasets`` classification set (one class per sample), one-hot or not,
    or made up in a literal shape of one value per sample (``randint(0, 3, size=(100,))``)."""
    if isinstance(labels, DataFact) and labels.one_per_sample:
        return True
    if not isinstance(labels, DataFact) or type(labels.classes) is not int:
        return False
    identity = labels.identity
    while isinstance(identity, tuple) and identity and isinstance(identity[0], tuple):
        identity = identity[0]
    return isinstance(identity, tuple) and identity[:1] == ("load",) and identity[-1:] == ("y",)


def _is_spatial(layer: LayerFact) -> bool:
    kind = layer.kind
    return isinstance(kind, str) and kind.startswith(CONV_OR_POOL_PREFIXES) and \
        not kind.startswith("ConvLSTM")


def _is_decoder(layer: LayerFact) -> bool:
    kind = layer.kind
    return isinstance(kind, str) and (kind.startswith("UpSampling") or kind.endswith("Transpose"))


def _is_temporal(layer: LayerFact) -> bool:
    """1D convolutions and pooling slide over time: a Dense after them predicting one value per
    step is how the TensorFlow time series tutorial builds its models."""
    return _is_spatial(layer) and "1D" in layer.kind


class MissingFlatten(Rule):
    """
    ## What it does
    Finds an output `Dense` layer that receives spatial feature maps: it follows 2D or 3D
    `Conv*` or `*Pooling*D` layers, or an input with three or more dimensions per sample (two
    for a softmax or sigmoid classifier, like 28x28 images), with no `Flatten`, `Reshape`,
    `Global*Pooling*D` or recurrent layer in between. Sequence models (with an `Embedding`, a
    recurrent, an attention or a 1D convolution layer) are checked only when the labels are one
    per sample for certain (the labels of a `keras.datasets` classification set, one-hot or
    not, or made-up labels whose literal shape is one per sample: `randint(0, 2, size=(n,))`,
    `np.zeros((n, 1))`) and the static shapes show extra axes at the output (an `LSTM(...,
    return_sequences=True)`, a `Conv1D` or an `Embedding` left unpooled): elsewhere a `Dense`
    layer per time step is usually the point (the TensorFlow time series tutorial's models,
    sequence tagging). Neither
    are models that upsample (`UpSampling*`, `Conv*Transpose`): segmentation and autoencoders
    want one prediction per pixel.

    ## Why is this bad?
    `Dense` works on the last axis only and keeps every other axis. After `Conv2D` the output
    layer therefore produces one prediction per pixel position, shape `(None, 26, 26, 10)`, not
    one per image, `(None, 10)`. Keras then either raises a shape error deep inside the loss or,
    worse, broadcasts the labels against the extra axes and trains on a meaningless objective.

    ## Example
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28, 1)),
        tf.keras.layers.Conv2D(32, 3, activation='relu'),
        tf.keras.layers.MaxPooling2D(),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28, 1)),
        tf.keras.layers.Conv2D(32, 3, activation='relu'),
        tf.keras.layers.MaxPooling2D(),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])
    ```

    ## Fix safety
    No automatic fix: `Flatten()` and `GlobalAveragePooling2D()` are both reasonable and give
    models of very different sizes; the author chooses.

    ## Runtime evidence
    The proof builds both models and reads their output shapes: the model without `Flatten`
    outputs one prediction per spatial position (the extra axes survive), the fixed model one
    prediction per sample.

    ## References
    - The pitfall as tutorials name it: "Missing Flatten layer before Dense layers".
    - Keras API: [`keras.layers.Dense`](https://keras.io/api/layers/core_layers/dense/) ("if the input to the layer has a rank greater than 2,
      Dense computes the dot product along the last axis"), `keras.layers.Flatten`.
    """

    code = "KC102"
    name = "missing-flatten"
    summary = "The output Dense layer receives spatial feature maps with no Flatten before it."

    invalid = (
        # conv stack straight into the classifier
        """
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    keras.Input(shape=(32, 32, 3)),
    layers.Conv2D(32, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Conv2D(64, 3, activation="relu"),
    layers.Dropout(0.25),
    layers.Dense(10, activation="softmax"),  # expect: KC102
])
""",
        # the seed's 28x28 images without Flatten
        """
import tensorflow as tf
model = tf.keras.Sequential([
  tf.keras.layers.Dense(64, activation='relu', input_shape=(28,28)),
  tf.keras.layers.Dense(3, activation='softmax')  # expect: KC102
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
""",
        # functional API
        """
import keras
inputs = keras.Input(shape=(64, 64, 1))
x = keras.layers.Conv2D(16, 3, activation="relu")(inputs)
x = keras.layers.AveragePooling2D()(x)
outputs = keras.layers.Dense(1, activation="sigmoid")(x)  # expect: KC102
model = keras.Model(inputs, outputs)
""",
        # sequence models whose output keeps the time axis, on one-label-per-sample datasets
        """
from tensorflow import keras
(x_train, y_train), _ = keras.datasets.imdb.load_data(num_words=5000)
x_train = keras.utils.pad_sequences(x_train, maxlen=200)
model = keras.Sequential([keras.Input(shape=(200,)), keras.layers.Embedding(5000, 32),
                          keras.layers.LSTM(32, return_sequences=True),
                          keras.layers.Dense(1, activation="sigmoid")])  # expect: KC102
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x_train, y_train, validation_split=0.2)
""",
        """
import keras
(x_train, y_train), _ = keras.datasets.reuters.load_data(num_words=1000)
y_train = keras.utils.to_categorical(y_train, 46)
inputs = keras.Input(shape=(100,))
x = keras.layers.Embedding(1000, 16)(inputs)
x = keras.layers.Conv1D(32, 5, activation="relu")(x)
outputs = keras.layers.Dense(46, activation="softmax")(x)  # expect: KC102
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(keras.utils.pad_sequences(x_train, maxlen=100), y_train, validation_split=0.2)
""",
    )
    valid = (
        # pooled or last-step sequence models, and per-step labels from the user's own files
        """
from tensorflow import keras
(x_train, y_train), _ = keras.datasets.imdb.load_data(num_words=5000)
pooled = keras.Sequential([keras.Input(shape=(200,)), keras.layers.Embedding(5000, 32),
                           keras.layers.Conv1D(32, 5, activation="relu"),
                           keras.layers.GlobalMaxPooling1D(),
                           keras.layers.Dense(1, activation="sigmoid")])
pooled.compile(optimizer="adam", loss="binary_crossentropy")
pooled.fit(x_train, y_train, validation_split=0.2)
last = keras.Sequential([keras.Input(shape=(200,)), keras.layers.Embedding(5000, 32),
                         keras.layers.LSTM(32), keras.layers.Dense(1, activation="sigmoid")])
last.compile(optimizer="adam", loss="binary_crossentropy")
last.fit(x_train, y_train, validation_split=0.2)
""",
        """
import numpy as np
import keras
tokens, tags = np.load("tokens.npy"), np.load("tags.npy")
tags = keras.utils.to_categorical(tags, 9)
tagger = keras.Sequential([keras.Input(shape=(50,)), keras.layers.Embedding(20000, 64),
                           keras.layers.LSTM(64, return_sequences=True),
                           keras.layers.Dense(9, activation="softmax")])
tagger.compile(optimizer="adam", loss="categorical_crossentropy")
tagger.fit(tokens, tags, validation_split=0.1)
""",
        # the usual fixes: Flatten, global pooling
        """
from tensorflow import keras
from tensorflow.keras import layers
a = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(8, 3, activation="relu"),
                      layers.MaxPooling2D(), layers.Flatten(), layers.Dense(10, activation="softmax")])
b = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(8, 3, activation="relu"),
                      layers.GlobalAveragePooling2D(), layers.Dropout(0.2), layers.Dense(10)])
c = keras.Sequential([layers.Flatten(input_shape=(28, 28)), layers.Dense(128, activation="relu"),
                      layers.Dense(10)])
""",
        # a sequence model: Dense per time step is intended
        """
import tensorflow as tf
model = tf.keras.Sequential([
    tf.keras.Input(shape=(None,), dtype="int32"),
    tf.keras.layers.Embedding(10000, 64),
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(5, activation="softmax"),
])
""",
        # a fully convolutional segmentation head, and a feature block used inside another model
        """
import keras
inputs = keras.Input(shape=(128, 128, 3))
x = keras.layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
outputs = keras.layers.Conv2D(3, 1, activation="softmax")(x)
segmenter = keras.Model(inputs, outputs)
block = keras.Sequential([keras.layers.Conv2D(8, 3), keras.layers.Dense(8)])
classifier = keras.Sequential([keras.Input(shape=(32, 32, 3)), block, keras.layers.Flatten(),
                               keras.layers.Dense(10, activation="softmax")])
""",
        # a segmentation model classifying each pixel with a Dense layer after upsampling
        """
import keras
from keras import layers
inputs = keras.Input(shape=(64, 64, 3))
x = layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(inputs)
x = layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu")(x)
outputs = layers.Dense(4, activation="softmax")(x)
model = keras.Model(inputs, outputs)
""",
        # a custom layer of unknown effect in between: silent
        """
from tensorflow import keras
from mylib import SpatialSummary
model = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(8, 3),
                          SpatialSummary(), keras.layers.Dense(10, activation="softmax")])
""",
    )

    def check_model(self, model: ModelFact):
        if model.used_as_layer or not model.exact:
            return
        if any(layer.is_kind(*SEQUENCE_LAYERS) for layer in model.layers) or \
                any(_is_temporal(layer) for layer in model.layers):
            yield from self._sequence_output(model)
            return
        if any(_is_decoder(layer) for layer in model.layers):
            return  # upsampling back to an image: a per-pixel output is the point
        for layer in model.output_layers():
            if not layer.is_dense:
                continue
            source = self._spatial_source(model, layer, classifies=layer.activation in (
                "softmax", "sigmoid"))
            if source is not None:
                yield self.finding(
                    layer,
                    f"The output Dense layer receives {source} with no Flatten in between, so "
                    f"the model's output keeps the extra axes (one prediction per position "
                    f"instead of one per sample); add `Flatten()` or `GlobalAveragePooling2D()` "
                    f"before it")

    def _sequence_output(self, model: ModelFact):
        """A sequence model whose output keeps a time axis while its labels are one per sample."""
        if not model.fits or not all(_per_sample_labels(fit.y) for fit in model.fits):
            return
        shapes = infer(model)
        for layer in model.output_layers():
            shape = shapes.output_of(model, layer)
            if layer.is_dense and isinstance(shape, tuple) and len(shape) >= 2:
                per_sample = ", ".join("None" if axis is None else str(axis) for axis in shape)
                yield self.finding(
                    layer,
                    f"The output Dense layer gives ({per_sample}) per sample, one prediction per "
                    f"time step, but the labels are one per sample; pool or flatten first "
                    f"(`GlobalAveragePooling1D()`, `Flatten()`, or the last step of the RNN: "
                    f"`return_sequences=False`)")

    @staticmethod
    def _spatial_source(model: ModelFact, layer: LayerFact, classifies: bool) -> str | None:
        """What feeds ``layer`` spatial maps (a description), following a single chain back.

        A two-dimensional input may be a sequence (time steps x features) on which a Dense
        layer per step is intended, so it counts only for a classifier's output; three or more
        dimensions (images) always count."""
        current = layer
        for _ in range(len(model.layers) + 1):
            parents = model.predecessors(current)
            if not parents:
                rank = model.input_rank
                if isinstance(rank, int) and (rank >= 3 or (rank == 2 and classifies)):
                    return f"an input with {rank} dimensions per sample"
                return None
            if len(parents) != 1:
                return None
            parent = parents[0]
            if parent.is_kind(*FLATTENING_LAYERS) or (
                    isinstance(parent.kind, str) and parent.kind.startswith("Global")):
                return None
            if _is_temporal(parent):
                return None
            if _is_spatial(parent):
                return f"the feature maps of {parent.kind}"
            if not parent.is_kind(*RANK_KEEPING):
                return None
            current = parent
        return None

    def prove(self, subject=None):
        """Build a small CNN with and without Flatten and compare output shapes. On a user's
        model: the shape of its output for four random samples."""
        tf, keras, np = load_tensorflow(0)
        if subject is not None:
            from kerascheck.proofkit import CannotMeasure

            if not subject.input_shape:
                raise CannotMeasure("the model's input shape is unknown")
            shape = tuple(subject.model.predict(subject.sample_inputs(4), verbose=0).shape)
            return Evidence(
                code=self.code, verdict=len(shape) > 2,
                summary=f"the output for 4 samples has shape {shape}: one prediction per "
                        f"position, not per sample",
                measurements={"output shape for 4 samples": str(shape)})
        layers = keras.layers

        def build(flatten: bool):
            stack = [keras.Input(shape=(28, 28, 1)), layers.Conv2D(4, 3, activation="relu"),
                     layers.MaxPooling2D()]
            if flatten:
                stack.append(layers.Flatten())
            stack.append(layers.Dense(10, activation="softmax"))
            return keras.Sequential(stack)

        bad, good = build(False), build(True)
        images = np.random.default_rng(0).uniform(0, 1, (4, 28, 28, 1)).astype("float32")
        bad_shape = tuple(bad.predict(images, verbose=0).shape)
        good_shape = tuple(good.predict(images, verbose=0).shape)
        verdict = len(bad_shape) == 4 and good_shape == (4, 10)
        return Evidence(
            code=self.code, verdict=verdict,
            summary=f"Without Flatten the output keeps the spatial axes {bad_shape}; with it, "
                    f"one prediction per image {good_shape}.",
            measurements={"bad: output shape for 4 images": str(bad_shape),
                          "good: output shape for 4 images": str(good_shape)})
