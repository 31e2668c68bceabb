"""Imported lines of contact: newer Russian-controlled areas a user brings from a connected machine.

An import is kept in the line store in use (``geo.linestore``: by default one GeoJSON file a day in
``$BORDERLINE_HOME/control/<source>/<YYYY-MM-DD>.geojson``, each written atomically). It takes:

- one polygon file (GeoJSON, GeoPackage, zipped Shapefile or KML) of one day (``date`` given, or read from a
  ``YYYYMMDD`` or ``YYYY-MM-DD`` in the file name);
- an archive of many days: a folder of ``deepstatemap_data_YYYYMMDD.geojson`` files, or one GeoJSON
  (optionally gzipped) whose features carry a ``date`` property, as DeepStateMap's unified archive.

Every polygon is checked (longitude/latitude, valid, in Ukraine) and clipped to Ukraine's land.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

from geo import linestore
from geo.crs import area_km2, to_equal_area, to_geographic
from geo.errors import GeometryError, ImportRefused
from geo.geojson import checked_polygon
from geo.geometry import polygonal
from geo.linestore import SOURCE_NAME, ImportedLine, control_home  # noqa: F401  (re-exported)
RESERVED_SOURCES = ("borderline",)  # the embedded lines' source
ARCHIVE_FILE = re.compile(r"deepstatemap_data_(\d{4})(\d{2})(\d{2})\.geojson(?:\.gz)?$")
DATE_IN_NAME = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")
POLYGON_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip", ".kml", ".gz")



def check_source(name: str) -> str:
    """A source name: lowercase letters and digits with single hyphens or underscores (``deepstate``, ``isw``)."""
    if not SOURCE_NAME.fullmatch(name or "") or len(name) > 40:
        raise ImportRefused(f"--source {str(name)[:40]!r}: name a source with lowercase letters, digits and hyphens, "
                            "such as deepstate or isw")
    if name in RESERVED_SOURCES:
        raise ImportRefused(f"--source {name}: that is the embedded lines' source; name your import another way")
    return name


def _day(text: str, where: str) -> str:
    try:
        return dt.date.fromisoformat(str(text)[:10]).isoformat()
    except ValueError:
        raise ImportRefused(f"{where}: the date {str(text)[:30]!r} cannot be read; write it as YYYY-MM-DD") from None


def _date_from_name(name: str) -> str | None:
    m = ARCHIVE_FILE.search(name) or DATE_IN_NAME.search(name)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def _in_ukraine(geom_lonlat, ukraine_ea, where: str):
    """The polygon clipped to Ukraine's land (EPSG:3035), or ImportRefused when nothing of it is in Ukraine."""
    clipped = polygonal(shapely.make_valid(shapely.intersection(to_equal_area(geom_lonlat), ukraine_ea)))
    if area_km2(clipped) < 1.0:
        raise ImportRefused(f"{where}: the polygon lies outside Ukraine; import an area of Russian-controlled "
                            "territory in Ukraine")
    return clipped


def _polygons_of_features(features: list, where: str):
    geoms = []
    for f in features:
        try:
            g = shape(f["geometry"]) if f.get("geometry") else None
        except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.ShapelyError):
            g = None
        if g is not None and g.geom_type in ("Polygon", "MultiPolygon"):
            geoms.append(g if g.is_valid else polygonal(shapely.make_valid(g)))
    if not geoms:
        raise ImportRefused(f"{where}: no polygon in the file; import an area (Polygon or MultiPolygon)")
    try:
        return checked_polygon(geoms, where)
    except GeometryError as exc:
        raise ImportRefused(str(exc)) from None


def _read_one(path: Path) -> shapely.Geometry:
    """A single polygon file, in EPSG:4326, checked."""
    if path.suffix.lower() == ".kml":
        import pyogrio

        try:
            frame = pyogrio.read_dataframe(path)
        except Exception as exc:  # GDAL's several error types
            raise ImportRefused(f"{path.name}: not a readable KML file ({str(exc).splitlines()[0][:120]})") from None
        features = [{"geometry": mapping(g)} for g in frame.geometry if g is not None]
        return _polygons_of_features(features, path.name)
    from geo.upload import UploadError, parse_upload

    try:
        return parse_upload(path.name, path.read_bytes()).geometry
    except UploadError as exc:
        raise ImportRefused(str(exc)) from None


