"""``keras.models.clone_model(model)``: a new model of the same layers, with fresh weights. The
clone is a model of its own (its own compile, fits and evaluations); the model it is cloned
from is taken as escaped, as before cloning was followed, so that nothing judged of it
changes. A ``clone_function`` may replace any layer: that clone, and the clone of a model the
analysis does not know, stay unknown.

Whether the clone is compiled depends on the Keras: measured with Keras 3.15 and tf_keras 2.21,
Keras 3 compiles the clone from the configuration of a model compiled before the clone (its
``fit`` runs), tf_keras never does (``RuntimeError: You must compile your model``). So the
clone takes the compiles that ran on its model before the clone as compiled on the same paths
(KC504 stays silent where Keras 3 would run, and is reported where neither would), but not
their losses and metrics: only a compile of the clone itself says what it minimizes."""

from __future__ import annotations

from kerascheck.facts import UNKNOWN, ModelFact


def clone_of(model: ModelFact, node) -> ModelFact:
    """A model built as ``model`` was, by the ``clone_model`` call ``node``."""
    return ModelFact(
        kind=model.kind, layers=list(model.layers), edges=list(model.edges),
        outputs=list(model.outputs), exact=model.exact, known_tail=model.known_tail,
        input_declared=model.input_declared, input_rank=model.input_rank,
        input_shape=model.input_shape, node=node, channels_first=model.channels_first,
        events=[event for event in model.events if event.method == "compile"])


def cloned(analyzer, node, args, kwargs, model_type, unknown):
    """The value of ``clone_model(...)``: a new model of ``model_type`` (``ModelVal``) when the
    model given is known and no ``clone_function`` is, else ``unknown``."""
    source = args[0] if args else kwargs.get("model")
    for value in [*args, *kwargs.values()]:
        analyzer.escape(value)
    if not isinstance(source, model_type) or len(args) > 2 or "clone_function" in kwargs:
        return unknown
    model = clone_of(source.model, node)
    analyzer.register_model(model)
    return model_type(model)


def same_network(one: ModelFact, other: ModelFact) -> bool:
    """Whether two models have the same layers (kind, units, activation, in order): a
    notebook's sections building one network again, a clone, a builder called twice. Models
    the analysis knows only in part count when the same code built both (``model_fn()`` twice)
    and their unknown layers come from the same place in it (``model.add(a_layer)``): a miss
    at worst (two different layers given to one builder), never a false report."""
    def layers(model):
        return [(layer.kind, layer.units, layer.activation) if layer.kind is not UNKNOWN
                else ("unknown", id(layer.node)) for layer in model.layers]
    if not one.layers or layers(one) != layers(other):
        return False
    if one.exact and other.exact:
        return all(layer.kind is not UNKNOWN for layer in one.layers)
    return one.node is not None and one.node is other.node
