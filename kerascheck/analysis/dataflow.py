"""Where data comes from and what is done to it on its way to ``fit``.

Each array or dataset the analysis follows is a :class:`~kerascheck.analysis.values.DataVal` holding a
:class:`~kerascheck.facts.DataFact`: its raw source (a ``keras.datasets`` pixel set, an image or
CSV loader), whether anything scaled it, whether labels are one-hot or integer classes, and an
identity that tells the same data (``x_train``, ``x_train.reshape(...)``, ``x_train / 255``)
from other data (``x_test``, ``x[800:]``, the test half of ``train_test_split``).

Any call the analysis cannot see into might scale its input, so its result has no known source:
rules stay silent on it (RULES.md KC401).
"""

from __future__ import annotations

import posixpath as _os_path
from dataclasses import replace
from typing import TYPE_CHECKING

import libcst as cst
import libcst.matchers as m

from kerascheck.analysis import (archives, downloads, generators, literal_labels, origins,
                                 preprocessors, samples, splits, syntax, tfds_loads)
from kerascheck.analysis.data_methods import (
    DATASET_LOADERS, LOADERS_OF_UNKNOWN_SCALE, NUMPY_PRESERVING, OPAQUE_TRANSFORMS,
    PRESERVING_ATTRIBUTES, PRESERVING_METHODS, RAW_LOADERS, SELECTING_METHODS, TF_PRESERVING,
    TF_SCALING,
)
from kerascheck.analysis.values import UNKNOWN_VALUE, Const, DataVal, Instance, Ref, Seq, Value
from kerascheck.facts import DataFact, EvaluationFact

if TYPE_CHECKING:
    from kerascheck.analysis.interface import Interpreter

VALUE_KINDS = (Const, Seq, DataVal, type(UNKNOWN_VALUE))  # for analysis/literal_labels.py


def _fresh(node, *tag) -> DataVal:
    return DataVal(DataFact(identity=("value", id(node), *tag), node=node))


def binary(left: Value, right: Value, operator, nodes=(None, None)) -> Value:
    """Arithmetic on data scales it (``/ 255``, ``(x - mean) / std``). ``nodes``: the operands'
    expressions, when written out (``1. / 255`` is a number the values do not fold)."""
    if (ids := literal_labels.repeated(left, right, operator, VALUE_KINDS)) is not None:
        return ids  # [0] * n + [1] * n: class ids typed in
    data = left if isinstance(left, DataVal) else right if isinstance(right, DataVal) else None
    if data is None:
        return UNKNOWN_VALUE
    return data.derive(scaled=True, factor=_factor(data, left, right, operator, nodes))


def _number(value: Value, node) -> float | None:
    if isinstance(value, Const) and type(value.value) in (int, float):
        return float(value.value)
    return origins.literal_number(node) if node is not None else None


def _factor(data: DataVal, left: Value, right: Value, operator, nodes) -> float | None:
    """The constant raw pixels are multiplied by after ``left <operator> right`` (KC403 compares
    the training data's with the test data's): pixels (0-255) times or divided by a number, once
    or again; None for anything else (``x - 127.5``, ``255 / x``, ``x / std``)."""
    fact = data.data
    if fact.source not in ("pixels", "images"):
        return None
    start = fact.factor if fact.scaled else 1.0
    if start is None:
        return None
    if isinstance(operator, (cst.Divide, cst.DivideAssign)) and left is data:
        number = _number(right, nodes[1])
        return start / number if number else None
    if isinstance(operator, (cst.Multiply, cst.MultiplyAssign)):
        number = _number(right, nodes[1]) if left is data else _number(left, nodes[0])
        return start * number if number else None
    return None


def part(value: DataVal, index: int) -> DataVal:
    """``a, b = value`` for a value the analysis sees as one opaque piece of data."""
    return DataVal(DataFact(identity=(value.data.identity, "part", index)))


def attribute(value: DataVal, name: str) -> Value:
    if name in PRESERVING_ATTRIBUTES:
        return value
    if name in ("iloc", "loc"):
        return value
    return DataVal(DataFact(identity=(value.data.identity, "attr", name)))


