"""The memorization experiment of the holdout rules (KC501, KC502): a model asked to memorize
random labels (or random regression targets) scores near 100 % on them and near chance on
held-out draws, so a training score alone says nothing of generalization. Measured on the rule's
own small network or on a user's rebuilt model (a :class:`~kerascheck.proofkit.evidence.Subject`),
with a budget that keeps a costly model's run short."""

from __future__ import annotations

from kerascheck.proofkit.curves import training_budget
from kerascheck.proofkit.data import labels_for_loss
from kerascheck.proofkit.environment import load_tensorflow
from kerascheck.proofkit.evidence import Evidence
from kerascheck.proofkit.measure import (
    _loss_name_of,
    accuracy,
    fit_quietly,
    number,
    subject_head,
    subject_input_shape,
)


def memorization_scores(model, input_shape: tuple, classes: int, loss=None, steps: int = 150,
                        seed: int = 0, train_count: int = 64,
                        used: dict | None = None) -> tuple[float, float]:
    """Train ``model`` to memorize ``train_count`` random inputs with random labels (Adam,
    learning rate 0.01) and return ``(accuracy on those training samples, accuracy on 400
    held-out random samples)``. Any model with enough capacity scores near 1.0 on the first and
    near chance (1 / classes, 0.5 for one unit) on the second (KC501, KC502).

    ``classes`` is the number of output units; ``loss`` a keras loss (default: sparse categorical
    cross-entropy, binary cross-entropy for one unit).
    """
    import numpy as np
    from tensorflow import keras

    rng = np.random.default_rng(seed)
    label_count = max(classes, 2)
    x_train = rng.normal(size=(train_count, *input_shape)).astype("float32")
    x_heldout = rng.normal(size=(400, *input_shape)).astype("float32")
    y_train = rng.integers(0, label_count, size=train_count)
    y_heldout = rng.integers(0, label_count, size=400)
    loss_name = "binary_crossentropy" if classes == 1 else "sparse_categorical_crossentropy"
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss or loss_name)
    encoded = labels_for_loss(_loss_name_of(loss) or loss_name, y_train, classes)
    asked = steps
    steps, batch = training_budget(model, steps, min(32, train_count))
    seen = max(batch, steps * batch // 20)
    if steps < asked and train_count > seen:
        # a costly model gets few small batches: it is asked to memorize fewer samples, each
        # seen at least 20 times (a memorized handful is the same symptom; held-out chance is
        # measured on the same draws)
        train_count = seen
        x_train, y_train = x_train[:train_count], y_train[:train_count]
        encoded = encoded[:train_count]
    fit_quietly(model, x_train, encoded, steps=steps, batch_size=batch, seed=seed)
    if used is not None:  # what was asked of the model, for the evidence
        used.update(train_count=train_count, steps=steps, batch_size=batch)
    held = _heldout_count(model)  # the same draws; fewer of them scored for a costly model
    return accuracy(model, x_train, y_train), accuracy(model, x_heldout[:held],
                                                         y_heldout[:held])


def _heldout_count(model) -> int:
    """How many of the 400 held-out samples to score: all for a small model, down to 100 for
    one whose forward pass costs many multiply-adds (a chance-level accuracy is measured to
    about 0.05 on 100 samples, far inside the 0.25 gap the verdicts ask for)."""
    from kerascheck.proofkit.curves import step_cost

    return int(max(100, min(400, 4e8 // max(step_cost(model), 1))))


def regression_memorization(model, input_shape: tuple, steps: int = 300, seed: int = 0,
                            train_count: int = 64) -> tuple[float, float]:
    """The regression twin of :func:`memorization_scores`: train ``model`` (one linear output)
    with MSE on random targets and return ``(MSE on the training samples, MSE on 400 held-out
    samples)``. Memorized noise gives a small training error and a large held-out one."""
    import numpy as np
    from tensorflow import keras

    rng = np.random.default_rng(seed)
    x_train = rng.normal(size=(train_count, *input_shape)).astype("float32")
    x_heldout = rng.normal(size=(400, *input_shape)).astype("float32")
    y_train = rng.normal(size=(train_count, 1)).astype("float32")
    y_heldout = rng.normal(size=(400, 1)).astype("float32")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    fit_quietly(model, x_train, y_train, steps=steps, batch_size=min(32, train_count),
                seed=seed)
    errors = [float(np.mean((np.asarray(model(x, training=False)).reshape(-1, 1) - y) ** 2))
              for x, y in ((x_train, y_train), (x_heldout, y_heldout))]
    return errors[0], errors[1]


def _chance_of_at_least(hits: int, count: int, chance: float) -> float:
    """The probability that guessing (right with probability ``chance``) gets at least
    ``hits`` of ``count`` right."""
    import math

    return float(sum(math.comb(count, k) * chance ** k * (1 - chance) ** (count - k)
                     for k in range(hits, count + 1)))


def _memorizable_count(model) -> int:
    """How many random samples to ask a user's model to memorize: 64, fewer for a model with
    few weights (a 2-4-1 XOR net cannot hold 64 random labels, but it can hold a handful)."""
    return int(max(8, min(64, model.count_params() // 4)))


_REGRESSION_LOSSES = {"mean_squared_error", "mean_absolute_error", "huber",
                      "mean_squared_logarithmic_error", "log_cosh"}


def memorization_evidence(code: str, subject, train_label: str, heldout_label: str,
                          summary: str) -> Evidence:
    """The experiment KC501 and KC502 share: a model that memorizes random labels scores near
    100% on its training data and near chance on held-out data. ``subject`` (a rebuilt user model,
    see :mod:`kerascheck.runtime.rebuild`) is measured with its own architecture; without one, a small
    MLP stands in. ``train_label``/``heldout_label`` name the two measurements as the rule sees
    them."""
    _, keras, _ = load_tensorflow(0)
    if subject is not None:
        _, activation, units, _ = subject_head(subject)
        count = _memorizable_count(subject.model)
        compile_fact = getattr(subject.fact, "compile", None)
        loss_name = _loss_name_of(compile_fact.loss.name) if compile_fact is not None and \
            isinstance(compile_fact.loss.name, str) else None
        if units == 1 and activation in (None, "linear") and loss_name in _REGRESSION_LOSSES:
            train_error, heldout_error = regression_memorization(
                subject.model, subject_input_shape(subject), train_count=count)
            return Evidence(
                code, heldout_error >= 2 * train_error and heldout_error - train_error >= 0.25,
                f"fitting noise, its error on the training data is {number(train_error)} and "
                f"on held-out data {number(heldout_error)} (a regression: mean squared error)",
                {"MSE on training data": train_error, "MSE on held-out data": heldout_error,
                 "training samples (random targets)": count})
        used: dict = {}
        train, heldout = memorization_scores(subject.model, subject_input_shape(subject), units,
                                             steps=300 if count < 64 else 150,
                                             train_count=count, used=used)
        count = used["train_count"]
        chance = 1 / max(units, 2)
        # with a handful of samples (a costly model's budget), the training score must also be
        # out of chance's reach: fewer than 1 in 20 guessers would score it
        surprise = _chance_of_at_least(round(train * count), count, chance)
        return Evidence(
            code, train - heldout >= 0.25 and surprise < 0.05,
            f"memorizing {count} random labels it scores {number(train)} on them and "
            f"{number(heldout)} on held-out data",
            {"accuracy on training data": train, "accuracy on held-out data": heldout,
             "training samples (random labels)": count,
             "training steps (batch)": f"{used['steps']} ({used['batch_size']})",
             "chance of that training score by guessing": surprise})
    model = keras.Sequential([keras.Input(shape=(20,)),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    train, heldout = memorization_scores(model, (20,), 2)
    measured = {train_label: train, heldout_label: heldout, "chance": 0.5}
    return Evidence(code, train >= 0.95 and heldout <= 0.65, summary, measured)
