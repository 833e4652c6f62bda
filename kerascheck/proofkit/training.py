"""Training curves and twin runs from one start.

A proof that compares a bad model with its fixed twin (raw vs scaled inputs, a high learning
rate vs a sane one) used to train two copies: each copy traces its own ``train_function``
(1.5 s of CPU for a small convolutional network, more than the steps themselves). Here one
model is trained twice from the same start (its weights and its optimizer's state restored in
between), so Keras traces once. The per-step losses are recorded for the figures
(:mod:`kerascheck.runtime.plots`): the numbers drawn are the numbers measured.
"""

from __future__ import annotations

CURVE_POINTS = 25  # per-step losses are averaged into this many points for the figures


def loss_recorder(keras, losses: list):
    """A callback that appends each step's training loss to ``losses``.

    Keras reports the running mean of the epoch at each batch end; with equal batches the
    step's own loss is ``k * mean_k - (k - 1) * mean_(k-1)``."""

    class _Recorder(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.means = []

        def on_train_batch_end(self, batch, logs=None):
            if logs and "loss" in logs:
                self.means.append(float(logs["loss"]))

        def on_train_end(self, logs=None):
            previous = 0.0
            for index, mean in enumerate(self.means):
                # float32 rounding of huge running means can leave a recovered loss below 0
                losses.append(max(0.0, (index + 1) * mean - index * previous))
                previous = mean

    return _Recorder()


def curve(losses: list, points: int = CURVE_POINTS) -> list:
    """``losses`` averaged into at most ``points`` consecutive chunks (finite values only;
    a diverged run's NaN stays NaN)."""
    if not losses:
        return []
    size = max(1, -(-len(losses) // points))
    chunks = [losses[start:start + size] for start in range(0, len(losses), size)]
    return [round(sum(chunk) / len(chunk), 6) for chunk in chunks]


def curves_figure(title: str, series: dict, steps: int, y_label: str = "training loss",
                  log: bool = True) -> dict:
    """The figure record of training curves (see :class:`kerascheck.proofkit.Evidence`)."""
    return {"kind": "curves", "title": title, "x": "optimizer step", "steps": steps,
            "y": y_label, "log": log, "series": {label: curve(values)
                                                  for label, values in series.items()}}


def distributions_figure(title: str, series: dict, x_label: str, reference=None) -> dict:
    """The figure record of value distributions (histograms), with an optional reference
    value drawn as a line (1.0 for sums of probabilities)."""
    return {"kind": "distributions", "title": title, "x": x_label, "reference": reference,
            "series": {label: [round(float(v), 6) for v in list(values)[:400]]
                       for label, values in series.items()}}


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

    from kerascheck.proofkit.measure import fit_quietly

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


def _copy(model):
    from tensorflow import keras

    twin = keras.models.clone_model(model)
    twin.set_weights(model.get_weights())
    twin.compile(optimizer=type(model.optimizer).from_config(model.optimizer.get_config()),
                 loss=model.loss)
    return twin
