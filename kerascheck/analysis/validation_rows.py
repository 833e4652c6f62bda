"""Whether a fit's validation data is its training data, rows of it, or the held-out half of a
split of it, read off the data identities (analysis/dataflow.py) and the spelling of the two
arguments (KC505). Rows drawn at random from a frame are judged in :mod:`.samples`."""

from __future__ import annotations

import libcst as cst

from kerascheck.analysis.archives import DOWNLOADED
from kerascheck.analysis.generators import YIELDED_BY
from kerascheck.analysis.origins import BUILT, ignores_arguments
from kerascheck.analysis.samples import SAMPLE
from kerascheck.facts import DataFact


# How a part of some rows is named in an identity: ``x[:100]`` ("slice", analysis/dataflow.py)
# and the methods that keep some of the rows of a dataset or frame (``train_ds.take(20)``,
# ``frame.head(100)``: dataflow's selecting methods; not ``pop``, a column, nor ``filter``,
# which picks pandas' columns).
ROW_PARTS = ("slice", "take", "skip", "shard", "head", "tail", "query", "nlargest", "nsmallest")


def slice_of(identity, whole) -> bool:
    """Whether ``identity`` is ``whole`` itself or a slice of it (``x_train[:100]``,
    ``train_ds.take(20)``: ROW_PARTS), or rows
    drawn from it at random (``frame.sample(frac=0.2)``, analysis/samples.py), or one of the
    pieces ``whole`` joins (``np.concatenate``, ``tfds.load(split="train+test")``) or a slice
    of one."""
    if isinstance(whole, tuple) and len(whole) == 2 and whole[0] == "concat" and any(
            slice_of(identity, piece) for piece in whole[1]):
        return True
    while identity != whole:
        if not (isinstance(identity, tuple) and (
                len(identity) == 3 and identity[1] in ROW_PARTS or
                len(identity) == 4 and identity[1] == SAMPLE)):
            return False
        identity = identity[0]
    return True


def split_off(identity, whole) -> bool:
    """Whether ``identity`` is the held-out half of a ``train_test_split`` of ``whole`` (or of a
    slice of it), or a slice of such a half: ``x_test`` next to ``fit(x, ...)``. Split identities
    are ``("split", parent, "train" | "test", split call, position)`` (analysis/dataflow.py)."""
    while isinstance(identity, tuple) and len(identity) == 3 and identity[1] == "slice":
        identity = identity[0]
    return isinstance(identity, tuple) and len(identity) == 5 and identity[0] == "split" and \
        identity[2] == "test" and slice_of(identity[1], whole)


def built_alike(identity) -> bool:
    """Whether an identity is a dataset class's instance keyed by what it was built from
    (analysis/subclassing.py): two such instances built alike are one data."""
    return isinstance(identity, tuple) and identity[:1] == (BUILT,)


def from_a_data_source(data: DataFact) -> bool:
    """Whether the data was loaded (a file, a dataset) or split from loaded data: a literal
    handful of rows or random numbers are a demonstration, not a training run (RULES.md)."""
    if data.source is not None:
        return True
    identity = data.identity
    while isinstance(identity, tuple) and identity:
        if identity[0] in ("load", "split", "tfds", BUILT, DOWNLOADED):  # BUILT: a user Sequence
            return True
        if ignores_arguments(identity) or identity[0] == "call" and len(identity) > 2:
            # what a helper made inside (``load_data(path)``: what it loaded), whatever it was
            # given or for these arguments (analysis/functions.py, _result_of_call)
            identity = identity[2]
            continue
        identity = identity[0] if isinstance(identity[0], tuple) else (
            identity[1] if len(identity) > 1 and isinstance(identity[1], tuple) else None)
    return False


def over_one_loader(fit) -> bool:
    """Whether the training and validation datasets are ``from_generator`` over closures made
    from the very same loader object (analysis/generators.py), not made up."""
    train, validation = fit.x, fit.validation_x
    return isinstance(train, DataFact) and isinstance(validation, DataFact) and \
        isinstance(train.identity, tuple) and train.identity[:1] == (YIELDED_BY,) and \
        validation.identity == train.identity and not train.synthetic


def _code(node) -> str:
    return cst.Module([]).code_for_node(node).strip()


def same_expression(validation_node, x_node) -> bool:
    """Whether the validation inputs are spelled as the training inputs, or a subscript of them.

    The data identities already say so; the spelling confirms it, so that two calls of one
    helper (``make_dataset(train)``, ``make_dataset(val)``) are never taken for one value."""
    if validation_node is None or x_node is None:
        return False
    if isinstance(validation_node, cst.Tuple) and validation_node.elements:
        validation_node = validation_node.elements[0].value
    wanted = _code(x_node)
    while True:
        if _code(validation_node) == wanted:
            return True
        if not isinstance(validation_node, cst.Subscript):
            return False
        validation_node = validation_node.value


def node_with_id(module, wanted: int):
    """The node of ``module`` that is the object ``wanted`` (an id kept in a data identity)."""
    found = []

    class Finder(cst.CSTVisitor):
        def on_visit(self, node) -> bool:
            if id(node) == wanted:
                found.append(node)
            return not found

    if module is not None:
        module.visit(Finder())
    return found[0] if found else None

def cut_from_a_parameter(train, validation) -> bool:
    """A helper that trains on all of the data it is given and validates on a part of it (split
    or sliced off inside): whatever its callers pass, the validation rows are training rows.
    (Data of unknown origin is otherwise not judged: it may be a demonstration's.)"""
    identity = train.identity
    return isinstance(identity, tuple) and identity[:1] == ("param",) and (
        split_off(validation.identity, identity) or
        validation.identity != identity and slice_of(validation.identity, identity))
