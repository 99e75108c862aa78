"""The backend's shape: small modules and imports that run one way (issue 15)."""

from __future__ import annotations

import ast
from pathlib import Path

BACKEND_DIR = Path(__file__).resolve().parents[2] / "backend"
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = list(path.relative_to(BACKEND_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def backend_imports(path: Path, known: set[str]) -> set[str]:
    """Every backend module `path` imports, at module level or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        found |= {name for name in names if name in known}
    return found


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in BACKEND_DIR.rglob("*.py")}
    known = set(paths)
    graph = {name: backend_imports(path, known) - {name} for name, path in paths.items()}
    # A package's own __init__ is imported before any of its submodules: not an edge back.
    return {
        name: {dep for dep in deps if not name.startswith(dep + ".")}
        for name, deps in graph.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    done: set[str] = set()

    def visit(node: str, stack: list[str]) -> list[str] | None:
        if node in stack:
            return stack[stack.index(node) :] + [node]
        if node in done:
            return None
        for dep in sorted(graph.get(node, ())):
            cycle = visit(dep, stack + [node])
            if cycle:
                return cycle
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start, [])
        if cycle:
            return cycle
    return None


def test_no_backend_module_over_400_lines() -> None:
    too_long = {
        module_name(path): lines
        for path in BACKEND_DIR.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not too_long


def test_backend_imports_have_no_cycle() -> None:
    assert find_cycle(import_graph()) is None


def test_the_cycle_finder_sees_a_cycle() -> None:
    """The check above can fail: app → seed → app (as it was before issue 15) is found."""
    graph = {"backend.app": {"backend.seed"}, "backend.seed": {"backend.app"}}
    assert find_cycle(graph) == ["backend.app", "backend.seed", "backend.app"]
