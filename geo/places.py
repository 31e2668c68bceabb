"""Look-up of places: by name (any common spelling) or by coordinates.

A place is described by its admin1 unit, its bank of the Dnieper and who held
it on each control date. A name several places share picks by a stated rule:
the most populous, or the one in the unit given as ``admin1``; every candidate
is listed with its unit and population. Unit, bank and side are those of the
place's assigned point on land (geo.population.assign_to_land), the same point
the population estimates count it at; lat/lon stay GeoNames' for display.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import shapely
from rapidfuzz import process

from geo.crs import to_equal_area
from geo.errors import UserError
from geo.population import LAND_REACH_M, assign_to_land
from geo.projected import Projected, projected

MAX_QUERY_CHARS = 200
ADMIN1 = re.compile(r"^UA-\d\d$")
RULE_MOST_POPULOUS = "most populous of the places of that name"
RULE_ADMIN1 = "the place of that name in {iso}"
LEDGER_SOURCE = "DeepStateMap.Live daily archive (cyterat/deepstate-map-data), sampled at the settlement"
LATLON = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)\s*$")


class PlaceNotFound(UserError, LookupError):
    """No place matches; the message lists close matches."""


@dataclass(frozen=True)
class Place:
    """A named or coordinate place in EPSG:4326."""

    name: str
    lat: float
    lon: float
    population: int | None = None
    admin1_iso: str | None = None
    geonameid: int | None = None
    land_lat: float | None = None  # the assigned point on land, when it differs from lat/lon
    land_lon: float | None = None
    candidates: tuple[dict, ...] = ()  # every place of that name: name, admin1_iso, population, lat, lon
    rule: str | None = None  # how the candidate was chosen


def normalize(name: str) -> str:
    """Fold case, accents, apostrophes and hyphens so spellings compare equal."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['’ʼ`ʹ]", "", text).replace("-", " ")
    return " ".join(text.casefold().split())


class Gazetteer:
    """Name look-up over a settlements frame (name, alt_names, population)."""

    def __init__(self, settlements):
        self.names = settlements["name"].astype(str).to_numpy()
        self.population = settlements["population"].to_numpy()
        self.official: dict[str, list[int]] = {}
        self.other: dict[str, list[int]] = {}
        for i, (name, alts) in enumerate(zip(self.names, settlements["alt_names"].fillna("").astype(str))):
            self.official.setdefault(normalize(name), []).append(i)
            for key in {normalize(a) for a in alts.split("|") if a}:
                self.other.setdefault(key, []).append(i)

    def candidates(self, name: str) -> list[int]:
        """Rows a name matches, most populous first.

        A match on an official name wins over matches on other spellings (GeoNames
        lists "Sloviansk" as a historic name of Nikopol, too).
        """
        key = normalize(name)
        rows = self.official.get(key) or self.other.get(key, [])
        return sorted(rows, key=lambda i: -self.population[i])

    def close_matches(self, name: str, limit: int = 5) -> list[str]:
        """Official names of the places whose spelling is closest to ``name``."""
        index = {**self.other, **self.official}
        found = process.extract(normalize(name), list(index), limit=limit * 3)
        names = [self.names[index[key][0]] for key, score, _ in found if score >= 60]
        return list(dict.fromkeys(names))[:limit]


@functools.lru_cache(maxsize=4)
def gazetteer(p: Projected | None = None) -> Gazetteer:
    """The gazetteer of the embedded settlements layer."""
    return Gazetteer((p or projected()).settlements)


def candidates(name: str, p: Projected | None = None) -> list[int]:
    """Row numbers of the settlements a name matches, most populous first."""
    return gazetteer(p or projected()).candidates(name)


def close_matches(name: str, limit: int = 5, p: Projected | None = None) -> list[str]:
    """Official names of the settlements whose spelling is closest to ``name``."""
    return gazetteer(p or projected()).close_matches(name, limit)


