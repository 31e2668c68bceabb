"""Issue 10: control through time — the dated model, dates everywhere they are used, and the command line."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.crs import area_km2, lonlat_to_ea
from geo.data import control_ledger
from scenarios.engine import evaluate
from scenarios.library import load_builtin
from scenarios.model import ScenarioError

FIRST, LAST = "2024-07-08", "2026-08-22"


def cli(*args):
    return subprocess.run([sys.executable, "-m", "borderline", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def ledger():
    return control_ledger()


@pytest.fixture(scope="module")
def land_points(proj, ledger):
    """Each ledger settlement's point, on land: GeoNames' point, or the nearest land within 3 km."""
    from geo.population import assign_to_land  # the rule the population model counts settlements by

    x, y = lonlat_to_ea(ledger["lon"].to_numpy(), ledger["lat"].to_numpy())
    return assign_to_land(shapely.points(x, y), proj.ukraine)


def test_the_ledger_is_the_whole_table(ledger):
    assert len(ledger) == 511 and ledger["geonameid"].nunique() == 460
    assert (ledger.groupby("geonameid").size() > 1).sum() == 46
    assert str(ledger["from"].min().date()) == FIRST and str(ledger["to"].max().date()) == LAST


def test_every_ledger_settlement_is_on_its_side_on_the_first_middle_and_last_day_of_every_interval(
        proj, ledger, land_points):
    wrong = []
    for i, row in enumerate(ledger.itertuples(index=False)):
        middle = row._6 + (row.to - row._6) / 2
        for day in {row._6, middle.normalize(), row.to}:
            area = proj.control_area(str(day.date()))
            inside = shapely.intersects(area, land_points[i]) and not shapely.touches(area, land_points[i])
            if inside != (row.side == "russia"):
                wrong.append((row.name, str(day.date()), row.side))
    assert not wrong, wrong[:10]


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 775), st.integers(0, 775))
def test_the_area_changes_only_near_settlements_that_changed_hands(proj, ledger, land_points, a, b):
    t = proj.timeline
    d1, d2 = (str((pd.Timestamp(FIRST) + pd.Timedelta(days=n)).date()) for n in sorted((a, b)))
    moved = t.sides(d1) != t.sides(d2)
    change = shapely.symmetric_difference(proj.control_area(d1), proj.control_area(d2))
    patches = shapely.get_parts(change)
    big = patches[area_km2(patches) > 1.0]
    if not moved.any():
        assert len(big) == 0
        return
    index = {gid: i for i, gid in enumerate(ledger["geonameid"])}
    near = shapely.union_all(shapely.buffer(land_points[[index[g] for g in t.ids[moved]]], 15_000))
    far = area_km2(shapely.difference(shapely.union_all(big), near)) if len(big) else 0.0
    assert far < 0.01, (d1, d2, far)


def test_the_february_2025_area_agrees_with_the_ledger_and_the_foundation(proj):
    area = proj.control_area("2025-02-12")
    share = area_km2(area) / area_km2(proj.ukraine)
    assert 0.175 < share < 0.20
    crimea = proj.admin1_ea[list(proj.admin1["iso"]).index("UA-43")]
    assert area_km2(shapely.intersection(area, crimea)) == pytest.approx(area_km2(crimea), rel=0.001)
    # The ledger corrects the authored line only near the few contested villages where they disagree.
    assert area_km2(shapely.symmetric_difference(area, proj.control["2025-02-12"])) < 400


def test_days_without_their_own_line_take_the_latest_earlier_state(proj):
    t = proj.timeline
    assert t.resolve("latest") == LAST
    assert t.resolve("2025-11-20") == "2025-11-20"
    for bad in ("2030-01-01", "1990-01-01", "2025-13-01"):
        with pytest.raises(ValueError, match="control (date|line dated)"):
            t.resolve(bad)


def test_pokrovsk_changes_hands_in_november_2025(proj):
    x, y = lonlat_to_ea(np.array([37.17706]), np.array([48.28014]))
    assert not shapely.contains_xy(proj.control_area("2025-11-02"), x, y)[0]
    assert shapely.contains_xy(proj.control_area("2025-11-03"), x, y)[0]
    changes = {c.name: c for c in proj.timeline.changes("2025-10-01", "2025-11-30")}
    assert changes["Pokrovsk"].day == "2025-11-03" and changes["Pokrovsk"].to_side == "russia"


def test_scenarios_name_any_day_and_latest():
    sq = load_builtin("status-quo-2025-02")
    on_day = sq.model_copy(update={"territory": sq.territory.model_copy(update={"control": "2025-11-20"}),
                                   "baseline": "2025-11-20"})
    m = evaluate(on_day).metrics
    assert m.baseline == "2025-11-20" and m.ceded_by_ukraine_km2 == 0
    assert m.russian_administered_km2 > evaluate(sq).metrics.russian_administered_km2
    latest = evaluate(load_builtin("status-quo-latest")).metrics
    assert latest.baseline == LAST and latest.ceded_by_ukraine_km2 == 0
    with pytest.raises(ScenarioError, match="baseline"):
        evaluate(sq, baseline="2031-01-01")


def test_the_plans_are_bound_to_their_own_day(proj):
    m28 = evaluate(load_builtin("us-28-point-plan-2025-11")).metrics
    assert m28.baseline == "2025-11-20"
    donetsk = proj.admin1_ea[list(proj.admin1["iso"]).index("UA-14")]
    held = area_km2(shapely.difference(donetsk, proj.control_area("2025-11-20")))
    assert m28.zones[0].km2 == pytest.approx(held, rel=0.005)
    assert 5_500 < held < 7_500  # about 6,400 km² in the press of November 2025
    assert evaluate(load_builtin("us-ukraine-20-point-2025-12")).metrics.baseline == "2025-12-24"


def test_cli_control_list_history_and_changes():
    done = cli("control", "list", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert any("DeepStateMap" in r["sources"] for r in rows) and all(r["source"] for r in rows)
    done = cli("control", "history", "--oblast", "UA-14", "--from", "2025-01-01", "--to", "2025-12-31", "--json")
    assert done.returncode == 0, done.stderr
    history = json.loads(done.stdout)
    assert [r["day"] for r in history][:2] == ["2025-01-01", "2025-02-01"] and len(history) == 12
    assert history[-1]["russian_administered_km2"] > history[0]["russian_administered_km2"]
    done = cli("control", "history", "--csv")
    assert done.returncode == 0 and done.stdout.splitlines()[0].startswith("day,line_of,source,iso,name")
    done = cli("control", "changes", "--from", "2025-10-01", "--to", "2025-12-31", "--json")
    names = {c["name"]: c for c in json.loads(done.stdout)["changes"]}
    assert names["Pokrovsk"]["day"] == "2025-11-03" and names["Pokrovsk"]["population"] > 50_000


def test_cli_place_shows_the_control_history():
    done = cli("place", "Pokrovsk")
    assert done.returncode == 0, done.stderr
    assert "2025-11-03 to 2026-08-22: Russian-administered" in done.stdout and "DeepStateMap" in done.stdout


@pytest.mark.parametrize("args", [("evaluate", "status-quo-2025-02", "--baseline", "2030-01-01"),
                                  ("control", "history", "--from", "2025-02-30"),
                                  ("control", "history", "--oblast", "UA-99")])
def test_bad_dates_are_one_line_and_exit_2(args):
    done = cli(*args)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def _inside(proj, day, lon, lat):
    x, y = lonlat_to_ea(np.array([lon]), np.array([lat]))
    return bool(shapely.contains_xy(proj.control_area(day), x, y)[0])


def test_the_two_earlier_lines_are_authored_with_their_accuracy(proj):
    from geo.data import load_layer

    titles = load_layer("control").set_index("date")["title"]
    assert "approximate" in titles["2022-02-23"] and "approximate" in titles["2022-11-12"]
    units = dict(zip(proj.admin1["iso"], proj.admin1_ea))

    def held(day, iso):
        return area_km2(shapely.intersection(proj.control_area(day), units[iso]))

    # 23 February 2022: Crimea and Sevastopol whole, about a third of Donetsk and Luhansk oblasts (the
    # Minsk II line: some 16,000-17,000 km² together), nothing else.
    assert held("2022-02-23", "UA-43") == pytest.approx(area_km2(units["UA-43"]), rel=0.005)
    assert held("2022-02-23", "UA-40") == pytest.approx(area_km2(units["UA-40"]), rel=0.005)
    assert 15_000 < held("2022-02-23", "UA-14") + held("2022-02-23", "UA-09") < 18_500
    assert held("2022-02-23", "UA-23") < 1 and held("2022-02-23", "UA-65") < 50
    assert _inside(proj, "2022-02-23", 37.80224, 48.023) and not _inside(proj, "2022-02-23", 37.5413, 47.0951)
    # 12 November 2022: the left bank of Kherson oblast, Mariupol and nearly all of Luhansk oblast held;
    # Kherson city, Kharkiv oblast and Bakhmut Ukrainian-held; about 18 % of Ukraine.
    share = area_km2(proj.control_area("2022-11-12")) / area_km2(proj.ukraine)
    assert 0.165 < share < 0.19
    assert _inside(proj, "2022-11-12", 37.5413, 47.0951)  # Mariupol
    assert not _inside(proj, "2022-11-12", 32.6178, 46.6354)  # Kherson
    assert not _inside(proj, "2022-11-12", 38.0, 48.596)  # Bakhmut
    assert held("2022-11-12", "UA-63") < 50
    assert held("2022-11-12", "UA-09") > 0.95 * area_km2(units["UA-09"])


def test_days_between_lines_take_the_latest_earlier_one(proj):
    t = proj.timeline
    assert t.resolve("2022-05-01") == "2022-02-23"
    assert t.resolve("2023-06-01") == "2022-11-12"
    assert t.resolve("2024-07-07") == "2022-11-12"
    assert t.resolve("2024-07-08") == "2024-07-08"
    with pytest.raises(ValueError, match="before the first line"):
        t.resolve("2022-02-22")
