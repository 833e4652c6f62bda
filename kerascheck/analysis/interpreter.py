"""From a parsed file to facts: the models it builds and the data that reaches them.

A small abstract interpreter walks the statements in execution order, resolves names through the
imports (:mod:`kerascheck.analysis.names`), evaluates layers, models, ``compile``/``fit`` calls,
data loaders and what is done to their results to :mod:`kerascheck.analysis.values`, and records
it on :class:`~kerascheck.facts.ModelFact` objects; anything else is an unknown value.

Functions of the file are interpreted where they are called (with the argument values), so a
builder function's model is the caller's model; a function never called is interpreted once on
its own with unknown parameters, and a model that leaves it (returned, stored, passed on) is
marked as escaping, so that rules about its whole life (KC501) stay silent.
"""

from __future__ import annotations

from contextlib import contextmanager, nullcontext
from typing import Iterable

import libcst as cst

from kerascheck.analysis import (
    branches, choices, dataflow, holders, loops, origins, own_statistics, prebuilt, preprocessors,
    project, refits, rows, subclassing, tables, wrappers,
)
from kerascheck.analysis.bindings import collect_bindings
from kerascheck.analysis.construction import MERGE_FUNCTIONS, MODEL_MAKERS, ModelConstruction
from kerascheck.analysis.expressions import Expressions
from kerascheck.analysis.functions import Functions, keras_submodules
from kerascheck.analysis.shapes import sets_channels_first
from kerascheck.analysis.syntax import callee_name, is_main_guard, is_super
from kerascheck.analysis.task import head_views, infer_task
from kerascheck.analysis.values import (
    UNKNOWN_VALUE, ClassVal, Const, DataVal, Frame, FuncVal, Instance, LayerVal, ModelChoice,
    ModelPart, ModelVal, ObjectVal, Ref, Seq, TensorVal, Value, folded_integers, literal,
    outer_frame, shape_of, tensors_in,
)
from kerascheck.facts import (
    UNKNOWN, DataFact, EvaluationFact, FileFacts, KerasCallFact, LayerFact, ModelFact,
)


