"""The map view: one scenario at the sidebar's widths and baseline, its numbers, tables and downloads."""

from __future__ import annotations

import streamlit as st

from borderline import webmap
from borderline.i18n import _, language
from borderline.ui import days, panels, publish, session, tables
from borderline.ui import state as url
from borderline.ui.page import (PageContext, evaluation, guard, place_lookup, scenario_layers, show_legend,
                                show_map_with)
from borderline.ui.text import md
from geo.messages import N_

VIEW = "map"
TITLE = N_("Map")  # shown through _() by the sidebar
ORDER = 10
SCENARIOS = 1  # scenarios picked in the sidebar

DATA_FORMATS = ("gpkg", "geojson", "kml", "csv", "xlsx")
DATA_LABELS = {"gpkg": "GeoPackage", "geojson": "GeoJSON", "kml": "KML", "csv": "CSV", "xlsx": "XLSX"}
DATA_HELP = {"gpkg": N_("The layers as a GeoPackage (EPSG:3035)"), "geojson": N_("The layers as GeoJSON (EPSG:4326)"),
             "kml": N_("The layers as KML"), "csv": N_("The metrics as CSV"),
             "xlsx": N_("The metrics as an Excel workbook")}
MIME = {"gpkg": "application/geopackage+sqlite3", "geojson": "application/geo+json", "csv": "text/csv",
        "kml": "application/vnd.google-earth.kml+xml",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def render(ctx: PageContext) -> None:
    vs = session.view_state()
    entry = ctx.by_id[vs.scenario]
    s = entry.scenario()
    st.markdown(f"### {md(_(s.title))}")  # a built-in's title is in the catalog; a user's comes back as it is
    baseline = days.label(vs.baseline, days.calendar())
    byline = _("{who} · {date} · baseline {baseline} · DMZ {ua} km (Ukrainian side) / {ru} km (Russian side)")
    st.caption(byline.format(who=md(s.provenance.proposed_by), date=md(s.provenance.date), baseline=baseline,
                             ua=f"{vs.ua_km:g}", ru=f"{vs.ru_km:g}"))
    note = url.beyond_slider_note(vs.ua_km, vs.ru_km)
    if note:
        st.info(note)
    params = session.param_values()
    args = (entry.toml, vs.ua_km, vs.ru_km, vs.baseline, ctx.base_dir(entry), params)
    ev, layers = evaluation(*args), scenario_layers(*args, lang=language())
    with guard(_("Map")):
        draw_map(ctx, ev, layers, args)
    panels.headline(ev.metrics)
    col_numbers, col_tables = st.columns([1, 2], gap="medium")
    with col_numbers:
        panels.metrics_panel(ev.metrics)
    with col_tables, guard(_("Tables")):
        details(ev)
    with guard(_("Export")):
        export_buttons(ev, entry, ctx.opts)


def tiles_warning(opts: webmap.MapOptions) -> None:
    """With online tiles on: they need the internet; the embedded basemap stays under them."""
    if opts.online_tiles:
        st.warning(_("Online tiles need an internet connection. Without one the map shows the embedded basemap "
                     "under them; switch them off in Map layers to work offline."), icon="🌐")


def place_search(args) -> tuple[list, tuple | None, float | None]:
    """The place search above the map: the feature group that highlights the place, and the view to move to."""
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    query = c1.text_input(_("Find a place"), max_chars=url.PLACE_MAX_CHARS,
                          placeholder=_("a city or village (any common spelling), or LAT,LON"), **session.bound_place())
    c2.button(_("Clear"), key="w_place_clear", disabled=not query, width="stretch", on_click=session.clear_place)
    if not query.strip():
        return [], None, None
    found = place_lookup(query.strip(), *args)
    info = found["info"]
    popup = webmap.place_popup(info, found["side"], found["baseline_side"], args[3])
    return [webmap.place_group(info, popup)], (info["lat"], info["lon"]), 10.0


def draw_map(ctx: PageContext, ev, layers: dict, args) -> None:
    """The full-width map with its search, caption and legend."""
    opts = ctx.opts
    tiles_warning(opts)
    groups, center, zoom = [], None, None
    with guard(_("Place search")):
        groups, center, zoom = place_search(args)
    base = webmap.add_basemap(webmap.new_map(ctx.assets, opts), opts)
    view = show_map_with(base, [webmap.scenario_group(layers, opts), *groups], "main-map", opts.height, center, zoom,
                         track_view=True)
    session.set_map_view(view)  # for exports of the current view
    source = layers.get("baseline_source", "borderline")
    st.caption(_("Line of contact as of {day} (baseline; source: {source}). Hover a city or an area for details, "
                 "click a site for its status; the button under the zoom buttons shows the map full screen.").format(
        day=days.label(ev.baseline, days.calendar()), source=md(source)))
    show_legend(webmap.legend_entries(layers, opts), _("Legend"))


def details(ev) -> None:
    """Tables and provenance under the map."""
    m = ev.metrics
    tab_oblast, tab_places, tab_zones, tab_sites, tab_monitor, tab_about = st.tabs(
        [_("By oblast"), _("Places changing hands"), _("Zones"), _("Sites"), _("Monitoring"), _("About this scenario")])
    with tab_oblast:
        panels.static_table(tables.oblast_table(m))
        st.caption(_("Population columns marked * are the 2022 resident baseline, estimated."))
    with tab_places:
        panels.table_or(tables.changing_hands_table(m),
                        _("No place of 10,000 people or more changes hands against the baseline."),
                        _("Places of 10,000 or more whose side differs from the baseline of {day}.").format(
                            day=ev.baseline))
    with tab_zones:
        panels.table_or(tables.zones_table(m), _("This scenario has no zones."))
    with tab_sites:
        panels.table_or(tables.sites_table(m), _("No named sites."),
                        _("Named sites (data/sources/sites.toml): the side of each on the baseline and in this scenario, "
                          "and what the scenario says of it."))
    with tab_monitor:
        panels.static_table(tables.monitoring_table(m))
        st.caption(_("Estimate, low to high: {method}.").format(method=_(m.monitoring.method)))
        panels.static_table(tables.missions_table(m))
    with tab_about:
        panels.about(ev)


def export_buttons(ev, entry, opts: webmap.MapOptions) -> None:
    """Downloads of the view: the map for publication (size, extent or the current view, title, subtitle, credit,
    the layers switched on), the layers and metrics, and the scenario (one export module shared with the CLI)."""
    from borderline import export

    st.markdown(f"**{_('Download this view')}**")
    st.caption(_("The map for publication: pick a size and an extent (or the map's current view), edit the title, "
                 "subtitle and credit line; the layers follow the map's switches."))
    view = session.map_view()
    bounds = [[view["bounds"][0], view["bounds"][1]], [view["bounds"][2], view["bounds"][3]]] if view else None
    options = publish.controls(ev.scenario.title, bounds, opts, key="pub")
    publish.map_downloads(ev, options)
    cols = st.columns(len(DATA_FORMATS) + 1)
    for col, fmt in zip(cols, DATA_FORMATS):
        name = export.export_filename(ev.scenario.id, ev.dmz_ukrainian_side_km, ev.dmz_russian_side_km, fmt,
                                      params=export.scenario_params(ev.scenario))
        col.download_button(DATA_LABELS[fmt], panels.lazy_export(ev, fmt), file_name=name, mime=MIME[fmt],
                            on_click="ignore", key=f"dl_{fmt}", width="stretch", help=_(DATA_HELP[fmt]))
    with cols[-1]:
        panels.toml_download("TOML", entry.toml, entry.id, "dl_toml", width="stretch",
                             help=_("The scenario itself, as a TOML file"))
    st.caption(_("Files are made when you press the button (maps take a few seconds). GeoJSON is in EPSG:4326, "
                 "the GeoPackage in EPSG:3035 with areas as computed; population figures are the 2022 resident "
                 "baseline, estimated."))
