"""The Streamlit app (issue 4): first map drawn in a browser, a scenario switch, the map's payload.

The browser figures drive Debian's headless Chromium against a live
`streamlit run app.py` on this machine, with every request to another host
cut off (as on a closed network). The server has answered once before the
first measurement (its health check and a warm-up page), so what is measured
is a reader's visit to a running app: a fresh browser context each time (cold
browser cache), a DMZ width not evaluated before.
"""

from __future__ import annotations

import atexit
import itertools
import sys
import tempfile
import time
from pathlib import Path

from bench.core import Case

SWITCH_CYCLE = ["donbas-withdrawal", "four-oblasts-claim", "claim-with-referendum-zone", "trans-dnieper-dmz",
                "us-28-point-plan-2025-11", "us-ukraine-20-point-2025-12", "zaporizhzhia-city-held",
                "status-quo-2025-02"]
VIEWPORT = {"width": 1500, "height": 1100}


class _Session:
    """One app server and one browser for all the app cases; closed when the process exits."""

    def __init__(self):
        from playwright.sync_api import sync_playwright

        harness = _browser_harness()

        self.harness = harness
        self.server = harness.AppServer(Path(tempfile.mkdtemp(prefix="borderline-bench-app-"))).__enter__()
        self._pw = sync_playwright().start()
        self.browser = harness.launch(self._pw)
        self.widths = itertools.count(1)
        self.titles = {}
        atexit.register(self.close)

    def new_page(self):
        context = self.browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        self.harness.cut_network(page)
        return context, page

    def close(self) -> None:
        for closer in (self.browser.close, self._pw.stop, lambda: self.server.__exit__(None, None, None)):
            try:
                closer()
            except Exception:  # closing at exit: nothing more to do about it
                pass


_SESSION: _Session | None = None
TESTS = Path(__file__).resolve().parents[1] / "tests"


def _browser_harness():
    """The browser test driver, tests/browser_harness.py (a test tool, not part of the package)."""
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    import browser_harness

    return browser_harness


def _session() -> _Session:
    global _SESSION
    if _SESSION is None:
        _SESSION = _Session()
    return _SESSION


def _warm() -> None:
    s = _session()
    context, page = s.new_page()
    page.goto(s.server.url)
    s.harness.wait_for_map(page)
    context.close()


def timed_visit(path: str, drawn) -> float:
    """Seconds from opening ``path`` of the app in a fresh browser context until ``drawn(page)`` returns."""
    s = _session()
    context, page = s.new_page()
    start = time.perf_counter()
    page.goto(s.server.url + path)
    drawn(page)
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def _first_draw() -> float:
    """Seconds from navigation to the map's polygons in the page, fresh browser context."""
    s = _session()
    width = next(s.widths) % 50
    return timed_visit(f"?view=map&s=donbas-withdrawal&ua={width}&ru={width}", s.harness.wait_for_map)


_SWITCH: dict = {}


def _switch_setup() -> None:
    from scenarios.library import load_builtin

    s = _session()
    context, page = s.new_page()
    page.goto(f"{s.server.url}?view=map&s=status-quo-2025-02")
    s.harness.wait_for_map(page)
    _SWITCH.update(context=context, page=page, cycle=itertools.cycle(SWITCH_CYCLE),
                   titles={sid: load_builtin(sid).title for sid in SWITCH_CYCLE})


def _switch() -> float:
    """Seconds from picking another scenario to its layers in the map (component updated in place)."""
    s, page = _session(), _SWITCH["page"]
    sid = next(_SWITCH["cycle"])
    before = s.harness.feature_group_stamp(page)
    option = s.harness.open_choices(page, "Scenario", _SWITCH["titles"][sid])
    start = time.perf_counter()  # from the reader's click on the scenario, not from opening the list
    option.click()
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    frame.wait_for_function("(before) => { const g = window.__GLOBAL_DATA__.last_feature_group;"
                            " return g && (g.length + ':' + g.slice(-200)) !== before; }", arg=before,
                            timeout=60_000)
    # The next animation frame has painted the new layers.
    frame.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return time.perf_counter() - start


_SLIDER: dict = {}


def _slider_setup() -> None:
    s = _session()
    context, page = s.new_page()
    page.goto(f"{s.server.url}?view=time&day=latest")
    s.harness.wait_for_map(page)
    _SLIDER.update(context=context, page=page)


def _slider() -> float:
    """Seconds from a key press on the time view's slider (a step back, or to the end) to that day's layers painted
    in the map (a day not shown before, so not cached, except the end)."""
    s, page = _session(), _SLIDER["page"]
    value = page.locator('[data-testid="stSlider"]', has_text="Day").first.locator(
        '[data-testid="stSliderThumbValue"]')  # the Day slider's own (the page has other sliders)
    before = value.inner_text()
    start = time.perf_counter()
    s.harness.press_slider(page, "Day", "End" if before <= "2024-09-01" else "PageDown")
    while value.inner_text() == before:
        if time.perf_counter() - start > 60:
            raise RuntimeError("the time slider did not move")
        time.sleep(0.005)
    from geo.projected import projected

    day = projected().timeline.resolve(value.inner_text())  # a day before the daily record takes an earlier line
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    frame.wait_for_function("(day) => { const g = window.__GLOBAL_DATA__.last_feature_group;"
                            " return g && g.includes('Russian-administered on ' + day); }", arg=day, timeout=60_000)
    frame.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return time.perf_counter() - start


def _payload_mb() -> float:
    """The largest built-in's map as a self-contained page (Leaflet inlined), DMZ 50 km, every layer on."""
    from borderline import webmap
    from scenarios.engine import evaluate
    from scenarios.library import builtin_ids, load_builtin

    sizes = []
    for sid in builtin_ids():
        layers = webmap.scenario_layers(evaluate(load_builtin(sid), (50.0, 50.0)))
        sizes.append(webmap.payload_bytes(webmap.scenario_map(layers, webmap.MapOptions())))
    return max(sizes) / 1e6


def _browser_available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return _browser_harness().chromium_path() is not None


CASES = [
    Case("map_payload_mb", "app map HTML payload, largest built-in (Leaflet inlined, every layer, DMZ 50 km)",
         "MB", _payload_mb, repeat=1, target="≤ 2 MB"),
]
if _browser_available():
    CASES = [
        Case("app_first_draw_s", "app: navigation to map polygons drawn, fresh browser, running server", "s",
             _first_draw, repeat=3, target="≤ 2.5 s", setup=_warm),
        Case("app_switch_s", "app: scenario switch to the new layers painted in the map", "s", _switch,
             repeat=8, target="< 1 s", setup=_switch_setup),
        Case("app_time_slider_s", "app: time slider moved (a new day) to that day's layers painted in the map", "s",
             _slider, repeat=8, target="≤ 1 s", setup=_slider_setup),
        *CASES,
    ]
