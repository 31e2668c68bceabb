"""Issue 4: the Streamlit app's flows, driven by Streamlit's AppTest (no browser).

Each test starts a fresh session of app.py with its own scenario library
(BORDERLINE_HOME in a temporary folder) and checks what the page shows.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
import shapely
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 180  # the first run of a process loads the embedded data


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("BORDERLINE_HOME", str(tmp_path))
    return tmp_path


def start(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if query:
        at.query_params.update(query)
    at.run()
    assert_healthy(at)
    return at


def assert_healthy(at: AppTest) -> None:
    """No exception element (a traceback) on the page."""
    assert not at.exception, [e.value for e in at.exception]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def summary_cell(at: AppTest, row: str, column: str = "Area") -> str:
    table = at.table[0].value
    return str(table.loc[row, column])


def qp(at: AppTest, key: str) -> str:
    """A URL parameter of the page as the app last set it."""
    value = at.query_params[key]
    return value[0] if isinstance(value, list) else value


def plain(markdown: str) -> str:
    """Markdown source as the reader sees it (the app backslash-escapes and entity-escapes user text)."""
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown))


def errors(at: AppTest) -> list[str]:
    return [plain(e.value) for e in at.error]


def square_geojson(name: str = "New line") -> bytes:
    geom = shapely.geometry.mapping(shapely.box(36.0, 47.5, 37.5, 48.5))
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": name}, "geometry": geom}]}).encode()


def test_default_page_renders_with_metrics(home):
    at = start()
    assert metric(at, "Russian-administered").endswith("km²")
    assert "%" in metric(at, "Share of Ukraine")
    assert at.table, "the table of areas and populations is missing"
    notes = " ".join(c.value for c in at.caption)
    assert "2022 resident baseline" in notes and "estimated" in notes
    assert qp(at, "s") == "status-quo-2025-02"


def test_switching_scenario_changes_the_numbers(home):
    at = start()
    before = metric(at, "Russian-administered")
    at.sidebar.selectbox(key="w_scenario").set_value("four-oblasts-claim").run()
    assert_healthy(at)
    assert metric(at, "Russian-administered") != before
    assert at.markdown[0].value.startswith("### ") and "four oblasts" in at.markdown[0].value
    assert qp(at, "s") == "four-oblasts-claim"


def test_slider_changes_dmz_area(home):
    at = start()
    assert metric(at, "DMZ area") == "0\u00a0km²"
    at.sidebar.slider(key="w_both").set_value(20.0).run()
    assert_healthy(at)
    assert metric(at, "DMZ area") != "0\u00a0km²"
    assert qp(at, "ua") == "20" and qp(at, "ru") == "20"


def test_per_side_widths_change_one_side_only(home):
    at = start()
    at.sidebar.toggle(key="w_same").set_value(False).run()
    at.sidebar.slider(key="w_ua").set_value(15.0).run()
    assert_healthy(at)
    assert summary_cell(at, "DMZ, Ukrainian side (15 km)") != "0\u00a0km²"
    assert summary_cell(at, "DMZ, Russian side (0 km)") == "0\u00a0km²"


def test_compare_shows_deltas(home):
    at = start({"view": "compare", "s": "status-quo-2025-02", "b": "four-oblasts-claim"})
    table = next(t.value for t in at.table if "B − A" in t.value.columns)
    assert table.loc["Russian-administered", "B − A"].startswith("+")
    at.sidebar.radio(key="w_layout").set_value("overlay").run()
    assert_healthy(at)
    assert qp(at, "layout") == "overlay"


def test_url_restores_the_view(home):
    at = start({"view": "map", "s": "donbas-withdrawal", "ua": "5", "ru": "12.5"})
    assert at.session_state["scenario"] == "donbas-withdrawal"
    assert (at.session_state["ua"], at.session_state["ru"]) == (5.0, 12.5)
    assert summary_cell(at, "DMZ, Russian side (12.5 km)") != "0\u00a0km²"


def test_bad_link_is_explained_not_fatal(home):
    at = start({"s": "<script>", "ua": "lots"})
    assert at.session_state["scenario"] == "status-quo-2025-02"
    assert metric(at, "Russian-administered")


def build_in_editor(at: AppTest, title: str, oblasts: list[str]) -> AppTest:
    at.sidebar.radio(key="w_view").set_value("editor").run()
    at.text_input(key="ed_title").input(title)
    at.text_area(key="ed_summary").input("Test scenario.")
    at.text_input(key="ed_proposed_by").input("Tester")
    at.text_input(key="ed_date").input("2025-12")
    at.text_input(key="ed_source").input("tests/test_app.py")
    at.multiselect(key="ed_t_oblasts").set_value(oblasts)
    return at.run()


def test_editor_saves_a_scenario_that_appears_in_the_list_and_evaluates(home):
    at = start()
    build_in_editor(at, "Test Donetsk only", ["UA-14"])
    assert_healthy(at)
    assert not errors(at), errors(at)
    assert any(m.label == "Russian-administered" for m in at.metric), "the live preview shows no figures"
    at.button(key="ed_save").click().run()
    assert_healthy(at)
    assert (home / "scenarios" / "test-donetsk-only.toml").exists()
    assert any("Saved test-donetsk-only" in plain(t.value) for t in at.toast)
    at.sidebar.radio(key="w_view").set_value("map").run()
    picker = at.sidebar.selectbox(key="w_scenario")
    assert "test-donetsk-only" in picker.options or any("test-donetsk-only" in o for o in picker.options)
    picker.set_value("test-donetsk-only").run()
    assert_healthy(at)
    assert metric(at, "Russian-administered").startswith("26,")  # Donetsk oblast is about 26,500 km²


def test_editor_refuses_an_invalid_draft_with_a_message(home):
    at = start()
    build_in_editor(at, "No territory", [])
    assert any("choose at least one oblast" in plain(w.value) for w in at.warning)
    at.button(key="ed_save").click().run()
    assert_healthy(at)
    assert not (home / "scenarios" / "no-territory.toml").exists()


def test_library_upload_rename_duplicate_delete(home):
    from scenarios.library import load_builtin
    from scenarios.model import dumps

    toml = dumps(load_builtin("donbas-withdrawal").model_copy(update={"id": "mine"})).encode()
    at = start({"view": "editor"})
    at.file_uploader(key="lib_upload").set_value(("mine.toml", toml, "application/toml")).run()
    assert_healthy(at)
    assert (home / "scenarios" / "mine.toml").exists()
    at.text_input(key="lib_new_id").input("mine-2")
    at.button(key="lib_duplicate").click().run()
    assert (home / "scenarios" / "mine-2.toml").exists()
    at.text_input(key="lib_new_id").input("mine-3")
    at.button(key="lib_rename").click().run()
    assert (home / "scenarios" / "mine-3.toml").exists() and not (home / "scenarios" / "mine.toml").exists()
    at.selectbox(key="lib_pick").set_value("mine-2").run()
    at.button(key="lib_delete").click().run()
    assert (home / "scenarios" / "mine-2.toml").exists(), "deleted without confirmation"
    at.checkbox(key="lib_confirm").check()
    at.button(key="lib_delete").click().run()
    assert_healthy(at)
    assert not (home / "scenarios" / "mine-2.toml").exists()


def test_library_refuses_bad_toml_and_file_references(home):
    at = start({"view": "editor"})
    at.file_uploader(key="lib_upload").set_value(("bad.toml", b"id = [", "application/toml")).run()
    assert any("invalid TOML" in e for e in errors(at))
    sneaky = b'id = "x"\ntitle = "x"\nsummary = "x"\n[provenance]\nproposed_by = "x"\ndate = "2025"\nsource = "x"\n' \
             b'[territory]\ngeojson_file = "/etc/passwd"\n'
    at.file_uploader(key="lib_upload").set_value(("sneaky.toml", sneaky, "application/toml")).run()
    assert any("refers to a file on disk" in e for e in errors(at))
    assert not list((home / "scenarios").glob("*.toml"))


def test_invalid_upload_shows_an_error_and_the_page_keeps_working(home):
    at = start({"view": "import"})
    at.file_uploader(key="geo_upload").set_value(("line.geojson", b"{not json", "application/geo+json")).run()
    assert_healthy(at)
    assert any("not valid JSON" in e for e in errors(at))
    at.file_uploader(key="geo_upload").set_value(("roads.geojson", json.dumps({
        "type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[35, 47], [36, 48]]}
    }).encode(), "application/geo+json")).run()
    assert any("no polygons" in e for e in errors(at))
    at.sidebar.radio(key="w_view").set_value("map").run()
    assert_healthy(at)
    assert metric(at, "Russian-administered")


def test_uploaded_area_is_escaped_and_starts_a_scenario(home):
    at = start({"view": "import"})
    name = "<img src=x onerror=alert(1)> [link](http://example.org)"
    at.file_uploader(key="geo_upload").set_value(("area.geojson", square_geojson(name), "application/geo+json")).run()
    assert_healthy(at)
    assert not errors(at)
    label = at.expander[0].label
    assert "<img" not in label and "&lt;img" in label and "\\[link\\]" in label
    at.button(key="use_area-1").click().run()
    assert_healthy(at)
    assert at.session_state["view"] == "editor"
    assert at.session_state["ed_t_uploads"] == ["area-1"]
    assert any(m.label == "Russian-administered" for m in at.metric), errors(at) + [i.value for i in at.info]


def test_two_sessions_do_not_see_each_others_uploads(home):
    first = start({"view": "import"})
    first.file_uploader(key="geo_upload").set_value(("mine.geojson", square_geojson("secret line"),
                                                     "application/geo+json")).run()
    assert len(first.session_state["uploads"]) == 1
    second = start({"view": "import"})
    assert second.session_state["uploads"] == {}
    assert not second.main.expander
    second.sidebar.radio(key="w_view").set_value("editor").run()
    assert not any(m.key == "ed_t_uploads" for m in second.multiselect)


def test_unreadable_scenario_in_the_library_is_reported_not_fatal(home):
    folder = home / "scenarios"
    folder.mkdir(parents=True)
    (folder / "broken.toml").write_text("id = 'broken'\ntitle = \n", encoding="utf-8")
    at = start()
    assert any("broken.toml" in e for e in errors(at))
    assert metric(at, "Russian-administered")


def test_markup_in_a_scenario_title_is_shown_literally(home):
    from scenarios.library import load_builtin
    from scenarios.model import dumps

    hostile = load_builtin("status-quo-2025-02").model_copy(update={
        "id": "hostile", "title": "<script>alert(1)</script> **bold** ![img](http://example.org/x.png)"})
    at = start({"view": "editor"})
    at.file_uploader(key="lib_upload").set_value(("h.toml", dumps(hostile).encode(), "application/toml")).run()
    at.sidebar.radio(key="w_view").set_value("map").run()
    at.sidebar.selectbox(key="w_scenario").set_value("hostile").run()
    assert_healthy(at)
    heading = at.markdown[0].value
    assert "<script>" not in heading and "&lt;script&gt;" in heading
    assert "\\*\\*bold\\*\\*" in heading and "\\!\\[img\\]" in heading


def test_upload_over_25_mb_is_refused_in_the_page(home):
    at = start({"view": "import"})
    big = b'{"type": "FeatureCollection", "features": []}' + b" " * (25 * 1024 * 1024)
    at.file_uploader(key="geo_upload").set_value(("big.geojson", big, "application/geo+json")).run()
    assert_healthy(at)
    assert any("25 MB" in e for e in errors(at))
    assert at.session_state["uploads"] == {}


def test_every_layer_switch_can_be_turned_off(home):
    at = start({"s": "claim-with-referendum-zone", "ua": "10", "ru": "10"})
    for key in ("zones", "dmz", "contact_line", "changes", "oblasts", "dnieper", "settlements", "labels", "sites"):
        at.sidebar.toggle(key=f"w_lay_{key}").set_value(False)
    at.run()
    assert_healthy(at)
    assert not errors(at)
    legend = next(h.value for h in at.get("html") if "bl-legend-title" in h.value)
    assert "Russian-administered" in legend
    assert "Referendum zone" not in legend and "Oblast border" not in legend and "DMZ" not in legend
    assert qp(at, "off") == "zones,dmz,contact_line,changes,oblasts,dnieper,settlements,labels,sites"


def test_an_unsaved_draft_survives_a_visit_to_another_view(home):
    at = start()
    at.sidebar.radio(key="w_view").set_value("editor").run()
    at.text_input(key="ed_title").input("My unsaved draft").run()
    at.sidebar.radio(key="w_view").set_value("map").run()
    at.sidebar.radio(key="w_view").set_value("editor").run()
    assert at.text_input(key="ed_title").value == "My unsaved draft"
    assert not at.exception


def dmz_area(scenario, widths=None) -> str:
    """The "DMZ area" figure of a scenario evaluated by the engine directly (at its own widths by default)."""
    from borderline.ui import tables
    from scenarios.engine import evaluate

    return next(t.value for t in tables.tiles(evaluate(scenario, widths).metrics) if t.label == "DMZ area")


def wide_scenario_on_the_map(ua_km: float, ru_km: float):
    """A scenario of these DMZ widths uploaded to the library and picked in the map view; (page, scenario)."""
    from scenarios.library import load_builtin
    from scenarios.model import dumps

    wide = load_builtin("donbas-withdrawal").model_copy(update={"id": "wide"})
    wide = wide.model_copy(update={"dmz": wide.dmz.model_copy(update={"ukrainian_side_km": ua_km,
                                                                     "russian_side_km": ru_km})})
    at = start({"view": "editor"})
    at.file_uploader(key="lib_upload").set_value(("wide.toml", dumps(wide).encode(), "application/toml")).run()
    at.sidebar.radio(key="w_view").set_value("map").run()
    at.sidebar.selectbox(key="w_scenario").set_value("wide").run()
    assert_healthy(at)
    return at, wide


def test_a_100_km_scenario_is_evaluated_at_100_km_in_the_map_view(home):
    at, wide = wide_scenario_on_the_map(100.0, 100.0)
    assert (at.session_state["ua"], at.session_state["ru"]) == (100.0, 100.0)
    assert qp(at, "ua") == "100" and qp(at, "ru") == "100"
    assert summary_cell(at, "DMZ, Ukrainian side (100 km)") != "0\u00a0km²"
    assert metric(at, "DMZ area") == dmz_area(wide) != dmz_area(wide, (50.0, 50.0))


def test_the_editor_preview_evaluates_a_100_km_draft_at_100_km(home):
    from scenarios.library import UserLibrary

    at = start()
    build_in_editor(at, "Wide DMZ", ["UA-14"])
    at.number_input(key="ed_ua").set_value(100.0)
    at.number_input(key="ed_ru").set_value(100.0)
    at.run()
    assert_healthy(at)
    assert not errors(at), errors(at)
    assert any("DMZ 100 km (Ukrainian side) / 100 km (Russian side)" in plain(c.value) for c in at.caption)
    at.button(key="ed_save").click().run()
    saved = UserLibrary(home / "scenarios").load("wide-dmz")
    assert (saved.dmz.ukrainian_side_km, saved.dmz.russian_side_km) == (100.0, 100.0)
    assert summary_cell(at, "DMZ, both sides") == dmz_area(saved) != dmz_area(saved, (50.0, 50.0))


def test_a_width_past_the_sliders_is_said_and_still_used(home, monkeypatch):
    """Were the sliders shorter than the model's range, a wider scenario keeps its true width, and says so."""
    from borderline.ui import state

    monkeypatch.setattr(state, "SLIDER_MAX_KM", 50.0)
    at, wide = wide_scenario_on_the_map(100.0, 80.0)
    assert (at.session_state["ua"], at.session_state["ru"]) == (100.0, 80.0)
    assert any("wider than the sliders' 50 km" in plain(i.value) for i in at.info)
    assert summary_cell(at, "DMZ, Ukrainian side (100 km)") != "0\u00a0km²"
    assert metric(at, "DMZ area") == dmz_area(wide) != dmz_area(wide, (50.0, 50.0))


