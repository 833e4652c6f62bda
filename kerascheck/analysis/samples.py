"""Rows drawn at random from a frame (``DataFrame.sample``) and rows dropped from it (KC505).

``frame.sample(frac=0.1)`` is a tenth of the frame's rows, drawn at random: other data than
the frame (its identity is ``(frame, "sample", share, call)``, ``share`` the expected part of
the frame's rows it holds), but rows *of* the frame. Any other subset of the frame picked
without looking at the sample (a row slice, a written mask, either half of a
``train_test_split``, another sample, the frame itself) shares about ``share`` of its rows
with it: a model trained on the sample and validated on such a subset is validated on rows it
trains on (:func:`shared_with_sample`).

``frame.drop(sample.index)`` is the rest of the rows, chosen *by* the sample: those rows are
apart from it, so a row drop is other data, never a subset known to overlap. A drop of
columns (``columns=``, ``axis=1``, literal labels) keeps the rows and the identity.

``sample(frac=1)``, a share that is not a literal, and ``sample(n)`` keep the identity as
before (a shuffle, or rows of a number the analysis does not know)."""

from __future__ import annotations

import math
import re

import libcst as cst

from kerascheck.analysis.overlap import _ANY_ROWS, _is_mask

SAMPLE = "sample"
ROW_DROP = "drop"
# subsets of a frame picked without looking at a sample of it: each shares the sample's rows
_INDEPENDENT = ("rows", SAMPLE, "split")
_COLUMN_AXES = (1, "columns")
# below one validation row in twenty seen in training, the score is barely moved: not judged
MIN_SHARE = 0.05


def _literal(value, const_type):
    return value.value if isinstance(value, const_type) else None


def sample(receiver, node: cst.Call, args, kwargs, const_type):
    """``frame.sample(frac=f)`` for a literal share below 1 (with ``replace=True`` any literal
    share): rows of the frame, other data than it. Anything else: the frame, as before."""
    share = _literal(kwargs.get("frac"), const_type)
    replace = kwargs.get("replace")
    if type(share) not in (int, float) or share <= 0 or args:
        return receiver
    replaced = replace is not None and _literal(replace, const_type) is not False
    if not replaced and share >= 1:
        return receiver  # every row, shuffled: the same data
    # drawn with replacement, a row is left out with probability about exp(-share)
    expected = 1 - math.exp(-share) if replaced else float(share)
    return receiver.derive(identity=(receiver.data.identity, SAMPLE, round(expected, 3),
                                     id(node)))


def drop(receiver, node: cst.Call, args, kwargs, const_type, seq_type, code_of):
    """``frame.drop(...)``: the frame's identity when columns are dropped (or in place), the
    remaining rows as other data when rows are (``frame.drop(train.index)``)."""
    axis = kwargs.get("axis", args[1] if len(args) > 1 else None)
    if "columns" in kwargs or "inplace" in kwargs or _literal(axis, const_type) in \
            _COLUMN_AXES or not args and "index" not in kwargs and "labels" not in kwargs:
        return receiver
    labels = args[0] if args else kwargs.get("index", kwargs.get("labels"))
    if axis is None and "index" not in kwargs and _labels_written(labels, const_type, seq_type):
        return receiver  # ``drop("target")``, ``drop(["a", "b"])``: column names as written
    if axis is not None and _literal(axis, const_type) not in (0, "index"):
        return receiver  # an axis the analysis does not know
    where = node.args[0].value if node.args else node
    return receiver.derive(identity=(receiver.data.identity, ROW_DROP, code_of(where)))


def _labels_written(labels, const_type, seq_type) -> bool:
    if isinstance(labels, const_type):
        return isinstance(labels.value, str)
    return isinstance(labels, seq_type) and bool(labels.items) and all(
        isinstance(item, const_type) and isinstance(item.value, str) for item in labels.items)


_STRING = re.compile(r"""^\s*[rbuRBU]?('[^']*'|"[^"]*")\s*$""")


def _columns_only(code: str) -> bool:
    """Whether a subscript keeps every row: a column label (``"text"``), a list of labels
    (``["text", "target"]``), or all rows and some columns (``:, 1:``)."""
    code = code.strip()
    if _STRING.match(code):
        return True
    if code.startswith("[") and code.endswith("]"):
        inner = [part for part in code[1:-1].split(",") if part.strip()]
        return bool(inner) and all(_STRING.match(part) for part in inner)
    head, comma, _ = code.partition(",")
    return bool(comma) and head.strip() == ":"


def _row_path(identity):
    """``(base, ops)``: the data an identity's rows were cut from and the row cuts on the way,
    first cut first. Column selections are passed through (they keep every row); a cut the
    analysis cannot read as rows ends the walk, becoming part of the base."""
    ops = []
    while isinstance(identity, tuple) and identity:
        if len(identity) == 3 and identity[1] == "slice" and isinstance(identity[2], str):
            if _columns_only(identity[2]):
                identity = identity[0]
                continue
            if _ANY_ROWS.match(identity[2].strip()) is None and not _is_mask(identity[2]):
                break
            ops.append(("rows", identity[2]))
        elif len(identity) == 3 and identity[1] in ("head", "tail", "take"):
            ops.append(("rows", identity[1], identity[2]))
        elif len(identity) == 4 and identity[1] == SAMPLE:
            ops.append((SAMPLE, identity[2], identity[3]))
        elif len(identity) == 5 and identity[0] == "split":
            ops.append(("split", identity[2], identity[3]))
            identity = identity[1]
            continue
        else:
            break
        identity = identity[0]
    return identity, ops[::-1]


def shared_with_sample(train, validation):
    """``(share, call id)`` when the training data is a random sample of a frame (then only
    columns of it) and the validation data is rows of that same frame picked without looking
    at the sample: about ``share`` of the validation rows are training rows (a share below
``MIN_SHARE`` is not judged). None otherwise."""
    base, trained = _row_path(train)
    if not trained or trained[-1][0] != SAMPLE:
        return None
    share, call = trained[-1][1], trained[-1][2]
    if share < MIN_SHARE:
        return None
    prefix = trained[:-1]
    other_base, validated = _row_path(validation)
    if other_base != base or validated[:len(prefix)] != prefix:
        return None
    rest = validated[len(prefix):]
    if any(op[0] not in _INDEPENDENT for op in rest) or rest and rest[0] == trained[-1]:
        return None  # (rows of the sample itself are a slice of the training data)
    return share, call
