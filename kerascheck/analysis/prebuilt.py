"""Models a library builds whole: ``keras.applications.ResNet50(...)`` and the tasks and
backbones of keras-hub, keras-nlp and keras-cv (``keras_hub.models.BertClassifier.from_preset
(...)``, ``keras_cv.models.FasterRCNN(...)``).

Each is a Keras model whose layers the analysis does not see: it is known to be a model (its
``fit``, ``evaluate`` and ``validation_data`` are judged: KC501-KC505, KC403), and nothing
about its layers, its input or its output is (the model is not exact and has no layers, so
the structure and output rules, KC401 among them, stay silent). Before this, such a call was
an unknown value and a model trained on a slice of its own training data went unjudged
(issue 16, keras-cv's Faster R-CNN example validated on a split it trained on).

Compiled or not: a Keras application comes uncompiled (``fit`` before ``compile`` raises:
KC504), while keras-hub's and keras-nlp's tasks compile themselves with defaults when they are
built (``Task.__init__(compile=True)`` calls ``self.compile()``: keras-hub's
``keras_hub/src/models/task.py``); their backbones and keras-cv's models are taken as
compiled too, since a compile that may have happened is no finding. Preprocessors, tokenizers
and image or audio converters of those libraries are layers, not models, and stay unknown.
"""

from __future__ import annotations

from kerascheck.analysis.values import DataVal, LayerVal, ModelVal, TensorVal
from kerascheck.facts import UNKNOWN, ModelFact

LIBRARY_MODELS = ("keras_hub.models.", "keras_nlp.models.", "keras_cv.models.")
_NOT_MODELS = ("Preprocessor", "Tokenizer", "Converter", "Layer", "Loss")


def model_of(analyzer, qualname: str, keras_name: str | None, node) -> ModelVal | None:
    """The opaque model a call of ``qualname`` builds, or None when it builds none."""
    if keras_name is not None:
        namespace, _, rest = keras_name.partition(".")
        if namespace != "applications" or not rest.rpartition(".")[2][:1].isupper():
            return None
        compiled = False
    else:
        if not qualname.startswith(LIBRARY_MODELS):
            return None
        path = qualname.split(".")[2:]
        if path[-1:] == ["from_preset"]:
            path = path[:-1]
        if len(path) != 1 or not path[0][:1].isupper() or path[0].endswith(_NOT_MODELS):
            return None
        compiled = True
    model = ModelFact(kind="functional", node=node, exact=False, input_declared=True)
    analyzer.register_model(model)
    if compiled:
        analyzer.record_event(model, "compile", node)
    return ModelVal(model)


def elided_model(analyzer, receiver, method: str, args):
    """The model of a snippet whose ``model = ...`` line was left out (a Stack Overflow
    question, a notebook fragment): ``model`` is a name the file binds nowhere (not even in a
    function or as a parameter), in a file with no star import. Anything else: ``receiver`` as
    it came. Bound in the module's variables, so the later ``model.compile(...)`` finds it.

    - ``model.add(Dense(...))``, a Keras layer added: a Sequential model with layers before the
      first ``add`` the snippet does not show. Not exact, its layers known in order from there
      on (``known_tail=0``): the rules about its output, its loss and its training judge it,
      those about its first layer stay silent.
    - ``model.compile(...)`` / ``model.fit(...)`` in a file with no import at all that builds
      layers with the functional API: the cut line was ``Model(inputs, outputs)``, and its
      output is the one tensor of the file's variables that no other was built from (none or
      several: unknown). Its input is not taken as declared (KC101 stays silent)."""
    if analyzer.star_imports or not isinstance(receiver, DataVal):
        return receiver
    identity = receiver.data.identity
    if not (isinstance(identity, tuple) and identity[:1] == ("free",)) or \
            identity[1] in analyzer.bound:
        return receiver
    if method == "add" and args and isinstance(args[0], LayerVal):
        model = ModelFact(kind="sequential", exact=False, known_tail=0, node=args[0].layer.node)
    elif method in ("compile", "fit") and not analyzer.imports and (
            output := _the_only_end(analyzer.globals.variables.values())) is not None:
        model = ModelFact(kind="functional", node=output.layer.node, input_declared=UNKNOWN)
        analyzer.build_graph(model, [output])
    else:
        return receiver
    analyzer.register_model(model)
    elided = analyzer.globals.variables[identity[1]] = ModelVal(model)
    return elided


def _the_only_end(values) -> TensorVal | None:
    """Among the symbolic tensors of ``values``, the one no other tensor was built from."""
    tensors = {id(value): value for value in values
               if isinstance(value, TensorVal) and value.layer is not None}
    built_from: set[int] = set()
    for tensor in tensors.values():
        stack, seen = list(tensor.parents), 0
        while stack and seen < 10_000:  # (a graph of that many tensors is no snippet)
            parent = stack.pop()
            seen += 1
            if id(parent) not in built_from:
                built_from.add(id(parent))
                stack.extend(parent.parents)
    ends = [tensor for key, tensor in tensors.items() if key not in built_from]
    return ends[0] if len(ends) == 1 else None
