"""KC403 test-data-not-preprocessed."""

from __future__ import annotations

from kerascheck.facts import DataFact, ModelFact
from kerascheck.proofkit import Evidence, accuracy, fit_quietly, load_tensorflow
from kerascheck.rules.base import Rule

FAMILIES = {"pixels": "images", "images": "images", "tabular": "tabular"}


def _family(data: object) -> str | None:
    return FAMILIES.get(data.source) if isinstance(data, DataFact) else None


def _origin(identity):
    """The load that data of ``identity`` comes from (``("load", id)``: a dataset's two halves
    share it), read through the identity's nesting; None when it is not a load's."""
    while isinstance(identity, tuple) and identity:
        if identity[0] == "load" and len(identity) > 1:
            return identity[:2]
        identity = next((item for item in identity if isinstance(item, tuple)), None)
    return None


def _other_factor(data: object, factor: float | None, trained: DataFact) -> bool:
    """Pixels of the training data's own load scaled by a constant other than the training
    pixels' (``x_train /= 255``, ``x_test /= 25``): one raw range, two scales."""
    return isinstance(data, DataFact) and data.scaled and not data.scaled_on_some_paths and \
        factor is not None and data.factor is not None and \
        abs(data.factor - factor) > 1e-9 * abs(factor) and \
        _origin(data.identity) is not None and _origin(data.identity) == _origin(trained.identity)


def _scaling(factor: float) -> str:
    return f"divided by {1 / factor:g}" if factor < 1 else f"multiplied by {factor:g}"


