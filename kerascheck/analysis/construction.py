"""Building :class:`~kerascheck.facts.ModelFact` objects: layers, Sequential and functional
models, and the facts of ``compile()`` and ``fit()`` calls.

:class:`ModelConstruction` is a part of :class:`kerascheck.analysis.interpreter.Analyzer` (a mixin): it
turns the values the analysis evaluated into layers, graphs and call facts.
"""

from __future__ import annotations

import libcst as cst

from kerascheck.analysis import clones, heads
from kerascheck.analysis.intent import demonstration_reason, unit_test_nodes
from kerascheck.analysis.loss_wrappers import wrapped_loss
from kerascheck.analysis.values import (
    LOADED_MODEL,
    UNKNOWN_VALUE,
    Const,
    DataVal,
    FuncVal,
    Instance,
    LayerVal,
    ModelVal,
    Seq,
    TensorVal,
    Value,
    activation_name,
    const_value,
    keyword_value,
    literal,
    loss_fact,
    metric_name,
    optimizer_fact,
    per_output,
    rank,
    shape_of,
)
from kerascheck.facts import (
    UNKNOWN,
    CompileFact,
    DataFact,
    EvaluationFact,
    FitFact,
    KerasCallFact,
    LayerFact,
    ModelFact,
    known,
)

CONVOLUTIONS = {"Conv1D", "Conv2D", "Conv3D", "Convolution1D", "Convolution2D", "Convolution3D",
                "SeparableConv1D", "SeparableConv2D"}
INPUT_KWARGS = ("input_shape", "input_dim", "batch_input_shape", "batch_shape")


# Keras' functional spellings of its merge layers: ``layers.concatenate(inputs, **kwargs)``
MERGE_FUNCTIONS = {"concatenate": "Concatenate", "add": "Add", "average": "Average",
                   "subtract": "Subtract", "multiply": "Multiply", "maximum": "Maximum",
                   "minimum": "Minimum", "dot": "Dot"}


MODEL_MAKERS = {"models.Sequential", "models.Model", "models.load_model", "saving.load_model",
                "models.clone_model"}


