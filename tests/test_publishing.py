"""Issue 13 (publishing) and 12 (small multiples, report --all): page sizes, titles and credits, extents,
layer switches, named SVG groups, file names, the locator inset, small multiples and the report's columns."""

from __future__ import annotations

import io
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from borderline import export as ex
from borderline import printmap
from scenarios.engine import evaluate
from scenarios.library import builtin_ids, load_builtin

SVG = "{http://www.w3.org/2000/svg}"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SCENARIO = "claim-with-referendum-zone"  # ceded, returned, both DMZ bands and a zone


@pytest.fixture(scope="module")
def ev():
    return evaluate(load_builtin(SCENARIO), (5, 10))


@pytest.fixture(scope="module")
def svg_root(ev):
    return ET.fromstring(ex.render_bytes(ev, "svg", page="a4", extent="east-south"))


def _cli(argv, capsys):
    from borderline.cli import main

    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _group_ids(root) -> set[str]:
    return {g.get("id") for g in root.iter(f"{SVG}g")}


def _texts(element) -> str:
    return " ".join("".join(t.itertext()) for t in element.iter(f"{SVG}text"))


# -- page sizes ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page, size", [("a4", (3508, 2480)), ("slide", (4000, 2250)), ("web", (1200, 800)),
                                        ("square", (1080, 1080)), ("story", (1080, 1920))])
def test_each_page_has_its_pixel_size(ev, page, size):
    from PIL import Image

    assert printmap.page_pixels(page) == size
    dpi = 40 if page in ("a4", "slide") else None  # the big pages at a lower resolution: same layout, faster
    with Image.open(io.BytesIO(ex.render_bytes(ev, "png", page=page, extent="east-south", dpi=dpi))) as im:
        expected = size if dpi is None else printmap.page_pixels(page, dpi)
        assert im.size == expected
        ARTIFACTS.mkdir(exist_ok=True)
        im.save(ARTIFACTS / f"print_{page}.png")  # to look at


@pytest.mark.parametrize("page", list(printmap.PAGES))
def test_text_blocks_stay_on_the_page_and_apart(ev, page):
    """Title, subtitle, caption, credit and key do not overlap one another and stay inside the page."""
    with printmap.rendering():
        fig = printmap.figure(ev, page, "east-south")
        renderer = fig.canvas.get_renderer()
        page_box = fig.bbox
        blocks = {t.get_gid(): t.get_window_extent(renderer) for t in fig.texts if t.get_gid()}
        legend_ax = next(a for a in fig.axes if a.get_gid() == "legend")
        legend = legend_ax.get_legend().get_window_extent(renderer)
        map_box = next(a for a in fig.axes if a.get_gid() == "map").get_window_extent(renderer)
    assert {"title", "subtitle", "caption", "credit"} <= set(blocks)
    for name, box in blocks.items():
        assert page_box.x0 <= box.x0 and box.x1 <= page_box.x1 + 1 and page_box.y0 <= box.y0 and \
            box.y1 <= page_box.y1, name
    names = ["title", "subtitle", "caption", "credit"]
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not blocks[a].overlaps(blocks[b]), (a, b)
        assert not blocks[a].overlaps(map_box), a
        assert not blocks[a].overlaps(legend), a
    assert not legend.overlaps(map_box)
    assert legend.y0 >= blocks["caption"].y1 - 1  # the key never runs into the caption


def test_story_puts_the_key_under_the_map_and_a4_beside_it(ev):
    with printmap.rendering():
        for page, below in (("story", True), ("square", True), ("a4", False), ("web", False)):
            fig = printmap.figure(ev, page, "east-south", dpi=50)
            renderer = fig.canvas.get_renderer()
            map_box = next(a for a in fig.axes if a.get_gid() == "map").get_window_extent(renderer)
            key = next(a for a in fig.axes if a.get_gid() == "legend").get_legend().get_window_extent(renderer)
            assert (key.y1 <= map_box.y0 + 1) == below, page
            assert (key.x0 >= map_box.x1 - 1) == (not below), page


