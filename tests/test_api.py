"""Issue 9: the Python API for notebooks, and the README's example of it, run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import borderline

README = Path(__file__).resolve().parents[1] / "README.md"


def _readme_example() -> str:
    section = README.read_text(encoding="utf-8").split("## Python API", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_example_runs(tmp_path, capsys):
    exec(compile(_readme_example(), "README.md", "exec"), {"tmp": tmp_path})
    out = capsys.readouterr().out
    assert "km² Russian-administered" in out and "\nleft\n" in out  # Zaporizhzhia: left bank
    assert (tmp_path / "donbas.gpkg").stat().st_size > 10_000


def test_evaluate_matches_the_engine_and_the_cli_json():
    from scenarios.engine import evaluate
    from scenarios.library import load_builtin

    result = borderline.evaluate("donbas-withdrawal", dmz_km=(5, 15))
    direct = evaluate(load_builtin("donbas-withdrawal"), (5, 15)).metrics
    assert result.metrics.to_json() == direct.to_json()
    assert result.metrics.dmz_km.russian_side == 15.0


def test_parts_in_either_crs_keep_the_engines_numbers():
    result = borderline.evaluate("claim-with-referendum-zone", dmz_km=5)
    geographic, metric = result.parts(), result.parts(crs="EPSG:3035")
    assert geographic.crs.to_epsg() == 4326 and metric.crs.to_epsg() == 3035
    ru = metric.set_index("part").loc["russian_administered"]
    assert ru["km2"] == pytest.approx(result.metrics.russian_administered_km2, abs=0.1)
    assert ru.geometry.area / 1e6 == pytest.approx(ru["km2"], rel=1e-4)  # metres, equal-area
    assert set(geographic["part"]) >= {"russian_administered", "contact_line", "dmz_ukrainian_side"}


def test_to_file_writes_the_format_of_the_suffix(tmp_path):
    import json

    path = borderline.evaluate("status-quo-2025-02").to_file(tmp_path / "sq.geojson")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and doc["scenario"]["id"] == "status-quo-2025-02"


def test_control_place_and_compare():
    area = borderline.control("2025-02-12")
    assert area.crs.to_epsg() == 4326 and 105_000 < area["km2"].iat[0] < 120_000
    info = borderline.place("Zaporozhye")
    assert info["name"] == "Zaporizhzhia" and info["admin1_iso"] == "UA-23"
    table = borderline.compare("status-quo-2025-02", "donbas-withdrawal")
    assert table.loc["ceded_by_ukraine_km2", "donbas-withdrawal − status-quo-2025-02"] > 5_000
    assert table.loc["ceded_by_ukraine_km2", "status-quo-2025-02"] == 0


def test_bad_input_is_a_user_error_with_one_line():
    from geo.errors import UserError

    for call in (lambda: borderline.evaluate("no-such-scenario"), lambda: borderline.control("1999-01-01"),
                 lambda: borderline.evaluate("status-quo-2025-02", dmz_km=500)):
        with pytest.raises(UserError) as info:
            call()
        assert "\n" not in str(info.value) and len(str(info.value)) < 400
