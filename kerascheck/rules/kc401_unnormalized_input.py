"""KC401 unnormalized-input."""

from __future__ import annotations

from kerascheck.facts import UNKNOWN, LayerFact, ModelFact
from kerascheck.rules.base import Rule

# Layers that pass values through unchanged in scale on the way to the first computing layer.
_PASS_THROUGH = {"Flatten", "Reshape", "InputLayer", "Dropout", "RandomFlip", "RandomRotation",
                 "RandomZoom", "RandomTranslation", "RandomCrop", "Permute", "Cropping2D",
                 "ZeroPadding2D", "SpatialDropout2D", "GaussianNoise"}
# Layers that compute on raw values: reaching one of these first means nothing scaled the input.
_COMPUTING_PREFIXES = ("Dense", "Conv", "SeparableConv", "DepthwiseConv", "LSTM", "GRU",
                       "SimpleRNN", "MaxPool", "AveragePool", "LocallyConnected")

_ADVICE = {
    "pixels": "divide by 255 (`x / 255.0`) or start the model with `Rescaling(1./255)`",
    "images": "divide by 255 (`x / 255.0`) or start the model with `Rescaling(1./255)`",
    "tabular": "standardize the features (`(x - mean) / std`, `StandardScaler`, or a "
               "`Normalization` layer adapted on the training data)",
}
_SOURCE = {"pixels": "raw pixel values (0-255)", "images": "raw image pixels (0-255)",
           "tabular": "raw, unscaled tabular features"}


