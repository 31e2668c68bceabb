"""Reading a user's uploaded area: GeoJSON, GeoPackage or a zipped Shapefile.

Pure (no Streamlit) so the app, the CLI and the fuzz tests share it. An
upload becomes one valid (Multi)Polygon in EPSG:4326, or an ``UploadError``
whose one-line message says what is wrong and how to fix it. Every check that
protects the server comes first: the size of the upload, the paths and the
expanded size of a zip, and only then does GDAL (through pyogrio) read it.

Names and other text from the file are returned as they are; whoever shows
them must escape them (the app does).
"""

from __future__ import annotations

import contextlib

import io
import json
import logging
import os
import re
import stat
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from shapely.geometry import mapping

from geo.crs import GEOGRAPHIC, area_km2, to_equal_area
from geo.errors import GeometryError, UserError
from geo.geojson import checked_polygon
from geo.geometry import polygonal

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 500
MAX_NAME_CHARS = 120
MAX_FEATURES = 10_000
MAX_VERTICES = 2_000_000
CHUNK = 1024 * 1024
KINDS = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".zip": "zip"}
ACCEPTED = "a GeoJSON (.geojson, .json), a GeoPackage (.gpkg) or a zipped Shapefile (.zip)"
SQLITE_MAGIC = b"SQLite format 3\x00"
ZIP_MAGIC = b"PK\x03\x04"
POLYGONAL = ("Polygon", "MultiPolygon")
NAME_COLUMNS = ("name", "Name", "NAME", "title", "label")


class UploadError(UserError):
    """An upload cannot be used; the message is one line that names the file, the problem and the fix."""


@dataclass(frozen=True)
class UploadedArea:
    """An uploaded area, ready to use: one valid (Multi)Polygon in EPSG:4326.

    ``name`` is raw text from the file (escape it before showing it);
    ``source_crs`` is the CRS the file declared (or assumed); ``features`` is
    the number of polygon features merged, ``repaired`` how many of them were
    invalid and repaired, ``ignored`` how many non-polygon features were left out.
    """

    filename: str
    name: str
    geometry: shapely.Geometry
    source_crs: str
    crs_assumed: bool = False
    features: int = 1
    repaired: int = 0
    ignored: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def km2(self) -> float:
        """Area in km² (EPSG:3035)."""
        return float(area_km2(to_equal_area(self.geometry)))

    def geojson(self) -> dict:
        """The geometry as a GeoJSON geometry object (EPSG:4326)."""
        return mapping(self.geometry)


def parse_upload(filename: str, data: bytes) -> UploadedArea:
    """Read an uploaded file into an ``UploadedArea``, or raise ``UploadError``.

    Parameters: ``filename`` as the user named it (its extension picks the
    format); ``data`` the file's bytes (at most 25 MB).
    """
    shown = _display_name(filename)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(f"{shown}: {len(data) / 1e6:.1f} MB is more than the {MAX_UPLOAD_BYTES // 2**20} MB "
                          "allowed; simplify the geometry or clip it to Ukraine first")
    if not data:
        raise UploadError(f"{shown}: the file is empty")
    kind = _kind(filename, data, shown)
    with tempfile.TemporaryDirectory(prefix="borderline-upload-") as tmp:
        folder = Path(tmp)
        if kind == "geojson":
            frame = _read_geojson(_write(folder / "upload.geojson", data), data, shown)
        else:
            if kind == "gpkg":
                path = _write(folder / "upload.gpkg", data)
                layer = _polygon_layer(path, shown)
            else:
                path, layer = _shapefile_in_zip(data, folder, shown), None
            frame = _read(path, layer, shown)
    try:
        return _to_area(frame, filename, shown)
    except shapely.errors.GEOSException as exc:  # degenerate geometry that passed the checks above
        log.info("geometry error in upload %s: %r", shown, exc)
        raise UploadError(f"{shown}: the geometry cannot be processed ({_first_line(exc)}); "
                          "fix it, e.g. with QGIS 'Fix geometries'") from None


def _display_name(filename: str) -> str:
    """The file's base name, shortened (it goes into messages; the caller escapes it)."""
    base = re.split(r"[\\/]", filename or "upload")[-1] or "upload"
    return base if len(base) <= 80 else base[:77] + "..."