def subscript(value: DataVal, node: cst.Subscript, indices, analyzer: "Interpreter") -> Value:
    """``x[:800]`` and ``x[800:]`` (``iloc[:n, 0:k]``, ``iloc[n:, 0:k]``) are different data;
    ``x[..., None]`` is the same; ``x[test]`` by a fold's indices is that fold."""
    code = ", ".join(analyzer.module.code_for_node(element.slice) for element in node.slice)
    if code.replace(" ", "") in ("...,None", "...,np.newaxis", ":,:,None", ":"):
        return value
    data = value.data
    if data.is_dataset:
        return value
    fold = splits.fold_part(value, indices)
    if fold is not None:
        return fold
    preprocessors.record_row_cut(analyzer, value, node)
    if code.strip()[:1] in ("'", '"'):  # df["price"]: one column, not a one-hot matrix
        return value.derive(identity=(data.identity, "slice", code), one_hot=False)
    # a subset of integer labels may miss classes; rows of one-hot labels keep their columns
    classes = data.classes if data.one_hot and "," not in code and code != "multi" else None
    return value.derive(identity=(data.identity, "slice", code), classes=classes)


def _first(args, kwargs, *names) -> Value:
    if args:
        return args[0]
    return next((kwargs[name] for name in names if name in kwargs), UNKNOWN_VALUE)


