"""KC103 invalid-input-shape."""

from __future__ import annotations

import warnings

import libcst as cst

from kerascheck import fixes
from kerascheck.analysis.syntax import statements_of
from kerascheck.analysis.targets import KERAS2, TF1
from kerascheck.facts import UNKNOWN, FileFacts
from kerascheck.proofkit import Evidence, exception_of, load_tensorflow
from kerascheck.rules.base import Rule

# keyword -> callees (canonical names; "layers.*" is any layer) that take a shape there
_SHAPE_KEYWORDS = ("input_shape", "batch_input_shape", "batch_shape")
_SHAPE_CALLEES = {"layers.Input", "layers.InputLayer"}


# Hand-written (no library types Python expressions statically): expressions whose value can
# only be an int. `x.shape[1]` with a literal index is one axis of an array's or tensor's shape;
# `x.shape[1:]` is a slice and stays a tuple. Anything else is unknown, and silent.
_INTEGER_OPERATORS = (cst.Add, cst.Subtract, cst.Multiply, cst.FloorDivide)


def _is_integer(node) -> bool:
    """Whether ``node`` can only evaluate to an int (see above)."""
    if isinstance(node, cst.Integer):
        return True
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        return isinstance(node.expression, cst.Integer)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, _INTEGER_OPERATORS):
        return _is_integer(node.left) and _is_integer(node.right)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and \
            node.func.value in ("len", "int") and len(node.args) == 1 and not node.args[0].star \
            and node.args[0].keyword is None:
        return True
    if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Attribute) and \
            node.value.attr.value == "shape" and len(node.slice) == 1:
        index = node.slice[0].slice
        return isinstance(index, cst.Index) and index.star is None and _is_integer(index.value) \
            and not isinstance(index.value, (cst.Call, cst.Subscript, cst.BinaryOperation))
    return False


def _integer_names(module, names: list) -> set[int]:
    """The ids of those ``names`` (``cst.Name`` nodes) whose name is assigned an integer at the
    top level and is, anywhere in the module, only ever bound by
    ``name = <an expression that can only be an int>``
    (``n_features = x.shape[1]``). Any other binding of the name in any scope (a parameter, a
    loop variable, an unpacking, an import, ``n += 1``...) makes it unknown: blunter than
    LibCST's ScopeProvider, but one walk instead of an analysis that costs about as much as the
    parse (measured: 0.3 s a file on the expert corpus)."""
    # the walk is only worth it for a name some top-level statement assigns an integer (cheap
    # to look for: the notebooks and scripts this is about assign their sizes at the top level)
    wanted = {name.value for name in names}
    top = {statement.body[0].targets[0].target.value for statement in module.body
           if isinstance(statement, cst.SimpleStatementLine) and
           isinstance(statement.body[0], cst.Assign) and
           isinstance(statement.body[0].targets[0].target, cst.Name) and
           _is_integer(statement.body[0].value)}
    if not wanted & top:
        return set()
    visitor = _Bindings(wanted & top)
    module.visit(visitor)
    integer = visitor.integer - visitor.other
    return {id(name) for name in names if name.value in integer}


