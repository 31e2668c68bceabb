"""Issue 13: the map view in AppTest: layers, height, tiles and place in the URL; scenario parameters; the DMZ."""

from __future__ import annotations

import pytest

from test_app import assert_healthy, errors, home, metric, plain, qp, start  # noqa: F401  (fixture)

PARAM_SCENARIO = """
id = "pull-back"
title = "Freeze with a mirror pull-back"
summary = "A test scenario whose DMZ widths are a parameter."
baseline = "2025-02-12"

[provenance]
proposed_by = "test"
date = "2025"
source = "test"

[[parameters]]
name = "pullback_km"
label = "Mirror pull-back"
unit = "km"
choices = [5, 10, 40]
default = 10

[territory]
control = "2025-02-12"

[dmz]
ukrainian_side_km = { param = "pullback_km" }
russian_side_km = { param = "pullback_km" }
"""


@pytest.fixture
def with_param_scenario(home):  # noqa: F811
    folder = home / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pull-back.toml").write_text(PARAM_SCENARIO, encoding="utf-8")
    return home


def dmz_area_at(km: float) -> str:
    from borderline.ui import tables
    from scenarios.engine import evaluate
    from scenarios.model import loads

    s = loads(PARAM_SCENARIO, "test").with_params({"pullback_km": km})
    ev = evaluate(s, (km, km))
    return next(t.value for t in tables.tiles(ev.metrics) if t.key == "dmz_km2")


def test_a_parameter_has_a_control_that_sets_the_evaluation_and_the_url(with_param_scenario):
    at = start({"s": "pull-back"})
    assert (at.session_state["ua"], at.session_state["ru"]) == (10.0, 10.0)
    assert metric(at, "DMZ area") == dmz_area_at(10.0)
    at.sidebar.select_slider(key="w_param_pullback_km").set_value(40.0).run()
    assert_healthy(at)
    assert qp(at, "p.pullback_km") == "40" and qp(at, "ua") == "40"
    assert metric(at, "DMZ area") == dmz_area_at(40.0) != dmz_area_at(10.0)


def test_a_link_restores_a_parameter_and_refuses_a_value_it_does_not_allow(with_param_scenario):
    at = start({"s": "pull-back", "p.pullback_km": "5"})
    assert at.session_state["params"] == {"pullback_km": 5.0}
    assert (at.session_state["ua"], at.session_state["ru"]) == (5.0, 5.0)
    assert metric(at, "DMZ area") == dmz_area_at(5.0)
    bad = start({"s": "pull-back", "p.pullback_km": "7"})
    assert bad.session_state["params"] == {}
    assert any("pullback_km" in plain(i.value) for i in bad.info), [i.value for i in bad.info]
    assert metric(bad, "DMZ area") == dmz_area_at(10.0)


def test_layers_height_and_tiles_are_kept_in_the_url(home):  # noqa: F811
    at = start({"off": "dnieper,labels", "h": "820", "tiles": "1", "z": "8.5", "at": "48.0,37.8"})
    assert at.sidebar.toggle(key="w_lay_dnieper").value is False
    assert at.sidebar.toggle(key="w_lay_labels").value is False
    assert at.sidebar.toggle(key="w_lay_zones").value is True
    assert at.session_state["height"] == 820
    assert qp(at, "off") == "dnieper,labels" and qp(at, "h") == "820" and qp(at, "tiles") == "1"
    assert qp(at, "z") == "8.5" and qp(at, "at") == "48.0,37.8"  # the map's own view is passed through
    assert any("internet" in w.value for w in at.warning), "no warning that online tiles need the internet"
    at.sidebar.toggle(key="w_tiles").set_value(False).run()
    assert not any("internet" in w.value for w in at.warning)
    assert "tiles" not in at.query_params


def test_place_search_finds_a_place_and_says_when_it_cannot(home):  # noqa: F811
    at = start({"s": "donbas-withdrawal", "place": "Kramatorsk"})
    assert not errors(at), errors(at)
    assert at.text_input(key="w_place_query").value == "Kramatorsk"
    assert qp(at, "place") == "Kramatorsk"
    at.text_input(key="w_place_query").set_value("Nowhereville-on-Sea").run()
    assert_healthy(at)
    assert any("no place named" in e for e in errors(at)), errors(at)
    assert metric(at, "Russian-administered")  # the rest of the page still works


def test_the_place_lookup_gives_the_side_in_the_scenario_and_on_the_baseline(home):  # noqa: F811
    from borderline.ui.catalog import builtin_entries
    from borderline.ui.page import place_lookup

    entry = next(e for e in builtin_entries() if e.id == "donbas-withdrawal")
    found = place_lookup("Kramatorsk", entry.toml, 0.0, 0.0, "2025-02-12")
    assert found["info"]["admin1_iso"] == "UA-14"
    assert (found["baseline_side"], found["side"]) == ("ukraine", "russia")  # ceded in this scenario


def test_a_range_parameter_has_a_slider(home):  # noqa: F811
    folder = home / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    ranged = PARAM_SCENARIO.replace('id = "pull-back"', 'id = "ranged"').replace(
        "choices = [5, 10, 40]\ndefault = 10", "min = 0\nmax = 50\nstep = 5\ndefault = 15")
    (folder / "ranged.toml").write_text(ranged, encoding="utf-8")
    at = start({"s": "ranged"})
    assert (at.session_state["ua"], at.session_state["ru"]) == (15.0, 15.0)
    at.sidebar.slider(key="w_param_pullback_km").set_value(25.0).run()
    assert_healthy(at)
    assert (at.session_state["ua"], at.session_state["ru"]) == (25.0, 25.0) and qp(at, "p.pullback_km") == "25"


def test_a_parameter_that_is_not_a_dmz_width_leaves_the_readers_widths(home):  # noqa: F811
    folder = home / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    zoned = PARAM_SCENARIO.replace('id = "pull-back"', 'id = "zoned"').replace(
        '[dmz]\nukrainian_side_km = { param = "pullback_km" }\nrussian_side_km = { param = "pullback_km" }\n',
        '[[zones]]\nname = "Pull-back in Donetsk oblast"\ntype = "demilitarized"\n'
        'band = { ukrainian_side_km = { param = "pullback_km" }, russian_side_km = { param = "pullback_km" }, '
        'within = { admin1 = ["UA-14"] } }\n')
    (folder / "zoned.toml").write_text(zoned, encoding="utf-8")
    at = start({"s": "zoned", "ua": "7", "ru": "7"})
    zone_area = lambda: next(t.value for t in at.table if "Type" in t.value.columns).iloc[0, 1]  # noqa: E731
    before = zone_area()
    at.sidebar.select_slider(key="w_param_pullback_km").set_value(40.0).run()
    assert_healthy(at)
    assert (at.session_state["ua"], at.session_state["ru"]) == (7.0, 7.0)
    assert zone_area() != before and qp(at, "p.pullback_km") == "40"


def test_the_map_view_exports_with_the_publishing_controls(home):  # noqa: F811
    at = start({"view": "map", "s": "us-ukraine-20-point-2025-12"})
    assert {s.key for s in at.selectbox} >= {"pub_page", "pub_extent"}
    assert {t.key for t in at.text_input} >= {"pub_title", "pub_subtitle", "pub_credit"}
    at.selectbox(key="pub_page").set_value("story").run()
    at.text_input(key="pub_title").input("A title of my own").run()
    assert_healthy(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:3] == ["PNG", "SVG", "PDF"] and {"GeoPackage", "CSV", "XLSX", "TOML"} <= set(labels)
