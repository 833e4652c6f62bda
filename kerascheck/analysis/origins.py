"""Where data comes from, judged by the call that makes it or the name of the file it is read
from.

Data the file makes up itself (random draws, constant arrays and ranges, scikit-learn's toy
makers, literal rows): a ``fit`` on it is a demonstration, not a training run (RULES.md "Real
training"), so the holdout rules (KC5xx) do not judge it.

Tables whose scale is not known to be raw (KC401): well-known tables of one small scale (iris,
Bioresponse), and a bare local CSV in a file that defines its own standardizing helper (the
file's pipeline may have written it).
"""

from __future__ import annotations

import fnmatch
import re

from dataclasses import replace

import libcst as cst

from kerascheck.analysis.syntax import literal_number, statements_of
from kerascheck.facts import DataFact

# The keras.datasets sets, by what their arrays hold.
PIXEL_DATASETS = {"mnist", "fashion_mnist", "cifar10", "cifar100"}
TABULAR_DATASETS = {"boston_housing", "california_housing"}
TOKEN_DATASETS = {"imdb", "reuters"}
CLASSIFICATION_DATASETS = PIXEL_DATASETS | TOKEN_DATASETS
# How many classes each classification set's labels hold (cifar100: its default fine labels).
DATASET_CLASSES = {"mnist": 10, "fashion_mnist": 10, "cifar10": 10, "cifar100": 100, "imdb": 2,
                   "reuters": 46}

# Data made up in the file: random draws, constant arrays, ranges, scikit-learn's toy makers
# (RULES.md "Real training": a fit on them is a demonstration, not a training run).
SYNTHETIC_NUMPY = {"zeros", "ones", "full", "empty", "eye", "arange", "linspace", "zeros_like",
                   "ones_like", "full_like", "meshgrid", "sin", "cos"}
SYNTHETIC_TF = {"zeros", "ones", "fill", "range", "linspace", "zeros_like", "ones_like", "eye"}

# Keras 3's own random draws and constant arrays (``keras.random``, ``keras.ops``): made up too
KERAS_DRAWS = {f"random.{leaf}" for leaf in (
    "normal", "uniform", "randint", "truncated_normal", "categorical", "binomial", "beta",
    "gamma")} | {f"ops.{leaf}" for leaf in ("zeros", "ones", "full", "eye", "arange", "linspace")}


def is_synthetic_source(qualname: str, leaf: str) -> bool:
    # (a TensorFlow Probability distribution stands for the draws its ``sample()`` makes)
    if qualname.startswith(("numpy.random.", "tensorflow.random.",
                            "tensorflow_probability.distributions.")):
        return True
    if qualname.startswith("sklearn.datasets.make_"):
        return True
    if qualname.count(".") == 1:
        root = qualname.split(".")[0]
        return (root == "numpy" and leaf in SYNTHETIC_NUMPY) or (
            root == "tensorflow" and leaf in SYNTHETIC_TF)
    return False


# functions whose values are real numbers whatever they are given: targets made with them are
# a regression's (``y = np.sin(x)``)
REAL_VALUED = {"sin", "cos", "tan", "exp", "log", "log1p", "sqrt", "tanh", "sinh", "cosh"}


def synthetic_facts(qualname: str, node) -> list[DataFact]:
    """The data a made-up source returns: one array, or the (X, y) pair of a ``make_*`` toy set."""
    tags = [("x",), ("y",)] if qualname.startswith("sklearn.datasets.make_") else [()]
    real = qualname.rsplit(".", 1)[-1] in REAL_VALUED
    return [DataFact(synthetic=True, identity=("value", id(node), *tag), node=node,
                     continuous=real) for tag in tags]


# Well-known tables whose features already share one small scale: iris (centimetres, one order
# of magnitude), Kaggle's Bioresponse (molecular descriptors given in [0, 1]), and tables named
# after scikit-learn's two-dimensional toy makers (``make_moons``, ``make_circles``: points
# within about [-1.2, 2.2]), saved to a CSV by a tutorial (``moons.csv``, ``circles.csv``), and
# UCI's sonar table (``sonar.all-data``: 60 band energies, each in [0, 1] as the data set says),
# and UCI's mushroom table (every column a letter code: what reaches fit is an encoding of them),
# and tables of embedding coordinates (``embeddings.csv``, ``word2vec_features.csv``, GloVe or
# fastText vectors): learned coordinates of one small scale, not raw measurements.
_ONE_SCALE_TABLES = ("iris", "bio_train", "bio_test", "bioresponse", "moons", "circles",
                     "sonar", "mushrooms?", "agaricus", "embeddings?", "word2vec", "w2v",
                     "doc2vec", "glove", "fasttext", "(?:word|doc|sentence|text)_?vectors?")
