"""Exports of evaluated scenarios: data (GeoPackage, GeoJSON, KML, CSV, XLSX) and maps (PNG, SVG, PDF).

One module for the app's download buttons (:func:`render_bytes`) and the command
line (:func:`export`). Files are written to a temporary name in the output
folder and renamed into place, so an interrupted or failed export never leaves a
half-written file under a final name.
"""

from __future__ import annotations

import csv
import dataclasses
import errno
import io
import json
import os
import re
import sys
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import shapely

from borderline.errors import ExportError  # noqa: F401  (re-exported)
from borderline.i18n import _
from geo.messages import N_
from borderline.format import POPULATION_NOTE, fmt_date, fmt_width, km, km2, people
from borderline.printmap import ATTRIBUTION
from borderline.style import PARTS, ZONES
from geo import fs
from geo.geometry import polygonal
from scenarios.metrics import FIELD_MEASURES, Metrics, OblastRow, SettlementChange

FORMATS = ("gpkg", "geojson", "kml", "csv", "xlsx", "png", "svg", "pdf")
MAP_FORMATS = ("png", "svg", "pdf")
PART_LAYERS = ("russian_administered", "ceded_by_ukraine", "returned_to_ukraine", "contact_line",
               "dmz_ukrainian_side", "dmz_russian_side")
SIDES = {"russia": N_("Russian-administered"), "ukraine": N_("Ukrainian-held")}
# Spreadsheets run a cell that starts with one of these as a formula (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XLSX_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
def extent_slug(extent) -> str:
    """A file-name word for a map extent: "ukraine", "east-south", or "bbox-34-46.5-39-49" for a box."""
    from borderline.printmap import parse_extent

    extent = parse_extent(extent)
    if isinstance(extent, str):
        return extent
    return "bbox-" + "-".join(f"{v:.2f}".rstrip("0").rstrip(".") for v in extent)


def params_slug(params) -> str:
    """A file-name part for scenario parameter values: ``__pullback_km-40`` (sorted by name; "" for none)."""
    return "".join(f"__{name}-{fmt_width(float(value))}" for name, value in sorted(dict(params or {}).items()))


def scenario_params(scenario) -> dict[str, float]:
    """The parameter values a concrete scenario was made with (its parameters' defaults after with_params)."""
    return {p.name: p.default for p in getattr(scenario, "parameters", None) or ()}


def export_filename(scenario_id: str, ua_km: float, ru_km: float, fmt: str, page: str | None = None,
                    extent=None, params=None) -> str:
    """The file name of one export: ``<scenario>__dmz-<ua>-<ru>.<ext>`` (widths in km, e.g. 5 or 2.5), with
    the scenario's parameter values when it has any (``__pullback_km-40``); maps (png, svg, pdf) add their
    page size and extent, ``<scenario>__dmz-5-5_a4_ukraine.pdf``, so that sizes, extents and parameter
    values never overwrite one another."""
    stem = f"{scenario_id}__dmz-{fmt_width(float(ua_km))}-{fmt_width(float(ru_km))}{params_slug(params)}"
    if fmt in MAP_FORMATS:
        stem += f"_{page or 'a4'}_{extent_slug(extent or 'ukraine')}"
    return f"{stem}.{fmt}"


def small_multiples_filename(scenario_ids: Iterable[str], fmt: str, page: str = "a4", extent="ukraine") -> str:
    """The file name of a small-multiples page: ``compare_<n>-scenarios_<page>_<extent>.<ext>`` with the
    ids when they are few (``compare_a_b_c_a4_ukraine.png``)."""
    ids = list(scenario_ids)
    what = "_".join(ids) if len(ids) <= 4 and sum(map(len, ids)) <= 120 else f"{len(ids)}-scenarios"
    return f"compare_{what}_{page}_{extent_slug(extent)}.{fmt}"


# -- options the app's export controls offer (plain values; the widgets are in borderline.ui.publish) ----


def page_choices() -> dict[str, str]:
    """Page sizes for a picker: key -> label in the current language (the one table is printmap.PAGES)."""
    from borderline.i18n import _
    from borderline.printmap import PAGES

    return {key: _(size.label) for key, size in PAGES.items()}