def call_ref(ref: Ref, node: cst.Call, args, kwargs, star, analyzer: "Interpreter") -> Value | None:
    """The value of calling a known library function, or None if it is not one we follow."""
    keras_name = ref.keras
    qualname = ref.qualname
    leaf = qualname.rsplit(".", 1)[-1]
    if keras_name is not None:
        if keras_name.startswith("datasets.") and keras_name.endswith(".load_data"):
            return _load_dataset(keras_name.split(".")[1], node)
        if keras_name in ("utils.to_categorical", "utils.np_utils.to_categorical"):
            return _one_hot(_first(args, kwargs, "y", "x"), node,
                            kwargs.get("num_classes", args[1] if len(args) > 1 else None))
        if keras_name in origins.KERAS_DRAWS:  # keras.random.normal(...), keras.ops.ones(...)
            return DataVal(DataFact(synthetic=True, identity=("value", id(node)), node=node))
        if leaf in ("image_dataset_from_directory", "text_dataset_from_directory",
                    "timeseries_dataset_from_array"):
            if leaf != "image_dataset_from_directory":
                return DataVal(DataFact(is_dataset=True, identity=("load", id(node)), node=node))
            mode = kwargs.get("label_mode")
            mode_value = mode.value if isinstance(mode, Const) else ("int" if mode is None else None)
            labels = DataFact(int_labels=mode_value == "int", one_hot=mode_value == "categorical",
                              single_label=mode_value == "categorical",
                              identity=("labels", id(node)))
            if "labels" in kwargs and not (isinstance(kwargs["labels"], Const) and
                                           kwargs["labels"].value == "inferred"):
                labels = None  # labels=None (no labels) or a list of the user's own labels
            return DataVal(DataFact(source="images", is_dataset=True, labels=labels, node=node,
                                    identity=archives.folder_identity(
                                        analyzer, args, kwargs, "validation_split" not in kwargs)
                                    or ("load", id(node))))
        if leaf in DATASET_LOADERS:
            return DataVal(DataFact(is_dataset=True, identity=("load", id(node)), node=node))
        if leaf == "ImageDataGenerator" or preprocessors.is_preprocessor(qualname, keras_name):
            return Instance(qualname, kwargs, star, node)
        if leaf == "pad_sequences":
            return _preserve(_first(args, kwargs, "sequences"), node)
        if leaf == "get_file":  # the cache entry it hands back (a reused name: the first file)
            return downloads.cached_file(args, kwargs, node, Const, DataVal, DataFact)
        if leaf == "load_img":
            return DataVal(DataFact(source="images", identity=("load", id(node)), node=node))
        if leaf in ("img_to_array", "array_to_img"):
            return _preserve(_first(args, kwargs, "img", "x"), node)
        if leaf in ("normalize", "preprocess_input", "standardize"):
            return _scaled(_first(args, kwargs, "x"), node)
        if keras_name.startswith(("losses.", "metrics.", "optimizers.", "callbacks.",
                                  "initializers.", "regularizers.", "schedules.",
                                  "optimizers.schedules.")) and leaf[:1].isupper():
            return Instance(qualname, kwargs, star, node)
        return None
    root = qualname.split(".")[0]
    if preprocessors.is_preprocessor(qualname, None):
        return Instance(qualname, kwargs, star, node)
    if preprocessors.is_composite(qualname):  # a ColumnTransformer or Pipeline of preprocessors
        learns = preprocessors.learns_statistics(qualname, args, kwargs, Seq, Instance, Const)
        return Instance(qualname, kwargs, star, node, learns=True) if learns else None
    if origins.is_synthetic_source(qualname, leaf):
        made_up = [DataVal(fact) for fact in origins.synthetic_facts(qualname, node)]
        if len(made_up) == 1 and origins.one_per_sample(
                origins.drawn_shape(qualname, leaf, args, kwargs)):
            made_up[0] = made_up[0].derive(one_per_sample=True)
        return made_up[0] if len(made_up) == 1 else Seq(made_up)
    if qualname == "numpy.delete" and len(args) >= 2 and isinstance(args[0], DataVal) and \
            isinstance(rows := node.args[1].value, cst.Name) and _axis_zero(args, kwargs):
        # np.delete(x, rows, 0): the rows x[rows] does not pick, a part of x (KC402, KC505)
        preprocessors.record_row_cut(analyzer, args[0], node, ("rest", rows.value))
        return args[0].derive(identity=(args[0].data.identity, "slice", f"delete {rows.value}"))
    if root in ("numpy", "tensorflow") and any(
            isinstance(v, DataVal) and v.data.synthetic for v in [*args, *kwargs.values()]):
        return DataVal(DataFact(synthetic=True, identity=("value", id(node)), node=node,
                                continuous=leaf in origins.REAL_VALUED))
    if (archive := archives.opened(qualname, args, kwargs)) is not None:
        return Instance(qualname, {"file": Const(archive)}, star, node)
    archives.touched(analyzer, qualname, args, kwargs)  # shutil.copy(...): folders changed
    if qualname in origins.FILE_LISTINGS:  # the names of files on disk: loaded, not made up
        return DataVal(DataFact(identity=("load", id(node)), node=node))
    if qualname == "os.path.join" and args and all(
            isinstance(v, Const) and type(v.value) is str for v in args):
        return Const(_os_path.join(*(v.value for v in args)))  # the table's name (KC401)
    if qualname in RAW_LOADERS or qualname in LOADERS_OF_UNKNOWN_SCALE:
        location = args[0].value if args and isinstance(args[0], Const) else None
        source = origins.loaded_source(RAW_LOADERS.get(qualname), node, analyzer.module,
                                       analyzer.scales_itself, location)
        if source == "tabular" and origins.written_here(analyzer.tables, analyzer.module, node):
            source = None  # a table the file wrote (``df.to_csv(...)``): of unknown scale
        identity = downloads.read_identity(node, args, DataVal, analyzer.module)
        return DataVal(DataFact(source=source, node=node, identity=identity or (
            "load", id(node), *preprocessors.loaded_tag(node))))
    if qualname in TF_SCALING:
        return _scaled(_first(args, kwargs, "image", "x"), node)
    if qualname == "tensorflow_datasets.load":
        return tfds_loads.load(args, kwargs, node, DataVal, Seq, Const)
    if leaf == "argmax" and root in ("numpy", "tensorflow"):
        return _argmax(_first(args, kwargs, "a", "input"))
    if root == "numpy" and (joined := splits.joined(leaf, args, node, _preserve)) is not None:
        return joined  # np.vstack([x]): x itself; np.concatenate([x[:a], x[b:]]): those rows
    if root == "numpy" and leaf in NUMPY_PRESERVING:
        return _preserve(_first(args, kwargs, "a", "object"), node)
    if root == "tensorflow":
        if leaf in TF_PRESERVING and qualname.count(".") == 1:
            return _preserve(_first(args, kwargs, "x", "value", "input"), node)
        if qualname in ("tensorflow.one_hot", "tensorflow.keras.backend.one_hot"):
            return _one_hot(_first(args, kwargs, "indices"), node,
                            kwargs.get("depth", args[1] if len(args) > 1 else None))
        if qualname.startswith("tensorflow.data.Dataset.from_tensor"):
            return _dataset(_first(args, kwargs, "tensors"), node)
        if qualname.startswith("tensorflow.data.") and leaf[:1] != "A":  # not AUTOTUNE
            files = _first(args, kwargs, "file_pattern", "filenames")
            if leaf in origins.FILE_DATASETS and isinstance(files, DataVal):
                # list_files(train_files): their data; files[n:] for validation is a part (KC505)
                return files.derive(is_dataset=True, source=None, node=node)
            kind = "load" if leaf in origins.FILE_DATASETS else "value"  # read from files
            identity = generators.yielded_by(leaf, args, kwargs, Const, (DataVal, Instance))
            return DataVal(DataFact(is_dataset=True, identity=identity or (kind, id(node)), node=node))
        if qualname == "tensorflow.image.resize":
            return _preserve(_first(args, kwargs, "images"), node)
    if qualname == "pandas.get_dummies":
        if "columns" in kwargs:  # dummies of some feature columns: features, not one-hot labels
            return _preserve(_first(args, kwargs, "data"), node)
        # (a table's dummies keep its numeric columns as they were: raw stays raw, KC401)
        return _one_hot(_first(args, kwargs, "data"), node, single_label=_one_column(node, kwargs))
    if qualname == "pandas.concat" and getattr(kwargs.get("axis", Const(0)), "value", None) in (
            0, "index"):
        return splits.joined("concatenate", args, node, _preserve)  # the rows of every frame
    if qualname in ("pandas.DataFrame", "pandas.Series"):
        return _preserve(_first(args, kwargs, "data"), node)
    if root == "sklearn":
        if leaf == "train_test_split":
            return _split(args, node, analyzer)
        if leaf in splits.FOLD_SPLITTERS:
            return Instance(qualname, kwargs, star, node)
        if qualname.startswith("sklearn.metrics."):
            _record_metric(args, kwargs, node)
            return UNKNOWN_VALUE
    return None


