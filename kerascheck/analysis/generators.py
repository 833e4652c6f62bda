"""What ``tf.data.Dataset.from_generator`` reads: the data a closure of the file yields.

``from_generator(make_batches(train_loader))``, where ``make_batches`` is a function of the file
that returns a nested generator function over its argument, reads ``train_loader``. Two such
datasets built in one place from the very same loader object are the same data (KC505: the
validation dataset built over the training loader). Anything less certain gives no identity, so
the dataset stays other data, as before: a generator function of the module (it may read a
global that changes), a closure over a value the analysis does not know, or ``args=``.
"""

from __future__ import annotations

import libcst as cst

# the first element of the identity of a dataset read from a closure (rules/kc505)
YIELDED_BY = "yielded by"


def yielded_by(leaf: str, args, kwargs, constant: type, data: tuple) -> tuple | None:
    """The identity of ``from_generator(generator)``'s data, or None when it is not known.
    ``constant`` and ``data`` are the value classes of analysis/values.py (``Const``, and
    ``DataVal`` and ``Instance``), given by the caller so that this module sits below them.

    The identity holds the closure's function and the values its scope binds, compared as
    objects (the loader *object* ``train_loader`` names, not an equal-looking one): one
    evaluation of ``train_loader`` is one piece of data; two helpers' calls that each made a
    loader of their own never match."""
    if leaf != "from_generator" or "args" in kwargs or len(args) > 3:
        return None
    generator = args[0] if args else kwargs.get("generator")
    if not _function(generator) or generator.scope is None or \
            generator.scope.parent is None:  # a function of the module, not a closure
        return None
    captured = []
    for name, value in sorted(generator.scope.variables.items()):
        if _function(value):
            continue  # the nested functions themselves: the same code
        if isinstance(value, constant):
            captured.append((name, "const", repr(value.value)))
        elif isinstance(value, data) and not getattr(getattr(value, "data", None), "synthetic",
                                                     False):
            captured.append((name, value))  # compared by object (dataclasses without eq)
        else:
            return None  # unknown: nothing says what it yields
    if not any(isinstance(item[1], data) for item in captured):
        return None  # a closure over constants only: no data the analysis follows
    return (YIELDED_BY, id(generator.node), tuple(captured))


def _function(value) -> bool:
    """Whether ``value`` is a function of the file (a ``FuncVal``: its ``def`` and scope)."""
    return isinstance(getattr(value, "node", None), cst.FunctionDef) and hasattr(value, "scope")
