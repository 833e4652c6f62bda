"""Abstract values: what the static analysis knows an expression evaluates to.

The analysis is a small abstract interpreter over the statements of a file. Each expression
evaluates to one of these values; anything it cannot follow is :data:`UNKNOWN_VALUE` (or, for
data, a :class:`DataVal` whose origin is unknown but whose identity still tells it apart from
other data).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from kerascheck import names
from kerascheck.facts import DataFact, LayerFact, ModelFact


class Value:
    """Base of all abstract values."""


@dataclass(eq=False)
class UnknownVal(Value):
    pass


UNKNOWN_VALUE = UnknownVal()


@dataclass(eq=False)
class Ref(Value):
    """A name imported from a module: ``qualname`` is the full dotted path."""

    qualname: str

    @property
    def keras(self) -> str | None:
        """The canonical Keras name (``layers.Dense``), or None outside Keras."""
        return names.canonical(self.qualname)

    def child(self, attribute: str) -> "Ref":
        return Ref(f"{self.qualname}.{attribute}")


@dataclass(eq=False)
class Const(Value):
    value: Any


@dataclass(eq=False)
class Seq(Value):
    items: list
    exact: bool = True  # False when it contains *starred items


@dataclass(eq=False)
class Instance(Value):
    """An object made by calling a known class (a loss, an optimizer, a scaler, a metric)."""

    qualname: str
    kwargs: dict = field(default_factory=dict)
    has_star_kwargs: bool = False
    node: Any = None
    # for scalers and Normalization layers: identities of the data they were fit/adapted on
    fitted_on: list = field(default_factory=list)

    @property
    def keras(self) -> str | None:
        return names.canonical(self.qualname)

    @property
    def class_name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]


@dataclass(eq=False)
class LayerVal(Value):
    layer: LayerFact
    instance: Instance | None = None  # Normalization layers can be adapted


@dataclass(eq=False)
class TensorVal(Value):
    """A symbolic tensor of the functional API: the layer that made it and its inputs."""

    layer: LayerFact | None  # None for an Input
    parents: list = field(default_factory=list)
    shape: Any = None  # for Input: the sample shape (a tuple) or UNKNOWN


@dataclass(eq=False)
class ModelVal(Value):
    model: ModelFact


@dataclass(eq=False)
class ModelPart(Value):
    """``model.layers`` / ``model.layers[i]``: reading ``.output`` from it inspects the model."""

    model: ModelFact
    what: str


@dataclass(eq=False)
class DataVal(Value):
    data: DataFact

    def derive(self, **changes) -> "DataVal":
        return DataVal(replace(self.data, **changes))


@dataclass(eq=False)
class FuncVal(Value):
    node: Any  # cst.FunctionDef
    scope: Any = None  # the environment it closes over


@dataclass(eq=False)
class ClassVal(Value):
    node: Any  # cst.ClassDef
    bases: list = field(default_factory=list)  # evaluated base values
    scope: Any = None  # the environment the class body closes over (for its methods)


@dataclass(eq=False)
class ObjectVal(Value):
    """An instance of a class of this file that the analysis follows: a ``keras.Model``
    subclass while its ``__init__`` and ``call`` run (``model`` is the model it becomes)."""

    cls: ClassVal
    attributes: dict = field(default_factory=dict)
    model: ModelFact | None = None
