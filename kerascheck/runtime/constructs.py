"""The failing construct of an API finding, cut out of the user's source.

For a finding whose harm is what Keras does with one piece of code (a path that does not exist,
a removed argument, an integer shape, a fit before compile, an invalid hyper-parameter), this
module writes that piece as a :class:`~kerascheck.proofkit.constructs.ConstructSubject`: the
import line, the dotted path, or the call with the user's literal arguments, plus the user's own
TensorFlow/Keras import lines it needs. A model method (``model.fit(..., nb_epoch=5)``) runs on a
tiny stand-in model and stand-in data, compiled exactly when the user's model was compiled
before the call. Nothing else of the script runs. Arguments that are not literals are dropped or
given a stand-in value, and the evidence says so.
"""

from __future__ import annotations

import ast

import libcst as cst

from kerascheck.analysis.names import WELL_KNOWN_UNBOUND, canonical
from kerascheck.facts import ModelFact
from kerascheck.runtime.standins import KERAS2_RENAMES

_KERAS_ROOTS = ("tensorflow", "keras", "tf_keras")
# Findings about a dotted path that does not exist: the path is the construct, wherever it is
# written (the callee of a call or an argument of one)
_PATH_FINDINGS = {"KC601"}
# Model methods that take ``verbose=`` (``train_on_batch`` and ``test_on_batch`` do not)
_VERBOSE_METHODS = {"fit", "evaluate", "fit_generator", "evaluate_generator"}
# Snippets use these aliases unbound (RULES.md, "Snippets").
_SNIPPET_IMPORTS = {"tf": "import tensorflow as tf", "keras": "import keras",
                    "layers": "from keras import layers", "models": "from keras import models",
                    "optimizers": "from keras import optimizers"}
_MODEL_METHODS = {"fit", "evaluate", "train_on_batch", "test_on_batch", "predict", "compile",
                  "fit_generator", "evaluate_generator"}
_SHAPE_KEYWORDS = {"input_shape", "batch_input_shape", "input_dim"}
# Stand-in values for a flagged keyword whose value is not a literal.
_KEYWORD_STAND_INS = {"lr": 0.01, "learning_rate": 0.01, "decay": 1e-6, "nb_epoch": 1,
                      "epochs": 1, "init": "uniform", "output_dim": 8, "batch_size": 8,
                      "validation_split": 0.2}
_POSITIONAL_STAND_INS = {0: 8, 1: 3}  # units/filters, then kernel_size
# A shape the finding says is an integer (KC103: `shape=x.shape[1]`, `len(columns)`, a
# parameter): Keras' exception for an int shape does not depend on which int, so an unknown one
# gets this stand-in; an expression of integer literals (`28 * 28`) is folded to its value.
_INTEGER_SHAPE_FINDINGS = {"KC103"}
_SHAPE_ARGUMENTS = {"shape", "input_shape", "batch_input_shape", "batch_shape"}
_INTEGER_STAND_IN = 4
# The safe fixes of another finding's argument of the same call, applied in memory.
_CONSTRUCT_RENAMES = {"lr": "learning_rate", "nb_epoch": "epochs", **KERAS2_RENAMES}
_KEEPS_OUTPUT_DIM = {"Embedding"}
_DATA_STAND_INS = {
    "array": "__x__ = __np__.zeros((8, 4), 'float32'); __y__ = __np__.zeros((8, 1), 'float32')",
    "dataset": "__x__ = __tf__.data.Dataset.from_tensor_slices((__np__.zeros((8, 4), 'float32'),"
               " __np__.zeros((8, 1), 'float32'))).batch(4); __y__ = None",
}


class NoConstruct(Exception):
    """The finding has no construct that can run on its own; the message says why."""


