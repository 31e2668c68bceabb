"""Data loading, place look-up and the scenario engine (issues 2 and 3)."""

from __future__ import annotations

import subprocess
import sys

import shapely

from bench.core import Case
from geo.crs import area_km2

WIDTHS_KM = (0, 5, 10, 15, 30)


def _fresh_process_load_s() -> float:
    code = ("import time; from geo.data import load_all; t = time.perf_counter(); load_all(); "
            "print(time.perf_counter() - t)")
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def _warm_load_ms() -> float:
    import time

    from geo.data import load_all

    load_all()
    t = time.perf_counter()
    load_all()
    return (time.perf_counter() - t) * 1e3


def _place_cli() -> None:
    subprocess.run([sys.executable, "-m", "borderline", "place", "Zaporizhzhia", "--json"], check=True,
                   capture_output=True)


def _evaluate_cold() -> None:
    from scenarios.engine import clear_cache, evaluate
    from scenarios.library import load_builtin

    clear_cache()
    evaluate(load_builtin("zaporizhzhia-city-held"), dmz_km=(10, 10))


_width = iter(range(1, 10_000))


def _dmz_reevaluate() -> None:
    from scenarios.engine import evaluate
    from scenarios.library import load_builtin

    evaluate(load_builtin("zaporizhzhia-city-held"), dmz_km=(next(_width) % 50, 7))


def _warm_territory() -> None:
    from scenarios.engine import evaluate
    from scenarios.library import load_builtin

    evaluate(load_builtin("zaporizhzhia-city-held"))


def _all_builtins() -> None:
    from scenarios.engine import clear_cache, evaluate
    from scenarios.library import builtin_ids, load_builtin

    clear_cache()
    for sid in builtin_ids():
        scenario = load_builtin(sid)
        for w in WIDTHS_KM:
            evaluate(scenario, dmz_km=(w, w))


def _naive_vs(tolerance_m: float, quad_segs: int):
    """Time ratio and largest area difference of full-precision buffering against a simplified one."""
    import time

    from scenarios.engine import dmz_band, territory
    from scenarios.library import load_builtin

    t = territory(load_builtin("zaporizhzhia-city-held"))
    naive_s = fast_s = 0.0
    deviations = []
    for w in (5, 10, 15, 30):
        start = time.perf_counter()
        naive = shapely.intersection(shapely.buffer(t.contact_line, w * 1000.0), t.ukrainian_held)
        naive_s += time.perf_counter() - start
        start = time.perf_counter()
        fast = dmz_band(t.contact_line, w, t.ukrainian_held, tolerance_m=tolerance_m, quad_segs=quad_segs)
        fast_s += time.perf_counter() - start
        deviations.append(abs(area_km2(fast) / area_km2(naive) - 1) * 100)
    return naive_s / fast_s, max(deviations)


def _naive_vs_fast():
    from scenarios.engine import DMZ_QUAD_SEGS

    return _naive_vs(0.0, DMZ_QUAD_SEGS)


CASES = [
    Case("data_load_cold_s", "Load every layer, fresh process (excluding interpreter start)", "s",
         _fresh_process_load_s, repeat=5, target="< 1.5 s"),
    Case("data_load_warm_ms", "Load every layer again in the same process", "ms", _warm_load_ms, repeat=20,
         target="< 50 ms"),
    Case("place_cli_s", "`borderline place Zaporizhzhia --json`, end to end", "s", _place_cli, repeat=5,
         target="< 1 s"),
    Case("evaluate_ms", "Evaluate one built-in (zaporizhzhia-city-held), data loaded, nothing cached", "ms",
         _evaluate_cold, repeat=7, target="≤ 60 ms", setup=_evaluate_cold),
    Case("dmz_reevaluate_ms", "Re-evaluate the same scenario at another DMZ width (a slider move)", "ms",
         _dmz_reevaluate, repeat=15, target="≤ 20 ms median", setup=_warm_territory),
    Case("all_builtins_s", "All built-ins at widths 0, 5, 10, 15, 30 km", "s", _all_builtins, repeat=3,
         target="< 5 s"),
    Case("naive_dmz_ratio", "Full-precision buffering time ÷ the engine's (widths 5, 10, 15, 30 km)", "x",
         lambda: _naive_vs_fast()[0], repeat=3, target=">= 10x, areas within 0.5 %"),
    Case("dmz_area_deviation_pct", "Largest DMZ area difference, engine vs full precision", "%",
         lambda: _naive_vs_fast()[1], repeat=1, target="<= 0.5 %"),
    Case("simplified_100m_dmz_ratio", "For comparison: naive ÷ line simplified to 100 m, 4 segments a quarter", "x",
         lambda: _naive_vs(100.0, 4)[0], repeat=3, target="(not used: see deviation)"),
    Case("simplified_100m_deviation_pct", "For comparison: area difference of the 100 m simplification", "%",
         lambda: _naive_vs(100.0, 4)[1], repeat=1, target="(not used)"),
]


# -- borderline against a naive geopandas notebook -----------------------------------------------------------

