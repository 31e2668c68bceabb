"""Issue 5: data and map exports open in the tools people use, with the engine's numbers, and fail cleanly."""

from __future__ import annotations

import csv
import dataclasses
import errno
import functools
import hashlib
import io
import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from borderline import export as ex
from borderline.export import FORMATS, ExportError, export, export_filename, render_bytes
from geo import fs
from scenarios.engine import evaluate
from scenarios.library import load_builtin

SCENARIO = "claim-with-referendum-zone"  # ceded, returned, DMZ bands on both sides and a zone
DMZ = (5.0, 10.0)
REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
REFERENCE = REFERENCE_DIR / f"map_{SCENARIO}__dmz-5-10_a4_100dpi.png"
REFERENCE_META = REFERENCE.with_suffix(".json")
# Identical renders score 1.0. SSIM barely notices a flat colour change, so a second measure counts the
# pixels that moved by more than 10 levels in some channel (anti-aliasing noise stays far below that).
SSIM_MIN = 0.999
CHANGED_PIXELS_MAX_PCT = 0.02
HOSTILE = '=HYPERLINK("http://x") <script>alert("x")</script> & ]]> $\\frac{1}{2}$'
KML_NS = "{http://www.opengis.net/kml/2.2}"


@pytest.fixture(scope="module")
def ev():
    return evaluate(load_builtin(SCENARIO), DMZ)


@pytest.fixture(scope="module")
def hostile():
    """A scenario whose title and zone name are markup and a spreadsheet formula."""
    base = load_builtin(SCENARIO)
    zone = base.zones[0].model_copy(update={"name": HOSTILE})
    scenario = base.model_copy(update={"id": "hostile", "title": "=1+1 <b>bold</b> & co", "zones": [zone]})
    return evaluate(scenario, DMZ)


@pytest.fixture(scope="module")
def exported(ev, tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    return out, export([ev], FORMATS, out)


def _cli(argv, capsys):
    from borderline.cli import main

    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _file(exported, fmt) -> Path:
    out, _ = exported
    return out / export_filename(SCENARIO, *DMZ, fmt)


def test_file_names_are_deterministic():
    assert export_filename("donbas-withdrawal", 5, 5, "csv") == "donbas-withdrawal__dmz-5-5.csv"
    assert export_filename("donbas-withdrawal", 5, 5, "png") == "donbas-withdrawal__dmz-5-5_a4_ukraine.png"
    assert export_filename("x", 2.5, 10.0, "gpkg") == "x__dmz-2.5-10.gpkg"
    assert export_filename("x", 0, 0.25, "kml") == "x__dmz-0-0.25.kml"


def test_every_format_is_written_under_its_name_and_nothing_else(exported):
    out, paths = exported
    assert [p.name for p in paths] == [export_filename(SCENARIO, *DMZ, f) for f in FORMATS]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)  # no temporary files left
    assert all(p.stat().st_size > 0 for p in paths)


def test_png_has_the_stated_pixel_size(exported, ev):
    from PIL import Image

    with Image.open(_file(exported, "png")) as im:
        assert im.size == (3508, 2480)  # A4 landscape at 300 dpi
        assert round(im.info["dpi"][0]) == 300
    with Image.open(io.BytesIO(render_bytes(ev, "png", page="slide", dpi=150))) as im:
        assert im.size == (2000, 1125)  # 16:9 slide, 4000 x 2250 at 300 dpi


