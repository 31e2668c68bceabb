"""Issue 12: the proposal library's model and engine: status and provenance, parameters, band zones restricted to
an area, the new zone types, recognition per part, sites, and the monitoring estimate."""

from __future__ import annotations

import colorsys
import json
import re
import subprocess
import sys

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios import engine, monitoring
from scenarios.library import builtin_ids, load_builtin
from scenarios.model import ScenarioError, dumps, load, loads
from scenarios.sites import site_ids, sites
from scenarios.values import ZONE_TYPES, param_assignment

HEADER = """
id = "t12"
title = "Test"
summary = "A test scenario."
baseline = "2025-12-24"
[provenance]
proposed_by = "test"
date = "2025-12"
source = "test"
"""

# Every new key, once: the 20-point plan's mirror pull-back as a parameter, a free economic zone, recognition and
# a site with its status.
FULL = HEADER.replace('summary = "A test scenario."', 'summary = "A test scenario."\nstatus = "briefing"') + """
reported_by = "two outlets"
key_phrase = "the line of troop deployment"
conflicts = "the width differs between reports"

[[parameters]]
name = "pullback_km"
label = "Mirror pull-back"
unit = "km"
choices = [5, 10, 40]
default = 10

[[parameters]]
name = "security_km"
label = "Security zone width"
min = 0
max = 30
step = 5
default = 15

[territory]
intersection = [{ control = "2025-12-24" }, { admin1 = ["UA-14", "UA-09", "UA-23", "UA-65", "UA-43", "UA-40"] }]

[dmz]
russian_side_km = { param = "security_km" }

[[zones]]
name = "Mirror pull-back in Donetsk oblast"
type = "demilitarized"
band = { ukrainian_side_km = { param = "pullback_km" }, russian_side_km = { param = "pullback_km" }, within = { admin1 = ["UA-14"] } }
entry = "monitors"
monitored_by = "civilian monitors"

[[zones]]
name = "Free economic zone"
type = "free_economic"
administered_by = "ukraine"
recognized_as = "ukraine"
area = { difference = [{ admin1 = ["UA-14"] }, { control = "2025-12-24" }] }

[recognition]
de_jure = { admin1 = ["UA-43", "UA-40"] }
de_facto = { admin1 = ["UA-09"] }

[[sites]]
site = "zaporizhzhia-npp"
administered_by = "united_states"
operated_by = "united_states"
demilitarized = true
output_share = { ukraine = 0.5, russia = 0.5 }
note = "supplies both sides"
"""


@pytest.fixture(scope="module")
def full():
    return loads(FULL, "full.toml")


def test_every_new_key_validates_and_round_trips(full):
    assert full.status == "briefing" and full.provenance.key_phrase.startswith("the line")
    assert [p.name for p in full.parameters] == ["pullback_km", "security_km"]
    assert full.references() == ["security_km", "pullback_km"]
    assert full.zones[0].band.within is not None and full.zones[0].entry == "monitors"
    assert full.recognition.de_facto is not None and full.sites[0].output_share == {"ukraine": 0.5, "russia": 0.5}
    assert loads(dumps(full)) == full
    concrete = full.with_params({"pullback_km": 40})
    assert loads(dumps(concrete)) == concrete and concrete.references() == []


def test_old_scenarios_stay_valid_with_the_defaults():
    for sid in builtin_ids():
        s = load_builtin(sid)
        assert s.status in ("published", "briefing", "leak", "reported", "reference", "analysis")
        assert loads(dumps(s)) == s


