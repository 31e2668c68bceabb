"""Issue 6: property-based fuzzing of the scenario model and of the geometry pipeline (hypothesis).

Properties:

* the scenario model raises nothing but ``ScenarioError`` (with a one-line message) for any table or any
  TOML text, and every scenario it accepts is written back by ``dumps`` and read again unchanged;
* ``polygon_from_geojson`` and ``parse_upload`` raise nothing but their one-line errors for any GeoJSON --
  NaN, infinite, huge, projected or missing coordinates included -- and whatever they accept is a valid,
  non-empty (Multi)Polygon in EPSG:4326 that reaches Ukraine;
* a zipped Shapefile whose member names are any mix of ``..``, ``/``, ``\\``, drive letters and absolute
  paths is read or refused, and never writes outside the upload's temporary folder, which is removed.

Runs are deterministic (``derandomize=True``, no example database) and never timed.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus import build
from corpus.harness import check_lonlat_polygon, message_problem


def plain_text(min_size: int = 0, max_size: int | None = None):
    """Text a person would type: the model refuses control characters (terminal escapes) in names."""
    return st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=min_size, max_size=max_size)


FUZZ = settings(derandomize=True, database=None, deadline=None, print_blob=False,
                suppress_health_check=list(HealthCheck))


def fuzz(examples: int) -> settings:
    return settings(FUZZ, max_examples=examples)


def one_line_error(exc: BaseException) -> None:
    problem = message_problem(str(exc))
    assert problem is None, f"{problem}: {str(exc)[:300]!r}"


# ============================================================================================ the scenario model

digits = "0123456789"
slug = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True).filter(lambda s: len(s) <= 64)
iso = st.builds(lambda a, b: f"UA-{a}{b}", st.sampled_from(digits), st.sampled_from(digits))
date = st.dates().map(lambda d: d.isoformat())
width = st.floats(0, 200, allow_nan=False)
finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
ring = st.lists(st.lists(finite, min_size=2, max_size=3), min_size=0, max_size=6)
geojson = st.one_of(
    st.builds(lambda rings: {"type": "Polygon", "coordinates": rings}, st.lists(ring, max_size=2)),
    st.builds(lambda polys: {"type": "MultiPolygon", "coordinates": polys}, st.lists(st.lists(ring, max_size=2),
                                                                                       max_size=2)),
)
primitive = st.one_of(
    st.builds(lambda codes: {"admin1": codes}, st.lists(iso, min_size=1, max_size=4)),
    st.builds(lambda d: {"control": d}, date),
    st.builds(lambda b: {"bank": b}, st.sampled_from(["left", "right"])),
    st.builds(lambda name, r: {"city": {"name": name, "radius_km": r}}, plain_text(min_size=1, max_size=40),
              st.floats(0, 200, exclude_min=True, allow_nan=False)),
    st.builds(lambda g: {"geojson": g}, geojson),
    st.builds(lambda p: {"geojson_file": p}, plain_text(min_size=1, max_size=60)),
    st.just({"ukraine": True}),
)
expression = st.recursive(primitive, lambda inner: st.one_of(
    st.builds(lambda xs: {"union": xs}, st.lists(inner, max_size=3)),
    st.builds(lambda xs: {"intersection": xs}, st.lists(inner, min_size=1, max_size=3)),
    st.builds(lambda xs: {"difference": xs}, st.lists(inner, min_size=1, max_size=3)),
), max_leaves=8)
zone = st.one_of(
    st.fixed_dictionaries({"name": plain_text(min_size=1, max_size=30), "type": st.just("border_buffer"),
                           "width_km": st.floats(0, 200, exclude_min=True, allow_nan=False)},
                          optional={"description": plain_text(max_size=60)}),
    st.fixed_dictionaries({"name": plain_text(min_size=1, max_size=30),
                           "type": st.sampled_from(["demilitarized", "referendum"]), "area": expression},
                          optional={"description": plain_text(max_size=60)}),
)
valid_scenario = st.fixed_dictionaries(
    {"id": slug, "title": plain_text(min_size=1, max_size=200), "summary": plain_text(min_size=1, max_size=300),
     "provenance": st.fixed_dictionaries({"proposed_by": plain_text(min_size=1, max_size=40),
                                          "date": plain_text(min_size=4, max_size=40),
                                          "source": plain_text(min_size=1, max_size=80)}),
     "territory": expression},
    optional={"baseline": date, "dmz": st.fixed_dictionaries({}, optional={"ukrainian_side_km": width,
                                                                          "russian_side_km": width}),
              "zones": st.lists(zone, max_size=3, unique_by=lambda z: z["name"])},
)

KEYS = ["id", "title", "summary", "baseline", "provenance", "proposed_by", "date", "source", "territory", "dmz",
        "ukrainian_side_km", "russian_side_km", "zones", "name", "type", "area", "width_km", "description", "admin1",
        "control", "bank", "city", "radius_km", "geojson", "geojson_file", "ukraine", "union", "intersection",
        "difference", "coordinates", "features", "geometry"]
toml_leaf = st.one_of(st.booleans(), st.integers(-2**63, 2**63 - 1), st.floats(), st.text(max_size=20), slug, iso,
                      date, st.dates(), st.sampled_from(["left", "right", "Polygon", "border_buffer", "demilitarized"]))
toml_value = st.recursive(toml_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner, max_size=4),
), max_leaves=20)


def assert_round_trips(scenario) -> None:
    from scenarios.model import dumps, loads

    text = dumps(scenario)
    again = loads(text)
    if again != scenario:  # NaN is not equal to itself: then the text must be a fixed point
        assert dumps(again) == text, f"does not round-trip:\n{text[:500]}"


def validate_or_refuse(data) -> None:
    """A table or TOML text is either refused with one clear line or read and round-tripped."""
    from scenarios.model import ScenarioError, loads, scenario_from_dict

    try:
        scenario = loads(data) if isinstance(data, str) else scenario_from_dict(data)
    except ScenarioError as exc:
        one_line_error(exc)
        return
    assert_round_trips(scenario)


@fuzz(400)
@given(valid_scenario)
def test_valid_scenarios_validate_and_round_trip_exactly(data):
    from scenarios.model import dumps, loads, scenario_from_dict

    scenario = scenario_from_dict(data)
    assert loads(dumps(scenario)) == scenario


@fuzz(400)
@given(valid_scenario, st.lists(st.sampled_from(KEYS), min_size=1, max_size=4), toml_value)
def test_a_scenario_with_one_part_replaced_is_refused_clearly_or_round_trips(data, path, value):
    node = data
    for key in path[:-1]:  # walk as far as the path goes, then replace (or add) one value
        child = node.get(key) if isinstance(node, dict) else None
        if not isinstance(child, dict):
            break
        node = child
    node[path[-1]] = value
    validate_or_refuse(data)


@fuzz(300)
@given(st.dictionaries(st.sampled_from(KEYS), toml_value, max_size=8))
def test_random_tables_are_refused_clearly_or_round_trip(data):
    validate_or_refuse(data)


@fuzz(300)
@given(valid_scenario, st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 3), st.text(max_size=3)),
                                min_size=1, max_size=4))
def test_edited_toml_text_is_refused_clearly_or_round_trips(data, edits):
    """Random edits (insert, delete, replace, cut) of a valid scenario's TOML text."""
    from scenarios.model import dumps, scenario_from_dict

    text = dumps(scenario_from_dict(data))
    for pos, op, chunk in edits:
        pos %= len(text) + 1
        text = [text[:pos] + chunk + text[pos:], text[:pos] + text[pos + 3:], text[:pos] + chunk + text[pos + 1:],
                text[:pos]][op]
    validate_or_refuse(text)