class TestDataNotPreprocessed(Rule):
    """
    ## What it does
    Finds a model trained on data that was scaled on its way to `fit()` (`x_train / 255`,
    `(x - mean) / std`, a fitted scaler's `transform`) while the data of the same raw kind
    given to `fit(validation_data=...)`, `evaluate()` or `predict()` reaches it unscaled
    (`evaluate(x_test, y_test)` with the raw test images). Datasets too: a `Rescaling` layer
    or a division by 255 mapped over the training and validation datasets
    (`train_ds.map(lambda x, y: (rescale(x), y))`) but not over the test dataset given to
    `evaluate()`. Generators too: images read through `ImageDataGenerator(rescale=1./255)`
    for training, and an image loaded with `load_img`/`img_to_array` given to `predict()` as
    it is, or a validation generator given nothing that scales (`ImageDataGenerator()`).
    Scaled, but at another scale: the training and test pixels of one load divided
    by different constants (`x_train /= 255`, `x_test /= 25`), or decoded pixels divided by
    255 after `tf.image.convert_image_dtype` already put them in [0, 1] (a serving or
    prediction function that scales twice); a scale the linter cannot
    follow (`(x - 127.5) / 127.5`, `x / x.max()`) is not compared. (A `Rescaling` layer inside
    the model changes nothing: the training data would be scaled twice and the test data once.)
    And the mirror image, reported at `fit()`: the model is trained on data that was not
    standardized while the data it is scored on is that very data standardized
    (`fit(train[cols])`, then `evaluate(((train - mu) / std)[cols])` or a scaler's
    `transform(train)`). Only the same data is compared (other rows standardized may be
    beside training data scaled in a way the linter does not follow), and raw training data is
    KC401's finding.

    ## Why is this bad?
    The network learned weights for inputs between 0 and 1; the raw test images are 255 times
    larger, so its activations saturate and its predictions are close to constant. The test
    score then says nothing about the model, and predictions in production are wrong. Every
    split needs the same preprocessing, with the statistics of the training data.

    ## Example
    ```python
    from tensorflow import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = x_train / 255.0
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x_train, y_train, epochs=5, validation_split=0.1)
    model.evaluate(x_test, y_test)
    ```

    ## Use instead
    ```python
    from tensorflow import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x_train, y_train, epochs=5, validation_split=0.1)
    model.evaluate(x_test, y_test)
    ```

    ## Fix safety
    No automatic fix: the same transformation must be applied to the other split.

    ## Runtime evidence
    The proof trains a network on standardized measurements and scores it on held-out rows,
    once standardized with the training statistics and once raw: the raw ones score near
    chance.

    ## References
    - scikit-learn user guide, "Common pitfalls and recommended practices: inconsistent
      preprocessing".
    - Keras guide "Working with preprocessing layers" (putting the scaling in the model keeps
      training and inference consistent).
    """

    code = "KC403"
    name = "test-data-not-preprocessed"
    summary = "The training data is scaled but the validation or test data given to the model is not."

    invalid = (
        """
import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
x_train = x_train.astype("float32") / 255
model = keras.Sequential([keras.Input(shape=(32, 32, 3)), keras.layers.Flatten(),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, validation_data=(x_test, y_test))  # expect: KC403
""",
        """
import pandas as pd
from sklearn.preprocessing import StandardScaler
from tensorflow import keras
train = pd.read_csv("train.csv").values
test = pd.read_csv("test.csv").values
scaler = StandardScaler()
x_train = scaler.fit_transform(train[:, :-1])
model = keras.Sequential([keras.Input(shape=(12,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x_train, train[:, -1], validation_split=0.2)
predictions = model.predict(test[:, :-1])  # expect: KC403
""",
        # trained on the frame, scored on its standardized copy (the mirror image)
        """
import numpy as np
import pandas as pd
from tensorflow import keras
frame = pd.read_csv("sensors.csv")
frame["ratio"] = np.log(frame["a"] / frame["b"])
train = frame[frame["day"] < 20].copy()
standardized = (train - train.mean()) / train.std()
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(train[["ratio", "a"]], train["alarm"], validation_split=0.2)  # expect: KC403
model.evaluate(standardized[["ratio", "a"]], train["alarm"])
""",
        """
import tensorflow as tf

def serve_photo(jpeg_bytes):
    photo = tf.io.decode_jpeg(jpeg_bytes, channels=3)
    photo = tf.image.convert_image_dtype(photo, tf.float32)
    photo = tf.image.resize(photo, (160, 160))
    return photo / 255.0  # expect: KC403
""",
    )
    valid = (
        """
import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0
model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, validation_data=(x_test, y_test))
model.evaluate(x_test, y_test)
""",
        # scaling inside the model applies to every split; a helper might scale: unknown
        """
import keras
from prep import prepare
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                          keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, validation_split=0.1)
model.evaluate(x_test, y_test)
model.predict(prepare(x_test))
""",
        # token data is not raw, and neither split is scaled here (KC401's business)
        """
import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(num_words=1000)
model = keras.Sequential([keras.layers.Embedding(1000, 8), keras.layers.GlobalAveragePooling1D(),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x_train, y_train, validation_data=(x_test, y_test))
""",
        # one scaling of the decoded photo: the conversion, or the division of a float cast
        """
import tensorflow as tf

def serve_photo(jpeg_bytes):
    photo = tf.image.convert_image_dtype(tf.io.decode_jpeg(jpeg_bytes), tf.float32)
    return tf.image.resize(photo, (160, 160))

def serve_photo_by_hand(jpeg_bytes):
    photo = tf.cast(tf.io.decode_jpeg(jpeg_bytes), tf.float32)
    return tf.image.resize(photo, (160, 160)) / 255.0
""",
    )

    def check_file(self, facts):
        yield from super().check_file(facts)
        for node in facts.rescaled_twice:  # analysis/rescaling.py
            yield self.finding(
                node,
                "The image is divided by 255 after `tf.image.convert_image_dtype` already "
                "scaled its 8-bit pixels into [0, 1], so the model gets inputs in [0, 1/255] "
                "instead of [0, 1]; keep one of the two scalings")

    def check_model(self, model: ModelFact):
        if not model.fits:
            return
        yield from self._trained_unscaled(model)
        trained = {_family(fit.x) for fit in model.fits
                   if isinstance(fit.x, DataFact) and fit.x.scaled}
        if len(trained) != 1 or None in trained or \
                any(not isinstance(fit.x, DataFact) or not fit.x.scaled or
                    fit.x.scaled_on_some_paths for fit in model.fits):
            return
        family = trained.pop()
        targets = [(fit.validation_x, fit.validation_node or fit.node, "validation data")
                   for fit in model.fits]
        targets += [(evaluation.x, evaluation.node, f"data given to `{evaluation.method}()`")
                    for evaluation in model.evaluations
                    if evaluation.method in ("evaluate", "predict")]
        factors = {fit.x.factor for fit in model.fits}
        factor = factors.pop() if len(factors) == 1 else None
        for data, node, what in targets:
            if isinstance(data, DataFact) and data.is_raw and _family(data) == family:
                yield self.finding(
                    node,
                    f"The training data is scaled but the {what} is raw, so the model is "
                    f"scored on inputs of another scale; apply the same preprocessing (or put "
                    f"a `Rescaling`/`Normalization` layer in the model)")
            elif _other_factor(data, factor, model.fits[0].x):
                yield self.finding(
                    node,
                    f"The training pixels are {_scaling(factor)} but the {what} is "
                    f"{_scaling(data.factor)}, so the model is scored on inputs of another "
                    f"scale; scale every split the same way")

    def _trained_unscaled(self, model: ModelFact):
        """KC403's mirror image: the model is trained on data that was not standardized, and
        scored on that very data standardized (``fit(train[cols])``, ``evaluate((train[cols] -
        mu) / std)``, or a scaler's ``transform`` of it): the same rows, another scale. Only the
        same data is compared, so that a training set scaled in a way the analysis does not see
        is never judged; raw data is KC401's."""
        for fit in model.fits:
            trained = fit.x
            if not isinstance(trained, DataFact) or trained.fitted_on or trained.is_raw or \
                    trained.identity is None or trained.scaled_on_some_paths:
                continue
            targets = [(fit.validation_x, fit.validation_node, "validation data")] + [
                (evaluation.x, evaluation.node, f"data given to `{evaluation.method}()`")
                for evaluation in model.evaluations if evaluation.method in ("evaluate", "predict")]
            for data, node, what in targets:
                if isinstance(data, DataFact) and data.fitted_on and \
                        data.identity == trained.identity and not data.scaled_on_some_paths:
                    yield self.finding(
                        fit.x_node or fit.node,
                        f"The model is trained on this data unstandardized, but the {what} is "
                        f"the same data standardized, so the model is scored on inputs of "
                        f"another scale; train on the standardized copy",
                        related=[(node, f"the {what}, standardized")] if node is not None else ())
                    break

    def prove(self, subject=None):
        """Train on standardized measurements; score held-out rows standardized with the
        training statistics and left raw. On a user's model: the same with its own
        architecture, on pixel-like images (0-255, scaled by 1/255) or on tabular columns as
        its data is."""
        if subject is not None:
            if any(True for _ in self._trained_unscaled(getattr(subject, "fact", None) or
                                                        ModelFact())):
                return _prove_mirror(self.code, subject)
            return _prove_on_model(self.code, subject)
        tf, keras, np = load_tensorflow(0)
        rng = np.random.default_rng(0)
        x = rng.normal(loc=50.0, scale=10.0, size=(768, 4)).astype("float32")
        y = (x[:, 0] + x[:, 1] > 100.0).astype("int64")
        x_train, y_train, x_test, y_test = x[:512], y[:512], x[512:], y[512:]
        mean, std = x_train.mean(axis=0), x_train.std(axis=0)
        model = keras.Sequential([keras.Input(shape=(4,)),
                                  keras.layers.Dense(16, activation="relu"),
                                  keras.layers.Dense(2, activation="softmax")])
        model.compile(optimizer=keras.optimizers.Adam(0.01),
                      loss="sparse_categorical_crossentropy")
        # 160 steps in one epoch: what 20 epochs of 16 batches did, without 19 epochs' overhead
        fit_quietly(model, (x_train - mean) / std, y_train, steps=160, batch_size=64)
        good = accuracy(model, (x_test - mean) / std, y_test)
        bad = accuracy(model, x_test, y_test)
        verdict = good > 0.9 and bad < good - 0.2
        return Evidence(
            code=self.code, verdict=verdict,
            summary=f"Trained on standardized rows, the model scores {good:.2f} on test rows "
                    f"standardized the same way and {bad:.2f} on the same rows left raw.",
            measurements={"bad: accuracy on raw test rows": bad,
                          "good: accuracy on standardized test rows": good})