NAIVE_SCENARIO = "donbas-withdrawal"  # control of 2025-02-12 plus the whole of four units
NAIVE_UNITS = ["UA-14", "UA-09", "UA-43", "UA-40"]
NAIVE_WIDTHS_KM = (2, 5, 10, 15, 20)


def _naive_notebook() -> dict:
    """The same answers the way a notebook would get them: GeoDataFrame overlays and buffers, nothing cached.

    Reads the layers and the day's line once (as a notebook's first cells would), then for each DMZ width: the
    territory by overlay, ceded land against the baseline, the line of contact, both DMZ bands and their
    populations.
    """
    import geopandas as gpd
    import pandas as pd

    from geo.data import DATA_DIR

    import borderline

    read = lambda name: gpd.read_file(DATA_DIR / f"{name}.gpkg").to_crs(3035)  # noqa: E731
    admin1, country, settlements = read("admin1"), read("country"), read("settlements")
    # The line of the day as the notebook gets it: from the published API (the dated model), then plain geopandas.
    baseline = borderline.control("2025-02-12").to_crs(3035)[["geometry"]]
    units = admin1.loc[admin1["iso"].isin(NAIVE_UNITS), ["geometry"]]
    rural = admin1.assign(in_unit=admin1["iso"].map(settlements.groupby("admin1_iso")["population"].sum()).fillna(0))
    rural["density"] = (rural["population_2022"] - rural["in_unit"]) / (rural.area / 1e6)
    answers = {}
    for w in NAIVE_WIDTHS_KM:
        territory = gpd.overlay(baseline, units, how="union", keep_geom_type=True).dissolve()
        territory = gpd.overlay(territory, country[["geometry"]], how="intersection", keep_geom_type=True)
        ukrainian = gpd.overlay(country[["geometry"]], territory, how="difference", keep_geom_type=True)
        ceded = gpd.overlay(territory, baseline, how="difference", keep_geom_type=True)
        line = territory.boundary.difference(country.boundary.buffer(50.0).union_all())
        band = gpd.GeoDataFrame(geometry=line.buffer(w * 1000.0), crs=3035)

        def population(area):
            people = gpd.sjoin(settlements, area, predicate="within")["population"].sum()
            pieces = gpd.overlay(rural[["density", "geometry"]], area, how="intersection", keep_geom_type=True)
            return people + (pieces.area / 1e6 * pieces["density"]).sum()

        dmz = [gpd.overlay(band, side, how="intersection", keep_geom_type=True) for side in (ukrainian, territory)]
        answers[w] = {"russian_administered_km2": territory.area.sum() / 1e6, "ceded_by_ukraine_km2": ceded.area.sum() / 1e6,
                      "dmz_km2": sum(d.area.sum() for d in dmz) / 1e6,
                      "population_dmz": sum(population(d) for d in dmz)}
    pd.DataFrame(answers)  # what the notebook would show
    return answers


def _borderline_same() -> dict:
    from scenarios.engine import clear_cache, evaluate
    from scenarios.library import load_builtin

    clear_cache()
    scenario = load_builtin(NAIVE_SCENARIO)
    out = {}
    for w in NAIVE_WIDTHS_KM:
        m = evaluate(scenario, (w, w)).metrics
        out[w] = {"russian_administered_km2": m.russian_administered_km2, "ceded_by_ukraine_km2": m.ceded_by_ukraine_km2,
                  "dmz_km2": m.dmz_km2, "population_dmz": m.population_dmz}
    return out


_NAIVE: dict = {}


def _naive_ratio() -> float:
    """How many times faster borderline answers than the naive notebook, both timed here, side by side."""
    import time

    start = time.perf_counter()
    naive = _naive_notebook()
    naive_s = time.perf_counter() - start
    start = time.perf_counter()
    ours = _borderline_same()
    ours_s = time.perf_counter() - start
    # Areas only: the notebook counts a settlement whose point lies just off the land polygons (Kherson's, in
    # the Dnieper) nowhere, where borderline moves it onto its own unit's land, so their populations differ.
    _NAIVE["deviation_pct"] = max(abs(ours[w][k] / naive[w][k] - 1) * 100 for w in ours for k in ours[w]
                                  if naive[w][k] and k.endswith("_km2"))
    _NAIVE.setdefault("times", []).append((naive_s, ours_s))
    return naive_s / ours_s


CASES += [
    Case("naive_notebook_ratio", f"borderline is N× faster than a naive geopandas notebook (overlay and buffer on "
         f"GeoDataFrames, no caching) for the same answers: {NAIVE_SCENARIO} at DMZ "
         f"{', '.join(map(str, NAIVE_WIDTHS_KM))} km, both timed in the same run", "x", _naive_ratio, repeat=3,
         target="reported"),
    Case("naive_notebook_deviation_pct", "Largest difference between the notebook's areas and borderline's", "%",
         lambda: _NAIVE.get("deviation_pct", float("nan")), repeat=1, target="≤ 0.5 %"),
]