def parse_latlon(text: str) -> tuple[float, float] | None:
    """``"50.43,30.64"`` → (50.43, 30.64); None when the text is not a coordinate pair."""
    m = LATLON.match(text)
    if not m:
        return None
    lat, lon = float(m.group(1)), float(m.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise PlaceNotFound(f"{text!r}: latitude must be within ±90 and longitude within ±180")
    return lat, lon


def _candidate(row) -> dict:
    return {"name": row["name"], "admin1_iso": row["admin1_iso"], "population": int(row["population"]),
            "lat": round(row.geometry.y, 5), "lon": round(row.geometry.x, 5)}


def find_place(query: str, p: Projected | None = None, admin1: str | None = None) -> Place:
    """A settlement by name or a ``LAT,LON`` pair.

    Of several places with the name, the one in ``admin1`` (ISO code such as "UA-63") if given,
    else the most populous; ``Place.candidates`` lists them all and ``Place.rule`` says which rule chose.
    """
    p = p or projected()
    latlon = parse_latlon(query)
    if latlon is not None:
        return Place(name=f"{latlon[0]:.5f}, {latlon[1]:.5f}", lat=latlon[0], lon=latlon[1])
    if len(query) > MAX_QUERY_CHARS:
        raise PlaceNotFound(f"a place name has at most {MAX_QUERY_CHARS} characters; got {len(query):,}")
    if admin1 is not None and not ADMIN1.match(admin1):
        raise PlaceNotFound(f"admin1 {admin1!r} is not an ISO code; write it like UA-63")
    rows = candidates(query, p)
    if not rows:
        hint = close_matches(query, p=p)
        extra = f"; close matches: {', '.join(hint)}" if hint else ""
        raise PlaceNotFound(f"no place named {query!r}{extra}")
    listed = tuple(_candidate(p.settlements.iloc[i]) for i in rows)
    chosen = rows
    if admin1 is not None:
        chosen = [i for i, c in zip(rows, listed) if c["admin1_iso"] == admin1]
        if not chosen:
            units = ", ".join(sorted({c["admin1_iso"] for c in listed}))
            raise PlaceNotFound(f"no place named {query!r} in {admin1}; there is one in {units}")
    row = p.settlements.iloc[chosen[0]]
    moved = (row["land_lon"], row["land_lat"]) != (row.geometry.x, row.geometry.y)
    rule = RULE_ADMIN1.format(iso=admin1) if admin1 is not None else RULE_MOST_POPULOUS
    return Place(name=row["name"], lat=row.geometry.y, lon=row.geometry.x,
                 population=int(row["population"]), admin1_iso=row["admin1_iso"], geonameid=int(row["geonameid"]),
                 land_lat=float(row["land_lat"]) if moved else None, land_lon=float(row["land_lon"]) if moved else None,
                 candidates=listed if len(listed) > 1 else (), rule=rule if len(listed) > 1 else None)


def assigned_point_ea(place: Place, p: Projected | None = None):
    """The point (EPSG:3035) a place is counted at: its assigned land point, or the nearest land within 3 km.

    Raises PlaceNotFound for a point more than 3 km off Ukraine's land.
    """
    p = p or projected()
    if place.land_lat is not None:
        return to_equal_area(shapely.Point(place.land_lon, place.land_lat))
    point = to_equal_area(shapely.Point(place.lon, place.lat))
    if shapely.distance(p.ukraine, point) > LAND_REACH_M:
        raise PlaceNotFound(f"{place.lat:.4f}, {place.lon:.4f} is outside Ukraine")
    return assign_to_land(np.asarray([point]), p.ukraine)[0]


def describe(place: Place, p: Projected | None = None) -> dict:
    """Admin1 unit, Dnieper bank and controlling side on each control date of a place (at its assigned point)."""
    p = p or projected()
    point = assigned_point_ea(place, p)
    unit = np.flatnonzero(shapely.intersects(p.admin1_ea, point))
    row = p.admin1.iloc[unit[0]]
    bank = "right" if shapely.intersects(p.banks["right"], point) else "left"
    info = {
        "name": place.name,
        "lat": round(place.lat, 5),
        "lon": round(place.lon, 5),
        "population": place.population,
        "admin1_iso": row["iso"],
        "admin1_name": row["name"],
        "bank": bank,
        "control": {day: ("russia" if shapely.intersects(p.control_area(day), point) else "ukraine")
                    for day in p.control_dates},
        "history": [{"side": side, "from": start, "to": end, "source": LEDGER_SOURCE}
                    for side, start, end in p.timeline.history(place.geonameid)] if place.geonameid else [],
    }
    if place.land_lat is not None:
        info["assigned_to_land"] = {"lat": round(place.land_lat, 5), "lon": round(place.land_lon, 5),
                                    "rule": "GeoNames point off the land polygon: counted at the nearest land"}
    if place.candidates:
        names = dict(zip(p.admin1["iso"], p.admin1["name"]))
        info["chosen_by"] = place.rule
        info["candidates"] = [{**c, "admin1_name": names.get(c["admin1_iso"])} for c in place.candidates]
    return info
