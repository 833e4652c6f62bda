"""Calling the file's own functions (interpreted at their call sites, with the argument values),
and what the interpreter remembers along the way: models that escape, model events, Keras
paths spelled out. A part of :class:`~kerascheck.analysis.interpreter.Analyzer` (a mixin).
"""

from __future__ import annotations

import libcst as cst

from kerascheck.analysis.origins import IGNORES_ARGUMENTS, ignores_arguments
from kerascheck.analysis.syntax import callee_name
from kerascheck.analysis.values import (
    UNKNOWN_VALUE,
    Const,
    DataVal,
    Frame,
    FuncVal,
    Instance,
    ModelChoice,
    ModelVal,
    ObjectVal,
    Ref,
    Seq,
    Value,
    loss_fact,
    merge_values,
    models_in,
)
from kerascheck.facts import (
    UNKNOWN,
    CompileFact,
    DataFact,
    EvaluationFact,
    Event,
    LossFact,
    ModelFact,
    known,
)

MAX_CALL_DEPTH = 4
MAX_CALLS_PER_FUNCTION = 8


# the identity of what a model called eagerly gives (``logits = model(x)``): (this, the model,
# the call's id)
MODEL_OUTPUT = "model output"
# TensorFlow's cross-entropies over logits, and the Keras loss each one is (from_logits=True)
LOGITS_FUNCTIONS = {
    "tensorflow.nn.sparse_softmax_cross_entropy_with_logits": "sparse_categorical_crossentropy",
    "tensorflow.nn.softmax_cross_entropy_with_logits": "categorical_crossentropy",
    "tensorflow.nn.softmax_cross_entropy_with_logits_v2": "categorical_crossentropy",
    "tensorflow.nn.sigmoid_cross_entropy_with_logits": "binary_crossentropy"}


