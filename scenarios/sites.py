"""Named sites a proposal gives a status to (the nuclear plant, the dam, the spit, a city): the facts in
``data/sources/sites.toml``, typed in by hand with a citation each, validated once and cached.

A site is a point (lon/lat, EPSG:4326) and optionally a small area: a circle of ``radius_km`` around the
point, or a polygon (``area``, GeoJSON). The point decides which side a site is on; the area is drawn.
"""

from __future__ import annotations

import functools
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import shapely
import shapely.geometry

from geo.messages import N_
from scenarios.errors import ScenarioError

SITES_FILE = Path(__file__).resolve().parents[1] / "data" / "sources" / "sites.toml"
SITE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SITE_KINDS = {"nuclear_plant": N_("Nuclear power plant"), "dam": N_("Dam"), "spit": N_("Spit"), "city": N_("City"),
              "port": N_("Port"), "bridge": N_("Bridge"), "other": N_("Site")}
RADIUS_MAX_KM = 50.0


@dataclass(frozen=True)
class Site:
    """One named site: id, names (English, Ukrainian), kind, point (degrees, EPSG:4326), optional area, source."""

    id: str
    name: str
    name_uk: str
    kind: str
    lon: float
    lat: float
    source: str
    radius_km: float | None = None
    area: dict | None = None  # a GeoJSON Polygon / MultiPolygon, EPSG:4326

    @property
    def point(self) -> shapely.Point:
        """The site's point, EPSG:4326."""
        return shapely.Point(self.lon, self.lat)


def _fail(where: str, message: str):
    raise ScenarioError(f"{SITES_FILE}: {where}: {message}")


def _number(entry: dict, key: str, where: str, low: float, high: float) -> float:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not low <= value <= high:
        _fail(f"{where}.{key}", f"give a number between {low:g} and {high:g}, got {value!r}")
    return float(value)


def _site(entry: dict, where: str) -> Site:
    known = {"id", "name", "name_uk", "kind", "lon", "lat", "radius_km", "area", "source"}
    extra = sorted(set(entry) - known)
    if extra:
        _fail(where, f"unknown key {extra[0]!r}; keys are {', '.join(sorted(known))}")
    for key in ("id", "name", "name_uk", "kind", "source"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            _fail(f"{where}.{key}", "required text is missing")
    if not SITE_ID.fullmatch(entry["id"]):
        _fail(f"{where}.id", f"{entry['id'][:40]!r} is not a slug (lowercase letters, digits, single hyphens)")
    if entry["kind"] not in SITE_KINDS:
        _fail(f"{where}.kind", f"{entry['kind'][:40]!r} is not a kind; use one of {', '.join(SITE_KINDS)}")
    radius = _number(entry, "radius_km", where, 0.01, RADIUS_MAX_KM) if "radius_km" in entry else None
    area = entry.get("area")
    if area is not None and (radius is not None or not isinstance(area, dict)
                             or area.get("type") not in ("Polygon", "MultiPolygon")):
        _fail(f"{where}.area", "give either radius_km or a GeoJSON Polygon/MultiPolygon area, not both")
    return Site(entry["id"], entry["name"], entry["name_uk"], entry["kind"], _number(entry, "lon", where, 22.0, 40.5),
                _number(entry, "lat", where, 44.0, 52.5), entry["source"], radius, area)


@functools.cache
def sites() -> tuple[Site, ...]:
    """Every site of data/sources/sites.toml, in the file's order (ScenarioError, one line, if it is broken)."""
    try:
        data = tomllib.loads(SITES_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"{SITES_FILE}: missing; restore it from the repository") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{SITES_FILE}: invalid TOML: {exc}") from None
    entries = data.get("site", [])
    if not isinstance(entries, list) or set(data) - {"site"}:
        _fail("site", "the file holds [[site]] tables only")
    out = tuple(_site(e, f"site[{i}]") for i, e in enumerate(entries))
    ids = [s.id for s in out]
    if len(set(ids)) != len(ids):
        _fail("site", f"ids must be unique; {next(i for i in ids if ids.count(i) > 1)!r} repeats")
    return out


def site_ids() -> list[str]:
    """The ids of every site, in the file's order."""
    return [s.id for s in sites()]


def site(site_id: str) -> Site:
    """The site of an id (ScenarioError naming the known ids if there is none)."""
    for s in sites():
        if s.id == site_id:
            return s
    raise ScenarioError(f"unknown site {site_id!r}; known sites: {', '.join(site_ids())}")


@functools.cache
def site_area_ea(site_id: str) -> shapely.Geometry:
    """A site's area in EPSG:3035 metres, clipped to Ukraine's land: its polygon, a circle of radius_km around
    its point, or (without either) the point itself."""
    from geo.crs import to_equal_area
    from geo.projected import projected

    s = site(site_id)
    if s.area is not None:
        geom = to_equal_area(shapely.geometry.shape(s.area))
    elif s.radius_km:
        geom = shapely.buffer(to_equal_area(s.point), s.radius_km * 1000.0, quad_segs=16)
    else:
        return to_equal_area(s.point)
    return shapely.intersection(geom, projected().ukraine)


def site_area(s: Site) -> shapely.Geometry:
    """The site's area in EPSG:4326 (degrees) for maps, clipped to land; see ``site_area_ea``."""
    from geo.crs import to_geographic

    return to_geographic(site_area_ea(s.id))
