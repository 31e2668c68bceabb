"""Issue 2: the population estimator."""

from __future__ import annotations

import pytest
import shapely

from geo.crs import to_equal_area
from geo.population import estimate_population


def test_each_unit_estimates_to_its_2022_baseline(proj):
    for iso, unit, baseline in zip(proj.admin1["iso"], proj.admin1_ea, proj.admin1["population_2022"]):
        assert estimate_population(proj.population, unit) == pytest.approx(baseline, rel=0.005), iso


def test_whole_country_estimates_to_the_national_baseline(proj):
    total = proj.admin1["population_2022"].sum()
    assert estimate_population(proj.population, proj.ukraine) == pytest.approx(total, rel=0.001)


def test_zaporizhzhia_city_circle_is_near_its_2022_population(proj):
    centre = to_equal_area(shapely.Point(35.1396, 47.8388))
    circle = shapely.buffer(centre, 15_000)
    assert estimate_population(proj.population, circle) == pytest.approx(710_052, rel=0.15)


def test_kyiv_city_unit_is_near_its_baseline(proj):
    kyiv = dict(zip(proj.admin1["iso"], proj.admin1_ea))["UA-30"]
    assert estimate_population(proj.population, kyiv) == pytest.approx(2_910_994, rel=0.05)


def test_empty_area_has_no_population(proj):
    assert estimate_population(proj.population, shapely.Polygon()) == 0
    far = shapely.buffer(to_equal_area(shapely.Point(20.0, 60.0)), 10_000)
    assert estimate_population(proj.population, far) == 0


def test_places_off_the_land_polygons_are_only_nudged(proj):
    from geo.crs import to_equal_area

    model = proj.population
    original = to_equal_area(proj.settlements.geometry.values)
    moved = shapely.points(model.settlement_x, model.settlement_y)
    assert shapely.distance(original, moved).max() < 3_000
