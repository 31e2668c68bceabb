"""borderline: see, compare and edit territorial scenarios in the browser.

Start it with `make run` or `borderline app` (http://localhost:8501). Everything
it shows comes from the embedded data and runs with no internet. This file
only arranges the page; the work is done in scenarios/, geo/ and borderline/.
"""

from __future__ import annotations

import datetime
import logging

import streamlit as st

st.set_page_config(page_title="borderline", layout="wide", initial_sidebar_state="expanded")
# No traceback is ever shown to a reader: sections report errors through page.guard, anything else is logged.
st.set_option("client.showErrorDetails", "none")
st.set_option("client.toolbarMode", "minimal")

from borderline import webmap  # noqa: E402
from borderline.ui import catalog, editor, page, tables  # noqa: E402
from borderline.ui import state as url  # noqa: E402
from borderline.ui.text import esc, km2, md, one_line, people  # noqa: E402

log = logging.getLogger("borderline.app")
SS = st.session_state
VIEW_LABELS = {"map": "Map", "compare": "Compare two scenarios", "editor": "Scenario editor and library",
               "import": "Import an area"}
LAYOUT_LABELS = {"side": "Side by side, maps in sync", "overlay": "One map, both outlines"}
MAX_UPLOADS = 10
MAX_TOML_BYTES = 1_000_000
MAP_HEIGHT = 560


# ---------------------------------------------------------------------------------------------------------
# State: canonical values in session_state, copied from and to the widgets (which Streamlit forgets when a
# view does not draw them), and to the URL.


def _copy(widget_key: str, key: str) -> None:
    SS[key] = SS[widget_key]


def bound(key: str) -> dict:
    """Widget arguments that keep ``SS[key]`` as the value of the widget ``w_<key>``."""
    widget = f"w_{key}"
    if widget not in SS:
        SS[widget] = SS[key]
    return {"key": widget, "on_change": _copy, "args": (widget, key)}


def put(key: str, value) -> None:
    """Set a canonical value and its widget (only from a callback, before the widgets are drawn)."""
    SS[key] = value
    SS[f"w_{key}"] = value


def flash(kind: str, message: str) -> None:
    """A message to show at the top of the next run (callbacks cannot draw)."""
    SS.setdefault("flash", []).append((kind, message))


def show_flash() -> None:
    for kind, message in SS.pop("flash", []):
        if kind == "error":
            page.show_error(message)
        elif kind == "info":
            st.info(md(message))
        else:
            st.success(md(message))


def library():
    """The user's scenario library (created if absent)."""
    from scenarios.library import UserLibrary

    lib = UserLibrary()
    try:
        lib.folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.warning("cannot create the library folder %s: %s", lib.folder, exc)
        flash("error", f"cannot create your library folder {lib.folder} ({exc.strerror}); set BORDERLINE_HOME")
    return lib


def scenario_defaults(entry: catalog.Entry, dates: list[str]) -> None:
    """Set the DMZ widths and the baseline to those of a scenario (when it is picked)."""
    s = entry.scenario()
    ua, ru = url.clamp_width(s.dmz.ukrainian_side_km), url.clamp_width(s.dmz.russian_side_km)
    put("ua", ua)
    put("ru", ru)
    put("same", ua == ru)
    SS["w_both"] = ua
    put("baseline", s.baseline if s.baseline in dates else dates[-1])
    if max(s.dmz.ukrainian_side_km, s.dmz.russian_side_km) > url.SLIDER_MAX_KM:
        flash("info", f"The scenario's DMZ is wider than {url.SLIDER_MAX_KM:.0f} km; the sliders show "
                      f"{url.SLIDER_MAX_KM:.0f} km.")


def init_state(by_id: dict, dates: list[str]) -> None:
    """On a session's first run: the state from the URL, else the defaults."""
    if SS.get("_ready"):
        return
    vs, notes = url.from_query(st.query_params.to_dict(), list(by_id), dates)
    SS.view, SS.scenario, SS.other, SS.layout = vs.view, vs.scenario, vs.other, vs.layout
    scenario_defaults(by_id[vs.scenario], dates)
    if vs.ua_km is not None:
        put("ua", vs.ua_km)
    if vs.ru_km is not None:
        put("ru", vs.ru_km)
    put("same", SS.ua == SS.ru)
    SS["w_both"] = SS.ua
    if vs.baseline:
        put("baseline", vs.baseline)
    SS.uploads = {}  # this session's uploaded areas: never shared with another session
    for note in notes:
        flash("info", f"Link: {note}.")
    SS._ready = True


