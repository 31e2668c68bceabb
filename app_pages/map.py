"""The map view: one scenario at the sidebar's widths and baseline, its numbers, tables and downloads."""

from __future__ import annotations

import streamlit as st

from borderline import webmap
from borderline.ui import days, panels, session, tables
from borderline.ui import state as url
from borderline.ui.page import PageContext, evaluation, guard, scenario_layers, show_legend, show_map
from borderline.ui.text import md

VIEW = "map"
TITLE = "Map"
ORDER = 10
SCENARIOS = 1  # scenarios picked in the sidebar

PAGES = {"a4": "A4 landscape", "slide": "Slide, 16:9"}
EXTENTS = {"ukraine": "All of Ukraine", "east-south": "East and south"}
EXPORT_LABELS = {"png": "PNG", "svg": "SVG", "pdf": "PDF", "gpkg": "GeoPackage", "geojson": "GeoJSON", "csv": "CSV",
                 "xlsx": "XLSX", "kml": "KML"}
EXPORT_HELP = {"png": "The map as a PNG image (300 dpi)", "svg": "The map as an SVG vector drawing",
               "pdf": "The map as a PDF page", "gpkg": "The layers as a GeoPackage (EPSG:3035)",
               "geojson": "The layers as GeoJSON (EPSG:4326)", "csv": "The metrics as CSV",
               "xlsx": "The metrics as an Excel workbook", "kml": "The layers as KML"}
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "gpkg": "application/geopackage+sqlite3",
        "geojson": "application/geo+json", "csv": "text/csv", "kml": "application/vnd.google-earth.kml+xml",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def render(ctx: PageContext) -> None:
    vs = session.view_state()
    entry = ctx.by_id[vs.scenario]
    s = entry.scenario()
    st.markdown(f"### {md(s.title)}")
    baseline = days.label(vs.baseline, days.calendar())
    st.caption(f"{md(s.provenance.proposed_by)} · {md(s.provenance.date)} · baseline {baseline} · "
               f"DMZ {vs.ua_km:g} km (Ukrainian side) / {vs.ru_km:g} km (Russian side)")
    note = url.beyond_slider_note(vs.ua_km, vs.ru_km)
    if note:
        st.info(note)
    args = (entry.toml, vs.ua_km, vs.ru_km, vs.baseline, ctx.base_dir(entry))
    ev, layers = evaluation(*args), scenario_layers(*args)
    panels.headline(ev.metrics)
    col_map, col_numbers = st.columns([2, 1], gap="medium")
    with col_map:
        with guard("Map"):
            base = webmap.add_basemap(webmap.new_map(ctx.assets, ctx.opts), ctx.opts)
            show_map(base, webmap.scenario_group(layers, ctx.opts), "main-map", ctx.opts.height)
            show_legend(webmap.legend_entries(layers, ctx.opts), "Legend")
    with col_numbers:
        panels.metrics_panel(ev.metrics)
    with guard("Tables"):
        details(ev)
    with guard("Export"):
        export_buttons(ev, entry)


def details(ev) -> None:
    """Tables and provenance under the map."""
    m = ev.metrics
    tab_oblast, tab_places, tab_zones, tab_about = st.tabs(["By oblast", "Places changing hands", "Zones",
                                                            "About this scenario"])
    with tab_oblast:
        panels.static_table(tables.oblast_table(m))
        st.caption("Population columns marked * are the 2022 resident baseline, estimated.")
    with tab_places:
        panels.table_or(tables.changing_hands_table(m),
                        "No place of 10,000 people or more changes hands against the baseline.",
                        f"Places of 10,000 or more whose side differs from the baseline of {ev.baseline}.")
    with tab_zones:
        panels.table_or(tables.zones_table(m), "This scenario has no zones.")
    with tab_about:
        panels.about(ev)


def export_buttons(ev, entry) -> None:
    """Download buttons for the view: map, layers, metrics (one export module shared with the command line)."""
    from borderline import export

    st.markdown("**Download this view**: map (PNG, SVG, PDF), layers (GeoPackage, GeoJSON), metrics (CSV, XLSX) "
                "and the scenario (TOML)")
    c1, c2, _ = st.columns([1, 1, 2])
    map_page = c1.selectbox("Map page", list(PAGES), format_func=PAGES.get, key="dl_page")
    extent = c2.selectbox("Map extent", list(EXTENTS), format_func=EXTENTS.get, key="dl_extent")
    formats = [f for f in ("png", "svg", "pdf", "gpkg", "geojson", "csv", "xlsx") if f in export.FORMATS]
    cols = st.columns(len(formats) + 1)
    for col, fmt in zip(cols, formats):
        name = export.export_filename(ev.scenario.id, ev.dmz_ukrainian_side_km, ev.dmz_russian_side_km, fmt)
        col.download_button(EXPORT_LABELS.get(fmt, fmt), panels.lazy_export(ev, fmt, page=map_page, extent=extent),
                            file_name=name, mime=MIME.get(fmt), on_click="ignore", key=f"dl_{fmt}",
                            width="stretch", help=EXPORT_HELP.get(fmt))
    with cols[-1]:
        panels.toml_download("TOML", entry.toml, entry.id, "dl_toml", width="stretch",
                             help="The scenario itself, as a TOML file")
    st.caption("Maps are made when you press the button (a few seconds). GeoJSON is in EPSG:4326, the "
               "GeoPackage in EPSG:3035 with areas as computed; population figures are the 2022 resident "
               "baseline, estimated.")
