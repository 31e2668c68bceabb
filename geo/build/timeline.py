"""The dated control model's build: the ledger of changes of hands and each ledger settlement's neighbourhood.

The model (read at run time by geo.timeline) is the authored line of
12 February 2025 plus a ledger of which side held each settlement near the
front on every day from 2024-07-08 to 2026-08-22 (data/sources/control_ledger.csv,
sampled from DeepStateMap.Live's daily archive). A settlement whose side on a
day differs from its side in the authored area moves its neighbourhood across
the line; elsewhere the line stays put. A neighbourhood is the settlement's
Voronoi cell among all ledger settlements, within CELL_RADIUS_KM of it and on
Ukrainian land, so neighbourhoods never overlap and never hold another ledger
settlement, and no patch moves farther than CELL_RADIUS_KM from a settlement
that changed hands.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import GEOGRAPHIC, lonlat_to_ea, to_equal_area, to_geographic
from geo.timeline import BASE_DATE  # noqa: F401  (the pipeline reads it here)

CELL_RADIUS_KM = 10.0
LEDGER_COLUMNS = ("geonameid", "name", "admin1_iso", "lat", "lon", "side", "from", "to")
SIDES = ("russia", "ukraine")


class LedgerError(ValueError):
    """The ledger file is malformed; the message names the file, the row and the fix."""


def read_ledger(path: Path) -> pd.DataFrame:
    """The ledger as a frame (one row per settlement and interval), checked: known sides, real days, intervals
    of each settlement contiguous and without overlap."""
    frame = pd.read_csv(path, comment="#", dtype={"geonameid": "int64"})
    missing = [c for c in LEDGER_COLUMNS if c not in frame.columns]
    if missing:
        raise LedgerError(f"{path}: missing column(s) {', '.join(missing)}")
    bad = frame.loc[~frame["side"].isin(SIDES)]
    if len(bad):
        raise LedgerError(f"{path}: row {bad.index[0] + 2}: side must be russia or ukraine, got {bad['side'].iat[0]!r}")
    for column in ("from", "to"):
        try:
            frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
        except ValueError as exc:
            raise LedgerError(f"{path}: column {column}: not a YYYY-MM-DD date ({exc})") from None
    frame = frame.sort_values(["geonameid", "from"], ignore_index=True)
    same = frame["geonameid"].eq(frame["geonameid"].shift())
    gaps = same & (frame["from"] != frame["to"].shift() + pd.Timedelta(days=1))
    if gaps.any() or (frame["to"] < frame["from"]).any():
        row = frame.loc[gaps | (frame["to"] < frame["from"])].iloc[0]
        raise LedgerError(f"{path}: {row['name']} ({row['geonameid']}): intervals must follow one another day by day")
    return frame


def neighbourhoods(lon: np.ndarray, lat: np.ndarray, ukraine_ea, radius_km: float = CELL_RADIUS_KM) -> np.ndarray:
    """Each point's Voronoi cell among all the points, within ``radius_km`` of it and inside ``ukraine_ea``
    (EPSG:3035); returned in EPSG:3035, in the order of the points."""
    x, y = lonlat_to_ea(lon, lat)
    points = shapely.points(x, y)
    envelope = shapely.buffer(shapely.envelope(shapely.multipoints(points)), 100 * radius_km * 1000.0)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=envelope))
    # voronoi_polygons does not keep the input order: match each cell to the point it holds.
    tree = shapely.STRtree(cells)
    point_index, cell_index = tree.query(points, predicate="within")
    ordered = np.empty(len(points), dtype=object)
    ordered[point_index] = cells[cell_index]
    near = shapely.buffer(points, radius_km * 1000.0, quad_segs=16)
    return shapely.intersection(shapely.intersection(ordered, near), ukraine_ea)


def build_cells(ledger: pd.DataFrame, base_lonlat, ukraine_lonlat) -> gpd.GeoDataFrame:
    """The neighbourhood of every ledger settlement (EPSG:4326) with ``base_side``: its side in the authored
    area ``base_lonlat`` (EPSG:4326)."""
    places = ledger.drop_duplicates("geonameid").reset_index(drop=True)
    ukraine_ea = to_equal_area(ukraine_lonlat)
    cells = neighbourhoods(places["lon"].to_numpy(), places["lat"].to_numpy(), ukraine_ea)
    x, y = lonlat_to_ea(places["lon"].to_numpy(), places["lat"].to_numpy())
    inside = shapely.contains_xy(to_equal_area(base_lonlat), x, y)
    geoms = shapely.set_precision(to_geographic(cells), 1e-6)  # ≈ 0.1 m, as the other layers
    return gpd.GeoDataFrame({"geonameid": places["geonameid"].to_numpy(), "name": places["name"].to_numpy(),
                             "admin1_iso": places["admin1_iso"].to_numpy(),
                             "base_side": np.where(inside, "russia", "ukraine")},
                            geometry=geoms, crs=GEOGRAPHIC)


def ledger_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """The ledger as written to data/boundaries (dates as text, sorted)."""
    out = ledger.loc[:, list(LEDGER_COLUMNS)].copy()
    for column in ("from", "to"):
        out[column] = out[column].dt.strftime("%Y-%m-%d")
    return out


def first_and_last_day(ledger: pd.DataFrame) -> tuple[dt.date, dt.date]:
    return ledger["from"].min().date(), ledger["to"].max().date()
