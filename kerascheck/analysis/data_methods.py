"""The names data flows through on its way to ``fit`` (analysis/dataflow.py): the methods that
keep data as it is, select part of it or transform it unseen, the NumPy and TensorFlow calls that
keep or scale it, and the loaders whose output has a known raw scale."""

# Methods that return the same data, in the same scale.
PRESERVING_METHODS = {
    "astype", "reshape", "copy", "to_numpy", "squeeze", "flatten", "ravel", "transpose", "clip",
    "fillna", "dropna", "drop", "sample", "argmax", "round", "numpy", "batch", "shuffle",
    "prefetch", "cache", "repeat", "unbatch", "with_options", "padded_batch", "rebatch", "tolist",
    "swapaxes", "view", "expand_dims", "as_numpy_iterator", "infer_objects", "convert_dtypes",
    "rename", "reset_index", "set_index", "sort_index", "to_frame", "reindex", "sort_values",
    "to_list", "as_matrix",  # (as_matrix: pandas < 1.0; drop, sample of frames: samples.py)
}
# Methods that select part of the data: the result is other data than the rest.
SELECTING_METHODS = {"take", "skip", "shard", "head", "tail", "pop", "filter", "query", "nlargest",
                     "nsmallest"}
# Methods that may transform values in ways the analysis cannot see.
OPAQUE_TRANSFORMS = {"map", "apply", "applymap", "transform", "pipe", "replace", "interleave",
                     "flat_map"}
PRESERVING_ATTRIBUTES = {"values", "T", "data"}

NUMPY_PRESERVING = {"array", "asarray", "asanyarray", "float32", "float64", "expand_dims",
                    "reshape", "squeeze", "argmax", "ravel", "copy", "ascontiguousarray",
                    "atleast_2d", "transpose", "round"}
TF_PRESERVING = {"cast", "reshape", "expand_dims", "constant", "convert_to_tensor", "squeeze",
                 "argmax", "transpose", "identity", "round"}
TF_SCALING = {"tensorflow.image.convert_image_dtype", "tensorflow.image.per_image_standardization",
              "tensorflow.math.l2_normalize", "tensorflow.nn.l2_normalize",
              "tensorflow.linalg.normalize"}
RAW_LOADERS = {
    "numpy.loadtxt": "tabular", "numpy.genfromtxt": "tabular",
    "pandas.read_csv": "tabular", "pandas.read_excel": "tabular", "pandas.read_table": "tabular",
    "cv2.imread": "images", "PIL.Image.open": "images", "imageio.imread": "images",
    "imageio.v2.imread": "images", "imageio.v3.imread": "images", "skimage.io.imread": "images",
    "matplotlib.pyplot.imread": None,  # returns floats in [0, 1] for PNGs: not raw
}
# Loaders of stored arrays and frames: loaded data (not made up), of a scale nobody can tell.
LOADERS_OF_UNKNOWN_SCALE = {"numpy.load", "scipy.io.loadmat", "pandas.read_pickle",
                            "pandas.read_parquet", "pandas.read_hdf", "pandas.read_feather"}
# Keras and tf.data loaders that make datasets (iterators of batches, KC503).
DATASET_LOADERS = {"text_dataset_from_directory", "timeseries_dataset_from_array",
                   "audio_dataset_from_directory"}
