"""Turning scenario expressions into geometry (EPSG:3035), with one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from geo import places
from geo.crs import to_equal_area
from geo.projected import Projected
from scenarios.model import (Admin1, Bank, City, Control, Difference, GeoJSON, GeoJSONFile, Intersection,
                             ScenarioError, Ukraine, Union_)

MAX_GEOJSON_BYTES = 25 * 1024 * 1024
MAX_VERTICES = 2_000_000
# Ukraine's bounding box, generously: a polygon wholly outside it is in the wrong place or CRS.
UKRAINE_LONLAT_BOX = (21.0, 43.5, 41.5, 53.5)


def polygon_from_geojson(obj, where: str):
    """A valid (Multi)Polygon in EPSG:4326 from a GeoJSON object, or ScenarioError naming ``where``."""
    if not isinstance(obj, dict):
        raise ScenarioError(f"{where}: GeoJSON must be an object")
    kind = obj.get("type")
    try:
        if kind == "FeatureCollection":
            geoms = [shape(f["geometry"]) for f in obj.get("features", []) if f.get("geometry")]
        elif kind == "Feature":
            geoms = [shape(obj["geometry"])] if obj.get("geometry") else []
        else:
            geoms = [shape(obj)]
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError, shapely.errors.ShapelyError) as exc:
        raise ScenarioError(f"{where}: not a readable GeoJSON geometry ({exc}); give Polygon or MultiPolygon "
                            "coordinates as [[[lon, lat], ...]]") from None
    polys = [g for g in geoms if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polys:
        raise ScenarioError(f"{where}: no Polygon or MultiPolygon in the GeoJSON")
    coords = shapely.get_coordinates(polys)  # of the parts: GEOS cannot union NaN or infinite coordinates
    if len(coords) > MAX_VERTICES:
        raise ScenarioError(f"{where}: {len(coords):,} vertices is more than the {MAX_VERTICES:,} allowed; simplify it")
    if not np.isfinite(coords).all():
        raise ScenarioError(f"{where}: coordinates must be finite numbers (no NaN or infinity)")
    if (np.abs(coords[:, 0]) > 180).any() or (np.abs(coords[:, 1]) > 90).any():
        raise ScenarioError(f"{where}: coordinates are outside ±180/±90, so they look projected; "
                            "give longitude/latitude in EPSG:4326")
    invalid = [g for g in polys if not g.is_empty and not g.is_valid]  # before the union, which they break
    if invalid:
        reason = shapely.is_valid_reason(invalid[0])
        raise ScenarioError(f"{where}: invalid polygon ({reason}); fix self-intersections, e.g. with "
                            "shapely.make_valid or QGIS 'Fix geometries'")
    geom = shapely.union_all(polys) if len(polys) > 1 else polys[0]
    if geom.is_empty or shapely.area(geom) == 0:
        raise ScenarioError(f"{where}: the polygon is empty or has zero area")
    if not geom.intersects(shapely.box(*UKRAINE_LONLAT_BOX)):
        raise ScenarioError(f"{where}: the polygon lies outside Ukraine (expected longitude 22–41 E, latitude 44–53 N)")
    return geom


def read_geojson_file(path: Path, where: str):
    """Read a GeoJSON polygon file (size-limited)."""
    if path.exists() and not path.is_file():  # a FIFO or a device would block or never end
        raise ScenarioError(f"{where}: {path} is not a regular file")
    try:
        if path.stat().st_size > MAX_GEOJSON_BYTES:
            raise ScenarioError(f"{where}: {path.name} is larger than 25 MB")
        obj = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"{where}: no such file {path}") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ScenarioError(f"{where}: {path.name} is not GeoJSON ({type(exc).__name__})") from None
    except OSError as exc:
        raise ScenarioError(f"{where}: cannot read {path} ({exc.strerror})") from None
    return polygon_from_geojson(obj, f"{where} ({path.name})")


def resolve(expr, p: Projected, base_dir: Path | None, where: str):
    """Geometry of an expression in EPSG:3035, clipped to Ukraine."""
    if isinstance(expr, Ukraine):
        return p.ukraine
    if isinstance(expr, Admin1):
        known = dict(zip(p.admin1["iso"], p.admin1_ea))
        unknown = [c for c in expr.admin1 if c not in known]
        if unknown:
            raise ScenarioError(f"{where}.admin1: unknown ISO code {unknown[0]!r}; known codes: {', '.join(sorted(known))}")
        return shapely.union_all([known[c] for c in dict.fromkeys(expr.admin1)])
    if isinstance(expr, Control):
        if expr.control not in p.control:
            raise ScenarioError(f"{where}.control: no control line dated {expr.control}; "
                                f"available: {', '.join(p.control_dates)}")
        return p.control[expr.control]
    if isinstance(expr, Bank):
        return p.banks[expr.bank]
    if isinstance(expr, City):
        rows = places.candidates(expr.city.name, p)
        if not rows:
            close = places.close_matches(expr.city.name, p=p)
            hint = f"; close matches: {', '.join(close)}" if close else ""
            raise ScenarioError(f"{where}.city.name: no settlement named {expr.city.name!r}{hint}")
        point = to_equal_area(p.settlements.geometry.iloc[rows[0]])
        return shapely.intersection(shapely.buffer(point, expr.city.radius_km * 1000.0, quad_segs=16), p.ukraine)
    if isinstance(expr, GeoJSON):
        geom = polygon_from_geojson(expr.geojson.model_dump(), f"{where}.geojson")
        return shapely.intersection(to_equal_area(geom), p.ukraine)
    if isinstance(expr, GeoJSONFile):
        path = Path(expr.geojson_file)
        if not path.is_absolute():
            path = (base_dir or Path.cwd()) / path
        return shapely.intersection(to_equal_area(read_geojson_file(path, f"{where}.geojson_file")), p.ukraine)
    if isinstance(expr, Union_):
        parts = [resolve(e, p, base_dir, f"{where}.union[{i}]") for i, e in enumerate(expr.union)]
        return shapely.union_all(parts) if parts else shapely.Polygon()
    if isinstance(expr, Intersection):
        parts = [resolve(e, p, base_dir, f"{where}.intersection[{i}]") for i, e in enumerate(expr.intersection)]
        return shapely.intersection_all(parts)
    if isinstance(expr, Difference):
        first, *rest = [resolve(e, p, base_dir, f"{where}.difference[{i}]") for i, e in enumerate(expr.difference)]
        return shapely.difference(first, shapely.union_all(rest)) if rest else first
    raise ScenarioError(f"{where}: unsupported expression {type(expr).__name__}")


def polygonal(geom):
    """Keep only the polygonal part of a geometry (set operations can leave slivers of lines)."""
    if geom is None or geom.is_empty:
        return shapely.Polygon()
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()