def sync_url() -> None:
    """Write the state into the URL, so the view can be shared by link and restored on reload."""
    vs = url.ViewState(view=SS.view, scenario=SS.scenario, other=SS.other, ua_km=SS.ua, ru_km=SS.ru,
                       baseline=SS.baseline, layout=SS.layout)
    wanted = url.to_query(vs)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


# ---------------------------------------------------------------------------------------------------------
# Sidebar


def on_scenario(by_id: dict, dates: list[str]) -> None:
    SS.scenario = SS.w_scenario
    scenario_defaults(by_id[SS.scenario], dates)


def on_same() -> None:
    SS.same = SS.w_same
    if SS.same:
        put("ru", SS.ua)
        SS["w_both"] = SS.ua


def on_both() -> None:
    SS.ua = SS.ru = SS.w_both


def sidebar(entries: list[catalog.Entry], dates: list[str]) -> webmap.MapOptions:
    """The sidebar: view, scenario(s), DMZ widths, baseline and layer switches; returns the map options."""
    by_id = {e.id: e for e in entries}
    ids = list(by_id)
    sb = st.sidebar
    sb.markdown("## borderline")
    sb.caption("Territorial scenarios for a Russia–Ukraine settlement. Embedded data; works offline.")
    sb.radio("View", list(VIEW_LABELS), format_func=VIEW_LABELS.get, **bound("view"))
    if SS.view in ("map", "compare"):
        label = "Scenario A" if SS.view == "compare" else "Scenario"
        _init_widget("scenario")
        sb.selectbox(label, ids, format_func=lambda i: by_id[i].label, key="w_scenario",
                     on_change=on_scenario, args=(by_id, dates))
        if SS.view == "compare":
            sb.selectbox("Scenario B", ids, format_func=lambda i: by_id[i].label, **bound("other"))
            sb.radio("Layout", list(LAYOUT_LABELS), format_func=LAYOUT_LABELS.get, **bound("layout"))
        dmz_controls(sb)
        sb.selectbox("Baseline control date", dates, help="Changes of hands are measured against the area "
                     "Russia controlled on this date.", **bound("baseline"))
    return layer_switches(sb)


def _init_widget(key: str) -> None:
    """Initialise the widget ``w_<key>`` from its canonical value (for widgets with their own callback)."""
    if f"w_{key}" not in SS:
        SS[f"w_{key}"] = SS[key]


def dmz_controls(sb) -> None:
    """DMZ width sliders, 0–50 km: one for both sides, or one per side."""
    sb.markdown("**Demilitarized zone (DMZ)**")
    _init_widget("same")
    sb.toggle("Same width on both sides", key="w_same", on_change=on_same)
    if SS.same:
        if "w_both" not in SS:
            SS["w_both"] = SS.ua
        sb.slider("Width on each side of the line (km)", 0.0, url.SLIDER_MAX_KM, step=0.5, key="w_both",
                  on_change=on_both, format="%.1f km")
    else:
        sb.slider("Ukrainian side (km)", 0.0, url.SLIDER_MAX_KM, step=0.5, format="%.1f km", **bound("ua"))
        sb.slider("Russian side (km)", 0.0, url.SLIDER_MAX_KM, step=0.5, format="%.1f km", **bound("ru"))


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


# ---------------------------------------------------------------------------------------------------------
# Map view


def headline(m: dict, compact: bool = False) -> None:
    """The headline figures in one row (the first two only in a narrow column)."""
    items = tables.tiles(m)[:2] if compact else tables.tiles(m)
    for col, t in zip(st.columns(len(items)), items):
        col.metric(t.label, t.value)


def metrics_panel(m: dict, compact: bool = False) -> None:
    """The area and population of every part, and the population note."""
    table = tables.summary_table(m)
    if compact:
        table = table.iloc[[0, 2, 3, 6]]
    st.table(table.set_index(table.columns[0]))
    st.caption(f"\\* {md(m.method.population)}. Areas in km², equal-area projection (EPSG:3035).")