class Functions:
    """Function calls and the interpreter's memory of models and references."""

    _taping = 0  # how many ``with tf.GradientTape()`` blocks are being interpreted
    _escaped_objects: set  # plain objects already escaped (set per analysis: Analyzer)

    def exec_with(self, statement: cst.With, frame: Frame) -> None:
        taping = any(isinstance(item.item, cst.Call) and callee_name(item.item) == "GradientTape"
                     for item in statement.items)
        for item in statement.items:
            self.eval(item.item, frame)
            if item.asname is not None:
                self.bind(item.asname.name, UNKNOWN_VALUE, frame)
        self._taping += taping
        try:
            self.exec_block(statement.body.body, frame)
        finally:
            self._taping -= taping

    def call_loss_object(self, loss: Instance, args) -> CompileFact | None:
        """``loss_fn(y, model(x))`` under a ``GradientTape`` in a training loop of the user's:
        the loss that trains a model never given to ``compile`` (KC305's ``from_logits=True``
        over a softmax), recorded as that model's compile-time loss. None otherwise."""
        return self._tape_loss(loss_fact(loss, loss.node), args[1] if len(args) > 1 else None)

    def call_logits_function(self, ref: Ref, node: cst.Call, args, kwargs) -> None:
        """``tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=model(x))`` under a
        ``GradientTape``: that model's loss, a cross-entropy over logits (``from_logits=True``)."""
        loss = LOGITS_FUNCTIONS.get(ref.qualname) if self._taping else None
        if loss is not None:
            self._tape_loss(LossFact(loss, True, node),
                            kwargs.get("logits", args[1] if len(args) > 1 else None))

    def _tape_loss(self, fact: LossFact, prediction) -> CompileFact | None:
        if not self._taping or not isinstance(prediction, DataVal) or not (
                isinstance(prediction.data.identity, tuple) and
                prediction.data.identity[:1] == (MODEL_OUTPUT,)):
            return None
        model = prediction.data.identity[1]
        if model.compiles or not known(fact.name):
            return None
        compile_fact = CompileFact(loss=fact, node=fact.node)
        model.compiles.append(compile_fact)
        return compile_fact

    def eager_call(self, model, node, args) -> DataVal:
        """``model(x)`` run eagerly: data made by that model; outside a training step (a
        ``GradientTape``) it uses the model on ``x``."""
        if not self._taping:
            self.used_on(model, args[0] if args else UNKNOWN_VALUE, node)
        return model_output(model, node)

    def used_on(self, model, x: Value, node) -> None:
        """The model, once fit, is used on ``x`` (``model(x)`` run eagerly, ``generate``), not
        trained on it: an evaluation of its own kind, ``"call"``, which only tells KC501 whether
        the model meets other data (no metric is known to be computed on it)."""
        if model.fits:
            model.evaluations.append(EvaluationFact(
                x=x.data if isinstance(x, DataVal) else UNKNOWN, node=node, method="call"))

    def escape(self, value: Value) -> None:
        if isinstance(value, ModelChoice):
            for model in value.models:
                self.escape(ModelVal(model))
        elif isinstance(value, ModelVal):
            value.model.escapes = True
            if value.model.escaped_at is None:
                value.model.escaped_at = len(value.model.events)
        elif isinstance(value, ObjectVal) and value.model is not None:
            self.escape(ModelVal(value.model))
        elif isinstance(value, ObjectVal) and id(value) not in self._escaped_objects:
            # a plain object handed on: whatever it holds may be used where we cannot see
            self._escaped_objects.add(id(value))
            for held in list(value.attributes.values()):
                self.escape(held)
        elif isinstance(value, Seq):
            for item in value.items:
                self.escape(item)

    def call_function(self, function: FuncVal, args, kwargs, call_node=None,
                      standalone: bool = False) -> Value:
        node: cst.FunctionDef = function.node
        calls = self._calls.get(id(node), 0)
        if self._depth >= MAX_CALL_DEPTH or calls >= MAX_CALLS_PER_FUNCTION:
            for value in [*args, *kwargs.values()]:
                # (not a plain object, a method's own ``self`` above all: a call limit says
                # nothing of the code, and the object's attributes stay the object's)
                if not (isinstance(value, ObjectVal) and value.model is None):
                    self.escape(value)
            return UNKNOWN_VALUE
        self._calls[id(node)] = calls + 1
        # a model handed to the file's own helper (an LR finder, a train() function)
        helper_models = {id(model) for value in [*args, *kwargs.values()]
                         for model in models_in(value)} - self.parameter_models
        self._interpreted_functions.add(id(node))
        inner = Frame(parent=function.scope, standalone=standalone)
        self._bind_parameters(node, inner, args, kwargs)
        self._depth += 1
        self.parameter_models |= helper_models
        # Inside the function its own statements decide what is conditional: a builder called
        # under an ``if`` still adds its layers in order.
        outer_conditional, self._conditional = self._conditional, 0
        try:
            self.exec_block(node.body.body if isinstance(node.body, cst.IndentedBlock)
                            else node.body.body, inner)
        except RecursionError:
            raise
        finally:
            self._depth -= 1
            self._conditional = outer_conditional
            self.parameter_models -= helper_models
        if inner.generator:
            # calling a generator function makes an iterator of batches, not an array
            return DataVal(DataFact(is_dataset=True, identity=("generator", id(call_node))))
        result = UNKNOWN_VALUE
        if len(inner.returns) == 1:
            result = _result_of_call(inner.returns[0], node, args, kwargs)
        elif inner.returns:  # several returns: what they agree on (two models stay unknown)
            merged = merge_values(inner.returns, ("returned", id(call_node or node)))
            if merged is not UNKNOWN_VALUE:
                result = _result_of_call(merged, node, args, kwargs)
        if call_node is not None and self.project_modules and result is not UNKNOWN_VALUE:
            self._note_built_at(result, call_node)
        return result

    def _note_built_at(self, result: Value, call_node) -> None:
        """Models a call of the linted file gets from a builder of an imported project module
        remember that call (``model = build(3)``): where a finding about their layers, which
        lie in the other module, is reported (``Finding.home``)."""
        models = [model for model in models_in(result) if model.built_at is None]
        if not models or any(id(call_node) in loaded.node_ids()
                             for loaded, _ in self.project_modules.values() if loaded.module):
            return
        for model in models:
            model.built_at = call_node

    def _bind_parameters(self, node: cst.FunctionDef, frame: Frame, args, kwargs) -> None:
        params = node.params
        positional = [*params.posonly_params, *params.params]
        for index, param in enumerate(positional):
            name = param.name.value
            if index < len(args):
                value = args[index]
            elif name in kwargs:
                value = kwargs[name]
            elif param.default is not None:
                value = self.eval(param.default, frame.parent or self.globals)
            else:
                value = DataVal(DataFact(identity=("param", id(param))))
            frame.variables[name] = value
        for param in params.kwonly_params:
            name = param.name.value
            if name in kwargs:
                frame.variables[name] = kwargs[name]
            elif param.default is not None:
                frame.variables[name] = self.eval(param.default, frame.parent or self.globals)
            else:
                frame.variables[name] = DataVal(DataFact(identity=("param", id(param))))
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                frame.variables[star.name.value] = UNKNOWN_VALUE

    def register_model(self, model: ModelFact) -> None:
        """A model the file builds, with the branches and loops it is built under."""
        model.built_under = tuple(self._path)
        self.models.append(model)

    def record_event(self, model: ModelFact, method: str, node) -> None:
        model.events.append(Event(method, node, conditional=self._conditional > 0,
                                  path=tuple(self._path)))

    def reference(self, ref: Ref, node: cst.CSTNode) -> Ref:
        """Remember a Keras or TensorFlow path the file spells out (KC601) and return it."""
        if ref.qualname.startswith(("keras.", "tensorflow.")):
            self.references.append((node, ref.qualname))
        return ref


