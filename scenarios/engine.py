"""The engine: a scenario in; territory, line of contact, DMZ bands, zones and their numbers out.

The engine owns every derived geometry and number. Work is split by what it
depends on: a :class:`Territory` (the scenario and its baseline date, cached on
their digest) holds every part with its area and population, the lines of
contact, the per-oblast rows and the places changing hands; an
:class:`Evaluation` adds only the DMZ bands of given widths and the metrics.

All geometry is in EPSG:3035 (metres, equal-area); areas are km² of that
projection. Population figures are estimates of the 2022 resident baseline
(see geo.population.METHOD).
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geo import linestore
from geo.crs import EQUAL_AREA, area_km2, length_km, to_equal_area
from geo.lines import Line
from geo.timeline import EMBEDDED_SOURCE
from geo.geometry import polygonal
from geo.population import METHOD as POPULATION_METHOD
from geo.population import estimate_population, rural_by_unit, settlements_inside
from geo.projected import Projected, former_kakhovka_reservoir_bed, projected
from scenarios.geometry import resolve
from scenarios import monitoring as monitoring_model
from scenarios.metrics import (PART_LABELS, RECOGNITION_LABELS, Band, DmzBySide, DmzKm, Method, Metrics, MissionRef,
                               Monitoring, OblastRow, RecognitionMetrics, SettlementChange, SiteRow, ZoneMetrics)
from scenarios.model import Scenario, ScenarioError, Zone
from scenarios.sites import sites as all_sites
from scenarios.values import MONITORED_ZONE_TYPES, DmzWidths

AREA_METHOD = ("areas in km² in ETRS89-LAEA (EPSG:3035), an equal-area projection; land polygons count the Dnieper "
               "reservoirs, the former Kakhovka reservoir bed and part of the Sivash as land (data/boundaries/SOURCES.md)")
CHANGING_HANDS_MIN_POPULATION = 10_000
# DMZ bands are buffered from the line at full precision: the line has under 2,000 vertices, so GEOS
# buffers it in 5-15 ms, and simplifying it first was neither 10x faster nor within 0.5 % (bench/RESULTS.md).
DMZ_QUAD_SEGS = 8
ON_DNIEPER_M = 500.0
TERRITORY_CACHE_SIZE = 64
METHOD = Method(
    area=AREA_METHOD,
    population=POPULATION_METHOD,
    population_date="2022 baseline",
    contact_line="boundary shared by Russian-administered and Ukrainian-held territory, excluding coastline and "
                 "state border",
    dmz="bands of the given width on each side of the line of contact, clipped to land in Ukraine",
)
SIDES = ("russian_administered", "ukrainian_held")


@dataclass(frozen=True, eq=False)
class Part:
    """One part of an evaluation: geometry in EPSG:3035, area km², length km, population (2022 baseline, est.)."""

    key: str
    name: str
    geometry: shapely.Geometry
    km2: float = 0.0
    population: float = 0.0
    length_km: float = 0.0
    zone_type: str = ""
    recognition: str = ""  # de_jure | de_facto | none for the recognized_* parts


@dataclass(frozen=True, eq=False)
class BandZone:
    """What a band zone needs from its territory: the line of contact inside ``within``, and each side's land
    inside ``within`` (EPSG:3035); the widths come with each evaluation."""

    index: int  # the zone's position in the scenario
    name: str
    zone_type: str
    line: shapely.Geometry
    ukrainian_side: shapely.Geometry
    russian_side: shapely.Geometry


@dataclass(frozen=True, eq=False)
class Territory:
    """Everything about a scenario against a baseline date that does not depend on the DMZ width."""

    digest: str
    baseline: str  # the day of the baseline line
    baseline_source: str  # whose line it is: "borderline" (embedded) or an imported source
    russian_administered: shapely.Geometry
    ukrainian_held: shapely.Geometry
    baseline_russian: shapely.Geometry
    ceded: shapely.Geometry
    returned: shapely.Geometry
    contact_line: shapely.Geometry
    baseline_line: Part  # the line of contact on the baseline date
    zones: tuple[tuple[Zone, shapely.Geometry], ...]  # the zones drawn from an area or width_km (not bands)
    parts: tuple[Part, ...]  # russian_administered, ceded, returned, contact_line, then those zones
    in_russian: np.ndarray  # settlement masks
    in_baseline_russian: np.ndarray
    ukraine_km2: float
    without_kakhovka_bed_km2: float  # the Russian-administered area less the drained former reservoir's bed
    ukrainian_held_km2: float
    population_ukrainian_held: float
    contact_line_on_dnieper_km: float
    by_oblast: tuple[OblastRow, ...]
    settlements_changing_hands: tuple[SettlementChange, ...]
    recognition: tuple[Part, ...] = ()  # recognized_de_jure / _de_facto / _none, those present (with [recognition])
    band_zones: tuple[BandZone, ...] = ()
    zone_index: tuple[int, ...] = ()  # the scenario position of each zone in ``zones``
    site_points: np.ndarray | None = None  # the sites' points, EPSG:3035, in sites.toml order
    site_sides: tuple[tuple[str, str], ...] = ()  # (side in the scenario, side on the baseline) per site
    monitored_static: shapely.Geometry | None = None  # the monitored zones that do not depend on a width

    @property
    def baseline_contact_line(self) -> shapely.Geometry:
        return self.baseline_line.geometry

    def part(self, key: str) -> Part:
        """The part named ``key`` (``russian_administered``, ``zone:<name>``, …)."""
        return next(p for p in self.parts if p.key == key)


@dataclass(frozen=True, eq=False)
class Evaluation:
    """A scenario evaluated at given DMZ widths against a baseline control date."""

    scenario: Scenario
    baseline: str
    dmz: DmzWidths
    territory: Territory
    bands: tuple[Part, Part]  # Ukrainian side, Russian side
    metrics: Metrics
    zone_parts: tuple[Part, ...] = ()  # every zone of the scenario, in its order, at this evaluation's widths
    sites: tuple[SiteRow, ...] = ()  # every site of data/sources/sites.toml, in its order

    @property
    def zones(self) -> tuple[tuple[Zone, shapely.Geometry], ...]:
        """Every zone of the scenario with its geometry (EPSG:3035), band zones at this evaluation's widths."""
        return tuple((z, p.geometry) for z, p in zip(self.scenario.zones, self.zone_parts))

    @property
    def dmz_ukrainian_side_km(self) -> float:
        return self.dmz.ukrainian_side_km

    @property
    def dmz_russian_side_km(self) -> float:
        return self.dmz.russian_side_km

    @property
    def dmz_ukrainian_side(self) -> shapely.Geometry:
        return self.bands[0].geometry

    @property
    def dmz_russian_side(self) -> shapely.Geometry:
        return self.bands[1].geometry

    def all_parts(self) -> tuple[Part, ...]:
        """Every part in map order: sides and changes, the line, the recognition parts (with a [recognition]
        table), the DMZ bands, the zones."""
        t = self.territory
        return (*t.parts[:4], *t.recognition, *self.bands, *self.zone_parts)

    def parts(self) -> gpd.GeoDataFrame:
        """Every part as a frame in EPSG:3035: scenario, part, name, zone_type, recognition (de_jure, de_facto,
        none for the recognized_* parts, else empty), km2, length_km, population."""
        parts = self.all_parts()
        return gpd.GeoDataFrame(
            {"scenario": self.scenario.id, "part": [p.key for p in parts], "name": [p.name for p in parts],
             "zone_type": [p.zone_type for p in parts], "recognition": [p.recognition for p in parts],
             "km2": [round(p.km2, 1) for p in parts],
             "length_km": [round(p.length_km, 1) for p in parts],
             "population": [int(round(p.population)) for p in parts]},
            geometry=[p.geometry for p in parts], crs=EQUAL_AREA)