BAD = {
    "status": (('status = "briefing"', 'status = "rumour"'), "status: use 'published'"),
    "provenance extra": (('reported_by = "two outlets"', 'reported_by = ""'), "provenance.reported_by"),
    "parameter name": (('name = "pullback_km"', 'name = "Pullback"'), "not a parameter name"),
    "choices and range": (("choices = [5, 10, 40]", "choices = [5, 10, 40]\nmin = 0\nmax = 5"), "either choices"),
    "default not a choice": (("default = 10", "default = 7"), "7 is not allowed; give one of 5, 10, 40"),
    "default off the steps": (("default = 15", "default = 12"), "not on the steps"),
    "range upside down": (("min = 0\nmax = 30", "min = 30\nmax = 0"), "min <= max"),
    "range without max": (("min = 0\nmax = 30", "min = 0"), "min and max"),
    "undeclared reference": (('russian_side_km = { param = "security_km" }', 'russian_side_km = { param = "nope" }'),
                             "undeclared parameter"),
    "bad reference": (('russian_side_km = { param = "security_km" }', 'russian_side_km = { param = 5 }'),
                      "dmz.russian_side_km"),
    "width too large": (("choices = [5, 10, 40]", "choices = [5, 10, 400]"), "between 0 and 200"),
    "duplicate parameter": (('name = "security_km"', 'name = "pullback_km"'), "parameter names must be unique"),
    "zone type": (('type = "free_economic"', 'type = "free_trade"'), "zones.1.type: use"),
    "administered_by": (('administered_by = "ukraine"', 'administered_by = "nato"'), "zones.1.administered_by"),
    "recognized_as": (('recognized_as = "ukraine"', 'recognized_as = "joint"'), "zones.1.recognized_as"),
    "entry": (('entry = "monitors"', 'entry = "all"'), "zones.0.entry"),
    "area and band": (('area = { difference', 'band = { russian_side_km = 5 }\narea = { difference'),
                      "exactly one of area, band or width_km"),
    "width_km off a border buffer": (('administered_by = "ukraine"\n', 'administered_by = "ukraine"\nwidth_km = 5\n'),
                                     "width_km is for border_buffer zones"),
    "band without width": (('band = { ukrainian_side_km = { param = "pullback_km" }, russian_side_km = '
                            '{ param = "pullback_km" }, within', 'band = { within'), "a width above 0"),
    "band within not an expression": (('within = { admin1 = ["UA-14"] }', 'within = { oblast = ["UA-14"] }'),
                                      "exactly one key"),
    "recognition key": (("de_facto = {", "de_factoo = {"), "unknown key 'de_factoo'"),
    "unknown site": (('site = "zaporizhzhia-npp"', 'site = "chornobyl-npp"'), "unknown site 'chornobyl-npp'"),
    "site administrator": (('administered_by = "united_states"', 'administered_by = "un"'),
                           "sites.0.administered_by"),
    "output share sum": (("russia = 0.5 }", "russia = 0.6 }"), "must sum to at most 1"),
    "output share party": (("russia = 0.5 }", "belarus = 0.1 }"), "not a party"),
    "demilitarized": (("demilitarized = true", 'demilitarized = "yes"'), "sites.0.demilitarized"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_every_new_key_refuses_a_bad_value_in_one_line(case):
    (old, new), needle = BAD[case]
    assert old in FULL, case
    with pytest.raises(ScenarioError) as err:
        loads(FULL.replace(old, new, 1), "bad.toml")
    message = str(err.value)
    assert message.startswith("bad.toml: ") and "\n" not in message
    assert needle in message, message


def test_every_problem_is_listed_in_plain_words():
    text = FULL.replace('status = "briefing"', 'status = "rumour"').replace('entry = "monitors"', 'entry = "all"')
    with pytest.raises(ScenarioError) as err:
        loads(text, "two.toml")
    message = str(err.value)
    first, second = message.removeprefix("two.toml: ").split("; ", 1)[0], message
    assert first.startswith("status: use ") and "zones.0.entry" in second and "more)" not in message


def test_a_bad_new_key_fails_validate_with_exit_2(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(FULL.replace('type = "free_economic"', 'type = "free_trade"'))
    done = subprocess.run([sys.executable, "-m", "borderline", "validate", str(path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert str(path) in done.stderr and "free_economic" in done.stderr


# -- parameters ------------------------------------------------------------------------------------------------

def test_params_replace_references_with_checked_values(full):
    default = full.with_params(None)
    assert default.dmz.russian_side_km == 15.0 and default.zones[0].band.russian_side_km == 10.0
    chosen = full.with_params({"pullback_km": 40, "security_km": 25})
    assert chosen.zones[0].band.ukrainian_side_km == 40.0 and chosen.dmz.russian_side_km == 25.0
    assert chosen.param_values == {"pullback_km": 40.0, "security_km": 25.0}
    for values, needle in (({"pullback_km": 7}, "one of 5, 10, 40"), ({"security_km": 35}, "between 0 and 30"),
                           ({"security_km": 12}, "steps of 5"), ({"other": 1}, "not a parameter of t12"),
                           ({"pullback_km": "wide"}, "give a number")):
        with pytest.raises(ScenarioError, match=re.escape(needle)):
            full.with_params(values)


def test_param_assignment_parses_the_command_line():
    assert param_assignment("pullback_km=10") == ("pullback_km", 10.0)
    assert param_assignment(" width = 2.5 ") == ("width", 2.5)
    for bad in ("pullback_km", "=5", "pullback_km=", "Pull=5", "x=wide", "x=nan"):
        with pytest.raises(ScenarioError):
            param_assignment(bad)


@pytest.mark.parametrize("args, needle", [
    (["--param", "pullback_km=7"], "one of 5, 10, 40"),
    (["--param", "nope=1"], "no such parameter"),
    (["--param", "pullback_km"], "NAME=VALUE"),
    (["--param", "pullback_km=5", "--param", "pullback_km=10"], "given twice"),
])
def test_cli_param_bad_values_exit_2(tmp_path, args, needle):
    path = tmp_path / "p.toml"
    path.write_text(FULL)
    done = subprocess.run([sys.executable, "-m", "borderline", "evaluate", "--file", str(path), *args],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout
    assert len(done.stderr.strip().splitlines()) == 1 and needle in done.stderr, done.stderr


def test_cli_param_sets_the_width(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(FULL)
    out = {}
    for km in ("5", "40"):
        done = subprocess.run([sys.executable, "-m", "borderline", "evaluate", "--file", str(path), "--json",
                               "--param", f"pullback_km={km}"], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        out[km] = json.loads(done.stdout)
    assert out["40"]["zones"][0]["km2"] > out["5"]["zones"][0]["km2"] > 0


def test_the_api_takes_params(full):
    import borderline

    a = borderline.evaluate(full, params={"pullback_km": 5}).metrics.zones[0].km2
    b = borderline.evaluate(full, params={"pullback_km": 40}).metrics.zones[0].km2
    assert b > a > 0
    with pytest.raises(ScenarioError):
        borderline.evaluate(full, params={"pullback_km": 6})


# -- band zones -------------------------------------------------------------------------------------------------

def test_a_band_within_donetsk_lies_inside_donetsk_and_grows_with_the_width(full, proj):
    donetsk = proj.admin1_ea[list(proj.admin1["iso"]).index("UA-14")]
    evs = {km: engine.evaluate(full, params={"pullback_km": km}) for km in (5, 10, 40)}
    areas = {}
    for km, ev in evs.items():
        band = ev.zone_parts[0]
        assert band.key == "zone:Mirror pull-back in Donetsk oblast" and band.zone_type == "demilitarized"
        outside = shapely.difference(band.geometry, donetsk)
        assert outside.area / 1e6 < 0.001 * band.km2 + 0.01, km
        areas[km] = band.km2
    assert areas[40] > areas[10] > areas[5] > 0
    # Both sides of the line: the band reaches into the Russian-administered and the Ukrainian-held parts.
    t = evs[10].territory
    band = evs[10].zone_parts[0].geometry
    assert shapely.intersection(band, t.russian_administered).area > 1e8
    assert shapely.intersection(band, t.ukrainian_held).area > 1e8
    # A parameter move keeps the territory; only the band is new.
    assert evs[5].territory is evs[40].territory
    assert engine.evaluate(full, params={"pullback_km": 5}).zone_parts[0] is evs[5].zone_parts[0]


def test_a_band_with_one_side_only(full):
    text = FULL.replace('band = { ukrainian_side_km = { param = "pullback_km" }, russian_side_km = '
                        '{ param = "pullback_km" }', 'band = { russian_side_km = 10')
    ev = engine.evaluate(loads(text))
    band = ev.zone_parts[0].geometry
    t = ev.territory
    assert shapely.intersection(band, t.ukrainian_held).area / 1e6 < 1.0
    assert ev.metrics.zones[0].km2 > 100


def test_every_new_zone_type_evaluates_with_its_attributes():
    zones = "".join(f'\n[[zones]]\nname = "{t}"\ntype = "{t}"\nadministered_by = "joint"\n'
                    + ('width_km = 10\n' if t == "border_buffer" else 'area = { admin1 = ["UA-14"] }\n')
                    for t in ZONE_TYPES)
    ev = engine.evaluate(loads(HEADER + '[territory]\ncontrol = "2025-12-24"\n' + zones))
    assert [z.type for z in ev.metrics.zones] == list(ZONE_TYPES)
    assert all(z.km2 > 0 and z.administered_by == "joint" for z in ev.metrics.zones)
    frame = ev.parts()
    assert set(frame.loc[frame["part"].str.startswith("zone:"), "zone_type"]) == set(ZONE_TYPES)
    assert ev.metrics.monitoring.troops_low >= 25_000  # a reassurance_force zone adds the proposals' own force


# -- recognition ------------------------------------------------------------------------------------------------

def test_recognition_parts_partition_the_russian_administered_area(full):
    ev = engine.evaluate(full)
    t, r = ev.territory, ev.metrics.recognition
    parts = {p.key: p for p in t.recognition}
    assert set(parts) == {"recognized_de_jure", "recognized_de_facto", "recognized_none"}
    assert r.de_jure_km2 + r.de_facto_km2 + r.none_km2 == pytest.approx(ev.metrics.russian_administered_km2, rel=1e-4)
    geoms = [p.geometry for p in parts.values()]
    for i in range(3):
        for j in range(i + 1, 3):
            assert shapely.intersection(geoms[i], geoms[j]).area / 1e6 < 1.0
    assert shapely.difference(shapely.union_all(geoms), t.russian_administered).area / 1e6 < 1.0
    # Crimea and Sevastopol de jure, Luhansk de facto; the people are counted once.
    assert 26_000 < r.de_jure_km2 < 27_500 and 26_000 < r.de_facto_km2 < 27_000
    total = r.population_de_jure + r.population_de_facto + r.population_none
    assert total == pytest.approx(ev.metrics.population_russian_administered, rel=0.01)
    frame = ev.parts().set_index("part")
    assert frame.loc["recognized_de_jure", "recognition"] == "de_jure"
    assert frame.loc["russian_administered", "recognition"] == ""


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sets(st.sampled_from(["UA-43", "UA-40", "UA-09", "UA-14", "UA-23", "UA-65"]), max_size=3),
       st.sets(st.sampled_from(["UA-09", "UA-14", "UA-23", "UA-65"]), max_size=3))
def test_recognition_always_partitions(de_jure, de_facto):
    rec = "\n[recognition]\n"
    if de_jure:
        rec += f"de_jure = {{ admin1 = {json.dumps(sorted(de_jure))} }}\n"
    if de_facto:
        rec += f"de_facto = {{ admin1 = {json.dumps(sorted(de_facto))} }}\n"
    text = HEADER + '[territory]\nunion = [{ control = "2025-12-24" }, { admin1 = ["UA-43", "UA-40"] }]\n' + rec
    m = engine.evaluate(loads(text)).metrics
    r = m.recognition
    assert min(r.de_jure_km2, r.de_facto_km2, r.none_km2) >= 0
    assert r.de_jure_km2 + r.de_facto_km2 + r.none_km2 == pytest.approx(m.russian_administered_km2, rel=1e-4, abs=0.5)
    if not de_jure:
        assert r.de_jure_km2 == 0


def test_without_recognition_everything_is_none():
    ev = engine.evaluate(load_builtin("donbas-withdrawal"))
    assert ev.territory.recognition == ()
    r = ev.metrics.recognition
    assert (r.de_jure_km2, r.de_facto_km2, r.none_km2) == (0.0, 0.0, ev.metrics.russian_administered_km2)


# -- sites ------------------------------------------------------------------------------------------------------

def test_sites_file_has_the_four_sites_with_sources():
    assert {"zaporizhzhia-npp", "kakhovka-dam", "kinburn-spit", "enerhodar"} <= set(site_ids())
    assert all(s.source and s.name_uk and 44 < s.lat < 53 and 22 < s.lon < 41 for s in sites())


def test_sites_are_on_the_expected_side_in_a_built_in():
    ev = engine.evaluate(load_builtin("us-28-point-plan-2025-11"))
    rows = {s.id: s for s in ev.sites}
    assert list(rows) == site_ids()
    assert rows["zaporizhzhia-npp"].side == "russian_administered"  # Zaporizhzhia frozen on the line
    assert rows["enerhodar"].side == "russian_administered"
    # The Kinburn Spit is in Mykolaiv oblast, outside the five regions: Russia gives it up.
    spit = rows["kinburn-spit"]
    assert spit.side == "ukrainian_held" and spit.baseline_side == "russian_administered"
    assert ev.metrics.sites == ev.sites
    status_quo = {s.id: s for s in engine.evaluate(load_builtin("status-quo-2025-02")).sites}
    assert all(s.side == s.baseline_side == "russian_administered" for s in status_quo.values())


def test_a_sites_status_and_zones_come_with_it(full):
    ev = engine.evaluate(full.with_params({"security_km": 30}))
    npp = next(s for s in ev.sites if s.id == "zaporizhzhia-npp")
    assert npp.administered_by == "united_states" and npp.demilitarized is True
    assert npp.output_share == {"ukraine": 0.5, "russia": 0.5} and npp.note == "supplies both sides"
    # The plant is about 5 km from the line on the Kakhovka reservoir bed: a 30 km Russian-side DMZ holds it.
    assert "DMZ, Russian side" in npp.zones
    dam = next(s for s in ev.sites if s.id == "kakhovka-dam")
    assert dam.administered_by == "" and dam.demilitarized is None
    assert json.loads(json.dumps(ev.metrics.to_json()))["sites"][0]["output_share"] == {"ukraine": 0.5, "russia": 0.5}


def test_a_broken_sites_file_is_one_line(tmp_path, monkeypatch):
    from scenarios import sites as sites_module

    bad = tmp_path / "sites.toml"
    bad.write_text('[[site]]\nid = "x"\nname = "X"\nname_uk = "Х"\nkind = "volcano"\nlon = 30\nlat = 50\n'
                   'source = "s"\n')
    monkeypatch.setattr(sites_module, "SITES_FILE", bad)
    sites_module.sites.cache_clear()
    try:
        with pytest.raises(ScenarioError, match=r"site\[0\]\.kind: 'volcano' is not a kind"):
            sites_module.sites()
    finally:
        sites_module.sites.cache_clear()


# -- monitoring -------------------------------------------------------------------------------------------------

def test_every_mission_row_is_cited_in_the_header():
    text = monitoring.MISSIONS_FILE.read_text(encoding="utf-8")
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    rows = monitoring.missions()
    names = {m.mission for m in rows}
    assert {"UNFICYP buffer zone (Cyprus)", "UNDOF area of separation (Golan)", "UNIFIL (south Lebanon)",
            "MFO (Sinai)", "Korean DMZ"} <= names
    for m in rows:
        assert f"[{m.source}]" in header and 1950 <= m.year <= 2026, m
    proposal = next(m for m in rows if m.kind == "proposal")
    assert (proposal.personnel, proposal.personnel_high) == (25_000, 30_000)


sizes = st.floats(0, 5_000, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(sizes, sizes, sizes, sizes, st.booleans())
def test_the_estimate_grows_with_line_length_and_zone_area(l1, l2, a1, a2, reassurance):
    (l1, l2), (a1, a2) = sorted((l1, l2)), sorted((a1, a2))
    low1, high1 = monitoring.estimate(l1, a1, reassurance)
    low2, high2 = monitoring.estimate(l2, a2, reassurance)
    assert 0 <= low1 <= high1 and low1 <= low2 and high1 <= high2


def test_monitoring_in_the_engine_grows_with_the_widths():
    s = load_builtin("donbas-withdrawal")
    m = [engine.evaluate(s, (km, km)).metrics.monitoring for km in (0, 5, 20)]
    assert m[0].zone_km2 == 0 and m[0].line_km == engine.evaluate(s).metrics.contact_line_km
    assert m[0].zone_km2 < m[1].zone_km2 < m[2].zone_km2
    assert m[0].troops_high <= m[1].troops_high <= m[2].troops_high and m[2].troops_low > m[0].troops_low
    assert m[1].method and {x.mission for x in m[1].missions} >= {"UNFICYP buffer zone (Cyprus)", "MFO (Sinai)"}


def test_overlapping_monitored_zones_count_once():
    s = load_builtin("us-28-point-plan-2025-11")
    m = engine.evaluate(s, (10, 0)).metrics
    zone = next(z for z in m.zones if z.type in ("buffer", "demilitarized"))
    # The Ukrainian-side DMZ band lies inside the demilitarized Ukrainian-held Donetsk where they overlap.
    assert max(zone.km2, m.dmz_km2) <= m.monitoring.zone_km2 < zone.km2 + m.dmz_km2


# -- command line -----------------------------------------------------------------------------------------------

def test_compare_all_runs_over_the_library(capsys):
    from borderline.cli import main

    assert main(["compare", "--all", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["scenario"] for r in out["rows"]] == builtin_ids()
    by_id = {r["scenario"]: r for r in out["rows"]}
    assert by_id["us-28-point-plan-2025-11"]["baseline"] == "2025-11-20"
    assert all(r["troops_low"] <= r["troops_high"] for r in out["rows"])
    assert main(["compare", "--all"]) == 0
    table = capsys.readouterr().out
    assert "troops" in table and "us-ukraine-20-point-2025-12" in table
    assert main(["compare", "--all", "donbas-withdrawal"]) == 2


def test_list_long_shows_status_and_days(capsys):
    from borderline.cli import main

    assert main(["list", "--long"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "status" in lines[0] and "line of" in lines[0]
    row = next(line for line in lines if line.startswith("us-28-point-plan-2025-11"))
    assert "2025-11-20" in row


def test_evaluate_json_round_trips_and_shows_the_new_keys(tmp_path):
    path = tmp_path / "full.toml"
    path.write_text(FULL)
    done = subprocess.run([sys.executable, "-m", "borderline", "evaluate", "--file", str(path), "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    direct = engine.evaluate(load(path), base_dir=tmp_path).metrics.to_json()
    assert out == json.loads(json.dumps(direct))
    assert {"recognition", "sites", "monitoring"} <= set(out)
    assert set(out["monitoring"]) == {"line_km", "zone_km2", "troops_low", "troops_high", "method", "missions"}
    assert out["zones"][0]["entry"] == "monitors"
    text = subprocess.run([sys.executable, "-m", "borderline", "evaluate", "--file", str(path)],
                          capture_output=True, text=True, timeout=120).stdout
    assert "recognized de jure" in text and "Zaporizhzhia nuclear power plant" in text and "Monitoring:" in text


# -- styles -----------------------------------------------------------------------------------------------------

def _blend(colour: str, alpha: float) -> tuple[float, ...]:
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return tuple(255 * (1 - alpha) + c * alpha for c in rgb)


def test_every_zone_type_has_its_own_style_and_none_reads_as_sea():
    from borderline import style

    assert set(style.ZONES) == set(ZONE_TYPES)
    looks = {(s.fill, s.hatch, s.dash) for s in style.ZONES.values()}
    assert len(looks) == len(ZONE_TYPES)
    sea = _blend(style.BASEMAP["sea"].fill, 1.0)
    for name, s in {**style.ZONES, **style.RECOGNITION}.items():
        if s.fill and s.fill_opacity:
            rgb = _blend(s.fill, s.fill_opacity)
            hue, _light, saturation = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
            # The sea is a light sky blue (hue about 205°): no fill may have a hue near it, or its colour.
            sky = 185 <= hue * 360 <= 230 and saturation > 0.05
            distance = sum((x - y) ** 2 for x, y in zip(rgb, sea)) ** 0.5
            assert not sky and distance > 20, name
    assert {"recognized_de_jure", "recognized_de_facto", "recognized_none"} <= set(style.PARTS)
    from scenarios.sites import SITE_KINDS

    assert set(SITE_KINDS) <= set(style.SITES) and all(s.marker for s in style.SITES.values())
    assert style.site_style("volcano") is style.SITES["other"]


def test_site_areas_are_on_land_around_their_points():
    from geo.crs import to_equal_area
    from geo.projected import projected
    from scenarios.sites import site_area, site_area_ea

    ukraine = projected().ukraine
    for s in sites():
        area = site_area_ea(s.id)
        assert shapely.difference(area, ukraine).area < 1.0, s.id
        assert area.distance(to_equal_area(s.point)) < 1_000.0, s.id
        if s.radius_km:
            assert 0 < area.area / 1e6 <= 3.1416 * s.radius_km ** 2 * 1.001, s.id
        assert site_area(s).bounds[0] > 22  # degrees


def test_the_28_point_buffer_zone_is_ukrainian_held_donetsk_on_its_day():
    m = engine.evaluate(load_builtin("us-28-point-plan-2025-11")).metrics
    zone = next(z for z in m.zones if z.type in ("buffer", "demilitarized"))
    row = engine.control_history(["2025-11-20"], "UA-14")[0]
    from geo.projected import projected

    p = projected()
    donetsk_km2 = float(p.population.unit_km2[list(p.population.iso).index("UA-14")])
    assert zone.km2 == pytest.approx(donetsk_km2 - row["russian_administered_km2"], rel=0.005)


@pytest.mark.parametrize("argv", [
    ["compare", "donbas-withdrawal", "status-quo-2025-02", "--param", "nope=1"],
    ["export", "donbas-withdrawal", "--out", "OUT", "--format", "csv", "--param", "nope=1"],
    ["report", "donbas-withdrawal", "--out", "OUT/r.pdf", "--param", "pullback_km"],
    ["compare", "--all", "--param", "nope=1"],
])
def test_param_on_compare_export_and_report_is_checked(tmp_path, capsys, argv):
    from borderline.cli import main

    argv = [str(tmp_path) if a == "OUT" else str(tmp_path / "r.pdf") if a == "OUT/r.pdf" else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--param" in err
    assert not list(tmp_path.iterdir())


def test_export_takes_a_param(tmp_path, capsys):
    from borderline.cli import main

    path = tmp_path / "p.toml"
    path.write_text(FULL)
    out = tmp_path / "out"
    assert main(["export", "--file", str(path), "--format", "csv", "--out", str(out), "--quiet",
                 "--param", "pullback_km=40"]) == 0
    csv_text = next(out.glob("*.csv")).read_text(encoding="utf-8")
    km2 = engine.evaluate(full_scenario := loads(FULL), params={"pullback_km": 40}).metrics.zones[0].km2
    assert full_scenario.zones[0].name in csv_text and f"{km2}" in csv_text


@settings(max_examples=150, deadline=None)
@given(st.floats(-100, 100, allow_nan=False), st.integers(0, 10), st.integers(1, 10),
       st.sampled_from([None, 0.5, 2, 5]))
def test_one_validator_for_a_parameter_value(value, low, span, step):
    from scenarios.model import Parameter

    p = Parameter(name="w", label="W", min=low, max=low + span, step=step, default=low)
    inside = low - 1e-9 <= value <= low + span + 1e-9
    on_step = step is None or abs((value - low) / step - round((value - low) / step)) <= 1e-6
    if inside and on_step:
        assert p.check(value) == value
    else:
        with pytest.raises(ScenarioError, match="parameter w"):
            p.check(value)
    assert all(p.check(v) == v for v in p.values())
    choices = Parameter(name="c", label="C", choices=[5, 10, 40], default=5)
    assert choices.values() == [5, 10, 40]
    if value not in (5, 10, 40):
        with pytest.raises(ScenarioError, match="one of 5, 10, 40"):
            choices.check(value)