# -- title, subtitle, credit --------------------------------------------------------------------------------


def test_defaults_carry_the_method_the_line_date_and_the_credits(svg_root, ev):
    groups = {g.get("id"): g for g in svg_root.iter(f"{SVG}g")}
    assert ev.scenario.title in _texts(groups["title"])
    sub = _texts(groups["subtitle"])
    assert "line of contact as of 12 February 2025" in sub and "EPSG:3035" in sub
    credit = " ".join(_texts(groups["credit"]).split())
    for needle in ("Natural Earth", "GeoNames", "OCHA", "line of contact: borderline", "DeepStateMap"):
        assert needle in credit, needle


def test_title_subtitle_and_credit_can_be_replaced(ev):
    root = ET.fromstring(ex.render_bytes(ev, "svg", page="web", title="Who holds what", subtitle="",
                                         credit="Graphic: Example Daily; data borderline"))
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g")}
    assert _texts(groups["title"]) == "Who holds what"
    assert "subtitle" not in groups
    assert "Graphic: Example Daily" in _texts(groups["credit"])
    assert "Natural Earth" not in _texts(groups["credit"])


def test_cli_page_title_and_credit(tmp_path, capsys):
    code, out, err = _cli(["export", "status-quo-2025-02", "--format", "pdf", "--page", "square", "--title",
                           "Line of 12 February", "--credit", "Example credit", "--out", str(tmp_path), "--quiet"],
                          capsys)
    assert code == 0, err
    pdf = Path(out.strip())
    assert pdf.name == "status-quo-2025-02__dmz-0-0_square_ukraine.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Line of 12 February" in text and "Example credit" in text


# -- extent and bbox ----------------------------------------------------------------------------------------


def test_bbox_is_the_extent_and_is_checked_once(tmp_path, capsys):
    code, out, err = _cli(["export", "status-quo-2025-02", "--format", "png", "--page", "web", "--bbox",
                           "34,46.5,39,49", "--out", str(tmp_path), "--quiet"], capsys)
    assert code == 0, err
    assert Path(out.strip()).name == "status-quo-2025-02__dmz-0-0_web_bbox-34-46.5-39-49.png"
    for bad in ("34,46.5,39", "39,46.5,34,49", "0,0,1,1", "a,b,c,d"):
        code, _, err = _cli(["export", "status-quo-2025-02", "--format", "png", "--bbox", bad, "--out",
                             str(tmp_path / "bad"), "--quiet"], capsys)
        assert code == 2 and len(err.strip().splitlines()) == 1 and "--bbox" in err, bad
    code, _, err = _cli(["export", "status-quo-2025-02", "--format", "png", "--bbox", "34,46.5,39,49", "--extent",
                         "east-south", "--out", str(tmp_path / "bad"), "--quiet"], capsys)
    assert code == 2 and "one of them" in err
    assert not (tmp_path / "bad").exists()


def test_the_current_view_becomes_an_extent():
    assert ex.view_extent((34, 46.5, 39, 49)) == (34.0, 46.5, 39.0, 49.0)
    assert ex.view_extent([[46.5, 34], [49, 39]]) == (34.0, 46.5, 39.0, 49.0)  # Leaflet's [[S, W], [N, E]]
    folium = {"_southWest": {"lat": 46.5, "lng": 34}, "_northEast": {"lat": 49, "lng": 39}}  # st_folium's "bounds"
    assert ex.view_extent(folium) == (34.0, 46.5, 39.0, 49.0)
    with pytest.raises(ex.ExportError, match="current view"):
        ex.view_extent({"_southWest": None})
    with pytest.raises(ex.ExportError, match="current view"):
        ex.view_extent((100, 10, 110, 20))


# -- layers and named SVG groups ----------------------------------------------------------------------------


