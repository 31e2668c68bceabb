"""Issue 11: the Dnieper follows the main channel through its cities and at its dams."""

from __future__ import annotations

import tomllib
from collections import Counter

import numpy as np
import pytest
import shapely

from geo.crs import to_equal_area

SOURCES = __import__("pathlib").Path(__file__).resolve().parents[1] / "data" / "sources" / "dnieper"
POINTS = tomllib.loads((SOURCES / "banks.toml").read_text(encoding="utf-8"))["point"]
REACHES = tomllib.loads((SOURCES / "channel.toml").read_text(encoding="utf-8"))["reach"]
CITIES = ["Kyiv", "Kaniv", "Cherkasy", "Svitlovodsk", "Kremenchuk", "Kamianske", "Dnipro", "Zaporizhzhia",
          "Nikopol-Enerhodar", "Nova Kakhovka-Kakhovka", "Kherson-Oleshky"]


def _point(text: str):
    lat, lon = (float(v) for v in text.split(","))
    return to_equal_area(shapely.Point(lon, lat))


def _on_land(proj, text: str):
    """The point as the settlements rule counts it: on the land polygon, or the nearest land within 3 km."""
    from geo.population import assign_to_land

    return assign_to_land(np.asarray([_point(text)]), proj.ukraine)[0]


def test_the_test_set_has_60_cited_points_on_both_banks_in_every_city():
    assert len(POINTS) >= 60
    assert all(p["source"].strip() and p["bank"] in ("left", "right") for p in POINTS)
    banks = Counter(p["bank"] for p in POINTS)
    assert banks["left"] >= 25 and banks["right"] >= 25
    areas = {p["area"] for p in POINTS}
    assert set(CITIES) <= areas


@pytest.mark.parametrize("point", POINTS, ids=[f"{p['name']}-{p['area']}" for p in POINTS])
def test_each_named_point_is_on_its_bank(proj, point):
    where = _on_land(proj, point["at"])
    other = "left" if point["bank"] == "right" else "right"
    assert proj.banks[point["bank"]].distance(where) == 0, f"{point['name']} is not on the {point['bank']} bank"
    assert not proj.banks[other].contains(where)


@pytest.mark.parametrize("reach", REACHES, ids=[r["name"] for r in REACHES])
def test_the_course_follows_each_typed_channel_reach_within_500_m(proj, reach):
    for text in reach["points"]:
        assert proj.dnieper_river.distance(_point(text)) < 500, (reach["name"], text)


def test_dnipro_centre_is_right_bank_and_livoberezhnyi_left(proj):
    from geo.places import describe, find_place

    assert describe(find_place("Dnipro", proj), proj)["bank"] == "right"
    by_name = {p["name"]: p for p in POINTS}
    assert proj.banks["left"].contains(_point(by_name["Livoberezhnyi (Dnipro), residential area opposite the centre"]["at"]))
    assert proj.banks["left"].contains(_point(by_name["Livoberezhnyi Masyv"]["at"]))  # Kyiv's Livyi Bereh


def test_the_course_runs_at_the_dams(proj):
    dams = {"Kaniv HPP": "49.7686, 31.4778", "Kremenchuk HPP": "49.0770, 33.2450",
            "Middle Dnieper HPP, Kamianske": "48.5467, 34.5414", "DniproHES": "47.8689, 35.0872",
            "Kakhovka HPP (destroyed 6 June 2023)": "46.7778, 33.3706"}
    for name, text in dams.items():
        assert proj.dnieper_river.distance(_point(text)) < 500, name


def test_the_trans_dnieper_zone_leaves_out_dnipros_right_bank(proj):
    from geo.population import settlements_inside
    from scenarios.engine import territory
    from scenarios.library import load_builtin

    zones = dict((z.name, g) for z, g in territory(load_builtin("trans-dnieper-dmz")).zones)
    (zone,) = zones.values()
    inside = settlements_inside(proj.population, zone)
    names = set(proj.settlements.loc[inside, "name"])
    assert "Dnipro" not in names and "Kherson" not in names and "Nikopol" not in names
    assert {"Enerhodar", "Nova Kakhovka", "Kremenchuk"} & names  # left-bank towns stay in it
