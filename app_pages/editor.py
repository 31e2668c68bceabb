"""The editor view: build a scenario in a form with a live preview, and manage the user's library."""

from __future__ import annotations

import streamlit as st

from app_pages import _library
from app_pages._area_form import area_widgets, day_input, zone_widgets
from borderline import webmap
from borderline.ui import catalog, editor, panels, session
from borderline.ui import state as url
from borderline.ui.page import PageContext, evaluation, guard, scenario_layers, show_error, show_legend, show_map
from scenarios.values import DMZ_MAX_KM

VIEW = "editor"
TITLE = "Scenario editor and library"
ORDER = 30
SCENARIOS = 0  # scenarios picked in the sidebar


def render(ctx: PageContext) -> None:
    tab_build, tab_library = st.tabs(["Build a scenario", "Your library"])
    with tab_build:
        with guard("Editor"):
            build_tab(ctx)
            session.keep_draft()
    with tab_library:
        with guard("Library"):
            _library.library_tab(ctx)


def on_save(lib) -> None:
    def save():
        scenario = editor.to_scenario(session.draft())
        lib.add(scenario, replace=bool(session.get("ed_overwrite")))
        return scenario

    _library.add_to_library(save, "Not saved", "tick 'Replace' or change the id",
                            lambda s: f"Saved {s.id} to your library ({lib.folder}). It is now in the scenario list.")


def _editable(entry: catalog.Entry) -> bool:
    """Whether the form can show a scenario."""
    try:
        editor.from_scenario(entry.scenario())
        return True
    except (editor.NotEditable, ValueError):
        return False


def build_tab(ctx: PageContext) -> None:
    session.restore_draft()
    editable = [e for e in ctx.entries if _editable(e)]
    labels = {e.id: e.label for e in editable}
    c1, c2 = st.columns([3, 1])
    pick = c1.selectbox("Start from a scenario (optional)", list(labels), format_func=labels.get, key="ed_start")
    c2.button("Open in the form", on_click=session.open_in_editor,
              args=(ctx.by_id[pick], ctx.dates, True), key="ed_open")
    form_col, preview_col = st.columns([1, 1], gap="large")
    with form_col:
        st.text_input("Title", key="ed_title", max_chars=200)
        st.text_input("Id (file name)", key="ed_id", max_chars=64, placeholder="made from the title",
                      help="Lowercase letters, digits and hyphens.")
        st.text_area("Summary", key="ed_summary", max_chars=4000, height=80)
        c1, c2, c3 = st.columns(3)
        c1.text_input("Proposed by", key="ed_proposed_by", max_chars=300)
        c2.text_input("Date", key="ed_date", max_chars=40, placeholder="2025-11")
        day_input(c3, "Baseline control date", "ed_baseline")
        st.text_input("Source", key="ed_source", max_chars=1000)
        st.markdown("**Russian-administered territory**")
        area_widgets(editor.TERRITORY, ctx.oblasts, ctx.dates)
        st.markdown("**DMZ**")
        c1, c2 = st.columns(2)
        c1.number_input("Ukrainian side (km)", 0.0, DMZ_MAX_KM, step=1.0, key="ed_ua")
        c2.number_input("Russian side (km)", 0.0, DMZ_MAX_KM, step=1.0, key="ed_ru")
        zone_widgets(ctx.oblasts, ctx.dates)
        st.checkbox("Replace a scenario of the same id in my library", key="ed_overwrite")
        st.button("Save to my library", type="primary", on_click=on_save, args=(ctx.library,), key="ed_save")
    with preview_col:
        preview(ctx)


def preview(ctx: PageContext) -> None:
    """Live preview of the draft at its own DMZ widths: validation message, map and headline figures."""
    st.markdown("**Preview**")
    draft = session.draft()
    if not draft.title:
        st.info("Give the scenario a title and choose its territory to see it here.")
        return
    try:
        scenario = editor.to_scenario(draft)
    except ValueError as exc:
        show_error(exc)
        return
    from scenarios.model import dumps

    toml = dumps(scenario)
    ua, ru = scenario.dmz.ukrainian_side_km, scenario.dmz.russian_side_km
    with guard("Preview"):
        ev, layers = evaluation(toml, ua, ru, scenario.baseline), scenario_layers(toml, ua, ru, scenario.baseline)
        base = webmap.add_basemap(webmap.new_map(ctx.assets, ctx.opts), ctx.opts)
        show_map(base, webmap.scenario_group(layers, ctx.opts), "editor-map", 460)
        show_legend(webmap.legend_entries(layers, ctx.opts), "Legend")
        st.caption(f"DMZ {ua:g} km (Ukrainian side) / {ru:g} km (Russian side), baseline {scenario.baseline}")
        note = url.beyond_slider_note(ua, ru)
        if note:
            st.info(note)
        panels.headline(ev.metrics, compact=True)
        panels.metrics_panel(ev.metrics, compact=True)
        panels.toml_download("Download as TOML", toml, scenario.id, "ed_download")