def method(receiver: Value, name: str, node: cst.Call, args, kwargs,
           analyzer: "Interpreter") -> Value | None:
    """A method call on data or on a fitted transformer (scaler, encoder)."""
    if isinstance(receiver, Instance):
        return _instance_method(receiver, name, node, args, kwargs, analyzer)
    assert isinstance(receiver, DataVal)
    data = receiver.data
    if name == "argmax":
        return _argmax(receiver)
    if (rows_of_both := splits.dataset_concatenate(receiver, name, args, node)) is not None:
        return rows_of_both  # train_ds.concatenate(more_ds)
    if name in ("sample", "drop") and not data.is_dataset:  # rows drawn or dropped (KC505)
        return samples.sample(receiver, node, args, kwargs, Const) if name == "sample" else \
            samples.drop(receiver, node, args, kwargs, Const, Seq, analyzer.module.code_for_node)
    if name in PRESERVING_METHODS:
        return receiver
    if name in SELECTING_METHODS:
        code = analyzer.module.code_for_node(node.args[0]) if node.args else ""
        if name == "pop":  # one column of a frame is not a one-hot matrix
            return receiver.derive(identity=(data.identity, name, code), one_hot=False)
        return receiver.derive(identity=(data.identity, name, code))
    if name == "transform" and args and isinstance(args[0], DataVal):
        argument = args[0]  # ``column_transformer.transform(x_test)``: the argument, changed
        return argument.derive(identity=(argument.data.identity, name, data.identity),
                               scaled=True, source=None, labels=None, one_hot=False,
                               int_labels=False)
    mapped = (getattr(args[0] if args else None, "node", None) or node.args[0].value) \
        if name == "map" and node.args else None  # the mapped function: its definition
    if mapped is not None and origins.cuts_targets_from_inputs(mapped):
        return receiver.derive(self_supervised=True, labels=None, identity=(data.identity, name))
    if name == "map" and data.is_dataset and data.source is not None and node.args and \
            origins.map_rescales(node.args[0].value, analyzer.module):
        # ``ds.map(lambda x, y: (rescale(x), y))``: the same images, rescaled (KC403 compares),
        # and the same labels when the function visibly returns them as they came (KC306)
        return receiver.derive(scaled=True, one_hot=False, int_labels=False,
                               labels=origins.mapped_labels(name, mapped, data, analyzer.module))
    if name in OPAQUE_TRANSFORMS:
        # ``ds.map(lambda x, y: (x / 255, tf.one_hot(y, 10)))`` may change the labels too
        return receiver.derive(scaled=True, source=None, one_hot=False, int_labels=False,
                               labels=origins.mapped_labels(name, mapped, data, analyzer.module))
    if name in ("mean", "std", "max", "min", "var", "median", "sum"):
        return _fresh(node, "statistic")
    if data.synthetic:  # rng.normal(size=...), noise.reshape(...): still made up
        return DataVal(DataFact(synthetic=True, identity=("value", id(node)), node=node))
    return _fresh(node)


