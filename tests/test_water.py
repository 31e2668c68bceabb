"""Issue 11: one stated water convention, measured: what the land polygons count, and how the line splits it."""

from __future__ import annotations

import pytest
import shapely

from geo.crs import area_km2, to_equal_area
from geo.data import DATA_DIR

IN_RESERVOIRS = {"Kyiv reservoir": (50.75, 30.47), "Kremenchuk reservoir": (49.30, 32.60),
                 "Kamianske reservoir": (48.75, 34.10), "former Kakhovka reservoir": (47.55, 34.55)}
# Open water that the land polygons leave out (Natural Earth draws it as sea).
OUTSIDE = {"Dnieper-Bug estuary": (46.58, 31.95), "Black Sea off Odesa": (46.40, 30.90)}


def _point(lat, lon):
    return to_equal_area(shapely.Point(lon, lat))


@pytest.mark.parametrize("name,latlon", IN_RESERVOIRS.items())
def test_reservoir_points_are_counted_as_land_and_lie_in_their_reservoir(proj, name, latlon):
    point = _point(*latlon)
    assert proj.ukraine.contains(point)
    assert proj.water[name].contains(point)


@pytest.mark.parametrize("name,latlon", OUTSIDE.items())
def test_estuary_and_sea_points_are_outside_the_land_polygon(proj, name, latlon):
    assert not proj.ukraine.contains(_point(*latlon))


def test_the_sivash_is_partly_counted_as_land(proj):
    sea = proj.water["sea and lagoons inside the land polygons"]
    sivash = shapely.intersection(sea, to_equal_area(shapely.box(34.4, 45.4, 35.3, 46.2)))
    assert 1_000 < area_km2(sivash) < 2_600  # the Sivash is about 2,560 km²
    assert proj.ukraine.contains(_point(45.72, 34.90))


def test_the_water_layer_lies_inside_the_land_polygons(proj):
    for name, geom in proj.water.items():
        assert area_km2(shapely.difference(geom, proj.ukraine)) < 0.5, name
    assert len(proj.water) == 7


def test_former_kakhovka_bed_is_split_along_the_course_and_measured(proj):
    from geo.projected import former_kakhovka_reservoir_bed

    bed = former_kakhovka_reservoir_bed()
    assert area_km2(bed) == pytest.approx(2_155, rel=0.1)  # official area of the reservoir
    left, right = (area_km2(shapely.intersection(bed, proj.banks[b])) for b in ("left", "right"))
    assert left > 700 and right > 700 and left + right == pytest.approx(area_km2(bed), rel=1e-4)
    held = area_km2(shapely.intersection(bed, proj.control["2025-02-12"]))
    # On 2025-02-12 the line follows the river past the whole bed below Kamianske (Zaporizhzhia oblast):
    # the Russian-administered part is the left-bank half there, never the right bank.
    assert 900 < held <= left + 0.5
    assert area_km2(shapely.intersection(shapely.intersection(bed, proj.control["2025-02-12"]), proj.banks["right"])) < 0.5


def test_sources_md_states_the_convention_and_both_figures(proj):
    from geo.projected import former_kakhovka_reservoir_bed

    text = (DATA_DIR / "SOURCES.md").read_text()
    control = proj.control["2025-02-12"]
    with_bed = area_km2(control)
    without = area_km2(shapely.difference(control, former_kakhovka_reservoir_bed()))
    assert f"{with_bed:,.0f} km² Russian-administered with the former reservoir bed" in text
    assert f"{without:,.0f} km² without it" in text
    assert "do not cut out" in text and "Dnieper–Bug estuary and the\nopen sea are not" in text
    row = next(line for line in text.splitlines() if line.startswith("| UA-65 |"))
    kherson = dict(zip(proj.admin1["iso"], proj.admin1_ea))["UA-65"]
    assert f"| {area_km2(shapely.intersection(kherson, proj.water['former Kakhovka reservoir'])):,.0f} |" in row