class Analyzer(Expressions, Functions, ModelConstruction):
    """The interpreter: statements in execution order, and the expressions that reach models,
    data and classes."""

    def __init__(self, module: cst.Module, project_modules=None, path: str = ""):
        self.module = module
        self.imports, self.bound, self.star_imports, self.import_nodes = \
            collect_bindings(module)
        # the project this file belongs to (analysis/project.py): path -> (module, anchor)
        self.project, self.path = project_modules, path
        self.module_frames: dict = {path: None}  # the file itself, imported back: a cycle
        self.project_modules: dict = {}
        self.star_imports = project.resolved_star_imports(self, self.star_imports)
        self.models: list[ModelFact] = []
        self.parameter_fits: list = []  # fits of models given as parameters (construction.py)
        self.globals, self._conditional = Frame(), 0
        self.parameter_models: set[int] = set()  # models passed into the helper being run
        self.scaled_in_place: set = set()  # identities of frames whose columns were rescaled
        self.scales_itself = origins.defines_scaling_helper(module)  # KC401's local CSVs
        self._depth, self._calls = 0, {}  # (calls: id of a function -> how often it ran)
        self.tables = tables.Tables()  # what the helper modules remember (analysis/tables.py)
        self._interpreted_functions: set[int] = set()
        self._escaped_objects: set[int] = set()
        self._pending_functions: list[tuple[cst.FunctionDef, Frame]] = []
        self.unattributed_evaluations: list[cst.Call] = []
        self.data_given: dict = {}  # id() of a call the analysis cannot follow (or the identity
        # of the name bound to its result) -> identities of the data handed to it
        self.keras_calls: list[KerasCallFact] = []
        self.references: list[tuple[cst.CSTNode, str]] = []
        self.statistics_fits: list = []  # StatisticsFitFact, see preprocessors.record_statistics_fit
        self.rescaled_twice: list = []  # divisions of images already in [0, 1] (rescaling.py)
        self._path: list[tuple] = []  # the branches being interpreted, outermost first
        self.custom_training: set[int] = set()  # id() of subclassed models with a train_step
        self.method_owners: list = []  # (class, self) of the methods being run, for super()
        self.objects: dict[int, ObjectVal] = {}  # id(model) -> the instance of a followed class
        self._subclasses: list[ClassVal] = []  # the file's Layer and Model subclasses
        self.decided_tests: dict[int, bool] = {}  # loops.run_body
        self.scopes: list[Frame] = []  # frames a function or class closes over (see release)

    def run(self) -> FileFacts:
        self.exec_block(self.module.body, self.globals)
        # Functions the file never calls still build models worth checking.
        while self._pending_functions:
            function, scope, *given = self._pending_functions.pop(0)
            if id(function) not in self._interpreted_functions:
                self.call_function(FuncVal(function, scope), given, {}, standalone=True)
        layer_graphs = subclassing.own_graphs(self, self._subclasses)
        for model in self.models:
            for node in self.unattributed_evaluations:
                model.evaluations.append(EvaluationFact(x=UNKNOWN, node=node,
                                                        method="unattributed"))
        refits.mark_reused_models(self)  # one model fit fold after fold (KC502)
        channels_first = sets_channels_first(self.keras_calls)
        for model in self.models:
            model.channels_first = channels_first  # then no shapes are followed (KC104)
            origins.mark_scaled_in_place(model, self.scaled_in_place)
            model.task, model.views = infer_task(model), head_views(model)
        return FileFacts(models=self.models, module=self.module, keras_calls=self.keras_calls,
                         references=self.references, imports=self.import_nodes,
                         statistics_fits=self.statistics_fits, layer_graphs=layer_graphs,
                         rescaled_twice=self.rescaled_twice, parameter_fits=self.parameter_fits)

    def release(self) -> None:
        """Once nothing reads this analysis: empty the frames its functions and classes close
        over (a cycle), so the file's tree is freed as the lint returns, not by a collection."""
        for frame in self.scopes:
            frame.variables.clear()
        self.scopes.clear()

    def exec_block(self, statements: Iterable[cst.CSTNode], frame: Frame) -> None:
        for statement in statements:
            self.exec_statement(statement, frame)

    def exec_statement(self, statement: cst.CSTNode, frame: Frame) -> None:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                self.exec_small(small, frame)
        elif isinstance(statement, cst.FunctionDef):
            value = FuncVal(statement, frame)
            frame.variables[statement.name.value] = value
            self.scopes.append(frame)
            self._pending_functions.append((statement, frame))
        elif isinstance(statement, cst.ClassDef):
            bases = [self.eval(arg.value, frame) for arg in statement.bases]
            frame.variables[statement.name.value] = ClassVal(statement, bases, frame)
            self.scopes.append(frame)
            self._exec_class(frame.variables[statement.name.value], frame)
        elif isinstance(statement, cst.If) and is_main_guard(statement):
            # ``if __name__ == "__main__":`` runs whenever the script runs
            self.exec_block(statement.body.body, frame)
        elif isinstance(statement, cst.If):
            branches.exec_if(self, statement, frame, loops.test_value(self, statement, frame))
        elif isinstance(statement, (cst.For, cst.While)):
            if isinstance(statement, cst.For):
                self.bind(statement.target, loops.loop_value(self, statement, frame), frame)
            before = dict(frame.variables)
            certain = id(statement) in self.tables.layer_rounds  # a round per layer: each runs
            with nullcontext() if certain else self.conditional(("loop", id(statement))):
                loops.run_body(self, statement, frame)  # rounds apart for if idx == 0: ...
                if statement.orelse is not None:
                    self.exec_block(statement.orelse.body.body, frame)
            # the loop may run zero times: what it assigns is one of two possibilities
            if not certain and not branches.runs_at_least_once(
                    statement, lambda node: self.eval(node, frame)):
                frame.variables = branches.merge_branches([frame.variables, before], statement)
        elif isinstance(statement, cst.With):
            self.exec_with(statement, frame)
        elif isinstance(statement, cst.Try) or type(statement).__name__ in ("TryStar", "Match"):
            branches.exec_try_or_match(self, statement, frame)

    def _exec_class(self, cls: ClassVal, frame: Frame) -> None:
        """A class's methods are checked on their own, with ``self`` unknown, or one instance
        for a plain class that holds and trains models (analysis/holders.py)."""
        if (role := subclassing.class_role(cls)) in ("layer", "model"):
            self._subclasses.append(cls)
        for statement, given in holders.methods_with_self(self, cls, frame, role):
            self._pending_functions.append((statement, frame, *given))

    def exec_small(self, small: cst.BaseSmallStatement, frame: Frame) -> None:
        if isinstance(small, cst.Assign):
            value = self.eval(small.value, frame)
            for target in small.targets:
                self.bind(target.target, value, frame, small)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.bind(small.target, self.eval(small.value, frame), frame, small)
        elif isinstance(small, cst.AugAssign):
            current, operand = self.eval(small.target, frame), self.eval(small.value, frame)
            nodes = (small.target, small.value)
            by = own_statistics.binary(self, current, operand, small.operator, nodes, small)
            self.bind(small.target, own_statistics.mark(
                dataflow.binary(current, operand, small.operator, nodes), by), frame, small)
        elif isinstance(small, (cst.Global, cst.Nonlocal)):
            for item in small.names:
                frame.outer_names[item.name.value] = outer_frame(
                    self.globals, frame, item.name.value, isinstance(small, cst.Global))
        elif isinstance(small, cst.Expr):
            if isinstance(small.value, cst.Yield):
                frame.generator = True
            self.eval(small.value, frame)
        elif isinstance(small, (cst.Import, cst.ImportFrom)) and self.project is not None:
            project.execute_import(self, small, frame)
        elif isinstance(small, cst.Return):
            value = self.eval(small.value, frame) if small.value is not None else Const(None)
            if frame.standalone:
                self.escape(value)
            frame.returns.append(value)

    def bind(self, target: cst.BaseExpression, value: Value, frame: Frame,
             statement: cst.CSTNode | None = None) -> None:
        if isinstance(target, cst.Name):
            if isinstance(value, (Const, Ref)) or value is UNKNOWN_VALUE:
                if value is UNKNOWN_VALUE:
                    # Unknown values still have an identity: fit(X) and evaluate(X) see the same X.
                    value = DataVal(DataFact(identity=("bound", id(target))))
                    given = self.data_given.get(id(getattr(statement, "value", None)))
                    if given:  # cb = Plotter(x_test): the object holds x_test
                        self.data_given[value.data.identity] = given
            owner = frame.outer_names.get(target.value, frame)
            owner.variables[target.value] = value
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = target.elements
            items = value.items if isinstance(value, Seq) and value.exact else None
            if items is not None and any(isinstance(e, cst.StarredElement) for e in elements):
                items = None
            for index, element in enumerate(elements):
                inner = element.value
                if isinstance(element, cst.StarredElement):
                    self.bind(inner, UNKNOWN_VALUE, frame)
                elif items is not None and index < len(items) and len(items) == len(elements):
                    self.bind(inner, items[index], frame)
                elif isinstance(value, DataVal):
                    self.bind(inner, dataflow.part(value, index), frame)
                else:
                    self.bind(inner, UNKNOWN_VALUE, frame)
        else:
            owner = self.eval(target.value, frame) if isinstance(
                target, (cst.Attribute, cst.Subscript)) else None
            if isinstance(owner, ObjectVal) and isinstance(target, cst.Attribute):
                # self.hidden = Dense(64) in a followed class's __init__; a method's own self
                # (analysis/holders.py) keeps it for the method, but hands it on (escaped below)
                owner.attributes[target.attr.value] = value
                if not owner.defaults_only:
                    return
            if isinstance(owner, Seq):  # layers[0] = Dense(8): its layers are not known now
                owner.exact = owner.appended_layers = False
            if isinstance(owner, DataVal) and isinstance(target, cst.Subscript):
                rows.fill(self, owner, value, frame)  # data[i, j] = tokenizer.word_index[w]
            if isinstance(owner, DataVal) and (value is UNKNOWN_VALUE or (
                    isinstance(value, DataVal) and value.data.scaled)):
                # frame[column] = (frame[column] - mean) / std: scaled in place (or may be)
                self.scaled_in_place.add(owner.data.identity)
            # self.x = model, models[i] = model: the model leaves what we can follow.
            self.escape(value)

    @contextmanager
    def conditional(self, branch: tuple | None = None):
        """Code that may not run (or may run several times); ``branch`` names the branch in the
        events' paths (``("if", id, "body")``, ``("loop", id)``)."""
        self._conditional += 1
        self._path.append(branch or ("unknown", len(self._path)))
        try:
            yield
        finally:
            self._conditional -= 1
            self._path.pop()

    def eval_Attribute(self, node: cst.Attribute, frame: Frame) -> Value:
        base = self.eval(node.value, frame)
        attribute = node.attr.value
        if isinstance(base, Ref):
            return self.reference(base.child(attribute), node)
        if isinstance(base, ObjectVal):
            return subclassing.read_attribute(base, attribute)
        if isinstance(base, project.ModuleVal):
            return project.module_attribute(self, base, attribute)
        if isinstance(base, ModelChoice):  # one of the models an ``if`` chose between
            return choices.attribute(self, base, attribute, node)
        if isinstance(base, ModelVal):
            if attribute == "layers":
                return ModelPart(base.model, "layers")
            self.record_event(base.model, attribute, node)
            return UNKNOWN_VALUE
        if isinstance(base, ModelPart) and base.what == "layer" and attribute in (
                "output", "output_shape"):
            self.record_event(base.model, "layer_output", node)
            return UNKNOWN_VALUE
        if isinstance(base, DataVal):
            return dataflow.attribute(base, attribute)
        if isinstance(base, Instance):
            return rows.vocabulary(base, attribute) or UNKNOWN_VALUE
        return UNKNOWN_VALUE

    def eval_Subscript(self, node: cst.Subscript, frame: Frame) -> Value:
        base = self.eval(node.value, frame)
        indices = [self.eval(element.slice.value, frame) for element in node.slice
                   if isinstance(element.slice, cst.Index)]
        if isinstance(base, ModelPart) and base.what == "layers":
            return holders.layer_of(self, base.model, node)
        if isinstance(base, Seq) and base.exact and len(node.slice) == 1:
            index = node.slice[0].slice
            if isinstance(index, cst.Index) and isinstance(index.value, cst.Integer):
                position = int(index.value.value)
                if -len(base.items) <= position < len(base.items):
                    return base.items[position]
        if isinstance(base, DataVal):
            # ``frame.iloc[:n, 0:k]`` and ``frame.iloc[n:, 0:k]``: every element tells data apart
            return dataflow.subscript(base, node, indices, self)
        return UNKNOWN_VALUE

    def eval_UnaryOperation(self, node: cst.UnaryOperation, frame: Frame) -> Value:
        operand = self.eval(node.expression, frame)
        if isinstance(operand, Const) and isinstance(operand.value, (int, float)):
            if isinstance(node.operator, cst.Minus):
                return Const(-operand.value)
            if isinstance(node.operator, cst.Plus):
                return operand
        if isinstance(operand, DataVal):
            return dataflow.binary(operand, UNKNOWN_VALUE, node.operator)
        return UNKNOWN_VALUE

    def eval_BinaryOperation(self, node: cst.BinaryOperation, frame: Frame) -> Value:
        left = self.eval(node.left, frame)
        right = self.eval(node.right, frame)
        if isinstance(left, TensorVal) or isinstance(right, TensorVal):
            parents = [v for v in (left, right) if isinstance(v, TensorVal)]
            return TensorVal(LayerFact(kind=UNKNOWN, node=node), parents)
        by = own_statistics.binary(self, left, right, node.operator, (node.left, node.right), node)
        return folded_integers(left, right, node.operator, self._path) or own_statistics.mark(
            dataflow.binary(left, right, node.operator, (node.left, node.right)), by)

    def eval_Call(self, node: cst.Call, frame: Frame) -> Value:
        if isinstance(node.func, cst.Attribute) and is_super(node.func.value):
            args, kwargs, star = self.eval_arguments(node, frame)
            return subclassing.call_super(self, node.func.attr.value, node, args, kwargs, star)
        if isinstance(node.func, cst.Attribute):
            receiver = self.eval(node.func.value, frame)
            method = node.func.attr.value
            if isinstance(receiver, Ref):
                callee: Value = self.reference(receiver.child(method), node.func)
            else:
                args, kwargs, star = self.eval_arguments(node, frame)
                return self.call_method(receiver, method, node, args, kwargs, star, frame)
        else:
            callee = self.eval(node.func, frame)
        args, kwargs, star = self.eval_arguments(node, frame)
        return self.call_value(callee, node, args, kwargs, star, frame)

    def call_value(self, callee: Value, node: cst.Call, args, kwargs, star, frame) -> Value:
        if isinstance(callee, DataVal) and callee.data.identity == ("free", "len") and \
                len(args) == 1 and isinstance(args[0], Seq) and args[0].exact and not kwargs:
            return Const(len(args[0].items))  # len(classes) of a literal list: a unit count
        if isinstance(callee, DataVal) and callee.data.identity == ("free", "isinstance"):
            return branches.isinstance_of(node, args)
        if isinstance(callee, Ref):
            return self.call_ref(callee, node, args, kwargs, star)
        if isinstance(callee, FuncVal):
            return self.call_function(callee, args, kwargs, call_node=node)
        if isinstance(callee, LayerVal):
            return self.call_layer(callee.layer, node, args, kwargs)
        if isinstance(callee, ModelVal):
            self.record_event(callee.model, "call", node)
            tensors = tensors_in(args)
            if tensors:
                # a model used as a layer of a bigger model: its output is not a model output
                callee.model.used_as_layer = True
                return TensorVal(LayerFact(kind=UNKNOWN, node=node), tensors)
            return self.eager_call(callee.model, node, args)  # model(x), eagerly
        if isinstance(callee, Instance) and self.call_loss_object(callee, args) is not None:
            return UNKNOWN_VALUE
        if isinstance(callee, (ClassVal, ObjectVal)) and (made := subclassing.called(
                self, callee, node, args, kwargs)) is not None:
            return made
        if callee_name(node) == "get_submodules_from_kwargs":
            return keras_submodules()  # keras-applications' idiom: see functions.py
        for value in [*args, *kwargs.values()]:
            self.escape(value)
        given = [v.data.identity for v in [*args, *kwargs.values()] if isinstance(v, DataVal)]
        if given:
            self.data_given[id(node)] = given
        tensors = tensors_in([*args, *kwargs.values()])
        if tensors:
            # a pretrained base model or a custom layer applied to a symbolic tensor
            return TensorVal(LayerFact(kind=UNKNOWN, node=node), tensors)
        if callee_name(node).startswith("evaluat"):
            # ``evaluate(x_test, y_test)`` in a snippet, ``evaluate_model(...)``: unattributed
            self.unattributed_evaluations.append(node)
        return UNKNOWN_VALUE

    def call_ref(self, ref: Ref, node: cst.Call, args, kwargs, star) -> Value:
        keras_name = ref.keras
        if keras_name is not None:
            self.keras_calls.append(KerasCallFact(
                keras_name, ref.qualname, node, {k: literal(v) for k, v in kwargs.items()},
                [literal(v) for v in args]))
            namespace, _, leaf = keras_name.partition(".")
            if keras_name in MODEL_MAKERS:  # Sequential, Model, load_model
                return self.make_model(keras_name, node, args, kwargs)
            if keras_name == "layers.Input":
                return TensorVal(None, [], shape=shape_of(kwargs.get("shape", args[0] if args else
                                                                     None)))
            if namespace == "layers" and (leaf[:1].isupper() or leaf in MERGE_FUNCTIONS):
                return self.make_layer(leaf, node, args, kwargs, star)
        if (built := prebuilt.model_of(self, ref.qualname, keras_name, node)):
            return built
        self.call_logits_function(ref, node, args, kwargs)  # under a GradientTape only
        tensors = tensors_in([*args, *kwargs.values()])
        if tensors:
            # tf.nn.relu(x), preprocess_input(x), tf.concat([a, b]): an opaque step of the graph
            return TensorVal(LayerFact(kind=UNKNOWN, node=node), tensors)
        result = wrappers.call(self, ref, node, args, kwargs, star)
        if result is None:  # np.mean(X), normalize(X, axis=0): own_statistics (KC402)
            result = own_statistics.call(self, ref, node, args, kwargs)
        if result is None:
            result = dataflow.call_ref(ref, node, args, kwargs, star, self)
        if result is None:
            for value in [*args, *kwargs.values()]:
                self.escape(value)
            return UNKNOWN_VALUE
        return result

    def call_method(self, receiver: Value, method: str, node: cst.Call, args, kwargs, star,
                    frame: Frame) -> Value:
        if isinstance(receiver, ModelChoice):
            return choices.call_method(self, receiver, method, node, (args, kwargs, star), frame)
        receiver = prebuilt.elided_model(self, receiver, method, args)  # a snippet's model.add
        if isinstance(receiver, ModelVal):
            overridden = subclassing.overridden_method(self, receiver.model, method, node, args,
                                                       kwargs)
            if overridden is not None:
                return overridden
            return self.call_model_method(receiver.model, method, node, args, kwargs, star)
        if isinstance(receiver, ObjectVal) and not receiver.defaults_only:
            return subclassing.call_method(self, receiver, method, node, args, kwargs, star,
                                           frame)
        if isinstance(receiver, project.ModuleVal):  # model.build_model(...)
            callee = project.module_attribute(self, receiver, method)
            return self.call_value(callee, node, args, kwargs, star, frame)
        if isinstance(receiver, LayerVal) and method == "adapt" and receiver.instance is not None:
            data = args[0] if args else kwargs.get("data", UNKNOWN_VALUE)
            preprocessors.record_statistics_fit(self, receiver.instance, data, node)
            preprocessors.record_fit(receiver.instance, data)
            return UNKNOWN_VALUE
        if isinstance(receiver, Instance) and (searched := wrappers.search_fit(
                self, receiver, method, node, args, kwargs, star)) is not None:
            return searched  # GridSearchCV(KerasClassifier(...)).fit(X, y)
        if isinstance(receiver, (DataVal, Instance)):
            self.record_parameter_fit(receiver, method, node, args, kwargs, star)  # KC505
            result = dataflow.method(receiver, method, node, args, kwargs, self)
            own_statistics.of_method(self, receiver, method, result, args, kwargs)  # X.mean()
            if result is not None:
                # ``registry.register(model)``: a model handed to an object we do not follow
                for value in [*args, *kwargs.values()]:
                    if isinstance(value, (ModelVal, ObjectVal)):
                        self.escape(value)
                return result
        if isinstance(receiver, ModelPart):
            return UNKNOWN_VALUE
        rows.append(receiver, method, args, self.tables)  # texts.append(text): data now
        for value in [*args, *kwargs.values()]:
            self.escape(value)
        return UNKNOWN_VALUE


def analyze(module: cst.Module, project_modules=None, path: str = "") -> FileFacts:
    """The facts of one parsed file (``project_modules``: the project it belongs to, see
    :mod:`kerascheck.analysis.project`; ``path``: where the file is)."""
    return Analyzer(module, project_modules, path).run()
