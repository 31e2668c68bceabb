"""Issue 13 item 4: an editor that never loses work, driven by Streamlit's AppTest (no browser).

Each test starts a fresh session of app.py with its own user data folder (BORDERLINE_HOME in a temporary
folder), so the library and the autosaved drafts are the test's own.
"""

from __future__ import annotations

import json
import tomllib

import pytest

from test_app import assert_healthy, errors, home, plain, start  # noqa: F401  (home: the fixture)


def editor(at):
    at.sidebar.radio(key="w_view").set_value("editor").run()
    assert_healthy(at)
    return at


def toasts(at) -> list[str]:
    return [plain(t.value) for t in at.toast]


def warnings(at) -> list[str]:
    return [plain(w.value) for w in at.warning]


def territory(at, oblasts: list[str]):
    at.multiselect(key="ed_t_oblasts").set_value(oblasts)
    return at.run()


def fill_metadata(at, title: str):
    at.text_input(key="ed_title").input(title)
    at.text_area(key="ed_summary").input("Test scenario.")
    at.text_input(key="ed_proposed_by").input("Tester")
    at.text_input(key="ed_date").input("2025-12")
    at.text_input(key="ed_source").input("tests/test_app_editor.py")
    return at.run()


def tab(at) -> str:
    return at.session_state["ed_section"]


def test_the_preview_needs_only_the_territory(home):
    at = editor(start())
    assert not at.metric, "a preview without any territory"
    territory(at, ["UA-14"])
    assert_healthy(at)
    assert not at.session_state["ed_title"], "the title was filled in"
    assert any(m.label == "Russian-administered" for m in at.metric), warnings(at) + errors(at)
    assert not warnings(at) and not errors(at)
    at.text_input(key="ed_id").input("Not A Slug").run()
    at.text_input(key="ed_date").input("2").run()
    assert not warnings(at), "metadata being typed holds up the preview"


def test_a_save_lists_every_problem_in_plain_words(home):
    at = territory(editor(start()), ["UA-14"])
    at.number_input(key="ed_nzones").set_value(1).run()
    at.button(key="ed_save").click().run()
    assert_healthy(at)
    assert not list((home / "scenarios").glob("*.toml"))
    shown = "\n".join(errors(at))
    for field in ("Title", "Summary", "Proposed by", "Date", "Source", "Id", "Zone 1"):
        assert f"- {field}" in shown, (field, shown)
    assert "more)" not in shown and "Value error" not in shown
    assert any("Not saved" in t for t in toasts(at))
    at.text_input(key="ed_title").input("Now with a title").run()
    shown = "\n".join(errors(at))
    assert "- Title" not in shown and "- Summary" in shown, "the list does not follow the fixes"


def test_the_last_preview_stays_while_the_draft_has_a_problem(home):
    at = territory(editor(start()), ["UA-14"])
    before = next(m.value for m in at.metric if m.label == "Russian-administered")
    territory(at, [])
    assert_healthy(at)
    assert any("choose at least one oblast" in w for w in warnings(at))
    assert next(m.value for m in at.metric if m.label == "Russian-administered") == before
    assert any("the last valid draft" in plain(c.value) for c in at.caption)


def test_a_save_is_a_toast_and_the_form_stays(home):
    at = fill_metadata(territory(editor(start()), ["UA-14"]), "Donetsk toast")
    at.button(key="ed_save").click().run()
    assert_healthy(at)
    assert (home / "scenarios" / "donetsk-toast.toml").exists()
    assert any("Saved donetsk-toast" in t for t in toasts(at))
    assert not at.success, "the save message is in the page, off-screen, instead of a toast"
    assert at.session_state["ed_title"] == "Donetsk toast" and tab(at) == "Build a scenario"


def upload_toml(at, scenario_id: str):
    from scenarios.library import load_builtin
    from scenarios.model import dumps

    toml = dumps(load_builtin("donbas-withdrawal").model_copy(update={"id": scenario_id})).encode()
    at.file_uploader(key="lib_upload").set_value((f"{scenario_id}.toml", toml, "application/toml")).run()
    assert_healthy(at)
    return at


