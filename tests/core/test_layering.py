"""Imports only point downwards, at every level, and no two modules import each other.

Layers, lowest first: taxonomies < observatory < models < pipelines < {api, cli}. Every import
counts: module level, inside functions, under ``if TYPE_CHECKING``, and relative imports
(resolved against their package). The two interfaces (api, cli) share the top layer and do not
import each other, except where ``INTERFACE_EXCEPTIONS`` says why.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYER_OF = {
    "taxonomies": 1,
    "observatory": 2,
    "models": 3,
    "pipelines": 4,
    "api": 5,
    "cli": 5,
}
HEAVY_FOR_TAXONOMIES = {"numpy", "pandas", "torch", "sqlalchemy", "faiss", "spacy", "pydantic"}

# (importer, imported) pairs between the two interfaces, each with the reason it is needed.
INTERFACE_EXCEPTIONS = {
    ("cli.serve", "api.app"): "`observatory serve` builds the API app and runs it under uvicorn",
}

# Import cycles known and owned by someone else; each entry names its owner. The lead checks
# this empties: an entry whose cycle is gone fails the test, so it is removed when fixed.
KNOWN_CYCLES: dict[frozenset[str], str] = {}


@dataclass(frozen=True)
class Edge:
    """One import: ``importer`` imports ``imported`` at ``path:line``."""

    importer: str
    imported: str
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.importer} -> {self.imported}"


def discover_modules(root: Path, packages: Iterable[str]) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is_package) for every .py file of ``packages``."""
    modules: dict[str, tuple[Path, bool]] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            modules[".".join(parts)] = (path, is_package)
    return modules


def _nearest_module(name: str, modules: Mapping[str, object]) -> str | None:
    """``name`` or its nearest enclosing module we own; None for third-party/stdlib names."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _imported_names(
    node: ast.Import | ast.ImportFrom, module: str, is_package: bool, modules: Mapping[str, object]
) -> list[str]:
    """The dotted names an import reaches: ``from a import b`` is ``a.b`` when that is a module,
    else ``a``; relative imports are resolved against the importing module's package."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        anchor = package[: len(package) - (node.level - 1)]
        base = ".".join([*anchor, *([node.module] if node.module else [])])
    return [
        f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
        for alias in node.names
    ]


def import_edges(root: Path, packages: Iterable[str]) -> tuple[list[Edge], dict[str, set[str]]]:
    """Every import between our modules (all levels) and every third-party top-level name."""
    modules = discover_modules(root, packages)
    edges: list[Edge] = []
    external: dict[str, set[str]] = {}
    for module, (path, is_package) in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for name in _imported_names(node, module, is_package, modules):
                target = _nearest_module(name, modules)
                if target is None:
                    external.setdefault(module, set()).add(name.split(".")[0])
                elif target != module:
                    edge = Edge(module, target, str(path.relative_to(root)), node.lineno)
                    edges.append(edge)
    return edges, external


def layer_violations(edges: Iterable[Edge]) -> list[str]:
    """Imports of a higher layer, or of the other interface without a recorded reason."""
    problems = []
    for edge in edges:
        source, target = edge.importer.split(".")[0], edge.imported.split(".")[0]
        if LAYER_OF[target] > LAYER_OF[source]:
            problems.append(f"{edge} (layer {LAYER_OF[source]} imports {LAYER_OF[target]})")
        elif source != target and LAYER_OF[source] == LAYER_OF[target]:
            pair = (edge.importer, edge.imported)
            if pair not in INTERFACE_EXCEPTIONS:
                problems.append(f"{edge} (one interface imports the other)")
    return problems


def import_cycles(edges: Iterable[Edge]) -> dict[frozenset[str], list[Edge]]:
    """Each group of modules that import each other, with one concrete cycle (its edges)."""
    graph: dict[str, dict[str, Edge]] = {}
    for edge in edges:
        graph.setdefault(edge.importer, {}).setdefault(edge.imported, edge)
        graph.setdefault(edge.imported, {})
    return {
        frozenset(group): _cycle_through(min(group), group, graph)
        for group in _strongly_connected(graph)
        if len(group) > 1
    }