class _Index(cst.CSTVisitor):
    """Parents of the nodes a finding may point at: each argument's call, each import part's
    statement, and every TensorFlow/Keras import."""

    def __init__(self):
        self.call_of: dict[int, cst.Call] = {}
        self.import_of: dict[int, cst.CSTNode] = {}
        self.imports: list[cst.CSTNode] = []
        self.calls: list[cst.Call] = []

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)
        for argument in node.args:
            self.call_of[id(argument)] = node
            self.call_of[id(argument.value)] = node

    def visit_Import(self, node: cst.Import) -> None:
        self.imports.append(node)
        for alias in node.names:
            self.import_of[id(alias)] = node
            self.import_of[id(alias.name)] = node

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative:
            return
        self.imports.append(node)
        if node.module is not None:
            self.import_of[id(node.module)] = node
        if not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                self.import_of[id(alias)] = node
                self.import_of[id(alias.name)] = node


def _dotted(module: cst.Module, node) -> str:
    return module.code_for_node(node).replace(" ", "").replace("\n", "")


def _import_lines(module: cst.Module, index: _Index) -> dict[str, str]:
    """Each TensorFlow/Keras name the file imports: the bound name -> one import line."""
    lines: dict[str, str] = {}
    for node in index.imports:
        if isinstance(node, cst.Import):
            for alias in node.names:
                path = _dotted(module, alias.name)
                if path.split(".")[0] not in _KERAS_ROOTS:
                    continue
                bound = _dotted(module, alias.asname.name) if alias.asname else path.split(".")[0]
                lines.setdefault(bound, f"import {path} as {bound}" if alias.asname
                                 else f"import {path}")
        elif not isinstance(node.names, cst.ImportStar) and node.module is not None:
            path = _dotted(module, node.module)
            if path.split(".")[0] not in _KERAS_ROOTS:
                continue
            for alias in node.names:
                name = _dotted(module, alias.name)
                bound = _dotted(module, alias.asname.name) if alias.asname else name
                lines.setdefault(bound, f"from {path} import {name}" +
                                 (f" as {bound}" if bound != name else ""))
                public = _public_import(f"{path}.{name}", bound)
                if public is not None and public != lines[bound]:
                    _FALLBACKS[lines[bound]] = public
    return lines


# import line -> the same name imported from its public path (``keras.layers.core.Dense`` ->
# ``from keras.layers import Dense``), tried when the user's own line fails to import
_FALLBACKS: dict[str, str] = {}


def _public_import(qualified: str, bound: str) -> str | None:
    name = canonical(qualified)
    if not name or "." not in name:
        return None
    module_path, _, attribute = name.rpartition(".")
    root = "tf_keras" if qualified.startswith("tf_keras") else \
        "tensorflow.keras" if qualified.startswith("tensorflow") else "keras"
    return f"from {root}.{module_path} import {attribute}" + \
        (f" as {bound}" if bound != attribute else "")


def _needed_imports(text: str, imports: dict[str, str]) -> list[str]:
    """The import lines that bind the names ``text`` uses (snippet aliases when unbound)."""
    names = {node.id for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Name)}
    lines = []
    for name in sorted(names):
        if name.startswith("__"):
            continue
        if name in imports:
            lines.append(imports[name])
        elif name in _SNIPPET_IMPORTS:
            lines.append(_SNIPPET_IMPORTS[name])
        elif name in WELL_KNOWN_UNBOUND:
            module, _, attribute = WELL_KNOWN_UNBOUND[name].rpartition(".")
            lines.append(f"from keras.{module} import {attribute} as {name}")
    return lines