def _kind(filename: str, data: bytes, shown: str) -> str:
    """The format from the extension, checked against the file's first bytes."""
    ext = os.path.splitext(filename.lower())[1]
    kind = KINDS.get(ext)
    if kind is None:
        raise UploadError(f"{shown}: unsupported file type {ext or '(no extension)'}; upload {ACCEPTED}")
    if kind == "gpkg" and not data.startswith(SQLITE_MAGIC):
        raise UploadError(f"{shown}: not a GeoPackage (it is not an SQLite database); export it again as .gpkg")
    if kind == "zip" and not data.startswith(ZIP_MAGIC):
        raise UploadError(f"{shown}: not a zip file; zip the .shp, .shx, .dbf and .prj files together")
    return kind


def _read_geojson(path: Path, data: bytes, shown: str) -> gpd.GeoDataFrame:
    """Read a GeoJSON file with GDAL's GeoJSON driver (not TopoJSON or Esri JSON, which it would also open).

    GDAL parses a large file far faster than Python's json module, so the file is
    parsed in Python only when GDAL refuses it, to say precisely what is wrong.
    """
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError(f"{shown}: not UTF-8 text, so not GeoJSON; save it as UTF-8") from None
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        _check_json(data, shown)  # says why: not JSON, or JSON but not a GeoJSON object
    try:
        return _read(Path(f"GeoJSON:{path}"), None, shown)
    except UploadError:
        _check_json(data, shown)
        raise


def _check_json(data: bytes, shown: str) -> None:
    """Refuse text that is not JSON or not a GeoJSON object, with the position of the error."""
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UploadError(f"{shown}: not UTF-8 text, so not GeoJSON; save it as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise UploadError(f"{shown}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise UploadError(f"{shown}: the JSON is nested too deeply to be GeoJSON") from None
    types = ("FeatureCollection", "Feature", "Polygon", "MultiPolygon", "GeometryCollection", "Point",
             "MultiPoint", "LineString", "MultiLineString")
    if not isinstance(obj, dict) or obj.get("type") not in types:
        raise UploadError(f"{shown}: JSON but not GeoJSON (expected an object with \"type\": "
                          "\"FeatureCollection\", \"Feature\" or a geometry type)")


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _polygon_layer(path: Path, shown: str) -> str:
    """The first polygon layer of a GeoPackage."""
    try:
        layers = pyogrio.list_layers(path)
    except Exception as exc:  # pyogrio raises several GDAL error types
        log.info("unreadable GeoPackage %s: %s", shown, exc)
        raise UploadError(f"{shown}: not a readable GeoPackage ({_first_line(exc)})") from None
    polygon = [str(name) for name, gtype in layers if gtype and "polygon" in str(gtype).lower()]
    if not polygon:
        found = ", ".join(f"{n} ({t or 'no geometry'})" for n, t in layers) or "none"
        raise UploadError(f"{shown}: no polygon layer in the GeoPackage (layers: {found[:200]})")
    # A layer can be an SQL view, whose query could run for ever: read only stored tables.
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        views = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
    tables = [name for name in polygon if name not in views]
    if not tables:
        raise UploadError(f"{shown}: the polygon layer is an SQL view; export it as a table (a plain GeoPackage layer)")
    return tables[0]


def _unsafe_member(name: str) -> bool:
    """True for a zip member path that is absolute or climbs out of the folder."""
    posix = name.replace("\\", "/")
    if posix.startswith("/") or re.match(r"^[A-Za-z]:", posix):
        return True
    return ".." in PurePosixPath(posix).parts


def _check_zip(archive: zipfile.ZipFile, shown: str) -> list[zipfile.ZipInfo]:
    """The members of a zip, after refusing unsafe paths, links, encryption and bombs."""
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise UploadError(f"{shown}: {len(infos)} files in the zip is more than the {MAX_ZIP_MEMBERS} allowed")
    for info in infos:
        if _unsafe_member(info.filename):
            raise UploadError(f"{shown}: refused, the zip holds a path that climbs out of its folder "
                              f"({info.filename[:80]!r})")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise UploadError(f"{shown}: refused, the zip holds a symbolic link ({info.filename[:80]!r})")
        if info.flag_bits & 0x1:
            raise UploadError(f"{shown}: the zip is encrypted; upload it without a password")
    declared = sum(i.file_size for i in infos)
    if declared > MAX_UNZIPPED_BYTES:
        raise UploadError(f"{shown}: refused, the zip expands to {declared / 1e6:,.0f} MB, more than the "
                          f"{MAX_UNZIPPED_BYTES // 2**20} MB allowed")
    return infos


def _extract(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], folder: Path, shown: str) -> list[Path]:
    """Extract members flat into ``folder``, counting bytes as they come out.

    The sizes a zip declares can lie, so the limit is enforced on the bytes
    actually written, not on the header.
    """
    written, paths = 0, []
    for info in infos:
        base = PurePosixPath(info.filename.replace("\\", "/"))
        if info.is_dir() or "__MACOSX" in base.parts or base.name.startswith("."):
            continue
        target = folder / f"{len(paths):03d}_{base.name}"
        try:
            with archive.open(info) as src, open(target, "wb") as dst:
                while chunk := src.read(CHUNK):
                    written += len(chunk)
                    if written > MAX_UNZIPPED_BYTES:
                        raise UploadError(f"{shown}: refused, the zip expands beyond the "
                                          f"{MAX_UNZIPPED_BYTES // 2**20} MB allowed")
                    dst.write(chunk)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError) as exc:
            raise UploadError(f"{shown}: damaged zip ({_first_line(exc)})") from None
        paths.append(target)
    return paths