class ModelConstruction:
    """The model-building half of the analyzer (expects ``self.models`` and ``_conditional``)."""

    def make_layer(self, kind: str, node: cst.Call, args, kwargs, star) -> Value:
        if kind in MERGE_FUNCTIONS:
            # ``concatenate([a, b], axis=-1)`` is ``Concatenate(axis=-1)([a, b])``
            merge = self.make_layer(MERGE_FUNCTIONS[kind], node, [], {
                key: value for key, value in kwargs.items() if key != "inputs"}, star)
            return self.call_layer(merge.layer, node, args[:1], {
                key: value for key, value in kwargs.items() if key == "inputs"})
        layer = LayerFact(kind=kind, node=node, arguments=kwargs, positional=list(args))
        if kind in ("Dense",):
            # Keras 2 spellings (output_dim=, init=) still say what the layer is (KC602 reports them)
            layer.units = const_value(kwargs.get("units", kwargs.get(
                "output_dim", args[0] if args else UNKNOWN_VALUE)))
            activation = kwargs.get("activation", args[1] if len(args) > 1 else Const(None))
            if "activation" not in kwargs and len(args) <= 1 and star:
                activation = UNKNOWN_VALUE
            layer.activation = activation_name(activation)
        elif kind == "Activation":
            layer.activation = activation_name(kwargs.get("activation",
                                                          args[0] if args else UNKNOWN_VALUE))
        elif kind == "Softmax":
            layer.activation = "softmax"
        elif kind in ("ReLU", "LeakyReLU", "PReLU", "ELU", "ThresholdedReLU"):
            layer.activation = kind.lower()
        elif kind == "TimeDistributed" and isinstance(wrapped := kwargs.get(
                "layer", args[0] if args else None), LayerVal) and wrapped.layer.is_dense:
            # TimeDistributed(Dense(k, activation=...)): an output head of k units per step,
            # reported (and fixed) at the wrapped Dense
            layer.units, layer.activation = wrapped.layer.units, wrapped.layer.activation
            layer.node = wrapped.layer.node
        elif "activation" in kwargs:
            layer.activation = activation_name(kwargs["activation"])
        elif kind in CONVOLUTIONS and len(args) <= 3 and not star:
            layer.activation = activation_name(Const(None))  # linear by default, like Dense
        if "kernel_initializer" in kwargs or "init" in kwargs:
            layer.kernel_initializer = kwargs.get("kernel_initializer", kwargs.get("init"))
        if any(key in kwargs for key in INPUT_KWARGS):
            layer.declares_input = True
            shape = kwargs.get("input_shape", kwargs.get("batch_input_shape"))
            if "input_dim" in kwargs:
                layer.input_shape = (None,)
            else:
                layer.input_shape = shape_of(shape)
                if "batch_input_shape" in kwargs or "batch_shape" in kwargs:
                    if isinstance(layer.input_shape, tuple):
                        layer.input_shape = layer.input_shape[1:]
        else:
            layer.declares_input = UNKNOWN if star else False
        if kind == "InputLayer":
            layer.declares_input = True
            shape = kwargs.get("shape", kwargs.get("input_shape"))
            layer.input_shape = shape_of(shape)
        instance = Instance(f"keras.layers.{kind}", kwargs, star, node)
        return LayerVal(layer, instance)

    def call_layer(self, layer: LayerFact, node: cst.Call, args, kwargs) -> Value:
        inputs = args[0] if args else kwargs.get("inputs", UNKNOWN_VALUE)
        parents = inputs.items if isinstance(inputs, Seq) else [inputs]
        if isinstance(inputs, Seq) and inputs.appended_layers:
            parents = [UNKNOWN_VALUE]  # one loop round's tensors (rows.append): what is merged
            # is the rounds' (Add()(skips)), unseen; such a list is only a model's outputs
        tensors = [p for p in parents if isinstance(p, TensorVal)]
        if not tensors:
            if not all(_opaque(parent) for parent in parents):
                return UNKNOWN_VALUE
            # a layer applied to what the analysis cannot see (a tensor from another function,
            # a trunk it does not follow): an opaque producer stands in, so a known head built
            # on it is still a graph (an unknown trunk stays unknown: its layers are not there)
            tensors = [TensorVal(LayerFact(kind=UNKNOWN, node=node), [])]
            return TensorVal(layer, tensors)
        if len(tensors) != len(parents):
            # an input the analysis could not follow: an opaque producer stands in for it
            tensors.append(TensorVal(LayerFact(kind=UNKNOWN, node=node), []))
        return TensorVal(layer, tensors)

    def make_model(self, keras_name: str, node: cst.Call, args, kwargs) -> Value:
        if keras_name == "models.Sequential":
            return self.make_sequential(node, args, kwargs)
        if keras_name == "models.Model":
            return self.make_functional(node, args, kwargs)
        if keras_name == "models.clone_model":  # the same layers, fresh weights, not compiled
            return clones.cloned(self, node, args, kwargs, ModelVal, UNKNOWN_VALUE)
        # a model read back from a file: unknown, but known to be one (see LOADED_MODEL)
        return DataVal(DataFact(identity=(LOADED_MODEL, id(node))))

    def make_sequential(self, node: cst.Call, args, kwargs) -> Value:
        model = ModelFact(kind="sequential", node=node)
        layers_arg = kwargs.get("layers", args[0] if args else None)
        if layers_arg is None:
            pass
        elif isinstance(layers_arg, Seq):
            model.exact = layers_arg.exact
            for item in layers_arg.items:
                self._append_sequential(model, item, conditional=False)
        else:
            model.exact = False
        if not model.exact:  # layers add()-ed from here on are known in order (facts.ModelFact)
            model.known_tail = len(model.layers)
        self._settle_input(model)
        self.register_model(model)
        return ModelVal(model)

    def _append_sequential(self, model: ModelFact, item: Value, conditional: bool) -> None:
        if conditional:
            model.exact = False
        if isinstance(item, TensorVal) and item.layer is None:
            # keras.Input(...) as the first element of a Sequential model
            if not model.layers:
                model.input_declared = True
                model.input_rank = rank(item.shape)
                model.input_shape = item.shape
            return
        if isinstance(item, LayerVal):
            layer = item.layer
        elif isinstance(item, ModelVal):
            item.model.used_as_layer = True
            layer = LayerFact(kind=UNKNOWN, node=item.model.node)
        else:
            layer = LayerFact(kind=UNKNOWN)
        model.layers.append(layer)
        if len(model.layers) > 1:
            model.edges.append((len(model.layers) - 2, len(model.layers) - 1))
        model.outputs = [len(model.layers) - 1]
        if conditional:
            model.known_tail = len(model.layers)
        self._settle_input(model)

    def _settle_input(self, model: ModelFact) -> None:
        if model.input_declared is True:
            return
        if not model.layers:
            model.input_declared = UNKNOWN if not model.exact else False
            return
        first = model.layers[0]
        if first.kind is UNKNOWN:
            model.input_declared = UNKNOWN
        elif first.declares_input is True:
            model.input_declared = True
            model.input_rank = rank(first.input_shape)
            model.input_shape = first.input_shape
        else:
            model.input_declared = first.declares_input  # False or UNKNOWN

    def make_functional(self, node: cst.Call, args, kwargs) -> Value:
        # ``output=``: the Keras 1 name standalone Keras 2 still took (legacy interfaces)
        outputs = kwargs.get("outputs", kwargs.get("output", args[1] if len(args) > 1 else None))
        model = ModelFact(kind="functional", node=node, input_declared=True)
        output_values = outputs.items if isinstance(outputs, Seq) else [outputs]
        if outputs is None or not all(isinstance(v, TensorVal) for v in output_values):
            model.exact = False
            self.register_model(model)
            return ModelVal(model)
        self.build_graph(model, output_values)
        if isinstance(outputs, Seq) and not outputs.exact:
            model.exact = False  # heads appended in a loop, *starred: the outputs seen are some
        self.register_model(model)
        return ModelVal(model)

    def build_graph(self, model: ModelFact, output_values: list) -> None:
        """Fill ``model``'s layers, edges, outputs and input rank from its output tensors."""
        index_of: dict[int, int] = {}
        order: list[TensorVal] = []

        def visit(tensor: TensorVal, depth: int = 0) -> None:
            if id(tensor) in index_of or depth > 500:
                return
            for parent in tensor.parents:
                visit(parent, depth + 1)
            index_of[id(tensor)] = -1
            order.append(tensor)

        for output in output_values:
            visit(output)
        del visit  # (a nested function that calls itself is a cycle: the collector's to free)
        layer_index: dict[int, int] = {}
        input_ranks, input_shapes = [], []
        for tensor in order:
            if tensor.layer is None:
                input_ranks.append(rank(tensor.shape))
                input_shapes.append(tensor.shape)
                continue
            if id(tensor.layer) not in layer_index:
                layer_index[id(tensor.layer)] = len(model.layers)
                model.layers.append(tensor.layer)
        for tensor in order:
            if tensor.layer is None:
                continue
            consumer = layer_index[id(tensor.layer)]
            for parent in tensor.parents:
                if parent.layer is not None:
                    edge = (layer_index[id(parent.layer)], consumer)
                    if edge not in model.edges:
                        model.edges.append(edge)
        model.outputs = [layer_index[id(v.layer)] for v in output_values if v.layer is not None]
        if len(input_ranks) == 1:
            model.input_rank = input_ranks[0]
            model.input_shape = input_shapes[0]


    def make_compile(self, node: cst.Call, args, kwargs, star) -> CompileFact:
        compile_fact = CompileFact(node=node)
        optimizer = kwargs.get("optimizer", args[0] if args else Const("rmsprop"))
        loss = kwargs.get("loss", args[1] if len(args) > 1 else None)
        metrics = kwargs.get("metrics", args[3] if len(args) > 3 else None)
        if loss is None:
            loss = UNKNOWN_VALUE if star else Const(None)
        loss_node = keyword_value(node, "loss", 1)
        compile_fact.loss = self.loss_of(loss, loss_node)
        compile_fact.loss.per_output = per_output(loss, loss_node, self.string_keyed,
                                                  self.loss_of)
        compile_fact.optimizer = optimizer_fact(optimizer, keyword_value(node, "optimizer", 0))
        if metrics is None:
            compile_fact.metrics = UNKNOWN if star else []
        elif isinstance(metrics, Seq) and metrics.exact:
            compile_fact.metrics = [metric_name(m) for m in metrics.items]
        else:
            compile_fact.metrics = UNKNOWN
        return compile_fact

    def loss_of(self, value: Value, node) -> LossFact:
        """What ``loss=value`` is; a function of the user's that only applies a Keras loss is
        that loss (:mod:`kerascheck.analysis.loss_wrappers`)."""
        if isinstance(value, FuncVal):
            wrapped = wrapped_loss(value, lambda expression: self.eval(expression, value.scope))
            if wrapped is not None:
                return wrapped
        return loss_fact(value, node)

    def make_fit(self, node: cst.Call, args, kwargs, star) -> FitFact:
        fit = FitFact(node=node, conditional=self._conditional > 0)
        x = kwargs.get("x", args[0] if args else UNKNOWN_VALUE)
        y = kwargs.get("y", args[1] if len(args) > 1 else None)
        if isinstance(x, DataVal):
            fit.x = x.data
            if y is None and x.data.labels is not None:
                fit.y = x.data.labels
        if isinstance(y, DataVal):
            fit.y = y.data
        fit.y_per_output = per_output(y, keyword_value(node, "y", 1), self.string_keyed,
                                      _data_of)
        fit.x_node = keyword_value(node, "x", 0)
        validation = [kwargs.get(name) for name in ("validation_data", "validation_split")]
        validation += args[6:8]
        given = [v for v in validation if v is not None and not (
            isinstance(v, Const) and v.value in (None, 0, 0.0))]
        fit.has_validation = True if given else (UNKNOWN if star else False)
        fit.validation_split = keyword_value(node, "validation_split", 6)
        validation_data = kwargs.get("validation_data", args[7] if len(args) > 7 else None)
        if isinstance(validation_data, Seq) and validation_data.exact and validation_data.items:
            validation_data = validation_data.items[0]
        if isinstance(validation_data, DataVal):
            fit.validation_x = validation_data.data
            fit.validation_node = keyword_value(node, "validation_data", 7)
        inputs = inputs_of(x)
        if inputs is not None:
            fit.x = inputs.data  # fit([images, captions], y): the inputs of each branch
        elif isinstance(x, Seq) and x.exact:  # fit([1, 2, 3], [2, 4, 6]): a literal handful
            fit.x = DataFact(synthetic=True, identity=("value", id(node)))
        fit.epochs = _epochs(args, kwargs)
        if fit.has_validation is False and self._callbacks_hold_other_data(node, kwargs, fit):
            fit.has_validation = UNKNOWN  # a callback given other data may score the model on it
        tests = getattr(self, "_unit_tests", None)  # found once per file, at its first fit
        if tests is None:
            tests = self._unit_tests = unit_test_nodes(self.module)
        fit.demonstration = demonstration_reason(fit, _schedules(kwargs.get("callbacks")),
                                                 self.module, tests)
        return fit

    def record_parameter_fit(self, receiver, method: str, node: cst.Call, args, kwargs,
                             star) -> None:
        """``model.fit(train, validation_data=val)`` in a helper given ``model`` as a parameter:
        no rule judges the model's life there (KC501 stays silent), but the data is what it is
        whatever the model, so KC505 reads this fit (``validation_data=`` says it is Keras')."""
        identity = receiver.data.identity if isinstance(receiver, DataVal) else None
        if method in ("fit", "fit_generator") and "validation_data" in kwargs and \
                isinstance(identity, tuple) and identity[:1] == ("param",):
            self.parameter_fits.append(self.make_fit(node, args, kwargs, star))

    def _callbacks_hold_other_data(self, node: cst.Call, kwargs, fit: FitFact) -> bool:
        """``fit(x_train, ..., callbacks=[Plotter(x_test)])``: a callback the analysis cannot
        follow was handed data other than the training data (it may evaluate on it)."""
        callbacks = kwargs.get("callbacks")
        values = callbacks.items if isinstance(callbacks, Seq) else [callbacks]
        given = [identity for value in values if isinstance(value, DataVal)
                 for identity in self.data_given.get(value.data.identity, ())]
        listed = keyword_value(node, "callbacks", 8)
        for element in getattr(listed, "elements", ()):
            given += self.data_given.get(id(element.value), [])
        trained_on = {getattr(data, "identity", None) for data in (fit.x, fit.y)}
        return any(identity not in trained_on for identity in given)

    def call_model_method(self, model: ModelFact, method: str, node: cst.Call, args, kwargs,
                          star) -> Value:
        self.record_event(model, method, node)
        self.keras_calls.append(KerasCallFact(
            f"Model.{method}", "", node, {k: literal(v) for k, v in kwargs.items()},
            [literal(v) for v in args]))
        if method == "add" and model.kind == "sequential":
            self._append_sequential(model, args[0] if args else kwargs.get("layer", UNKNOWN_VALUE),
                                    conditional=self._conditional > 0)
        elif method == "pop":
            model.exact, model.known_tail = False, len(model.layers)
        elif method == "compile":
            model.compiles.append(self.make_compile(node, args, kwargs, star))
            heads.loss_of_the_only_output(model, model.compiles[-1])
        elif method in ("fit", "fit_generator"):
            fit = self.make_fit(node, args, kwargs, star)
            if id(model) in self.custom_training:
                # a subclass with its own train_step (VAE, GAN): what it learns from, and
                # whether anything is held out, is the author's design
                fit.has_validation = UNKNOWN
            fit.in_helper = id(model) in self.parameter_models
            model.fits.append(fit)
        elif method in ("evaluate", "evaluate_generator", "predict", "predict_generator",
                        "predict_on_batch", "test_on_batch"):
            x = args[0] if args else kwargs.get("x", UNKNOWN_VALUE)
            x = inputs_of(x) or x
            model.evaluations.append(EvaluationFact(
                x=x.data if isinstance(x, DataVal) else UNKNOWN, node=node,
                method="evaluate" if method.startswith(("evaluate", "test")) else "predict"))
            if method.startswith("predict"):
                identity = x.data.identity if isinstance(x, DataVal) else None
                return DataVal(DataFact(identity=("predicted", id(node)),
                                        predicted_by=(model, identity), node=node))
        elif method == "generate":  # a KerasHub task's generate(inputs): the model used on data
            self.used_on(model, kwargs.get("inputs", args[0] if args else UNKNOWN_VALUE), node)
        return UNKNOWN_VALUE