def _argument_key(value: Value) -> object:
    if isinstance(value, DataVal):
        return value.data.identity
    if isinstance(value, Const):
        return ("const", repr(value.value))
    return ("other", id(value))


def _mentions(identity, keys) -> bool:
    """Whether ``identity`` or a part of it is one of ``keys`` (iterative: identities of long
    attribute chains nest deeply)."""
    pending = [identity]
    while pending:
        current = pending.pop()
        if current in keys:
            return True
        if isinstance(current, tuple):
            pending.extend(current)
    return False


def _result_of_call(result: Value, function_node, args, kwargs) -> Value:
    """Data identity by call and arguments (RULES.md): a helper's result made inside the helper
    (``vectorize(train_data)`` filling a fresh array) is other data for other arguments, so
    ``vectorize(train_data)`` and ``vectorize(test_data)``, or ``load(train_file)`` and
    ``load(test_file)``, are told apart; a result derived from an argument keeps its identity."""
    if isinstance(result, Seq) and result.exact:
        return Seq([_result_of_call(item, function_node, args, kwargs) for item in result.items])
    if not isinstance(result, DataVal):
        return result
    keys = tuple(_argument_key(value) for value in [*args, *kwargs.values()])
    data_keys = {key for key, value in zip(keys, [*args, *kwargs.values()])
                 if isinstance(value, DataVal)}
    if not keys or _mentions(result.data.identity, data_keys) or \
            ignores_arguments(result.data.identity):
        # called with no arguments (nothing tells its calls apart: ``get_training_dataset()``
        # is what it builds from the module's data), derived from an argument, or the result of
        # a helper that ignores them
        return result
    if keys and _ignores_parameters(function_node):
        # ``load_dataset(filenames)`` that lists a global pattern: the same data for any argument
        return result.derive(identity=("call", id(function_node), result.data.identity,
                                       IGNORES_ARGUMENTS, function_node.name.value))
    # an array made inside from real arguments (np.zeros filled row by row) is not made up
    from_real_data = any(isinstance(value, DataVal) and not value.data.synthetic
                         for value in [*args, *kwargs.values()])
    return result.derive(identity=("call", id(function_node), result.data.identity, keys),
                         synthetic=result.data.synthetic and not from_real_data)


def _ignores_parameters(function_node: cst.FunctionDef) -> bool:
    """Whether a function has parameters and its body never names one of them (no ``*args`` or
    ``**kwargs``, which ``locals()``-style code could read): its result cannot depend on what a
    call passes. A summary read off the syntax, hand-written: a walk over the body's nodes."""
    params = function_node.params
    if isinstance(params.star_arg, cst.Param) or params.star_kwarg is not None:
        return False
    names = {param.name.value for param in
             [*params.posonly_params, *params.params, *params.kwonly_params]}
    if not names:
        return False
    pending: list[cst.CSTNode] = [function_node.body]
    while pending:
        node = pending.pop()
        if isinstance(node, cst.Name) and node.value in names:
            return False
        pending.extend(node.children)
    return True
def keras_submodules() -> Seq:
    """What keras-applications' ``get_submodules_from_kwargs(kwargs)`` returns: the backend,
    layers, models and utils modules the caller passed, by default Keras' own. Its models are
    built with ``global backend, layers, models, keras_utils`` filled from it at run time, so
    the analysis takes them as Keras' modules (the caller passing others is not followed)."""
    return Seq([Ref("keras.backend"), Ref("keras.layers"), Ref("keras.models"),
                Ref("keras.utils")])


def model_output(model: ModelFact, node) -> DataVal:
    """What ``model(x)`` gives eagerly: data made by that model (see MODEL_OUTPUT)."""
    return DataVal(DataFact(identity=(MODEL_OUTPUT, model, id(node)), node=node))
