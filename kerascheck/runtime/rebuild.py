"""A user's model rebuilt from the linter's facts, for ``kerascheck prove FILE``.

:func:`kerascheck.runtime.verdicts.findings_with_models` lints the file so that each finding
keeps the facts of its model (a :class:`~kerascheck.facts.ModelFact`). The model is rebuilt here
in TensorFlow *from those facts only* (layer kinds and literal
arguments, input shape, loss and ``from_logits``, optimizer, metrics); the user's script is never
run. The rule's ``prove(subject)`` measures the symptom on that model. A model that cannot be
rebuilt (a custom layer, an argument that is not a literal, an unknown input shape) is reported
as such, with the reason. :mod:`kerascheck.runtime.verdicts` runs the proofs and gives each
finding its verdict.
"""

from __future__ import annotations

import ast
import dataclasses
from typing import Any

import libcst as cst

from kerascheck.diagnostics import Finding
from kerascheck.facts import LINEAR, UNKNOWN, LayerFact, ModelFact, known
from kerascheck.runtime import standins

# Arguments that describe the input; the rebuilt model gets a keras.Input instead.
_INPUT_ARGUMENTS = {"input_shape", "input_dim", "batch_input_shape", "batch_shape", "batch_size"}
_WRAPPERS = {"Bidirectional", "TimeDistributed"}


class CannotRebuild(Exception):
    """The facts do not determine the model; the message says why, in plain words.
    ``refused`` is ``(exception name, first line)`` when Keras itself refused the model."""

    refused: tuple | None = None


# --- from facts to a keras model ---------------------------------------------------------------


def build_subject(model: ModelFact, finding: Finding, module: cst.Module, input_shapes: dict):
    """Rebuild ``model`` in TensorFlow from its facts; a :class:`kerascheck.proofkit.Subject`.

    Raises :class:`CannotRebuild` with the reason when the facts do not determine the model.
    """
    try:
        return _model_subject(model, finding, module, input_shapes)
    except CannotRebuild as reason:
        if finding.code in standins.REFUSAL_PROOFS and reason.refused is not None:
            from kerascheck.proofkit import Subject

            # the symptom is Keras' refusal itself (a feature map shrunk to nothing)
            return Subject(model=None, fact=model, finding=finding, input_shape=None,
                           build_error=reason.refused)
        if finding.code not in standins.PATH_PROOFS or not isinstance(finding.target,
                                                                      LayerFact):
            raise
        try:
            return _path_subject(model, finding, module, reason)
        except CannotRebuild:
            raise reason from None


def _path_subject(model: ModelFact, finding: Finding, module: cst.Module, reason):
    """The flagged layer and the layers after it up to the next Dense layer, rebuilt alone on a
    stand-in input width (see :data:`standins.PATH_PROOFS`)."""
    from kerascheck.proofkit import Subject, load_tensorflow
    from kerascheck.proofkit.measure import ends_affine_path

    _, keras, _ = load_tensorflow(0)
    if not model.exact or finding.target not in model.layers:
        raise CannotRebuild("the layers after the flagged one are not fully known")
    path = [finding.target]
    while len(path) == 1 or not ends_affine_path(path[-1]):
        following = model.successors(path[-1])
        if len(following) != 1 or len(path) > 8:
            raise CannotRebuild("the path after the flagged layer is not known")
        path.append(following[0])
    input_shape = standins.path_input_shape(finding.target.kind)
    notes = [(f"only the flagged layer and the layers after it up to the next "
              f"{path[-1].kind} layer were rebuilt ({reason}), on a stand-in input of shape "
              f"{input_shape}: the symptom does not depend on what comes before them")]
    built = {id(fact): _make_layer(keras, fact, module, notes) for fact in path[:-1]}
    last = path[-1]
    if not isinstance(last.activation, str):
        # only the last layer's pre-activation is measured: its activation does not matter
        notes.append(f"the {last.kind} layer that ends the path built without its activation "
                     f"(not known; the measurement takes its pre-activation)")
        last = dataclasses.replace(last, activation=LINEAR)
    built[id(path[-1])] = _make_layer(keras, last, module, notes)
    try:
        keras_model = keras.Sequential([keras.Input(shape=input_shape)] +
                                       [built[id(fact)] for fact in path])
    except Exception as error:
        raise CannotRebuild(f"Keras refuses to build the path: {type(error).__name__}") \
            from None
    return Subject(model=keras_model, fact=model, finding=finding,
                   input_shape=input_shape, layers=built, stand_ins=notes)


