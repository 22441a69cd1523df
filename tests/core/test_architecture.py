"""The import rules between feature packages (docs/ARCHITECTURE.md), read from the source.

A feature package is a folder under portal/ with an __init__.py (accounts, cohorts,
learning, ...); its sub-packages (discussion/notifications) belong to it. Every import
statement counts, wherever it sits: at the top of a module, inside a function (the lazy
imports some modules use to dodge a load-order problem are still a dependency at run time)
or under `if TYPE_CHECKING`. The top-level modules of portal/ (the app factory, models,
cli, seed, web, ...) are the core, not features: they may import features to wire them
together, so they are left out of the graph.
"""

from __future__ import annotations

import ast
from pathlib import Path

PORTAL = Path(__file__).resolve().parents[2] / "portal"


def feature_packages(root: Path = PORTAL) -> list[str]:
    return sorted(p.name for p in root.iterdir() if (p / "__init__.py").is_file())


def imported_modules(source: str) -> list[str]:
    """Every module an import statement in the source names, with `from a import b`
    giving both `a` and `a.b` (b may be a module)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def feature_imports(root: Path = PORTAL) -> list[tuple[str, str, str, str]]:
    """(importing feature, file, imported feature, imported module) for every import of
    another feature's module."""
    features = set(feature_packages(root))
    rows = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if len(parts) < 2 or parts[0] not in features:
            continue
        source_feature = parts[0]
        for module in imported_modules(path.read_text(encoding="utf-8")):
            names = module.split(".")
            if len(names) >= 2 and names[0] == "portal" and names[1] in features:
                if names[1] != source_feature:
                    rows.append((source_feature, str(path.relative_to(root)), names[1], module))
    return rows


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle in the directed graph as [a, b, ..., a], or None (depth-first search)."""
    state: dict[str, str] = {}  # node -> "open" while on the path, "done" after
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return path[path.index(target) :] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_cycle_finder_finds_cycles_and_only_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None  # a diamond
    assert find_cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert find_cycle({"x": {"a"}, "a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"a"}}) == ["a", "a"]


def test_the_import_reader_sees_imports_inside_functions(tmp_path):
    root = tmp_path / "portal"
    for name in ("shop", "users"):
        (root / name).mkdir(parents=True)
        (root / name / "__init__.py").write_text("")
    (root / "shop" / "services.py").write_text("from portal.users import views\n")
    (root / "users" / "queries.py").write_text(
        "def late():\n    from portal.shop.models import Order\n    return Order\n"
    )
    rows = feature_imports(root)
    assert ("shop", "shop/services.py", "users", "portal.users.views") in rows
    assert ("users", "users/queries.py", "shop", "portal.shop.models") in rows
    graph = {"shop": {"users"}, "users": {"shop"}}
    assert find_cycle(graph) == ["shop", "users", "shop"]


def test_no_feature_imports_another_features_views():
    offending = [
        f"{file} imports {module}"
        for _, file, target, module in feature_imports()
        if module.split(".")[2:3] == ["views"]
    ]
    assert offending == []


def test_no_import_cycle_between_feature_packages():
    graph: dict[str, set[str]] = {name: set() for name in feature_packages()}
    for source, _, target, _ in feature_imports():
        graph[source].add(target)
    assert find_cycle(graph) is None
    # The packages this rule is about are all there (a rename would empty the test).
    assert {"accounts", "cohorts", "learning", "discussion", "public"} <= set(graph)
    assert "notifications" not in graph  # folded into discussion