def _table(frame) -> None:
    """A small static table (lighter for the browser than an interactive grid), numbers with separators."""
    shown = frame.copy()
    for col in shown.columns:
        if col.endswith("*"):  # estimates: rounded like every other population figure on the page
            shown[col] = shown[col].map(people)
        elif shown[col].dtype.kind == "i":
            shown[col] = shown[col].map("{:,}".format)
        elif shown[col].dtype.kind == "f":
            shown[col] = shown[col].map("{:,.1f}".format)
    st.table(shown.set_index(shown.columns[0]))


def _table_or(frame, empty_message: str, caption: str | None = None) -> None:
    """A table, or a sentence saying there is nothing to list."""
    if frame.empty:
        st.write(empty_message)
        return
    _table(frame)
    if caption:
        st.caption(caption)


def details(ev) -> None:
    """Tables and provenance under the map."""
    m, s = ev.metrics, ev.scenario
    tab_oblast, tab_places, tab_zones, tab_about = st.tabs(["By oblast", "Places changing hands", "Zones",
                                                            "About this scenario"])
    with tab_oblast:
        _table(tables.oblast_table(m))
        st.caption("Population columns marked * are the 2022 resident baseline, estimated.")
    with tab_places:
        _table_or(tables.changing_hands_table(m), "No place of 10,000 people or more changes hands against the baseline.",
                  f"Places of 10,000 or more whose side differs from the baseline of {m.baseline}.")
    with tab_zones:
        _table_or(tables.zones_table(m), "This scenario has no zones.")
    with tab_about:
        about(s, m)


def about(s, m: dict) -> None:
    """Summary, provenance and method of a scenario (user text is escaped)."""
    st.markdown(md(s.summary))
    p = s.provenance
    st.markdown(f"**Proposed by:** {md(p.proposed_by)}  \n**Date:** {md(p.date)}  \n**Source:** {md(p.source)}")
    method = m.method
    st.markdown(f"**Baseline:** area Russia controlled on {m.baseline}  \n"
                f"**Population:** {md(method.population)}  \n**Areas:** {md(method.area)}  \n"
                f"**Line of contact:** {md(method.contact_line)}  \n**DMZ:** {md(method.dmz)}")


def map_view(entry: catalog.Entry, opts: webmap.MapOptions, assets: webmap.Assets, base_dir: str | None) -> None:
    s = entry.scenario()
    st.markdown(f"### {md(s.title)}")
    st.caption(f"{md(s.provenance.proposed_by)} · {md(s.provenance.date)} · baseline {SS.baseline} · "
               f"DMZ {SS.ua:g} km (Ukrainian side) / {SS.ru:g} km (Russian side)")
    ev = page.evaluation(entry.toml, SS.ua, SS.ru, SS.baseline, base_dir)
    layers = page.scenario_layers(entry.toml, SS.ua, SS.ru, SS.baseline, base_dir)
    headline(ev.metrics)
    col_map, col_numbers = st.columns([2, 1], gap="medium")
    with col_map:
        with page.guard("Map"):
            base = webmap.add_basemap(webmap.new_map(assets, opts), opts)
            page.show_map(base, webmap.scenario_group(layers, opts), "main-map", opts.height)
            page.show_legend(webmap.legend_entries(layers, opts), "Legend")
    with col_numbers:
        metrics_panel(ev.metrics)
    with page.guard("Tables"):
        details(ev)
    with page.guard("Export"):
        export_buttons(ev, entry)


# ---------------------------------------------------------------------------------------------------------
# Exports (one export module shared with the command line)


def _lazy_export(ev, fmt: str, **map_options):
    """A download callable: the file is made when the button is pressed, not on every redraw."""
    from borderline import export

    def make() -> bytes:
        try:
            return export.render_bytes(ev, fmt, **(map_options if fmt in export.MAP_FORMATS else {}))
        except export.ExportError:
            raise
        except Exception as exc:
            log.exception("export %s of %s failed", fmt, ev.scenario.id)
            raise export.ExportError(f"the {fmt} export failed; the details are in the server log") from exc

    return make


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


def export_buttons(ev, entry: catalog.Entry) -> None:
    """Download buttons for the current view: map, layers, metrics and the scenario's TOML."""
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
        col.download_button(EXPORT_LABELS.get(fmt, fmt), _lazy_export(ev, fmt, page=map_page, extent=extent),
                            file_name=name, mime=MIME.get(fmt), on_click="ignore", key=f"dl_{fmt}",
                            width="stretch", help=EXPORT_HELP.get(fmt))
    cols[-1].download_button("TOML", entry.toml.encode("utf-8"), file_name=f"{entry.id}.toml",
                             mime="application/toml", on_click="ignore", key="dl_toml", width="stretch",
                             help="The scenario itself, as a TOML file")
    st.caption("Maps are made when you press the button (a few seconds). GeoJSON is in EPSG:4326, the "
               "GeoPackage in EPSG:3035 with areas as computed; population figures are the 2022 resident "
               "baseline, estimated.")