def _model_subject(model: ModelFact, finding: Finding, module: cst.Module, input_shapes: dict):
    from kerascheck.proofkit import Subject, load_tensorflow

    _, keras, _ = load_tensorflow(0)
    if not model.exact:
        raise CannotRebuild("its layer list is not fully known (layers added in a loop, under a "
                            "condition, or from a variable)")
    if not model.layers:
        raise CannotRebuild("it has no layers the linter could see")
    notes: list[str] = []
    layer_facts = list(model.layers)
    input_shape = _input_shape(model, input_shapes, notes, finding.code, module)
    if finding.code in standins.SIZE_DEPENDENT and any(standins.STAND_IN_NOTE in note
                                                       for note in notes):
        raise CannotRebuild("its input size is not stated, and this finding depends on it")
    if layer_facts[0].is_kind("InputLayer") and model.kind == "sequential":
        layer_facts = layer_facts[1:]
    if model.kind != "sequential" and input_shape is None:
        raise CannotRebuild("its input shape is unknown")
    keras_model = None
    if input_shape is not None and finding.code not in standins.SIZE_DEPENDENT:
        for side in standins.SHRUNK_SIDES:  # the smallest input Keras can build the layers on
            smaller = standins.shrunk(input_shape, side)
            if smaller is None:
                break
            try:
                keras_model, built = _build(keras, model, layer_facts, module, smaller, notes,
                                            finding.code)
            except CannotRebuild:
                del notes[:]
                _input_shape(model, input_shapes, notes, finding.code, module)
                continue
            notes.append(f"input {input_shape} shrunk to {smaller} for speed (the symptom does "
                         f"not depend on the image size)")
            input_shape = smaller
            break
    if keras_model is None:
        keras_model, built = _build(keras, model, layer_facts, module, input_shape, notes,
                                    finding.code)
    if standins.is_large(keras_model) and finding.code not in standins.SIZE_DEPENDENT and \
            finding.code not in standins.BUILD_ONLY_PROOFS:
        raise CannotRebuild(f"it has {keras_model.count_params():,} weights, too many to "
                            f"measure in a few seconds")
    return Subject(model=keras_model, fact=model, finding=finding, input_shape=input_shape,
                   layers=built, stand_ins=notes)


def _build(keras, model: ModelFact, layer_facts: list, module, input_shape, notes: list,
           code: str = ""):
    """The keras model of ``model``'s facts on ``input_shape``, and its layers by fact."""
    built = {id(fact): _make_layer(keras, fact, module, notes, code) for fact in layer_facts}
    try:
        if model.kind == "sequential":
            keras_model = keras.Sequential(
                ([keras.Input(shape=input_shape)] if input_shape is not None else [])
                + [built[id(fact)] for fact in layer_facts])
        else:
            keras_model = _functional(keras, model, built, input_shape)
        _compile(keras, keras_model, model)
    except CannotRebuild:
        raise
    except Exception as error:  # the facts describe a model Keras refuses to build
        first_line = (str(error).strip().splitlines() or [""])[0][:200]
        refusal = CannotRebuild(f"Keras refuses to build it: {type(error).__name__}: "
                                f"{first_line}")
        refusal.refused = (type(error).__name__, first_line)
        raise refusal from None
    return keras_model, built