def construct_subject(finding, module: cst.Module, model: ModelFact | None,
                      source_text: str = "", legacy: bool = False, others=(), names=None):
    """The :class:`ConstructSubject` of ``finding`` (a static finding with a CST target).
    ``others`` are the targets of the file's other findings: an argument that is a finding of
    its own is left out of this finding's construct, so that each construct shows one cause.
    ``names`` maps ``id(node)`` of a dotted reference to the qualified path the analysis gave
    it: a root name the file binds at run time, not by an import (keras-applications'
    ``backend = None`` set from ``get_submodules_from_kwargs``), is imported from that path.
    Raises :class:`NoConstruct` when the finding points at nothing that runs on its own."""
    from kerascheck.proofkit.constructs import ConstructSubject

    target = finding.target
    node = getattr(target, "node", target)  # a LayerFact locates by its call
    if not isinstance(node, cst.CSTNode):
        raise NoConstruct("the finding points at no piece of code")
    index = _Index()
    module.visit(index)
    imports = _import_lines(module, index)
    legacy = legacy or "TF_USE_LEGACY_KERAS" in source_text
    subject = ConstructSubject(finding=finding, construct="", legacy=legacy)
    if id(node) in index.import_of:
        statement = index.import_of[id(node)]
        subject.construct = _import_statement(module, statement, node)
        subject.kind = "statement"
        return subject
    call = node if isinstance(node, cst.Call) else index.call_of.get(id(node))
    if call is not None and call is not node and isinstance(node, cst.Attribute) and \
            finding.code in _PATH_FINDINGS:
        # a missing path handed to a call (``Lambda(K.expand_dims)``): the path alone fails
        call = None
    if call is None:
        if not isinstance(node, cst.BaseExpression):  # a statement (an import of the project)
            raise NoConstruct("the finding points at a statement, not at a Keras construct")
        text = _dotted(module, node)
        _check_expression(text)
        root = text.split(".")[0]
        if root not in imports and root not in _SNIPPET_IMPORTS and ".optimizer." in text:
            # model.optimizer.lr: the attribute of a compiled stand-in model's optimizer
            text = "__model__" + text[text.index(".optimizer."):]
            subject.setup = _model_setup(compiled=True)
            subject.stand_ins.append("a tiny compiled stand-in model for "
                                     f"`{root}`")
        subject.construct = text
        subject.imports = _needed_imports(text, imports)
        bound = _bound_from_analysis(text, (names or {}).get(id(node)))
        if root not in imports and root not in _SNIPPET_IMPORTS and bound is not None:
            subject.imports.append(bound)
            subject.stand_ins.append(f"`{root}` bound by `{bound}` (what the analysis "
                                     f"resolved it to; the file binds it at run time)")
        return _imports_decide_keras(subject)
    flagged = next((a for a in call.args if a is node or a.value is node), None)
    other_ids = {id(other) for other in others if other is not node}
    _call_construct(subject, module, call, flagged, imports, model, other_ids)
    # a call's names may come through an import that is a finding of its own (KC601): the
    # public path stands in for it, so that this finding shows its own cause
    subject.imports = [[line, _FALLBACKS[line]] if line in _FALLBACKS else line
                       for line in subject.imports]
    return _imports_decide_keras(subject)


def _bound_from_analysis(text: str, qualified: str | None) -> str | None:
    """The import line that binds the root of ``text`` (``backend.int_shape``) to what the
    analysis resolved the whole path to (``keras.backend.int_shape``): ``from keras import
    backend``; None when the two do not end alike or the root is not under Keras."""
    if not qualified:
        return None
    written, path = text.split("."), qualified.split(".")
    if len(path) < len(written) or path[len(path) - len(written) + 1:] != written[1:] or \
            path[0] not in _KERAS_ROOTS:
        return None
    home = path[:len(path) - len(written) + 1]
    if len(home) == 1:
        return f"import {home[0]} as {written[0]}" if home[0] != written[0] else \
            f"import {home[0]}"
    return f"from {'.'.join(home[:-1])} import {home[-1]}" + \
        (f" as {written[0]}" if home[-1] != written[0] else "")


def _imports_decide_keras(subject):
    """A construct whose own imports name tf_keras runs (and is labelled) in Keras 2."""
    subject.legacy = subject.legacy or any("tf_keras" in str(line) for line in subject.imports)
    return subject


def _check_expression(text: str) -> None:
    try:
        ast.parse(text, mode="eval")
    except SyntaxError:
        raise NoConstruct("the flagged code is not an expression") from None


