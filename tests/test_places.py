"""Issue 2: place look-up, banks and control on 2025-02-12, and the `borderline place` command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from geo.places import PlaceNotFound, describe, find_place

RUSSIAN_SIDE = ["Avdiivka", "Vuhledar", "Bakhmut", "Mariupol", "Melitopol", "Nova Kakhovka"]
UKRAINIAN_SIDE = ["Pokrovsk", "Kramatorsk", "Sloviansk", "Kupiansk", "Huliaipole", "Orikhiv", "Zaporizhzhia",
                  "Kherson"]


@pytest.mark.parametrize("name,bank", [("Kherson", "right"), ("Nikopol", "right"), ("Oleshky", "left"),
                                       ("Nova Kakhovka", "left"), ("Enerhodar", "left"), ("Cherkasy", "right"),
                                       ("50.43,30.64", "left"), ("50.43,30.55", "right")])
def test_banks_of_the_dnieper(proj, name, bank):
    assert describe(find_place(name, proj), proj)["bank"] == bank


@pytest.mark.parametrize("name", RUSSIAN_SIDE)
def test_russian_controlled_on_2025_02_12(proj, name):
    assert describe(find_place(name, proj), proj)["control"]["2025-02-12"] == "russia"


@pytest.mark.parametrize("name", UKRAINIAN_SIDE)
def test_ukrainian_held_on_2025_02_12(proj, name):
    assert describe(find_place(name, proj), proj)["control"]["2025-02-12"] == "ukraine"


def test_control_area_on_2025_02_12_matches_the_public_figure(proj):
    from geo.crs import area_km2

    km2 = area_km2(proj.control["2025-02-12"])
    assert 105_000 <= km2 <= 120_000
    share = km2 / area_km2(proj.ukraine)
    assert 0.17 < share < 0.20
    crimea = dict(zip(proj.admin1["iso"], proj.admin1_ea))["UA-43"]
    assert area_km2(proj.control["2025-02-12"].intersection(crimea)) == pytest.approx(area_km2(crimea), rel=0.001)


@pytest.mark.parametrize("spelling", ["Zaporizhzhia", "Zaporozhye", "zaporizhzhya", "ZAPORIZHZHIA"])
def test_other_spellings_find_the_same_place(proj, spelling):
    assert find_place(spelling, proj).name == "Zaporizhzhia"


@pytest.mark.parametrize("spelling,name", [("Kiev", "Kyiv"), ("Kharkov", "Kharkiv"), ("Odessa", "Odesa"),
                                           ("Nikolaev", "Mykolaiv"), ("Dnepropetrovsk", "Dnipro"),
                                           ("Lugansk", "Luhansk")])
def test_russian_era_spellings(proj, spelling, name):
    assert find_place(spelling, proj).name == name


def test_unknown_place_lists_close_matches(proj):
    with pytest.raises(PlaceNotFound) as info:
        find_place("Zaporizhzhiaa", proj)
    assert "Zaporizhzhia" in str(info.value)


def test_describe_gives_unit_names(proj):
    info = describe(find_place("Enerhodar", proj), proj)
    assert info["admin1_iso"] == "UA-23" and info["admin1_name"] == "Zaporizhzhia Oblast"


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "borderline", *args], capture_output=True, text=True, timeout=120)


def test_cli_place_json():
    done = _cli("place", "Zaporozhye", "--json")
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    assert set(info) >= {"name", "lat", "lon", "admin1_iso", "admin1_name", "bank", "control"}
    assert info["name"] == "Zaporizhzhia" and info["bank"] == "left"
    assert info["control"]["2025-02-12"] == "ukraine" and set(info["control"].values()) == {"ukraine"}
    assert info["history"] == [{"side": "ukraine", "from": "2024-07-08", "to": "2026-08-22",
                                "source": info["history"][0]["source"]}]
    assert "DeepStateMap" in info["history"][0]["source"]


def test_cli_place_coordinates():
    done = _cli("place", "50.43,30.64", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["admin1_iso"] == "UA-30"


def test_cli_unknown_place_is_one_line_and_exit_2():
    done = _cli("place", "Atlantis-on-Dnieper", "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_borova_in_kharkiv_oblast_by_admin1(proj):
    place = find_place("Borova", proj, admin1="UA-63")
    assert place.admin1_iso == "UA-63" and 49.3 < place.lat < 49.5 and 37.5 < place.lon < 37.7
    info = describe(place, proj)
    assert info["admin1_name"] == "Kharkiv Oblast" and info["chosen_by"] == "the place of that name in UA-63"


def test_an_ambiguous_name_lists_every_candidate_and_the_rule(proj):
    place = find_place("Borova", proj)
    info = describe(place, proj)
    units = {c["admin1_iso"] for c in info["candidates"]}
    assert {"UA-32", "UA-63"} <= units
    assert all(c["population"] > 0 and c["admin1_name"] for c in info["candidates"])
    assert info["chosen_by"] == "most populous of the places of that name"
    assert place.population == max(c["population"] for c in info["candidates"])
    assert "candidates" not in describe(find_place("Kharkiv", proj), proj)


def test_admin1_without_such_a_place_says_where_there_is_one(proj):
    with pytest.raises(PlaceNotFound, match="UA-63"):
        find_place("Borova", proj, admin1="UA-46")
    with pytest.raises(PlaceNotFound, match="ISO code"):
        find_place("Borova", proj, admin1="Kharkiv")


@pytest.mark.parametrize("spelling,name", [("Artemivsk", "Bakhmut"), ("Artemovsk", "Bakhmut"),
                                           ("Dnepropetrovsk", "Dnipro"), ("Dnipropetrovsk", "Dnipro"),
                                           ("Kirovohrad", "Kropyvnytskyi"), ("Kirovograd", "Kropyvnytskyi"),
                                           ("Krasnoarmiisk", "Pokrovsk"), ("Gorlovka", "Horlivka")])
def test_older_and_russian_style_spellings(proj, spelling, name):
    assert find_place(spelling, proj).name == name
