"""The sidebar every view shares: the view, the scenario(s), DMZ widths, baseline and map layers."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from borderline import webmap
from borderline.ui import days, session
from borderline.ui import state as url

LAYOUT_LABELS = {"side": "Side by side, maps in sync", "overlay": "One map, both outlines"}
MAP_HEIGHT = 560
STEP_KM = 0.5


def _on_scenario(by_id: Mapping, dates: list[str]) -> None:
    picked = session.get("w_scenario")
    session.pick_scenario(picked, by_id[picked], dates)


def draw(view_labels: Mapping[str, str], scenarios: int, entries, dates: list[str]) -> webmap.MapOptions:
    """Draw the sidebar; return the map options its layer switches set.

    ``scenarios`` is how many scenarios the view shows from the sidebar: 0 (no pickers, widths or
    baseline), 1 (a scenario) or 2 (scenarios A and B and the comparison's layout).
    """
    by_id = {e.id: e for e in entries}
    ids = list(by_id)
    sb = st.sidebar
    sb.markdown("## borderline")
    sb.caption("Territorial scenarios for a Russia–Ukraine settlement. Embedded data; works offline.")
    sb.radio("View", list(view_labels), format_func=view_labels.get, **session.bound("view"))
    if scenarios:
        label = "Scenario A" if scenarios == 2 else "Scenario"
        session.init_widget("scenario")
        sb.selectbox(label, ids, format_func=lambda i: by_id[i].label, key="w_scenario",
                     on_change=_on_scenario, args=(by_id, dates))
        if scenarios == 2:
            sb.selectbox("Scenario B", ids, format_func=lambda i: by_id[i].label, **session.bound("other"))
            sb.radio("Layout", list(LAYOUT_LABELS), format_func=LAYOUT_LABELS.get, **session.bound("layout"))
        dmz_controls(sb)
        baseline_control(sb)
    return layer_switches(sb)


def baseline_control(sb) -> None:
    """The baseline: any supported day, or the latest line (a scenario, when picked, sets its own day)."""
    cal = days.calendar()
    latest = bool(session.get("baseline") == days.LATEST)
    sb.date_input("Baseline control date", min_value=cal.first_date, max_value=cal.last_date, format="YYYY-MM-DD",
                  disabled=latest, help=f"Changes of hands are measured against the area Russia controlled on this "
                  f"day: any day from {cal.first} to {cal.last}.", **session.bound_day("baseline", cal))
    sb.checkbox("Latest line", help=f"The latest day with a line ({cal.last}).",
                **session.bound_latest("baseline", cal))


def dmz_controls(sb) -> None:
    """DMZ width sliders over the model's range: one for both sides, or one per side."""
    ua, ru = session.get("ua"), session.get("ru")
    top = url.slider_max_km(ua, ru)
    sb.markdown("**Demilitarized zone (DMZ)**")
    session.init_widget("same")
    sb.toggle("Same width on both sides", key="w_same", on_change=lambda: session.set_same(session.get("w_same")))
    if session.get("same"):
        session.default("w_both", ua)
        sb.slider("Width on each side of the line (km)", 0.0, top, step=STEP_KM, key="w_both",
                  on_change=lambda: session.set_both_widths(session.get("w_both")), format="%.1f km")
    else:
        sb.slider("Ukrainian side (km)", 0.0, top, step=STEP_KM, format="%.1f km", **session.bound("ua"))
        sb.slider("Russian side (km)", 0.0, top, step=STEP_KM, format="%.1f km", **session.bound("ru"))
    note = url.beyond_slider_note(ua, ru)
    if note:
        sb.caption(note)


def layer_switches(sb) -> webmap.MapOptions:
    with sb.expander("Map layers", expanded=False):
        opts = dict(
            zones=st.toggle("Zones", value=True, key="lay_zones"),
            dmz=st.toggle("DMZ bands", value=True, key="lay_dmz"),
            contact_line=st.toggle("Line of contact", value=True, key="lay_line"),
            changes=st.toggle("Changes against the baseline", value=True, key="lay_changes"),
            oblasts=st.toggle("Oblast borders", value=True, key="lay_oblasts"),
            dnieper=st.toggle("Dnieper", value=True, key="lay_dnieper"),
            settlements=st.toggle("Cities and labels", value=True, key="lay_cities"),
            online_tiles=st.toggle("Online tile basemap (needs internet)", value=False, key="lay_tiles",
                                   help="Off by default: the embedded basemap needs no network."),
        )
    return webmap.MapOptions(height=MAP_HEIGHT, **opts)