# ---------------------------------------------------------------------------------------------------------
# Compare view


def compare_view(a: catalog.Entry, b: catalog.Entry, opts, assets, base_dir: str | None) -> None:
    sa, sb = a.scenario(), b.scenario()
    st.markdown(f"### A: {md(sa.title)}  \n### B: {md(sb.title)}")
    st.caption(f"Both at DMZ {SS.ua:g} km (Ukrainian side) / {SS.ru:g} km (Russian side), "
               f"against the baseline of {SS.baseline}.")
    args = (SS.ua, SS.ru, SS.baseline)
    ev_a, ev_b = page.evaluation(a.toml, *args, base_dir), page.evaluation(b.toml, *args, base_dir)
    with page.guard("Maps"):
        if SS.layout == "side":
            la, lb = page.scenario_layers(a.toml, *args, base_dir), page.scenario_layers(b.toml, *args, base_dir)
            page.show_dual_map(webmap.dual_map(la, lb, opts, assets), "dual-map", opts.height - 80)
            col_a, col_b = st.columns(2)
            with col_a:
                page.show_legend(webmap.legend_entries(la, opts), f"A: {sa.title}")
            with col_b:
                page.show_legend(webmap.legend_entries(lb, opts)[:-len(webmap.basemap_entries(opts)) or None],
                                 f"B: {sb.title}")
        else:
            oa = page.outline_layers(a.toml, *args, "A", base_dir)
            ob = page.outline_layers(b.toml, *args, "B", base_dir)
            base = webmap.add_basemap(webmap.new_map(assets, opts), opts)
            page.show_map(base, webmap.outline_group(oa, ob, opts), "compare-map", opts.height)
            from borderline.style import COMPARE

            entries = [(f"A: {esc(sa.title)}", COMPARE["a"], "area"), (f"B: {esc(sb.title)}", COMPARE["b"], "area")]  # HTML, not Markdown
            page.show_legend(entries + webmap.basemap_entries(opts), "Russian-administered area")
    st.markdown("**Measures, and B − A**")
    st.dataframe(tables.compare_display(ev_a.metrics, ev_b.metrics), hide_index=True, width="stretch")
    st.caption("\\* 2022 resident baseline, estimated. Deltas are B minus A.")
    differ = tables.places_that_differ(ev_a.metrics, ev_b.metrics)
    if not differ.empty:
        st.markdown("**Places of 10,000 or more that change hands in only one of the two**")
        st.dataframe(differ, hide_index=True, width="stretch")


# ---------------------------------------------------------------------------------------------------------
# Editor: the form's widgets are keyed ed_*; a draft is read from them in callbacks and on each run.


def _area_widgets(prefix: str, oblasts: dict, dates: list[str], zone: bool = False) -> None:
    """The form of an area (territory or a zone), widgets keyed ``<prefix>...``."""
    codes = list(oblasts)
    name = lambda c: f"{oblasts[c]} ({c})"  # noqa: E731
    st.checkbox("The area Russia controlled on a date", key=f"{prefix}control")
    c1, c2 = st.columns([1, 2])
    c1.selectbox("Control date", dates, key=f"{prefix}control_date")
    c2.multiselect("… only in these oblasts (empty: all of it)", codes, format_func=name,
                   key=f"{prefix}control_oblasts")
    st.multiselect("Whole oblasts", codes, format_func=name, key=f"{prefix}oblasts")
    c1, c2 = st.columns([2, 1])
    c1.multiselect("Oblasts on one bank of the Dnieper", codes, format_func=name, key=f"{prefix}bank_oblasts")
    c2.radio("Bank", editor.BANKS, horizontal=True, key=f"{prefix}bank",
             format_func={"left": "left (east)", "right": "right (west)"}.get)
    c2.checkbox("the whole bank", key=f"{prefix}bank_whole")
    uploads = SS.get("uploads", {})
    if uploads:
        st.multiselect("Uploaded areas", list(uploads), format_func=lambda k: uploads[k]["label"],
                       key=f"{prefix}uploads")
    st.number_input("Cities Ukraine holds inside it (taken out)" if not zone else "Cities taken out",
                    0, 3, step=1, key=f"{prefix}ncities")
    for i in range(int(SS.get(f"{prefix}ncities", 0))):
        c1, c2 = st.columns([2, 1])
        c1.text_input(f"City {i + 1}", key=f"{prefix}city{i}", placeholder="e.g. Zaporizhzhia")
        c2.number_input("Radius (km)", 1.0, 200.0, value=15.0, step=1.0, key=f"{prefix}radius{i}")
    c1, c2 = st.columns([2, 1])
    c1.checkbox("Take out the area Russia controlled on the date", key=f"{prefix}minus",
                help="For a zone such as 'the part of Donetsk oblast Ukraine holds'.")
    c2.selectbox("Date", dates, key=f"{prefix}minus_date", label_visibility="collapsed")