class _Bindings(cst.CSTVisitor):
    """The names of ``wanted`` bound as ``name = <int>`` (``integer``) and bound any other way
    (``other``)."""

    def __init__(self, wanted: set[str]):
        self.wanted = wanted
        self.integer: set[str] = set()
        self.other: set[str] = set()

    def _bound(self, target) -> None:
        for node in _bound_names(target):
            if node.value in self.wanted:
                self.other.add(node.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        target = node.targets[0].target
        if len(node.targets) == 1 and isinstance(target, cst.Name) and _is_integer(node.value):
            if target.value in self.wanted:
                self.integer.add(target.value)
            return
        for assign_target in node.targets:
            self._bound(assign_target.target)

    def visit_AnnAssign(self, node) -> None:
        self._bound(node.target)

    def visit_AugAssign(self, node) -> None:
        self._bound(node.target)

    def visit_For(self, node) -> None:
        self._bound(node.target)

    def visit_CompFor(self, node) -> None:
        self._bound(node.target)

    def visit_NamedExpr(self, node) -> None:
        self._bound(node.target)

    def visit_Del(self, node) -> None:
        self._bound(node.target)

    def visit_AsName(self, node) -> None:  # import ... as n, except ... as n, with ... as n
        self._bound(node.name)

    def visit_ImportAlias(self, node) -> None:
        if node.asname is None:
            self._bound(node.name if isinstance(node.name, cst.Name) else cst.Name(
                cst.Module([]).code_for_node(node.name).split(".")[0]))

    def visit_Param(self, node) -> None:
        self._bound(node.name)

    def visit_FunctionDef(self, node) -> None:
        self._bound(node.name)

    def visit_ClassDef(self, node) -> None:
        self._bound(node.name)

    def visit_Global(self, node) -> None:
        for item in node.names:
            self._bound(item.name)

    def visit_Nonlocal(self, node) -> None:
        for item in node.names:
            self._bound(item.name)

    def visit_MatchAs(self, node) -> None:
        if node.name is not None:
            self._bound(node.name)

    def visit_MatchStar(self, node) -> None:
        if node.name is not None:
            self._bound(node.name)

    def visit_MatchMapping(self, node) -> None:
        if node.rest is not None:
            self._bound(node.rest)


def _integer_parameters(module, names: list) -> set[int]:
    """The ids of those ``names`` that are, in the function around them, a parameter annotated
    ``int`` (``def build(num_features: int)``), or one with an integer default and no
    annotation (``def build(num_features=4)``), which the function's body never binds again
    (no ``num_features = (num_features,)``, no inner function or comprehension taking the
    name). An annotation other than ``int`` (``tuple``, ``Sequence[int]``, ``int | tuple``) or
    a default that is not an integer is unknown, and silent."""
    wanted = {id(name): name.value for name in names}
    found: set[int] = set()
    for function in statements_of(module, cst.FunctionDef):
        integer = {param.name.value for param in (*function.params.posonly_params,
                                                  *function.params.params,
                                                  *function.params.kwonly_params)
                   if _integer_parameter(param)} & set(wanted.values())
        if not integer:
            continue
        inside = _NamesInside(wanted)
        function.body.visit(inside)
        candidates = {node_id for node_id in inside.seen if wanted[node_id] in integer}
        if not candidates:
            continue
        bindings = _Bindings({wanted[node_id] for node_id in candidates})
        function.body.visit(bindings)
        found |= {node_id for node_id in candidates
                  if wanted[node_id] not in bindings.other | bindings.integer}
    return found


def _integer_parameter(param: cst.Param) -> bool:
    if param.annotation is not None:
        annotation = param.annotation.annotation
        return isinstance(annotation, cst.Name) and annotation.value == "int"
    return param.default is not None and _is_integer(param.default) and \
        isinstance(param.default, (cst.Integer, cst.UnaryOperation))


class _NamesInside(cst.CSTVisitor):
    """Which of the nodes ``wanted`` (by id) are inside the visited tree."""

    def __init__(self, wanted: dict):
        self.wanted, self.seen = wanted, set()

    def visit_Name(self, node) -> None:
        if id(node) in self.wanted:
            self.seen.add(id(node))


def _bound_names(target) -> list:
    """The names a binding target binds (``a``, ``a, (b, *c)``; not ``a.b`` or ``a[0]``)."""
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [name for element in target.elements for name in _bound_names(element.value)]
    if isinstance(target, cst.StarredElement):
        return _bound_names(target.value)
    return []


def _shape_arguments(call) -> list[tuple[str, cst.Arg, object]]:
    """(keyword, argument node, literal value) of every shape argument of a Keras call."""
    found = []
    is_layer = call.callee.startswith("layers.") and call.callee.split(".", 1)[1][:1].isupper()
    if not is_layer:
        return found
    keywords = list(_SHAPE_KEYWORDS)
    if call.callee in _SHAPE_CALLEES:
        keywords.append("shape")
    for keyword in keywords:
        arg = call.argument_node(keyword)
        if arg is not None:
            found.append((keyword, arg, call.arguments.get(keyword)))
    # Input(shape, ...) and Keras 3's InputLayer(shape, ...): the first positional argument
    if call.callee in _SHAPE_CALLEES and call.positional:
        positional = [arg for arg in call.node.args if arg.keyword is None and not arg.star]
        if positional:
            found.append(("shape", positional[0], call.positional[0]))
    return found


class InvalidInputShape(Rule):
    """
    ## What it does
    Finds a shape argument that is a plain integer instead of a tuple: `input_shape=784`,
    `Input(shape=784)`, `batch_input_shape=32`, and the subtle `input_shape=(784)`, where the
    parentheses are only grouping and the value is still the integer 784. Expressions that can
    only be an integer count too: `input_shape=x_train.shape[1]`, `len(features)`,
    `(28 * 28)`, a name only ever assigned one of those (`n = x_train.shape[1]`);
    `x_train.shape[1:]` is a tuple and fine. A function's parameter counts where the function
    says it is an integer: annotated `int` (`def build(num_features: int)`), or given an integer
    default and no annotation, and never rebound in the body; any other annotation (`tuple`,
    `Sequence[int]`) is unknown and silent, and so is a parameter some call gives a tuple. Under `target-version = "keras2"`
    only a layer's `input_shape=`/`batch_input_shape=` is reported: tf_keras turns the integer
    of `Input(shape=...)` and `InputLayer(input_shape=...)` into a tuple, but raises
    `TypeError: 'int' object is not iterable` for any other layer. Under `"tf1"` nothing is
    reported (not measured there).

    ## Why is this bad?
    A shape is a tuple of dimensions, one per axis of a sample. Keras 3 refuses an integer with
    `ValueError: Cannot convert '784' to a shape.` as soon as the layer or the model is
    created, so the script never reaches training. `(784,)`, with the trailing comma, is the
    one-dimensional shape that was meant.

    ## Example
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.layers.Dense(64, activation='relu', input_shape=(784)),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.layers.Dense(64, activation='relu', input_shape=(784,)),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])
    ```

    ## Fix safety
    Safe: `784` and `(784)` become `(784,)`, `x.shape[1]` becomes `(x.shape[1],)`, the only
    shape the integer can have meant; code that ran before the fix could not exist, since Keras
    raised.

    ## Runtime evidence
    The proof creates the layer both ways in Keras 3: the integer raises the exact `ValueError`
    quoted above, the tuple builds a model with the expected input shape.

    ## References
    - Keras API: `keras.Input` (`shape`: "A shape tuple (tuple of integers or None objects),
      not including the batch size").
    - Python tutorial, "Tuples and Sequences": a tuple with one item is written with a trailing
      comma.
    """

    code = "KC103"
    name = "invalid-input-shape"
    summary = "A shape argument is an integer, not a tuple: write (784,) instead of 784."
    fix_applicability = "safe"

    invalid = (
        """
import tensorflow as tf
model = tf.keras.Sequential([
    tf.keras.layers.Dense(64, activation='relu', input_shape=784),  # expect: KC103
    tf.keras.layers.Dense(10, activation='softmax'),
])
""",
        """
from tensorflow import keras
inputs = keras.Input(shape=(784))  # expect: KC103
other = keras.Input(784)  # expect: KC103
""",
        """
from keras.layers import Dense, InputLayer
N_FEATURES = 20
first = InputLayer(shape=N_FEATURES)  # expect: KC103
""",
        # expressions that can only be an integer
        """
import numpy as np
from tensorflow import keras
x_train = np.load("x.npy")
columns = ["age", "income", "height"]
a = keras.layers.Dense(16, input_shape=x_train.shape[1])  # expect: KC103
b = keras.layers.Dense(16, input_shape=len(columns))  # expect: KC103
c = keras.Input(shape=(28 * 28))  # expect: KC103
d = keras.Input(shape=x_train.shape[-1] * 2)  # expect: KC103
n_features = x_train.shape[1]
e = keras.layers.Dense(16, input_shape=(n_features))  # expect: KC103
""",
        # an integer parameter, known at the call site
        """
from tensorflow import keras
def build(features):
    return keras.Sequential([keras.layers.Dense(8, input_shape=features),  # expect: KC103
                             keras.layers.Dense(1)])
model = build(12)
""",
        # a parameter annotated int, whoever calls the builder (a hyperparameter search)
        """
from tensorflow.keras import Input, Model
from tensorflow.keras.layers import Dense
def build_model(num_features: int, units: int) -> Model:
    inputs = Input(shape=num_features)  # expect: KC103
    return Model(inputs, Dense(units)(inputs))
""",
    )
    valid = (
        """
import tensorflow as tf
a = tf.keras.Input(shape=(784,))
b = tf.keras.layers.Dense(10, input_shape=(28, 28))
c = tf.keras.layers.Dense(10, input_dim=784)
d = tf.keras.Input(shape=[None, 3])
""",
        # a shape computed from the data: unknown, silent
        """
from tensorflow import keras
def build(x):
    return keras.Sequential([keras.Input(shape=x.shape[1:]), keras.layers.Dense(1)])
inputs = keras.Input(shape=(x_train.shape[1],))
rows = keras.Input(shape=x_train.shape[1:])
def make(shape, i):
    return keras.layers.Dense(3, input_shape=shape), keras.Input(shape=x_train.shape[i])
width = x_train.shape[1]
if x_train.ndim > 2:
    width = x_train.shape[1:]
f = keras.Input(shape=width)
for size in (x_train.shape[1],):
    g = keras.Input(shape=size)
depth = x_train.shape[1]
def head(depth):
    return keras.layers.Dense(3, input_shape=depth)
""",
        # a parameter annotated as a tuple or a sequence, or rebound to a tuple: silent
        """
from typing import Sequence
from tensorflow import keras
def build(shape: tuple, dims: Sequence[int], width: int):
    width = (width,)
    return [keras.Input(shape=shape), keras.Input(shape=dims), keras.Input(shape=width)]
""",
        # not Keras: other libraries' shape arguments
        """
import numpy as np
import tensorflow as tf
zeros = np.zeros(shape=784)
ones = tf.ones(shape=10)
layer = tf.keras.layers.Reshape(target_shape=(28, 28, 1))
""",
    )

    def check_file(self, facts: FileFacts):
        if facts.target_version == TF1:
            return  # not measured on TensorFlow 1's Keras: silent
        keras2 = facts.target_version == KERAS2
        shapes = [(call, *shape) for call in facts.keras_calls for shape in _shape_arguments(call)]
        # a name the analysis could not follow (``n = x.shape[1]``): asked of LibCST's scopes,
        # only when there is one (the scope analysis costs about a parse)
        unknown_names = [arg.value for _, _, arg, value in shapes
                         if value is UNKNOWN and isinstance(arg.value, cst.Name)]
        integer_names = _integer_names(facts.module, unknown_names) | _integer_parameters(
            facts.module, unknown_names) if unknown_names and facts.module is not None else set()
        # an argument some call site gave a known value that is no integer (``build((28, 28))``
        # beside ``build(x.shape[1:])``): the parameter is not only ever an int
        not_integer = {id(arg.value) for _, _, arg, value in shapes
                       if value is not UNKNOWN and not isinstance(value, int)}
        for call, keyword, arg, value in shapes:
            # tf_keras (measured, 2.21): Input(shape=4) and InputLayer(input_shape=4) build
            # a one-axis input, but any other layer's input_shape=4 raises TypeError
            if keras2 and call.callee in _SHAPE_CALLEES:
                continue
            if isinstance(value, int) and not isinstance(value, bool):
                # keep what is written: input_shape=N -> (N,), shape=(28 * 28) -> (28 * 28,)
                written = facts.module.code_for_node(arg.value.with_changes(lpar=[], rpar=[])) \
                    if facts.module is not None else str(value)
                shown = str(value)
            elif value is UNKNOWN and (_is_integer(arg.value) or (
                    id(arg.value) in integer_names and id(arg.value) not in not_integer)):
                # an expression that can only be an int: x.shape[1], len(f), (28 * 28)
                written = shown = facts.module.code_for_node(
                    arg.value.with_changes(lpar=[], rpar=[]))
                shown = f"`{shown}`"
            else:
                continue
            raised = "raises TypeError on tf_keras" if keras2 else "is refused by Keras 3"
            why = " (parentheses alone do not make a tuple)" if arg.value.lpar else ""
            yield self.finding(
                arg.value, f"`{keyword}` must be a tuple, but {shown} is an integer{why} and "
                f"{raised}; write `({written},)`", fix=fixes.replace_expression(
                    arg.value, f"({written},)", applicability=fixes.SAFE,
                    message=f"Write `({written},)`"))

    def prove(self, subject=None):
        if subject is not None:  # the construct taken from the user's code
            from kerascheck.proofkit.constructs import construct_evidence

            return construct_evidence(self.code, subject, ("ValueError", "TypeError"))
        tf, keras, np = load_tensorflow(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Keras 3 also discourages input_shape= itself
            bad_error = exception_of(lambda: keras.Sequential(
                [keras.layers.Dense(64, activation="relu", input_shape=(784)),
                 keras.layers.Dense(10, activation="softmax")]))
        good_model = keras.Sequential([keras.Input(shape=(784,)),  # the modern spelling
                                       keras.layers.Dense(64, activation="relu"),
                                       keras.layers.Dense(10, activation="softmax")])
        good_shape = tuple(good_model.input_shape)
        verdict = bad_error is not None and bad_error[0] == "ValueError" and \
            "Cannot convert" in bad_error[1] and good_shape == (None, 784)
        return Evidence(
            code=self.code, verdict=verdict,
            summary="input_shape=(784) raises ValueError in Keras 3; (784,) builds the model.",
            measurements={"bad: exception": f"{bad_error[0]}: {bad_error[1]}" if bad_error
                          else "none",
                          "good: model input shape": str(good_shape)})