_LOCAL_FILE = re.compile(r"""^[rbuf]*["'](?:\.{1,2}/)*[\w.-]+\.(?:csv|tsv|txt)["']$""",
                         re.IGNORECASE)


def loaded_source(source, call: cst.Call, module: cst.Module, scales_itself: bool,
                  location_value=None):
    """A loader's raw source, unless the table it reads is not known to be raw: a well-known
    table of one scale, or a bare local file in a file that defines its own scaling helper
    (its pipeline may well have written that file, scaled). ``location_value``: the first
    argument's value when the analysis knows it (``filename = os.path.join(path, "iris.csv")``)."""
    if source != "tabular" or not call.args:
        return source
    location = module.code_for_node(call.args[0].value)
    if isinstance(location_value, str) and not raw_by_name(location_value):
        return None
    if not raw_by_name(location) or (scales_itself and _LOCAL_FILE.match(location)):
        return None
    return source


# writers of tables: what a file wrote, it may read back (scaled by its own pipeline first)
_TABLE_WRITERS = {"to_csv", "to_parquet", "to_feather", "to_excel", "to_json", "savetxt"}


def written_here(tables, module: cst.Module, call: cst.Call) -> bool:
    """Whether the table ``call`` reads (its literal or f-string path) is one the module writes
    itself (``df.to_csv(f"../data/stock-{phase}.csv")`` before ``pd.read_csv(
    "../data/stock-train.csv")``: the notebook's own prepared features, of unknown scale)."""
    if tables.written_tables is None:
        tables.written_tables = []
        # the writes are statements of their own (``df.to_csv(path)``): only blocks are walked,
        # never expressions (a whole-tree walk cost a tenth of a second per file)
        for line in statements_of(module, cst.SimpleStatementLine):
            for small in line.body:
                node = small.value if isinstance(small, cst.Expr) else None
                if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and \
                        node.func.attr.value in _TABLE_WRITERS and node.args:
                    pattern = _path_pattern(node.args[0].value)
                    # (``f"{name}.csv"`` would match every table: too little of it is known)
                    if pattern and len(re.sub(r"[^A-Za-z0-9]", "", pattern.rsplit(".", 1)[0])) >= 3:
                        tables.written_tables.append(pattern)
    read = _path_pattern(call.args[0].value) if call.args else None
    return bool(read) and any(fnmatch.fnmatchcase(read, pattern) or read == pattern
                              for pattern in tables.written_tables)


def _path_pattern(node) -> str | None:
    """A literal path, or an f-string's with ``*`` for each replacement field; None else."""
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value if isinstance(node.evaluated_value, str) else None
    if isinstance(node, cst.FormattedString):
        return "".join(part.value if isinstance(part, cst.FormattedStringText) else "*"
                       for part in node.parts)
    return None


def raw_by_name(location: str) -> bool:
    """Whether a table read from ``location`` may be taken as raw (KC401's tabular source)."""
    stem = location.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return not any(re.search(rf"(?<![a-z]){name}(?![a-z])", stem) for name in _ONE_SCALE_TABLES)


def defines_scaling_helper(module: cst.Module) -> bool:
    """Whether the file defines a function that returns standardized data,
    ``return (frame - mean) / std``."""
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef) and isinstance(statement.body, cst.IndentedBlock):
            for line in statement.body.body:
                if isinstance(line, cst.SimpleStatementLine) and isinstance(
                        line.body[0], cst.Return) and isinstance(
                        line.body[0].value, cst.BinaryOperation) and isinstance(
                        line.body[0].value.operator, cst.Divide) and isinstance(
                        line.body[0].value.left, cst.BinaryOperation) and isinstance(
                        line.body[0].value.left.operator, cst.Subtract):
                    return True
    return False


def mark_scaled_in_place(model, scaled_in_place: set) -> None:
    """A fit on a frame whose columns were rescaled in place (``df[c] = (df[c] - m) / s``, in
    a loop or a helper) is on scaled data, as far as anyone can tell; so are its validation data
    and the data it is evaluated on when they come from such a frame (its split halves)."""
    def scaled(data):
        if isinstance(data, DataFact) and not data.scaled and \
                _mentions_any(data.identity, scaled_in_place):
            return replace(data, scaled=True)
        return data

    for fit in model.fits:
        fit.x = scaled(fit.x)
        fit.validation_x = scaled(fit.validation_x)
    for evaluation in model.evaluations:
        evaluation.x = scaled(evaluation.x)