def contact_line(russian, p: Projected):
    """The boundary shared by Russian-administered and Ukrainian-held territory (no coast, no state border)."""
    if russian.is_empty:
        return shapely.MultiLineString()
    line = shapely.difference(shapely.boundary(russian), p.outline_band)
    parts = shapely.get_parts(line)
    parts = parts[np.isin(shapely.get_type_id(parts), (1, 5))]  # LineString, MultiLineString
    return shapely.line_merge(shapely.union_all(parts)) if len(parts) else shapely.MultiLineString()


@functools.lru_cache(maxsize=16)
def baseline_contact_line(line: Line) -> shapely.Geometry:
    """The line of contact of the Russian-administered area of a resolved line, EPSG:3035."""
    p = projected()
    return contact_line(p.line_area(line), p)


def _baseline_part(line: Line) -> Part:
    geom = baseline_contact_line(line)
    source = "" if line.source == EMBEDDED_SOURCE else f", {line.source}"
    return Part("baseline_line", f"Line of contact on {line.day} (baseline{source})", geom,
                length_km=float(length_km(geom)))



def control_area(date: str) -> Part:
    """The Russian-administered area on a control date (``[source:]YYYY-MM-DD`` or ``latest``) as a part:
    geometry (EPSG:3035), km², population (2022 baseline, estimated); its name says whose line of which day."""
    return control_on(date)[0]


