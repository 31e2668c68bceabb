"""Turning scenario expressions into geometry (EPSG:3035), with one-line errors."""

from __future__ import annotations

from pathlib import Path

import shapely

from geo import places
from geo.crs import to_equal_area
from geo.errors import GeometryError
from geo.geometry import polygonal
from geo.geojson import polygon_from_geojson, read_geojson_file
from geo.projected import Projected
from scenarios.model import (Admin1, Bank, City, Control, Difference, GeoJSON, GeoJSONFile, Intersection,
                             ScenarioError, Ukraine, Union_)


def _user_polygon(expr, base_dir: Path | None, where: str):
    if isinstance(expr, GeoJSON):
        return polygon_from_geojson(expr.geojson.model_dump(), f"{where}.geojson")
    path = Path(expr.geojson_file)
    if not path.is_absolute():
        path = (base_dir or Path.cwd()) / path
    return read_geojson_file(path, f"{where}.geojson_file")


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
        try:
            return p.line_area(p.line(expr.control))
        except ValueError as exc:
            raise ScenarioError(f"{where}.control: {exc}") from None
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
    if isinstance(expr, (GeoJSON, GeoJSONFile)):
        try:
            geom = _user_polygon(expr, base_dir, where)
        except GeometryError as exc:
            raise ScenarioError(str(exc)) from None
        return shapely.intersection(to_equal_area(geom), p.ukraine)
    if isinstance(expr, Union_):
        parts = [resolve(e, p, base_dir, f"{where}.union[{i}]") for i, e in enumerate(expr.union)]
        return polygonal(shapely.union_all(parts)) if parts else shapely.Polygon()
    # Set operations can leave lines and points where parts touch, and GEOS refuses some mixed collections
    # as operands ("unable to determine overlay result geometry dimension"): keep every operand polygonal.
    if isinstance(expr, Intersection):
        # Folded by hand: intersection_all would pass its mixed intermediate results on to GEOS.
        result = None
        for i, e in enumerate(expr.intersection):
            part = polygonal(resolve(e, p, base_dir, f"{where}.intersection[{i}]"))
            result = part if result is None else polygonal(shapely.intersection(result, part))
        return result
    if isinstance(expr, Difference):
        first, *rest = [polygonal(resolve(e, p, base_dir, f"{where}.difference[{i}]"))
                        for i, e in enumerate(expr.difference)]
        return polygonal(shapely.difference(first, shapely.union_all(rest))) if rest else first
    raise ScenarioError(f"{where}: unsupported expression {type(expr).__name__}")
