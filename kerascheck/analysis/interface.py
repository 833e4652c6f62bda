"""What the helpers of the interpreter (:mod:`~kerascheck.analysis.dataflow`,
:mod:`~kerascheck.analysis.subclassing`) may ask of it.

They are handed the running :class:`~kerascheck.analysis.interpreter.Analyzer` and call back into
it; naming that dependency as a protocol here, below both, keeps the arrows running one way
(the interpreter imports its helpers, never the reverse).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import libcst as cst

    from kerascheck.analysis.tables import Tables
    from kerascheck.facts import ModelFact, StatisticsFitFact

# The interpreter's abstract values (kerascheck.analysis.values) are named here only as ``Any``:
# the helpers import the values module themselves, and this module stays on the floor below.
Value = FuncVal = ObjectVal = Any


class Interpreter(Protocol):
    """The interpreter's state and entry points its helpers use."""

    module: cst.Module
    models: list[ModelFact]
    statistics_fits: list[StatisticsFitFact]
    custom_training: set[int]  # id() of subclassed models with their own train_step
    method_owners: list  # (class, self) of the methods being run, for super()
    objects: dict[int, ObjectVal]  # id(model) -> the instance of a followed class
    parameter_models: set[int]  # id() of models handed to the helper being run
    scales_itself: bool  # the file defines a standardizing helper (KC401's local CSVs)
    tables: Tables  # what the helper modules remember during the analysis

    def build_graph(self, model: ModelFact, output_values: list) -> None: ...

    def escape(self, value: Value) -> None: ...

    def call_value(self, callee: Value, node: cst.Call, args, kwargs, star, frame) -> Value: ...

    def call_function(self, function: FuncVal, args, kwargs, call_node=None,
                      standalone: bool = False) -> Value: ...

    def call_model_method(self, model: ModelFact, method: str, node: cst.Call, args, kwargs,
                          star) -> Value: ...
