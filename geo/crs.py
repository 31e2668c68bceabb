"""Coordinate reference systems: EPSG:4326 for storage and display,
ETRS89-LAEA (EPSG:3035, equal-area) for every area, length and buffer."""

from __future__ import annotations

import functools

import numpy as np
import shapely
from pyproj import Transformer

GEOGRAPHIC = "EPSG:4326"
EQUAL_AREA = "EPSG:3035"


@functools.cache
def _transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def to_equal_area(geometry):
    """Project geometry (scalar or array) from EPSG:4326 to EPSG:3035 metres."""
    t = _transformer(GEOGRAPHIC, EQUAL_AREA)
    return shapely.transform(geometry, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


def to_geographic(geometry):
    """Project geometry (scalar or array) from EPSG:3035 metres to EPSG:4326."""
    t = _transformer(EQUAL_AREA, GEOGRAPHIC)
    return shapely.transform(geometry, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


def area_km2(geometry_ea):
    """Area in km² of geometry already in EPSG:3035."""
    return shapely.area(geometry_ea) / 1e6


def length_km(geometry_ea):
    """Length in km of geometry already in EPSG:3035."""
    return shapely.length(geometry_ea) / 1e3


def lonlat_to_ea(lon, lat):
    """Project longitude/latitude arrays to EPSG:3035 x/y arrays in metres."""
    return _transformer(GEOGRAPHIC, EQUAL_AREA).transform(lon, lat)