def control_on(date: str) -> tuple[Part, Part]:
    """The Russian-administered area on a control date and its line of contact, as parts (EPSG:3035)."""
    p = projected()
    line = _line(date, "control date")
    source = "" if line.source == EMBEDDED_SOURCE else f", {line.source}"
    geom = baseline_contact_line(line)
    return (_area_part("russian_administered", f"Russian-administered on {line.day}{source}", p.line_area(line), p),
            Part("contact_line", f"Line of contact on {line.day}{source}", geom, length_km=float(length_km(geom))))


@functools.lru_cache(maxsize=512)
def _by_unit_km2(key: tuple) -> np.ndarray:
    p = projected()
    area = p.line_area(key[1]) if key[0] == "imported" else p.timeline.area_of_state(key[1])
    return rural_by_unit(p.population, area)[0]


def control_history(days: list[str], iso: str | None = None) -> list[dict]:
    """The Russian-administered km² and share on each day (``[source:]YYYY-MM-DD``): Ukraine as a whole (``iso``
    "UA") and every unit with Russian-administered land, or only the unit ``iso``. Each row says whose line of
    which day it used. Areas in km² (EPSG:3035)."""
    p = projected()
    unit_km2, ukraine_km2 = p.population.unit_km2, float(area_km2(p.ukraine))
    rows = []
    for day in days:
        line = _line(day, "control date")
        key = ("embedded", p.timeline.state(line.day)) if line.source == EMBEDDED_SOURCE else ("imported", line)
        km2 = _by_unit_km2(key)
        common = {"day": day, "line_of": line.day, "source": line.source}
        if iso is None:
            rows.append({**common, "iso": "UA", "name": "Ukraine", "russian_administered_km2": round(float(km2.sum()), 1),
                         "share_pct": round(100.0 * float(km2.sum()) / ukraine_km2, 2)})
        for i in np.flatnonzero(km2 > 0.01) if iso is None else np.flatnonzero(p.population.iso == iso):
            rows.append({**common, "iso": str(p.population.iso[i]), "name": str(p.admin1["name"].iat[i]),
                         "russian_administered_km2": round(float(km2[i]), 1),
                         "share_pct": round(100.0 * float(km2[i] / unit_km2[i]), 2)})
    return rows


def dmz_band(line, width_km: float, side, tolerance_m: float = 0.0, quad_segs: int = DMZ_QUAD_SEGS, buffered=None):
    """The land within ``width_km`` of the line on one side (the ``side`` polygon), EPSG:3035.

    ``tolerance_m`` simplifies the line first (0: full precision); ``quad_segs`` sets
    how finely the round ends and joins are drawn; ``buffered`` is the line already
    buffered by ``width_km`` (to share one buffer between the two sides).
    """
    if width_km <= 0 or line.is_empty or side.is_empty:
        return shapely.Polygon()
    if buffered is None:
        simple = shapely.simplify(line, tolerance_m) if tolerance_m else line
        buffered = shapely.buffer(simple, width_km * 1000.0, quad_segs=quad_segs)
    return polygonal(shapely.intersection(buffered, side))


# A slider move changes one width at a time: the band of the other side, and a buffer both sides share when
# their widths are equal, are kept for the territories in use (keyed on the territory object itself).
@functools.lru_cache(maxsize=32)
def _line_buffer(t: Territory, width_km: float):
    return shapely.buffer(t.contact_line, width_km * 1000.0, quad_segs=DMZ_QUAD_SEGS)


