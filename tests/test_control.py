"""Issue 2: the authored line-of-contact file and its errors."""

from __future__ import annotations

import shutil

import pytest
import shapely

from geo.build import control
from geo.build.pipeline import TYPED
from geo.crs import area_km2, to_equal_area

SOURCE = TYPED / "control" / "2025-02-12.toml"


@pytest.fixture(scope="module")
def inputs(layers):
    course = layers["dnieper"].set_index("part").geometry["course"]
    return layers["settlements"], course, layers["country"].geometry.iloc[0]


def test_the_committed_polygon_is_what_the_file_builds(layers, inputs):
    spec = control.read_control_spec(SOURCE, inputs[0])
    built = to_equal_area(control.build_control(spec, *inputs))
    committed = to_equal_area(layers["control"].set_index("date").geometry["2025-02-12"])
    assert area_km2(shapely.symmetric_difference(built, committed)) < 1.0


def test_the_file_reads_as_a_person_would_write_it():
    spec = control.read_control_spec(SOURCE)
    assert str(spec.date) == "2025-02-12"
    assert spec.sources and len(spec.areas) >= 1
    assert any(w.place for a in spec.areas for w in a.waypoints)
    assert spec.areas[0].follow_dnieper_to_sea


def _broken(tmp_path, old, new):
    text = SOURCE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "2025-02-12.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _error(path, inputs) -> str:
    with pytest.raises(control.ControlError) as info:
        spec = control.read_control_spec(path, inputs[0])
        control.build_control(spec, *inputs)
    message = str(info.value)
    assert len(message.splitlines()) == 1
    assert str(path) in message
    return message


def test_unknown_waypoint_name_suggests_the_right_one(tmp_path, inputs):
    message = _error(_broken(tmp_path, '{ place = "Kruhliakivka"', '{ place = "Kruhliakivkaa"'), inputs)
    assert "waypoint" in message and "Kruhliakivka" in message and "did you mean" in message


def test_ambiguous_waypoint_name_asks_for_admin1(tmp_path, inputs):
    message = _error(_broken(tmp_path, '{ place = "Kruhliakivka"', '{ place = "Mykolaivka"'), inputs)
    assert "several settlements" in message and ("admin1" in message or "coordinates" in message)


def test_unknown_key_is_named(tmp_path, inputs):
    message = _error(_broken(tmp_path, "follow_dnieper_to_sea = true", "follow_dneiper_to_sea = true"), inputs)
    assert "follow_dneiper_to_sea" in message


def test_bad_coordinates(tmp_path, inputs):
    message = _error(_broken(tmp_path, '{ at = "50.150, 37.660"', '{ at = "150.150, 37.660"'), inputs)
    assert "150.15" in message or "latitude" in message


def test_invalid_toml(tmp_path, inputs):
    path = tmp_path / "2025-02-12.toml"
    path.write_text("date = \n", encoding="utf-8")
    assert "TOML" in _error(path, inputs)


def test_a_ring_that_crosses_itself_is_refused(tmp_path, inputs):
    # Swap two waypoints far apart so the line doubles back over itself.
    message = _error(_broken(tmp_path, '{ at = "50.050, 37.680"', '{ at = "47.50, 36.50"'), inputs)
    assert "area 1" in message


def test_read_control_dir_refuses_two_files_for_one_date(tmp_path):
    shutil.copy(SOURCE, tmp_path / "2025-02-12.toml")
    shutil.copy(SOURCE, tmp_path / "copy.toml")
    with pytest.raises(control.ControlError, match="one line per date"):
        control.read_control_dir(tmp_path)


def test_control_areas_hold_no_sliver_under_1_km2_in_any_unit(proj):
    # The 2.4 km² of Dnipropetrovsk oblast once counted on 2025-02-12 came from the traced Dnieper
    # crossing the oblast border in the former Kakhovka reservoir; the course now follows that border.
    from geo.crs import area_km2

    for date, area in proj.control.items():
        for iso, unit in zip(proj.admin1["iso"], proj.admin1_ea):
            pieces = shapely.get_parts(shapely.intersection(unit, area))
            km2 = area_km2(pieces[shapely.get_type_id(pieces) == 3])
            assert not ((km2 > 0) & (km2 < 1.0)).any(), (date, iso, sorted(km2)[:3])
        assert "UA-12" not in {iso for iso, unit in zip(proj.admin1["iso"], proj.admin1_ea)
                               if area_km2(shapely.intersection(unit, area)) > 0}


def test_the_course_follows_the_oblast_border_in_the_former_kakhovka_reservoir(layers):
    from geo.crs import to_equal_area

    units = layers["admin1"].set_index("iso").geometry
    border = to_equal_area(shapely.intersection(units["UA-12"].boundary, units["UA-23"].boundary))
    course = to_equal_area(layers["dnieper"].set_index("part").geometry["river"])
    along = shapely.intersection(border, shapely.buffer(course, 1.0))
    assert along.length > 40_000  # about 55 km of the border, from below Marhanets to opposite Pokrovske
