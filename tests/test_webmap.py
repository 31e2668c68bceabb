"""Issue 4: the interactive map's HTML needs no internet, escapes every name and stays small."""

from __future__ import annotations

import re

import numpy as np
import pytest

from borderline import style as st_style
from borderline import webmap
from scenarios.engine import evaluate
from scenarios.library import load_builtin
from scenarios.model import scenario_from_dict

MAX_PAYLOAD_BYTES = 2_000_000


@pytest.fixture(scope="module")
def referendum_layers():
    return webmap.scenario_layers(evaluate(load_builtin("claim-with-referendum-zone"), (10.0, 10.0)))


def loaded_urls(html: str) -> list[str]:
    """Every URL the page would load: script sources and stylesheet links (not plain links)."""
    scripts = re.findall(r"<script[^>]*\bsrc=[\"']([^\"']+)", html, flags=re.I)
    sheets = re.findall(r"<link[^>]*\bhref=[\"']([^\"']+)", html, flags=re.I)
    return scripts + sheets


def test_standalone_map_loads_nothing_from_outside(referendum_layers):
    html = webmap.standalone_html(webmap.scenario_map(referendum_layers, webmap.MapOptions()))
    assert loaded_urls(html) == []
    for cdn in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "font-awesome", "fontawesome",
                "tile.openstreetmap"):
        assert cdn not in html
    assert "L.version" in html or "leaflet" in html.lower()  # Leaflet itself is inlined


def test_served_map_links_only_to_this_machine(referendum_layers):
    options = webmap.MapOptions()
    m = webmap.scenario_map(referendum_layers, options, webmap.served("../leaflet_assets/"))
    urls = loaded_urls(webmap.standalone_html(m))
    assert urls and all(u.startswith("../leaflet_assets/") for u in urls), urls


def test_online_tiles_only_when_asked(referendum_layers):
    off = webmap.standalone_html(webmap.scenario_map(referendum_layers, webmap.MapOptions()))
    on = webmap.standalone_html(webmap.scenario_map(referendum_layers, webmap.MapOptions(online_tiles=True)))
    assert "tile.openstreetmap.org" not in off and "tile.openstreetmap.org" in on


def test_leaflet_comes_from_the_installed_package():
    folder = webmap.leaflet_dir()
    assert (folder / "leaflet.js").is_file() and (folder / "leaflet.css").is_file()
    assert "js_lib_leaflet" in str(folder) and "site-packages" in str(folder)


def test_payload_is_at_most_2_mb_for_every_builtin():
    from scenarios.library import builtin_ids

    for sid in builtin_ids():
        layers = webmap.scenario_layers(evaluate(load_builtin(sid), (50.0, 50.0)))
        size = webmap.payload_bytes(webmap.scenario_map(layers, webmap.MapOptions()))
        assert size <= MAX_PAYLOAD_BYTES, f"{sid}: {size / 1e6:.2f} MB"


def test_every_polygon_has_a_tooltip_with_area_and_population(referendum_layers):
    for key in ("russian_administered", "ceded_by_ukraine", "dmz_ukrainian_side", "dmz_russian_side", "zones"):
        for feature in referendum_layers[key]["features"]:
            tip = feature["properties"]["tip"]
            assert "km²" in tip and "population" in tip and "2022 resident baseline, estimated" in tip
    for feature in webmap.basemap_layers()["admin1"]["features"]:
        assert "km²" in feature["properties"]["tip"] and "population" in feature["properties"]["tip"]


def hostile_scenario(name: str):
    base = load_builtin("trans-dnieper-dmz").model_dump(mode="json", exclude_none=True)
    base["zones"][0]["name"] = name
    base["id"] = "hostile"
    return scenario_from_dict(base)


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "{{ 7*7 }} {{ cycler.__init__ }}",
                                  "`${alert(1)}`", "{% if true %}x{% endif %}"])
def test_names_are_escaped_in_tooltips_and_legend(name):
    layers = webmap.scenario_layers(evaluate(hostile_scenario(name)))
    html = webmap.standalone_html(webmap.scenario_map(layers, webmap.MapOptions()))
    assert name not in html
    assert "49" not in re.findall(r"&#123;&#123; (\S+)", html), "a template expression was evaluated"
    legend = webmap.legend_html(webmap.legend_entries(layers, webmap.MapOptions()), name)
    assert "<script>" not in legend and "{{" not in legend and "{%" not in legend


