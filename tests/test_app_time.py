"""Issue 10: control through time in the app, driven by Streamlit's AppTest (no browser).

The time view (a day on the map, its figures, the area over time, the places changing hands between two days),
the sidebar's baseline at any supported day, the editor's days, and the days in the URL.
"""

from __future__ import annotations

import datetime as dt

import pytest

from test_app import assert_healthy, metric, plain, qp, start


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("BORDERLINE_HOME", str(tmp_path))
    return tmp_path


def captions(at) -> str:
    return " ".join(plain(c.value) for c in at.caption)


def test_the_time_view_renders_for_a_day_with_its_date_and_source():
    at = start({"view": "time", "day": "2025-11-20"})
    assert metric(at, "Russian-administered").endswith("km²") and "%" in metric(at, "Share of Ukraine")
    notes = captions(at)
    assert "Line of contact as of 20 November 2025 — borderline dated model: authored line of 12 February 2025 " \
           "plus DeepStateMap.Live's daily archive, sampled at settlements" in notes
    assert at.slider(key="w_day").value == dt.date(2025, 11, 20)
    assert at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart"), "the chart of the area over time is missing"
    assert qp(at, "view") == "time" and qp(at, "day") == "2025-11-20"


def test_the_time_view_renders_for_latest():
    from geo.projected import projected
    from scenarios.engine import control_history

    last = projected().timeline.last_day
    at = start({"view": "time", "day": "latest"})
    assert at.slider(key="w_day").value == dt.date.fromisoformat(last)
    total = next(r for r in control_history([last]) if r["iso"] == "UA")
    assert metric(at, "Russian-administered").replace("\u00a0km²", "") == f"{round(total['russian_administered_km2'], -1):,.0f}"
    assert "(the latest day)" in captions(at) and qp(at, "day") == "latest"


def test_moving_the_slider_changes_the_area_and_the_link():
    at = start({"view": "time", "day": "2025-11-20"})
    before = metric(at, "Russian-administered")
    at.slider(key="w_day").set_value(dt.date(2024, 8, 1)).run()
    assert_healthy(at)
    assert metric(at, "Russian-administered") != before
    assert qp(at, "day") == "2024-08-01" and "1 August 2024" in captions(at)
    at.button(key="tv_latest").click().run()
    assert qp(at, "day") == "latest"
    at.slider(key="w_day").set_value(dt.date(2025, 3, 1)).run()
    assert qp(at, "day") == "2025-03-01", "after 'Latest day', moving the slider must name the day"


def test_pokrovsk_changes_hands_between_october_and_november_2025():
    at = start({"view": "time"})
    at.date_input(key="w_since").set_value(dt.date(2025, 10, 1))
    at.date_input(key="w_until").set_value(dt.date(2025, 11, 30)).run()
    assert_healthy(at)
    table = at.table[-1].value
    assert "Pokrovsk" in table.index, table
    row = table.loc["Pokrovsk"]
    assert row["Oblast"] == "Donetsk Oblast" and row["Day"] == "2025-11-03"
    assert row["From → to"] == "Ukrainian-held → Russian-administered" and row["Population (GeoNames)"] == "60,100"
    assert qp(at, "from") == "2025-10-01" and qp(at, "to") == "2025-11-30"


def test_the_baseline_takes_any_day_and_the_map_matches_the_engine():
    from borderline.ui import tables
    from scenarios.engine import evaluate
    from scenarios.library import load_builtin

    at = start({"s": "donbas-withdrawal"})
    at.sidebar.date_input(key="w_baseline").set_value(dt.date(2025, 11, 20)).run()
    assert_healthy(at)
    assert at.session_state["baseline"] == "2025-11-20" and qp(at, "base") == "2025-11-20"
    expected = tables.tiles(evaluate(load_builtin("donbas-withdrawal"), baseline="2025-11-20").metrics)
    february = tables.tiles(evaluate(load_builtin("donbas-withdrawal")).metrics)
    assert expected[3].label == "Ceded by Ukraine" and expected[3].value != february[3].value
    for tile in expected:
        assert metric(at, tile.label) == tile.value, tile.label
    at.sidebar.checkbox(key="w_baseline_latest").check().run()
    assert at.session_state["baseline"] == "latest" and qp(at, "base") == "latest"
    at.sidebar.checkbox(key="w_baseline_latest").uncheck().run()
    assert at.session_state["baseline"] == at.sidebar.date_input(key="w_baseline").value.isoformat()


