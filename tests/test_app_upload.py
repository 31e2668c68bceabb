"""Issue 13, imports: the preview frames the upload, a box over the state border says what lies outside
Ukraine, a re-upload under another name is said, and an upload can be added to the baseline control area.
Driven by Streamlit's AppTest."""

from __future__ import annotations

import json
import re

import shapely

from test_app import assert_healthy, errors, home, plain, start  # noqa: F401  (home: the fixture)

INSIDE = shapely.box(36.0, 47.5, 37.5, 48.5)  # south of Donetsk oblast, wholly in Ukraine
# Over the border north of Kharkiv: Kharkiv oblast south of about 50.4° N, Belgorod oblast north of it.
ACROSS = shapely.box(36.0, 49.9, 37.0, 50.9)


def geojson(geom, name: str = "area") -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": name}, "geometry": shapely.geometry.mapping(geom)}]}).encode()


def upload(at, filename: str, geom, name: str = "area"):
    at.file_uploader(key="geo_upload").set_value((filename, geojson(geom, name), "application/geo+json")).run()
    assert_healthy(at)
    assert not errors(at), errors(at)
    return at


def last_fit_bounds(at) -> list[list[float]]:
    """The bounds the import map is framed on last (the map's own fitBounds calls, in order)."""
    script = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
    found = re.findall(r"fitBounds\(\s*(\[\[[^\]]*\],\s*\[[^\]]*\]\])", script)
    assert found, "the map is not framed"
    return json.loads(found[-1])


def test_the_import_preview_zooms_to_the_upload(home):
    at = upload(start({"view": "import"}), "inside.geojson", INSIDE)
    (lat0, lon0), (lat1, lon1) = last_fit_bounds(at)
    assert (lon0, lat0, lon1, lat1) == tuple(INSIDE.bounds)
    upload(at, "across.geojson", ACROSS)
    (lat0, lon0), (lat1, lon1) = last_fit_bounds(at)
    assert (lon0, lat0, lon1, lat1) == tuple(ACROSS.bounds)


def km2_figures(text: str) -> list[float]:
    return [float(x.replace(",", "")) for x in re.findall(r"([\d,]+(?:\.\d+)?)\s*km²", text)]


def test_a_box_across_the_state_border_says_how_much_lies_outside_ukraine(home):
    from geo.crs import area_km2, to_equal_area
    from geo.projected import projected

    at = upload(start({"view": "import"}), "across.geojson", ACROSS)
    notes = [plain(w.value) for w in at.warning if "past Ukraine's internationally recognized border" in w.value]
    assert len(notes) == 1, [plain(w.value) for w in at.warning]
    inside, outside = km2_figures(notes[0])
    ea = to_equal_area(ACROSS)
    expected_inside = float(area_km2(shapely.intersection(ea, projected().ukraine)))
    assert 0 < inside < float(area_km2(ea)) and outside > 1000
    assert abs(inside - expected_inside) <= 0.01 * expected_inside + 10
    assert abs(inside + outside - float(area_km2(ea))) <= 0.01 * float(area_km2(ea)) + 10
    upload(at, "inside.geojson", INSIDE)
    assert len([w for w in at.warning if "past Ukraine's" in w.value]) == 1, "a box inside Ukraine is flagged"


def test_the_same_polygon_under_another_name_is_said_not_silently_reused(home):
    at = upload(start({"view": "import"}), "first.geojson", INSIDE, "First")
    upload(at, "second.geojson", INSIDE, "Second")
    assert len(at.session_state["uploads"]) == 1
    said = [plain(i.value) for i in at.info]
    assert any("second.geojson is the same polygon as First [area-1]" in s for s in said), said
    upload(at, "other.geojson", ACROSS, "Other")
    assert len(at.session_state["uploads"]) == 2
    assert not any("same polygon" in plain(i.value) for i in at.info)


def ra_km2(at) -> float:
    value = next(m.value for m in at.metric if m.label == "Russian-administered")
    return float(re.sub(r"[^\d.]", "", value.split("km²")[0]))


def test_an_upload_can_be_added_to_the_baseline_control_area_or_used_alone(home):
    at = upload(start({"view": "import"}), "inside.geojson", INSIDE)
    at.button(key="use_area-1").click().run()
    assert_healthy(at)
    assert at.session_state["view"] == "editor" and not at.session_state["ed_t_control"]
    alone = ra_km2(at)
    at.sidebar.radio(key="w_view").set_value("import").run()
    at.button(key="add_area-1").click().run()
    assert_healthy(at)
    assert at.session_state["view"] == "editor" and at.session_state["ed_section"] == "Build a scenario"
    assert at.session_state["ed_t_control"] and at.session_state["ed_t_uploads"] == ["area-1"]
    added = ra_km2(at)
    assert added > 100_000 > alone, (alone, added)  # the baseline's area (over 100,000 km²) plus the box