def _json_features(path: Path) -> list:
    data = path.read_bytes()
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            raise ImportRefused(f"{path.name}: not a readable gzip file") from None
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise ImportRefused(f"{path.name}: not GeoJSON (not valid UTF-8 JSON)") from None
    if not isinstance(obj, dict):
        raise ImportRefused(f"{path.name}: not GeoJSON (expected an object)")
    if obj.get("type") == "FeatureCollection":
        return [f for f in obj.get("features", []) if isinstance(f, dict)]
    if obj.get("type") == "Feature":
        return [obj]
    return [{"type": "Feature", "geometry": obj, "properties": {}}]


def read_days(path: Path, date: str | None = None) -> dict[str, Callable[[], shapely.Geometry]]:
    """The days a file or folder holds, each with a function that reads its polygon (EPSG:4326, checked)."""
    path = Path(path)
    if path.is_dir():
        files = {(_date_from_name(f.name) or ""): f for f in sorted(path.iterdir()) if ARCHIVE_FILE.search(f.name)}
        if not files:
            raise ImportRefused(f"{path}: no deepstatemap_data_YYYYMMDD.geojson file in the folder")
        return {day: (lambda f=f: _polygons_of_features(_json_features(f), f.name)) for day, f in files.items()}
    if not path.is_file():
        raise ImportRefused(f"{path}: no such file or folder")
    if path.suffix.lower() not in POLYGON_SUFFIXES:
        raise ImportRefused(f"{path.name}: import a GeoJSON (.geojson, optionally .gz), a GeoPackage, a zipped "
                            "Shapefile (.zip) or a KML file")
    if path.suffix.lower() in (".geojson", ".json", ".gz"):
        features = _json_features(path)
        dated = [f for f in features if isinstance(f.get("properties"), dict) and f["properties"].get("date")]
        if dated and date is None:  # an archive of many days
            by_day: dict[str, list] = defaultdict(list)
            for f in dated:
                by_day[_day(f["properties"]["date"], f"{path.name}: feature date")].append(f)
            return {day: (lambda fs=fs, day=day: _polygons_of_features(fs, f"{path.name} ({day})"))
                    for day, fs in sorted(by_day.items())}
        if path.suffix == ".gz":
            day = _day(date, path.name) if date else _date_from_name(path.name)
            if not day:
                raise ImportRefused(f"{path.name}: give the day of the line with --date YYYY-MM-DD")
            return {day: lambda: _polygons_of_features(features, path.name)}
    day = _day(date, "--date") if date else _date_from_name(path.name)
    if not day:
        raise ImportRefused(f"{path.name}: give the day of the line with --date YYYY-MM-DD")
    return {day: lambda: _read_one(path)}


def import_lines(path: Path, source: str, ukraine_ea, date: str | None = None, replace: bool = False,
                 progress: Callable[[int, int], None] | None = None,
                 store: linestore.LineStore | None = None) -> list[ImportedLine]:
    """Import a file or archive as lines of ``source`` into ``store`` (default: the line store in use); returns
    the days written. Nothing is written unless every day reads; a day already present in the source is refused
    unless ``replace``."""
    source = check_source(source)
    store = store or linestore.current()
    days = read_days(path, date)
    linestore.refuse_clash(source, days, store.days().get(source, []), replace)  # before reading every day
    areas = {}
    for i, (day, read) in enumerate(days.items()):
        areas[day] = to_geographic(_in_ukraine(read(), ukraine_ea, f"{Path(path).name} ({day})"))
        if progress:
            progress(i + 1, len(days))
    return store.write(source, areas, Path(path).name, replace=replace)


def imported_days() -> dict[str, list[str]]:
    """Every imported source with its days, sorted (from the line store in use)."""
    return linestore.current().days()