def test_svg_has_named_groups_instead_of_patch_numbers(svg_root):
    ids = _group_ids(svg_root)
    for name in ("map", "basemap", "russian_administered", "ceded_by_ukraine", "returned_to_ukraine",
                 "dmz_ukrainian_side", "dmz_russian_side", "zones", "admin1", "dnieper", "state_border",
                 "contact_line", "baseline_line", "settlements", "labels", "furniture", "legend", "title",
                 "subtitle", "caption", "credit", "locator"):
        assert name in ids, name
    every = [e.get("id") for e in svg_root.iter() if e.get("id")]
    assert len(every) == len(set(every))  # ids are unique: a designer can select each group
    groups = {g.get("id"): g for g in svg_root.iter(f"{SVG}g")}
    assert "Kharkiv" in _texts(groups["labels"]) and "Kharkiv" not in _texts(groups["legend"])
    assert groups["russian_administered"].find(f".//{SVG}path") is not None
    assert groups["contact_line"].find(f".//{SVG}path") is not None
    # named groups hold the drawing: directly in the map's axes are only its background and four spines
    children = [c.get("id") or "" for c in groups["map"] if c.tag == f"{SVG}g"]
    loose = [i for i in children if i.startswith(("patch_", "LineCollection_", "PathCollection_", "text_"))]
    assert all(i.startswith("patch_") for i in loose), loose
    assert len([i for i in loose if i.startswith("patch_")]) <= 5, loose


def test_exports_follow_the_layer_switches(ev):
    root = ET.fromstring(ex.render_bytes(ev, "svg", page="web", extent="east-south",
                                         layers=["russian_administered", "contact_line"]))
    ids = _group_ids(root)
    assert {"russian_administered", "contact_line"} <= ids
    for off in ("labels", "settlements", "dmz_ukrainian_side", "zones", "ceded_by_ukraine", "admin1", "dnieper",
                "baseline_line"):
        assert off not in ids, off
    legend = _texts(next(g for g in root.iter(f"{SVG}g") if g.get("id") == "legend"))
    assert "Russian-administered" in legend and "DMZ" not in legend and "Dnieper" not in legend


def test_layers_from_the_app_switches():
    from borderline.webmap import MapOptions

    on = ex.layers_from_map_options(MapOptions(dmz=False, settlements=False, changes=False))
    assert "dmz" not in on and "settlements" not in on and "labels" not in on and "ceded" not in on
    assert {"russian_administered", "contact_line", "zones", "admin1", "dnieper"} <= on
    assert ex.layers_from_map_options(MapOptions()) == frozenset(printmap.LAYERS)


def test_unknown_layer_is_one_line(tmp_path, capsys):
    code, _, err = _cli(["export", "status-quo-2025-02", "--format", "png", "--layers", "roads", "--out",
                         str(tmp_path), "--quiet"], capsys)
    assert code == 2 and "--layers" in err and "roads" in err and len(err.strip().splitlines()) == 1
    with pytest.raises(ex.ExportError, match="layer roads"):
        ex.render_bytes(evaluate(load_builtin("status-quo-2025-02")), "png", layers="roads")


# -- file names -------------------------------------------------------------------------------------------


def test_a4_and_slide_never_share_a_file_name(tmp_path, capsys):
    names = set()
    for page in printmap.PAGES:
        for extent in ("ukraine", "east-south", (34, 46.5, 39, 49)):
            names.add(ex.export_filename("donbas-withdrawal", 5, 5, "pdf", page, extent))
    assert len(names) == len(printmap.PAGES) * 3
    assert ex.export_filename("donbas-withdrawal", 5, 5, "pdf", "a4", "east-south") == \
        "donbas-withdrawal__dmz-5-5_a4_east-south.pdf"
    for page in ("a4", "slide"):
        code, _, err = _cli(["export", "status-quo-2025-02", "--format", "png", "--page", page, "--dpi", "20",
                             "--out", str(tmp_path), "--quiet"], capsys)
        assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "status-quo-2025-02__dmz-0-0_a4_ukraine.png", "status-quo-2025-02__dmz-0-0_slide_ukraine.png"]


# -- the locator inset ---------------------------------------------------------------------------------------