def _import_statement(module: cst.Module, statement, node) -> str:
    """The one import the finding is about: the alias it points at, or the whole ``from``."""
    if isinstance(statement, cst.ImportFrom):
        path = _dotted(module, statement.module)
        names = [a for a in statement.names if a is node or a.name is node] or statement.names
        return f"from {path} import " + ", ".join(_dotted(module, a.name) for a in names)
    aliases = [a for a in statement.names if a is node or a.name is node] or statement.names
    return "import " + ", ".join(_dotted(module, a.name) for a in aliases)


def _literal(module: cst.Module, node):
    try:
        return True, ast.literal_eval(module.code_for_node(node))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False, None


# Hand-written: ast.literal_eval folds no products (`28 * 28`); only int literals, unary minus
# and + - * // are folded, so nothing of the user's runs.
_FOLDED = {ast.Add: int.__add__, ast.Sub: int.__sub__, ast.Mult: int.__mul__,
           ast.FloorDiv: int.__floordiv__}


def _folded_integer(text: str) -> int | None:
    """The value of an integer expression of literals (``28 * 28``), None for anything else."""
    def fold(node):
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            value = fold(node.operand)
            return None if value is None else -value
        if isinstance(node, ast.BinOp) and type(node.op) in _FOLDED:
            left, right = fold(node.left), fold(node.right)
            if left is None or right is None or abs(left) > 2**31 or abs(right) > 2**31 or \
                    (right == 0 and isinstance(node.op, ast.FloorDiv)):
                return None
            return _FOLDED[type(node.op)](left, right)
        return None

    try:
        return fold(ast.parse(text.strip(), mode="eval").body)
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return None


def _integer_shape(subject, module, argument) -> int:
    """The int a KC103 shape stands for: folded from literals, else a stand-in (noted)."""
    written = module.code_for_node(argument.value).strip()
    value = _folded_integer(written)
    if value is not None:
        subject.stand_ins.append(f"`{written}` folded to {value}")
        return value
    subject.stand_ins.append(f"`{written}` -> {_INTEGER_STAND_IN} (an integer, as the finding "
                             f"says; Keras' answer to an integer shape does not depend on "
                             f"which)")
    return _INTEGER_STAND_IN