def test_show_on_the_map_from_the_library_switches_to_the_map_page(home):
    at, _ = wide_scenario_on_the_map(5.0, 5.0)
    at.sidebar.radio(key="w_view").set_value("editor").run()
    at.button(key="lib_show").click().run()
    assert_healthy(at)
    assert at.session_state["view"] == "map" and qp(at, "view") == "map" and qp(at, "s") == "wide"
    assert at.markdown[0].value.startswith("### ") and metric(at, "Russian-administered")


def test_the_library_is_read_again_only_when_its_files_change(home, monkeypatch):
    from borderline.ui import catalog
    from scenarios.library import UserLibrary, load_builtin

    reads = []
    real = catalog.all_entries
    monkeypatch.setattr(catalog, "all_entries", lambda lib: reads.append(lib.folder) or real(lib))
    at = start()
    at.run()
    at.sidebar.slider(key="w_both").set_value(5.0).run()
    assert reads == [home / "scenarios"], "the library was read again with no change to its files"
    UserLibrary(home / "scenarios").add(load_builtin("donbas-withdrawal").model_copy(update={"id": "mine"}))
    at.run()
    assert len(reads) == 2
    assert "mine" in at.sidebar.selectbox(key="w_scenario").options or any(
        "mine" in o for o in at.sidebar.selectbox(key="w_scenario").options)