def extent_choices() -> dict[str, str]:
    """Extent presets for a picker: key -> label in the current language."""
    from borderline.i18n import _

    return {"ukraine": _("All of Ukraine"), "east-south": _("East and south")}


def view_extent(bounds) -> tuple[float, float, float, float]:
    """The extent of the app's current view: ``bounds`` as (west, south, east, north) degrees, Leaflet's
    [[south, west], [north, east]], or st_folium's {"_southWest": {"lat", "lng"}, "_northEast": {...}}.
    Checked once by printmap.parse_extent; ExportError if it is not a usable box."""
    from borderline.printmap import parse_extent

    try:
        if isinstance(bounds, dict):
            sw, ne = bounds["_southWest"], bounds["_northEast"]
            bounds = (sw["lng"], sw["lat"], ne["lng"], ne["lat"])
        elif len(bounds) == 2 and all(len(c) == 2 for c in bounds):
            (s_, w_), (n_, e_) = bounds
            bounds = (w_, s_, e_, n_)
        box = parse_extent(tuple(round(float(v), 4) for v in bounds))
    except (TypeError, ValueError, KeyError) as exc:
        raise ExportError(f"current view: {exc}") from None
    return box


def layers_from_map_options(options) -> frozenset[str]:
    """The print layers that match the app's layer switches (a webmap.MapOptions or any object with its
    boolean fields: oblasts, dnieper, settlements, contact_line, dmz, zones, changes)."""
    from borderline.printmap import LAYERS

    on = set(LAYERS)
    switches = {"oblasts": ("admin1",), "dnieper": ("dnieper",), "settlements": ("settlements", "labels"),
                "contact_line": ("contact_line",), "dmz": ("dmz",), "zones": ("zones",),
                "changes": ("ceded", "returned", "baseline_line")}
    for name, layers in switches.items():
        if not getattr(options, name, True):
            on -= set(layers)
    return frozenset(on)


def check_map_options(options: dict) -> dict:
    """Check the map options of an export once (page, extent, dpi, title, subtitle, credit, layers) and
    return them ready for printmap; ExportError with one line naming the option otherwise."""
    from borderline.printmap import check_layers, page_size, parse_extent

    out = dict(options)
    try:
        if "page" in out:
            page_size(out["page"])
        if "extent" in out:
            out["extent"] = parse_extent(out["extent"])
        if out.get("layers") is not None:
            out["layers"] = check_layers(out["layers"])
    except ValueError as exc:
        raise ExportError(str(exc)) from None
    dpi = out.get("dpi")
    if dpi is not None and not 1 <= float(dpi) <= 1200:
        raise ExportError(f"dpi {dpi}: give a resolution between 1 and 1200")
    for key in ("title", "subtitle", "credit"):
        if out.get(key) is not None:
            out[key] = " ".join(str(out[key]).split())[:300]  # one line; long enough for any real title
    unknown = set(out) - {"page", "extent", "dpi", "title", "subtitle", "credit", "layers"}
    if unknown:
        raise ExportError(f"map option {', '.join(sorted(unknown))}: not known")
    return out


def check_formats(formats: str | Iterable[str]) -> list[str]:
    """Formats as a list (from "png,svg" or an iterable), each known, in the given order without repeats."""
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    items = [f.strip().lower().lstrip(".") for f in items if f.strip()]
    unknown = [f for f in items if f not in FORMATS]
    if unknown or not items:
        raise ExportError(f"unknown format {', '.join(unknown) or '(none)'}: choose from {','.join(FORMATS)}")
    return list(dict.fromkeys(items))


# -- tables -------------------------------------------------------------------------------------------------

def metric_rows(metrics: Metrics) -> list[dict]:
    """The numeric metrics as rows (key, label, value, unit); keys are the JSON paths of
    ``borderline evaluate --json`` joined by dots, zones as ``zone:<name>.km2`` and ``.population``."""
    rows = [{"key": mm.key, "label": _(mm.label_marked), "value": metrics.value(mm.key), "unit": mm.unit}
            for mm in FIELD_MEASURES]
    for z in metrics.zones:
        kind = _(ZONES[z.type].label).lower() if z.type in ZONES else z.type
        rows.append({"key": f"zone:{z.name}.km2",
                     "label": _("Zone {name} ({kind}), area").format(name=z.name, kind=kind),
                     "value": z.km2, "unit": "km²"})
        rows.append({"key": f"zone:{z.name}.population",
                     "label": _("Zone {name} ({kind}), population*").format(name=z.name, kind=kind),
                     "value": z.population, "unit": "people"})
    return rows


