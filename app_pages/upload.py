"""The import view: an uploaded GeoJSON, GeoPackage or zipped Shapefile becomes an area of this session."""

from __future__ import annotations

import datetime

import streamlit as st

from borderline import webmap
from borderline.ui import editor, session
from borderline.ui.page import PageContext, show_error, show_map
from borderline.ui.text import km2, md

VIEW = "import"
TITLE = "Import an area"
ORDER = 40
SCENARIOS = 0  # scenarios picked in the sidebar


def on_geo_upload() -> None:
    from geo.upload import UploadError

    file = session.get("geo_upload")
    if file is None:
        return
    try:
        key = session.uploads().add_file(file.name, file.getvalue())
    except UploadError as exc:
        session.upload_result(("error", str(exc)))
        return
    session.upload_result(("ok", key))


def on_start_from_area(key: str, dates: list[str]) -> None:
    """A new draft in the editor whose Russian-administered area is an uploaded area."""
    area = session.uploads()[key]
    file = area.info.file if area.info else "an upload"
    d = editor.Draft(title=f"Control area from {file}"[:200],
                     summary="Russian-administered territory as drawn in an uploaded file.",
                     proposed_by="Uploaded by the user", date=datetime.date.today().isoformat(),
                     source=area.info.file if area.info else "upload", baseline=dates[-1],
                     territory=editor.AreaDraft(uploads=[area.geojson]))
    d.id = editor.slugify(d.title)
    session.load_draft(d, dates)
    session.put("view", "editor")


def on_line_import() -> None:
    """Import an uploaded line of contact into the user's data folder, as the source named in the form."""
    import tempfile
    from pathlib import Path

    from geo import imported
    from geo.errors import UserError
    from geo.projected import projected

    file = session.get("line_upload")
    if file is None:
        return
    day = None if session.get("line_day_from_name") else str(session.get("line_day"))
    try:
        with tempfile.TemporaryDirectory(prefix="borderline-line-") as tmp:
            path = Path(tmp) / Path(file.name).name
            path.write_bytes(file.getvalue())
            lines = imported.import_lines(path, session.get("line_source") or "imported", projected().ukraine,
                                          date=day, replace=bool(session.get("line_replace")))
    except (UserError, OSError) as exc:
        session.flash("error", f"Line not imported: {exc}")
        return
    days = [line.day for line in lines]
    session.flash("success", f"Imported {len(days)} day(s) of {lines[0].source} ({days[0]}"
                             f"{' to ' + days[-1] if len(days) > 1 else ''}). Pick such a day as the baseline, or "
                             f"pin it as {lines[0].source}:{days[-1]} in a scenario.")


def line_import() -> None:
    """The form that imports a newer line of contact (kept, unlike the areas above)."""
    from geo import imported

    with st.container(border=True):
        st.markdown("**Import a newer line of contact** (kept in your data folder)")
        st.write("A polygon of Russian-controlled territory for one day (GeoJSON, GeoPackage, zipped Shapefile or "
                 "KML), or an archive of many days (a GeoJSON, optionally gzipped, with a date property per "
                 "feature, as DeepStateMap's unified archive). It is checked, clipped to Ukraine and then used "
                 "like the embedded lines, labelled with its source.")
        c1, c2, c3 = st.columns([2, 2, 1])
        c1.text_input("Source", value="deepstate", key="line_source", max_chars=40,
                      help="Lowercase letters, digits and hyphens, such as deepstate or isw")
        c2.date_input("Day of the line", key="line_day")
        c3.checkbox("Day from the file", key="line_day_from_name", help="From a YYYY-MM-DD or YYYYMMDD in the file "
                    "name, or from the features' date property in an archive")
        st.checkbox("Replace days already imported for this source", key="line_replace")
        st.file_uploader("Line file", type=["geojson", "json", "gpkg", "zip", "kml", "gz"], key="line_upload",
                         on_change=on_line_import, max_upload_size=25)
        for source, kept in imported.imported_days().items():
            st.caption(f"{md(source)}: {len(kept)} day(s), {kept[0]} to {kept[-1]}")


def render(ctx: PageContext) -> None:
    st.markdown("### Import an area")
    st.write("Upload a GeoJSON, a GeoPackage or a zipped Shapefile with a polygon, such as a newer line of "
             "contact or an area to use in a scenario. Any CRS is reprojected; invalid polygons are repaired "
             "or refused with the reason. Uploads stay in this browser session.")
    st.file_uploader("Area file (at most 25 MB)", type=["geojson", "json", "gpkg", "zip"], key="geo_upload",
                     on_change=on_geo_upload, max_upload_size=25)
    result = session.upload_result()
    if result and result[0] == "error":
        show_error(result[1], "Upload refused: ")
    store = session.uploads()
    for key, area in reversed(list(store.items())):
        info = area.info
        latest = result is not None and result[1] == key
        with st.expander(md(area.label), expanded=latest):
            if info:
                st.write(f"{km2(info.km2)} · {info.features} polygon feature(s) · CRS {md(info.crs)}")
                for note in info.notes:
                    st.caption(md(note))
            if latest and info:
                base = webmap.add_basemap(webmap.new_map(ctx.assets, ctx.opts), ctx.opts)
                show_map(base, webmap.area_group(area.geojson, area.label, info.km2), "upload-map", 420)
            c1, c2 = st.columns(2)
            c1.button("Start a scenario with this as the Russian-administered area", key=f"use_{key}",
                      on_click=on_start_from_area, args=(key, ctx.dates))
            c2.button("Remove", key=f"rm_{key}", on_click=store.remove, args=(key,))
    if store:
        st.caption("In the editor, uploaded areas can be added to a territory or used as a zone.")
    line_import()