def _input_shape(model: ModelFact, input_shapes: dict, notes: list, code: str = "",
                 module: cst.Module | None = None):
    """The sample shape of the model's single input; a stand-in (noted) when the first layer's
    kind says what shape it takes, or the shape of the data set it is fit on when the facts
    know it. A model that declares no input is built from its first batch: the data's shape or
    a stand-in, except for the proofs of that very symptom (None: left unbuilt). Raises
    CannotRebuild when it declares one the facts do not give and no stand-in fits."""
    first = model.layers[0] if model.layers else None
    if model.input_declared is False:
        if code in standins.UNBUILT_PROOFS:
            return None
        stand_in = standins.input_shape_for(first.kind) if first is not None else None
        from_data = _data_shape(model, module, stand_in)
        if from_data is not None:
            notes.append(f"input shape {from_data[1]} from the data it is fit on ({from_data[0]}"
                         f"; the model declares none and is built from its first batch)")
            return from_data[1]
        if stand_in is None:
            return None
        notes.append(f"input shape {stand_in} (the model declares none and is built from its "
                     f"first batch; {standins.STAND_IN_NOTE})")
        return stand_in
    shapes = input_shapes.get(id(model))
    if shapes is None and first is not None:
        if first.declares_input is True:
            if "input_dim" in first.arguments:
                shapes = [(_literal_value(first.arguments["input_dim"]),)]
            else:
                shapes = [first.input_shape]
    if shapes and len(shapes) != 1:
        raise CannotRebuild("it has several inputs")
    shape = shapes[0] if shapes else UNKNOWN
    if isinstance(shape, int) and not isinstance(shape, bool) and shape > 0:
        notes.append(f"input shape {shape} read as ({shape},) (the safe fix of KC103)")
        shape = (shape,)
    if isinstance(shape, tuple) and all(isinstance(d, int) and d > 0 for d in shape):
        return shape
    stand_in = standins.input_shape_for(first.kind) if first is not None else None
    from_data = _data_shape(model, module, stand_in) if not isinstance(shape, tuple) or \
        stand_in is None or len(shape) == len(stand_in) else None
    if from_data is not None and (not isinstance(shape, tuple) or len(shape) == len(from_data[1])):
        notes.append(f"input shape {from_data[1]} from the data it is fit on ({from_data[0]}; "
                     f"the source does not state it)")
        return from_data[1]
    if stand_in is None:
        raise CannotRebuild("its input shape is unknown" if not shapes or shape is UNKNOWN
                            else f"its input shape {_shown(shape)} is not a tuple of known "
                                 f"sizes")
    if isinstance(shape, tuple) and len(shape) == len(stand_in):  # keep the known sizes
        stand_in = tuple(d if isinstance(d, int) and d > 0 else s
                         for d, s in zip(shape, stand_in))
    notes.append(f"input shape {stand_in} (the source does not state it; "
                 f"{standins.STAND_IN_NOTE})")
    return stand_in


def _shown(shape) -> str:
    """A shape with its unknown sizes as ``?``: ``(?, 3)``."""
    if isinstance(shape, tuple):
        return "(" + ", ".join("?" if d is UNKNOWN else repr(d) for d in shape) + \
            (",)" if len(shape) == 1 else ")")
    return repr(shape)


def _data_shape(model: ModelFact, module, stand_in) -> tuple[str, tuple] | None:
    """``(data set name, sample shape)`` of the data set of Keras' own that ``model`` is fit on
    (every fit the same one), of the rank the first layer takes (``stand_in``'s) when known."""
    found = set()
    for fit in model.fits:
        identity = getattr(fit.x, "identity", None)
        node = getattr(fit.x, "node", None)
        if not (isinstance(identity, tuple) and identity[:1] == ("load",) and
                isinstance(node, cst.Call) and module is not None):
            return None
        found.add(standins.dataset_shape(
            module.code_for_node(node.func).replace(" ", "").replace("\n", "")))
    if len(found) != 1 or None in found:
        return None
    name, shape = found.pop()
    return (name, shape) if stand_in is None or len(stand_in) == len(shape) else None


def _argument_value(module: cst.Module, argument: cst.Arg, fact: LayerFact):
    """``(True, value)`` for a literal argument or a keyword the analysis knows as a constant
    (a literal default or call argument of a builder function); ``(False, None)`` otherwise."""
    try:
        return True, ast.literal_eval(module.code_for_node(argument.value))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        pass
    if argument.keyword is not None:
        value = _literal_value(fact.arguments.get(argument.keyword.value))
        if known(value):
            return True, value
    return False, None


def _literal_value(value):
    from kerascheck.analysis.values import Const

    return value.value if isinstance(value, Const) else UNKNOWN