def test_library_actions_keep_the_tab_and_the_renamed_item(home):
    at = upload_toml(editor(start()), "mine")
    assert tab(at) == "Your library" and at.selectbox(key="lib_pick").value == "mine"
    assert any("Added mine" in t for t in toasts(at))
    at.text_input(key="lib_new_id").input("mine-copy")
    at.button(key="lib_duplicate").click().run()
    assert tab(at) == "Your library" and at.selectbox(key="lib_pick").value == "mine"
    at.text_input(key="lib_new_id").input("mine-renamed")
    at.button(key="lib_rename").click().run()
    assert_healthy(at)
    assert tab(at) == "Your library"
    assert at.selectbox(key="lib_pick").value == "mine-renamed", "a rename resets the picker"
    assert any("Renamed mine as mine-renamed" in t for t in toasts(at))
    at.checkbox(key="lib_confirm").check()
    at.button(key="lib_delete").click().run()
    assert_healthy(at)
    assert tab(at) == "Your library" and not (home / "scenarios" / "mine-renamed.toml").exists()
    assert at.selectbox(key="lib_pick").value == "mine-copy"


def test_every_builtin_opens_in_the_form_and_saves_unchanged(home):
    from scenarios.library import UserLibrary, builtin_ids, load_builtin

    at = editor(start())
    for sid in builtin_ids():
        at.selectbox(key="ed_start").set_value(sid).run()
        at.button(key="ed_open").click().run()
        assert_healthy(at)
        assert not [e for e in errors(at) if sid in e], errors(at)
        assert at.session_state["ed_id"] == f"{sid}-copy"
        assert any(m.label == "Russian-administered" for m in at.metric), (sid, warnings(at))
        at.button(key="ed_save").click().run()
        saved = UserLibrary(home / "scenarios").load(f"{sid}-copy")
        assert canonical(saved.model_copy(update={"id": sid}).model_dump(mode="json")) == \
            canonical(load_builtin(sid).model_dump(mode="json")), sid


def canonical(node):
    """A scenario table with the parts of each union in one order (the form lists them in its own)."""
    if isinstance(node, dict):
        out = {k: canonical(v) for k, v in node.items()}
        if "union" in out:
            out["union"] = sorted(out["union"], key=lambda x: json.dumps(x, sort_keys=True))
        return out
    return [canonical(v) for v in node] if isinstance(node, list) else node


def test_a_nested_expression_is_a_tree_beside_editable_toml(home):
    at = editor(start())
    at.selectbox(key="ed_start").set_value("zaporizhzhia-city-held").run()
    at.button(key="ed_open").click().run()
    assert at.session_state["ed_t_as_text"]
    text = at.text_area(key="ed_t_expr").value
    assert tomllib.loads(text)["union"][2]["difference"][1]["city"]["name"] == "Zaporizhzhia"
    tree = "\n".join(m.value for m in at.markdown)
    assert "the first, minus the others" in plain(tree) and "Zaporizhzhia within 15 km" in plain(tree)
    before = next(m.value for m in at.metric if m.label == "Russian-administered")
    at.text_area(key="ed_t_expr").input('union = [{ admin1 = ["UA-14"] }]').run()
    assert_healthy(at)
    assert next(m.value for m in at.metric if m.label == "Russian-administered") != before
    at.text_area(key="ed_t_expr").input("union = [").run()
    assert any("not valid TOML" in w for w in warnings(at))


def test_the_download_waits_for_the_metadata_and_is_readable_toml(home):
    from borderline.ui import editor as form
    from scenarios.model import dumps, loads

    at = territory(editor(start()), ["UA-14"])
    assert at.button(key="ed_download_off").disabled, "a scenario without a title can be downloaded"
    fill_metadata(at, "Readable")
    assert not any(b.key == "ed_download_off" for b in at.button)
    assert at.get("download_button"), "no download button once the scenario is whole"
    scenario = form.to_scenario(form.draft_from_values(at.session_state, {}))
    text = dumps(scenario, style="readable")  # what the button holds (app_pages/editor.download)
    assert '[territory]\nadmin1 = ["UA-14"]' in text and loads(text) == scenario


def test_dmz_widths_reach_the_maximum_with_a_number_beside_the_slider(home):
    from scenarios.values import DMZ_MAX_KM

    at = territory(editor(start()), ["UA-14"])
    slider = at.slider(key="ed_ua_slider")
    assert slider.max == DMZ_MAX_KM
    at.number_input(key="ed_ua").set_value(137.5).run()
    assert at.slider(key="ed_ua_slider").value == 137.5
    at.slider(key="ed_ru_slider").set_value(DMZ_MAX_KM).run()
    assert at.number_input(key="ed_ru").value == DMZ_MAX_KM
    assert any(f"137.5 km (Ukrainian side) / {DMZ_MAX_KM:g} km (Russian side)" in plain(c.value) for c in at.caption)


