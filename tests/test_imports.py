"""Issue 10: imports of newer lines — single files, archives of many days, sources, and bad input."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

import pytest
import shapely
from shapely.geometry import mapping

from geo.crs import area_km2, to_geographic


def cli(home, *args, **env):
    return subprocess.run([sys.executable, "-m", "borderline", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "BORDERLINE_HOME": str(home), **env})


@pytest.fixture(scope="module")
def newer_area(proj):
    """A plausible newer Russian-controlled area: the latest embedded one, grown by 3 km (EPSG:4326)."""
    grown = shapely.intersection(shapely.buffer(proj.control_area("latest"), 3_000), proj.ukraine)
    return to_geographic(shapely.simplify(grown, 300))


def feature(geom, **props):
    return {"type": "Feature", "properties": props, "geometry": mapping(geom)}


def write_geojson(path, *features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}))
    return path


def test_a_single_file_is_kept_and_used_like_an_embedded_date(tmp_path, newer_area, proj, monkeypatch):
    home = tmp_path / "home"
    f = write_geojson(tmp_path / "line.geojson", feature(newer_area))
    done = cli(home, "control", "import", str(f), "--date", "2026-09-15", "--source", "deepstate", "--quiet")
    assert done.returncode == 0, done.stderr
    assert (home / "control" / "deepstate" / "2026-09-15.geojson").is_file()
    listed = json.loads(cli(home, "control", "list", "--json").stdout)
    assert any(r["source"] == "deepstate" and r["days"] == ["2026-09-15"] for r in listed)
    pinned = json.loads(cli(home, "evaluate", "status-quo-2025-02", "--baseline", "deepstate:2026-09-15",
                            "--json").stdout)
    assert pinned["baseline"] == "2026-09-15" and pinned["baseline_source"] == "deepstate"
    assert pinned["returned_to_ukraine_km2"] > 3_000 > 30 * pinned["ceded_by_ukraine_km2"]  # measured against the newer line
    # Unpinned: the imported source covers the day and wins; asked to, the embedded lines do.
    unpinned = json.loads(cli(home, "evaluate", "status-quo-latest", "--json").stdout)
    assert unpinned["baseline"] == "2026-09-15" and unpinned["baseline_source"] == "deepstate"
    embedded = json.loads(cli(home, "evaluate", "status-quo-latest", "--json",
                              BORDERLINE_PREFER_SOURCE="embedded").stdout)
    assert embedded["baseline"] == "2026-08-22" and embedded["baseline_source"] == "borderline"
    history = json.loads(cli(home, "control", "history", "--daily", "--from", "2026-09-14", "--json").stdout)
    rows = {r["day"]: (r["source"], r["line_of"]) for r in history if r["iso"] == "UA"}
    # a day between the two sources takes the latest earlier line, whoever's it is
    assert rows == {"2026-09-14": ("borderline", "2026-08-22"), "2026-09-15": ("deepstate", "2026-09-15")}
    # In-process, the same import is read back at the area it was given.
    monkeypatch.setenv("BORDERLINE_HOME", str(home))
    line = proj.line("deepstate:latest")
    assert line.day == "2026-09-15"
    expected = area_km2(shapely.intersection(shapely.buffer(proj.control_area("latest"), 3_000), proj.ukraine))
    assert area_km2(proj.line_area(line)) == pytest.approx(expected, rel=0.01)


def test_an_archive_folder_and_a_gzipped_dated_geojson(tmp_path, newer_area):
    home = tmp_path / "home"
    folder = tmp_path / "archive"
    folder.mkdir()
    for day in ("20260901", "20260915", "20261001"):
        write_geojson(folder / f"deepstatemap_data_{day}.geojson", feature(newer_area, name="occupied"))
    (folder / "README.txt").write_text("not a day")
    done = cli(home, "control", "import", str(folder), "--source", "deepstate")
    assert done.returncode == 0, done.stderr
    assert "imported days of deepstate: 3" in done.stdout and "%" in done.stderr  # the progress bar
    unified = {"type": "FeatureCollection", "features": [feature(newer_area, date="2026-11-01"),
                                                         feature(newer_area, date="2026-11-02T00:00:00Z")]}
    gz = tmp_path / "unified.geojson.gz"
    gz.write_bytes(gzip.compress(json.dumps(unified).encode()))
    done = cli(home, "control", "import", str(gz), "--source", "ds-unified", "--quiet")
    assert done.returncode == 0, done.stderr
    days = {r["source"]: r.get("days") for r in json.loads(cli(home, "control", "list", "--json").stdout)}
    assert days["deepstate"] == ["2026-09-01", "2026-09-15", "2026-10-01"]
    assert days["ds-unified"] == ["2026-11-01", "2026-11-02"]


def test_kml_and_a_date_from_the_file_name(tmp_path, newer_area):
    import geopandas as gpd
    import pyogrio

    home = tmp_path / "home"
    path = tmp_path / "isw_2026-10-20.kml"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"name": ["occupied"]}, geometry=[newer_area], crs=4326), path,
                            driver="LIBKML")
    done = cli(home, "control", "import", str(path), "--source", "isw", "--quiet")
    assert done.returncode == 0, done.stderr
    assert (home / "control" / "isw" / "2026-10-20.geojson").is_file()


@pytest.mark.parametrize("case, needle", [
    ("line", "no polygon"), ("outside", "outside Ukraine"), ("projected", "projected"),
    ("bad date", "cannot be read"), ("no date", "--date"), ("again", "--replace"), ("reserved", "embedded"),
])
def test_bad_imports_are_one_line_and_exit_2(tmp_path, newer_area, case, needle):
    home = tmp_path / "home"
    good = write_geojson(tmp_path / "good.geojson", feature(newer_area))
    args = [str(good), "--date", "2026-09-15", "--source", "deepstate"]
    if case == "line":
        args[0] = str(write_geojson(tmp_path / "l.geojson", feature(shapely.LineString([(37, 48), (38, 48.5)]))))
    elif case == "outside":
        args[0] = str(write_geojson(tmp_path / "o.geojson", feature(shapely.box(10, 50, 11, 51))))
    elif case == "projected":
        args[0] = str(write_geojson(tmp_path / "p.geojson", feature(shapely.box(6.0e6, 2.8e6, 6.1e6, 2.9e6))))
    elif case == "bad date":
        args[2] = "15/09/2026"
    elif case == "no date":
        args = [str(good), "--source", "deepstate"]
    elif case == "again":
        assert cli(home, "control", "import", *args, "--quiet").returncode == 0
    elif case == "reserved":
        args[-1] = "borderline"
    done = cli(home, "control", "import", *args, "--quiet")
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert len(done.stderr.strip().splitlines()) == 1 and needle in done.stderr, done.stderr
    if case == "again":  # the first import is still there, whole
        assert cli(home, "control", "import", *args, "--replace", "--quiet").returncode == 0


def test_an_unknown_pinned_source_is_one_line(tmp_path):
    done = cli(tmp_path, "evaluate", "status-quo-2025-02", "--baseline", "nobody:2025-11-20")
    assert done.returncode == 2 and "no source 'nobody'" in done.stderr
