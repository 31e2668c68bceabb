"""Issue 4: the app in a real browser (Debian's headless Chromium), with the internet cut off.

A server is started by the test; every request to a host other than this
machine is aborted and recorded, and the tests assert that none was attempted.
Screenshots go to tests/artifacts/ for inspection. Without Chromium the tests
skip, except on CI (CI=true), where a missing browser fails the suite.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import browser_harness as harness

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
VIEWPORT = {"width": 1500, "height": 1100}


@pytest.fixture(scope="module")
def chromium():
    if harness.chromium_path() is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is missing on CI; .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = harness.launch(p)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with harness.AppServer(tmp_path_factory.mktemp("home")) as srv:
        yield srv


@pytest.fixture
def page(chromium, server):
    context = chromium.new_context(viewport=VIEWPORT)
    pg = context.new_page()
    pg.attempted_external = harness.cut_network(pg)
    yield pg
    context.close()


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def test_page_loads_offline_and_draws_the_map(page, server):
    page.goto(server.url + "?view=map&s=donbas-withdrawal&ua=10&ru=10")
    paths = harness.wait_for_map(page)
    # Basemap (sea, neighbours, Ukraine, oblasts, Dnieper, cities) and the scenario's parts.
    assert paths >= 40, f"only {paths} SVG paths on the map"
    frame = harness.map_frame(page)
    assert frame.locator(".bl-label").count() >= 3, "city labels are missing"
    assert "Russian-administered" in harness.legend_text(page)
    assert harness.metric_value(page, "Russian-administered").endswith("km²")
    page.wait_for_timeout(300)  # let the last frame paint before the screenshot (not an assertion)
    assert shot(page, "app_map.png").stat().st_size > 10_000
    assert page.attempted_external == [], f"requests off this machine: {page.attempted_external}"


def test_scenario_switch_changes_legend_and_metrics(page, server):
    page.goto(server.url + "?view=map&s=status-quo-2025-02")
    harness.wait_for_map(page)
    legend_before = harness.legend_text(page)
    area_before = harness.metric_value(page, "Russian-administered")
    stamp_before = harness.feature_group_stamp(page)
    assert "Referendum zone" not in legend_before
    harness.choose(page, "Scenario", "Four-oblast claim with a referendum zone west of the Dnieper")
    page.locator(".bl-legend", has_text="Referendum zone").first.wait_for(timeout=60_000)
    page.wait_for_function("(before) => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
                           ".some(e => e.innerText !== before) ", arg=area_before, timeout=60_000)
    assert harness.metric_value(page, "Russian-administered") != area_before
    page.wait_for_function("() => true")  # one more turn of the event loop for the map component
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    frame.wait_for_function("(before) => { const g = window.__GLOBAL_DATA__.last_feature_group;"
                            " return (g.length + ':' + g.slice(-200)) !== before; }", arg=stamp_before,
                            timeout=60_000)
    assert "s=claim-with-referendum-zone" in page.url
    shot(page, "app_switched.png")
    assert page.attempted_external == [], f"requests off this machine: {page.attempted_external}"


def test_compare_side_by_side_draws_two_maps_offline(page, server):
    page.goto(server.url + "?view=compare&s=donbas-withdrawal&b=four-oblasts-claim&layout=side")
    harness.wait_for_map(page)
    frame = harness.map_frame(page)
    assert frame.locator(".leaflet-container").count() == 2
    assert page.get_by_text("B − A").first.is_visible()
    shot(page, "app_compare.png")
    assert page.attempted_external == [], f"requests off this machine: {page.attempted_external}"


def test_import_refuses_a_bad_file_in_the_page_then_shows_a_good_one(page, server, tmp_path):
    bad = tmp_path / "line.geojson"
    bad.write_text("{not json", encoding="utf-8")
    good = tmp_path / "area.geojson"
    good.write_text(json.dumps({"type": "Feature", "properties": {"name": "<b>Line</b> of 2026"}, "geometry": {
        "type": "Polygon", "coordinates": [[[36, 47.5], [37.5, 47.5], [37.5, 48.5], [36, 48.5], [36, 47.5]]]}}),
        encoding="utf-8")
    page.goto(server.url + "?view=import")
    uploader = page.locator('[data-testid="stFileUploader"] input[type=file]').first
    uploader.wait_for(state="attached", timeout=60_000)
    uploader.set_input_files(str(bad))
    page.get_by_text("not valid JSON").first.wait_for(timeout=60_000)
    assert not page.locator('[data-testid="stException"]').count(), "a traceback is shown"
    uploader.set_input_files(str(good))
    harness.wait_for_map(page)
    assert page.get_by_text("<b>Line</b> of 2026", exact=False).count() >= 1, "the name is not shown literally"
    shot(page, "app_import.png")
    assert page.attempted_external == [], f"requests off this machine: {page.attempted_external}"


def test_editor_renders_offline(page, server):
    page.goto(server.url + "?view=editor")
    page.get_by_text("Russian-administered territory").first.wait_for(timeout=60_000)
    shot(page, "app_editor.png")
    assert not page.locator('[data-testid="stException"]').count()
    assert page.attempted_external == [], f"requests off this machine: {page.attempted_external}"


def test_downloads_come_from_the_shared_export_module(page, server):
    page.goto(server.url + "?view=map&s=donbas-withdrawal&ua=5&ru=5")
    harness.wait_for_map(page)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="CSV", exact=True).click()
    download = info.value
    assert download.suggested_filename == "donbas-withdrawal__dmz-5-5.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.lstrip("\ufeff").startswith("scenario,") and "russian_administered_km2" in text
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="PNG", exact=True).click()
    assert Path(info.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.attempted_external == [], f"requests off this machine: {page.attempted_external}"


def test_time_view_draws_map_and_chart_offline_and_the_slider_moves_the_day(page, server):
    page.goto(server.url + "?view=time&day=2025-11-20")
    assert harness.wait_for_map(page) >= 40
    assert harness.wait_for_chart(page) >= 1, "the chart of the area over time did not draw"
    area_before = harness.metric_value(page, "Russian-administered")
    stamp_before = harness.feature_group_stamp(page)
    harness.press_slider(page, "Day", "Home")  # the first supported day
    page.wait_for_function("(before) => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
                           ".some(e => e.innerText.endsWith('km²') && e.innerText !== before)", arg=area_before,
                           timeout=60_000)
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    frame.wait_for_function("(before) => { const g = window.__GLOBAL_DATA__.last_feature_group;"
                            " return g && (g.length + ':' + g.slice(-200)) !== before; }", arg=stamp_before,
                            timeout=60_000)
    from borderline.ui.days import calendar

    page.wait_for_function("(first) => location.search.includes('day=' + first)", arg=calendar().first,
                           timeout=30_000)
    assert not page.locator('[data-testid="stException"]').count(), "a traceback is shown"
    page.get_by_text("By oblast", exact=True).first.click()
    page.get_by_text("Luhansk Oblast").first.wait_for(timeout=60_000)  # the chart's legend, per oblast
    shot(page, "app_time.png")
    assert page.attempted_external == [], f"requests off this machine: {page.attempted_external}"