def _instance_method(instance: Instance, name: str, node, args, kwargs,
                     analyzer: "Interpreter") -> Value | None:
    data_arg = _first(args, kwargs, "X", "x", "y")
    leaf = instance.class_name
    if instance.qualname in archives.OPENERS:  # ``zipfile.ZipFile(name).extractall(folder)``
        return archives.extracted(analyzer, instance.kwargs["file"].value, name, args, kwargs)
    if leaf == "ImageDataGenerator":
        if not name.startswith("flow"):
            return None
        if name == "flow" and isinstance(data_arg, DataVal):  # flow(x_train, y_train)
            labels = args[1] if len(args) > 1 else kwargs.get("y")
            return DataVal(origins.array_flow(instance, data_arg.data, getattr(
                labels, "data", None), node))
        fact, whole = origins.generator_flow(instance, name, kwargs, node), "validation_split" \
            not in instance.kwargs and name == "flow_from_directory"
        identity = archives.folder_identity(analyzer, args, kwargs, whole)  # (one download)
        return DataVal(replace(fact, identity=identity) if identity else fact)
    if leaf in splits.FOLD_SPLITTERS:
        return Instance(f"{instance.qualname}.split", instance.kwargs, node=node) \
            if name == "split" else None
    if name in ("fit", "fit_transform", "partial_fit", "adapt", "fit_on_texts"):
        preprocessors.record_statistics_fit(analyzer, instance, data_arg, node)
        preprocessors.record_fit(instance, data_arg)
    if name in ("texts_to_sequences", "texts_to_matrix", "sequences_to_matrix"):
        # the same texts, now token ids: their identity is kept so a later split is seen
        if isinstance(data_arg, DataVal):
            return data_arg.derive(source=None, node=node)
        return _fresh(node)
    if name in ("transform", "fit_transform"):
        if not isinstance(data_arg, DataVal):
            return _fresh(node)
        if leaf in preprocessors.ONE_HOT_ENCODERS:
            # one class per sample (KC301): LabelBinarizer's 1-D labels, or one visible column
            single = leaf == "LabelBinarizer" or leaf == "OneHotEncoder" and any(
                syntax.is_one_column(n) for n in (node.args[0].value if node.args else None,
                                              data_arg.data.node))
            return data_arg.derive(one_hot=True, int_labels=False, node=node, single_label=single)
        if leaf == "LabelEncoder":
            return data_arg.derive(int_labels=True, node=node)
        if leaf in preprocessors.IMPUTERS:  # missing values filled in: the scale is what it was
            return data_arg.derive(fitted_on=tuple(instance.fitted_on), node=node)
        return data_arg.derive(scaled=True, fitted_on=tuple(instance.fitted_on), node=node)
    if name in ("fit", "partial_fit", "fit_on_texts"):
        return instance if name != "fit_on_texts" else UNKNOWN_VALUE
    return None


def _record_metric(args, kwargs, node) -> None:
    """``accuracy_score(y, model.predict(x))``: an evaluation of that model on ``x``."""
    for value in [*args, *kwargs.values()]:
        if isinstance(value, DataVal) and value.data.predicted_by is not None:
            model, identity = value.data.predicted_by
            model.evaluations.append(EvaluationFact(
                x=DataFact(identity=identity), node=node, method="metric"))