def _mentions_any(identity, identities: set) -> bool:
    """Whether ``identity`` or a part of it is in ``identities`` (iterative: deep nesting)."""
    pending = [identity]
    while pending:
        current = pending.pop()
        if current in identities:
            return True
        if isinstance(current, tuple):
            pending.extend(current)
    return False


def cuts_targets_from_inputs(function) -> bool:
    """``map(lambda w: (w[:, :-1], w[:, 1:]))`` or a function that returns ``chunk[:-1],
    chunk[1:]`` (or a list ``[chunk[:-1], chunk[-1]]``: the next word): each example's targets
    are a slice of its own inputs (a language model)."""
    if isinstance(function, cst.Lambda):
        returned, assigned = function.body, {}
    elif isinstance(function, cst.FunctionDef) and isinstance(function.body, cst.IndentedBlock):
        returned, assigned = None, {}
        for statement in function.body.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Assign) and len(small.targets) == 1 and \
                        isinstance(small.targets[0].target, cst.Name):
                    assigned[small.targets[0].target.value] = small.value
                elif isinstance(small, cst.Return):
                    returned = small.value
    else:
        return False
    if not isinstance(returned, (cst.Tuple, cst.List)) or len(returned.elements) != 2:
        return False
    bases = []
    for element in returned.elements:
        value = element.value
        if isinstance(value, cst.Name):
            value = assigned.get(value.value, value)
        if not isinstance(value, cst.Subscript) or not isinstance(value.value, cst.Name):
            return False
        if any(isinstance(getattr(part.slice, "value", None), cst.SimpleString)
               for part in value.slice):
            return False  # example["image"], example["label"]: two fields of a record
        bases.append(value.value.value)
    return bases[0] == bases[1]


_RESCALING_CALLEE = re.compile(r"rescal|normali[sz]", re.IGNORECASE)


def map_rescales(function, module: cst.Module) -> bool:
    """Whether the function given to ``dataset.map`` visibly rescales the images: a lambda or a
    function of the file whose body divides by a number (``tf.cast(x, tf.float32) / 255.``) or
    calls a rescaling or normalization layer (``rescale(x)``, ``layers.Rescaling(1 / 255)(x)``).
    Anything else (augmentation, decoding, an unknown helper) is not known to rescale."""
    if isinstance(function, cst.Name):
        function = next((statement for statement in module.body
                         if isinstance(statement, cst.FunctionDef) and
                         statement.name.value == function.value), None)
    if not isinstance(function, (cst.Lambda, cst.FunctionDef)):
        return False
    finder = _RescalingFinder(module)
    function.body.visit(finder)
    return finder.found


class _RescalingFinder(cst.CSTVisitor):
    def __init__(self, module: cst.Module):
        self.module = module
        self.found = False

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if isinstance(node.operator, cst.Divide) and isinstance(node.right, (cst.Integer,
                                                                             cst.Float)):
            self.found = self.found or float(node.right.value) > 1

    def visit_Call(self, node: cst.Call) -> None:
        callee = self.module.code_for_node(node.func)
        self.found = self.found or bool(_RESCALING_CALLEE.search(callee))


def mapped_labels(method: str, function, data: DataFact, module: cst.Module):
    """The labels of ``data`` that survive ``data.map(f)``: kept when ``f`` (a lambda, or a
    function the analysis knows, given as its node, of straight-line statements) takes
    ``(features, labels)`` and returns a pair whose second item is its labels parameter as it
    came or only cast (``y = tf.cast(y, tf.int64)``), so their encoding (integer class ids,
    one-hot) is unchanged. None for anything else: ``tf.one_hot(y, 10)`` re-encodes them, an
    unknown helper may, other methods may."""
    if method != "map" or data.labels is None or not data.is_dataset:
        return None
    if not isinstance(function, (cst.Lambda, cst.FunctionDef)) or function.params.star_arg \
            not in (None, cst.MaybeSentinel.DEFAULT) or len(function.params.params) != 2:
        return None
    name = function.params.params[1].name.value
    if isinstance(function, cst.Lambda):
        return data.labels if _returns_labels(function.body, name, module) else None
    body = function.body.body
    if not body or not all(isinstance(line, cst.SimpleStatementLine) for line in body):
        return None  # branches or loops: not followed
    statements = [small for line in body for small in line.body]
    for statement in statements[:-1]:
        if isinstance(statement, (cst.Return, cst.AugAssign, cst.AnnAssign, cst.Del)) or \
                isinstance(statement, cst.Assign) and any(
                    _binds(target.target, name) for target in statement.targets) and not (
                    len(statement.targets) == 1 and isinstance(statement.targets[0].target,
                                                               cst.Name) and
                    _keeps_labels(statement.value, name, module)):
            return None
    last = statements[-1]
    return data.labels if isinstance(last, cst.Return) and last.value is not None and \
        _returns_labels(last.value, name, module) else None