def _columns(cls) -> list[tuple[str, str, str]]:
    """(attribute, column name, unit) of a row type's fields, in order."""
    return [(f.name, f.metadata.get("json") or f.name, f.metadata.get("unit", "")) for f in dataclasses.fields(cls)]


BY_OBLAST_COLUMNS = tuple(column for _, column, _ in _columns(OblastRow))
SETTLEMENT_COLUMNS = tuple(column for _, column, _ in _columns(SettlementChange))


def method_rows(evaluation) -> list[tuple[str, str]]:
    """How the numbers were made, and where the data and the scenario come from."""
    m, p = evaluation.metrics.method, evaluation.scenario.provenance
    return [
        ("area", m.area), ("population", m.population), ("population_date", m.population_date),
        ("contact_line", m.contact_line + f"; baseline: line of contact of {fmt_date(evaluation.baseline)} "
                                          f"(source: {evaluation.metrics.baseline_source})"),
        ("dmz", m.dmz), ("sources", ATTRIBUTION), ("scenario_proposed_by", p.proposed_by),
        ("scenario_date", p.date), ("scenario_source", p.source), ("note", "* " + POPULATION_NOTE),
    ]


def _plain(text: str) -> str:
    # Spreadsheets must show a name, never evaluate it: a leading quote makes it literal text.
    return "'" + text if isinstance(text, str) and text.startswith(_FORMULA_START) else text


def _csv(evaluation) -> bytes:
    m = evaluation.metrics
    head = [m.scenario, m.baseline, m.dmz_km.ukrainian_side, m.dmz_km.russian_side]
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["scenario", "baseline", "dmz_ukrainian_side_km", "dmz_russian_side_km", "section", "iso",
                  "name", "key", "value", "unit"])
    for r in metric_rows(m):
        out.writerow(head + ["metrics", "", "", _plain(r["key"]), r["value"], r["unit"]])
    numeric = [(name, unit) for name, _, unit in _columns(OblastRow) if unit]
    for o in m.by_oblast:
        for name, unit in numeric:
            out.writerow(head + ["by_oblast", o.iso, _plain(o.name), name, getattr(o, name), unit])
    return buf.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8 (km², names)