def _shapefile_in_zip(data: bytes, folder: Path, shown: str) -> Path:
    """Safely extract a zipped Shapefile and return the path of its .shp."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as exc:
        raise UploadError(f"{shown}: not a readable zip file ({_first_line(exc)})") from None
    with archive:
        infos = _check_zip(archive, shown)
        shp = [i for i in infos if i.filename.lower().endswith(".shp")]
        if not shp:
            raise UploadError(f"{shown}: no .shp file in the zip; zip the .shp, .shx, .dbf and .prj files together")
        stem = shp[0].filename[:-4]
        keep = [i for i in infos if i.filename.rsplit(".", 1)[0] == stem]
        paths = _extract(archive, keep, folder, shown)
    # Rename the kept files to one stem, so GDAL finds the .shx, .dbf and .prj beside the .shp.
    out = None
    for path in paths:
        target = folder / ("layer" + path.suffix.lower())
        path.rename(target)
        out = target if target.suffix == ".shp" else out
    return out


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def _read(path: Path, layer: str | None, shown: str) -> gpd.GeoDataFrame:
    """Read a vector file with pyogrio; GDAL's errors become one-line UploadErrors."""
    try:
        return pyogrio.read_dataframe(path, layer=layer)
    except Exception as exc:  # pyogrio raises several GDAL error types
        log.info("unreadable upload %s: %r", shown, exc)
        raise UploadError(f"{shown}: could not be read as geodata ({_first_line(exc)})") from None


def _to_geographic(frame: gpd.GeoDataFrame, shown: str) -> tuple[gpd.GeoDataFrame, str, bool]:
    """The frame in EPSG:4326, the CRS it declared and whether the CRS was assumed."""
    if frame.crs is None:
        bounds = frame.total_bounds
        if np.isfinite(bounds).all() and -180 <= bounds[0] <= bounds[2] <= 180 and -90 <= bounds[1] <= bounds[3] <= 90:
            return frame.set_crs(GEOGRAPHIC), GEOGRAPHIC, True
        raise UploadError(f"{shown}: no coordinate reference system (a Shapefile needs its .prj) and the "
                          "coordinates are not longitude/latitude; add the .prj or export as EPSG:4326")
    source = frame.crs.to_string()
    try:
        return frame.to_crs(GEOGRAPHIC), source, False
    except Exception as exc:  # pyproj raises several error types
        raise UploadError(f"{shown}: cannot reproject from {source[:60]} to EPSG:4326 ({_first_line(exc)})") from None


def _polygon_parts(geom) -> shapely.Geometry | None:
    """The polygonal part of a geometry (collections included), or None."""
    part = polygonal(geom)
    return None if part.is_empty else part