def _binds(target, name: str) -> bool:
    return any(isinstance(n, cst.Name) and n.value == name
               for n in ([target] if isinstance(target, cst.Name) else
                         [e.value for e in getattr(target, "elements", ())]))


def _returns_labels(value, name: str, module: cst.Module) -> bool:
    return isinstance(value, cst.Tuple) and len(value.elements) == 2 and \
        _keeps_labels(value.elements[1].value, name, module)


def _keeps_labels(value, name: str, module: cst.Module) -> bool:
    """``y`` itself, or ``tf.cast(y, ...)`` / ``tf.identity(y)`` of it."""
    if isinstance(value, cst.Name):
        return value.value == name
    return isinstance(value, cst.Call) and bool(value.args) and \
        module.code_for_node(value.func) in _CASTS and \
        _keeps_labels(value.args[0].value, name, module)


_CASTS = {"tf.cast", "tensorflow.cast", "tf.identity", "tensorflow.identity"}


# tf.data sources that read files: loaded data, not made up (RULES.md "Real training")
FILE_DATASETS = {"list_files", "TFRecordDataset", "TextLineDataset", "FixedLengthRecordDataset"}
# calls that list files on disk
FILE_LISTINGS = {"glob.glob", "tensorflow.io.gfile.glob", "tensorflow.gfile.Glob", "os.listdir"}


def generator_flow(generator, method: str, kwargs, node) -> DataFact:
    """What ``ImageDataGenerator(...).flow*()`` yields: batches of images, one-hot labels of one
    class per folder (``flow_from_directory`` with ``class_mode="categorical"``) or the 0/1 class
    ids of two folders (``class_mode="binary"``), and images of
    a known (rescaled) scale where the generator says so: ``rescale=1./255`` makes it the
    training preprocessing that ``predict`` on a raw ``load_img`` image lacks (KC403). Without
    ``rescale`` the scale stays unknown (a ``preprocessing_function`` may scale; KC401 is
    silent)."""
    # values (``Const``: the one value with a ``value``) stand on a floor above this module
    labels = None
    mode = getattr(kwargs["class_mode"], "value", None) if "class_mode" in kwargs else \
        "categorical"
    if method == "flow_from_directory" and mode == "categorical":  # one folder, one class
        labels = DataFact(one_hot=True, single_label=True, identity=("labels", id(node)))
    elif method == "flow_from_directory" and mode == "binary":  # 0 or 1: two class folders
        labels = DataFact(int_labels=True, classes=2, identity=("labels", id(node)))
    rescale = _rescale_of(generator)
    from_files = method in ("flow_from_directory", "flow_from_dataframe")
    rescaled = rescale is not None and 0 < rescale < 1 and from_files
    # read from image files with nothing that scales them: the pixels stay 0-255 (KC401, and
    # KC403 beside a generator that rescales); positional arguments, ``**options`` or any
    # scaling option (a preprocessing_function may scale) leave the scale unknown
    written = getattr(generator.node, "args", None)  # None: made where the file cannot see
    raw = from_files and written is not None and not generator.has_star_kwargs and all(
        arg.keyword is not None for arg in written) and not _SCALING_OPTIONS & set(
        generator.kwargs)
    return DataFact(is_dataset=True, identity=("value", id(node)), node=node, labels=labels,
                    source="images" if rescaled or raw else None, scaled=rescaled)


def array_flow(generator, images: DataFact, labels: DataFact | None, node) -> DataFact:
    """What ``ImageDataGenerator(...).flow(x, y)`` yields: batches of ``x`` (its rows: its
    identity) with the labels ``y``, times ``rescale=`` when it is given (pixels / 255 then), at
    ``x``'s own scale when nothing scales them, and of unknown scale under any other scaling
    option or ``**options``."""
    rescale = _rescale_of(generator)
    others = generator.has_star_kwargs or (_SCALING_OPTIONS - {"rescale"}) & set(generator.kwargs)
    fact = replace(images, is_dataset=True, labels=labels, node=node)
    if others or ("rescale" in generator.kwargs and rescale is None):
        return replace(fact, source=None, scaled=False, factor=None)
    if rescale is not None and images.source in ("pixels", "images"):
        start = images.factor if images.scaled else 1.0
        return replace(fact, scaled=True, factor=start * rescale if start is not None else None)
    return fact


