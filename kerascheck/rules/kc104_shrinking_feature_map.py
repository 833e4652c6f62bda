"""KC104 shrinking-feature-map."""

from __future__ import annotations

from kerascheck.analysis.shapes import infer
from kerascheck.facts import FileFacts, ModelFact
from kerascheck.proofkit import Evidence, exception_of, load_tensorflow
from kerascheck.rules.base import Rule

# Keras 2 and 3 spell this under keras.backend (and keras.config); Keras 1 spoke of dim ordering.
# A file that *sets* the format to a literal is followed by the shapes (ModelFact.channels_first).
_DATA_FORMAT_QUERIES = {"image_data_format", "image_dim_ordering"}


class ShrinkingFeatureMap(Rule):
    """
    ## What it does
    Follows the shape of one sample through the model's convolution and pooling layers (from
    the declared input shape, with their literal kernel sizes, strides and paddings) and finds a
    layer with `padding="valid"` whose window is larger than the feature map that reaches it.

    ## Why is this bad?
    Every valid convolution shrinks the map by its kernel size minus one and every pooling
    divides it: a 32×32 image is 2×2 after three conv-and-pool stages. A 3×3 window cannot fit
    on that, and Keras refuses to build the model ("Computed output size would be negative").
    The fix is fewer stages, `padding="same"`, or a larger input.

    ## Example
    ```python
    from tensorflow import keras
    from tensorflow.keras import layers

    model = keras.Sequential([
        keras.Input(shape=(32, 32, 3)),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(128, 3, activation="relu"),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])
    ```

    ## Use instead
    ```python
    from tensorflow import keras
    from tensorflow.keras import layers

    model = keras.Sequential([
        keras.Input(shape=(32, 32, 3)),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(128, 3, padding="same", activation="relu"),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])
    ```

    ## Fix safety
    No automatic fix: fewer stages, `padding="same"` or a larger input are design choices.

    ## Runtime evidence
    The proof builds both models: Keras raises `ValueError` for the bad one when the layer is
    added, and builds the fixed one.

    ## References
    - Keras API: `keras.layers.Conv2D` (`padding="valid"` means no padding) and
      `keras.layers.MaxPooling2D` (output shape formulas).
    """

    code = "KC104"
    name = "shrinking-feature-map"
    summary = "A convolution or pooling window is larger than the feature map that reaches it."

    invalid = (
        """
from keras import layers, models
model = models.Sequential()
model.add(layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation="relu"))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation="relu"))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(128, (3, 3), activation="relu"))  # expect: KC104
model.add(layers.Flatten())
model.add(layers.Dense(10, activation="softmax"))
""",
        """
import tensorflow as tf
inputs = tf.keras.Input(shape=(20, 8))
x = tf.keras.layers.Conv1D(16, 7, activation="relu")(inputs)
x = tf.keras.layers.MaxPooling1D(4)(x)
x = tf.keras.layers.Conv1D(16, 7, activation="relu")(x)  # expect: KC104
x = tf.keras.layers.GlobalMaxPooling1D()(x)
model = tf.keras.Model(inputs, tf.keras.layers.Dense(1, activation="sigmoid")(x))
""",
    )
    valid = (
        # the classic CIFAR-10 stack: three 3x3 stages leave a 4x4 map
        """
from keras import layers, models
model = models.Sequential([
    layers.Conv2D(32, (3, 3), activation="relu", input_shape=(32, 32, 3)),
    layers.MaxPooling2D((2, 2)),
    layers.Conv2D(64, (3, 3), activation="relu"),
    layers.MaxPooling2D((2, 2)),
    layers.Conv2D(64, (3, 3), activation="relu"),
    layers.Flatten(),
    layers.Dense(10),
])
""",
        # same padding never shrinks below one; variable sizes and unknown inputs are unknown
        """
import keras
from keras import layers
def build(size, kernel):
    inputs = keras.Input(shape=(size, size, 3))
    x = layers.Conv2D(8, kernel)(inputs)
    x = layers.Conv2D(8, 3, padding="same")(x)
    return keras.Model(inputs, x)
tiny = keras.Sequential([keras.Input(shape=(2, 2, 1)), layers.Conv2D(4, 5, padding="same")])
free = keras.Sequential([keras.Input(shape=(None, None, 3)), layers.Conv2D(4, 7),
                         layers.MaxPooling2D(8), layers.Conv2D(4, 7)])
""",
        # the data format is set at run time: the first axis may hold the channels
        """
import keras
from keras import backend as K
K.set_image_data_format("channels_first")
model = keras.Sequential([keras.Input(shape=(1, 28, 28)), keras.layers.Conv2D(8, 5)])
""",
        # channels-first data and a custom layer in between: shapes are not followed
        """
from tensorflow import keras
from mylib import Upscale
model = keras.Sequential([keras.Input(shape=(3, 32, 32)),
                          keras.layers.Conv2D(8, 3, data_format="channels_first"),
                          keras.layers.Conv2D(8, 3, data_format="channels_first")])
other = keras.Sequential([keras.Input(shape=(4, 4, 3)), Upscale(8), keras.layers.Conv2D(8, 5)])
""",
    )

    def check_file(self, facts: FileFacts):
        if any(path.rsplit(".", 1)[-1] in _DATA_FORMAT_QUERIES for _, path in facts.references):
            # the data format is chosen at run time (a test of K.image_data_format()): which
            # axis holds the channels is not known
            return
        yield from super().check_file(facts)

    def check_model(self, model: ModelFact):
        for problem in infer(model).too_small:
            size = "x".join(str(axis) for axis in problem.input_shape[:-1])
            window = "x".join(str(axis) for axis in problem.window)
            yield self.finding(
                problem.layer,
                f"This {problem.layer.kind}'s {window} window is larger than the {size} feature "
                f"map that reaches it, so Keras cannot build the model; use `padding=\"same\"`, "
                f"fewer pooling stages or a larger input")

    def prove(self, subject=None):
        """Build the example's model and its fixed twin: the bad one raises when built. On a
        user's model: the model rebuilt from its facts at its own input size (never shrunk nor
        made up) is refused by Keras."""
        if subject is not None:
            return _prove_on_model(self.code, subject)
        tf, keras, np = load_tensorflow(0)
        layers = keras.layers

        def build(padding: str):
            stack = [keras.Input(shape=(32, 32, 3))]
            for filters in (32, 64, 64):
                stack += [layers.Conv2D(filters, 3, padding=padding, activation="relu"),
                          layers.MaxPooling2D(2)]
            stack += [layers.Conv2D(128, 3, padding=padding, activation="relu"),
                      layers.Flatten(), layers.Dense(10, activation="softmax")]
            return keras.Sequential(stack)

        bad_error = exception_of(lambda: build("valid"))
        good_error = exception_of(lambda: build("same"))
        verdict = bad_error is not None and good_error is None
        message = f"{bad_error[0]}: {bad_error[1]}" if bad_error else "built"
        return Evidence(
            code=self.code, verdict=verdict,
            summary=f"The valid-padding model cannot be built ({message[:120]}); the "
                    f"same-padding twin builds.",
            measurements={"bad: building the model": message[:160],
                          "good: building the model": "built" if good_error is None
                          else f"{good_error[0]}: {good_error[1]}"[:160]})


def _prove_on_model(code: str, subject):
    """KC104 on a user's model: Keras' refusal to build it (``Subject.build_error``)."""
    from kerascheck.proofkit import Subject

    if not isinstance(subject, Subject):
        raise NotImplementedError("KC104 is shown on the rebuilt model, not on a construct")
    error = subject.build_error
    if error is None:
        shape = tuple(subject.model.input_shape[1:]) if subject.model is not None else None
        return Evidence(code, False, f"Keras builds your model at input {shape}",
                        {"building your model": "built"})
    shrunk = "negative" in error[1] or "zero" in error[1]
    return Evidence(
        code, shrunk, f"Keras refuses to build your model ({error[0]}: {error[1][:100]})",
        {"building your model": f"{error[0]}: {error[1]}"[:200]})