def _repair(geom, index: int, shown: str) -> shapely.Geometry:
    """A valid version of a polygon, or UploadError when repair leaves no area."""
    reason = shapely.is_valid_reason(geom)
    fixed = _polygon_parts(shapely.make_valid(geom))
    if fixed is None or fixed.is_empty or fixed.area == 0:
        raise UploadError(f"{shown}: feature {index + 1} is an invalid polygon ({reason}) that cannot be repaired; "
                          "fix it, e.g. with QGIS 'Fix geometries'")
    return fixed


def _name(frame: gpd.GeoDataFrame, filename: str) -> str:
    """A name for the area: a name column's first value, else the file's stem."""
    for col in NAME_COLUMNS:
        if col in frame.columns and frame[col].notna().any():
            text = str(frame[col].dropna().iloc[0]).strip()
            if text:
                return text[:MAX_NAME_CHARS]
    stem = _display_name(filename).rsplit(".", 1)[0]
    return (stem or "uploaded area")[:MAX_NAME_CHARS]


def _to_area(frame: gpd.GeoDataFrame, filename: str, shown: str) -> UploadedArea:
    """Reproject, keep the polygons, repair them and merge them into one area."""
    if len(frame) == 0:
        raise UploadError(f"{shown}: the file holds no features")
    if len(frame) > MAX_FEATURES:
        raise UploadError(f"{shown}: {len(frame):,} features is more than the {MAX_FEATURES:,} allowed; "
                          "dissolve them into one area first")
    coords = shapely.get_coordinates(frame.geometry.values)
    if len(coords) > MAX_VERTICES:
        raise UploadError(f"{shown}: {len(coords):,} vertices is more than the {MAX_VERTICES:,} allowed; simplify it")
    if not np.isfinite(coords).all():  # before any GEOS operation, which fails on NaN and infinity
        raise UploadError(f"{shown}: coordinates must be finite numbers (no NaN or infinity)")
    frame, source, assumed = _to_geographic(frame, shown)
    polys, kinds, repaired = [], [], 0
    for i, geom in enumerate(frame.geometry):
        part = _polygon_parts(geom)
        if part is None:
            kinds.append(geom.geom_type if geom is not None else "empty")
            continue
        if not part.is_valid:
            part, repaired = _repair(part, i, shown), repaired + 1
        polys.append(part)
    if not polys:
        found = ", ".join(f"{kinds.count(k)} {k}" for k in dict.fromkeys(kinds))
        raise UploadError(f"{shown}: no polygons in the file (found {found}); upload an area, "
                          "a Polygon or MultiPolygon")
    try:
        geometry = checked_polygon(polys, shown)
    except GeometryError as exc:
        raise UploadError(str(exc)) from None
    notes = []
    if assumed:
        notes.append("no CRS in the file; the coordinates look like longitude/latitude, so EPSG:4326 was assumed")
    elif source != GEOGRAPHIC:
        notes.append(f"reprojected from {source} to EPSG:4326")
    if repaired:
        notes.append(f"{repaired} invalid polygon(s) repaired")
    if kinds:
        notes.append(f"{len(kinds)} feature(s) without a polygon left out")
    return UploadedArea(filename=shown, name=_name(frame, filename), geometry=geometry, source_crs=source,
                        crs_assumed=assumed, features=len(polys), repaired=repaired, ignored=len(kinds),
                        notes=tuple(notes))


MAX_SCENARIO_VERTICES = 20_000


def scenario_geojson(area: UploadedArea, max_vertices: int = MAX_SCENARIO_VERTICES) -> tuple[dict, float]:
    """The area as an inline GeoJSON geometry for a scenario, and the simplification used (m; 0 if none).

    A scenario file holds its polygons inline, so a very detailed upload is
    simplified (in EPSG:3035, topology kept) until it has at most
    ``max_vertices`` vertices; coordinates are rounded to 6 decimals (≈ 0.1 m).
    """
    from geo.crs import to_geographic

    geom, tolerance = area.geometry, 0.0
    if shapely.get_num_coordinates(geom) > max_vertices:
        projected = to_equal_area(geom)
        tolerance = 25.0
        while shapely.get_num_coordinates(geom) > max_vertices and tolerance < 50_000:
            geom = to_geographic(shapely.simplify(projected, tolerance, preserve_topology=True))
            tolerance *= 2
        tolerance /= 2
    rounded = shapely.transform(geom, lambda xy: np.round(xy, 6))
    return json.loads(json.dumps(mapping(rounded))), tolerance