def _strongly_connected(graph: Mapping[str, Mapping[str, Edge]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative (a deep import chain must not hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    advanced = True
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                groups.append(group)
    return groups


def _cycle_through(
    start: str, group: set[str], graph: Mapping[str, Mapping[str, Edge]]
) -> list[Edge]:
    """The shortest import path from ``start`` back to itself inside ``group`` (BFS)."""
    previous: dict[str, Edge] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for successor, edge in sorted(graph[node].items()):
                if successor not in group or successor in previous:
                    continue
                previous[successor] = edge
                if successor == start:
                    path = [edge]
                    while path[0].importer != start:
                        path.insert(0, previous[path[0].importer])
                    return path
                following.append(successor)
        frontier = following
    raise AssertionError(f"no cycle through {start} in {sorted(group)}")


def _describe(cycle: list[Edge]) -> str:
    return (
        " -> ".join([cycle[0].importer, *(e.imported for e in cycle)])
        + "\n    "
        + ("\n    ".join(str(e) for e in cycle))
    )


EDGES, EXTERNAL = import_edges(ROOT, LAYER_OF)


@pytest.mark.parametrize("layer", sorted(LAYER_OF, key=LAYER_OF.__getitem__))
def test_layer_imports_only_lower_layers(layer: str) -> None:
    edges = [e for e in EDGES if e.importer.split(".")[0] == layer]
    assert layer_violations(edges) == []


def test_taxonomies_use_the_standard_library_only() -> None:
    heavy = {
        module: sorted(names & HEAVY_FOR_TAXONOMIES)
        for module, names in EXTERNAL.items()
        if module.split(".")[0] == "taxonomies" and names & HEAVY_FOR_TAXONOMIES
    }
    assert heavy == {}


def test_no_import_cycles() -> None:
    found = import_cycles(EDGES)
    unknown = [_describe(cycle) for group, cycle in found.items() if group not in KNOWN_CYCLES]
    assert unknown == [], "import cycles:\n" + "\n".join(unknown)
    fixed = [
        f"{sorted(group)} ({owner})" for group, owner in KNOWN_CYCLES.items() if group not in found
    ]
    assert fixed == [], f"cycles gone; remove them from KNOWN_CYCLES: {fixed}"


def test_interface_exceptions_are_still_needed() -> None:
    pairs = {(e.importer, e.imported) for e in EDGES}
    assert set(INTERFACE_EXCEPTIONS) <= pairs


def _write(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_checker_sees_function_level_relative_imports_and_cycles(tmp_path: Path) -> None:
    """The analysis itself: a lazy upward import and a relative-import cycle are both found."""
    _write(
        tmp_path,
        {
            "taxonomies/__init__.py": "",
            "taxonomies/a.py": "def f():\n    from . import b\n",
            "taxonomies/b.py": "from .a import f\n",
            "observatory/__init__.py": "",
            "observatory/core.py": "def g():\n    import pipelines.job\n",
            "observatory/errors.py": "",
            "pipelines/__init__.py": "",
            "pipelines/job.py": "from observatory import errors\nimport numpy\n",
        },
    )
    edges, external = import_edges(tmp_path, ["taxonomies", "observatory", "pipelines"])
    violations = layer_violations(edges)
    assert len(violations) == 1
    assert "observatory/core.py:2 observatory.core -> pipelines.job" in violations[0]
    cycles = import_cycles(edges)
    assert {group: [(e.importer, e.imported) for e in c] for group, c in cycles.items()} == {
        frozenset({"taxonomies.a", "taxonomies.b"}): [
            ("taxonomies.a", "taxonomies.b"),
            ("taxonomies.b", "taxonomies.a"),
        ]
    }
    assert external["pipelines.job"] == {"numpy"}
