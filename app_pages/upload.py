"""The import view: an uploaded GeoJSON, GeoPackage or zipped Shapefile becomes an area of this session."""

from __future__ import annotations

import datetime

import streamlit as st

from borderline import webmap
from borderline.i18n import _
from borderline.ui import editor, session
from borderline.ui.page import PageContext, show_error, show_map
from borderline.ui.text import km2, md
from geo.messages import N_

VIEW = "import"
TITLE = N_("Import an area")
ORDER = 40
SCENARIOS = 0  # scenarios picked in the sidebar


def on_geo_upload() -> None:
    from geo.upload import UploadError

    file = session.get("geo_upload")
    if file is None:
        return
    try:
        key, earlier = session.uploads().add_file_checked(file.name, file.getvalue())
    except UploadError as exc:
        session.upload_result(("error", str(exc)))
        return
    session.upload_result(("ok", key))
    # The same polygon is filed once: say which area it already is, whatever the file is called now.
    session.set_editor_state("upload_same", (key, file.name) if earlier is not None else None)


def on_start_from_area(key: str, dates: list[str], add_to_baseline: bool = False) -> None:
    """A new draft in the editor whose Russian-administered area is an uploaded area, alone or added to the
    area Russia controlled on the baseline day (the sidebar's)."""
    area = session.uploads()[key]
    file = area.info.file if area.info else _("an upload")
    baseline = session.get("baseline") or dates[-1]  # the baseline the sidebar shows
    if add_to_baseline:
        title = _("Baseline control area and {file}").format(file=file)
        summary = _("The area Russia controlled on {day}, with the area drawn in an uploaded file added to it.")
        territory = editor.AreaDraft(control=baseline, uploads=[area.geojson])
    else:
        title = _("Control area from {file}").format(file=file)
        summary = _("Russian-administered territory as drawn in an uploaded file.")
        territory = editor.AreaDraft(uploads=[area.geojson])
    d = editor.Draft(title=title[:200], summary=summary.format(day=baseline), proposed_by=_("Uploaded by the user"),
                     date=datetime.date.today().isoformat(), source=file, baseline=baseline, territory=territory)
    d.id = editor.slugify(d.title)
    session.load_draft(d, dates)
    session.set_editor_state("section", "build")
    session.put("view", "editor")


def upload_map(ctx: PageContext, area):
    """The basemap with an uploaded area, framed on the area."""
    base = webmap.add_basemap(webmap.new_map(ctx.assets, ctx.opts), ctx.opts)
    if area.info and area.info.bounds:
        lon0, lat0, lon1, lat1 = area.info.bounds
        base.fit_bounds([[lat0, lon0], [lat1, lon1]], padding=(20, 20))
    return base


def area_notes(area) -> None:
    """What the import says about an area: size, features, CRS, repairs, and the part outside Ukraine."""
    info = area.info
    st.write(_("{area} · {n} polygon feature(s) · CRS {crs}").format(area=km2(info.km2), n=info.features,
                                                                     crs=md(info.crs)))
    if info.straddles_border:
        st.warning(_("This area reaches past Ukraine's internationally recognized border: {inside} lie inside "
                     "Ukraine and {outside} outside it (in Russia or the sea). A scenario counts only the part "
                     "inside Ukraine.").format(inside=km2(info.km2_in_ukraine), outside=km2(info.km2_outside)),
                   icon="ℹ️")
    for note in info.notes:
        st.caption(md(note))


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
        session.flash("error", _("Line not imported: {error}").format(error=exc))
        return
    days = [line.day for line in lines]
    span = days[0] if len(days) == 1 else _("{first} to {last}").format(first=days[0], last=days[-1])
    session.flash("success", _("Imported {n} day(s) of {source} ({span}). Pick such a day as the baseline, or pin it "
                               "as {source}:{last} in a scenario.").format(n=len(days), source=lines[0].source,
                                                                           span=span, last=days[-1]))


def line_import() -> None:
    """The form that imports a newer line of contact (kept, unlike the areas above)."""
    from geo import imported

    with st.container(border=True):
        st.markdown(_("**Import a newer line of contact** (kept in your data folder)"))
        st.write(_("A polygon of Russian-controlled territory for one day (GeoJSON, GeoPackage, zipped Shapefile or "
                   "KML), or an archive of many days (a GeoJSON, optionally gzipped, with a date property per "
                   "feature, as DeepStateMap's unified archive). It is checked, clipped to Ukraine and then used "
                   "like the embedded lines, labelled with its source."))
        c1, c2, c3 = st.columns([2, 2, 1])
        c1.text_input(_("Source"), value="deepstate", key="line_source", max_chars=40,
                      help=_("Lowercase letters, digits and hyphens, such as deepstate or isw"))
        c2.date_input(_("Day of the line"), key="line_day")
        c3.checkbox(_("Day from the file"), key="line_day_from_name", help=_("From a YYYY-MM-DD or YYYYMMDD in the "
                    "file name, or from the features' date property in an archive"))
        st.checkbox(_("Replace days already imported for this source"), key="line_replace")
        st.file_uploader(_("Line file"), type=["geojson", "json", "gpkg", "zip", "kml", "gz"], key="line_upload",
                         on_change=on_line_import, max_upload_size=25)
        for source, kept in imported.imported_days().items():
            st.caption(_("{source}: {n} day(s), {first} to {last}").format(source=md(source), n=len(kept),
                                                                            first=kept[0], last=kept[-1]))


def render(ctx: PageContext) -> None:
    st.markdown("### " + _("Import an area"))
    st.write(_("Upload a GeoJSON, a GeoPackage or a zipped Shapefile with a polygon, such as a newer line of "
               "contact or an area to use in a scenario. Any CRS is reprojected; invalid polygons are repaired "
               "or refused with the reason. Uploads stay in this browser session."))
    st.file_uploader(_("Area file (at most 25 MB)"), type=["geojson", "json", "gpkg", "zip"], key="geo_upload",
                     on_change=on_geo_upload, max_upload_size=25)
    result = session.upload_result()
    if result and result[0] == "error":
        show_error(result[1], _("Upload refused: "))
    store = session.uploads()
    same = session.editor_state("upload_same")
    if same and same[0] in store and result and result[1] == same[0]:
        st.info(_("{file} is the same polygon as {label}, uploaded before: it is kept once, as that area.")
                .format(file=md(same[1]), label=md(store[same[0]].label)))
    for key, area in reversed(list(store.items())):
        latest = result is not None and result[1] == key
        with st.expander(md(area.label), expanded=latest):
            if area.info:
                area_notes(area)
            if latest and area.info:
                show_map(upload_map(ctx, area), webmap.area_group(area.geojson, area.label, area.info.km2),
                         "upload-map", 420)
            c1, c2, c3 = st.columns(3)
            c1.button(_("Use as the Russian-administered area"), key=f"use_{key}",
                      on_click=on_start_from_area, args=(key, ctx.dates),
                      help=_("A new scenario whose Russian-administered territory is this area alone"))
            c2.button(_("Add to the baseline control area"), key=f"add_{key}",
                      on_click=on_start_from_area, args=(key, ctx.dates, True),
                      help=_("A new scenario: the area Russia controlled on the baseline day, with this area added"))
            c3.button(_("Remove"), key=f"rm_{key}", on_click=store.remove, args=(key,))
    if store:
        st.caption(_("In the editor, uploaded areas can be added to a territory or used as a zone."))
    line_import()
