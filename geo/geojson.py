"""Polygons given by the user as GeoJSON (EPSG:4326): read, checked and refused with one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from geo.errors import GeometryError

MAX_GEOJSON_BYTES = 25 * 1024 * 1024
MAX_VERTICES = 2_000_000
# Ukraine's bounding box, generously: a polygon wholly outside it is in the wrong place or CRS.
UKRAINE_LONLAT_BOX = (21.0, 43.5, 41.5, 53.5)


def polygon_from_geojson(obj, where: str):
    """A valid (Multi)Polygon in EPSG:4326 from a GeoJSON object, or GeometryError naming ``where``."""
    if not isinstance(obj, dict):
        raise GeometryError(f"{where}: GeoJSON must be an object")
    kind = obj.get("type")
    try:
        if kind == "FeatureCollection":
            geoms = [shape(f["geometry"]) for f in obj.get("features", []) if f.get("geometry")]
        elif kind == "Feature":
            geoms = [shape(obj["geometry"])] if obj.get("geometry") else []
        else:
            geoms = [shape(obj)]
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError, shapely.errors.ShapelyError) as exc:
        raise GeometryError(f"{where}: not a readable GeoJSON geometry ({exc}); give Polygon or MultiPolygon "
                            "coordinates as [[[lon, lat], ...]]") from None
    polys = [g for g in geoms if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polys:
        raise GeometryError(f"{where}: no Polygon or MultiPolygon in the GeoJSON")
    return checked_polygon(polys, where)


def checked_polygon(polys: list, where: str):
    """The union of (Multi)Polygons in EPSG:4326, checked: finite, longitude/latitude, valid, not empty, near
    Ukraine, at most MAX_VERTICES vertices; or GeometryError naming ``where``."""
    coords = shapely.get_coordinates(polys)  # of the parts: GEOS cannot union NaN or infinite coordinates
    if len(coords) > MAX_VERTICES:
        raise GeometryError(f"{where}: {len(coords):,} vertices is more than the {MAX_VERTICES:,} allowed; simplify it")
    if not np.isfinite(coords).all():
        raise GeometryError(f"{where}: coordinates must be finite numbers (no NaN or infinity)")
    if (np.abs(coords[:, 0]) > 180).any() or (np.abs(coords[:, 1]) > 90).any():
        raise GeometryError(f"{where}: coordinates are outside ±180/±90, so they look projected; "
                            "give longitude/latitude in EPSG:4326")
    invalid = [g for g in polys if not g.is_empty and not g.is_valid]  # before the union, which they break
    if invalid:
        reason = shapely.is_valid_reason(invalid[0])
        raise GeometryError(f"{where}: invalid polygon ({reason}); fix self-intersections, e.g. with "
                            "shapely.make_valid or QGIS 'Fix geometries'")
    geom = shapely.union_all(polys) if len(polys) > 1 else polys[0]
    if geom.is_empty or shapely.area(geom) == 0:
        raise GeometryError(f"{where}: the polygon is empty or has zero area")
    if not geom.intersects(shapely.box(*UKRAINE_LONLAT_BOX)):
        raise GeometryError(f"{where}: the polygon lies outside Ukraine (expected longitude 22–41 E, latitude 44–53 N)")
    return geom


def read_geojson_file(path: Path, where: str):
    """Read a GeoJSON polygon file (size-limited)."""
    if path.exists() and not path.is_file():  # a FIFO or a device would block or never end
        raise GeometryError(f"{where}: {path} is not a regular file")
    try:
        if path.stat().st_size > MAX_GEOJSON_BYTES:
            raise GeometryError(f"{where}: {path.name} is larger than 25 MB")
        obj = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise GeometryError(f"{where}: no such file {path}") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise GeometryError(f"{where}: {path.name} is not GeoJSON ({type(exc).__name__})") from None
    except OSError as exc:
        raise GeometryError(f"{where}: cannot read {path} ({exc.strerror})") from None
    return polygon_from_geojson(obj, f"{where} ({path.name})")