@fuzz(300)
@given(st.lists(st.lists(st.floats(), min_size=2, max_size=2), min_size=1, max_size=6))
def test_inline_polygons_with_any_numbers_are_refused_or_round_trip(points):
    """TOML can write nan and inf, so a scenario file can hold them: refuse them, or write them back."""
    validate_or_refuse(build.scenario_dict(territory={"geojson": {"type": "Polygon", "coordinates": [points]}}))


@fuzz(200)
@given(st.text(max_size=300))
def test_any_text_is_refused_clearly_or_read(text):
    from scenarios.model import ScenarioError, loads

    try:
        scenario = loads(text)
    except ScenarioError as exc:
        one_line_error(exc)
        return
    assert_round_trips(scenario)


# ============================================================================================ the geometry pipeline

anything = st.floats()  # NaN, ±inf, subnormals, ±1.8e308
in_ukraine = st.tuples(st.floats(22.5, 40.0), st.floats(44.5, 52.0)).map(list)
projected = st.tuples(st.floats(-2e7, 2e7), st.floats(-2e7, 2e7)).map(list)
special = st.sampled_from([[float("inf"), 47.5], [35.0, float("-inf")], [float("nan"), float("nan")],
                           [1e308, 1e308], [-1.8e308, 48.0], [5e-324, 0.0], [35.0, 91.0], [181.0, 48.0]])
point = st.one_of(in_ukraine, in_ukraine, special, st.tuples(anything, anything).map(list), projected,
                  st.lists(anything, max_size=4), st.tuples(st.floats(22.5, 40.0), st.floats(44.5, 52.0),
                                                            anything).map(list))


@st.composite
def random_ring(draw):
    points = draw(st.lists(point, max_size=9))
    if points and draw(st.booleans()):
        points.append(list(points[0]))  # closed, as GeoJSON wants: then a bad first point is also the last
    return points


