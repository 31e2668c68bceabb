"""Issue 4: the interactive map's HTML needs no internet, escapes every name and stays small."""

from __future__ import annotations

import re

import pytest

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