def _data_of(value, node=None):
    """The DataFact of a value that is data, else UNKNOWN (a label per output: fit(x, [y1, y2]))."""
    return value.data if isinstance(value, DataVal) else UNKNOWN


def inputs_of(value) -> DataVal | None:
    """``[tcra, tcrb, peptides]`` given to a model of several inputs: one piece of data (of
    the identities of all its arrays, made up if one of them is), so that ``fit(inputs)`` and
    ``predict(inputs)`` see the same data; None unless a list or tuple of arrays the analysis
    follows."""
    if not isinstance(value, Seq) or not value.exact or len(value.items) < 2 or not all(
            isinstance(item, DataVal) for item in value.items):
        return None
    facts = [item.data for item in value.items]
    return DataVal(DataFact(identity=("inputs", tuple(fact.identity for fact in facts)),
                            synthetic=any(fact.synthetic for fact in facts),
                            node=facts[0].node))


def _epochs(args: list, kwargs: dict):
    """The literal number of epochs of a ``fit()`` (Keras' default is 1)."""
    value = kwargs.get("epochs", args[3] if len(args) > 3 else None)
    if value is None:
        return 1
    if isinstance(value, Const) and isinstance(value.value, int):
        return value.value
    return UNKNOWN


def _schedules(callbacks) -> list:
    """The schedule arguments (CST nodes) of the ``LearningRateScheduler`` callbacks given."""
    items = callbacks.items if isinstance(callbacks, Seq) else [callbacks]
    return [item.node.args[0].value for item in items
            if isinstance(item, Instance) and item.class_name == "LearningRateScheduler"
            and getattr(item.node, "args", None)]


def _opaque(value) -> bool:
    """Whether nothing at all is known of ``value``: unknown, or data of no known origin (a name
    bound to an unknown result, a parameter, a free name, an attribute of one: ``self.z`` in a
    method run with ``self`` unknown). An array of known origin applied to a layer
    (``Normalization()(x_train)``, eager) is data, not a symbolic tensor."""
    if value is UNKNOWN_VALUE:
        return True
    if not isinstance(value, DataVal):
        return False
    data, identity = value.data, value.data.identity
    while isinstance(identity, tuple) and len(identity) == 3 and identity[1] == "attr":
        identity = identity[0]
    return isinstance(identity, tuple) and identity[:1] in (("bound",), ("param",), (
        "free",)) and data.source is None and not (data.scaled or data.is_dataset or data.one_hot
                                                   or data.int_labels or data.synthetic)