@functools.lru_cache(maxsize=128)
def _band(t: Territory, key: str, width_km: float) -> Part:
    side = t.ukrainian_held if key == "dmz_ukrainian_side" else t.russian_administered
    if width_km <= 0 or t.contact_line.is_empty or side.is_empty:
        return Part(key, PART_LABELS[key], shapely.Polygon())
    return _area_part(key, PART_LABELS[key], dmz_band(t.contact_line, width_km, side,
                                                      buffered=_line_buffer(t, width_km)), projected())


def _zone_geometry(zone: Zone, p: Projected, ukrainian_held, base_dir, where):
    if zone.width_km is not None:  # a border_buffer along the Russia-Ukraine border
        band = shapely.buffer(p.russia_border, zone.width_km * 1000.0, quad_segs=DMZ_QUAD_SEGS)
        return polygonal(shapely.intersection(band, ukrainian_held))
    return polygonal(shapely.intersection(resolve(zone.area, p, base_dir, where), p.ukraine))


def _area_part(key: str, name: str, geom, p: Projected, zone_type: str = "") -> Part:
    return Part(key, name, geom, float(area_km2(geom)), estimate_population(p.population, geom), 0.0, zone_type)


def _by_oblast(p: Projected, russian, in_russian) -> tuple[tuple[OblastRow, ...], float]:
    """Per-unit rows of the Russian-administered area, and its population (settlements counted once)."""
    model = p.population
    unit_km2, rural = rural_by_unit(model, russian)
    urban = np.bincount(model.settlement_unit[in_russian], weights=model.settlement_population[in_russian],
                        minlength=len(model.iso))
    people = urban + rural
    rows = tuple(OblastRow(iso=str(model.iso[i]), name=str(p.admin1["name"].iat[i]),
                           russian_administered_km2=round(float(unit_km2[i]), 1),
                           share_pct=round(100.0 * float(unit_km2[i] / model.unit_km2[i]), 2),
                           population_russian_administered=int(round(people[i])))
                 for i in np.flatnonzero(unit_km2 > 0.01))
    return rows, float(people.sum())


def _changing_hands(p: Projected, in_russian, in_baseline_russian) -> tuple[SettlementChange, ...]:
    """Places of CHANGING_HANDS_MIN_POPULATION or more whose side differs from the baseline, most populous first."""
    big = p.population.settlement_population >= CHANGING_HANDS_MIN_POPULATION
    idx = np.flatnonzero((in_russian != in_baseline_russian) & big)
    rows = p.settlements.iloc[idx]
    moved = [SettlementChange(str(name), str(iso), int(pop), "ukraine" if now else "russia",
                              "russia" if now else "ukraine")
             for name, iso, pop, now in zip(rows["name"], rows["admin1_iso"], rows["population"], in_russian[idx])]
    return tuple(sorted(moved, key=lambda s: -s.population))


def _union(geoms) -> shapely.Geometry:
    geoms = [g for g in geoms if g is not None and not g.is_empty]
    if not geoms:
        return shapely.Polygon()
    return geoms[0] if len(geoms) == 1 else polygonal(shapely.union_all(geoms))


def _band_zone(index: int, zone: Zone, line, russian, ukrainian, p: Projected, base_dir) -> BandZone:
    """A band zone's share of the territory: the line of contact inside ``within`` and each side's land there."""
    if zone.band.within is None:
        return BandZone(index, zone.name, zone.type, line, ukrainian, russian)
    within = polygonal(shapely.intersection(resolve(zone.band.within, p, base_dir, f"zones[{index}].band.within"),
                                            p.ukraine))
    shapely.prepare(within)
    inside = shapely.intersection(line, within)
    parts = shapely.get_parts(inside)
    parts = parts[np.isin(shapely.get_type_id(parts), (1, 5))]  # the line, not the points where it touches
    inside = shapely.line_merge(shapely.union_all(parts)) if len(parts) else shapely.MultiLineString()
    return BandZone(index, zone.name, zone.type, inside, polygonal(shapely.intersection(ukrainian, within)),
                    polygonal(shapely.intersection(russian, within)))


