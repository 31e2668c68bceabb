"""Issue 12: every tabled proposal in the library, on its own day's line, with the facts its text fixes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import shapely

from geo.projected import projected
from scenarios import engine, model
from scenarios.library import BUILTIN_DIR, builtin_ids, load_builtin

ROOT = Path(__file__).resolve().parents[1]
PROPOSALS = ["kellogg-zones-2025-04", "us-framework-2025-04", "russia-memorandum-2025-06",
             "anchorage-formula-2025-08", "european-12-point-2025-10", "us-28-point-plan-2025-11",
             "e3-counter-proposal-2025-11", "us-ukraine-20-point-2025-12", "geneva-round-2026-02",
             "russia-offer-2026-02"]
REFERENCE_LINES = ["pre-invasion-line-restored", "line-after-2022-11"]


def metrics(scenario_id: str, **params):
    scenario = load_builtin(scenario_id).with_params(params or None)
    return engine.evaluate(scenario).metrics


def site(m, site_id: str):
    return next(s for s in m.sites if s.id == site_id)


def zone(m, zone_type: str):
    return next(z for z in m.zones if z.type == zone_type)


def oblast_km2(m, iso: str) -> float:
    return sum(row.russian_administered_km2 for row in m.by_oblast if row.iso == iso)


def test_the_library_holds_every_tabled_proposal_and_the_reference_lines():
    ids = builtin_ids()
    for scenario_id in PROPOSALS + REFERENCE_LINES:
        assert scenario_id in ids
    assert len(ids) >= 19  # the eight of before, status-quo-latest and the new ones


@pytest.mark.parametrize("scenario_id", PROPOSALS)
def test_each_proposal_is_drawn_on_the_line_of_its_own_day(scenario_id):
    s = load_builtin(scenario_id)
    assert s.baseline == s.provenance.date  # the line the proposal's authors saw
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", s.baseline)
    assert metrics(scenario_id).baseline == s.baseline


@pytest.mark.parametrize("scenario_id", PROPOSALS)
def test_each_proposal_says_where_it_was_reported_and_how_it_is_known(scenario_id):
    s = load_builtin(scenario_id)
    assert s.status in {"published", "briefing", "leak", "reported"}
    assert s.provenance.reported_by and s.provenance.key_phrase and s.provenance.conflicts
    # A quotation as reported, or a phrase that says it is a paraphrase (never an invented quotation).
    assert '"' in s.provenance.key_phrase or s.provenance.key_phrase.startswith("paraphrase of the reports: ")


@pytest.mark.parametrize("scenario_id", builtin_ids())
def test_every_builtin_validates_evaluates_and_round_trips(scenario_id):
    s = load_builtin(scenario_id)
    again = model.loads(model.dumps(s))
    assert again == s
    assert engine.digest(again, again.baseline) == engine.digest(s, s.baseline)
    m = metrics(scenario_id)
    assert 0 < m.russian_administered_km2 < m.ukraine_km2
    assert m.russian_administered_km2 + m.ukrainian_held_km2 == pytest.approx(m.ukraine_km2, rel=1e-6)


def test_28_point_buffer_zone_is_ukrainian_held_donetsk_recognized_as_russian():
    m = metrics("us-28-point-plan-2025-11")
    buffer = zone(m, "buffer")
    assert buffer.recognized_as == "russia" and buffer.entry == "none"
    p = projected()
    donetsk = p.admin1_ea[list(p.admin1["iso"]).index("UA-14")]
    held_km2 = shapely.area(shapely.difference(donetsk, p.control_area("2025-11-20"))) / 1e6
    assert buffer.km2 == pytest.approx(held_km2, rel=0.005)
    assert m.recognition.de_facto_km2 == pytest.approx(m.russian_administered_km2, rel=1e-6)
    npp = site(m, "zaporizhzhia-npp")
    assert npp.administered_by == "iaea" and npp.output_share == {"ukraine": 0.5, "russia": 0.5}
    assert npp.side == "russian_administered"


def test_20_point_pull_back_grows_with_its_choice_and_stays_in_donetsk():
    s = load_builtin("us-ukraine-20-point-2025-12")
    assert [p.choices for p in s.parameters if p.name == "pullback_km"] == [[5.0, 10.0, 40.0]]
    areas = {km: zone(metrics("us-ukraine-20-point-2025-12", pullback_km=km), "demilitarized").km2
             for km in (5, 10, 40)}
    assert areas[40] > areas[10] > areas[5] > 0
    with pytest.raises(model.ScenarioError, match="pullback_km"):
        s.with_params({"pullback_km": 7})
    m = metrics("us-ukraine-20-point-2025-12", pullback_km=40)
    p = projected()
    donetsk = p.admin1_ea[list(p.admin1["iso"]).index("UA-14")]
    band = next(z for z in engine.evaluate(s.with_params({"pullback_km": 40})).all_parts()
                if z.zone_type == "demilitarized")
    assert shapely.area(shapely.difference(band.geometry, donetsk)) / 1e6 < 1.0
    assert m.ceded_by_ukraine_km2 == 0  # a freeze: Russia leaves the oblasts outside the four
    assert oblast_km2(m, "UA-12") == 0 and oblast_km2(m, "UA-63") == 0 and oblast_km2(m, "UA-59") == 0
    assert site(m, "kinburn-spit").side == "ukrainian_held" and site(m, "kinburn-spit").demilitarized is True
    assert site(m, "enerhodar").side == "russian_administered"
    assert "Enerhodar demilitarized free economic zone" in site(m, "enerhodar").zones


def test_us_framework_of_april_2025_returns_kharkiv_oblast_and_the_kinburn_spit():
    m = metrics("us-framework-2025-04")
    assert oblast_km2(m, "UA-63") == 0
    assert m.returned_to_ukraine_km2 > 0
    assert site(m, "kinburn-spit").side == "ukrainian_held"
    assert site(m, "kinburn-spit").baseline_side == "russian_administered"
    npp = site(m, "zaporizhzhia-npp")
    assert npp.administered_by == "united_states" and npp.side == "russian_administered"
    assert site(m, "kakhovka-dam").administered_by == "ukraine"
    crimea_km2 = oblast_km2(m, "UA-43") + oblast_km2(m, "UA-40")
    assert m.recognition.de_jure_km2 == pytest.approx(crimea_km2, rel=1e-3)
    assert m.recognition.de_facto_km2 == pytest.approx(m.russian_administered_km2 - crimea_km2, rel=1e-3)


def test_russian_memorandum_equals_the_four_oblast_claim():
    memo, claim = metrics("russia-memorandum-2025-06"), metrics("four-oblasts-claim")
    assert memo.russian_administered_km2 == pytest.approx(claim.russian_administered_km2, rel=1e-9)
    assert memo.population_russian_administered == claim.population_russian_administered
    assert memo.recognition.de_jure_km2 == pytest.approx(memo.russian_administered_km2, rel=1e-6)
    assert memo.ceded_by_ukraine_km2 > 20_000  # measured against its own, later line


def test_anchorage_formula_trades_donetsk_for_sumy_and_kharkiv():
    m = metrics("anchorage-formula-2025-08")
    assert oblast_km2(m, "UA-63") == 0 and oblast_km2(m, "UA-59") == 0
    donetsk = next(r for r in m.by_oblast if r.iso == "UA-14")
    assert donetsk.share_pct == pytest.approx(100, abs=0.01)
    assert m.ceded_by_ukraine_km2 > 5_000 and m.returned_to_ukraine_km2 > 0


def test_kellogg_zones_and_the_european_security_zone_are_freezes_with_bands():
    kellogg = metrics("kellogg-zones-2025-04")
    assert kellogg.ceded_by_ukraine_km2 == 0 and kellogg.returned_to_ukraine_km2 == 0
    assert kellogg.dmz_km.ukrainian_side == kellogg.dmz_km.russian_side == 15
    assert zone(kellogg, "reassurance_force").km2 > 50_000
    assert kellogg.monitoring.troops_low >= 25_000  # the proposals' own reassurance force is added
    narrow, wide = (zone(metrics("european-12-point-2025-10", security_zone_km=w), "security_zone").km2
                    for w in (5, 20))
    assert wide > narrow > 0


def test_e3_and_geneva_freeze_the_line_without_moving_territory():
    e3 = metrics("e3-counter-proposal-2025-11")
    assert e3.ceded_by_ukraine_km2 == 0 and e3.recognition.de_jure_km2 == e3.recognition.de_facto_km2 == 0
    assert site(e3, "zaporizhzhia-npp").administered_by == "ukraine"
    geneva = metrics("geneva-round-2026-02")
    joint = zone(geneva, "joint_administration")
    assert joint.administered_by == "joint" and joint.entry == "none" and joint.km2 > 3_000


def test_russian_offer_of_february_2026_takes_all_of_donetsk_and_leaves_the_north():
    m = metrics("russia-offer-2026-02")
    assert next(r for r in m.by_oblast if r.iso == "UA-14").share_pct == pytest.approx(100, abs=0.01)
    for iso in ("UA-59", "UA-63", "UA-12"):
        assert oblast_km2(m, iso) == 0
    assert site(m, "kinburn-spit").side == "russian_administered"


def test_reference_lines_restore_earlier_lines_against_the_latest():
    pre, nov = metrics("pre-invasion-line-restored"), metrics("line-after-2022-11")
    assert pre.russian_administered_km2 < nov.russian_administered_km2
    assert pre.returned_to_ukraine_km2 > nov.returned_to_ukraine_km2 > 0
    crimea = oblast_km2(pre, "UA-43") + oblast_km2(pre, "UA-40")
    assert 40_000 < pre.russian_administered_km2 < crimea + 20_000


@pytest.mark.parametrize("scenario_id", builtin_ids())
def test_sites_listed_by_a_scenario_exist_and_carry_its_status(scenario_id):
    s = load_builtin(scenario_id)
    m = metrics(scenario_id)
    for listed in s.sites:
        row = site(m, listed.site)
        assert row.side in {"russian_administered", "ukrainian_held"}
        assert (row.administered_by or "") == (listed.administered_by or "")


def test_library_readme_lists_every_builtin_with_status_and_dates():
    text = (BUILTIN_DIR / "README.md").read_text(encoding="utf-8")
    rows = {m.group(1): m.group(2, 3, 4) for m in
            re.finditer(r"^\| `([a-z0-9-]+)` \| (\w+) \| ([\w-]+) \| ([\w-]+) \|", text, re.M)}
    assert list(rows) == builtin_ids()
    for scenario_id, (status, date, line) in rows.items():
        s = load_builtin(scenario_id)
        assert (status, date, line) == (s.status, s.provenance.date, s.baseline)


def test_list_long_shows_status_and_both_dates():
    out = subprocess.run([sys.executable, "-m", "borderline", "list", "--long"], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("russia-memorandum-2025-06"))
    assert "published" in line and "2025-06-02" in line