def _load_dataset(name: str, node) -> Value:
    if name in origins.PIXEL_DATASETS:
        source = "pixels"
    elif name in origins.TABULAR_DATASETS:
        source = "tabular"
    elif name in origins.TOKEN_DATASETS:
        source = "tokens"
    else:
        source = None
    halves = []
    for half in ("train", "test"):
        x = DataFact(source=source, identity=("load", id(node), half, "x"), node=node)
        y = DataFact(int_labels=name in origins.CLASSIFICATION_DATASETS,
                     continuous=name in origins.TABULAR_DATASETS,  # house prices
                     identity=("load", id(node), half, "y"), node=node,
                     classes=origins.DATASET_CLASSES.get(name))
        halves.append(Seq([DataVal(x), DataVal(y)]))
    return Seq(halves)


def _one_hot(value: Value, node, classes: Value | None = None, single_label=True) -> Value:
    """One-hot labels of ``classes`` classes when literal, of what the labels knew when absent."""
    count = classes.value if isinstance(classes, Const) and type(classes.value) is int else None
    if isinstance(value, DataVal):
        count = value.data.classes if classes is None else count
        return value.derive(one_hot=True, int_labels=False, node=node, classes=count,
                            single_label=single_label)
    return DataVal(DataFact(one_hot=True, identity=("value", id(node)), node=node,
                            classes=count, single_label=single_label))


def _axis_zero(args, kwargs) -> bool:
    return getattr(kwargs.get("axis", args[2] if len(args) > 2 else None), "value", None) == 0


def _one_column(node, kwargs) -> bool:
    """Whether ``pd.get_dummies`` is given one column, ``frame["species"]``: one class per row
    (a frame of several columns is one-hot per column; ``drop_first`` leaves rows of zeros)."""
    first = node.args[0].value if isinstance(node, cst.Call) and node.args and \
        node.args[0].keyword is None else None
    return first is not None and "drop_first" not in kwargs and m.matches(first, m.Subscript(
        slice=[m.SubscriptElement(slice=m.Index(value=m.SimpleString()))]))


def _preserve(value: Value, node) -> Value:
    if (ids := literal_labels.class_ids(value, node)) is not None:
        return DataVal(ids)  # np.array([0] * n + [1] * n)
    if isinstance(value, DataVal):
        return value
    if isinstance(value, Seq) and value.exact:  # np.array([[0, 1], [1, 0]]): typed-in rows
        return DataVal(DataFact(synthetic=True, identity=("value", id(node)), node=node,
                                typed_ids=origins.zero_one_ids(value)))
    return _fresh(node)


def _scaled(value: Value, node) -> Value:
    if isinstance(value, DataVal):
        return value.derive(scaled=True)
    return DataVal(DataFact(scaled=True, identity=("value", id(node)), node=node))


def _dataset(value: Value, node) -> Value:
    features = value
    labels = None
    if isinstance(value, Seq) and value.exact and len(value.items) == 2:
        features, label_value = value.items
        if isinstance(label_value, DataVal):
            labels = label_value.data
    if isinstance(features, DataVal):
        return features.derive(is_dataset=True, labels=labels)
    return DataVal(DataFact(is_dataset=True, labels=labels, identity=("value", id(node)),
                            node=node))


def _argmax(value: Value) -> Value:
    """``np.argmax(y_onehot, axis=1)``: class indices, no longer one-hot."""
    if not isinstance(value, DataVal):
        return UNKNOWN_VALUE
    return value.derive(one_hot=False, int_labels=value.data.one_hot or value.data.int_labels,
                        source=None)


def _split(arrays, node, analyzer: "Interpreter | None" = None) -> Value:
    """``train_test_split(X, y)`` -> X_train, X_test, y_train, y_test."""
    if analyzer is not None:
        preprocessors.mark_split_after_fit(arrays, node, analyzer)
    parts = []
    for index, array in enumerate(arrays):
        for half in ("train", "test"):
            if isinstance(array, DataVal):
                parts.append(array.derive(identity=("split", array.data.identity, half,
                                                    id(node), index)))
            else:
                parts.append(DataVal(DataFact(identity=("split", id(node), index, half))))
    return Seq(parts)