def _make_layer(keras, fact: LayerFact, module: cst.Module, notes: list, code: str = ""):
    if not known(fact.kind) or not isinstance(fact.node, cst.Call):
        raise CannotRebuild("a layer is not one the linter can identify (a custom layer, a "
                            "variable or another model)")
    layer_class = getattr(keras.layers, fact.kind, None)
    if layer_class is None:
        raise CannotRebuild(f"`{fact.kind}` is not a layer of this Keras version")
    positional, keywords = [], {}
    for argument in fact.node.args:
        if argument.star:
            raise CannotRebuild(f"a {fact.kind} layer takes `*args`/`**kwargs`")
        name = argument.keyword.value if argument.keyword is not None else None
        if name in _INPUT_ARGUMENTS:
            continue
        if name == "stateful" and code in standins.BUILD_ONLY_PROOFS:
            # a stateful RNN needs a fixed batch size; a proof that only builds the model and
            # looks at it does not depend on state carried between batches
            notes.append(f"`stateful=` of a {fact.kind} layer left out (the symptom does not "
                         f"depend on state carried between batches)")
            continue
        if name is not None and standins.renamed(fact.kind, name):
            new_name = standins.renamed(fact.kind, name)
            notes.append(f"`{name}=` read as `{new_name}=` (the Keras 2 spelling, fixed in "
                         f"memory)")
            name = new_name
        if name == "activation" or (name is None and fact.kind == "Dense" and len(positional) == 1):
            if not isinstance(fact.activation, str):
                raise CannotRebuild(f"the activation of a {fact.kind} layer is unknown")
            keywords["activation"] = fact.activation
            continue
        if name is None and fact.kind == "Activation" and not positional:
            if not isinstance(fact.activation, str):
                raise CannotRebuild("the activation of an Activation layer is unknown")
            positional.append(fact.activation)
            continue
        found, value = _argument_value(module, argument, fact)
        if not found and name is None and not positional and isinstance(fact.units, int):
            found, value = True, fact.units  # a unit count the analysis knows (a constant)
        if not found and name is None and len(positional) < len(fact.positional):
            inner = getattr(fact.positional[len(positional)], "layer", None)
            if isinstance(inner, LayerFact) and fact.kind in _WRAPPERS:
                # Bidirectional(LSTM(...)), TimeDistributed(Dense(...)): the wrapped layer
                found, value = True, _make_layer(keras, inner, module, notes, code)
            known_value = _literal_value(fact.positional[len(positional)])
            if isinstance(known_value, (int, float, str, tuple)) and \
                    not isinstance(known_value, bool):
                found, value = True, known_value  # a constant the analysis knows
        if not found:
            written = module.code_for_node(argument.value)
            value = standins.positional_stand_in(fact.kind, len(positional), code) \
                if name is None else standins.keyword_stand_in(fact.kind, name)
            if value is None and name is None:
                raise CannotRebuild(f"a positional argument of a {fact.kind} layer is not a "
                                    f"literal value")
            if value is None:
                notes.append(f"`{name}={written}` of a {fact.kind} layer left out (not a "
                             f"literal)")
                continue
            notes.append(f"`{written}` of a {fact.kind} layer given the stand-in {value!r}")
        if name is None:
            positional.append(value)
        else:
            keywords[name] = value
    keywords.pop("name", None)  # names could clash between models; keras picks fresh ones
    if fact.kind.startswith("Convolution") and fact.kind[-2:] in ("2D", "3D") and \
            len(positional) == int(fact.kind[-2]) + 1 and "kernel_size" not in keywords and \
            all(type(value) is int for value in positional):
        # Keras 1's Convolution2D(filters, rows, cols): Keras 2 reads the kernel as one tuple
        # (Keras 3 would take the third integer as the strides)
        notes.append(f"Keras 1's `{fact.kind}{tuple(positional)}` read as "
                     f"`{fact.kind}({positional[0]}, {tuple(positional[1:])})`")
        positional = [positional[0], tuple(positional[1:])]
    try:
        return layer_class(*positional, **keywords)
    except Exception as error:
        raise CannotRebuild(f"Keras rejects its {fact.kind} layer: {type(error).__name__}: "
                            f"{error}") from None


def _functional(keras, model: ModelFact, built: dict, input_shape):
    inputs = keras.Input(shape=input_shape)
    tensors: dict[int, Any] = {}
    for index, fact in enumerate(model.layers):
        parents = [a for a, b in model.edges if b == index]
        if any(parent not in tensors for parent in parents):
            raise CannotRebuild("its layer graph is not in an order the linter can follow")
        arguments = [tensors[p] for p in parents] or [inputs]
        tensors[index] = built[id(fact)](arguments[0] if len(arguments) == 1 else arguments)
    outputs = [tensors[index] for index in model.outputs]
    return keras.Model(inputs, outputs[0] if len(outputs) == 1 else outputs)


def _compile(keras, keras_model, model: ModelFact) -> None:
    """Compile with the facts' loss, optimizer and metrics when all are known."""
    from kerascheck.proofkit import loss_object

    compile_fact = model.compile
    if compile_fact is None or not isinstance(compile_fact.loss.name, str):
        return
    try:
        loss = loss_object(keras, compile_fact.loss.name, compile_fact.loss.from_logits is True)
    except AttributeError:
        loss = compile_fact.loss.name
    optimizer = "adam"
    if isinstance(compile_fact.optimizer.name, str):
        optimizer = keras.optimizers.get(compile_fact.optimizer.name)
        if isinstance(compile_fact.optimizer.learning_rate, (int, float)):
            optimizer.learning_rate = float(compile_fact.optimizer.learning_rate)
    metrics = [m for m in compile_fact.metrics if isinstance(m, str)] \
        if known(compile_fact.metrics) else []
    keras_model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