def test_no_inset_when_the_map_shows_the_whole_country(ev):
    with printmap.rendering():
        whole = printmap.figure(ev, "a4", "ukraine", dpi=40)
        part = printmap.figure(ev, "a4", "east-south", dpi=40)
        tall = printmap.figure(ev, "story", (34, 46.5, 39, 49), dpi=40)
    assert "locator" not in {a.get_gid() for a in whole.axes}
    for fig in (part, tall):
        inset = next(a for a in fig.axes if a.get_gid() == "locator")
        main = next(a for a in fig.axes if a.get_gid() == "map")
        (ix0, ix1), (iy0, iy1) = inset.get_xlim(), inset.get_ylim()
        (mx0, mx1), (my0, my1) = main.get_xlim(), main.get_ylim()
        # the red frame (the main map's view) lies inside the inset and is clearly smaller than it
        assert ix0 <= mx0 and mx1 <= ix1 and iy0 <= my0 and my1 <= iy1
        assert (mx1 - mx0) * (my1 - my0) < 0.6 * (ix1 - ix0) * (iy1 - iy0)


def test_an_inset_over_the_map_takes_the_emptiest_corner(ev):
    """On square and tall pages the locator sits over the map: in the corner that hides least of Ukraine."""
    import shapely

    with printmap.rendering():
        fig = printmap.figure(ev, "square", "east-south", dpi=40)
        renderer = fig.canvas.get_renderer()
        main = next(a for a in fig.axes if a.get_gid() == "map")
        inset = next(a for a in fig.axes if a.get_gid() == "locator").get_window_extent(renderer)
        (x0, y0), (x1, y1) = main.transData.inverted().transform([(inset.x0, inset.y0), (inset.x1, inset.y1)])
        view = shapely.box(*main.get_xlim()[:1], main.get_ylim()[0], main.get_xlim()[1], main.get_ylim()[1])
    ukraine = printmap._base(400.0).ukraine
    hidden = shapely.area(shapely.intersection(ukraine, shapely.box(x0, y0, x1, y1)))
    corners = []
    for cx in (main.get_xlim()[0], main.get_xlim()[1] - (x1 - x0)):
        for cy in (main.get_ylim()[1] - (y1 - y0), main.get_ylim()[0]):
            corners.append(shapely.area(shapely.intersection(ukraine, shapely.box(cx, cy, cx + x1 - x0, cy + y1 - y0))))
    assert hidden <= sorted(corners)[1] + 1e6  # the emptiest corner, or the second when that is the scale bar's
    assert hidden < 0.1 * shapely.area(shapely.intersection(ukraine, view))


def test_whole_country_test_is_about_area():
    ukraine = printmap.extent_bounds("ukraine")
    assert printmap.shows_whole_country(ukraine)
    assert not printmap.shows_whole_country(printmap.extent_bounds("east-south"))


# -- small multiples ----------------------------------------------------------------------------------------


def test_small_multiples_share_extent_and_scale(tmp_path):
    ids = ["status-quo-2025-02", "donbas-withdrawal", "us-28-point-plan-2025-11", "us-ukraine-20-point-2025-12"]
    evs = [evaluate(load_builtin(i)) for i in ids]
    with printmap.rendering():
        fig = printmap.small_multiples_figure(evs, "a4", "ukraine", dpi=60)
        renderer = fig.canvas.get_renderer()
        panels = [a for a in fig.axes if (a.get_gid() or "").startswith("panel_")]
        titles = {t.get_gid(): t.get_text() for t in fig.texts if (t.get_gid() or "").startswith("panel_")}
    assert len(panels) == 4
    assert len({tuple(round(v) for v in (*a.get_xlim(), *a.get_ylim())) for a in panels}) == 1  # same extent
    assert len({round(a.get_window_extent(renderer).width, 3) for a in panels}) == 1  # same size, so same scale
    for k, (i, ev) in enumerate(zip(ids, evs), 1):
        assert titles[f"panel_{k}_title"].replace("\n", " ").startswith(f"{k}. {ev.scenario.title[:20]}")
        assert f"line of {printmap.fmt_date(ev.baseline)}" in titles[f"panel_{k}_subtitle"]
        # a further page of the same series (fewer panels) keeps the panel size, so the scale, and the numbering
        rest = printmap.small_multiples_figure(evs[:1], "a4", "ukraine", dpi=60, grid_for=4, first_number=5)
        rest_panel = next(a for a in rest.axes if a.get_gid() == "panel_1")
        assert round(rest_panel.get_window_extent(renderer).width, 3) == round(
            panels[0].get_window_extent(renderer).width, 3)
        assert next(t.get_text() for t in rest.texts if t.get_gid() == "panel_1_title").startswith("5. ")
    png = ex.render_small_multiples(evs, "png", page="a4", dpi=100)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "small_multiples.png").write_bytes(png)