def draft_from_state() -> editor.Draft:
    """The draft the editor's widgets describe."""
    return editor.draft_from_values(SS, SS.get("uploads", {}))


def load_draft(d: editor.Draft, dates: list[str]) -> None:
    """Fill the editor's widgets from a draft (from a callback); inline polygons become this session's uploads."""
    values = editor.values_from_draft(d, dates, lambda g: _remember_area(g, "polygon from the scenario", None))
    for key, value in values.items():
        SS[key] = value


def on_open_in_editor(entry: catalog.Entry, dates: list[str], copy: bool = False) -> None:
    try:
        d = editor.from_scenario(entry.scenario())
    except editor.NotEditable as exc:
        flash("error", f"{entry.id}: {exc}. Its TOML can be downloaded and edited by hand.")
        return
    if copy:
        d.id = f"{entry.id}-copy"[:64]
    load_draft(d, dates)
    put("view", "editor")


def save_to_library(lib, scenario, replace: bool, hint: str) -> None:
    """Save to the user's library; an id already there is replaced only when the reader asked to."""
    if scenario.id in lib.ids() and not replace:
        raise ValueError(f"a scenario {scenario.id!r} is already in your library; {hint}")
    lib.save(scenario, overwrite=True)


def on_save(lib, overwrite_key: str) -> None:
    try:
        scenario = editor.to_scenario(draft_from_state())
        save_to_library(lib, scenario, SS.get(overwrite_key), "tick 'Replace' or change the id")
    except (ValueError, OSError) as exc:
        log.info("save failed: %s", exc)
        flash("error", f"Not saved: {one_line(exc)}")
        return
    flash("success", f"Saved {scenario.id} to your library ({lib.folder}). It is now in the scenario list.")


def editor_view(entries, lib, dates, oblasts, opts, assets) -> None:
    tab_build, tab_library = st.tabs(["Build a scenario", "Your library"])
    with tab_build:
        with page.guard("Editor"):
            build_tab(entries, lib, dates, oblasts, opts, assets)
            keep_draft()
    with tab_library:
        with page.guard("Library"):
            library_tab(entries, lib, dates)


def _editable(entry: catalog.Entry) -> bool:
    """Whether the form can show a scenario."""
    try:
        editor.from_scenario(entry.scenario())
        return True
    except (editor.NotEditable, ValueError):
        return False


DRAFT_KEPT = "_ed_kept"
EDITOR_BUTTONS = ("ed_open", "ed_save")


def restore_draft() -> None:
    """Streamlit forgets widget values while their view is hidden: put back the draft kept below."""
    for key, value in SS.get(DRAFT_KEPT, {}).items():
        if key not in SS:
            SS[key] = value


def keep_draft() -> None:
    SS[DRAFT_KEPT] = {k: SS[k] for k in list(SS.keys())
                      if str(k).startswith("ed_") and k not in EDITOR_BUTTONS}


