"""The house stays as drawn (docs/ARCHITECTURE.md): the import contracts in pyproject.toml hold,
no module imports in a cycle, no hand-written module outgrows one sitting, and the floors of
imports stay few. Imports inside functions count: they are dependencies too."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kerascheck"
GENERATED = {"kerascheck/analysis/keras_api.py"}  # scripts/generate_keras_api.py writes it
MAX_LINES = 450
MAX_FLOORS = 8


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@lru_cache(maxsize=1)
def import_graph() -> dict[str, set[str]]:
    """kerascheck's modules and the kerascheck modules each imports (anywhere in its body)."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                imported.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules
                                else base for alias in node.names)
        graph[name] = {target for target in imported if target in modules and target != name}
    return graph


def test_import_contracts_hold():
    """``lint-imports`` (import-linter) checks the layers and forbidden imports of pyproject."""
    executable = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) \
        or shutil.which("lint-imports")
    assert executable, "import-linter is in the test extra"
    completed = subprocess.run([executable, "--no-cache"], cwd=ROOT, capture_output=True,
                               text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "0 broken" in completed.stdout


def test_no_import_cycles():
    graph = import_graph()
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycle = path[path.index(target):] + [target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_at_most_eight_floors():
    graph = import_graph()

    @lru_cache(maxsize=None)
    def floor(module: str) -> int:
        return 1 + max((floor(target) for target in graph[module]), default=0)

    highest = max(graph, key=floor)
    chain = [highest]
    while graph[chain[-1]]:
        chain.append(max(graph[chain[-1]], key=floor))
    assert floor(highest) <= MAX_FLOORS, " -> ".join(chain)


def test_hand_written_modules_read_in_one_sitting():
    too_long = {str(path.relative_to(ROOT)): lines
                for path in PACKAGE.rglob("*.py")
                if str(path.relative_to(ROOT)) not in GENERATED
                and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert too_long == {}


def test_the_contract_catches_a_broken_layer(tmp_path):
    """The check is not vacuous: a rule that imports the engine breaks the layers contract."""
    tree = tmp_path / "tree"
    shutil.copytree(PACKAGE, tree / "kerascheck",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    rule = tree / "kerascheck" / "rules" / "kc201_linear_hidden_activation.py"
    rule.write_text(rule.read_text(encoding="utf-8") + "\nfrom kerascheck import engine\n",
                    encoding="utf-8")
    executable = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) \
        or shutil.which("lint-imports")
    completed = subprocess.run([executable, "--no-cache"], cwd=tree, capture_output=True,
                               text=True, env={"PYTHONPATH": str(tree), "PATH": ""})
    assert completed.returncode != 0
    assert "kerascheck.rules.kc201_linear_hidden_activation -> kerascheck.engine" in \
        completed.stdout