def test_legend_follows_the_scenario():
    plain = webmap.scenario_layers(evaluate(load_builtin("status-quo-2025-02")))
    zoned = webmap.scenario_layers(evaluate(load_builtin("claim-with-referendum-zone"), (5.0, 5.0)))
    labels = lambda layers: [e[0] for e in webmap.legend_entries(layers, webmap.MapOptions())]  # noqa: E731
    assert not any("Referendum zone" in label for label in labels(plain))
    assert any("Referendum zone" in label for label in labels(zoned))
    assert "DMZ, Ukrainian side" in labels(zoned) and "DMZ, Ukrainian side" not in labels(plain)


def test_city_labels_are_tiered_by_population():
    cities = webmap.basemap_layers()["cities"]["features"]
    tiers = {f["properties"]["label"]: f["properties"]["tier"] for f in cities}
    assert tiers["Kyiv"] == 1
    assert all(1 <= t <= 4 for t in tiers.values())
    assert len(cities) >= 50


# ---------------------------------------------------------------------------------------------------------
# Issue 13: labels, credits, zoom, tiles, zones, sites, small multiples and the overlay


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("zoom", list(webmap.LABEL_ZOOMS))
def test_labels_never_overlap_at_any_zoom(zoom):
    boxes = webmap.label_boxes(webmap.basemap_layers()["labels"], zoom)
    assert boxes, f"no label at zoom {zoom}"
    for i, (name_a, a) in enumerate(boxes):
        for name_b, b in boxes[i + 1:]:
            assert not _overlap(a, b), f"zoom {zoom}: {name_a} overlaps {name_b}"


def test_donetsk_and_makiivka_do_not_overlap_at_zoom_8_and_both_are_named_close_in():
    labels = webmap.basemap_layers()["labels"]
    at8 = dict(webmap.label_boxes(labels, 8))
    assert "Donetsk" in at8
    if "Makiivka" in at8:
        assert not _overlap(at8["Donetsk"], at8["Makiivka"])
    assert "Makiivka" in dict(webmap.label_boxes(labels, 9)) or "Makiivka" in at8


def test_country_scale_names_cities_and_oblasts():
    labels = webmap.basemap_layers()["labels"]
    for zoom in (5, 6):
        oblasts = [it["text"] for it in labels if zoom in it["at"] and "bl-oblast" in it["cls"]]
        cities = [it["text"] for it in labels if zoom in it["at"] and "bl-oblast" not in it["cls"]]
        assert len(oblasts) >= 10, f"zoom {zoom}: oblast names {oblasts}"
        assert len(cities) >= 6, f"zoom {zoom}: city names {cities}"
    assert {"Kyiv", "Kharkiv", "Odesa", "Dnipro", "Lviv"} <= {n for n, _ in webmap.label_boxes(labels, 6)}


def test_cities_have_hover_details_with_oblast_and_population():
    kyiv = next(f for f in webmap.basemap_layers()["cities"]["features"] if f["properties"]["label"] == "Kyiv")
    tip = kyiv["properties"]["tip"]
    from borderline import format as fmt
    from geo.data import load_layer

    places = load_layer("settlements")
    population = int(places.loc[places["name"] == "Kyiv", "population"].max())
    # The one number style: three significant figures ("2.71 million"), never single people.
    assert "Kyiv" in tip and "GeoNames" in tip and f"population {fmt.people(population)}" in tip


def test_credits_are_shown_and_the_leaflet_prefix_is_not(referendum_layers):
    html = webmap.standalone_html(webmap.scenario_map(referendum_layers, webmap.MapOptions()))
    assert "setPrefix(false)" in html
    for credit in ("Natural Earth", "GeoNames", "OCHA", "DeepStateMap.Live"):
        assert credit in html
    assert f'"maxZoom": {webmap.MAX_ZOOM}' in html and webmap.MAX_ZOOM <= 13


def test_online_tiles_keep_the_embedded_basemap_under_them(referendum_layers):
    on = webmap.standalone_html(webmap.scenario_map(referendum_layers, webmap.MapOptions(online_tiles=True)))
    sea = st_style.BASEMAP["sea"].fill
    assert f'"fillColor": "{sea}"' in on, "the embedded sea is not drawn under the tiles"
    # the basemap pane lies under Leaflet's tile pane (z-index 200)
    assert re.search(r'createPane\(\s*"bl-base"\);\s*\S+\.style\.zIndex = 150;', on), "pane order"


def test_zone_fills_cannot_be_taken_for_the_sea():
    def rgb(colour):
        return np.array([int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)], dtype=float)

    white, sea = rgb("#FFFFFF"), rgb(st_style.BASEMAP["sea"].fill)
    for zone_type in st_style.ZONES:
        s = st_style.web_zone_style(zone_type)
        shown = white * (1 - s.fill_opacity) + rgb(s.fill) * s.fill_opacity  # over Ukraine's white
        assert np.abs(shown - sea).max() > 25, f"{zone_type}: {s.fill} at {s.fill_opacity} looks like the sea"
        assert s.fill.upper() not in st_style.WEB_SEA_LIKE_FILLS


