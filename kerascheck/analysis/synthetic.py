"""Data the file makes up itself: random draws, constant arrays and ranges, scikit-learn's toy
makers, literal rows. A ``fit`` on such data is a demonstration, not a training run (RULES.md
"Real training"), so the holdout rules (KC5xx) do not judge it.
"""

from __future__ import annotations

from kerascheck.facts import DataFact

# Data made up in the file: random draws, constant arrays, ranges, scikit-learn's toy makers
# (RULES.md "Real training": a fit on them is a demonstration, not a training run).
SYNTHETIC_NUMPY = {"zeros", "ones", "full", "empty", "eye", "arange", "linspace", "zeros_like",
                   "ones_like", "full_like", "meshgrid", "sin", "cos"}
SYNTHETIC_TF = {"zeros", "ones", "fill", "range", "linspace", "zeros_like", "ones_like", "eye"}


def is_synthetic_source(qualname: str, leaf: str) -> bool:
    if qualname.startswith(("numpy.random.", "tensorflow.random.")):
        return True
    if qualname.startswith("sklearn.datasets.make_"):
        return True
    if qualname.count(".") == 1:
        root = qualname.split(".")[0]
        return (root == "numpy" and leaf in SYNTHETIC_NUMPY) or (
            root == "tensorflow" and leaf in SYNTHETIC_TF)
    return False


def synthetic_facts(qualname: str, node) -> list[DataFact]:
    """The data a made-up source returns: one array, or the (X, y) pair of a ``make_*`` toy set."""
    tags = [("x",), ("y",)] if qualname.startswith("sklearn.datasets.make_") else [()]
    return [DataFact(synthetic=True, identity=("value", id(node), *tag), node=node)
            for tag in tags]
