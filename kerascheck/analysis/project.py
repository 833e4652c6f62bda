"""The project, not the file (RULES.md): what a file's imports of its own project's modules say.

An ``import`` of a module that the project holds (resolved from the project root or a ``src/``
layout by :mod:`kerascheck.source.project`; never an installed package, never by running code)
binds the names the file imports to that module's *own values*: its functions, classes and
constants as the interpreter sees them in that module. So ``model = build_model()`` in
``train.py`` is interpreted exactly as if ``build_model`` were defined in ``train.py`` (its
layers, its ``compile``, a data helper's provenance and scale, a ``keras.Model`` subclass), and
the rules judge the model over its whole life with the same facts.

The module's summary (its parsed module and its bindings) is loaded once per run by the
project (:class:`ProjectModules`); the module's top level is executed once per importing
analysis, into a frame of its own, so values (a model built at the module's top level) never
leak from one file's analysis into another's. An import cycle, a module that is not found, a
name the module does not define: unknown, and no rule fires on unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import libcst as cst

from kerascheck.analysis.bindings import collect_bindings, dotted_name
from kerascheck.analysis.values import UNKNOWN_VALUE, Frame, Ref, Value

if TYPE_CHECKING:
    from kerascheck.analysis.interface import Interpreter


@dataclass(eq=False)
class LoadedModule:
    """One module of the project: where it is, its parsed text (None for a namespace package,
    a folder without ``__init__.py``) and the digest of its bytes."""

    name: str
    path: str
    module: cst.Module | None
    digest: str
    is_package: bool = False
    cached: dict = field(default_factory=dict)  # derived data, computed once per load

    def bindings(self):
        """:func:`~kerascheck.analysis.bindings.collect_bindings` of the module, once."""
        if "bindings" not in self.cached:
            self.cached["bindings"] = collect_bindings(self.module) if self.module else (
                {}, set(), [], [])
        return self.cached["bindings"]

    def node_ids(self) -> frozenset:
        """The identities of every node of the module (findings on them are its own)."""
        if "nodes" not in self.cached:
            ids: set[int] = set()
            pending: list = [self.module] if self.module is not None else []
            while pending:  # iterative: deep expressions must not exhaust the stack
                node = pending.pop()
                ids.add(id(node))
                pending.extend(node.children)
            self.cached["nodes"] = frozenset(ids)
        return self.cached["nodes"]


class ProjectModules(Protocol):
    """The project a file belongs to, as the analysis may ask of it."""

    def resolve(self, importer: str, name: str, level: int = 0) -> LoadedModule | None:
        """The module ``name`` (``level`` leading dots, relative to ``importer``) if the project
        holds it; None for an installed package, a missing module or an unreadable file."""


@dataclass(eq=False)
class ModuleVal(Value):
    """A module of the project, bound by ``import pkg.mod`` or ``import model as m``."""

    loaded: LoadedModule


def importer_of(analyzer: Interpreter, frame: Frame) -> str:
    """The path of the module whose code is running in ``frame`` (a function of an imported
    module runs in a frame whose outermost parent is that module's)."""
    while frame.parent is not None:
        frame = frame.parent
    return getattr(frame, "module_path", None) or analyzer.path


def execute_import(analyzer: Interpreter, statement, frame: Frame) -> None:
    """Bind what ``statement`` (an ``Import`` or ``ImportFrom``) imports from the project into
    ``frame``; names from anywhere else keep their dotted paths (the file's imports)."""
    project = analyzer.project
    importer = importer_of(analyzer, frame)
    if isinstance(statement, cst.Import):
        for alias in statement.names:
            dotted = dotted_name(alias.name)
            if alias.asname is not None:
                loaded = project.resolve(importer, dotted)
                if loaded is not None:
                    _note(analyzer, loaded, statement, importer)
                    frame.variables[alias.asname.name.value] = ModuleVal(loaded)
                continue
            top = dotted.split(".")[0]
            loaded = project.resolve(importer, top)
            if loaded is not None:
                _note(analyzer, loaded, statement, importer)
                if dotted != top:  # ``import pkg.mod``: the submodule is loaded too
                    inner = project.resolve(importer, dotted)
                    if inner is not None:
                        _note(analyzer, inner, statement, importer)
                frame.variables[top] = ModuleVal(loaded)
        return
    level = len(statement.relative)
    name = dotted_name(statement.module) if statement.module is not None else ""
    loaded = project.resolve(importer, name, level)
    if loaded is None:
        if level:  # a relative import the project does not hold: unknown, not a library
            for alias in () if isinstance(statement.names, cst.ImportStar) else statement.names:
                local = alias.asname.name.value if alias.asname else dotted_name(alias.name)
                frame.variables[local] = UNKNOWN_VALUE
        return
    _note(analyzer, loaded, statement, importer)
    if isinstance(statement.names, cst.ImportStar):
        exported = module_frame(analyzer, loaded)
        if exported is not None:
            for public in star_names(loaded, exported):
                frame.variables[public] = exported.variables[public]
        return
    for alias in statement.names:
        imported = dotted_name(alias.name)
        local = alias.asname.name.value if alias.asname else imported
        frame.variables[local] = module_attribute(analyzer, ModuleVal(loaded), imported,
                                                  (statement, importer))


def module_attribute(analyzer: Interpreter, module: ModuleVal, attribute: str,
                     imported_by: tuple | None = None) -> Value:
    """``module.attribute``: the module's own value for the name, else its submodule of that
    name (imported by ``imported_by``, the statement and its module, or imported before: the
    cache's dependency scan sees the same), else unknown."""
    exported = module_frame(analyzer, module.loaded)
    if exported is not None and attribute in exported.variables:
        return exported.variables[attribute]
    if module.loaded.is_package:
        inner = analyzer.project.resolve(module.loaded.path, attribute, 1)  # pkg/attribute
        if inner is not None and imported_by is not None:
            _note(analyzer, inner, *imported_by)
            return ModuleVal(inner)
        if inner is not None and inner.path in analyzer.project_modules:
            return ModuleVal(inner)
    return UNKNOWN_VALUE


def star_names(loaded: LoadedModule, exported: Frame) -> list[str]:
    """The names ``from module import *`` binds: ``__all__`` when it is a literal list of
    strings, else every name not starting with an underscore."""
    declared = exported.variables.get("__all__")
    items = getattr(declared, "items", None)
    if items is not None and all(isinstance(getattr(i, "value", None), str) for i in items):
        return [item.value for item in items if item.value in exported.variables]
    return [name for name in exported.variables if not name.startswith("_")]


def module_frame(analyzer: Interpreter, loaded: LoadedModule) -> Frame | None:
    """The module's top level executed (once per analysis) into a frame of its own: its
    imports bound to their dotted paths, its functions, classes and constants. None for a
    module that is being executed (an import cycle: unknown) or has no code."""
    frames = analyzer.module_frames
    if loaded.path in frames:
        return frames[loaded.path]
    frames[loaded.path] = None  # in progress: a cycle back here sees unknown
    if loaded.module is None:
        return None
    frame = Frame()
    frame.module_path = loaded.path
    imports = loaded.bindings()[0]
    for local, dotted in imports.items():
        frame.variables[local] = Ref(dotted)
    pending = len(analyzer._pending_functions)
    saved = analyzer._conditional, analyzer._path
    analyzer._conditional, analyzer._path = 0, []  # an import runs its module once, in full
    try:
        analyzer.exec_block(loaded.module.body, frame)
    finally:
        analyzer._conditional, analyzer._path = saved
        # its functions are that module's to check on their own, not this file's
        del analyzer._pending_functions[pending:]
    frames[loaded.path] = frame
    return frame


def _note(analyzer: Interpreter, loaded: LoadedModule, statement: Any, importer: str) -> None:
    """Remember the module and the statement of this file through which it came in (where a
    finding inside it that only this file's use reveals is reported)."""
    anchor = statement if importer == analyzer.path else \
        analyzer.project_modules.get(importer, (None, statement))[1]
    analyzer.project_modules.setdefault(loaded.path, (loaded, anchor))


def resolved_star_imports(analyzer: Interpreter, star_imports: list[str]) -> list[str]:
    """The star imports that stay opaque: ``from utils import *`` of a project module is known
    (its names are bound when it runs), so it no longer hides the file's unbound names."""
    if analyzer.project is None:
        return star_imports
    return [name for name in star_imports
            if analyzer.project.resolve(analyzer.path, name) is None]
