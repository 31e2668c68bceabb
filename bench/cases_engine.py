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
    from scenarios.engine import _territory, evaluate
    from scenarios.library import load_builtin

    _territory.cache_clear()
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
    from scenarios.engine import _territory, evaluate
    from scenarios.library import builtin_ids, load_builtin

    _territory.cache_clear()
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
         _evaluate_cold, repeat=7, target="< 200 ms", setup=_evaluate_cold),
    Case("dmz_reevaluate_ms", "Re-evaluate the same scenario at another DMZ width (a slider move)", "ms",
         _dmz_reevaluate, repeat=15, target="< 50 ms median", setup=_warm_territory),
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