# Like the DMZ bands: a parameter or slider move changes a width, not the territory; keep each band zone per
# territory (the object itself) and widths.
@functools.lru_cache(maxsize=128)
def _zone_band(t: Territory, index: int, ukrainian_km: float, russian_km: float) -> Part:
    bz = next(b for b in t.band_zones if b.index == index)
    key = f"zone:{bz.name}"
    if bz.line.is_empty:
        return Part(key, bz.name, shapely.Polygon(), zone_type=bz.zone_type)
    shared = shapely.buffer(bz.line, ukrainian_km * 1000.0, quad_segs=DMZ_QUAD_SEGS) \
        if ukrainian_km == russian_km and ukrainian_km > 0 else None
    sides = [dmz_band(bz.line, km, side, buffered=shared)
             for km, side in ((ukrainian_km, bz.ukrainian_side), (russian_km, bz.russian_side))]
    return _area_part(key, bz.name, _union(sides), projected(), bz.zone_type)


def _recognition_parts(scenario: Scenario, russian, p: Projected, base_dir) -> tuple[Part, ...]:
    """The Russian-administered area split by the scenario's [recognition]: inside de_jure -> de_jure; else inside
    de_facto -> de_facto; else none. Only the statuses present are parts; none without a [recognition] table."""
    rec = scenario.recognition
    if rec is None:
        return ()
    de_jure = (polygonal(shapely.intersection(russian, resolve(rec.de_jure, p, base_dir, "recognition.de_jure")))
               if rec.de_jure is not None else shapely.Polygon())
    rest = polygonal(shapely.difference(russian, de_jure)) if not de_jure.is_empty else russian
    de_facto = (polygonal(shapely.intersection(rest, resolve(rec.de_facto, p, base_dir, "recognition.de_facto")))
                if rec.de_facto is not None else shapely.Polygon())
    none = polygonal(shapely.difference(rest, de_facto)) if not de_facto.is_empty else rest
    parts = []
    for status, geom in (("de_jure", de_jure), ("de_facto", de_facto), ("none", none)):
        if not geom.is_empty:
            key = f"recognized_{status}"
            part = _area_part(key, RECOGNITION_LABELS[key], geom, p)
            parts.append(Part(part.key, part.name, geom, part.km2, part.population, recognition=status))
    return tuple(parts)


def _side(points, russian, ukrainian) -> np.ndarray:
    """Per point, True where it is Russian-administered; a point off the land polygons (a spit's tip, a dam's
    crest drawn in the water) takes the side of the nearer land."""
    inside_ru = shapely.contains(russian, points)
    off_land = ~inside_ru & ~shapely.contains(ukrainian, points)
    if off_land.any():
        inside_ru[off_land] = shapely.distance(russian, points[off_land]) < shapely.distance(ukrainian,
                                                                                             points[off_land])
    return inside_ru


def _site_sides(points, p: Projected, russian, ukrainian, baseline_russian) -> tuple[tuple[str, str], ...]:
    """(side in the scenario, side on the baseline) of each site's point."""
    if points is None or not len(points):
        return ()
    now = _side(points, russian, ukrainian)
    on_land = shapely.contains(p.ukraine, points)
    # Only a point off land needs the baseline's Ukrainian-held side, to find the nearer land.
    baseline_ukrainian = ukrainian if on_land.all() else polygonal(shapely.difference(p.ukraine, baseline_russian))
    before = _side(points, baseline_russian, baseline_ukrainian)
    return tuple((SIDES[0] if a else SIDES[1], SIDES[0] if b else SIDES[1]) for a, b in zip(now, before))


def _site_rows(scenario: Scenario, t: Territory, bands, zone_parts) -> tuple[SiteRow, ...]:
    """Every site: its side now and on the baseline, the zones and DMZ bands containing its point, its status."""
    points = t.site_points
    if points is None or not len(points):
        return ()
    holders = [(p.name, p.geometry) for p in (*bands, *zone_parts) if not p.geometry.is_empty]
    inside = {name: shapely.contains(geom, points) for name, geom in holders}
    status = {s.site: s for s in scenario.sites}
    rows = []
    for i, (site, (side, baseline_side)) in enumerate(zip(all_sites(), t.site_sides)):
        said = status.get(site.id)
        rows.append(SiteRow(
            id=site.id, name=site.name, name_uk=site.name_uk, kind=site.kind, lon=site.lon, lat=site.lat,
            side=side, baseline_side=baseline_side, zones=tuple(n for n, mask in inside.items() if mask[i]),
            administered_by=(said.administered_by or "") if said else "",
            operated_by=(said.operated_by or "") if said else "",
            demilitarized=said.demilitarized if said else None,
            output_share=dict(said.output_share) if said and said.output_share else None,
            note=said.note if said else ""))
    return tuple(rows)


