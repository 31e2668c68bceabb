"""Issue 9: the typed metrics, the one value type per parameter, and an engine split by what it depends on."""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios import engine
from scenarios.library import load_builtin
from scenarios.metrics import COMPARE_MEASURES, FIELD_MEASURES, MEASURES, Metrics, part_rows
from scenarios.model import ScenarioError
from scenarios.values import DMZ_MAX_KM, DmzWidths, control_date, dmz_width_km, scenario_id

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture(scope="module")
def ev():
    return engine.evaluate(load_builtin("claim-with-referendum-zone"), (5, 10))


def test_every_number_carries_a_label_a_unit_and_its_basis():
    for mm in FIELD_MEASURES:
        assert mm.label and mm.unit in ("km²", "km", "%", "people"), mm
        assert mm.estimate == mm.key.split(".")[-1].startswith("population") or mm.key.startswith("population"), mm
    assert {mm.key for mm in COMPARE_MEASURES} <= {mm.key for mm in MEASURES}
    assert all(mm.label_marked.endswith("*") for mm in MEASURES if mm.estimate)


def test_the_json_keeps_the_readme_contract(ev):
    documented = set(re.findall(r"`([a-z_0-9]+)`", README.read_text(encoding="utf-8").split(
        "### `borderline evaluate --json`", 1)[1].split("**How the numbers are made.**", 1)[0]))
    out = ev.metrics.to_json()
    top_level = set(out)
    assert top_level <= documented, top_level - documented
    assert {"scenario", "ukraine_km2", "dmz_by_side", "zones", "by_oblast", "settlements_changing_hands",
            "method"} <= top_level
    assert set(out["dmz_by_side"]["ukrainian_side"]) == {"km2", "population"}
    assert set(out["zones"][0]) == {"name", "type", "km2", "population", "administered_by", "recognized_as", "entry",
                                    "monitored_by"}
    if out["settlements_changing_hands"]:
        assert set(out["settlements_changing_hands"][0]) == {"name", "admin1_iso", "population", "from", "to"}


def test_every_measure_reads_back_from_the_json(ev):
    out = ev.metrics.to_json()
    for mm in FIELD_MEASURES:
        value = out
        for key in mm.key.split("."):
            value = value[key]
        assert value == ev.metrics.value(mm.key), mm.key


def test_part_rows_and_parts_are_the_engines_numbers_not_recomputed(ev):
    m = ev.metrics
    rows = {r.key: r for r in part_rows(m)}
    assert rows["russian_administered"].km2 == m.russian_administered_km2
    assert rows["dmz"].population == m.population_dmz
    frame = ev.parts().set_index("part")
    assert frame.loc["dmz_russian_side", "km2"] == pytest.approx(m.dmz_by_side.russian_side.km2, abs=0.1)
    assert frame.loc["ceded_by_ukraine", "population"] == m.population_ceded_by_ukraine
    zone = m.zones[0]
    assert frame.loc[f"zone:{zone.name}", "population"] == zone.population


def test_a_territory_is_computed_once_and_widths_add_only_the_bands():
    scenario = load_builtin("donbas-withdrawal")
    a, b = engine.evaluate(scenario, (5, 5)), engine.evaluate(scenario, (20, 5))
    assert a.territory is b.territory
    assert a.bands[1] is b.bands[1]  # the Russian side's band did not change
    assert b.metrics.dmz_by_side.ukrainian_side.km2 > a.metrics.dmz_by_side.ukrainian_side.km2
    from geo.projected import projected

    assert a.territory.digest == engine.digest(scenario, projected().line("2025-02-12"))
    other = scenario.model_copy(update={"title": "Another title"})
    assert engine.territory(other).digest != a.territory.digest


def test_the_baseline_line_comes_with_the_territory():
    t = engine.territory(load_builtin("donbas-withdrawal"))
    assert t.baseline_line.length_km > 500
    from geo.projected import projected

    assert t.baseline_line.geometry is engine.baseline_contact_line(projected().line("2025-02-12"))


@settings(max_examples=60, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_one_validator_for_a_dmz_width(value):
    ok = math.isfinite(value) and 0 <= value <= DMZ_MAX_KM
    if ok:
        assert dmz_width_km(value) == value
        assert DmzWidths.of(value).as_tuple() == (value, value)
    else:
        with pytest.raises(ScenarioError):
            DmzWidths(value, 0)


def test_the_limits_are_one_constant_everywhere():
    from borderline.ui import state
    from scenarios.model import Dmz

    assert state.SLIDER_MAX_KM == DMZ_MAX_KM
    with pytest.raises(Exception, match="between 0 and 200"):
        Dmz(ukrainian_side_km=DMZ_MAX_KM + 1)
    assert Dmz(russian_side_km=DMZ_MAX_KM).russian_side_km == DMZ_MAX_KM
    assert DmzWidths.parse("5:15").as_tuple() == (5.0, 15.0) and DmzWidths.parse("7").total_km == 14.0
    for bad in ("wide", "1:2:3", f"{DMZ_MAX_KM + 1}", "-1"):
        with pytest.raises(ScenarioError):
            DmzWidths.parse(bad)
    with pytest.raises(ScenarioError):
        engine.evaluate(load_builtin("donbas-withdrawal"), (DMZ_MAX_KM + 0.5, 0))


def test_dates_and_ids_are_checked_in_one_place():
    assert control_date("2025-11-20") == "2025-11-20"
    for bad in ("2025-02-30", "20250212", "2025-2-1"):
        with pytest.raises(ScenarioError):
            control_date(bad)
    assert scenario_id("my-line-2") == "my-line-2"
    for bad in ("My Line", "a--b", "-a", "x" * 65, "ok\n"):
        with pytest.raises(ScenarioError):
            scenario_id(bad)


def test_metrics_are_frozen():
    m = engine.evaluate(load_builtin("status-quo-2025-02")).metrics
    assert isinstance(m, Metrics)
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.russian_administered_km2 = 0
