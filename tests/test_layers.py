"""The import contract: geo ← scenarios ← borderline ← app.py and its pages, with no import upward.

Every import in every module is read (at module level and inside functions), so
an import added to dodge a cycle at run time still counts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("geo", "scenarios", "borderline")
# What each layer may import of the project: only itself and the layers below it.
ALLOWED = {
    "geo": {"geo"},
    "geo.build": {"geo"},
    "scenarios": {"geo", "scenarios"},
    "borderline": {"geo", "scenarios", "borderline"},
}
TEST_ONLY = {"playwright", "pytest", "hypothesis"}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            parts = path.relative_to(REPO).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = module.split(".")[: -node.level] if not path.name == "__init__.py" else \
                    module.split(".")[: len(module.split(".")) - node.level + 1]
                names.add(".".join(base + ([node.module] if node.module else [])))
            elif node.module:
                names.add(node.module)
                names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def _layer(module: str) -> str:
    return "geo.build" if module.startswith("geo.build") else module.split(".")[0]


MODULES = _modules()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_a_layer_above_its_own(module):
    allowed = ALLOWED[_layer(module)]
    project = {"geo", "scenarios", "borderline", "app", "app_pages", "tests", "bench"}
    bad = sorted(name for name in _imports(MODULES[module], module)
                 if name.split(".")[0] in project and name.split(".")[0] not in allowed)
    assert not bad, f"{module} imports {bad}, above its layer"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_test_drivers_stay_out_of_the_package(module):
    bad = sorted(n for n in _imports(MODULES[module], module) if n.split(".")[0] in TEST_ONLY)
    assert not bad, f"{module} imports the test tool(s) {bad}; test drivers belong under tests/"


def test_runtime_geo_does_not_use_the_build():
    for module, path in MODULES.items():
        if _layer(module) == "geo":
            assert not any(n.startswith("geo.build") for n in _imports(path, module)), module


def test_no_import_cycles_between_project_modules():
    graph = {m: {n for n in _imports(p, m) if n in MODULES and n != m} for m, p in MODULES.items()}
    # A package imports its submodules when they are named in a from-import; that is not a cycle.
    graph = {m: {n for n in deps if not m.startswith(n + ".")} for m, deps in graph.items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(node, stack):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif not state.get(nxt):
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for m in sorted(graph):
        if not state.get(m):
            visit(m, [])
    assert not cycles, f"import cycles: {cycles[:3]}"


def test_the_contract_is_checked_on_every_layer():
    layers = {_layer(m) for m in MODULES}
    assert layers == set(ALLOWED), layers
