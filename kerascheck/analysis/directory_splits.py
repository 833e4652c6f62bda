"""Training and validation subsets of one directory that are cut from differently ordered
file lists (KC505).

``image_dataset_from_directory(d, validation_split=0.2, subset="training", ...)`` lists the
files of ``d``, shuffles the list with ``seed`` when ``shuffle`` is true (the default), and
keeps its first 80 %; ``subset="validation"`` keeps the last 20 % of the list it made. The two
subsets are disjoint only when both calls ordered the list the same way: the same ``shuffle``
flag and, when shuffling, the same ``seed``. A training subset shuffled and a validation subset
not (or two seeds) cut two different orders, so most validation files are training files too.

Judged on the calls alone (their written arguments), in one scope: a pair is reported only
when every training subset of the same directory and split in that scope disagrees with the
validation subset, and every argument compared is written out (a variable seed or flag is
unknown: silent).
"""

from __future__ import annotations

import libcst as cst

from kerascheck.facts import UNKNOWN

# the Keras loaders that cut a training or validation subset of a directory's files
SUBSET_LOADERS = {"image_dataset_from_directory", "text_dataset_from_directory",
                  "audio_dataset_from_directory"}
_MISSING = object()


def _code(node) -> str:
    return cst.Module([]).code_for_node(node).strip() if node is not None else ""


def _keyword(call, name: str):
    """The literal value of ``name=`` (``_MISSING`` when not written, UNKNOWN when not a
    literal)."""
    if call.argument_node(name) is None:
        return _MISSING
    return call.arguments.get(name, UNKNOWN)


def _directory(call) -> str:
    node = call.argument_node("directory")
    if node is not None:
        return _code(node.value)
    positional = [arg for arg in getattr(call.node, "args", ()) if arg.keyword is None]
    return _code(positional[0].value) if positional else ""


def _order(call):
    """How the call orders the file list before cutting it: ("sorted",), ("seed", n), or None
    when that is not written out."""
    shuffle = _keyword(call, "shuffle")
    if shuffle is _MISSING:
        shuffle = True
    if shuffle is False:
        return ("sorted",)
    if shuffle is not True:
        return None
    seed = _keyword(call, "seed")
    return ("seed", seed) if type(seed) is int else None


def _scopes(module: cst.Module) -> dict[int, int]:
    """id() of each call node -> id() of the function (or module) it is written in."""
    owner: dict[int, int] = {}
    pending: list[tuple[cst.CSTNode, int]] = [(module, id(module))]
    while pending:
        node, scope = pending.pop()
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            scope = id(node)
        if isinstance(node, cst.Call):
            owner[id(node)] = scope
        pending.extend((child, scope) for child in node.children)
    return owner


def mismatched_subsets(keras_calls, module: cst.Module | None) -> list:
    """The validation-subset calls whose files overlap their training subset's, each with the
    argument node to report at (the ``shuffle=`` or ``seed=`` that differs) and what differs."""
    calls = {}
    for call in keras_calls:
        if call.callee.rsplit(".", 1)[-1] in SUBSET_LOADERS and \
                _keyword(call, "subset") in ("training", "validation"):
            calls[id(call.node)] = call  # a function run twice records its calls twice
    if len(calls) < 2 or module is None:
        return []
    scope = _scopes(module)
    found = []
    for validation in calls.values():
        if _keyword(validation, "subset") != "validation":
            continue
        key = (scope.get(id(validation.node)), _directory(validation),
               _code(getattr(validation.argument_node("validation_split"), "value", None)))
        partners = [call for call in calls.values() if _keyword(call, "subset") == "training"
                    and (scope.get(id(call.node)), _directory(call), _code(getattr(
                        call.argument_node("validation_split"), "value", None))) == key]
        order = _order(validation)
        if not partners or not key[1] or not key[2] or order is None:
            continue
        orders = [_order(partner) for partner in partners]
        if any(other is None or other == order for other in orders):
            continue
        differs = "shuffle" if any(other[0] != order[0] for other in orders) else "seed"
        at = validation.argument_node(differs) or validation.argument_node("subset")
        found.append((validation, at, differs))
    return found
