"""The Python API: scenarios, evaluations, control areas and places for notebooks and scripts.

    import borderline
    result = borderline.evaluate("donbas-withdrawal", dmz_km=(5, 15))
    result.metrics.russian_administered_km2     # km², equal-area (EPSG:3035)
    result.parts()                              # GeoDataFrame, EPSG:4326 (crs="EPSG:3035" for metres)
    result.to_file("donbas.gpkg")

Areas are km² computed in ETRS89-LAEA (EPSG:3035); lengths km; populations
are estimates of the 2022 resident baseline (UN OCHA COD-PS), not of today.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.crs import EQUAL_AREA, GEOGRAPHIC
from geo.messages import N_
from scenarios.engine import Evaluation
from scenarios.metrics import Metrics
from scenarios.model import Scenario

ScenarioLike = Scenario | str | Path


def load_scenario(scenario: ScenarioLike) -> Scenario:
    """A scenario: a built-in or library id (``"donbas-withdrawal"``), a path to a TOML file, or a Scenario."""
    from scenarios.library import UserLibrary, builtin_ids, load_builtin
    from scenarios.model import ScenarioError, load

    if isinstance(scenario, Scenario):
        return scenario
    text = str(scenario)
    if isinstance(scenario, Path) or text.endswith(".toml"):
        return load(scenario)
    if text in builtin_ids():
        return load_builtin(text)
    library = UserLibrary()
    if text in library.ids():
        return library.load(text)
    raise ScenarioError(f"no scenario {text!r}: give a built-in id (borderline list), an id in your library "
                        f"({library.folder}) or the path of a .toml file")


@dataclass(frozen=True, eq=False)
class Result:
    """An evaluated scenario: typed ``metrics``, the parts as a frame, and files in any export format."""

    evaluation: Evaluation

    @property
    def metrics(self) -> Metrics:
        """Every number of the evaluation (areas km², lengths km, populations 2022 baseline, estimated)."""
        return self.evaluation.metrics

    @property
    def scenario(self) -> Scenario:
        return self.evaluation.scenario

    def parts(self, crs: str = GEOGRAPHIC) -> gpd.GeoDataFrame:
        """Every part (Russian-administered, ceded, returned, line of contact, DMZ bands, zones) with km2,
        length_km and population; in EPSG:4326 by default, or ``crs="EPSG:3035"`` (metres, equal-area)."""
        frame = self.evaluation.parts()
        return frame if crs == EQUAL_AREA else frame.to_crs(crs)

    def to_file(self, path: str | Path, **map_options) -> Path:
        """Write the evaluation to ``path``, the format taken from its suffix (gpkg, geojson, kml, csv, xlsx,
        png, svg, pdf); ``map_options`` (page, extent, dpi) go to the map formats. The write is atomic."""
        from borderline import export

        path = Path(path)
        fmt = path.suffix.lstrip(".").lower()
        return export.write_atomic(path, export.render_bytes(self.evaluation, fmt, **map_options))


def evaluate(scenario: ScenarioLike, dmz_km: tuple[float, float] | float | None = None,
             baseline: str | None = None, params: dict[str, float] | None = None) -> Result:
    """Evaluate a scenario (id, path or Scenario) at DMZ widths in km (one width for both sides, or
    (Ukrainian side, Russian side); default the scenario's) against a baseline control date (default its own),
    with its parameters set from ``params`` (name -> value, e.g. ``{"pullback_km": 40}``; default each one's
    default; a value the parameter does not allow is a ScenarioError)."""
    from scenarios import engine

    s = load_scenario(scenario)
    base_dir = Path(scenario).resolve().parent if isinstance(scenario, (str, Path)) and str(scenario).endswith(
        ".toml") else None
    return Result(engine.evaluate(s, dmz_km, baseline, base_dir, params))


def control(date: str) -> gpd.GeoDataFrame:
    """The Russian-administered area on a control date, one row in EPSG:4326: date, km2, population."""
    from scenarios.engine import control_area

    part = control_area(date)
    return gpd.GeoDataFrame({"date": [date], "km2": [round(part.km2, 1)], "population": [int(round(part.population))]},
                            geometry=[part.geometry], crs=EQUAL_AREA).to_crs(GEOGRAPHIC)


def place(name: str) -> dict:
    """A place by name (any common spelling) or ``"LAT,LON"``: admin1 unit, Dnieper bank, control on each date."""
    from geo.places import describe, find_place

    return describe(find_place(name))


def compare(*scenarios: ScenarioLike, dmz_km: tuple[float, float] | float | None = None,
            baseline: str | None = None, params: dict[str, float] | None = None) -> pd.DataFrame:
    """The compared measures of several scenarios: one row per measure (label, unit), one column per scenario,
    and a delta column against the first for each of the others. ``params`` go to the scenarios declaring them."""
    from scenarios.metrics import compare_rows

    loaded = [load_scenario(s) for s in scenarios]
    params = params or {}
    results = [evaluate(s, dmz_km, baseline, {k: v for k, v in params.items() if k in {p.name for p in ls.parameters}})
               for s, ls in zip(scenarios, loaded)]
    ids = [r.scenario.id for r in results]
    rows = compare_rows([r.metrics for r in results])
    frame = pd.DataFrame({"label": [r["label"] for r in rows], "unit": [r["unit"] for r in rows]},
                         index=pd.Index([r["key"] for r in rows], name="measure"))
    for i, sid in enumerate(ids):
        frame[sid] = [r["values"][i] for r in rows]
    for i, sid in enumerate(ids[1:], start=1):
        frame[f"{sid} − {ids[0]}"] = [r["deltas"][i] for r in rows]
    return frame


# The columns of `borderline compare --all`: (JSON key, label, how to read it from the metrics).
ALL_COLUMNS = (
    ("scenario", N_("scenario"), lambda m: m.scenario),
    ("baseline", N_("line day"), lambda m: m.baseline),
    ("russian_administered_km2", N_("Russian-administered km²"), lambda m: m.russian_administered_km2),
    ("ceded_by_ukraine_km2", N_("ceded km²"), lambda m: m.ceded_by_ukraine_km2),
    ("returned_to_ukraine_km2", N_("returned km²"), lambda m: m.returned_to_ukraine_km2),
    ("population_moved", N_("population moved*"),
     lambda m: m.population_ceded_by_ukraine + m.population_returned_to_ukraine),
    ("dmz_and_zones_km2", N_("DMZ/zone km²"), lambda m: round(m.dmz_km2 + m.zones_km2, 1)),
    ("monitored_line_km", N_("monitored line km"), lambda m: m.monitoring.line_km),
    ("troops_low", N_("troops low"), lambda m: m.monitoring.troops_low),
    ("troops_high", N_("troops high"), lambda m: m.monitoring.troops_high),
)


def compare_all_rows(dmz_km: tuple[float, float] | float | None = None,
                     params: dict[str, float] | None = None) -> list[dict]:
    """Every built-in scenario against the baseline of its own day: one dict per scenario with the keys of
    ALL_COLUMNS (areas km², EPSG:3035; population 2022 baseline, estimated; troops the monitoring estimate).
    ``params`` go to the scenarios declaring them (a name none declares is a UsageError)."""
    from borderline.cli_args import params_for
    from scenarios.engine import evaluate
    from scenarios.library import builtin_ids, load_builtin

    scenarios = [load_builtin(i) for i in builtin_ids()]
    params = params or {}
    if params:
        params_for(scenarios[0], params, scenarios)  # a name no built-in declares is refused
    rows = []
    for s in scenarios:
        m = evaluate(s, dmz_km, None, params=params_for(s, params, scenarios)).metrics
        rows.append({key: read(m) for key, _, read in ALL_COLUMNS})
    return rows
