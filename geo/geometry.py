"""Small geometry helpers shared by every layer (pure functions of shapely geometry)."""

from __future__ import annotations

import numpy as np
import shapely

_POLYGON_TYPES = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)


def polygonal(geom) -> shapely.Geometry:
    """The polygonal part of a geometry (set operations can leave lines and points); an empty Polygon if none."""
    if geom is None or shapely.is_empty(geom):
        return shapely.Polygon()
    if shapely.get_type_id(geom) in _POLYGON_TYPES:
        return geom
    parts = shapely.get_parts(shapely.get_parts(geom))  # twice: collections may hold multi-geometries
    parts = parts[np.isin(shapely.get_type_id(parts), _POLYGON_TYPES)]
    return shapely.union_all(parts) if len(parts) else shapely.Polygon()
