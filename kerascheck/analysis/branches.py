"""What the branches of an ``if`` (or a loop that may not run) leave behind, merged: a name keeps
a value only where every branch agrees, so that no rule fires on a possibility."""

from __future__ import annotations

from kerascheck.analysis.values import UNKNOWN_VALUE, Const, DataVal
from kerascheck.facts import DataFact


def merge_branches(outcomes: list[dict], statement) -> dict:
    """The variables after an ``if``/loop, from the variables each branch left behind.

    A name bound to the same value on every branch keeps it. Data that differs keeps only the
    facts true on every branch (a one-hot encoding done on one branch only is not known), and is
    treated as scaled if any branch scaled it, so that no rule fires on a possibility. Anything
    else that differs (two models, a loss on each branch) becomes unknown."""
    merged: dict = {}
    for name in {name for outcome in outcomes for name in outcome}:
        values = [outcome[name] for outcome in outcomes if name in outcome]
        first = values[0]
        if all(value is first for value in values[1:]):
            merged[name] = first
        elif all(isinstance(v, Const) and type(v.value) is type(first.value) and
                 v.value == first.value for v in values):
            merged[name] = first
        elif all(isinstance(value, DataVal) for value in values):
            merged[name] = _merge_data([value.data for value in values],
                                       ("merged", id(statement), name))
        else:
            merged[name] = UNKNOWN_VALUE
    return merged


def _merge_data(facts: list[DataFact], identity) -> DataVal:
    def common(attribute):
        first = getattr(facts[0], attribute)
        return first if all(getattr(f, attribute) == first for f in facts[1:]) else None

    same_identity = common("identity")
    return DataVal(DataFact(
        source=common("source"), scaled=any(f.scaled for f in facts),
        scaled_on_some_paths=any(f.scaled for f in facts) and not all(
            f.scaled and not f.scaled_on_some_paths for f in facts),
        one_hot=all(f.one_hot for f in facts), int_labels=all(f.int_labels for f in facts),
        is_dataset=all(f.is_dataset for f in facts),
        identity=same_identity if same_identity is not None else identity,
        predicted_by=common("predicted_by"), labels=common("labels"),
        fitted_on=common("fitted_on"), node=facts[0].node))
