"""Issue 13 item 4 in a real browser (Debian's headless Chromium, internet cut off): the editor's preview stays
drawn while an edit is evaluated, stays in view beside the form, and a reload offers the draft back.

Speed (≤ 700 ms per edit) is measured by the bench, not here; these tests check what the reader sees.
"""

from __future__ import annotations

import time

import pytest

import browser_harness as harness
from test_browser import chromium, page, server, shot  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser
PREVIEW = ".st-key-ed_preview_box"


def open_editor(page, server):
    page.goto(server.url + "editor")
    page.get_by_text("Russian-administered territory").first.wait_for(timeout=120_000)
    discard = page.locator(".st-key-ed_discard button")
    if discard.count():
        discard.click()
        discard.wait_for(state="detached", timeout=30_000)


def pick_oblast(page, name: str) -> None:
    box = page.locator(".st-key-ed_t_oblasts input").last  # a page being redrawn may still hold the old one
    box.click()
    box.fill(name)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


def test_the_preview_stays_drawn_while_an_edit_is_evaluated(page, server):
    open_editor(page, server)
    pick_oblast(page, "Donetsk")
    harness.wait_for_map(page)
    page.get_by_text("DMZ 0 km (Ukrainian side)").first.wait_for(timeout=60_000)
    before = harness.feature_group_stamp(page)
    field = page.locator(".st-key-ed_ua input")
    field.fill("30")
    field.press("Enter")
    missing, start = 0, time.monotonic()
    while not page.get_by_text("DMZ 30 km (Ukrainian side)").count():
        assert time.monotonic() - start < 60, "the preview never showed the edit"
        frame = page.locator(harness.MAP_FRAME)
        box = frame.first.bounding_box() if frame.count() else None
        missing += box is None or box["height"] < 200
        time.sleep(0.02)
    assert missing == 0, f"the map was gone in {missing} samples while the edit was evaluated"
    assert harness.wait_for_map(page) > 0
    deadline = time.monotonic() + 30
    while harness.feature_group_stamp(page) == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert harness.feature_group_stamp(page) != before, "the map still shows the draft before the edit"
    assert not page.attempted_external


def test_the_preview_stays_in_view_while_the_form_scrolls(page, server):
    open_editor(page, server)
    pick_oblast(page, "Luhansk")
    harness.wait_for_map(page)
    top = page.locator(PREVIEW).bounding_box()["y"]
    page.locator(".st-key-ed_save").scroll_into_view_if_needed()
    time.sleep(0.5)
    after = page.locator(PREVIEW).bounding_box()
    assert after["y"] > -after["height"] / 2 and after["y"] < top, (top, after)
    frame = page.locator(harness.MAP_FRAME).first.bounding_box()
    assert frame["y"] + frame["height"] > 0, "the map scrolled out of view with the form"
    shot(page, "app_editor_scrolled.png")


def test_a_reload_offers_the_draft_back(page, server):
    open_editor(page, server)
    pick_oblast(page, "Kherson")
    harness.wait_for_map(page)
    page.locator(".st-key-ed_title input").fill("Draft before the reload")
    page.locator(".st-key-ed_title input").press("Enter")
    time.sleep(2)  # the autosave follows the run the edit started
    page.reload()
    restore = page.locator(".st-key-ed_restore button")
    restore.wait_for(timeout=120_000)
    assert restore.inner_text().startswith("Restore the draft from ")
    restore.click()
    page.locator(".st-key-ed_t_oblasts").get_by_text("Kherson").first.wait_for(timeout=60_000)
    title = page.locator(".st-key-ed_title input").last  # the page being redrawn may hold the old one too
    deadline = time.monotonic() + 30
    while title.input_value() != "Draft before the reload" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert title.input_value() == "Draft before the reload"
    harness.wait_for_map(page)
    shot(page, "app_editor_restored.png")