def _call_construct(subject, module, call: cst.Call, flagged, imports, model,
                    other_ids: set) -> None:
    callee = _dotted(module, call.func)
    method = callee.rsplit(".", 1)[-1] if isinstance(call.func, cst.Attribute) else None
    root = callee.split(".")[0]
    is_model_method = method in _MODEL_METHODS and root not in imports and \
        root not in _SNIPPET_IMPORTS
    positional, keywords = [], {}
    for position, argument in enumerate(call.args):
        if argument.star:
            continue
        name = argument.keyword.value if argument.keyword is not None else None
        if argument is not flagged and (id(argument) in other_ids or
                                        id(argument.value) in other_ids):
            fixed = _CONSTRUCT_RENAMES.get(name)
            if fixed is None or callee.rsplit(".", 1)[-1] in _KEEPS_OUTPUT_DIM:
                subject.stand_ins.append(f"`{name}=` left out (a finding of its own)")
                continue
            subject.stand_ins.append(f"`{name}=` read as `{fixed}=` (a finding of its own, "
                                     f"fixed in memory)")
            name = fixed
        is_literal, value = _literal(module, argument.value)
        if argument is flagged and not is_literal and \
                subject.finding.code in _INTEGER_SHAPE_FINDINGS and \
                (name in _SHAPE_ARGUMENTS or (name is None and position == 0)):
            is_literal, value = True, _integer_shape(subject, module, argument)
        if name is None:
            if is_model_method:
                continue  # the data: stand-ins below
            if not is_literal:
                if position not in _POSITIONAL_STAND_INS:
                    raise NoConstruct(f"a positional argument of `{callee}` is not a literal")
                value = _POSITIONAL_STAND_INS[position]
                subject.stand_ins.append(f"`{module.code_for_node(argument.value)}` -> {value!r}")
            positional.append(repr(value))
            continue
        if not is_literal:
            if argument is not flagged or name not in _KEYWORD_STAND_INS:
                if argument is flagged:
                    raise NoConstruct(f"`{name}=` is not a literal value")
                subject.stand_ins.append(f"`{name}=` (not a literal) left out")
                continue
            value = _KEYWORD_STAND_INS[name]
            subject.stand_ins.append(f"`{name}={module.code_for_node(argument.value)}` -> "
                                     f"{value!r}")
        if is_model_method and name in ("epochs", "nb_epoch") and isinstance(value, int) \
                and value > 1:
            subject.stand_ins.append(f"`{name}={value}` -> 1 (the outcome does not depend on it)")
            value = 1
        if is_model_method and name in ("verbose", "callbacks", "x", "y", "validation_data"):
            continue
        keywords[name] = value
    subject.arguments = dict(keywords)
    arguments = positional + [f"{name}={value!r}" for name, value in keywords.items()]
    if is_model_method:
        data_kind = _data_kind(call, model)
        compiled = method == "compile" or _compiled_before(call, model)
        subject.setup = _model_setup(compiled) + "\n" + _DATA_STAND_INS[data_kind]
        data = [] if method == "compile" else (["__x__"] if data_kind != "array" else
                                               ["__x__", "__y__"])
        if method in _VERBOSE_METHODS and "verbose" not in keywords:
            arguments.append("verbose=0")
        subject.construct = f"__model__.{method}({', '.join(data + arguments)})"
        subject.stand_ins.append(f"a tiny {'compiled' if compiled else 'uncompiled'} stand-in "
                                 f"model for `{root}` and stand-in data ({data_kind})")
        return
    text = f"{callee}({', '.join(arguments)})"
    _check_expression(text)
    qualified = _qualname(callee, imports)
    name = canonical(qualified) if qualified else None
    if name and name.startswith("layers.") and name not in ("layers.Input", "layers.InputLayer") \
            and _SHAPE_KEYWORDS & set(keywords):
        # a shape argument matters when the layer starts a model: build one around it
        text = f"__keras__.Sequential([{text}])"
        subject.setup = _keras_setup(qualified)
    subject.construct = text
    subject.imports = _needed_imports(text, imports)


def _qualname(callee: str, imports: dict[str, str]) -> str | None:
    root, _, rest = callee.partition(".")
    line = imports.get(root) or _SNIPPET_IMPORTS.get(root)
    if line is None:
        if root in WELL_KNOWN_UNBOUND:
            return "keras." + WELL_KNOWN_UNBOUND[root]
        return None
    if line.startswith("import "):
        path = line.split()[1]
    else:
        words = line.split()
        path = f"{words[1]}.{words[3]}"
    return f"{path}.{rest}" if rest else path


def _keras_setup(qualified: str) -> str:
    if qualified.startswith("tf_keras"):
        return "import tf_keras as __keras__"
    if qualified.startswith("tensorflow"):
        return "import tensorflow as __tf__\n__keras__ = __tf__.keras"
    return "import keras as __keras__"


def _model_setup(compiled: bool) -> str:
    lines = ["import numpy as __np__", "import tensorflow as __tf__",
             "__keras__ = __tf__.keras",
             "__model__ = __keras__.Sequential([__keras__.Input(shape=(4,)), "
             "__keras__.layers.Dense(1)])"]
    if compiled:
        lines.append("__model__.compile(optimizer='sgd', loss='mse')")
    return "\n".join(lines)


def _data_kind(call: cst.Call, model: ModelFact | None) -> str:
    for fit in getattr(model, "fits", ()) or ():
        if fit.node is call and getattr(fit.x, "is_dataset", False):
            return "dataset"
    return "array"


def _compiled_before(call: cst.Call, model: ModelFact | None) -> bool:
    """Whether the user's model was compiled before ``call`` (unknown model: assume it was, so
    that a removed argument of fit is not 'shown' by a missing compile)."""
    if model is None:
        return True
    for event in model.events:
        if event.node is call:
            return False
        if event.method == "compile":
            return True
    return True