def test_picking_a_scenario_sets_the_baseline_to_its_own_day():
    at = start()
    at.sidebar.selectbox(key="w_scenario").set_value("us-28-point-plan-2025-11").run()
    assert at.session_state["baseline"] == "2025-11-20"
    assert at.sidebar.date_input(key="w_baseline").value == dt.date(2025, 11, 20)
    at.sidebar.selectbox(key="w_scenario").set_value("status-quo-latest").run()
    assert at.session_state["baseline"] == "latest" and at.sidebar.checkbox(key="w_baseline_latest").value
    assert qp(at, "base") == "latest"


def test_a_link_restores_the_days():
    query = {"view": "time", "day": "2025-06-01", "from": "2025-01-01", "to": "2025-03-01", "base": "2025-11-20"}
    at = start(query)
    assert {k: qp(at, k) for k in query} == query
    assert at.slider(key="w_day").value == dt.date(2025, 6, 1)
    assert at.date_input(key="w_since").value == dt.date(2025, 1, 1)
    at.sidebar.radio(key="w_view").set_value("map").run()
    assert qp(at, "base") == "2025-11-20" and at.sidebar.date_input(key="w_baseline").value == dt.date(2025, 11, 20)
    at = start({"view": "map", "s": "donbas-withdrawal", "base": "2024-09-15"})
    assert at.session_state["baseline"] == "2024-09-15" and "baseline 2024-09-15" in captions(at)


def test_a_bad_date_in_the_link_is_a_one_line_note():
    at = start({"view": "time", "day": "2025-13-45", "base": "1900-01-01", "from": "<b>x</b>"})
    notes = [plain(i.value) for i in at.info]
    assert len([n for n in notes if n.startswith("Link:")]) == 3, notes
    assert all("\n" not in n and len(n) < 300 for n in notes)
    assert metric(at, "Russian-administered") and qp(at, "day") == "latest"


def test_the_editor_keeps_a_scenarios_own_day():
    at = start({"view": "editor"})
    at.selectbox(key="ed_start").set_value("us-28-point-plan-2025-11").run()
    at.button(key="ed_open").click().run()
    assert_healthy(at)
    assert at.date_input(key="ed_baseline").value == dt.date(2025, 11, 20)
    assert not at.checkbox(key="ed_baseline_latest").value
    assert "baseline 2025-11-20" in captions(at)
    at.date_input(key="ed_baseline").set_value(dt.date(2025, 12, 24)).run()
    assert "baseline 2025-12-24" in captions(at)


def test_a_newer_line_imported_in_the_app_is_kept_and_becomes_the_latest_baseline(tmp_path, monkeypatch):
    import json
    from pathlib import Path

    import shapely
    from shapely.geometry import mapping
    from streamlit.testing.v1 import AppTest

    from geo.crs import to_geographic
    from geo.projected import projected

    monkeypatch.setenv("BORDERLINE_HOME", str(tmp_path))
    p = projected()
    newer = to_geographic(shapely.simplify(shapely.intersection(shapely.buffer(p.control_area("latest"), 3_000),
                                                                 p.ukraine), 300))
    data = json.dumps({"type": "Feature", "properties": {}, "geometry": mapping(newer)}).encode()
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=120)
    at.query_params.update({"view": "import"})
    at.run()
    at.date_input(key="line_day").set_value(dt.date(2026, 9, 30))
    at.file_uploader(key="line_upload").set_value(("line.geojson", data, "application/geo+json")).run()
    assert not at.exception
    assert any("Imported 1 day(s) of deepstate" in plain(s.value) for s in at.success), [e.value for e in at.error]
    assert (tmp_path / "control" / "deepstate" / "2026-09-30.geojson").is_file()
    at.file_uploader(key="line_upload").set_value(("again.geojson", data, "application/geo+json")).run()
    assert any("already imported" in plain(e.value) for e in at.error), [e.value for e in at.error]
    assert p.line("latest").source == "deepstate" and p.line("latest").day == "2026-09-30"