def _prove_on_model(code: str, subject):
    """KC403 on a user's model: trained on preprocessed data, scored on held-out data
    preprocessed the same way and left raw."""
    from kerascheck.proofkit import (
        labels_for_loss,
        number,
        require_user_model,
        subject_head,
        subject_input_shape,
    )
    from kerascheck.proofkit.data import gray_images, tabular_features

    require_user_model(code, subject)
    _, keras, np = load_tensorflow(0)
    _, activation, units, _ = subject_head(subject)
    if units == 1 and activation in (None, "linear"):
        raise NotImplementedError("KC403's measurement is an accuracy: a classifier's")
    shape = subject_input_shape(subject)
    sources = {_family(fit.x) for fit in subject.fact.fits}
    if sources == {"tabular"} and len(shape) == 1:
        raw, scaled, labels = tabular_features(640, shape[0], units, seed=0)
        data = "tabular columns (standardized with the training rows' statistics)"
    else:
        # two classes whatever the units (labels within any output): darker or brighter than
        # middle gray, learnable within the few steps a big model's budget allows; on the raw
        # test rows every image is far brighter than anything trained on
        # (as many training rows as a costly model's budget trains on, 64 held out then)
        from kerascheck.proofkit.curves import training_budget

        steps, batch = training_budget(subject.model, 160, 64)
        count = 640 if steps * batch >= 512 else steps * batch + 64
        raw, labels = gray_images(count, tuple(shape), seed=0)
        scaled = raw / 255.0
        data = "0-255 pixel-like images (divided by 255)"
    loss = "binary_crossentropy" if units == 1 else "sparse_categorical_crossentropy"
    model = subject.model
    optimizer = keras.optimizers.Adam(0.01)
    if data.startswith("0-255"):
        # a convolutional network at Adam's 0.01 can lose every ReLU in the first steps and
        # answer a constant; the class of optimizer it is compiled with, at its default rate,
        # is what its images were meant to train with
        from kerascheck.proofkit.training import users_optimizer

        optimizer, _ = users_optimizer(keras, model)
    model.compile(optimizer=optimizer, loss=loss)
    from kerascheck.proofkit.curves import training_budget

    steps, batch = training_budget(model, 160, 64)
    split = min(512, len(raw) - 64)
    fit_quietly(model, scaled[:split], labels_for_loss(loss, labels[:split], units),
                steps=steps, batch_size=batch)
    labels = labels[split:]
    targets = labels_for_loss(loss, labels, units)
    scores = []
    for x in (scaled[split:], raw[split:]):  # one forward pass per held-out set
        predictions = model(x, training=False)
        values = np.asarray(predictions)
        if values.shape[-1] == 1:
            predicted = (values[..., 0] > 0.5).astype("int64")
            confidence = np.abs(values[..., 0] - 0.5) * 2
        else:
            predicted, confidence = values.argmax(axis=-1), values.max(axis=-1)
        scores.append((float((predicted == labels).mean()),
                       float(model.compute_loss(x=x, y=targets, y_pred=predictions,
                                                training=False)),
                       float((confidence > 0.98).mean())))
    (good, good_loss, good_saturated), (bad, bad_loss, bad_saturated) = scores
    # what evaluate() reports: the loss first; a score on inputs of another scale is off in
    # its accuracy, or in a loss many times the one on rows preprocessed as in training; or
    # the raw rows drive the output to certainty whatever the row shows (nearly every output
    # saturated, against few on preprocessed rows), which a model with the few training
    # steps a large network's budget allows shows before it scores well on either
    verdict = good - bad >= 0.1 or bad_loss >= 5 * good_loss + 0.1 or \
        (bad_saturated >= 0.9 and good_saturated <= 0.1)
    saturation = (f"; {bad_saturated:.0%} of its outputs on the raw rows are saturated "
                  f"(a confident answer whatever the row shows), {good_saturated:.0%} on the "
                  f"preprocessed ones") if bad_saturated - good_saturated >= 0.5 else ""
    return Evidence(
        code, verdict,
        f"trained on preprocessed {data.split(' (')[0]}, it scores {good:.2f} (loss "
        f"{number(good_loss)}) on held-out rows preprocessed the same way and {bad:.2f} (loss "
        f"{number(bad_loss)}) on the same rows left raw{saturation}",
        {"accuracy on held-out rows, preprocessed": good,
         "accuracy on held-out rows, left raw": bad,
         "loss on held-out rows, preprocessed": good_loss,
         "loss on held-out rows, left raw": bad_loss,
         "saturated outputs on held-out rows, preprocessed": good_saturated,
         "saturated outputs on held-out rows, left raw": bad_saturated, "data": data})


