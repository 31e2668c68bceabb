"""borderline: see, compare and edit territorial scenarios in the browser.

Start it with `make run` or `borderline app` (http://localhost:8501). Everything
it shows comes from the embedded data and runs with no internet. This file only
sets up the page and routes to a view: each view is a module of app_pages/
(found there, so a new view is one new file), the work is done in scenarios/,
geo/ and borderline/.

A page module has ``VIEW`` (its URL path and ``?view=`` value), ``TITLE``,
``ORDER`` (its place in the sidebar), ``SCENARIOS`` (how many scenarios it shows
from the sidebar: 0, 1 or 2) and ``render(ctx: page.PageContext)``.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import sys
from pathlib import Path

import streamlit as st

st.set_page_config(page_title="borderline", layout="wide", initial_sidebar_state="expanded")
# No traceback is ever shown to a reader: sections report errors through page.guard, anything else is logged.
st.set_option("client.showErrorDetails", "none")
st.set_option("client.toolbarMode", "minimal")

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # `streamlit run` puts the app's folder on the path; other runners may not
    sys.path.insert(0, str(HERE))

from borderline.i18n import _  # noqa: E402
from borderline.ui import catalog, page, session, sidebar  # noqa: E402

PAGE_CSS = """<style>
[data-testid="stMainBlockContainer"], .block-container { padding-top: 2.2rem; }
</style>"""
DEFAULT_VIEW = "map"


def page_modules() -> list:
    """The view modules of app_pages/ in sidebar order (files starting with _ are helpers, not views)."""
    found = [importlib.import_module(f"app_pages.{m.name}") for m in pkgutil.iter_modules([str(HERE / "app_pages")])
             if not m.name.startswith("_")]
    return sorted(found, key=lambda m: m.ORDER)


def show(module, views: dict[str, str], entries, problems, lib, dates, oblasts) -> None:
    """Run one view: the shared sidebar and messages, then the page module."""
    opts = sidebar.draw(views, module.SCENARIOS, entries, dates)
    session.sync_to_url()
    page.show_messages(session.take_flashes())
    for problem in problems:
        page.show_error(problem, "In your library: ")
    ctx = page.PageContext(entries, lib, dates, oblasts, opts, page.leaflet_assets())
    with page.guard(_(module.TITLE)):
        module.render(ctx)


def main() -> None:
    st.html(PAGE_CSS)
    dates, oblasts = page.embedded_data()
    page.warm_up()
    lib, problem = page.open_library()
    if problem:
        session.flash("error", problem)
    entries, problems = page.scenario_catalog(lib)
    by_id = {e.id: e for e in entries}
    modules = {m.VIEW: m for m in page_modules()}
    views = {view: m.TITLE for view, m in modules.items()}
    pages = {view: st.Page(functools.partial(show, m, views, entries, problems, lib, dates, oblasts),
                           title=_(m.TITLE), url_path=view, default=view == DEFAULT_VIEW)
             for view, m in modules.items()}
    # Hidden: the sidebar's View radio is the menu (it keeps the view across pages and in ?view=); the pages give
    # each view its module and its URL path, and st.switch_page moves to the one the session asks for.
    current = st.navigation(list(pages.values()), position="hidden")
    page_view = next(view for view, p in pages.items() if p is current)
    session.init_from_url(by_id, dates, modules, page_view)
    builtins = catalog.builtin_entries()
    session.keep_known(by_id, builtins[0].id, builtins[1].id)
    wanted = session.route(page_view)
    if wanted != page_view:
        st.switch_page(pages[wanted])
    current.run()


main()