def test_cli_small_multiples_export(tmp_path, capsys):
    code, out, err = _cli(["export", "--small-multiples", "status-quo-2025-02,donbas-withdrawal", "--format", "svg",
                           "--page", "square", "--out", str(tmp_path), "--quiet"], capsys)
    assert code == 0, err
    path = Path(out.strip())
    assert path.name == "compare_status-quo-2025-02_donbas-withdrawal_square_ukraine.svg"
    every = [e.get("id") for e in ET.parse(path).getroot().iter() if e.get("id")]
    assert len(every) == len(set(every))
    ids = _group_ids(ET.parse(path).getroot())
    assert {"panel_1", "panel_2", "panel_1_title", "legend", "title", "panel_1_contact_line",
            "panel_2_russian_administered"} <= ids
    code, _, err = _cli(["export", "--small-multiples", "status-quo-2025-02,nope", "--out", str(tmp_path / "x"),
                         "--quiet"], capsys)
    assert code == 2 and "nope" in err and len(err.strip().splitlines()) == 1


# -- report --all and the report's columns ---------------------------------------------------------------


@pytest.fixture(scope="module")
def all_report(tmp_path_factory):
    from borderline.cli import main

    out = tmp_path_factory.mktemp("all") / "all.pdf"
    assert main(["report", "--all", "--out", str(out), "--quiet"]) == 0
    return out


def test_report_all_has_the_matrix_and_the_small_multiples(all_report):
    from pypdf import PdfReader

    from borderline.report import page_count

    n = len(builtin_ids())
    assert len(PdfReader(all_report).pages) == page_count(n, overview=True)
    matrix = " ".join(subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(all_report), "-"], capture_output=True,
                                     text=True, check=True).stdout.split())
    for needle in ("Every proposal on the line of its own day", "Monitored", "Troops", "Ceded", "Returned",
                   "20 November 2025", "24 December 2025"):
        assert needle in matrix, needle
    for i in builtin_ids():
        assert load_builtin(i).title[:25] in matrix
    multiples = subprocess.run(["pdftotext", "-f", "3", "-l", "3", str(all_report), "-"], capture_output=True,
                               text=True, check=True).stdout
    assert "Every proposal on one extent and scale" in multiples and "line of 20 November 2025" in multiples


def test_report_all_refuses_ids(tmp_path, capsys):
    code, _, err = _cli(["report", "--all", "status-quo-2025-02", "--out", str(tmp_path / "r.pdf")], capsys)
    assert code == 2 and "--all" in err


