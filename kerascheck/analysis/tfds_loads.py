"""TensorFlow Datasets' ``tfds.load(name, split=...)``: a real dataset, told apart by its name
and its split *including the split's slices* (RULES.md "Data is identified by where it came
from including the arguments").

- ``split="train"``: the dataset ``("tfds", name, "train")``; ``"train[:10%]"`` is a slice of
  it, as ``x_train[:100]`` is of ``x_train`` (analysis/validation_rows.py), so two different
  slices of one split are two data and a slice is part of its whole split;
- ``split="train+test"``: the rows of both, ``("concat", (train, test))`` as for
  ``np.concatenate`` (analysis/splits.py), so the test split is part of it;
- ``split=["train", "test"]``: one dataset per split; ``with_info=True``: ``(data, info)``.
- The image sets below hold raw pixels (``uint8`` in 0-255, as ``keras.datasets``' arrays
  do: KC401), and with ``as_supervised=True`` their labels are integer class ids of the
  number of classes given (KC306, KC308).

A split that is not written out as literal strings (a variable, ``tfds.Split.TRAIN``,
``tfds.load(name)`` with no split, which gives a dict of every split) is not followed: the
call stays an unknown value, as before. Hand-written: TFDS publishes no table of its split
syntax to import without importing TensorFlow Datasets itself.
"""

from __future__ import annotations

import re

from kerascheck.facts import DataFact

# Image classification sets of the TFDS catalog (https://www.tensorflow.org/datasets/catalog)
# whose "image" feature is uint8 pixels, with the number of classes of their "label" feature.
PIXEL_SETS = {
    "mnist": 10, "fashion_mnist": 10, "kmnist": 10, "cifar10": 10, "cifar100": 100,
    "svhn_cropped": 10, "horses_or_humans": 2, "rock_paper_scissors": 3, "cats_vs_dogs": 2,
    "tf_flowers": 5, "beans": 3, "food101": 101, "oxford_flowers102": 102, "malaria": 2,
}
# Text classification sets: their labels are class ids too (their texts are strings: no scale).
TEXT_SETS = {"imdb_reviews": 2, "ag_news_subset": 4}

_PART = re.compile(r"^(\w+)(\[[^\]]*\])?$")


def load(args, kwargs, node, data_val, seq, const):
    """The value of ``tfds.load(...)`` (the value classes are handed in: this module sits below
    analysis/values.py), or None when the name or the split is not written out."""
    name = kwargs.get("name", args[0] if args else None)
    split = kwargs.get("split", args[1] if len(args) > 1 else None)
    if not (isinstance(name, const) and isinstance(name.value, str)):
        return None
    dataset = name.value.split(":")[0]  # "mnist:3.*.*": the version does not change the rows
    supervised = kwargs.get("as_supervised")
    supervised = isinstance(supervised, const) and supervised.value is True
    if isinstance(split, const) and isinstance(split.value, str):
        value = _split(dataset, split.value, supervised, node, data_val)
    elif isinstance(split, seq) and split.exact and split.items and all(
            isinstance(item, const) and isinstance(item.value, str) for item in split.items):
        parts = [_split(dataset, item.value, supervised, node, data_val) for item in split.items]
        value = None if None in parts else seq(parts)
    else:
        return None
    if value is None:
        return None
    info = kwargs.get("with_info")
    if isinstance(info, const) and info.value is True:
        return seq([value, data_val(DataFact(identity=("tfds-info", id(node)), node=node))])
    return value


def _split(dataset: str, split: str, supervised: bool, node, data_val):
    """One split expression (``"train[:80%]+validation"``) as one dataset, None if unparsed."""
    identities = []
    for part in split.replace(" ", "").split("+"):
        match = _PART.match(part)
        if match is None:
            return None
        identity = ("tfds", dataset, match.group(1))
        if match.group(2) not in (None, "[:]"):
            identity = (identity, "slice", match.group(2))
        identities.append(identity)
    identity = identities[0] if len(identities) == 1 else ("concat", tuple(identities))
    classes = PIXEL_SETS.get(dataset, TEXT_SETS.get(dataset))
    labels = DataFact(int_labels=True, classes=classes, identity=(identity, "labels"),
                      node=node) if supervised and classes else None
    return data_val(DataFact(source="pixels" if dataset in PIXEL_SETS else None,
                             is_dataset=True, labels=labels, identity=identity, node=node))