@functools.lru_cache(maxsize=128)
def _monitored_km2(t: Territory, bands: tuple[Part, Part], band_zones: tuple[Part, ...]) -> float:
    """The area to monitor: the DMZ bands, every band zone and the demilitarized, buffer and security zones,
    counted once where they overlap (km², EPSG:3035)."""
    zones = [g for g in (t.monitored_static, *(z.geometry for z in band_zones)) if g is not None and not g.is_empty]
    if not zones:  # the two DMZ bands lie on opposite sides of the line: they never overlap
        return bands[0].km2 + bands[1].km2
    return float(area_km2(_union([*(b.geometry for b in bands), *zones])))


def _monitoring(scenario: Scenario, t: Territory, bands, zone_parts) -> Monitoring:
    band_parts = tuple(p for z, p in zip(scenario.zones, zone_parts) if z.band is not None)
    zone_km2 = _monitored_km2(t, bands, band_parts)
    line_km = t.parts[3].length_km
    reassurance = any(z.type == "reassurance_force" for z in scenario.zones)
    low, high = monitoring_model.estimate(line_km, zone_km2, reassurance)
    refs = tuple(MissionRef(m.mission, m.year, m.personnel, None if m.per_line_km is None else round(m.per_line_km, 2),
                            None if m.per_km2 is None else round(m.per_km2, 2), m.source)
                 for m in monitoring_model.missions() if m.kind == "density" or (reassurance and m.kind == "proposal"))
    return Monitoring(round(line_km, 1), round(zone_km2, 1), low, high, monitoring_model.METHOD, refs)


def _build_territory(scenario: Scenario, baseline: Line, base: Path | None, digest: str) -> Territory:
    p = projected()
    russian = polygonal(shapely.intersection(resolve(scenario.territory, p, base, "territory"), p.ukraine))
    russian = shapely.make_valid(russian) if not russian.is_valid else russian
    ukrainian = polygonal(shapely.difference(p.ukraine, russian))
    baseline_russian = p.line_area(baseline)
    line = contact_line(russian, p)
    area_zones = [(i, z) for i, z in enumerate(scenario.zones) if z.band is None]
    zones = tuple((z, _zone_geometry(z, p, ukrainian, base, f"zones[{i}].area")) for i, z in area_zones)
    band_zones = tuple(_band_zone(i, z, line, russian, ukrainian, p, base) for i, z in enumerate(scenario.zones)
                       if z.band is not None)
    for g in (russian, ukrainian, baseline_russian):
        shapely.prepare(g)
    site_points = to_equal_area(np.array([s.point for s in all_sites()], dtype=object))
    in_russian = settlements_inside(p.population, russian)
    in_baseline_russian = settlements_inside(p.population, baseline_russian)
    by_oblast, population_russian = _by_oblast(p, russian, in_russian)
    ceded = polygonal(shapely.difference(russian, baseline_russian))
    returned = polygonal(shapely.difference(baseline_russian, russian))
    on_dnieper = shapely.intersection(line, shapely.buffer(p.dnieper_river, ON_DNIEPER_M, quad_segs=2))
    parts = (
        Part("russian_administered", PART_LABELS["russian_administered"], russian, float(area_km2(russian)),
             population_russian),
        _area_part("ceded_by_ukraine", PART_LABELS["ceded_by_ukraine"], ceded, p),
        _area_part("returned_to_ukraine", PART_LABELS["returned_to_ukraine"], returned, p),
        Part("contact_line", "Line of contact", line, length_km=float(length_km(line))),
        *(_area_part(f"zone:{z.name}", z.name, g, p, z.type) for z, g in zones),
    )
    return Territory(
        digest=digest, baseline=baseline.day, baseline_source=baseline.source, russian_administered=russian, ukrainian_held=ukrainian,
        baseline_russian=baseline_russian, ceded=ceded, returned=returned, contact_line=line,
        baseline_line=_baseline_part(baseline), zones=zones, parts=parts,
        in_russian=in_russian, in_baseline_russian=in_baseline_russian,
        ukraine_km2=float(area_km2(p.ukraine)), ukrainian_held_km2=float(area_km2(ukrainian)),
        without_kakhovka_bed_km2=float(area_km2(russian) - area_km2(shapely.intersection(russian, former_kakhovka_reservoir_bed()))),
        # Russian-administered and Ukrainian-held are complements: count every person once.
        population_ukrainian_held=float(p.population.baseline.sum()) - population_russian,
        contact_line_on_dnieper_km=float(length_km(on_dnieper)),
        by_oblast=by_oblast,
        settlements_changing_hands=_changing_hands(p, in_russian, in_baseline_russian),
        recognition=_recognition_parts(scenario, russian, p, base),
        band_zones=band_zones, zone_index=tuple(i for i, _ in area_zones),
        site_points=site_points, site_sides=_site_sides(site_points, p, russian, ukrainian, baseline_russian),
        monitored_static=_union([g for z, g in zones if z.type in MONITORED_ZONE_TYPES]),
    )