def _prove_mirror(code: str, subject):
    """The mirror image on a user's model: trained on tabular columns as read, scored on
    held-out rows as read and on the same rows standardized."""
    from kerascheck.proofkit import (
        labels_for_loss,
        number,
        require_user_model,
        subject_head,
        subject_input_shape,
    )
    from kerascheck.proofkit.curves import training_budget
    from kerascheck.proofkit.data import tabular_features

    require_user_model(code, subject)
    _, keras, np = load_tensorflow(0)
    _, activation, units, _ = subject_head(subject)
    shape = subject_input_shape(subject)
    if units == 1 and activation in (None, "linear") or len(shape) != 1 or shape[0] is None:
        raise NotImplementedError("the mirror image is measured on a classifier of table rows")
    raw, standardized, labels = tabular_features(640, int(shape[0]), units, seed=0)
    loss = "binary_crossentropy" if units == 1 else "sparse_categorical_crossentropy"
    model = subject.model
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss)
    steps, batch = training_budget(model, 160, 64)
    fit_quietly(model, raw[:512], labels_for_loss(loss, labels[:512], units), steps=steps,
                batch_size=batch)
    as_trained = accuracy(model, raw[512:], labels[512:])
    other = accuracy(model, standardized[512:], labels[512:])
    return Evidence(
        code, as_trained - other >= 0.1,
        f"trained on table columns as read (scales from 1 to 1000), it scores "
        f"{number(as_trained)} on held-out rows as read and {number(other)} on the same rows "
        f"standardized",
        {"accuracy on held-out rows, as trained": as_trained,
         "accuracy on held-out rows, standardized": other})
