"""The engine: a scenario in, territory, line of contact, DMZ bands, zones and metrics out.

All geometry is in EPSG:3035 (metres, equal-area); areas are km² of that
projection. Population figures are estimates of the 2022 resident baseline
(see geo.population.METHOD).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geo.crs import EQUAL_AREA, area_km2, length_km
from geo.population import METHOD as POPULATION_METHOD
from geo.population import PopulationModel, rural_by_unit, settlements_inside
from geo.projected import Projected, projected
from scenarios.geometry import polygonal, resolve
from scenarios.model import Scenario, ScenarioError, Zone
from scenarios.values import dmz_width_km

AREA_METHOD = "areas in km² in ETRS89-LAEA (EPSG:3035), an equal-area projection"
CHANGING_HANDS_MIN_POPULATION = 10_000
# DMZ bands are buffered from the line at full precision: the line has under 2,000 vertices, so GEOS
# buffers it in 5-15 ms, and simplifying it first was neither 10x faster nor within 0.5 % (bench/RESULTS.md).
DMZ_QUAD_SEGS = 8
ON_DNIEPER_M = 500.0


@dataclass(frozen=True, eq=False)
class Territory:
    """The part of an evaluation that does not depend on the DMZ width."""

    russian_administered: shapely.Geometry
    ukrainian_held: shapely.Geometry
    baseline_russian: shapely.Geometry
    ceded: shapely.Geometry
    returned: shapely.Geometry
    contact_line: shapely.Geometry
    zones: tuple[tuple[Zone, shapely.Geometry], ...]
    in_russian: np.ndarray  # settlement mask
    in_baseline_russian: np.ndarray


@dataclass(frozen=True, eq=False)
class Evaluation:
    """A scenario evaluated at given DMZ widths against a baseline control date."""

    scenario: Scenario
    baseline: str
    dmz_ukrainian_side_km: float
    dmz_russian_side_km: float
    territory: Territory
    dmz_ukrainian_side: shapely.Geometry
    dmz_russian_side: shapely.Geometry
    metrics: dict = field(repr=False)

    def parts(self) -> gpd.GeoDataFrame:
        """Every part as a frame in EPSG:3035: part, name, km2, population, geometry."""
        return parts_frame(self)


def contact_line(russian, p: Projected):
    """The boundary shared by Russian-administered and Ukrainian-held territory (no coast, no state border)."""
    if russian.is_empty:
        return shapely.MultiLineString()
    line = shapely.difference(shapely.boundary(russian), p.outline_band)
    parts = [g for g in shapely.get_parts(line) if g.geom_type in ("LineString", "MultiLineString")]
    return shapely.line_merge(shapely.union_all(parts)) if parts else shapely.MultiLineString()


def dmz_band(line, width_km: float, side, tolerance_m: float = 0.0, quad_segs: int = DMZ_QUAD_SEGS):
    """The land within ``width_km`` of the line on one side (the ``side`` polygon), EPSG:3035.

    ``tolerance_m`` simplifies the line first (0: full precision); ``quad_segs`` sets
    how finely the round ends and joins are drawn.
    """
    if width_km <= 0 or line.is_empty or side.is_empty:
        return shapely.Polygon()
    simple = shapely.simplify(line, tolerance_m) if tolerance_m else line
    band = shapely.buffer(simple, width_km * 1000.0, quad_segs=quad_segs)
    return polygonal(shapely.intersection(band, side))


def _zone_geometry(zone: Zone, p: Projected, ukrainian_held, base_dir, where):
    if zone.type == "border_buffer":
        band = shapely.buffer(p.russia_border, zone.width_km * 1000.0, quad_segs=DMZ_QUAD_SEGS)
        return polygonal(shapely.intersection(band, ukrainian_held))
    return polygonal(shapely.intersection(resolve(zone.area, p, base_dir, where), p.ukraine))


@functools.lru_cache(maxsize=64)
def _territory(key: str, base_dir: str | None) -> Territory:
    spec = json.loads(key)
    scenario = Scenario.model_validate(spec["scenario"])
    p = projected()
    base = Path(base_dir) if base_dir else None
    if spec["baseline"] not in p.control:
        raise ScenarioError(f"baseline: no control line dated {spec['baseline']}; "
                            f"available: {', '.join(p.control_dates)}")
    russian = polygonal(shapely.intersection(resolve(scenario.territory, p, base, "territory"), p.ukraine))
    russian = shapely.make_valid(russian) if not russian.is_valid else russian
    ukrainian = polygonal(shapely.difference(p.ukraine, russian))
    baseline_russian = p.control[spec["baseline"]]
    line = contact_line(russian, p)
    zones = tuple((z, _zone_geometry(z, p, ukrainian, base, f"zones[{i}].area"))
                  for i, z in enumerate(scenario.zones))
    for g in (russian, ukrainian):
        shapely.prepare(g)
    return Territory(
        russian_administered=russian,
        ukrainian_held=ukrainian,
        baseline_russian=baseline_russian,
        ceded=polygonal(shapely.difference(russian, baseline_russian)),
        returned=polygonal(shapely.difference(baseline_russian, russian)),
        contact_line=line,
        zones=zones,
        in_russian=settlements_inside(p.population, russian),
        in_baseline_russian=settlements_inside(p.population, baseline_russian),
    )


def territory(scenario: Scenario, baseline: str | None = None, base_dir: Path | None = None) -> Territory:
    """The DMZ-independent geometry of a scenario (cached on the scenario's content)."""
    key = json.dumps({"scenario": scenario.model_dump(mode="json"), "baseline": baseline or scenario.baseline},
                     sort_keys=True)
    return _territory(key, str(base_dir) if base_dir else None)


def evaluate(scenario: Scenario, dmz_km: tuple[float, float] | None = None, baseline: str | None = None,
             base_dir: Path | None = None) -> Evaluation:
    """Evaluate a scenario.

    Parameters: ``dmz_km`` (Ukrainian side km, Russian side km) overrides the
    scenario's DMZ; ``baseline`` overrides its baseline control date;
    ``base_dir`` resolves relative ``geojson_file`` paths.
    """
    ua_km, ru_km = dmz_km if dmz_km is not None else (scenario.dmz.ukrainian_side_km, scenario.dmz.russian_side_km)
    ua_km, ru_km = dmz_width_km(ua_km, "dmz ukrainian side"), dmz_width_km(ru_km, "dmz russian side")
    base = baseline or scenario.baseline
    t = territory(scenario, base, base_dir)
    ua_band = dmz_band(t.contact_line, ua_km, t.ukrainian_held)
    ru_band = dmz_band(t.contact_line, ru_km, t.russian_administered)
    partial = Evaluation(scenario, base, ua_km, ru_km, t, ua_band, ru_band, {})
    return Evaluation(scenario, base, ua_km, ru_km, t, ua_band, ru_band, compute_metrics(partial, projected()))


def _population(model: PopulationModel, geom) -> float:
    urban = model.settlement_population[settlements_inside(model, geom)].sum()
    return float(urban + rural_by_unit(model, geom)[1].sum())


def compute_metrics(ev: Evaluation, p: Projected) -> dict:
    """The metrics of an evaluation, in the JSON shape documented in the README."""
    t, model = ev.territory, p.population
    ukraine_km2 = float(area_km2(p.ukraine))
    national = float(model.baseline.sum())
    # Russian-administered and Ukrainian-held are complements: count settlements once (points on the
    # line of contact go to the Ukrainian side) and rural land by subtraction.
    ru_unit_km2, ru_rural = rural_by_unit(model, t.russian_administered)
    ru_urban_by_unit = np.bincount(model.settlement_unit[t.in_russian],
                                   weights=model.settlement_population[t.in_russian], minlength=len(model.iso))
    ru_by_unit = ru_urban_by_unit + ru_rural
    pop_russian = float(ru_by_unit.sum())
    ru_km2 = float(area_km2(t.russian_administered))
    dmz_ua = (float(area_km2(ev.dmz_ukrainian_side)), _population(model, ev.dmz_ukrainian_side))
    dmz_ru = (float(area_km2(ev.dmz_russian_side)), _population(model, ev.dmz_russian_side))
    line_km = float(length_km(t.contact_line))
    on_dnieper = shapely.intersection(t.contact_line, shapely.buffer(p.dnieper_river, ON_DNIEPER_M, quad_segs=2))
    by_oblast = []
    for i in np.flatnonzero(ru_unit_km2 > 0.01):
        by_oblast.append({
            "iso": str(model.iso[i]),
            "name": str(p.admin1["name"].iat[i]),
            "russian_administered_km2": round(float(ru_unit_km2[i]), 1),
            "share_pct": round(100.0 * float(ru_unit_km2[i] / model.unit_km2[i]), 2),
            "population_russian_administered": int(round(ru_by_unit[i])),
        })
    moved = t.in_russian != t.in_baseline_russian
    big = model.settlement_population >= CHANGING_HANDS_MIN_POPULATION
    changing = []
    for i in np.flatnonzero(moved & big):
        row = p.settlements.iloc[i]
        changing.append({
            "name": str(row["name"]), "admin1_iso": str(row["admin1_iso"]),
            "population": int(row["population"]),
            "from": "russia" if t.in_baseline_russian[i] else "ukraine",
            "to": "russia" if t.in_russian[i] else "ukraine",
        })
    changing.sort(key=lambda r: -r["population"])
    return {
        "scenario": ev.scenario.id,
        "title": ev.scenario.title,
        "baseline": ev.baseline,
        "dmz_km": {"ukrainian_side": ev.dmz_ukrainian_side_km, "russian_side": ev.dmz_russian_side_km},
        "ukraine_km2": round(ukraine_km2, 1),
        "russian_administered_km2": round(ru_km2, 1),
        "russian_administered_pct": round(100.0 * ru_km2 / ukraine_km2, 3),
        "ukrainian_held_km2": round(float(area_km2(t.ukrainian_held)), 1),
        "ceded_by_ukraine_km2": round(float(area_km2(t.ceded)), 1),
        "returned_to_ukraine_km2": round(float(area_km2(t.returned)), 1),
        "population_russian_administered": int(round(pop_russian)),
        "population_ukrainian_held": int(round(national - pop_russian)),
        "population_ceded_by_ukraine": int(round(_population(model, t.ceded))),
        "population_returned_to_ukraine": int(round(_population(model, t.returned))),
        "contact_line_km": round(line_km, 1),
        "contact_line_on_dnieper_km": round(float(length_km(on_dnieper)), 1),
        "dmz_km2": round(dmz_ua[0] + dmz_ru[0], 1),
        "population_dmz": int(round(dmz_ua[1] + dmz_ru[1])),
        "dmz_by_side": {
            "ukrainian_side": {"km2": round(dmz_ua[0], 1), "population": int(round(dmz_ua[1]))},
            "russian_side": {"km2": round(dmz_ru[0], 1), "population": int(round(dmz_ru[1]))},
        },
        "zones": [{"name": z.name, "type": z.type, "km2": round(float(area_km2(g)), 1),
                   "population": int(round(_population(model, g)))} for z, g in t.zones],
        "by_oblast": by_oblast,
        "settlements_changing_hands": changing,
        "method": {
            "area": AREA_METHOD,
            "population": POPULATION_METHOD,
            "population_date": "2022 baseline",
            "contact_line": "boundary shared by Russian-administered and Ukrainian-held territory, "
                            "excluding coastline and state border",
            "dmz": "bands of the given width on each side of the line of contact, clipped to land in Ukraine",
        },
    }


def parts_frame(ev: Evaluation) -> gpd.GeoDataFrame:
    """Every part of an evaluation as rows (EPSG:3035): part, name, km2, population, geometry."""
    t, model = ev.territory, projected().population
    rows = [("russian_administered", "Russian-administered", "", t.russian_administered),
            ("ceded_by_ukraine", "Ceded by Ukraine", "", t.ceded),
            ("returned_to_ukraine", "Returned to Ukraine", "", t.returned),
            ("contact_line", "Line of contact", "", t.contact_line),
            ("dmz_ukrainian_side", "DMZ, Ukrainian side", "", ev.dmz_ukrainian_side),
            ("dmz_russian_side", "DMZ, Russian side", "", ev.dmz_russian_side)]
    rows += [(f"zone:{z.name}", z.name, z.type, g) for z, g in t.zones]
    frame = gpd.GeoDataFrame(
        {"scenario": ev.scenario.id, "part": [r[0] for r in rows], "name": [r[1] for r in rows],
         "zone_type": [r[2] for r in rows]},
        geometry=[r[3] for r in rows], crs=EQUAL_AREA)
    polygons = frame.geom_type.isin(["Polygon", "MultiPolygon"])
    frame["km2"] = np.where(polygons, area_km2(frame.geometry.values), 0.0).round(1)
    frame["length_km"] = np.where(polygons, 0.0, length_km(frame.geometry.values)).round(1)
    frame["population"] = [int(round(_population(model, g))) if poly and not g.is_empty else 0
                           for g, poly in zip(frame.geometry, polygons)]
    return frame