def build_tab(entries, lib, dates, oblasts, opts, assets) -> None:
    restore_draft()
    SS.setdefault("ed_baseline", dates[-1])
    editable = [e for e in entries if _editable(e)]
    c1, c2 = st.columns([3, 1])
    pick = c1.selectbox("Start from a scenario (optional)", [e.id for e in editable],
                        format_func=lambda i: next(e.label for e in editable if e.id == i), key="ed_start")
    c2.button("Open in the form", on_click=on_open_in_editor,
              args=(next(e for e in editable if e.id == pick), dates, True), key="ed_open")
    form_col, preview_col = st.columns([1, 1], gap="large")
    with form_col:
        st.text_input("Title", key="ed_title", max_chars=200)
        st.text_input("Id (file name)", key="ed_id", max_chars=64, placeholder="made from the title",
                      help="Lowercase letters, digits and hyphens.")
        st.text_area("Summary", key="ed_summary", max_chars=4000, height=80)
        c1, c2, c3 = st.columns(3)
        c1.text_input("Proposed by", key="ed_proposed_by", max_chars=300)
        c2.text_input("Date", key="ed_date", max_chars=40, placeholder="2025-11")
        c3.selectbox("Baseline control date", dates, key="ed_baseline")
        st.text_input("Source", key="ed_source", max_chars=1000)
        st.markdown("**Russian-administered territory**")
        _area_widgets("ed_t_", oblasts, dates)
        st.markdown("**DMZ**")
        c1, c2 = st.columns(2)
        c1.number_input("Ukrainian side (km)", 0.0, 200.0, step=1.0, key="ed_ua")
        c2.number_input("Russian side (km)", 0.0, 200.0, step=1.0, key="ed_ru")
        zone_widgets(oblasts, dates)
        st.checkbox("Replace a scenario of the same id in my library", key="ed_overwrite")
        st.button("Save to my library", type="primary", on_click=on_save, args=(lib, "ed_overwrite"),
                  key="ed_save")
    with preview_col:
        preview(opts, assets)


def zone_widgets(oblasts, dates) -> None:
    st.markdown("**Zones**")
    n = st.number_input("Number of zones", 0, 3, step=1, key="ed_nzones")
    for i in range(int(n)):
        p = f"ed_z{i}_"
        with st.expander(f"Zone {i + 1}", expanded=True):
            c1, c2 = st.columns([2, 1])
            c1.text_input("Name", key=f"{p}name", max_chars=120)
            c2.selectbox("Type", editor.ZONE_TYPES, key=f"{p}type", format_func=lambda t: t.replace("_", " "))
            st.text_input("Description", key=f"{p}description", max_chars=2000)
            if SS.get(f"{p}type") == "border_buffer":
                st.number_input("Width along the Russian border (km)", 1.0, 200.0, value=20.0, key=f"{p}width")
            else:
                _area_widgets(p, oblasts, dates, zone=True)


def preview(opts, assets) -> None:
    """Live preview of the draft: validation message, map and headline figures."""
    st.markdown("**Preview**")
    draft = draft_from_state()
    if not draft.title:
        st.info("Give the scenario a title and choose its territory to see it here.")
        return
    try:
        scenario = editor.to_scenario(draft)
    except ValueError as exc:
        page.show_error(exc)
        return
    from scenarios.model import dumps

    toml = dumps(scenario)
    with page.guard("Preview"):
        ua, ru = url.clamp_width(scenario.dmz.ukrainian_side_km), url.clamp_width(scenario.dmz.russian_side_km)
        ev = page.evaluation(toml, ua, ru, scenario.baseline)
        layers = page.scenario_layers(toml, ua, ru, scenario.baseline)
        base = webmap.add_basemap(webmap.new_map(assets, opts), opts)
        page.show_map(base, webmap.scenario_group(layers, opts), "editor-map", 460)
        page.show_legend(webmap.legend_entries(layers, opts), "Legend")
        headline(ev.metrics, compact=True)
        metrics_panel(ev.metrics, compact=True)
        st.download_button("Download as TOML", toml.encode("utf-8"), file_name=f"{scenario.id}.toml",
                           mime="application/toml", on_click="ignore", key="ed_download")


