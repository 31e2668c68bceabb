"""Population estimates for any polygon, from the 2022 baseline.

An estimate is the population of the settlements inside the polygon plus, for
each admin1 unit, the unit's remaining (rural) population spread evenly over
the unit's land and counted in proportion to the share of it the polygon
covers. Over a whole unit the estimate equals the unit's OCHA COD-PS 2022
baseline. These are estimates of the 2022 resident population, not of who
lives there today.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from geo.crs import area_km2, to_equal_area

METHOD = ("2022 resident baseline (UN OCHA COD-PS), estimated: GeoNames settlement populations inside the area "
          "plus each oblast's remaining population spread evenly over its land; not today's population, "
          "which displacement has changed")

# How far off the land polygon a place may lie and still be assigned to the nearest land, and how far
# inside the shore it is then put.
LAND_REACH_M = 3_000.0
INLAND_M = 50.0


@dataclass(frozen=True, eq=False)
class PopulationModel:
    """Settlements and per-unit rural densities, in EPSG:3035."""

    iso: np.ndarray
    units: np.ndarray
    unit_km2: np.ndarray
    baseline: np.ndarray
    rural_per_km2: np.ndarray
    settlement_x: np.ndarray
    settlement_y: np.ndarray
    settlement_population: np.ndarray
    settlement_unit: np.ndarray
    tree: shapely.STRtree


def assign_to_land(points_ea: np.ndarray, land_ea) -> np.ndarray:
    """Points (EPSG:3035) moved onto the land polygon: unchanged if on it, else the nearest land 50 m inland.

    Raises ValueError for a point more than LAND_REACH_M (3 km) off the land.
    """
    shapely.prepare(land_ea)
    off = ~shapely.contains(land_ea, points_ea)
    distance = shapely.distance(land_ea, points_ea[off])
    if (distance > LAND_REACH_M).any():
        raise ValueError(f"{int((distance > LAND_REACH_M).sum())} settlements lie more than 3 km off Ukraine's land")
    shore = shapely.get_point(shapely.shortest_line(land_ea, points_ea[off]), 0)
    moved = points_ea.copy()
    # A small disc of land round the nearest shore point: inside the land, not on its outline.
    moved[off] = shapely.point_on_surface(shapely.intersection(land_ea, shapely.buffer(shore, INLAND_M)))
    return moved


def build_model(admin1: gpd.GeoDataFrame, settlements: gpd.GeoDataFrame) -> PopulationModel:
    """Population model from the admin1 and settlements layers (EPSG:4326)."""
    units = to_equal_area(admin1.geometry.values)
    # Each place counts at its assigned point on land (see geo.build.settlements), not at its GeoNames
    # position, so coastal and border places are in their unit and on the side that holds the coast.
    points = to_equal_area(shapely.points(settlements["land_lon"].to_numpy(), settlements["land_lat"].to_numpy()))
    shapely.prepare(units)
    iso_index = {iso: i for i, iso in enumerate(admin1["iso"])}
    home = settlements["admin1_iso"].map(iso_index).to_numpy()
    x, y = shapely.get_x(points), shapely.get_y(points)
    pop = settlements["population"].to_numpy(dtype=float)
    in_unit = np.bincount(home, weights=pop, minlength=len(units))
    baseline = admin1["population_2022"].to_numpy(dtype=float)
    unit_km2 = area_km2(units)
    return PopulationModel(
        iso=admin1["iso"].to_numpy(), units=units, unit_km2=unit_km2, baseline=baseline,
        rural_per_km2=(baseline - in_unit) / unit_km2,
        settlement_x=x, settlement_y=y, settlement_population=pop, settlement_unit=home, tree=shapely.STRtree(units),
    )


def settlements_inside(model: PopulationModel, area_ea) -> np.ndarray:
    """Boolean mask of the settlements inside a polygon in EPSG:3035."""
    if area_ea is None or shapely.is_empty(area_ea):
        return np.zeros(len(model.settlement_x), bool)
    shapely.prepare(area_ea)
    return shapely.contains_xy(area_ea, model.settlement_x, model.settlement_y)


def rural_by_unit(model: PopulationModel, area_ea) -> tuple[np.ndarray, np.ndarray]:
    """Per unit: km² of the unit inside the polygon, and the rural population living there."""
    km2 = np.zeros(len(model.units))
    if area_ea is not None and not shapely.is_empty(area_ea):
        hits = model.tree.query(area_ea, predicate="intersects")
        km2[hits] = area_km2(shapely.intersection(model.units[hits], area_ea))
    return km2, km2 * model.rural_per_km2


def estimate_population(model: PopulationModel, area_ea) -> float:
    """Estimated 2022 baseline population of a polygon in EPSG:3035."""
    urban = model.settlement_population[settlements_inside(model, area_ea)].sum()
    return float(urban + rural_by_unit(model, area_ea)[1].sum())
