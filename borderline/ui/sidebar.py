"""The sidebar every view shares: the view, the scenario(s), parameters, DMZ widths, baseline and map layers."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from borderline import webmap
from borderline.i18n import _
from borderline.ui import days, language, session
from borderline.ui import state as url
from geo.messages import N_

LAYOUT_LABELS = {"side": N_("Small maps in sync"), "overlay": N_("One map: only in A, only in B")}
HEIGHT_LABELS = {420: N_("Small"), 620: N_("Medium"), 820: N_("Large"), 1000: N_("Very large")}
LAYER_LABELS = {"zones": N_("Zones"), "dmz": N_("DMZ bands"), "contact_line": N_("Line of contact"),
                "changes": N_("Changes against the baseline"), "sites": N_("Sites (nuclear plant, dam…)"),
                "oblasts": N_("Oblast borders"), "dnieper": N_("Dnieper"), "settlements": N_("Cities"),
                "labels": N_("Place names")}
MAP_HEIGHT = url.DEFAULT_HEIGHT
STEP_KM = 0.5


def _on_scenario(by_id: Mapping, dates: list[str]) -> None:
    picked = session.get("w_scenario")
    session.pick_scenario(picked, by_id[picked], dates)


def draw(view_labels: Mapping[str, str], scenarios: int, entries, dates: list[str]) -> webmap.MapOptions:
    """Draw the sidebar; return the map options its layer switches set.

    ``scenarios`` is how many scenarios the view shows from the sidebar: 0 (no pickers, widths or
    baseline), 1 (a scenario) or 2 (a comparison: scenarios A and B, up to two more, and the layout).
    """
    by_id = {e.id: e for e in entries}
    ids = list(by_id)
    sb = st.sidebar
    sb.markdown("## borderline")
    sb.caption(_("Territorial scenarios for a Russia–Ukraine settlement. Embedded data; works offline."))
    language.language_switch(sb)
    sb.radio(_("View"), list(view_labels), format_func=lambda v: _(view_labels[v]), **session.bound("view"))
    if scenarios:
        label = _("Scenario A") if scenarios == 2 else _("Scenario")
        session.init_widget("scenario")
        sb.selectbox(label, ids, format_func=lambda i: by_id[i].label, key="w_scenario",
                     on_change=_on_scenario, args=(by_id, dates))
        if scenarios == 2:
            compare_pickers(sb, ids, by_id)
        else:
            parameter_controls(sb, by_id[session.get("scenario")])
        dmz_controls(sb)
        baseline_control(sb)
    return layer_switches(sb)


def compare_pickers(sb, ids: list[str], by_id: Mapping) -> None:
    """Scenario B, how many scenarios are compared (2–4), the third and fourth, and the layout."""
    sb.selectbox(_("Scenario B"), ids, format_func=lambda i: by_id[i].label, **session.bound("other"))
    session.init_widget("count")
    sb.radio(_("Scenarios compared"), list(range(2, url.MAX_COMPARED + 1)), horizontal=True,
             **session.bound("count"))
    for i in range(session.get("count", 2) - 2):
        sb.selectbox(_("Scenario {letter}").format(letter="CD"[i]), ids, format_func=lambda s: by_id[s].label,
                     **session.bound_more(i))
    sb.radio(_("Layout"), list(LAYOUT_LABELS), format_func=lambda k: _(LAYOUT_LABELS[k]),
             help=_("The one-map overlay shows scenarios A and B."), **session.bound("layout"))


def parameter_controls(sb, entry) -> None:
    """A control per parameter of the scenario (choices: a segmented choice; a range: a slider)."""
    s = entry.scenario()
    for p in getattr(s, "parameters", None) or ():
        label = _(p.label) + (f" ({p.unit})" if getattr(p, "unit", "") else "")
        kwargs = session.bound_param(p.name, p.default, entry)
        if p.choices:
            sb.select_slider(label, options=list(p.choices), format_func=lambda v: f"{v:g}", **kwargs)
        else:
            step = p.step or (p.max - p.min) / 100 or 1.0
            sb.slider(label, float(p.min), float(p.max), step=float(step), **kwargs)


def baseline_control(sb) -> None:
    """The baseline: any supported day, or the latest line (a scenario, when picked, sets its own day)."""
    cal = days.calendar()
    latest = bool(session.get("baseline") == days.LATEST)
    helptext = _("Changes of hands are measured against the area Russia controlled on this day: any day from "
                 "{first} to {last}.").format(first=cal.first, last=cal.last)
    sb.date_input(_("Baseline control date"), min_value=cal.first_date, max_value=cal.last_date, format="YYYY-MM-DD",
                  disabled=latest, help=helptext, **session.bound_day("baseline", cal))
    sb.checkbox(_("Latest line"), help=_("The latest day with a line ({day}).").format(day=cal.last),
                **session.bound_latest("baseline", cal))


def dmz_controls(sb) -> None:
    """DMZ width sliders over the model's range: one for both sides, or one per side."""
    ua, ru = session.get("ua"), session.get("ru")
    top = url.slider_max_km(ua, ru)
    sb.markdown(f"**{_('Demilitarized zone (DMZ)')}**")
    session.init_widget("same")
    sb.toggle(_("Same width on both sides"), key="w_same", on_change=lambda: session.set_same(session.get("w_same")))
    if session.get("same"):
        session.default("w_both", ua)
        sb.slider(_("Width on each side of the line (km)"), 0.0, top, step=STEP_KM, key="w_both",
                  on_change=lambda: session.set_both_widths(session.get("w_both")), format="%.1f km")
    else:
        sb.slider(_("Ukrainian side (km)"), 0.0, top, step=STEP_KM, format="%.1f km", **session.bound("ua"))
        sb.slider(_("Russian side (km)"), 0.0, top, step=STEP_KM, format="%.1f km", **session.bound("ru"))
    note = url.beyond_slider_note(ua, ru)
    if note:
        sb.caption(note)


def layer_switches(sb) -> webmap.MapOptions:
    """The map's layer switches, online tiles and height (kept in the session and the URL)."""
    with sb.expander(_("Map layers and size"), expanded=False):
        for key, label in LAYER_LABELS.items():
            st.toggle(_(label), **session.bound(f"lay_{key}"))
        st.toggle(_("Online tile basemap (needs internet)"), help=_("Off by default: the embedded basemap needs no "
                  "network, and stays under the tiles in case they cannot load."), **session.bound("tiles"))
        st.select_slider(_("Map height"), options=list(url.HEIGHTS), format_func=lambda h: _(HEIGHT_LABELS[h]),
                         **session.bound("height"))
    return options_now()


def options_now() -> webmap.MapOptions:
    """The map options the session's switches describe."""
    on = {key: bool(session.get(f"lay_{key}", True)) for key in url.LAYERS}
    return webmap.MapOptions(height=int(session.get("height", MAP_HEIGHT)), online_tiles=bool(session.get("tiles")),
                             **on)
