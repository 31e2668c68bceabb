"""The app's issue-13 figures: a shared link restored, a comparison of four drawn, an editor edit previewed, and
the payload of four small maps. Same live server and browser as bench/cases_app.py (network cut off)."""

from __future__ import annotations

import itertools
import time

from bench.cases_app import _browser_available, _session, _warm, timed_visit
from bench.core import Case

FOUR = ["status-quo-2025-02", "donbas-withdrawal", "four-oblasts-claim", "us-28-point-plan-2025-11"]
_WIDTHS = itertools.count(1)


def _width() -> int:
    """A DMZ width not drawn before in this run, so the server evaluates it afresh."""
    return next(_WIDTHS) % 60 + 1


def _link_restore() -> float:
    """Seconds from opening a shared link (scenario, parameter, widths, zoom, centre, layers off, place searched)
    to its map drawn, fresh browser context."""
    w = _width()
    return timed_visit(f"?view=map&s=us-ukraine-20-point-2025-12&p.pullback_km=40&ua={w}&ru={w}"
                       f"&z=8&at=48.3,37.6&off=dnieper&place=Kramatorsk", _session().harness.wait_for_map)


def _compare_four() -> float:
    """Seconds from opening a comparison of four scenarios to the fourth small map's polygons drawn."""
    w = _width()
    ids = "&".join(f"{k}={sid}" for k, sid in zip(("s", "b", "s3", "s4"), FOUR))
    return timed_visit(f"compare?view=compare&layout=side&ua={w}&ru={w}&{ids}",
                       lambda page: _session().harness.wait_for_grid(page, 4))


_EDITOR: dict = {}


def _editor_setup() -> None:
    s = _session()
    context, page = s.new_page()
    page.goto(s.server.url + "editor")
    page.get_by_text("Russian-administered territory").first.wait_for(timeout=120_000)
    discard = page.locator(".st-key-ed_discard button")
    if discard.count():
        discard.click()
    box = page.locator(".st-key-ed_t_oblasts input").last  # a page being redrawn may still hold the old one
    box.click()
    box.fill("Donetsk")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    s.harness.wait_for_map(page)
    _EDITOR.update(context=context, page=page, blank=0)


def _editor_edit() -> float:
    """Seconds from a new DMZ width typed into the editor to the preview showing it; counts samples in which the
    preview map was missing (it must stay drawn)."""
    s, page = _session(), _EDITOR["page"]
    w = _width()
    field = page.locator(".st-key-ed_ua input")
    field.fill(str(w))
    start = time.perf_counter()
    field.press("Enter")
    while not page.get_by_text(f"DMZ {w} km (Ukrainian side)").count():
        frame = page.locator(s.harness.MAP_FRAME)
        box = frame.first.bounding_box() if frame.count() else None
        _EDITOR["blank"] += box is None or box["height"] < 200
        if time.perf_counter() - start > 60:
            raise RuntimeError("the editor preview never showed the edit")
        time.sleep(0.01)
    s.harness.wait_for_map(page)
    return time.perf_counter() - start


def _editor_blank() -> float:
    """Samples, over every measured edit, in which the editor's preview map was missing."""
    return float(_EDITOR.get("blank", 0))


def _payload_four_mb() -> float:
    """The comparison of four as the page receives it: four small maps sharing one basemap, every layer, DMZ 50 km."""
    from borderline import webmap
    from scenarios.engine import evaluate
    from scenarios.library import load_builtin

    layers = [webmap.scenario_layers(evaluate(load_builtin(sid), (50.0, 50.0))) for sid in FOUR]
    html = webmap.grid_html(layers, FOUR, webmap.MapOptions(), webmap.INLINE, 320)
    return len(html.encode()) / 1e6


CASES = []
if _browser_available():
    CASES = [
        Case("app_link_restore_s", "app: a shared link (scenario, parameter, widths, zoom, centre, layers, place) "
             "to its map drawn, fresh browser", "s", _link_restore, repeat=3, target="≤ 3 s", setup=_warm),
        Case("app_compare4_s", "app: a comparison of four to the fourth small map drawn, fresh browser", "s",
             _compare_four, repeat=3, target="≤ 3 s"),
        Case("editor_preview_edit_s", "app editor: a DMZ width typed to the preview showing it", "s", _editor_edit,
             repeat=8, target="≤ 0.7 s", setup=_editor_setup),
        Case("editor_preview_blank_samples", "app editor: samples with the preview map missing during those edits",
             "count", _editor_blank, repeat=1, target="0"),
    ]
CASES.append(Case("compare4_payload_mb", "comparison of four: self-contained HTML of the four small maps (Leaflet "
                  "inlined, one basemap, every layer, DMZ 50 km)", "MB", _payload_four_mb, repeat=1, target="≤ 2 MB"))
