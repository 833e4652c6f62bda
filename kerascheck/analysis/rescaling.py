"""Images scaled to [0, 1] twice (KC403).

``tf.io.decode_jpeg`` (``decode_png``, ``decode_image``, ``tf.image.decode_*``) gives 8-bit
pixels, 0 to 255, and ``tf.image.convert_image_dtype(pixels, tf.float32)`` turns 8-bit pixels
into floats in [0, 1] *by itself* (it divides by 255 when the input is an integer type). A
division by 255 of the converted image (``resized / 255.0``, ``image *= 1. / 255``) scales it a
second time, into [0, 1/255]: the model trained on images in [0, 1] is served or scored on
nearly black ones. Only that chain is followed: a cast to float before the conversion (then
``convert_image_dtype`` changes nothing and the division is the one scaling), a ``dtype=`` of
the decoder other than 8 bits, or a conversion to an integer type are left alone.

The decoded pixels are an image source of raw scale, as ``load_img`` and ``cv2.imread`` are
(RULES.md KC401): a decoded photo handed to ``predict()`` as it is, by a model trained on
pixels divided by 255, is KC403's raw test data.
"""

from __future__ import annotations

import libcst as cst

from kerascheck.analysis.syntax import literal_number
from kerascheck.facts import DataFact

# The values are ``analysis.values``' (``DataVal``, ``Const``, ``Ref``), read duck-typed so that
# this module stays on a floor below ``own_statistics``, which hands it every call and
# operation; ``make`` below is ``DataVal`` itself.

DECODERS = {f"tensorflow.{space}.decode_{kind}" for space in ("io", "image")
            for kind in ("jpeg", "png", "image", "bmp", "gif")}
FLOATS = ("float16", "float32", "float64", "bfloat16")
CASTS = {"tensorflow.cast", "tensorflow.dtypes.cast"}


def _tables(analyzer) -> tuple[set, set]:
    """The identities of decoded 8-bit images and of converted unit-range images
    (analysis/tables.py)."""
    return analyzer.tables.decoded_pixels, analyzer.tables.unit_range


def _data(value) -> DataFact | None:
    data = getattr(value, "data", None)
    return data if isinstance(data, DataFact) else None


def _is_float(dtype) -> bool:
    qualname = getattr(dtype, "qualname", None)
    if isinstance(qualname, str):  # tf.float32
        return qualname.rsplit(".", 1)[-1] in FLOATS
    return getattr(dtype, "value", None) in FLOATS  # "float32"


def call(analyzer, ref, node: cst.Call, args, kwargs, make):
    """The value of a decoder, of ``convert_image_dtype`` of decoded pixels and of a cast of
    them; None for any other call (the caller goes on as before)."""
    decoded, unit = _tables(analyzer)
    qualname = ref.qualname
    if qualname in DECODERS:
        if "dtype" in kwargs and not str(getattr(kwargs["dtype"], "qualname", "")).endswith(
                "uint8"):
            return None
        value = make(DataFact(source="images", identity=("value", id(node), "decoded"),
                              node=node))
        decoded.add(value.data.identity)
        return value
    image = args[0] if args else kwargs.get("image", kwargs.get("x"))
    if _data(image) is None or image.data.identity not in decoded:
        return None
    dtype = args[1] if len(args) > 1 else kwargs.get("dtype")
    if qualname == "tensorflow.image.convert_image_dtype":
        if not _is_float(dtype):
            return None
        value = image.derive(scaled=True, identity=("value", id(node), "unit range"), node=node)
        unit.add(value.data.identity)
        return value
    if qualname in CASTS:  # a float cast keeps 0-255: a later conversion changes nothing
        return image.derive(identity=("value", id(node), "cast"), node=node)
    return None


def binary(analyzer, left, right, operator, nodes, at) -> None:
    """``converted / 255``, ``converted * (1. / 255)``: a unit-range image scaled again."""
    unit = _tables(analyzer)[1]
    if _data(left) is None or left.data.identity not in unit:
        return
    number = literal_number(nodes[1]) if nodes[1] is not None else None
    if type(getattr(right, "value", None)) in (int, float) and _data(right) is None:
        number = float(right.value)  # a Const
    if number is None:
        return
    again = isinstance(operator, (cst.Divide, cst.DivideAssign)) and abs(number - 255) < 1 or \
        isinstance(operator, (cst.Multiply, cst.MultiplyAssign)) and \
        abs(number * 255 - 1) < 1e-2
    found = analyzer.rescaled_twice
    if again and all(node is not at for node in found):  # a helper run twice: one report
        found.append(at)
