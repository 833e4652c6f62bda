"""Labels typed in as list arithmetic of literal class ids.

``np.array([0] * 1000 + [1] * 1000)`` labels data read in order, one class after another (the
images of a ``cats`` folder, then a ``dogs`` folder, read with ``shuffle=False``): the list
repeats literal integers by a count and joins the repetitions, so its values are those
integers and nothing else. With two or more distinct ids it is integer class labels, of
``n`` classes when the ids are ``0 .. n - 1``; the output rules judge the model against them.

One repeated id alone (``[1] * batch``, a GAN's "real" targets) and typed-in rows without a
repetition (``[0, 1, 1, 0]``, XOR's targets, which a linear output with MSE fits as a
regression demonstration) are not read as class ids here. A repetition by an array
(``[0, 1] * x`` broadcasts) is not a repetition.

The value classes of :mod:`kerascheck.analysis.values` are passed in (``kinds``: ``Const``,
``Seq``, ``DataVal``, ``UnknownVal``), as :mod:`kerascheck.analysis.generators` takes them, so
that this module stays on the floor of the facts it makes.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from kerascheck.facts import DataFact


@dataclass(eq=False)
class RepeatedIds:
    """A Python list of literal integers repeated by a count, or joined with such lists (an
    abstract value of the interpreter, as those of :mod:`kerascheck.analysis.values`)."""

    ids: frozenset


def _literal_ids(value, kinds) -> frozenset | None:
    """The integers of a typed-in list of non-negative integers (``[0]``, ``[0, 1]``)."""
    const, seq = kinds[0], kinds[1]
    if not isinstance(value, seq) or not value.exact or not value.items:
        return None
    if not all(isinstance(item, const) and type(item.value) is int and item.value >= 0
               for item in value.items):
        return None
    return frozenset(item.value for item in value.items)


def _is_count(value, kinds) -> bool:
    """An integer or a number the analysis does not know (``int(n / 2)``, ``len(files)``);
    not an array, whose product with a list broadcasts."""
    const, _, data, unknown = kinds
    if isinstance(value, const):
        return type(value.value) is int and value.value > 0
    return isinstance(value, unknown) or (
        isinstance(value, data) and value.data.identity[:1] == ("value",) and
        value.data.source is None and not (value.data.is_dataset or value.data.synthetic))


def repeated(left, right, operator, kinds) -> RepeatedIds | None:
    """``[0] * n``, ``n * [0]``, and ``+`` (``+=``) of such lists with each other or a typed-in
    list."""
    if isinstance(operator, (cst.Multiply, cst.MultiplyAssign)):
        for items, count in ((left, right), (right, left)):
            ids = _literal_ids(items, kinds)
            if ids is not None and _is_count(count, kinds):
                return RepeatedIds(ids)
        return None
    if isinstance(operator, (cst.Add, cst.AddAssign)) and \
            RepeatedIds in (type(left), type(right)):
        parts = [value.ids if isinstance(value, RepeatedIds) else _literal_ids(value, kinds)
                 for value in (left, right)]
        if None not in parts:
            return RepeatedIds(parts[0] | parts[1])
    return None


def class_ids(value, node) -> DataFact | None:
    """Integer class labels read off repeated literal ids (``np.array(...)`` of them)."""
    if not isinstance(value, RepeatedIds) or len(value.ids) < 2:
        return None
    count = len(value.ids) if value.ids == frozenset(range(len(value.ids))) else None
    return DataFact(int_labels=True, classes=count, identity=("value", id(node)), node=node,
                    typed_ids=value.ids)