def _word_boxes(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    root = ET.fromstring(html[html.index("<html"):])  # the DOCTYPE line is not XML etree reads
    out = []
    for w in root.iter("{http://www.w3.org/1999/xhtml}word"):
        out.append((float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")), w.text))
    return out


def test_report_cover_columns_never_run_together(tmp_path):
    """The cover once printed "0 / 012 February 2025": the DMZ column ran into the date."""
    from borderline.report import write_report

    evs = [evaluate(load_builtin(i)) for i in ("status-quo-2025-02", "us-28-point-plan-2025-11")]
    pdf = write_report(evs, tmp_path / "r.pdf")
    layout = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                            text=True, check=True).stdout
    assert "012 February" not in layout and "020 November" not in layout
    words = _word_boxes(pdf, 1)
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            same_line = min(a[3], b[3]) - max(a[1], b[1]) > 0.5 * (a[3] - a[1])
            if same_line:
                gap = max(b[0] - a[2], a[0] - b[2])
                assert gap > 1.5, (a[4], b[4])  # points; a space of 7.5 pt type is about 2.4 pt
    # the DMZ cell ("0 / 0") and the date are apart by more than a space
    dates = [w for w in words if w[4] == "20"]
    zero = [w for w in words if w[4] == "0" and dates and abs(w[1] - dates[0][1]) < 2]
    assert dates and zero and dates[0][0] - max(z[2] for z in zero) > 8


@pytest.mark.parametrize("overview", [False, True])
def test_report_text_never_overlaps_on_the_table_pages(overview):
    from borderline import report

    evs = [evaluate(load_builtin(i)) for i in ("status-quo-2025-02", "claim-with-referendum-zone",
                                               "us-28-point-plan-2025-11")]
    with printmap.rendering():
        figs = [report._cover(evs, __import__("datetime").date(2026, 1, 1), overview)]
        figs.append(report._matrix(evs, 0, 1, 1) if overview else report._comparison(evs, [0, 1, 2], 1, 1))
        if not overview:  # a scenario page with recognition, sites and monitoring rows in its tables
            figs.append(report._scenario_page(evaluate(load_builtin("us-framework-2025-04")), 1, "ukraine", "x"))
        for fig in figs:
            renderer = fig.canvas.get_renderer()
            # each box widened by 0.05 inch on either side: cells must be apart by more than a space
            boxes = [(t.get_text(), t.get_window_extent(renderer).expanded(1, 1).padded(0)) for t in fig.texts
                     if t.get_text().strip()]
            boxes = [(text, type(b).from_extents(b.x0 - 0.05 * fig.dpi, b.y0, b.x1 + 0.05 * fig.dpi, b.y1))
                     for text, b in boxes]
            for i, (ta, a) in enumerate(boxes):
                for tb, b in boxes[i + 1:]:
                    assert not a.overlaps(b), (ta, tb)


# -- sites, recognition and the new zone types ---------------------------------------------------------

PROPOSAL = """
id = "publish-test"
title = "Freeze with recognition, a site and a free economic zone"
summary = "A test scenario."
baseline = "2025-12-24"
[provenance]
proposed_by = "test"
date = "2025-12"
source = "test"

[territory]
intersection = [{ control = "2025-12-24" }, { admin1 = ["UA-14", "UA-09", "UA-23", "UA-65", "UA-43", "UA-40"] }]

[[zones]]
name = "Free economic zone"
type = "free_economic"
administered_by = "ukraine"
area = { difference = [{ admin1 = ["UA-14"] }, { control = "2025-12-24" }] }

[recognition]
de_jure = { admin1 = ["UA-43", "UA-40"] }
de_facto = { admin1 = ["UA-09"] }

[[sites]]
site = "zaporizhzhia-npp"
administered_by = "united_states"
"""


@pytest.fixture(scope="module")
def proposal():
    from scenarios.model import loads

    return evaluate(loads(PROPOSAL, "publish-test.toml"))


def test_sites_recognition_and_new_zone_types_are_drawn_and_keyed(proposal):
    from borderline.style import recognition_style, site_style, zone_style

    root = ET.fromstring(printmap.render(proposal, "svg", "a4", "east-south"))
    ids = _group_ids(root)
    assert {"sites", "recognized_de_jure", "recognized_de_facto", "zones"} <= ids
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g")}
    assert "Zaporizhzhia nuclear power plant" in _texts(groups["labels"])
    legend = _texts(groups["legend"])
    for label in (recognition_style("de_jure").label, recognition_style("de_facto").label,
                  site_style("nuclear_plant").label, zone_style("free_economic").label.lower()):
        assert label.lower() in legend.lower(), label
    # only the sites the scenario names are drawn: the others of sites.toml are not
    assert [s["id"] for s in printmap.site_points(proposal)] == ["zaporizhzhia-npp"]
    assert len(groups["sites"].findall(f".//{SVG}path")) >= 1
    plain = ET.fromstring(printmap.render(evaluate(load_builtin("status-quo-2025-02")), "svg", "a4", "east-south"))
    assert not {"sites", "recognized_de_jure", "recognized_de_facto"} & _group_ids(plain)


def test_sites_and_recognition_follow_the_layer_switches(proposal):
    layers = [x for x in printmap.LAYERS if x not in ("sites", "recognition")]
    ids = _group_ids(ET.fromstring(printmap.render(proposal, "svg", "web", "east-south", layers=layers)))
    assert not {"sites", "recognized_de_jure", "recognized_de_facto"} & ids and "russian_administered" in ids


# -- the app's publishing controls ----------------------------------------------------------------------


def _publish_page():
    import streamlit as st

    from borderline.ui import publish
    from borderline.webmap import MapOptions
    from scenarios.engine import evaluate
    from scenarios.library import load_builtin

    ev = evaluate(load_builtin("status-quo-2025-02"))
    bounds = st.session_state.get("test_bounds", [[46.5, 34.0], [49.0, 39.0]])
    options = publish.controls(ev.scenario.title, bounds, MapOptions(dmz=False))
    st.json({k: (sorted(v) if isinstance(v, frozenset) else v) for k, v in options.items()})
    publish.map_downloads(ev, options)
    publish.small_multiples_downloads([ev, evaluate(load_builtin("donbas-withdrawal"))], options)


def test_app_publish_controls_give_checked_options():
    import json

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_publish_page, default_timeout=60).run()
    assert not at.exception
    options = json.loads(at.json[0].value)
    assert options["page"] == "a4" and options["extent"] == [34.0, 46.5, 39.0, 49.0]  # "use the current view" first
    assert "dmz" not in options["layers"] and "contact_line" in options["layers"]  # follows the map's switches
    at.selectbox(key="pub_page").set_value("story")
    at.selectbox(key="pub_extent").set_value("east-south")
    at.text_input(key="pub_title").input("Who holds what")
    at.run()
    options = json.loads(at.json[0].value)
    assert (options["page"], options["extent"], options["title"]) == ("story", "east-south", "Who holds what")
    names = [b.proto.label for b in at.get("download_button")]
    assert names == ["PNG", "SVG", "PDF", "Small multiples, PNG", "Small multiples, SVG", "Small multiples, PDF"]

    at = AppTest.from_function(_publish_page, default_timeout=60)
    at.session_state["test_bounds"] = [[10, 100], [20, 110]]  # a view far from Ukraine
    at.run()
    assert not at.exception
    assert "cannot be printed" in at.warning[0].value
    assert json.loads(at.json[0].value)["extent"] == "ukraine"


def test_ukrainian_print_names_the_site_in_ukrainian(proposal):
    from borderline.i18n import use_language

    with use_language("uk"):
        points = printmap.site_points(proposal)
        svg = printmap.render(proposal, "svg", "square", "east-south")
    assert points[0]["name"] == "Запорізька атомна електростанція"
    assert "Запорізька атомна електростанція" in _texts(ET.fromstring(svg))


def test_parameter_values_are_in_the_file_name_and_the_subtitle(tmp_path, capsys):
    """Two pull-backs of the 20-point plan never overwrite each other, and each map says which it shows."""
    for km in ("5", "40"):
        code, _, err = _cli(["export", "us-ukraine-20-point-2025-12", "--format", "csv,pdf", "--param",
                             f"pullback_km={km}", "--out", str(tmp_path), "--quiet"], capsys)
        assert code == 0, err
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(f"us-ukraine-20-point-2025-12__dmz-0-0__pullback_km-{km}{tail}" for km in ("5", "40")
                           for tail in (".csv", "_a4_ukraine.pdf"))
    pdf = tmp_path / "us-ukraine-20-point-2025-12__dmz-0-0__pullback_km-40_a4_ukraine.pdf"
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Mirror pull-back from the line in Donetsk oblast: 40 km" in text
