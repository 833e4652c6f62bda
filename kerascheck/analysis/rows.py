"""Data a file gathers itself: rows appended to a list it made, and cells of an array written
one by one (KC402).

``texts = []`` and then ``texts.append(text)`` in a loop: the list is the data of its rows, not
the typed-in literal it started as, so a tokenizer fit on ``texts`` is fit on that data (the
list, :attr:`Seq.collected`, reads as a :class:`DataVal` wherever its name is read:
analysis/expressions.py). Only rows the analysis knows to be data count: a value it knows
nothing about (a layer a helper made, say) leaves the list a list, and rows of random draws
leave it made up.

``data = np.zeros(...)`` and then ``data[i, j] = tokenizer.word_index[word]``: the array holds
what was written into it. What each array was filled from is kept on the running analyzer, and
:func:`kerascheck.analysis.preprocessors.derived_from` reads it, so that a head and a tail cut
from the array later are a split of the texts the tokenizer learned its vocabulary from.
"""

from __future__ import annotations

import libcst as cst

from kerascheck.analysis.values import DataVal, Instance, LayerVal, Seq, TensorVal, Value
from kerascheck.facts import DataFact

# What a fitted preprocessor learned, read as data made from what it was fit on: a Keras
# Tokenizer's vocabulary and counts, a scikit-learn vectorizer's vocabulary.
VOCABULARIES = {"word_index", "index_word", "word_counts", "word_docs", "vocabulary_"}


def append(receiver: Value, method: str, args, tables) -> None:
    """``rows.append(row)`` on a list the file made, with a row the analysis knows is data:
    from now on the list is that data (made up if its first row was), filled from that row
    (``tables.filled_from``, as for :func:`fill`: windows of a scaled series appended in a
    loop are made from it). A layer appended to an empty list (or to one of appended layers)
    is kept in it, in order, and so is a symbolic tensor."""
    if isinstance(receiver, Seq) and receiver.appended_layers and (
            method != "append" or len(args) != 1 or not isinstance(args[0], LayerVal)):
        receiver.appended_layers = False  # extend(), insert(), a function appended: unknown
        return
    if method != "append" or not isinstance(receiver, Seq) or len(args) != 1 or \
            receiver.collected is not None:
        return
    row = args[0]
    if isinstance(row, (LayerVal, TensorVal)) and (receiver.appended_layers or not receiver.items):
        # self.hidden.append(Dense(n)) in a loop: the layer each round makes (analysis/loops.py);
        # outputs.append(Dense(1)(x)): the tensor each round makes (a functional model's heads,
        # of which the model is then inexact: construction.make_functional)
        receiver.items.append(row)
        receiver.exact, receiver.appended_layers = False, True
        return
    if not isinstance(row, DataVal) or isinstance(row.data.identity, tuple) and \
            row.data.identity[:1] == ("bound",):
        return
    receiver.collected = DataFact(identity=("rows", id(receiver)), synthetic=row.data.synthetic)
    receiver.exact = False  # its items are no longer the literal's
    tables.gathered.append(receiver)
    if row.data.identity is not None:
        tables.filled_from.setdefault(receiver.collected.identity, set()).add(row.data.identity)


def vocabulary(instance: Instance, attribute: str) -> Value | None:
    """``tokenizer.word_index`` of a fitted tokenizer: data made from what it was fit on."""
    if attribute not in VOCABULARIES or not instance.fitted_on:
        return None
    return DataVal(DataFact(identity=("vocabulary", id(instance), *instance.fitted_on)))


def fill(analyzer, owner: DataVal, value: Value, frame) -> None:
    """``array[i, j] = value``: the array now holds (some of) ``value``'s data. A vocabulary's
    entry (``tokenizer.word_index[word]``) only where the array was made with one row per
    sample of what the vocabulary was learned from (``np.zeros((len(texts), ...))``): the
    entries then number those samples' words, and the array's rows are theirs. (Another
    array's words, numbered by a vocabulary of other texts, are not those texts' rows.)"""
    if not isinstance(value, DataVal) or value.data.identity is None or \
            owner.data.identity is None:
        return
    learned = _vocabulary_of(value.data.identity)
    if learned is not None and _rows_of(analyzer, owner, frame) not in learned:
        return
    filled = analyzer.tables.filled_from
    filled.setdefault(owner.data.identity, set()).add(value.data.identity)


def _vocabulary_of(identity) -> tuple | None:
    """The identities a vocabulary was learned from, when ``identity`` is read from one."""
    while isinstance(identity, tuple) and identity:
        if identity[0] == "vocabulary":
            return identity[2:]
        identity = identity[0] if isinstance(identity[0], tuple) else None
    return None


def _rows_of(analyzer, array: DataVal, frame):
    """The identity of the data an array was made with one row per sample of:
    ``np.zeros((len(texts), ...))`` or ``np.zeros((texts.shape[0], ...))``; else None."""
    call = array.data.node
    if not isinstance(call, cst.Call) or not call.args or \
            not isinstance(call.args[0].value, (cst.Tuple, cst.List)) or \
            not call.args[0].value.elements:
        return None
    first = call.args[0].value.elements[0].value
    if isinstance(first, cst.Call) and isinstance(first.func, cst.Name) and \
            first.func.value == "len" and len(first.args) == 1:
        counted = first.args[0].value
    elif isinstance(first, cst.Subscript) and isinstance(first.value, cst.Attribute) and \
            first.value.attr.value == "shape":
        counted = first.value.value
    else:
        return None
    data = analyzer.eval(counted, frame)
    return data.data.identity if isinstance(data, DataVal) else None