@st.composite
def spoiled_star(draw):
    """A valid star with one vertex replaced by a special value (both ends, if it is the first)."""
    ring = draw(star())
    i = draw(st.integers(0, len(ring) - 2))
    ring[i] = draw(special)
    if i == 0:
        ring[-1] = ring[0]
    return ring


@st.composite
def star(draw):
    """A simple polygon around a centre in Ukraine: sorted angles, random radii (usually valid)."""
    import math

    cx, cy = draw(st.floats(24, 39)), draw(st.floats(45, 51))
    angles = sorted(draw(st.lists(st.floats(0, 2 * math.pi, exclude_max=True), min_size=3, max_size=12,
                                  unique=True)))
    radii = draw(st.lists(st.floats(0.001, 2.0), min_size=len(angles), max_size=len(angles)))
    ring = [[cx + r * math.cos(a), cy + r * math.sin(a)] for a, r in zip(angles, radii)]
    return ring + [ring[0]]


rings = st.lists(st.one_of(random_ring(), star(), spoiled_star()), min_size=1, max_size=3)
geometry = st.one_of(
    rings.map(lambda rs: {"type": "Polygon", "coordinates": rs}),
    st.lists(rings, min_size=1, max_size=3).map(lambda ps: {"type": "MultiPolygon", "coordinates": ps}),
    star().map(lambda r: {"type": "Polygon", "coordinates": [r]}),
)
geojson_object = st.one_of(
    geometry,
    geometry.map(lambda g: {"type": "Feature", "properties": {"name": build.HOSTILE}, "geometry": g}),
    st.lists(geometry, max_size=3).map(lambda gs: {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": g} for g in gs]}),
)


@fuzz(500)
@given(geojson_object)
def test_polygon_from_geojson_refuses_clearly_or_returns_a_valid_lonlat_polygon(obj):
    from geo.errors import GeometryError
    from geo.geojson import polygon_from_geojson

    try:
        geom = polygon_from_geojson(obj, "fuzz")
    except GeometryError as exc:
        one_line_error(exc)
        return
    assert check_lonlat_polygon(geom) is None, check_lonlat_polygon(geom)


@pytest.fixture(scope="module")
def private_tmp():
    """tempfile's folder, pointed at a private folder for the uploads of this module (checked empty)."""
    with tempfile.TemporaryDirectory(prefix="borderline-fuzz-") as root:
        box = Path(root) / "l1" / "l2" / "l3" / "tmp"
        box.mkdir(parents=True)
        saved = tempfile.tempdir
        tempfile.tempdir = str(box)
        try:
            yield Path(root), box
        finally:
            tempfile.tempdir = saved


def assert_nothing_left(root: Path, box: Path) -> None:
    left = [str(p.relative_to(root)) for p in root.rglob("*") if p not in (box, *box.parents)]
    assert not left, f"written outside the upload, or not removed: {left[:5]}"


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@fuzz(300)
@given(geojson_object)
def test_parse_upload_refuses_clearly_or_returns_a_valid_lonlat_area(private_tmp, obj):
    from geo.upload import UploadedArea, UploadError, parse_upload
    from scenarios.model import ScenarioError

    root, box = private_tmp
    data = json.dumps(obj).encode()  # NaN and infinity become the NaN / Infinity literals
    try:
        area = parse_upload("fuzz.geojson", data)
    except (UploadError, ScenarioError) as exc:
        one_line_error(exc)
    else:
        assert isinstance(area, UploadedArea)
        assert check_lonlat_polygon(area.geometry) is None, check_lonlat_polygon(area.geometry)
    assert_nothing_left(root, box)


@functools.cache
def shapefile_parts() -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        return build._shapefile_parts(Path(tmp))


member_prefix = st.lists(st.sampled_from(["..", ".", "a", "b c", "~", "C:", "\\", "/", "../", "..\\", "__MACOSX"]),
                         max_size=6).map("".join)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@fuzz(150)
@given(member_prefix, st.booleans(), st.booleans())
def test_zip_member_paths_never_write_outside_the_upload_folder(private_tmp, prefix, absolute, all_members):
    from geo.upload import UploadError, parse_upload

    root, box = private_tmp
    if absolute:  # an absolute path that would land in our sandbox root if it were followed
        prefix = str(root) + os.sep + prefix
    names = {ext: (prefix + "/layer" + ext if all_members or ext == ".shp" else "layer" + ext)
             for ext in shapefile_parts()}
    data = build._zip([(names[ext], content) for ext, content in shapefile_parts().items()])
    try:
        area = parse_upload("fuzz.zip", data)
    except UploadError as exc:
        one_line_error(exc)
    else:
        assert check_lonlat_polygon(area.geometry) is None
    assert_nothing_left(root, box)
