"""What a dotted name means in Keras terms.

Every spelling of the Keras API (``tf.keras``, ``tensorflow.keras``, Keras 3's ``keras``,
legacy ``tf_keras``, private ``keras.src`` and Keras 2 ``keras.layers.core`` paths) is mapped to
one canonical name such as ``layers.Dense`` or ``losses.MeanSquaredError``, so rules compare
canonical names and never the bare text a user happened to type.

This module is hand-written rather than built on LibCST's ``QualifiedNameProvider``: that
provider runs full scope analysis, which costs about ten times the parse itself (issue 8's
measurement), while kerascheck only needs import aliases, which a single pass over the import
statements resolves.
"""

from __future__ import annotations

# Prefixes under which the Keras API lives, longest first so that ``tensorflow.keras`` wins over
# ``tensorflow``.
_KERAS_ROOTS = (
    "tensorflow.python.keras.",
    "tensorflow.compat.v2.keras.",
    "tensorflow.compat.v1.keras.",
    "tensorflow.keras.",
    "keras.api._v2.keras.",
    "keras.api.",
    "keras.src.",
    "tf_keras.src.",
    "tf_keras.",
    "keras.",
)

# Top-level conveniences of the Keras namespace.
_TOP_LEVEL = {
    "Sequential": "models.Sequential",
    "Model": "models.Model",
    "Input": "layers.Input",
    "InputLayer": "layers.InputLayer",
}

_ENGINE = {**_TOP_LEVEL, "Layer": "layers.Layer", "InputSpec": "layers.InputSpec"}

# Namespaces whose middle segments matter (``datasets.mnist.load_data``); in every other
# namespace only the first and last segments are kept (``layers.core.dense.Dense`` ->
# ``layers.Dense``), which is how Keras re-exports its private modules.
_KEEP_FULL_PATH = {"datasets", "applications"}

# The Keras names a snippet may use without importing them (RULES.md: "a name that is never
# bound in the file but is a well-known Keras name may be taken as Keras").
WELL_KNOWN_UNBOUND = {
    "Sequential": "models.Sequential",
    "Model": "models.Model",
    "Input": "layers.Input",
    "InputLayer": "layers.InputLayer",
    "Dense": "layers.Dense",
    "Conv1D": "layers.Conv1D",
    "Conv2D": "layers.Conv2D",
    "Conv3D": "layers.Conv3D",
    "MaxPooling1D": "layers.MaxPooling1D",
    "MaxPooling2D": "layers.MaxPooling2D",
    "MaxPool2D": "layers.MaxPool2D",
    "AveragePooling2D": "layers.AveragePooling2D",
    "GlobalAveragePooling2D": "layers.GlobalAveragePooling2D",
    "GlobalMaxPooling2D": "layers.GlobalMaxPooling2D",
    "Flatten": "layers.Flatten",
    "Dropout": "layers.Dropout",
    "BatchNormalization": "layers.BatchNormalization",
    "Activation": "layers.Activation",
    "Reshape": "layers.Reshape",
    "LSTM": "layers.LSTM",
    "GRU": "layers.GRU",
    "SimpleRNN": "layers.SimpleRNN",
    "Embedding": "layers.Embedding",
    "Rescaling": "layers.Rescaling",
    "Normalization": "layers.Normalization",
    "to_categorical": "utils.to_categorical",
    # the cross-entropies by their function names (``loss=[binary_crossentropy, "mse"]`` in a
    # notebook's loaded solution script); ``mean_squared_error`` is also scikit-learn's metric
    **{name: f"losses.{name}" for name in (
        "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy")},
}


# A snippet (a file with no import at all, RULES.md "Snippets") uses the tutorials' aliases
# unbound; they mean what they mean in every tutorial. A name the file binds never does.
SNIPPET_ALIASES = {
    "tf": "tensorflow", "keras": "tensorflow.keras", "layers": "tensorflow.keras.layers",
    "models": "tensorflow.keras.models", "optimizers": "tensorflow.keras.optimizers",
    "losses": "tensorflow.keras.losses", "np": "numpy", "pd": "pandas",
    **{name: f"tensorflow.keras.datasets.{name}" for name in (
        "mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters", "boston_housing")},
}


# The aliases that mean one library whatever else a file imports: ``tf.keras.layers.Dense``
# unbound in a notebook whose ``import tensorflow as tf`` cell was lost (Colab's
# ``%tensorflow_version`` notebooks) is TensorFlow's; the file's other imports change nothing.
UNAMBIGUOUS_ALIASES = {"tf": "tensorflow", "np": "numpy", "pd": "pandas"}


# TensorFlow 2's own aliases of Keras namespaces (``tf.losses`` is ``tf.keras.losses``, checked
# with TF 2.21): for class names only (``tf.losses.SparseCategoricalCrossentropy``), since
# TensorFlow 1's ``tf.losses`` and ``tf.metrics`` hold functions of their own
# (``tf.losses.softmax_cross_entropy``, ``tf.metrics.accuracy``). (Keras' table of exported
# names, analysis/keras_api.py, would be one import floor too many for this module.)
_TF_ALIASES = ("losses", "optimizers", "metrics", "initializers")


def _tf_alias(qualname: str) -> str | None:
    if not qualname.startswith("tensorflow."):
        return None
    namespace, _, name = qualname[len("tensorflow."):].partition(".")
    if namespace not in _TF_ALIASES or not name[:1].isupper() or "." in name:
        return None
    return f"{namespace}.{name}"


def canonical(qualname: str) -> str | None:
    """Return the canonical Keras name of a fully qualified dotted name, or None.

    >>> canonical("tensorflow.keras.layers.Dense")
    'layers.Dense'
    >>> canonical("keras.src.layers.core.dense.Dense")
    'layers.Dense'
    >>> canonical("keras.datasets.mnist.load_data")
    'datasets.mnist.load_data'
    >>> canonical("numpy.array") is None
    True
    """
    if qualname.startswith("keras_preprocessing."):
        # the package Keras 2's keras.preprocessing re-exported (``keras_preprocessing.image``)
        return canonical("keras.preprocessing." + qualname[len("keras_preprocessing."):])
    for root in _KERAS_ROOTS:
        if qualname.startswith(root):
            rest = qualname[len(root):]
            break
    else:
        if qualname in ("keras", "tensorflow.keras", "tf_keras"):
            return ""
        return _tf_alias(qualname)
    parts = rest.split(".")
    if len(parts) == 1:
        return _TOP_LEVEL.get(parts[0], parts[0])
    if parts[0] in _KEEP_FULL_PATH:
        return rest
    if parts[0] == "engine" and parts[-1] in _ENGINE:
        # Keras 2's private ``keras.engine`` (``from keras.engine import Model``, ``.topology``,
        # ``.training``): the public classes it held
        return _ENGINE[parts[-1]]
    if parts[0] == "objectives":  # Keras 1's name of keras.losses (an alias up to Keras 2.3)
        return f"losses.{parts[-1]}"
    if parts[0] == "preprocessing" and len(parts) > 2:
        # keras.preprocessing.image.load_img -> preprocessing.image.load_img
        return rest
    return f"{parts[0]}.{parts[-1]}"


def is_keras_path(qualname: str) -> bool:
    """Whether the dotted name lies inside any spelling of the Keras API."""
    return canonical(qualname) is not None
