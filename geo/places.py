"""Look-up of places: by name (any common spelling) or by coordinates.

A place is described by its admin1 unit, its bank of the Dnieper and who held
it on each control date.
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
from geo.projected import Projected, projected

MAX_QUERY_CHARS = 200
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


def find_place(query: str, p: Projected | None = None) -> Place:
    """A settlement by name (the most populous of that name) or a ``LAT,LON`` pair."""
    p = p or projected()
    latlon = parse_latlon(query)
    if latlon is not None:
        return Place(name=f"{latlon[0]:.5f}, {latlon[1]:.5f}", lat=latlon[0], lon=latlon[1])
    if len(query) > MAX_QUERY_CHARS:
        raise PlaceNotFound(f"a place name has at most {MAX_QUERY_CHARS} characters; got {len(query):,}")
    rows = candidates(query, p)
    if not rows:
        hint = close_matches(query, p=p)
        extra = f"; close matches: {', '.join(hint)}" if hint else ""
        raise PlaceNotFound(f"no place named {query!r}{extra}")
    row = p.settlements.iloc[rows[0]]
    return Place(name=row["name"], lat=row.geometry.y, lon=row.geometry.x,
                 population=int(row["population"]), admin1_iso=row["admin1_iso"], geonameid=int(row["geonameid"]))


def describe(place: Place, p: Projected | None = None) -> dict:
    """Admin1 unit, Dnieper bank and controlling side on each control date of a place."""
    p = p or projected()
    point = to_equal_area(shapely.Point(place.lon, place.lat))
    unit = np.flatnonzero(shapely.intersects(p.admin1_ea, point))
    if len(unit) == 0:  # a coastal point just off the land polygons
        unit = [int(np.argmin(shapely.distance(p.admin1_ea, point)))]
        if shapely.distance(p.admin1_ea[unit[0]], point) > 5_000:
            raise PlaceNotFound(f"{place.lat:.4f}, {place.lon:.4f} is outside Ukraine")
    row = p.admin1.iloc[unit[0]]
    bank = min(p.banks, key=lambda b: shapely.distance(p.banks[b], point))
    return {
        "name": place.name,
        "lat": round(place.lat, 5),
        "lon": round(place.lon, 5),
        "population": place.population,
        "admin1_iso": row["iso"],
        "admin1_name": row["name"],
        "bank": bank,
        "control": {day: ("russia" if shapely.distance(p.control_area(day), point) == 0 else "ukraine")
                    for day in p.control_dates},
        "history": [{"side": side, "from": start, "to": end, "source": LEDGER_SOURCE}
                    for side, start, end in p.timeline.history(place.geonameid)] if place.geonameid else [],
    }
