"""What the figures are drawn from, and what training a user's model may cost.

Per-step training losses recorded during ``fit`` (:func:`loss_recorder`), averaged into a few
points (:func:`curve`), and the figure records a proof puts in
:attr:`kerascheck.proofkit.Evidence.figure` (:func:`curves_figure`,
:func:`distributions_figure`; drawn by :mod:`kerascheck.runtime.plots` from these measured
numbers, never by training again). :func:`training_budget` keeps a proof on a big user model
within about a second of training.
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


def training_budget(model, steps: int, batch_size: int = 32) -> tuple[int, int]:
    """``(steps, batch size)`` for training a user's model: as asked for a small model, fewer
    and smaller for one whose step costs many multiply-adds (a convolutional network on
    images), so that a proof stays within about a second of training on a slow CPU. The
    symptoms measured (a loss far behind its twin's, a divergence) show within 20 steps."""
    cost = step_cost(model) * batch_size
    budget = 2e9 / 3  # multiply-adds per run (forward and backward: three times the forward)
    while cost * steps > budget and batch_size > 8:
        batch_size //= 2
        cost //= 2
    while cost * steps > budget and steps > 20:
        steps = max(20, steps // 2)
    return steps, batch_size


def step_cost(model) -> int:
    """Multiply-adds of one sample's forward pass, roughly: each layer's weights times the
    positions it is applied at (the spatial size of its output for a convolution)."""
    import math

    total = 0
    for layer in getattr(model, "layers", []):
        try:
            weights = layer.count_params()
            shape = tuple(layer.output.shape)[1:] if hasattr(layer, "output") else ()
        except Exception:  # not built, several outputs: no cost known for this layer
            weights, shape = 0, ()
        positions = math.prod(d for d in shape[:-1] if isinstance(d, int)) if len(shape) > 1 \
            else 1
        total += weights * max(1, positions)
    return int(total)