def library_tab(entries, lib, dates) -> None:
    st.caption(f"Your scenarios are saved in {md(str(lib.folder))} (set BORDERLINE_HOME to move it).")
    users = [e for e in entries if not e.builtin]
    if not users:
        st.write("Your library is empty: build a scenario in the form, or upload a TOML file below.")
    else:
        pick = st.selectbox("Your scenarios", [e.id for e in users],
                            format_func=lambda i: next(e.label for e in users if e.id == i), key="lib_pick")
        entry = next(e for e in users if e.id == pick)
        c = st.columns(3)
        c[0].button("Show on the map", on_click=on_show, args=(entry.id, entry, dates), key="lib_show")
        c[1].button("Open in the form", on_click=on_open_in_editor, args=(entry, dates), key="lib_edit")
        c[2].download_button("Download TOML", entry.toml.encode("utf-8"), file_name=f"{entry.id}.toml",
                             mime="application/toml", on_click="ignore", key="lib_download")
        c1, c2 = st.columns([3, 1])
        c1.text_input("New id", key="lib_new_id", placeholder="my-scenario-v2")
        c2.button("Rename", on_click=on_library_action, args=(lib, "rename", entry.id), key="lib_rename")
        c2.button("Duplicate", on_click=on_library_action, args=(lib, "duplicate", entry.id), key="lib_duplicate")
        c1, c2 = st.columns([3, 1])
        c1.checkbox(f"Yes, delete {entry.id}", key="lib_confirm")
        c2.button("Delete", on_click=on_library_action, args=(lib, "delete", entry.id), key="lib_delete")
    st.markdown("**Upload a scenario (TOML)**")
    st.checkbox("Replace a scenario of the same id", key="lib_upload_replace")
    st.file_uploader("Scenario TOML file", type=["toml"], key="lib_upload", on_change=on_toml_upload,
                     args=(lib,), max_upload_size=1)


def on_show(scenario_id: str, entry, dates) -> None:
    put("view", "map")
    SS.scenario = scenario_id
    SS["w_scenario"] = scenario_id
    scenario_defaults(entry, dates)


def on_library_action(lib, action: str, scenario_id: str) -> None:
    try:
        if action == "delete":
            if not SS.get("lib_confirm"):
                flash("error", "Tick the box to confirm the deletion.")
                return
            lib.delete(scenario_id)
            flash("success", f"Deleted {scenario_id}.")
        else:
            new_id = (SS.get("lib_new_id") or "").strip()
            getattr(lib, action)(scenario_id, new_id)
            flash("success", f"{'Renamed' if action == 'rename' else 'Duplicated'} {scenario_id} as {new_id}.")
    except (ValueError, OSError) as exc:
        log.info("library %s failed: %s", action, exc)
        flash("error", f"{action.capitalize()} failed: {one_line(exc)}")
    SS.lib_confirm = False


def on_toml_upload(lib) -> None:
    from scenarios.model import loads

    file = SS.get("lib_upload")
    if file is None:
        return
    try:
        data = file.getvalue()
        if len(data) > MAX_TOML_BYTES:
            raise ValueError(f"{file.name}: larger than 1 MB; a scenario file is a few kB")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"{file.name}: not UTF-8 text; save the scenario as UTF-8 TOML") from None
        scenario = loads(text, file.name)
        refs = catalog.file_references(scenario.model_dump(mode="json"))
        if refs:
            raise ValueError(f"{file.name}: refers to a file on disk ({refs[0][:60]}); in the app, import the "
                             "polygon as an area and use it in the editor instead")
        save_to_library(lib, scenario, SS.get("lib_upload_replace"), "tick 'Replace' to replace it")
    except (ValueError, OSError) as exc:
        log.info("TOML upload refused: %s", exc)
        flash("error", f"Upload refused: {one_line(exc)}")
        return
    flash("success", f"Added {scenario.id} to your library.")


# ---------------------------------------------------------------------------------------------------------
# Import view: uploaded areas live in this session only.


def _remember_area(geojson: dict, label: str, info: dict | None) -> str:
    """Keep an area in this session's uploads and return its key."""
    uploads = SS.setdefault("uploads", {})
    for key, value in uploads.items():
        if value["geojson"] == geojson:
            return key
    key = f"area-{SS.get('upload_counter', 0) + 1}"
    SS.upload_counter = SS.get("upload_counter", 0) + 1
    uploads[key] = {"label": f"{label} [{key}]", "geojson": geojson, "info": info or {}}
    while len(uploads) > MAX_UPLOADS:
        uploads.pop(next(iter(uploads)))
    return key


def on_geo_upload() -> None:
    from geo.upload import UploadError, parse_upload, scenario_geojson

    file = SS.get("geo_upload")
    if file is None:
        return
    try:
        area = parse_upload(file.name, file.getvalue())
        geojson, tolerance = scenario_geojson(area)
    except UploadError as exc:
        log.info("upload refused: %s", exc)
        SS.upload_result = ("error", str(exc))
        return
    except Exception:
        log.exception("upload %r failed", file.name)
        SS.upload_result = ("error", f"{file.name}: could not be read; the details are in the server log")
        return
    notes = list(area.notes)
    if tolerance:
        notes.append(f"simplified to {tolerance:,.0f} m for use in a scenario")
    info = {"file": area.filename, "km2": area.km2, "crs": area.source_crs, "features": area.features,
            "notes": notes}
    key = _remember_area(geojson, area.name, info)
    SS.upload_result = ("ok", key)


