"""Twin runs from one start: a bad and a fixed setting trained on one model.

A proof that compares a bad model with its fixed twin (raw vs scaled inputs, a high learning
rate vs a sane one) used to train two copies: each copy traces its own ``train_function``
(1.5 s of CPU for a small convolutional network, more than the steps themselves). Here one
model is trained twice from the same start (its weights and its optimizer's state restored in
between), so Keras traces once. The per-step losses are recorded for the figures
(:mod:`kerascheck.runtime.plots`): the numbers drawn are the numbers measured.
"""

from __future__ import annotations

from kerascheck.proofkit.curves import training_budget
from kerascheck.proofkit.data import labels_for_loss, pixel_images
from kerascheck.proofkit.measure import _loss_name_of, fit_quietly


class _StartingPoint:
    """A compiled model's weights and optimizer state, to train it again from the same start."""

    def __init__(self, model):
        self.model = model
        model.optimizer.build(model.trainable_variables)
        self.weights = model.get_weights()
        self.optimizer_state = [variable.numpy() for variable in model.optimizer.variables]

    def restore(self):
        self.model.set_weights(self.weights)
        for variable, value in zip(self.model.optimizer.variables, self.optimizer_state):
            variable.assign(value)


def train_from_one_start(model, runs: list, steps: int, seed: int = 0, batch_size: int = 32,
                         before_run=None) -> list:
    """Train the compiled ``model`` once per ``(x, y)`` of ``runs``, each time from the same
    initial weights and optimizer state; return ``[(final loss, per-step losses)]``.

    ``before_run(index)`` may change the optimizer's hyperparameters between runs (a learning
    rate is a variable: no retracing). A model whose state cannot be restored is cloned per
    run instead (slower: one trace per copy)."""
    import math

    try:
        start = _StartingPoint(model)
    except Exception:  # an optimizer without build(): a fresh copy per run
        start = None
    copies = [model] * len(runs) if start is not None else \
        [model] + [_copy(model) for _ in runs[1:]]
    results = []
    for index, (x, y) in enumerate(runs):
        candidate = copies[index]
        if start is not None:
            start.restore()
        if before_run is not None:
            before_run(index, candidate)
        losses: list = []
        value = fit_quietly(candidate, x, y, steps=steps, seed=seed, batch_size=batch_size,
                            losses=losses)
        results.append((value if math.isfinite(value) else math.inf, losses))
    return results


def users_optimizer(keras, model):
    """``(optimizer, description)``: a fresh optimizer of the class ``model`` was compiled with
    (a user's model rebuilt with its own optimizer), at that class's default learning rate, or
    Adam for a model not compiled (the catalog's examples). The symptom of raw inputs depends on
    the optimizer (SGD learns nothing from 0-255 pixels where Adam's per-weight steps partly
    cope), so the user's is the one to measure; its rate is not taken, since a rate far off is
    a finding of its own (KC603) that would hide this one."""
    optimizer = getattr(model, "optimizer", None) if getattr(model, "compiled", False) else None
    if optimizer is None:
        return keras.optimizers.Adam(), "Adam (the model is not compiled)"
    try:
        fresh = type(optimizer)()
    except Exception:  # an optimizer that needs arguments: the default
        return keras.optimizers.Adam(), "Adam (the model's optimizer needs arguments)"
    return fresh, f"{type(optimizer).__name__} (yours, at its default learning rate)"


def _copy(model):
    from tensorflow import keras

    twin = keras.models.clone_model(model)
    twin.set_weights(model.get_weights())
    twin.compile(optimizer=type(model.optimizer).from_config(model.optimizer.get_config()),
                 loss=model.loss)
    return twin


