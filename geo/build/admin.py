"""admin1, country and context layers from Natural Earth."""

from __future__ import annotations

import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo.crs import GEOGRAPHIC

# Map context: neighbours of Ukraine and the countries around the Black Sea.
CONTEXT_COUNTRIES = ["RUS", "BLR", "POL", "SVK", "HUN", "ROU", "MDA", "BGR", "TUR", "GEO", "LTU", "LVA", "SRB"]
CONTEXT_BBOX = (19.0, 42.0, 42.5, 54.5)


def read_facts(path: Path) -> pd.DataFrame:
    """The typed admin1 facts (ISO code, names, official area, 2022 population)."""
    with open(path, "rb") as f:
        units = tomllib.load(f)["unit"]
    facts = pd.DataFrame(units)
    facts["alt_names"] = facts["alt_names"].map(lambda names: "|".join(names))
    return facts


def rebuild_coverage(geoms: np.ndarray) -> np.ndarray:
    """Rebuild polygons that should tile the plane into an exact coverage.

    The shared boundaries are noded and polygonized; each face goes to the unit
    that covers most of it, so no gap or overlap is left between neighbours.
    """
    edges = shapely.union_all(shapely.boundary(geoms), grid_size=1e-7)
    faces = np.asarray(shapely.get_parts(shapely.polygonize(shapely.get_parts(edges))))
    overlap = shapely.area(shapely.intersection(faces[:, None], geoms[None, :]))
    owner = overlap.argmax(axis=1)
    covered = overlap.max(axis=1) > 0
    out = []
    for i in range(len(geoms)):
        out.append(shapely.make_valid(shapely.union_all(faces[covered & (owner == i)], grid_size=1e-7)))
    return np.asarray(out)


def build_admin1(natural_earth_ukr: Path, facts: pd.DataFrame) -> gpd.GeoDataFrame:
    """The 27 units of Ukraine with ISO codes, names, official area and population."""
    ne = gpd.read_file(natural_earth_ukr)
    merged = facts.merge(ne[["name", "name_alt", "geometry"]], left_on="ne_name", right_on="name",
                         how="left", suffixes=("", "_ne"), validate="one_to_one")
    missing = merged.loc[merged["geometry"].isna(), "ne_name"].tolist()
    if missing or len(ne) != len(facts):
        raise ValueError(f"Natural Earth units do not match the facts file: unmatched {missing}")
    ne_alts = merged["name_alt"].fillna("").str.split("|")
    merged["alt_names"] = [
        "|".join(dict.fromkeys(a for a in own.split("|") + list(extra) + [ne_name] if a and a != name))
        for own, extra, ne_name, name in zip(merged["alt_names"], ne_alts, merged["ne_name"], merged["name"])
    ]
    geoms = rebuild_coverage(shapely.make_valid(merged.geometry.values))
    return gpd.GeoDataFrame(
        {
            "iso": merged["iso"],
            "pcode": merged["pcode"],
            "name": merged["name"],
            "alt_names": merged["alt_names"],
            "official_area_km2": merged["official_area_km2"].astype(float),
            "population_2022": merged["population_2022"].astype("int64"),
        },
        geometry=geoms,
        crs=GEOGRAPHIC,
    ).sort_values("iso", ignore_index=True)


def build_country(admin1: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Ukraine's internationally recognized territory, dissolved."""
    return gpd.GeoDataFrame({"iso": ["UA"], "name": ["Ukraine"]},
                            geometry=[shapely.union_all(admin1.geometry.values, grid_size=1e-7)], crs=GEOGRAPHIC)


def build_context(natural_earth_europe: Path) -> gpd.GeoDataFrame:
    """Neighbouring countries and the sea (Black Sea, Sea of Azov) for map context."""
    bbox = shapely.box(*CONTEXT_BBOX)
    countries = pyogrio.read_dataframe(natural_earth_europe, layer="countries")
    countries = countries[countries["id"].isin(CONTEXT_COUNTRIES)]
    ocean = pyogrio.read_dataframe(natural_earth_europe, layer="ocean")
    parts = [
        gpd.GeoDataFrame({"kind": "country", "iso3": countries["id"].values},
                         geometry=countries.geometry.values, crs=GEOGRAPHIC),
        gpd.GeoDataFrame({"kind": "sea", "iso3": [""]}, geometry=[shapely.union_all(shapely.intersection(shapely.make_valid(ocean.geometry.values), bbox))],
                         crs=GEOGRAPHIC),
    ]
    context = pd.concat(parts, ignore_index=True)
    context["geometry"] = shapely.make_valid(shapely.intersection(context.geometry.values, bbox))
    context = context[~context.geometry.is_empty].reset_index(drop=True)
    return gpd.GeoDataFrame(context, geometry="geometry", crs=GEOGRAPHIC)