def on_start_from_area(key: str, dates: list[str]) -> None:
    area = SS.uploads[key]
    d = editor.Draft(title=f"Control area from {area['info'].get('file', 'an upload')}"[:200],
                     summary="Russian-administered territory as drawn in an uploaded file.",
                     proposed_by="Uploaded by the user", date=datetime.date.today().isoformat(),
                     source=area["info"].get("file", "upload"),
                     baseline=dates[-1], territory=editor.AreaDraft(uploads=[area["geojson"]]))
    d.id = editor.slugify(d.title)
    load_draft(d, dates)
    put("view", "editor")


def import_view(dates, assets, opts) -> None:
    st.markdown("### Import an area")
    st.write("Upload a GeoJSON, a GeoPackage or a zipped Shapefile with a polygon, such as a newer line of "
             "contact or an area to use in a scenario. Any CRS is reprojected; invalid polygons are repaired "
             "or refused with the reason. Uploads stay in this browser session.")
    st.file_uploader("Area file (at most 25 MB)", type=["geojson", "json", "gpkg", "zip"], key="geo_upload",
                     on_change=on_geo_upload, max_upload_size=25)
    result = SS.get("upload_result")
    if result and result[0] == "error":
        page.show_error(result[1], "Upload refused: ")
    uploads = SS.get("uploads", {})
    for key, area in reversed(list(uploads.items())):
        info = area["info"]
        latest = result is not None and result[1] == key
        with st.expander(md(area["label"]), expanded=latest):
            if info:
                st.write(f"{km2(info['km2'])} · {info['features']} polygon feature(s) · CRS {md(info['crs'])}")
            for note in info.get("notes", []):
                st.caption(md(note))
            if latest and info:
                base = webmap.add_basemap(webmap.new_map(assets, opts), opts)
                page.show_map(base, webmap.area_group(area["geojson"], area["label"], info["km2"]), "upload-map",
                              420)
            c1, c2 = st.columns(2)
            c1.button("Start a scenario with this as the Russian-administered area", key=f"use_{key}",
                      on_click=on_start_from_area, args=(key, dates))
            c2.button("Remove", key=f"rm_{key}", on_click=lambda k=key: SS.uploads.pop(k, None))
    if uploads:
        st.caption("In the editor, uploaded areas can be added to a territory or used as a zone.")


# ---------------------------------------------------------------------------------------------------------


def embedded_data() -> tuple[list[str], dict[str, str]]:
    """The baseline dates and the oblasts (ISO code → name) of the embedded data; stops the page if missing."""
    try:
        from geo.projected import projected

        p = projected()
        return p.control_dates, dict(zip(p.admin1["iso"], p.admin1["name"]))
    except Exception as exc:
        log.exception("the embedded data cannot be loaded")
        page.show_error(exc, "The embedded data cannot be loaded: ")
        st.stop()


PAGE_CSS = """<style>
[data-testid="stMainBlockContainer"], .block-container { padding-top: 2.2rem; }
</style>"""


def main() -> None:
    st.html(PAGE_CSS)
    dates, oblasts = embedded_data()
    page.warm_up()
    lib = library()
    entries, problems = catalog.all_entries(lib)
    by_id = {e.id: e for e in entries}
    init_state(by_id, dates)
    if SS.scenario not in by_id:  # deleted or renamed since
        SS.scenario = SS["w_scenario"] = catalog.builtin_entries()[0].id
    if SS.other not in by_id:
        SS.other = SS["w_other"] = catalog.builtin_entries()[1].id
    opts = sidebar(entries, dates)
    sync_url()
    show_flash()
    for problem in problems:
        page.show_error(problem, "In your library: ")
    assets = page.leaflet_assets()
    base_dir = str(lib.folder)
    with page.guard(VIEW_LABELS[SS.view]):
        if SS.view == "map":
            map_view(by_id[SS.scenario], opts, assets, None if by_id[SS.scenario].builtin else base_dir)
        elif SS.view == "compare":
            compare_view(by_id[SS.scenario], by_id[SS.other], opts, assets, base_dir)
        elif SS.view == "editor":
            editor_view(entries, lib, dates, oblasts, opts, assets)
        else:
            import_view(dates, assets, opts)


main()
