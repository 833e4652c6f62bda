"""What a proof hands back (:class:`Evidence`), what it is handed (:class:`Subject`), and why it
may not run (:class:`RuntimeUnavailable`, :class:`CannotMeasure`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class RuntimeUnavailable(RuntimeError):
    """TensorFlow is not installed: install ``kerascheck[runtime]``."""


class CannotMeasure(RuntimeError):
    """A proof cannot measure this user's model (the message says why)."""


INSTALL_HINT = "the runtime checks need TensorFlow: pip install 'kerascheck[runtime]'"


@dataclass
class Evidence:
    """What a proof measured.

    ``measurements`` maps a short label to a number or text, e.g.
    ``{"bad: sum of sigmoid outputs": 1.71, "good: sum of softmax outputs": 1.0}``. ``verdict`` is
    True only if the bad model showed the symptom and the good one did not.

    ``figure``, when the proof measured series worth drawing, holds them as JSON-safe data for
    :mod:`kerascheck.runtime.plots` (one figure kind per kind of evidence, built with
    :mod:`kerascheck.proofkit.training`): ``{"kind": "curves", "title": ..., "x": ..., "y":
    ..., "log": bool, "series": {label: [loss per point]}}`` for training curves, ``{"kind":
    "distributions", ..., "reference": 1.0, "series": {label: [values]}}`` for output
    distributions. Without one, the plot shows the numeric measurements as bars.
    """

    code: str
    verdict: bool
    summary: str
    measurements: dict = field(default_factory=dict)
    figure: dict | None = None


@dataclass
class Subject:
    """A user's model, rebuilt in TensorFlow from the linter's facts, handed to ``prove``.

    ``model`` is the keras model (built unless the facts say it declares no input), ``fact`` the
    :class:`~kerascheck.facts.ModelFact` it was built from, ``finding`` the static finding being
    proved, ``input_shape`` the sample shape (without the batch axis) or None, and ``layers``
    maps ``id(LayerFact)`` to the keras layer built from it (see :meth:`layer_of`); ``stand_ins`` say
    in words what the rebuild made up where the source is silent (shown with the evidence).
    """

    model: Any
    fact: Any
    finding: Any
    input_shape: tuple | None
    layers: dict = field(default_factory=dict)
    stand_ins: list = field(default_factory=list)  # what the rebuild had to make up, in words
    # (exception name, first line) when Keras refused to build the model (``model`` is None):
    # handed to the proofs whose symptom is that refusal (KC104)
    build_error: tuple | None = None

    def layer_of(self, layer_fact):
        """The keras layer built from ``layer_fact`` (a LayerFact of :attr:`fact`), or None."""
        return self.layers.get(id(layer_fact))

    @property
    def target_layer(self):
        """The keras layer the finding points at, when it points at a layer."""
        return self.layers.get(id(self.finding.target))

    def sample_inputs(self, count: int = 64, seed: int = 0, low: float = -1.0,
                      high: float = 1.0):
        """``count`` uniform random inputs of the model's input shape (float32)."""
        import numpy as np

        if self.input_shape is None:  # a model left unbuilt (it declares no input)
            raise CannotMeasure("the model declares no input shape, so no inputs can be made")
        rng = np.random.default_rng(seed)
        return rng.uniform(low, high, size=(count, *self.input_shape)).astype("float32")