def test_map_pdf_has_selectable_text_embedded_fonts_and_renders(exported, ev, tmp_path):
    pdf = _file(exported, "pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert ev.scenario.title in text
    assert "Russian-administered" in text and "2022 resident baseline, estimated" in text
    assert "Natural Earth" in text and "GeoNames" in text and "COD-PS" in text  # attribution footer
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(r.split()[-5] == "yes" for r in rows)  # every font embedded
    subprocess.run(["pdftoppm", "-r", "20", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 1000


def test_svg_keeps_text_as_text(exported, ev):
    root = ET.parse(_file(exported, "svg")).getroot()
    texts = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert ev.scenario.title in texts and "Kyiv" in texts


def test_geopackage_layers_read_back_with_the_same_areas(exported, ev):
    import pyogrio

    path = _file(exported, "gpkg")
    parts = ev.parts()
    layers = [name for name, _ in pyogrio.list_layers(path)]
    assert layers == list(ex.PART_LAYERS) + ["zone_un_supervised_referendum_zone"]
    for layer, (_, expected) in zip(layers, parts.iterrows()):
        frame = pyogrio.read_dataframe(path, layer=layer)
        assert frame.crs.to_epsg() == 3035
        assert frame["part"].iat[0] == expected["part"]
        if expected["part"] == "contact_line":
            assert frame.geometry.length.sum() / 1e3 == pytest.approx(expected["length_km"], rel=1e-3)
        else:
            assert frame.geometry.area.sum() / 1e6 == pytest.approx(expected["km2"], rel=1e-3, abs=0.05)
            assert frame["population"].iat[0] == expected["population"]


def test_geojson_is_one_feature_collection_with_parts_areas_and_population(exported, ev):
    doc = json.loads(_file(exported, "geojson").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and doc["name"] == SCENARIO
    parts = ev.parts().set_index("part")
    assert [f["properties"]["part"] for f in doc["features"]] == list(parts.index)
    for f in doc["features"]:
        p = f["properties"]
        assert p["km2"] == parts.loc[p["part"], "km2"] and p["population"] == parts.loc[p["part"], "population"]
        assert p["population_basis"] == "2022 resident baseline, estimated"
        if f["geometry"]:
            lon, lat = np.array(_coordinates(f["geometry"]["coordinates"])).T
            assert 22 < lon.min() and lon.max() < 41 and 44 < lat.min() and lat.max() < 53  # EPSG:4326


def _coordinates(nested):
    if isinstance(nested[0], (int, float)):
        return [nested]
    return [c for item in nested for c in _coordinates(item)]


def test_kml_reads_back_with_its_polygons(exported, ev):
    import pyogrio

    frame = pyogrio.read_dataframe(_file(exported, "kml"))
    parts = ev.parts()
    polygons = parts.loc[parts["part"] != "contact_line"]
    polygons = polygons.loc[~polygons.geometry.is_empty]
    got = frame.loc[frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    assert sorted(got["Name"]) == sorted(polygons["name"])
    assert (got.to_crs(3035).geometry.area > 0).all()
    assert (frame.geometry.geom_type.isin(["LineString", "MultiLineString"])).sum() == 1  # the line of contact
    root = ET.parse(_file(exported, "kml")).getroot()
    assert root.find(f".//{KML_NS}PolyStyle/{KML_NS}color") is not None  # coloured as on the map


def test_csv_has_the_metrics_and_the_per_oblast_rows(exported, ev):
    text = _file(exported, "csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    metrics = {r["key"]: float(r["value"]) for r in rows if r["section"] == "metrics"}
    m = ev.metrics.to_json()
    assert metrics["russian_administered_km2"] == m["russian_administered_km2"]
    assert metrics["population_russian_administered"] == m["population_russian_administered"]
    assert metrics["dmz_by_side.russian_side.km2"] == m["dmz_by_side"]["russian_side"]["km2"]
    oblasts = {(r["iso"], r["key"]): float(r["value"]) for r in rows if r["section"] == "by_oblast"}
    for o in m["by_oblast"]:
        assert oblasts[(o["iso"], "russian_administered_km2")] == o["russian_administered_km2"]
        assert oblasts[(o["iso"], "population_russian_administered")] == o["population_russian_administered"]


def test_xlsx_has_the_numbers_of_evaluate_json(exported, capsys):
    from openpyxl import load_workbook

    code, out, _ = _cli(["evaluate", SCENARIO, "--dmz-km", "5:10", "--json"], capsys)
    assert code == 0
    m = json.loads(out)
    wb = load_workbook(_file(exported, "xlsx"))
    assert wb.sheetnames == ["metrics", "by_oblast", "settlements_changing_hands", "method"]
    sheet = {row[0]: row[2] for row in wb["metrics"].iter_rows(min_row=2, values_only=True)}
    zones = {z["name"]: z for z in m["zones"]}
    checked = 0
    for key, value in sheet.items():
        if key in ("scenario", "title", "baseline"):
            assert value == m[key]
        elif key.startswith("zone:"):
            name, field = key[5:].rsplit(".", 1)
            assert value == zones[name][field]
        else:
            assert value == functools.reduce(lambda v, k: v[k], key.split("."), m), key
        checked += 1
    assert checked >= 23
    by_oblast = list(wb["by_oblast"].iter_rows(min_row=2, values_only=True))
    assert [dict(zip(ex.BY_OBLAST_COLUMNS, r)) for r in by_oblast] == m["by_oblast"]
    moved = list(wb["settlements_changing_hands"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2]) for r in moved] == [(s["name"], s["population"]) for s in m["settlements_changing_hands"]]
    assert any("2022" in str(r[1]) and "estimated" in str(r[1]) for r in wb["method"].iter_rows(values_only=True))


def test_names_are_text_never_markup_or_formulas(hostile):
    from openpyxl import load_workbook

    kml = render_bytes(hostile, "kml").decode("utf-8")
    root = ET.fromstring(kml)  # well-formed despite "]]>" in the name
    assert not [e for e in root.iter() if e.tag.split("}")[-1].lower() in ("script", "b")]
    names = [e.text for e in root.iter(f"{KML_NS}name")]
    assert HOSTILE.replace("]]>", "]] >") in names
    description = next(e.text for e in root.iter(f"{KML_NS}description") if "alert" in e.text)
    assert "<script>" not in description and "&lt;script&gt;" in description  # balloons are HTML: escaped

    raw = render_bytes(hostile, "geojson").decode("utf-8")
    assert "<" not in raw and ">" not in raw  # safe to inline in a web page
    doc = json.loads(raw)
    assert HOSTILE in [f["properties"]["name"] for f in doc["features"]]

    wb = load_workbook(io.BytesIO(render_bytes(hostile, "xlsx")))
    cells = [c for row in wb["metrics"].iter_rows() for c in row if isinstance(c.value, str)]
    title = next(c for c in cells if c.value.startswith("=1+1"))
    assert title.data_type == "s"  # a string, not a formula
    assert not any(c.data_type == "f" for c in cells)

    svg = render_bytes(hostile, "svg").decode("utf-8")
    root = ET.fromstring(svg)
    assert not [e for e in root.iter() if "script" in e.tag.lower()]
    texts = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "<script>" in texts and "$\\frac{1}{2}$" in texts  # shown literally, no mathtext


def test_unknown_format_is_refused_before_writing(ev, tmp_path):
    with pytest.raises(ExportError, match="unknown format docx"):
        export([ev], ["csv", "docx"], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_is_one_line(ev, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(ExportError) as err:
        export([ev], ["csv"], blocker / "out")
    assert "a-file" in str(err.value) and "\n" not in str(err.value)

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(ex.tempfile, "mkstemp", denied)
    with pytest.raises(ExportError, match="not writable"):
        export([ev], ["csv"], tmp_path / "out")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_read_only_folder_is_refused(ev, tmp_path):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="not writable"):
            export([ev], ["csv"], out)
    finally:
        out.chmod(0o700)


def _fail_after_first_chunk(exc):
    real = fs._write_chunks

    def write(f, data):
        f.write(data[: max(1, len(data) // 2)])
        raise exc

    return real, write


def test_full_disk_leaves_no_partial_file_and_keeps_the_old_one(ev, tmp_path, monkeypatch):
    target = tmp_path / export_filename(SCENARIO, *DMZ, "geojson")
    target.write_text("previous export")
    _, failing = _fail_after_first_chunk(OSError(errno.ENOSPC, "No space left on device"))
    monkeypatch.setattr(fs, "_write_chunks", failing)
    with pytest.raises(ExportError) as err:
        export([ev], ["csv", "geojson"], tmp_path)
    assert "disk is full" in str(err.value) and "\n" not in str(err.value)
    assert target.read_text() == "previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no temporary file either


def test_interrupted_batch_keeps_finished_files_and_no_partial_one(ev, tmp_path, monkeypatch):
    real = fs._write_chunks
    calls = []

    def interrupt_second(f, data):
        calls.append(1)
        if len(calls) == 2:
            f.write(data[:10])
            raise KeyboardInterrupt
        real(f, data)

    monkeypatch.setattr(fs, "_write_chunks", interrupt_second)
    with pytest.raises(KeyboardInterrupt):
        export([ev], ["csv", "geojson", "kml"], tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [export_filename(SCENARIO, *DMZ, "csv")]


def test_cli_batch_over_widths_with_progress(tmp_path, capsys):
    code, out, err = _cli(["export", "status-quo-2025-02", "--format", "csv,geojson", "--dmz-km", "5",
                           "--dmz-km", "2.5:10", "--out", str(tmp_path)], capsys)
    assert code == 0, err
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(f"status-quo-2025-02__dmz-{w}.{f}" for w in ("5-5", "2.5-10") for f in ("csv", "geojson"))
    assert "100%" in err and "4/4" in err  # the progress bar, on stderr
    assert out.split() == [str(tmp_path / n) for n in (
        "status-quo-2025-02__dmz-5-5.csv", "status-quo-2025-02__dmz-5-5.geojson",
        "status-quo-2025-02__dmz-2.5-10.csv", "status-quo-2025-02__dmz-2.5-10.geojson")]


@pytest.mark.parametrize("argv, needle", [
    (["export", "no-such-scenario", "--format", "csv"], "no-such-scenario"),
    (["export", "status-quo-2025-02", "--format", "csv,docx"], "docx"),
    (["export", "status-quo-2025-02", "--format", "png", "--extent", "10,10"], "extent"),
    (["export", "status-quo-2025-02", "--format", "csv", "--dmz-km", "wide"], "dmz-km"),
])
def test_cli_bad_input_is_one_line_and_exit_2(argv, needle, tmp_path, capsys):
    code, _, err = _cli([*argv, "--out", str(tmp_path / "out"), "--quiet"], capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and needle in err and "Traceback" not in err
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_cli_full_disk_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    _, failing = _fail_after_first_chunk(OSError(errno.ENOSPC, "No space left on device"))
    monkeypatch.setattr(fs, "_write_chunks", failing)
    code, _, err = _cli(["export", "status-quo-2025-02", "--format", "xlsx", "--out", str(tmp_path), "--quiet"],
                        capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "disk is full" in err
    assert list(tmp_path.iterdir()) == []


def test_cli_unwritable_folder_is_exit_2(tmp_path, capsys):
    (tmp_path / "f").write_text("")
    code, _, err = _cli(["export", "status-quo-2025-02", "--format", "csv", "--out", str(tmp_path / "f" / "x"),
                         "--quiet"], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1


# -- the map against its reference image ------------------------------------------------------------------


def _data_fingerprint() -> str:
    from geo.data import manifest

    files = {k: v["sha256"] for k, v in manifest()["files"].items()}
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()


def _reference_png(ev) -> bytes:
    return render_bytes(ev, "png", page="a4", extent="ukraine", dpi=100)


def _compare(png: bytes) -> tuple[float, float]:
    """SSIM against the reference, and the share (%) of pixels that differ by more than 10 levels."""
    from PIL import Image
    from skimage.metrics import structural_similarity

    with Image.open(io.BytesIO(png)) as a, Image.open(REFERENCE) as b:
        a, b = np.asarray(a.convert("RGB")), np.asarray(b.convert("RGB"))
    assert a.shape == b.shape
    changed = (np.abs(a.astype(int) - b.astype(int)).max(axis=2) > 10).mean() * 100
    return structural_similarity(a, b, channel_axis=2, data_range=255), changed


def _matches(png: bytes) -> bool:
    score, changed = _compare(png)
    return score >= SSIM_MIN and changed <= CHANGED_PIXELS_MAX_PCT


def test_map_matches_the_reference_image(ev):
    """Regenerate after a deliberate change of style or data, and look at the new image before committing:
    BORDERLINE_UPDATE_REFERENCE=1 python -m pytest tests/test_exports.py -k reference"""
    png = _reference_png(ev)
    if os.environ.get("BORDERLINE_UPDATE_REFERENCE"):
        REFERENCE_DIR.mkdir(exist_ok=True)
        REFERENCE.write_bytes(png)
        REFERENCE_META.write_text(json.dumps({"data": _data_fingerprint(), "scenario": SCENARIO, "dmz_km": DMZ,
                                              "page": "a4", "dpi": 100}, indent=2) + "\n")
    score, changed = _compare(png)
    if score < SSIM_MIN or changed > CHANGED_PIXELS_MAX_PCT:
        data_changed = json.loads(REFERENCE_META.read_text())["data"] != _data_fingerprint()
        pytest.fail(f"map differs from {REFERENCE.name}: SSIM {score:.5f} (min {SSIM_MIN}), {changed:.3f} % of "
                    f"pixels changed (max {CHANGED_PIXELS_MAX_PCT} %); data/boundaries "
                    f"{'changed' if data_changed else 'unchanged'} since the reference was made. If the change is "
                    "wanted, look at the new map, then: BORDERLINE_UPDATE_REFERENCE=1 python -m pytest "
                    "tests/test_exports.py -k reference")


@pytest.mark.parametrize("part, fill", [("russian_administered", "#4477AA"), ("dmz_ukrainian_side", "#EE8866")])
def test_the_reference_comparison_catches_a_colour_change(ev, monkeypatch, part, fill):
    from borderline import style

    if not REFERENCE.exists():
        pytest.fail(f"{REFERENCE} is missing")
    monkeypatch.setitem(style.PARTS, part, dataclasses.replace(style.PARTS[part], fill=fill))
    assert not _matches(_reference_png(ev))



def test_map_labels_do_not_overlap_and_the_big_cities_are_named(ev):
    from borderline import printmap

    with printmap.rendering():
        fig = printmap.figure(ev, "a4", "ukraine", dpi=100)
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        labels = [t for t in printmap.layer_artists(ax, "labels") if t.get_zorder() == 9]  # halos: 8.9
        boxes = [t.get_window_extent(renderer) for t in labels]
    names = {t.get_text() for t in labels}
    assert {"Kyiv", "Kharkiv", "Odesa", "Dnipro", "Zaporizhzhia", "Lviv"} <= names
    assert sum(n.isupper() and n not in ("RUSSIA", "BELARUS", "POLAND", "ROMANIA", "MOLDOVA", "HUNGARY",
                                         "SLOVAKIA") for n in names) >= 20  # oblast names
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)
        assert ax.get_window_extent(renderer).contains(a.x0, a.y0) and \
            ax.get_window_extent(renderer).contains(a.x1, a.y1)


def test_extents_narrow_the_map():
    from borderline.printmap import extent_bounds, parse_extent

    ukraine, east = extent_bounds("ukraine"), extent_bounds("east-south")
    assert east[2] - east[0] < ukraine[2] - ukraine[0] and east[0] > ukraine[0]
    assert parse_extent("34,46.5,39,49") == (34.0, 46.5, 39.0, 49.0)
    box = extent_bounds((34, 46.5, 39, 49))
    assert box[2] - box[0] < east[2] - east[0]
    for bad in ("everywhere", "39,46,34,49", "0,0,1,1", "1,2,3"):
        with pytest.raises(ValueError):
            parse_extent(bad)


def test_slide_map_of_a_bounding_box_renders(ev):
    from PIL import Image

    png = render_bytes(ev, "png", page="slide", extent=(34, 46.5, 39, 49), dpi=40)
    with Image.open(io.BytesIO(png)) as im:
        assert im.size == (533, 300)
