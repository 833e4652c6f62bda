"""The names a file binds: its imports (resolved to dotted paths) and every other bound name.

One pass over the statements, not the expressions: enough to resolve ``tf.keras.layers.Dense``
through ``import tensorflow as tf`` and to know that a name such as ``Dense`` is bound to
something else in the file (so it is not taken as the well-known Keras name).
"""

from __future__ import annotations

from typing import Iterable

import libcst as cst

from kerascheck.analysis.names import canonical


def collect_bindings(module: cst.Module):
    """One pass over the statements (not the expressions) for imports and bound names."""
    imports: dict[str, str] = {}
    bound: set[str] = set()
    star_imports: list[str] = []
    # (module node, dotted module path, [(alias node, imported name), ...]) for KC601
    import_nodes: list[tuple[cst.CSTNode, str, list]] = []

    def names_in_target(target) -> Iterable[str]:
        if isinstance(target, cst.Name):
            yield target.value
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                yield from names_in_target(element.value)
        elif isinstance(target, cst.StarredElement):
            yield from names_in_target(target.value)

    def walk(statements) -> None:
        for statement in statements:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Import):
                        for alias in small.names:
                            dotted = dotted_name(alias.name)
                            import_nodes.append((alias.name, dotted, []))
                            if alias.asname is not None:
                                local = alias.asname.name.value
                                imports[local] = dotted
                            else:
                                local = dotted.split(".")[0]
                                imports[local] = local
                            bound.add(local)
                    elif isinstance(small, cst.ImportFrom):
                        if small.relative:
                            continue
                        module_name = dotted_name(small.module) if small.module else ""
                        if isinstance(small.names, cst.ImportStar):
                            star_imports.append(module_name)
                            continue
                        imported: list = []
                        import_nodes.append((small.module, module_name, imported))
                        for alias in small.names:
                            name = dotted_name(alias.name)
                            local = alias.asname.name.value if alias.asname else name
                            imports[local] = f"{module_name}.{name}"
                            imported.append((alias.name, name))
                            bound.add(local)
                    elif isinstance(small, (cst.Assign,)):
                        for target in small.targets:
                            bound.update(names_in_target(target.target))
                    elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                        bound.update(names_in_target(small.target))
            elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                bound.add(statement.name.value)
                if isinstance(statement, cst.FunctionDef):
                    params = statement.params
                    for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
                        bound.add(param.name.value)
                walk(statement.body.body if hasattr(statement.body, "body") else [])
            else:
                if isinstance(statement, cst.For):
                    bound.update(names_in_target(statement.target))
                for attribute in ("body", "orelse", "finalbody"):
                    block = getattr(statement, attribute, None)
                    if block is None:
                        continue
                    inner = getattr(block, "body", None)
                    if isinstance(inner, cst.BaseSuite):
                        inner = inner.body
                    if isinstance(inner, (list, tuple)):
                        walk(inner)
                for handler in getattr(statement, "handlers", ()):
                    walk(handler.body.body)
                for case in getattr(statement, "cases", ()):
                    walk(case.body.body)
                if isinstance(statement, cst.If) and statement.orelse is not None:
                    walk([statement.orelse])

    walk(module.body)
    del walk, names_in_target  # (functions that call themselves: a cycle, see engine.lint_source)
    # Star imports from Keras bring its names in: ``from tensorflow.keras.layers import *``.
    keras_stars = [m for m in star_imports if "keras" in m]
    other_stars = [m for m in star_imports if "keras" not in m]
    for module_name in keras_stars:
        # each public name of that Keras namespace (``ZeroPadding2D``, ``concatenate``), unless
        # imported by name; a name the file binds itself is found in its frame first
        for name in keras_star_names(module_name):
            imports.setdefault(name, f"{module_name}.{name}")
    return imports, bound, other_stars if not keras_stars else [], import_nodes


def keras_star_names(module_name: str) -> list[str]:
    """The public names ``from <module_name> import *`` binds when the module is a Keras
    namespace (``keras.layers``, ``tensorflow.keras.models``, Keras 2's ``keras.layers.core``
    read as ``keras.layers``), from the static API table; [] for anything else."""
    probe = canonical(f"{module_name}.__probe__")
    if probe is None or not probe.endswith(".__probe__") and probe != "__probe__":
        return []
    namespace = probe[:-len("__probe__")].rstrip(".")
    # a large table: imported only when a file star-imports Keras
    from kerascheck.analysis.keras_api import NAMESPACES

    return NAMESPACES.get(f"keras.{namespace}" if namespace else "keras", "").split()


def dotted_name(node) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted_name(node.value)}.{node.attr.value}"
    return ""