class UnnormalizedInput(Rule):
    """
    ## What it does
    Finds data from a source whose scale is known to be raw that reaches `fit()` with no scaling
    on its way and no scaling layer at the model's input. Raw sources: the pixel datasets of
    `keras.datasets` (mnist, fashion_mnist, cifar10, cifar100), image loaders
    (`image_dataset_from_directory`, `load_img`, `cv2.imread`, PIL, `tf.io.decode_jpeg` and
    the other 8-bit decoders, an `ImageDataGenerator`'s `flow_from_directory` or
    `flow_from_dataframe` when the generator is given nothing that scales: no `rescale`, no
    `preprocessing_function`, no centring or standardizing option) and tabular loaders
    (`pd.read_csv`, `np.loadtxt`, `np.genfromtxt`, `boston_housing`, `california_housing`).

    Scaling is any arithmetic on the data (`/ 255`, `(x - mean) / std`), scikit-learn scalers,
    `tf.image.convert_image_dtype`, `keras.utils.normalize`, `preprocess_input`, a `map()` over
    a dataset, `Rescaling`/`Normalization`/`BatchNormalization` as the first layers, and any
    call the linter cannot see into (it might scale, so the rule stays silent). Integer token
    datasets (imdb, reuters) are not raw, nor are well-known tables of one small scale
    (iris, sonar), of letter codes only (UCI's mushrooms) or of embedding coordinates
    (`embeddings.csv`, word2vec, GloVe or fastText tables). Each fit on raw data is reported,
    also a second fit of one table (a notebook's later sections train on it again).

    ## Why is this bad?
    Inputs in the hundreds make the first layer's pre-activations huge: ReLU units die or
    saturate, sigmoid and tanh units saturate, and the gradient steps that suit scaled inputs
    overshoot. Training is slow or unstable and often ends worse, with nothing in the logs to say
    why. Features on different scales also make the optimizer favour the large ones.

    ## Example
    ```python
    import tensorflow as tf

    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=5, validation_data=(x_test, y_test))
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=5, validation_data=(x_test, y_test))
    ```

    ## Fix safety
    No automatic fix: the right scaling (divide by 255, standardize, a `Normalization` layer)
    depends on the data, and the same scaling must be applied wherever the model is used.

    ## Runtime evidence
    The proof trains the same small model on raw 0-255 pixel-like data and on the same data
    divided by 255, with the same seed and number of steps: the raw model's loss ends higher.

    ## References
    - The pitfall as tutorials name it: "Using a neural network without normalizing input
      data".
    - LeCun et al., ["Efficient BackProp"](http://yann.lecun.com/exdb/publis/pdf/lecun-98b.pdf)
      (1998), section 4.3 "Normalizing the Inputs".
    - Keras API: `keras.layers.Rescaling`, `keras.layers.Normalization`.
    """

    code = "KC401"
    name = "unnormalized-input"
    summary = "Raw pixels or unscaled features reach fit() with no scaling on the way."

    invalid = (
        """
from tensorflow import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
x_train = x_train.astype("float32")
model = keras.Sequential([keras.Input(shape=(32, 32, 3)), keras.layers.Conv2D(16, 3, activation="relu"),
                          keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, validation_split=0.1)  # expect: KC401
""",
        """
import numpy as np
from keras.models import Sequential
from keras.layers import Dense
dataset = np.loadtxt("pima-indians-diabetes.csv", delimiter=",")
X = dataset[:, 0:8]
y = dataset[:, 8]
model = Sequential()
model.add(Dense(12, input_shape=(8,), activation="relu"))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(X, y, epochs=150, batch_size=10, validation_split=0.2)  # expect: KC401
""",
        """
import tensorflow as tf
train_ds = tf.keras.utils.image_dataset_from_directory("photos/", image_size=(180, 180))
model = tf.keras.Sequential([tf.keras.Input(shape=(180, 180, 3)), tf.keras.layers.Conv2D(16, 3, activation="relu"),
                             tf.keras.layers.GlobalAveragePooling2D(), tf.keras.layers.Dense(5)])
model.compile(optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds.cache().prefetch(8), epochs=10)  # expect: KC401
""",
        # an ImageDataGenerator with nothing that scales: its batches are 0-255 floats
        """
from keras.preprocessing.image import ImageDataGenerator
from keras import layers, models
flow = ImageDataGenerator(horizontal_flip=True).flow_from_directory("data/train", target_size=(64, 64))
model = models.Sequential([layers.Input((64, 64, 3)), layers.Conv2D(8, 3, activation="relu"),
                           layers.Flatten(), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(flow, epochs=5, validation_data=val)  # expect: KC401
""",
    )
    valid = (
        # a Rescaling layer at the input
        """
import tensorflow as tf
train_ds = tf.keras.utils.image_dataset_from_directory("photos/", image_size=(180, 180))
model = tf.keras.Sequential([tf.keras.layers.Rescaling(1./255, input_shape=(180, 180, 3)),
                             tf.keras.layers.Conv2D(16, 3, activation="relu"), tf.keras.layers.Flatten(),
                             tf.keras.layers.Dense(5)])
model.fit(train_ds, validation_data=val_ds, epochs=10)
""",
        # scaled by statistics, by a scikit-learn scaler, by a dataset map
        """
import numpy as np
import pandas as pd
import tensorflow as tf
from sklearn.preprocessing import StandardScaler
df = pd.read_csv("houses.csv")
X = df.drop("price", axis=1).values
X = StandardScaler().fit_transform(X)
model = tf.keras.Sequential([tf.keras.Input(shape=(8,)), tf.keras.layers.Dense(1)])
model.fit(X, df["price"].values, validation_split=0.2)
(x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
mean, std = x_train.mean(), x_train.std()
model.fit((x_train - mean) / std, y_train, validation_split=0.2)
ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).map(lambda x, y: (tf.cast(x, tf.float32) / 255., y))
model.fit(ds.batch(32))
""",
        # integer token datasets are not raw; unknown helpers might scale
        """
from tensorflow import keras
from mylib import prepare
(x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(num_words=10000)
model = keras.Sequential([keras.layers.Embedding(10000, 16), keras.layers.GlobalAveragePooling1D(),
                          keras.layers.Dense(1, activation="sigmoid")])
model.fit(x_train, y_train, validation_data=(x_test, y_test))
(images, labels), _ = keras.datasets.mnist.load_data()
model.fit(prepare(images), labels, validation_split=0.1)
""",
        # the seed's pitfall 1, correct approach
        """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(1)])
normalized_data = (raw_data - mean) / std
model.fit(normalized_data, labels, epochs=10)
""",
        # generators that rescale, or may (a preprocessing function, options the file passes on)
        """
from keras.preprocessing.image import ImageDataGenerator
from keras.applications.resnet50 import preprocess_input
from keras import layers, models
model = models.Sequential([layers.Input((64, 64, 3)), layers.Conv2D(8, 3, activation="relu"),
                           layers.Flatten(), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(ImageDataGenerator(rescale=1 / 255).flow_from_directory("d"), validation_data=val)
model.fit(ImageDataGenerator(preprocessing_function=preprocess_input).flow_from_directory("d"),
          validation_data=val)
model.fit(ImageDataGenerator(**augmentation).flow_from_directory("d"), validation_data=val)
model.fit(ImageDataGenerator(samplewise_std_normalization=True, samplewise_center=True)
          .flow_from_dataframe(frame), validation_data=val)
""",
    )

    def check_model(self, model: ModelFact):
        if not model.exact or not self._input_is_unscaled(model):
            return
        for fit in model.fits:
            data = fit.x
            if data is UNKNOWN or not data.is_raw:
                continue
            yield self.finding(
                fit.x_node or fit.node,
                f"{_SOURCE[data.source].capitalize()} reach fit() unscaled; "
                f"{_ADVICE[data.source]}")

    @staticmethod
    def _input_is_unscaled(model: ModelFact) -> bool:
        """Whether every path from the model's inputs reaches a computing layer before any
        scaling layer (and before anything the linter cannot identify)."""
        if not model.layers:
            return False
        targets = {b for _, b in model.edges}
        starts = [layer for index, layer in enumerate(model.layers) if index not in targets]
        for layer in starts:
            current: LayerFact | None = layer
            while current is not None:
                if current.kind is UNKNOWN:
                    return False
                if current.kind.startswith(_COMPUTING_PREFIXES):
                    break
                if current.kind not in _PASS_THROUGH:
                    return False  # a scaling layer, a Lambda, anything else: maybe scaled
                successors = model.successors(current)
                current = successors[0] if len(successors) == 1 else None
                if current is None:
                    return False
        return True

    def prove(self, subject=None):
        """Train the same small image classifier (same initial weights, Adam, 100 steps) on raw
        0..255 pixels and on the pixels divided by 255: the raw model's loss is far worse. On a
        user's model: the same comparison with its own architecture."""
        from kerascheck import proofkit
        from kerascheck.proofkit import training

        _, keras, _ = proofkit.load_tensorflow(0)
        if subject is not None:
            _, activation, units, loss = proofkit.subject_head(subject)
            shape = proofkit.subject_input_shape(subject)
            sources = {getattr(fit.x, "source", None) for fit in subject.fact.fits
                       if fit.x_node is subject.finding.target or fit.node is
                       subject.finding.target}
            if sources == {"tabular"} and len(shape) == 1:  # features from a CSV, not pixels
                regression = units == 1 and activation in (None, "linear")
                curves: dict = {}
                raw, scaled = training.tabular_raw_vs_scaled_losses(
                    subject.model, shape[0], units, None if regression else loss, regression,
                    curves=curves)
                measure = "mean squared error" if regression else "loss"
                steps = curves["steps"]
                return proofkit.Evidence(
                    self.code, raw > 1.5 * scaled,
                    f"on raw tabular columns (scales 1 to 1000) its {measure} after {steps} "
                    f"steps is {proofkit.number(raw)}, {proofkit.number(scaled)} once "
                    f"standardized",
                    {f"{measure} after {steps} steps, raw columns": raw,
                     f"{measure} after {steps} steps, standardized": scaled,
                     "optimizer (as compiled)": curves["optimizer"]},
                    figure=_figure(curves, "raw columns", "standardized columns"))
            curves = {}
            raw, scaled = training.raw_vs_scaled_losses(
                subject.model, proofkit.subject_input_shape(subject), units, loss,
                curves=curves)
            steps, chance = curves["steps"], curves["chance"]
            measured = {f"loss after {steps} steps, raw": raw,
                        f"loss after {steps} steps, scaled": scaled,
                        "optimizer (as compiled)": curves["optimizer"]}
            # the raw model learned nothing at all (its loss is a constant guess's) while the
            # scaled twin, same start, learns: shown even when the twin is still slow (SGD)
            stuck = chance is not None and raw >= 0.99 * chance and scaled <= 0.95 * chance
            if chance is not None:
                measured["loss of a constant guess (chance)"] = chance
            return proofkit.Evidence(
                self.code, raw > 1.5 * scaled or stuck,
                f"on raw 0-255 pixel-like data its loss after {steps} steps is "
                f"{proofkit.number(raw)}, {proofkit.number(scaled)} once scaled" +
                (" (raw: no better than a constant guess)" if stuck else ""),
                measured, figure=_figure(curves, "raw 0-255 pixels", "pixels / 255"))
        model = keras.Sequential([keras.Input(shape=(8, 8)), keras.layers.Flatten(),
                                  keras.layers.Dense(32, activation="relu"),
                                  keras.layers.Dense(2, activation="softmax")])
        curves = {}
        raw, scaled = training.raw_vs_scaled_losses(model, (8, 8), 2, curves=curves)
        measured = {"bad: loss after 100 steps on raw 0-255 pixels": raw,
                    "good: loss after 100 steps on pixels / 255": scaled}
        return proofkit.Evidence(
            self.code, raw > 2 * scaled and scaled < 0.5,
            "the model trained on raw pixels ends far worse than its scaled twin", measured,
            figure=_figure(curves, "raw 0-255 pixels", "pixels / 255"))


def _figure(curves: dict, raw: str, scaled: str) -> dict:
    """KC401's figure: the training loss on raw inputs and on scaled ones, same start."""
    from kerascheck.proofkit.curves import curves_figure

    return curves_figure("KC401: the same model trained on raw and on scaled inputs",
                         {f"bad: {raw}": curves["raw"], f"good: {scaled}": curves["scaled"]},
                         curves["steps"])