def _line(text: str, where: str) -> Line:
    """The line a control date names (source and day; ``latest`` and days without a line of their own resolved)."""
    try:
        return projected().line(text)
    except ValueError as exc:
        raise ScenarioError(f"{where}: {exc}") from None


_CACHE: OrderedDict[str, Territory] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def _geometry_dump(scenario: Scenario) -> dict:
    """The scenario as the territory depends on it: without the DMZ widths, the band widths, the parameters and
    the sites' statuses, which each evaluation adds (so a slider or parameter move keeps the territory)."""
    data = scenario.model_dump(mode="json", exclude={"dmz", "parameters", "sites", "status"})
    for zone in data["zones"]:
        if zone.get("band") is not None:
            zone["band"] = {"within": zone["band"].get("within")}
    return data


def digest(scenario: Scenario, baseline: str | Line, base_dir: Path | None = None) -> str:
    """The cache key of a territory: a SHA-256 of the scenario's content (less what only an evaluation adds:
    widths, parameters, site statuses), the baseline line, the imported lines (which can change what a date
    names) and the base folder."""
    line = baseline.label + baseline.signature if isinstance(baseline, Line) else baseline
    text = json.dumps({"scenario": _geometry_dump(scenario), "baseline": line, "imports": linestore.current().stamp(),
                       "base_dir": str(base_dir) if base_dir else None}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def clear_cache() -> None:
    """Forget every cached territory and band (for cold timings)."""
    with _CACHE_LOCK:
        _CACHE.clear()
    _band.cache_clear()
    _line_buffer.cache_clear()
    _zone_band.cache_clear()
    _monitored_km2.cache_clear()


def territory(scenario: Scenario, baseline: str | None = None, base_dir: Path | None = None) -> Territory:
    """The DMZ-independent results of a scenario against ``baseline`` (default: its own), cached on their digest.

    ``base_dir`` resolves relative ``geojson_file`` paths. A scenario with parameters is made concrete with
    their defaults first (``Scenario.with_params``).
    """
    scenario = scenario.with_params(None)
    base = _line(baseline or scenario.baseline, "baseline")
    key = digest(scenario, base, base_dir)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    t = _build_territory(scenario, base, Path(base_dir) if base_dir else None, key)
    with _CACHE_LOCK:
        _CACHE[key] = t
        while len(_CACHE) > TERRITORY_CACHE_SIZE:
            _CACHE.popitem(last=False)
    return t


def evaluate(scenario: Scenario, dmz_km: DmzWidths | tuple[float, float] | float | None = None,
             baseline: str | None = None, base_dir: Path | None = None, params=None) -> Evaluation:
    """Evaluate a scenario.

    Parameters: ``dmz_km`` the DMZ widths in km (a DmzWidths, a (Ukrainian side,
    Russian side) pair or one width for both; default the scenario's own);
    ``baseline`` a baseline control date (default the scenario's); ``base_dir``
    resolves relative ``geojson_file`` paths; ``params`` a mapping of parameter
    name to value (default each parameter's default), checked by the scenario's
    parameters. ``Evaluation.scenario`` is the concrete scenario.
    """
    scenario = scenario.with_params(params)
    widths = DmzWidths.of(dmz_km, DmzWidths(scenario.dmz.ukrainian_side_km, scenario.dmz.russian_side_km))
    t = territory(scenario, baseline, base_dir)
    bands = (_band(t, "dmz_ukrainian_side", widths.ukrainian_side_km),
             _band(t, "dmz_russian_side", widths.russian_side_km))
    zone_parts = _zone_parts(scenario, t)
    sites = _site_rows(scenario, t, bands, zone_parts)
    monitoring = _monitoring(scenario, t, bands, zone_parts)
    return Evaluation(scenario, t.baseline, widths, t, bands,
                      _metrics(scenario, widths, t, bands, zone_parts, sites, monitoring), zone_parts, sites)


def _zone_parts(scenario: Scenario, t: Territory) -> tuple[Part, ...]:
    """Every zone's part in the scenario's order: band zones at the scenario's widths, the others from ``t``."""
    static = dict(zip(t.zone_index, t.parts[4:]))
    return tuple(_zone_band(t, i, z.band.ukrainian_side_km, z.band.russian_side_km) if z.band is not None
                 else static[i] for i, z in enumerate(scenario.zones))


def _zone_metrics(zone: Zone, part: Part) -> ZoneMetrics:
    return ZoneMetrics(zone.name, zone.type, round(part.km2, 1), int(round(part.population)),
                       zone.administered_by or "", zone.recognized_as or "", zone.entry or "", zone.monitored_by or "")


def _recognition_metrics(t: Territory) -> RecognitionMetrics:
    by = {p.recognition: p for p in t.recognition}
    ru = t.parts[0]
    if not by:  # without a [recognition] table the whole area is "none"
        return RecognitionMetrics(0.0, 0.0, round(ru.km2, 1), 0, 0, int(round(ru.population)))
    km2 = {k: round(by[k].km2, 1) if k in by else 0.0 for k in ("de_jure", "de_facto", "none")}
    people = {k: int(round(by[k].population)) if k in by else 0 for k in ("de_jure", "de_facto", "none")}
    return RecognitionMetrics(km2["de_jure"], km2["de_facto"], km2["none"], people["de_jure"], people["de_facto"],
                              people["none"])


def _metrics(scenario: Scenario, widths: DmzWidths, t: Territory, bands: tuple[Part, Part],
             zone_parts: tuple[Part, ...], sites: tuple[SiteRow, ...], monitoring: Monitoring) -> Metrics:
    ru, ceded, returned, line = t.parts[:4]
    ua_band, ru_band = bands
    return Metrics(
        scenario=scenario.id, title=scenario.title, baseline=t.baseline, baseline_source=t.baseline_source,
        dmz_km=DmzKm(widths.ukrainian_side_km, widths.russian_side_km),
        ukraine_km2=round(t.ukraine_km2, 1),
        russian_administered_km2=round(ru.km2, 1),
        russian_administered_pct=round(100.0 * ru.km2 / t.ukraine_km2, 3),
        russian_administered_without_kakhovka_bed_km2=round(t.without_kakhovka_bed_km2, 1),
        ukrainian_held_km2=round(t.ukrainian_held_km2, 1),
        ceded_by_ukraine_km2=round(ceded.km2, 1),
        returned_to_ukraine_km2=round(returned.km2, 1),
        population_russian_administered=int(round(ru.population)),
        population_ukrainian_held=int(round(t.population_ukrainian_held)),
        population_ceded_by_ukraine=int(round(ceded.population)),
        population_returned_to_ukraine=int(round(returned.population)),
        contact_line_km=round(line.length_km, 1),
        contact_line_on_dnieper_km=round(t.contact_line_on_dnieper_km, 1),
        dmz_km2=round(ua_band.km2 + ru_band.km2, 1),
        population_dmz=int(round(ua_band.population + ru_band.population)),
        dmz_by_side=DmzBySide(Band(round(ua_band.km2, 1), int(round(ua_band.population))),
                              Band(round(ru_band.km2, 1), int(round(ru_band.population)))),
        zones=tuple(_zone_metrics(z, p) for z, p in zip(scenario.zones, zone_parts)),
        by_oblast=t.by_oblast,
        settlements_changing_hands=t.settlements_changing_hands,
        recognition=_recognition_metrics(t),
        sites=sites,
        monitoring=monitoring,
        method=METHOD,
    )