def test_sites_are_drawn_with_their_status():
    ev = evaluate(load_builtin("us-28-point-plan-2025-11"))
    layers = webmap.scenario_layers(ev)
    sites = layers["sites"]["features"]
    assert len(sites) == len(ev.sites) > 0
    npp = next(f for f in sites if f["properties"]["id"] == "zaporizhzhia-npp")
    tip = npp["properties"]["tip"]
    assert "In this scenario" in tip and "On the baseline" in tip and "Russian-administered" in tip
    html = webmap.standalone_html(webmap.scenario_map(layers, webmap.MapOptions()))
    assert "Zaporizhzhia nuclear power plant" in html
    off = webmap.standalone_html(webmap.scenario_map(layers, webmap.MapOptions(sites=False)))
    assert "Zaporizhzhia nuclear power plant" not in off
    spit = next(f for f in layers["site_areas"]["features"] if "Kinburn" in f["properties"]["tip"])
    assert spit["geometry"]["type"] in ("Polygon", "MultiPolygon")  # the spit is an area, outlined


FOUR = ("status-quo-2025-02", "donbas-withdrawal", "four-oblasts-claim", "claim-with-referendum-zone")


@pytest.fixture(scope="module")
def four_evaluations():
    return [evaluate(load_builtin(sid), (10.0, 10.0)) for sid in FOUR]


def test_four_small_maps_share_one_basemap_and_stay_under_2_mb(four_evaluations):
    layers = [webmap.scenario_layers(ev) for ev in four_evaluations]
    html = webmap.grid_html(layers, list(FOUR), webmap.MapOptions(), webmap.INLINE, 300)
    assert len(html.encode("utf-8")) <= MAX_PAYLOAD_BYTES
    assert html.count('"sea":') == 1 and html.count('"admin1":') == 1, "the basemap is written more than once"
    assert all(f'id="blm{i}"' in html for i in range(4))
    assert loaded_urls(html) == []
    served = webmap.grid_html(layers, list(FOUR), webmap.MapOptions(), webmap.served("/component/x/"), 300)
    assert all(u.startswith("/component/x/") for u in loaded_urls(served))


def test_the_overlay_fills_only_a_only_b_and_draws_dmz_and_zones(four_evaluations):
    a_ev, b_ev = four_evaluations[0], four_evaluations[3]
    a = webmap.outline_layers(a_ev, "A", b_ev)
    b = webmap.outline_layers(b_ev, "B")
    diff = a["diff"]
    def km2_of(key):
        tip = diff[key]["features"][0]["properties"]["tip"]
        return float(re.search(r"([\d,.]+)\s*km²", tip).group(1).replace(",", ""))

    ra = a_ev.metrics.russian_administered_km2
    rb = b_ev.metrics.russian_administered_km2
    assert km2_of("only_b") == pytest.approx(rb - ra + (km2_of("only_a") if "only_a" in diff else 0.0), rel=0.01)
    assert km2_of("both") == pytest.approx(ra - (km2_of("only_a") if "only_a" in diff else 0.0), rel=0.01)
    specs = webmap.overlay_specs(a, b, webmap.MapOptions())
    styles = [s["style"] for s in specs]
    assert any(s["fillColor"] == st_style.PARTS["dmz_ukrainian_side"].fill for s in styles)
    assert any(s["fillColor"] == st_style.web_zone_style("referendum").fill for s in styles)
    assert any(s.get("dashArray") for s in styles if s["fillColor"] == st_style.PARTS["dmz_russian_side"].fill)
    html = webmap.grid_html([], ["A and B"], webmap.MapOptions(), webmap.INLINE, 500, overlay=(a, b))
    assert html.count('class="bl-small"') == 1


def test_the_place_popup_says_both_sides_and_the_history():
    from geo.places import describe, find_place

    info = describe(find_place("Pokrovsk", admin1="UA-14"))
    html = webmap.place_popup(info, "russia", "ukraine", "2025-02-12")
    assert "Pokrovsk" in html and "Donetsk Oblast" in html and "left" in html
    assert "On the baseline (2025-02-12): Ukrainian-held" in html and "<b>Russian-administered</b>" in html
    assert "Control history" in html


def test_no_path_can_show_a_focus_ring():
    """The side-by-side bug: Chromium drew the focus ring of the pressed SVG path, clipped by the renderer, as a
    straight dark line across a map after a zoom and a drag (see test_browser for the real thing)."""
    assert ".leaflet-interactive:focus" in webmap.MAP_CSS and "outline: none" in webmap.MAP_CSS