def _rescale_of(generator) -> float | None:
    """The literal ``rescale=`` an ``ImageDataGenerator(...)`` was made with, or None."""
    return next((literal_number(arg.value) for arg in getattr(generator.node, "args", ())
                 if arg.keyword is not None and arg.keyword.value == "rescale"), None)


# ImageDataGenerator options that may scale the images it yields
_SCALING_OPTIONS = {"rescale", "preprocessing_function", "featurewise_center",
                    "samplewise_center", "featurewise_std_normalization",
                    "samplewise_std_normalization", "zca_whitening"}


# the mark in the identity of data made by a helper that never reads its parameters
# (analysis/functions.py): ``("call", id(helper), inner identity, IGNORES_ARGUMENTS, name)``
IGNORES_ARGUMENTS = "ignores its arguments"
# the mark of a dataset class's instance keyed by what it was built from
# (analysis/subclassing.py): two instances built alike are one data (KC505)
BUILT = "built"


def ignores_arguments(identity) -> bool:
    """Whether data of ``identity`` was made by a helper that never reads its parameters, so
    that every call gives the same data whatever it is given (KC505)."""
    return isinstance(identity, tuple) and len(identity) == 5 and identity[0] == "call" and \
        identity[3] == IGNORES_ARGUMENTS


# Where a random draw's shape is given: the ``size=`` keyword or this positional argument.
_SIZE_POSITION = {"random": 0, "random_sample": 0, "randint": 2, "uniform": 2, "normal": 2,
                  "choice": 1, "binomial": 2, "poisson": 1}


def drawn_shape(qualname: str, leaf: str, args, kwargs) -> tuple | None:
    """The literal shape of made-up data: ``np.random.randint(0, 3, size=(100,))``,
    ``np.random.rand(100, 1)``, ``np.zeros((100,))``, ``np.eye(100, 1)``,
    ``tf.random.uniform((100,))``; None when it is not written out. The arguments are
    ``analysis.values``' values, read by their fields (``Const.value``, ``Seq.items``): that
    module stands on a floor above this one."""
    if qualname in ("numpy.random.rand", "numpy.random.randn"):
        size = list(args) if args and not kwargs else None
    elif qualname.startswith("numpy.random.") and leaf in _SIZE_POSITION:
        position = _SIZE_POSITION[leaf]
        size = kwargs.get("size", args[position] if len(args) > position else None)
    elif qualname in ("numpy.zeros", "numpy.ones", "numpy.empty", "numpy.full"):
        size = kwargs.get("shape", args[0] if args else None)
    elif qualname == "numpy.eye" and len(args) >= 2:  # eye(24, 1): a column of 24 labels
        size = [args[0], args[1]]
    elif qualname.startswith("tensorflow.random.") and leaf in ("uniform", "normal"):
        size = kwargs.get("shape", args[0] if args else None)
    else:
        return None
    if type(getattr(size, "value", None)) is int:
        return (size.value,)
    items = size if isinstance(size, list) else getattr(size, "items", None) if getattr(
        size, "exact", False) else None
    if isinstance(items, list) and all(type(getattr(item, "value", None)) is int
                                       for item in items):
        return tuple(item.value for item in items)
    return None


def one_per_sample(shape: tuple | None) -> bool:
    return shape is not None and len(shape) >= 1 and shape[1:] in ((), (1,))


def zero_one_ids(rows) -> frozenset | None:
    """The class ids ``{0, 1}`` when typed-in rows are one column of 0s and 1s with both present
    (``[[0], [1], [1], [0]]``, ``[0, 1, 1, 0]``): the two class ids of a binary problem; else None.
    ``rows``: an exact ``Seq`` of values, read by their fields (``items``, ``exact``,
    ``Const.value``) as in :func:`drawn_shape`."""
    values = []
    for row in rows.items:
        items = getattr(row, "items", None) if getattr(row, "exact", False) else None
        if isinstance(items, list) and len(items) == 1:
            row = items[0]
        value = getattr(row, "value", None)
        if type(value) not in (int, float, bool) or value not in (0, 1):
            return None
        values.append(value)
    return frozenset((0, 1)) if len(values) >= 4 and 0 in values and 1 in values else None