def test_a_draft_is_autosaved_and_offered_back_after_a_reload(home):
    at = fill_metadata(territory(editor(start()), ["UA-14", "UA-09"]), "Unsaved work")
    files = list((home / "drafts").glob("*.json"))
    assert len(files) == 1
    assert json.loads(files[0].read_text())["draft"]["territory"]["oblasts"] == ["UA-14", "UA-09"]
    again = editor(start())  # a new session: a reload, or the server restarted after a crash
    restore = again.button(key="ed_restore")
    assert restore.label.startswith("Restore the draft from ")
    assert not again.session_state["ed_title"]
    restore.click().run()
    assert_healthy(again)
    assert again.session_state["ed_title"] == "Unsaved work"
    assert again.session_state["ed_t_oblasts"] == ["UA-14", "UA-09"]
    assert any("Draft restored" in t for t in toasts(again))


def test_a_discarded_or_saved_draft_is_not_offered_again(home):
    at = fill_metadata(territory(editor(start()), ["UA-14"]), "To discard")
    other = editor(start())
    other.button(key="ed_discard").click().run()
    assert not list((home / "drafts").glob("*.json"))
    assert not any(b.key == "ed_restore" for b in other.button)
    at.button(key="ed_save").click().run()
    assert not list((home / "drafts").glob("*.json")), "a saved draft is still offered"
    third = editor(start())
    assert not any(b.key == "ed_restore" for b in third.button)


@pytest.mark.parametrize("kind", ["free_economic", "buffer", "joint_administration", "security_zone",
                                  "reassurance_force"])
def test_new_zone_types_and_bands_can_be_built_and_saved(home, kind):
    from borderline.ui import editor as form
    from scenarios.library import UserLibrary

    if kind not in form.ZONE_TYPES:
        pytest.skip("the model does not have this zone type yet")
    at = fill_metadata(territory(editor(start()), ["UA-14"]), f"Zone {kind}")
    at.number_input(key="ed_nzones").set_value(1).run()
    at.text_input(key="ed_z0_name").input("The zone")
    at.selectbox(key="ed_z0_type").set_value(kind)
    at.selectbox(key="ed_z0_administered_by").set_value("international").run()
    at.radio(key="ed_z0_shape").set_value("band").run()
    at.number_input(key="ed_z0_band_ua").set_value(12.0)
    at.multiselect(key="ed_z0_band_within").set_value(["UA-14"]).run()
    assert_healthy(at)
    assert not warnings(at), warnings(at)
    at.button(key="ed_save").click().run()
    zone = UserLibrary(home / "scenarios").load(f"zone-{kind.replace('_', '-')}").zones[0]
    assert (zone.type, zone.administered_by) == (kind, "international")
    assert zone.band.ukrainian_side_km == 12.0 and zone.band.within.admin1 == ["UA-14"] and zone.area is None


def test_parts_the_form_cannot_show_are_kept_on_save(home):
    from scenarios.library import UserLibrary
    from scenarios.model import dumps, loads

    text = dumps(loads('''id = "params"
title = "With parameters"
summary = "s"
status = "leak"
[provenance]
proposed_by = "a"
date = "2025"
source = "b"
key_phrase = "the key phrase"
[[parameters]]
name = "pullback_km"
label = "Pull-back"
choices = [5, 10]
default = 10
[territory]
admin1 = ["UA-14"]
[dmz]
ukrainian_side_km = { param = "pullback_km" }
'''))
    at = editor(start())
    at.file_uploader(key="lib_upload").set_value(("params.toml", text.encode(), "application/toml")).run()
    at.button(key="lib_edit").click().run()
    assert_healthy(at)
    assert "pullback_km" in at.text_area(key="ed_extra").value
    assert any("DMZ widths by parameters" in plain(c.value) for c in at.caption)
    assert at.session_state["ed_key_phrase"] == "the key phrase" and at.session_state["ed_status"] == "leak"
    assert any(m.label == "Russian-administered" for m in at.metric), warnings(at)
    at.text_input(key="ed_id").input("params-2").run()
    at.button(key="ed_save").click().run()
    saved = UserLibrary(home / "scenarios").load("params-2")
    assert saved.model_copy(update={"id": "params"}) == loads(text)


