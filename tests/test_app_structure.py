"""Issue 9: the app's shape: a thin entry script, one module per view, session state in one module.

These read the source (no page is run): the limits of the issue, the page
modules' contract with app.py, and the direction of imports.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAGES = sorted((REPO / "app_pages").glob("*.py"))
VIEW_MODULES = [p for p in PAGES if not p.name.startswith("_")]
APP_CODE = [REPO / "app.py", *PAGES, *sorted((REPO / "borderline").rglob("*.py"))]


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_entry_script_and_the_pages_are_small():
    assert lines(REPO / "app.py") < 120
    assert {p.name: lines(p) for p in PAGES if lines(p) > 250} == {}


def test_every_view_is_a_page_module_with_its_url_path():
    from borderline.ui import state

    modules = [importlib.import_module(f"app_pages.{p.stem}") for p in VIEW_MODULES]
    for m in modules:
        assert isinstance(m.VIEW, str) and m.TITLE and isinstance(m.ORDER, int) and callable(m.render), m.__name__
        assert m.SCENARIOS in (0, 1, 2), m.__name__
    views = [m.VIEW for m in modules]
    assert len(set(views)) == len(views)
    assert set(state.VIEWS) <= set(views), "a ?view= value of existing links has no page"


def test_session_state_is_touched_only_by_the_session_module():
    def touches(path: Path) -> bool:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        return any(isinstance(n, ast.Attribute) and n.attr == "session_state" for n in ast.walk(tree))

    offenders = [str(p.relative_to(REPO)) for p in APP_CODE if touches(p) and p.name != "session.py"]
    assert offenders == []


@pytest.mark.parametrize("path", sorted((REPO / "borderline").rglob("*.py")), ids=lambda p: p.name)
def test_the_package_never_imports_the_app_or_its_pages(path):
    upward = {m for m in imported_modules(path) if m == "app" or m.split(".")[0] == "app_pages"}
    assert upward == set()


def test_test_drivers_are_not_in_the_package():
    assert not (REPO / "borderline" / "ui" / "harness.py").exists()
    assert not any("playwright" in imported_modules(p) for p in (REPO / "borderline").rglob("*.py"))
