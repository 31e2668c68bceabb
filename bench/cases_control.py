"""Control through time (issue 10): the area of a day, every day cold, the monthly history of every oblast."""

from __future__ import annotations

import datetime as dt
import itertools
import subprocess
import sys

from bench.core import Case

_DAYS = itertools.cycle(range(0, 776, 37))


def _day(offset: int) -> str:
    return (dt.date(2024, 7, 8) + dt.timedelta(days=offset)).isoformat()


def _area_warm() -> None:
    from geo.projected import projected

    projected().control_area(_day(next(_DAYS)))


def _warm_up() -> None:
    from geo.projected import projected

    p = projected()
    for offset in range(0, 776, 37):
        p.control_area(_day(offset))


def _every_day_cold_s() -> float:
    """Seconds for a fresh process to build the area of every supported day (data loading included)."""
    code = ("import time, datetime as dt; t = time.perf_counter(); from geo.projected import projected; "
            "p = projected(); [p.control_area((dt.date(2024, 7, 8) + dt.timedelta(days=i)).isoformat()) "
            "for i in range(776)]; [p.control_area(d) for d in p.timeline.authored]; "
            "print(time.perf_counter() - t)")
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def _monthly_history() -> None:
    from scenarios import engine

    engine._by_unit_km2.cache_clear()
    subprocess_free_days = [f"{y}-{m:02d}-01" for y in (2024, 2025, 2026) for m in range(1, 13)
                            if "2024-07-08" <= f"{y}-{m:02d}-01" <= "2026-08-22"]
    engine.control_history(["2024-07-08", *subprocess_free_days])


CASES = [
    Case("control_area_warm_ms", "Russian-administered area of a day, data loaded (each day's state built once)",
         "ms", _area_warm, repeat=21, target="≤ 50 ms", setup=_warm_up),
    Case("control_every_day_cold_s", "Every supported day's area, fresh process, data loading included", "s",
         _every_day_cold_s, repeat=3, target="≤ 1.5 s"),
    Case("control_history_monthly_s", "Monthly history, every oblast and the total (nothing cached)", "s",
         _monthly_history, repeat=3, target="≤ 2 s"),
]


def _archive_import_s() -> float:
    """Seconds to import an archive of 700 days (deepstatemap_data_YYYYMMDD.geojson files of the embedded
    areas of 700 successive days, at full precision), made here in a temporary folder."""
    import json
    import os
    import tempfile
    import time
    from pathlib import Path

    from shapely.geometry import mapping

    from geo import imported
    from geo.crs import to_geographic
    from geo.projected import projected

    p = projected()
    root = Path(tempfile.mkdtemp(prefix="borderline-bench-archive-"))
    folder = root / "archive"
    folder.mkdir()
    for i in range(700):
        day = dt.date(2024, 7, 8) + dt.timedelta(days=i)
        geometry = mapping(to_geographic(p.control_area(day.isoformat())))
        (folder / f"deepstatemap_data_{day:%Y%m%d}.geojson").write_text(json.dumps(
            {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": geometry}]}))
    before = os.environ.get("BORDERLINE_HOME")
    os.environ["BORDERLINE_HOME"] = str(root / "home")
    try:
        start = time.perf_counter()
        done = imported.import_lines(folder, "deepstate", p.ukraine, progress=lambda i, n: None)
        elapsed = time.perf_counter() - start
    finally:
        if before is None:
            os.environ.pop("BORDERLINE_HOME", None)
        else:
            os.environ["BORDERLINE_HOME"] = before
    assert len(done) == 700
    return elapsed


CASES += [
    Case("control_import_700_days_s", "Import an archive of 700 days (deepstatemap_data files, full precision)",
         "s", _archive_import_s, repeat=1, target="≤ 60 s"),
]