def _xlsx(evaluation) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    def put(ws, row: list):
        ws.append([_XLSX_ILLEGAL.sub("", v) if isinstance(v, str) else v for v in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with

    m = evaluation.metrics
    wb = Workbook()
    ws = wb.active
    ws.title = "metrics"
    put(ws, ["key", "label", "value", "unit"])
    for key, label in (("scenario", N_("Scenario id")), ("title", N_("Title")),
                       ("baseline", N_("Baseline control date"))):
        put(ws, [key, _(label), getattr(m, key), ""])
    for r in metric_rows(m):
        put(ws, [r["key"], r["label"], r["value"], r["unit"]])
    ws = wb.create_sheet("by_oblast")
    put(ws, list(BY_OBLAST_COLUMNS))
    for o in m.by_oblast:
        put(ws, [getattr(o, name) for name, _, _ in _columns(OblastRow)])
    ws = wb.create_sheet("settlements_changing_hands")
    put(ws, list(SETTLEMENT_COLUMNS))
    for s in m.settlements_changing_hands:
        put(ws, [_(SIDES[v]) if name.endswith("_side") and v in SIDES else v
                 for name, v in ((name, getattr(s, name)) for name, _, _ in _columns(SettlementChange))])
    ws = wb.create_sheet("method")
    put(ws, ["topic", "text"])
    for row in method_rows(evaluation):
        put(ws, list(row))
    for ws in wb.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for col, width in zip("ABCDE", (34, 46, 16, 16, 16)):
            ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- geometry formats -------------------------------------------------------------------------------------


def _layer_name(part: str, taken: set) -> str:
    if not part.startswith("zone:"):
        return part
    slug = unicodedata.normalize("NFKD", part[5:]).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "_", slug).strip("_")[:48] or "zone"
    name, i = f"zone_{slug}", 2
    while name in taken:
        name, i = f"zone_{slug}_{i}", i + 1
    taken.add(name)
    return name


def parts_frame(evaluation):
    """The parts of an evaluation (EPSG:3035) with the DMZ widths, baseline and population basis as columns."""
    frame = evaluation.parts()
    frame["baseline"] = evaluation.baseline
    frame["dmz_ukrainian_side_km"] = evaluation.dmz_ukrainian_side_km
    frame["dmz_russian_side_km"] = evaluation.dmz_russian_side_km
    frame["population_basis"] = POPULATION_NOTE
    return frame


def _multi(geoms, parts) -> np.ndarray:
    """Multi geometries, one type per layer (MultiLineString for the line of contact, else MultiPolygon);
    empty geometries become None."""
    out = []
    for g, part in zip(geoms, parts):
        pieces = shapely.get_parts(shapely.get_parts(g)) if g is not None else np.array([])
        if part == "contact_line":
            pieces = pieces[shapely.get_type_id(pieces) == 1]
            out.append(shapely.multilinestrings(pieces) if len(pieces) else None)
        else:
            pieces = pieces[shapely.get_type_id(pieces) == 3]
            out.append(shapely.multipolygons(pieces) if len(pieces) else None)
    return np.array(out, dtype=object)


def _gpkg(evaluation) -> bytes:
    import pyogrio

    frame = parts_frame(evaluation)
    frame["geometry"] = _multi(frame.geometry.values, frame["part"])
    taken: set = set()
    with tempfile.TemporaryDirectory(prefix="borderline-gpkg-") as tmp:
        path = Path(tmp) / "export.gpkg"
        for i, part in enumerate(frame["part"]):
            layer = _layer_name(part, taken)
            geometry_type = "MultiLineString" if part == "contact_line" else "MultiPolygon"
            pyogrio.write_dataframe(frame.iloc[[i]], path, layer=layer, driver="GPKG",
                                    geometry_type=geometry_type, append=False)
        return path.read_bytes()


def _geographic_frame(evaluation):
    from geo.crs import to_geographic

    frame = parts_frame(evaluation)
    geoms = to_geographic(frame.geometry.values)
    # 6 decimals is about 0.1 m: finer digits only add bytes for the web.
    geoms = shapely.transform(geoms, lambda c: np.round(c, 6))
    # Rounding can fold a hair-thin spike onto itself; repair, keeping each geometry's own dimension.
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        polys = np.isin(shapely.get_type_id(geoms), (3, 6))
        fixed = shapely.make_valid(geoms[bad])
        geoms[bad] = [polygonal(g) if p else g for g, p in zip(fixed, polys[bad])]
    frame["geometry"] = geoms
    return frame.set_crs("EPSG:4326", allow_override=True)


def _style_of(part: str, zone_type: str):
    return ZONES[zone_type] if part.startswith("zone:") and zone_type in ZONES else PARTS[part]


def _geojson(evaluation) -> bytes:
    frame = _geographic_frame(evaluation)
    features = []
    for row in frame.itertuples(index=False):
        style = _style_of(row.part, row.zone_type)
        geometry = None if row.geometry is None or row.geometry.is_empty else json.loads(
            shapely.to_geojson(row.geometry))
        props = {"scenario": row.scenario, "part": row.part, "name": row.name, "zone_type": row.zone_type or None,
                 "km2": float(row.km2), "length_km": float(row.length_km), "population": int(row.population),
                 "population_basis": POPULATION_NOTE, "baseline": row.baseline,
                 "dmz_ukrainian_side_km": row.dmz_ukrainian_side_km, "dmz_russian_side_km": row.dmz_russian_side_km,
                 # simplestyle-spec, read by common web map viewers
                 "stroke": style.edge, "stroke-width": style.line_width}
        if style.fill and row.part != "contact_line":
            props.update({"fill": style.fill, "fill-opacity": style.fill_opacity})
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    s = evaluation.scenario
    doc = {"type": "FeatureCollection", "name": s.id,
           "scenario": {"id": s.id, "title": s.title, "baseline": evaluation.baseline,
                        "baseline_source": evaluation.metrics.baseline_source,
                        "dmz_km": {"ukrainian_side": evaluation.dmz_ukrainian_side_km,
                                   "russian_side": evaluation.dmz_russian_side_km},
                        "provenance": s.provenance.model_dump(), "sources": ATTRIBUTION},
           "features": features}
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    # Escaped so that the document can be inlined in an HTML page: a name is never markup there either.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode("utf-8")


def _kml_colour(colour: str, alpha: float = 1.0) -> str:
    return f"{colour}{round(alpha * 255):02X}"


def _kml(evaluation) -> bytes:
    import html

    import pyogrio

    frame = _geographic_frame(evaluation)
    frame = frame.loc[[g is not None and not g.is_empty for g in frame.geometry.values]].copy()
    styles, descriptions = [], []
    for row in frame.itertuples(index=False):
        s = _style_of(row.part, row.zone_type)
        # OGR feature style: the LIBKML driver writes it as the placemark's KML <Style>.
        pen = f"PEN(c:{_kml_colour(s.edge)},w:{max(s.line_width, 0.5) * 1.5:.1f}px)"
        styles.append(pen if row.part == "contact_line" or not s.fill
                      else f"{pen};BRUSH(fc:{_kml_colour(s.fill, s.fill_opacity)})")
        # KML descriptions are HTML in Google Earth's balloons: escape every text that is not ours.
        what = (km(row.length_km) if row.part == "contact_line"
                else f"{km2(row.km2)}; population {people(row.population)} ({POPULATION_NOTE})")
        descriptions.append(f"{html.escape(row.name)}: {what}. Scenario {html.escape(row.scenario)}, "
                            f"DMZ {fmt_width(row.dmz_ukrainian_side_km)} km (Ukrainian side), "
                            f"{fmt_width(row.dmz_russian_side_km)} km (Russian side); baseline {row.baseline}.")
    # libkml writes names in CDATA sections and does not split a "]]>" inside them.
    frame["name"] = frame["name"].str.replace("]]>", "]] >", regex=False)
    frame["part"] = frame["part"].str.replace("]]>", "]] >", regex=False)
    frame["description"] = descriptions
    frame["OGR_STYLE"] = styles
    frame["geometry"] = _multi(frame.geometry.values, frame["part"])
    columns = ["name", "description", "part", "zone_type", "km2", "length_km", "population", "population_basis",
               "baseline", "dmz_ukrainian_side_km", "dmz_russian_side_km", "OGR_STYLE", "geometry"]
    buf = io.BytesIO()
    pyogrio.write_dataframe(frame[columns], buf, driver="LIBKML", layer=evaluation.scenario.id)
    return buf.getvalue()


# -- files ----------------------------------------------------------------------------------------------


_WRITERS = {"gpkg": _gpkg, "geojson": _geojson, "kml": _kml, "csv": _csv, "xlsx": _xlsx}


def render_bytes(evaluation, fmt: str, **map_options) -> bytes:
    """The content of one evaluation in one format (see FORMATS).

    ``map_options`` go to the map formats (png, svg, pdf): ``page`` (a key of printmap.PAGES: a4, slide,
    web, square, story), ``extent`` ("ukraine", "east-south" or a lon/lat box), ``dpi`` (PNG, default the
    page's), ``title``, ``subtitle``, ``credit`` (None: the defaults) and ``layers`` (printmap.LAYERS to
    draw; None: all). GeoJSON and KML are in EPSG:4326, the GeoPackage in EPSG:3035 (areas as computed).
    """
    fmt = check_formats([fmt])[0]
    if fmt in MAP_FORMATS:
        from borderline.printmap import render

        return render(evaluation, fmt, **check_map_options(map_options))
    return _WRITERS[fmt](evaluation)


def _os_error(path: Path, exc: OSError) -> ExportError:
    """One line that says what went wrong writing ``path`` and what to do about it."""
    if exc.errno == errno.ENOSPC:
        return ExportError(f"{path}: the disk is full; free some space or choose another output folder")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ExportError(f"{path.parent}: folder is not writable; choose a folder you can write to")
    return ExportError(f"{path}: cannot write ({exc.strerror or exc}); choose another output folder")


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place; on any error or
    interruption the temporary file is removed. Raises ExportError for OS errors (disk full, no access)."""
    path = Path(path)
    try:
        return fs.write_atomic(path, data)
    except OSError as exc:
        raise _os_error(path, exc) from None


def prepare_folder(out_dir: str | Path) -> Path:
    """Create the output folder if needed and check it is a writable folder (ExportError if not)."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise ExportError(f"{out}: exists and is not a folder; choose another output location") from None
    except OSError as exc:
        raise ExportError(f"{out}: cannot create the folder ({exc.strerror or exc}); choose a folder you can "
                          "write to") from None
    if not out.is_dir():
        raise ExportError(f"{out}: exists and is not a folder; choose another output location")
    try:
        fd, probe = tempfile.mkstemp(prefix=".borderline-", suffix=".probe", dir=out)
    except OSError as exc:
        raise _os_error(out / "x", exc) from None
    os.close(fd)
    os.unlink(probe)
    return out


def export(evaluations, formats, out_dir, progress: bool = False, **map_options) -> list[Path]:
    """Write every evaluation in every format to ``out_dir`` under :func:`export_filename` names.

    ``evaluations`` is a sequence (or iterable) of engine evaluations; ``formats`` a list or a
    comma-separated string; ``progress`` shows a progress bar on stderr. Returns the paths written,
    in order. Raises ExportError (one line) for an unknown format, an unwritable folder or a full disk;
    files already completed stay, the one being written is removed.
    """
    formats = check_formats(formats)
    map_options = check_map_options(map_options)
    out = prepare_folder(out_dir)
    from tqdm import tqdm

    total = len(evaluations) * len(formats) if hasattr(evaluations, "__len__") else None
    written: list[Path] = []
    with tqdm(total=total, disable=not progress, file=sys.stderr, unit="file", dynamic_ncols=True) as bar:
        for ev in evaluations:
            for fmt in formats:
                path = out / export_filename(ev.scenario.id, ev.dmz_ukrainian_side_km, ev.dmz_russian_side_km, fmt,
                                             map_options.get("page"), map_options.get("extent"),
                                             scenario_params(ev.scenario))
                bar.set_postfix_str(path.name, refresh=False)
                written.append(write_atomic(path, render_bytes(ev, fmt, **map_options)))
                bar.update()
    return written


def render_small_multiples(evaluations, fmt: str, **map_options) -> bytes:
    """One page of small multiples of ``evaluations`` (the app's compared scenarios) in png, svg or pdf:
    same extent and scale, a panel per scenario with its title and line date. ``map_options`` as for
    :func:`render_bytes` (``layers`` applies to every panel)."""
    from borderline.printmap import render_small_multiples as render

    if fmt not in MAP_FORMATS:
        raise ExportError(f"small multiples: format {fmt!r}: choose from {','.join(MAP_FORMATS)}")
    return render(list(evaluations), fmt, **check_map_options(map_options))


def export_small_multiples(evaluations, formats, out_dir, **map_options) -> list[Path]:
    """Write the small-multiples page of ``evaluations`` in each map format to ``out_dir`` under
    :func:`small_multiples_filename` names (atomic writes); returns the paths."""
    formats = check_formats(formats)
    bad = [f for f in formats if f not in MAP_FORMATS]
    if bad:
        raise ExportError(f"small multiples: format {', '.join(bad)}: choose from {','.join(MAP_FORMATS)}")
    map_options = check_map_options(map_options)
    out = prepare_folder(out_dir)
    evaluations = list(evaluations)
    ids = [ev.scenario.id for ev in evaluations]
    return [write_atomic(out / small_multiples_filename(ids, fmt, map_options.get("page", "a4"),
                                                        map_options.get("extent", "ukraine")),
                         render_small_multiples(evaluations, fmt, **map_options)) for fmt in formats]