def test_a_blank_form_is_not_kept_as_a_draft(home):
    at = editor(start())
    at.text_input(key="ed_title").input("").run()
    assert not list((home / "drafts").glob("*.json"))
    assert not any(b.key == "ed_restore" for b in editor(start()).button)


def test_a_day_of_a_named_source_is_kept_when_the_form_opens_a_scenario():
    from borderline.ui import editor as form
    from scenarios.model import loads

    pinned = loads('id = "x"\ntitle = "t"\nsummary = "s"\nbaseline = "deepstate:2026-08-15"\n[provenance]\n'
                   'proposed_by = "a"\ndate = "2025"\nsource = "b"\n[territory]\n'
                   'union = [{ control = "deepstate:2026-08-15" }, { admin1 = ["UA-14"] }]\n')
    draft = form.from_scenario(pinned)
    assert draft.baseline == "2026-08-15" and "deepstate:2026-08-15" in draft.extra
    assert "deepstate:2026-08-15" in draft.territory.expression
    assert form.to_scenario(draft) == pinned


def test_a_save_over_a_taken_id_says_so_beside_the_save_button(home):
    at = fill_metadata(territory(editor(start()), ["UA-14"]), "Taken")
    at.button(key="ed_save").click().run()
    at.multiselect(key="ed_t_oblasts").set_value(["UA-14", "UA-09"]).run()
    at.button(key="ed_save").click().run()
    assert_healthy(at)
    assert any("already in your library" in e and "tick 'Replace'" in e for e in errors(at)), errors(at)
    assert any("Not saved" in t for t in toasts(at))
    at.checkbox(key="ed_overwrite").check()
    at.button(key="ed_save").click().run()
    from scenarios.library import UserLibrary

    assert UserLibrary(home / "scenarios").load("taken").territory.admin1 == ["UA-14", "UA-09"]
    assert not any("already in your library" in e for e in errors(at))


def test_an_upload_refused_for_several_problems_lists_them_all(home):
    bad = (b'id = "Bad"\ntitle = ""\nsummary = ""\n[provenance]\nproposed_by = ""\ndate = "2"\nsource = ""\n'
           b'[territory]\nadmin1 = ["UA-1"]\n')
    at = editor(start())
    at.file_uploader(key="lib_upload").set_value(("bad.toml", bad, "application/toml")).run()
    assert_healthy(at)
    shown = "\n".join(errors(at))
    for field in ("id:", "title:", "summary:", "provenance.proposed_by:", "provenance.date:", "provenance.source:",
                  "territory"):
        assert f"- {field}" in shown, (field, shown)
    assert "'UA-1' is not an oblast code such as UA-14" in shown
    assert tab(at) == "Your library"


def test_an_area_switches_between_the_fields_and_toml_and_back(home):
    at = territory(editor(start()), ["UA-14"])
    before = next(m.value for m in at.metric if m.label == "Russian-administered")
    at.toggle(key="ed_t_as_text").set_value(True).run()
    assert_healthy(at)
    assert tomllib.loads(at.text_area(key="ed_t_expr").value) == {"admin1": ["UA-14"]}
    assert next(m.value for m in at.metric if m.label == "Russian-administered") == before
    at.text_area(key="ed_t_expr").input('union = [{ admin1 = ["UA-14"] }, { difference = [{ admin1 = ["UA-09"] }, '
                                        '{ city = { name = "Luhansk", radius_km = 20.0 } }] }]').run()
    nested = next(m.value for m in at.metric if m.label == "Russian-administered")
    assert nested != before
    at.toggle(key="ed_t_as_text").set_value(False).run()
    assert at.session_state["ed_t_as_text"], "a nested expression was forced into the fields"
    assert any("stays as TOML" in t for t in toasts(at))
    at.text_area(key="ed_t_expr").input('union = [{ admin1 = ["UA-14", "UA-09"] }, { bank = "left" }]').run()
    at.toggle(key="ed_t_as_text").set_value(False).run()
    assert_healthy(at)
    assert not at.session_state["ed_t_as_text"]
    assert at.session_state["ed_t_oblasts"] == ["UA-14", "UA-09"] and at.session_state["ed_t_bank_whole"]