def raw_vs_scaled_losses(model, input_shape: tuple, classes: int, loss=None, steps: int = 100,
                         seed: int = 0, curves: dict | None = None) -> tuple[float, float]:
    """Train ``model`` on raw 0..255 :func:`pixel_images` and, from the same initial weights
    (with the optimizer it was compiled with, see :func:`users_optimizer`), on the same images
    divided by 255; return both losses after ``steps`` steps (``inf`` when training diverged
    to NaN). The raw model's loss is the worse (KC401).
    ``curves`` receives the per-step losses under ``"raw"`` and ``"scaled"``."""
    from tensorflow import keras


    x, y = pixel_images(256, tuple(input_shape), max(classes, 2), seed=seed)
    loss_name = "binary_crossentropy" if classes == 1 else "sparse_categorical_crossentropy"
    labels = labels_for_loss(_loss_name_of(loss) or loss_name, y, classes)
    optimizer, described = users_optimizer(keras, model)
    model.compile(optimizer=optimizer, loss=loss or loss_name)
    steps, batch = training_budget(model, steps)
    (raw, raw_curve), (scaled, scaled_curve) = train_from_one_start(
        model, [(x, labels), (x / 255.0, labels)], steps, seed, batch)
    if curves is not None:
        curves.update({"raw": raw_curve, "scaled": scaled_curve, "steps": steps,
                       "optimizer": described,
                       "chance": chance_loss(_loss_name_of(loss) or loss_name, classes)})
    return raw, scaled


def chance_loss(loss_name: str | None, classes: int) -> float | None:
    """The cross-entropy of a model that learned nothing (it predicts every class alike) on
    balanced labels: ln(classes), ln 2 for one unit; None for other losses."""
    import math

    if loss_name in ("categorical_crossentropy", "sparse_categorical_crossentropy") and \
            classes > 1:
        return math.log(classes)
    if loss_name == "binary_crossentropy" and classes == 1:
        return math.log(2)
    return None


def tabular_raw_vs_scaled_losses(model, features: int, classes: int, loss=None,
                                 regression: bool = False, steps: int = 100,
                                 seed: int = 0, curves: dict | None = None) -> tuple[float, float]:
    """KC401 on tabular data: train ``model`` on raw CSV-like columns (scales 1 to 1000) and,
    from the same start, on the standardized columns; return both losses after ``steps`` steps.
    A regression (``regression``) is trained with MSE on a continuous target. ``curves`` as in
    :func:`raw_vs_scaled_losses`."""
    from tensorflow import keras

    from kerascheck.proofkit.data import tabular_features

    raw, scaled, labels = tabular_features(256, features, 0 if regression else classes, seed)
    loss_name = "mean_squared_error" if regression else \
        "binary_crossentropy" if classes == 1 else "sparse_categorical_crossentropy"
    targets = labels if regression else \
        labels_for_loss(_loss_name_of(loss) or loss_name, labels, classes)
    optimizer, described = users_optimizer(keras, model)
    model.compile(optimizer=optimizer, loss=loss or loss_name)
    steps, batch = training_budget(model, steps)
    (raw_loss, raw_curve), (scaled_loss, scaled_curve) = train_from_one_start(
        model, [(raw, targets), (scaled, targets)], steps, seed, batch)
    if curves is not None:
        curves.update({"raw": raw_curve, "scaled": scaled_curve, "steps": steps,
                       "optimizer": described})
    return raw_loss, scaled_loss


def linear_stack_on_xor() -> tuple[bool, dict]:
    """KC201's proof on its own example: a linear hidden stack and its ReLU twin trained on XOR.
    The trained linear stack equals one affine map to 1e-5 and gets at most 3 of the 4 points;
    the ReLU twin fits XOR. Returns (verdict, measurements)."""
    from kerascheck.proofkit.data import xor_data
    from kerascheck.proofkit.environment import load_tensorflow
    from kerascheck.proofkit.measure import accuracy, affine_residual

    _, keras, np = load_tensorflow(0)
    x, y = xor_data()
    grid = np.random.default_rng(1).uniform(-2, 2, size=(256, 2)).astype("float32")
    measured = {}
    for label, activation in (("bad", None), ("good", "relu")):
        load_tensorflow(0)
        model = keras.Sequential([keras.Input(shape=(2,)),
                                  keras.layers.Dense(16, activation=activation),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
        fit_quietly(model, x, y, steps=300, batch_size=4)
        hidden, output = model.layers
        measured[f"{label}: distance of the logits to one affine map"] = \
            affine_residual(lambda inputs: np.asarray(hidden(inputs))
                            @ output.kernel.numpy() + output.bias.numpy(), grid)
        measured[f"{label}: XOR accuracy after training"] = accuracy(model, x, y)
    verdict = (measured["bad: distance of the logits to one affine map"] < 1e-5
               and measured["bad: XOR accuracy after training"] <= 0.75
               and measured["good: distance of the logits to one affine map"] > 1e-2
               and measured["good: XOR accuracy after training"] == 1.0)
    return verdict, measured
