"""Issue 4: the app's plain-Python helpers: the editor form, the URL state, escaping and tables."""

from __future__ import annotations

import pytest

from borderline.ui import editor, tables
from borderline.ui import state as url
from borderline.ui.text import esc, md
from scenarios.engine import evaluate
from scenarios.library import builtin_ids, load_builtin
from scenarios.model import ScenarioError

EDITABLE = ["status-quo-2025-02", "donbas-withdrawal", "four-oblasts-claim", "trans-dnieper-dmz",
            "us-28-point-plan-2025-11", "us-ukraine-20-point-2025-12"]


@pytest.mark.parametrize("sid", EDITABLE)
def test_builtins_of_the_editors_shape_round_trip_through_the_form(sid):
    scenario = load_builtin(sid)
    uploads: dict = {}

    def upload_key(geojson):
        uploads[f"k{len(uploads)}"] = geojson
        return f"k{len(uploads) - 1}"

    values = editor.values_from_draft(editor.from_scenario(scenario), ["2025-02-12", "2025-11-20", "2025-12-24"],
                                      upload_key)
    again = editor.to_scenario(editor.draft_from_values(values, uploads))
    assert again.id == scenario.id
    # Same geometry whatever the order of the union's parts.
    a, b = evaluate(scenario).metrics, evaluate(again).metrics
    assert a.russian_administered_km2 == pytest.approx(b.russian_administered_km2, rel=1e-9)
    assert [z.km2 for z in a.zones] == pytest.approx([z.km2 for z in b.zones], rel=1e-9)


def test_scenarios_the_form_cannot_show_are_refused_with_a_reason():
    editable = []
    for sid in builtin_ids():
        try:
            editor.from_scenario(load_builtin(sid))
            editable.append(sid)
        except editor.NotEditable as exc:
            assert str(exc)
    assert set(EDITABLE) <= set(editable)


def test_a_draft_builds_the_expected_expression():
    draft = editor.Draft(id="x", title="X", summary="s", proposed_by="p", date="2025", source="src",
                         territory=editor.AreaDraft(control="2025-02-12", oblasts=["UA-14"],
                                                    bank_oblasts=["UA-23"], bank="left",
                                                    cities=[("Zaporizhzhia", 15.0)]))
    territory = editor.to_dict(draft)["territory"]
    assert territory == {"difference": [
        {"union": [{"control": "2025-02-12"}, {"admin1": ["UA-14"]},
                   {"intersection": [{"admin1": ["UA-23"]}, {"bank": "left"}]}]},
        {"city": {"name": "Zaporizhzhia", "radius_km": 15.0}}]}


def test_an_empty_territory_is_a_one_line_error():
    with pytest.raises(ScenarioError, match="choose at least one oblast"):
        editor.to_scenario(editor.Draft(id="x", title="X", summary="s", proposed_by="p", date="2025", source="s"))


def test_slugify_makes_valid_ids():
    assert editor.slugify("Zaporizhzhia: city held (v2)!") == "zaporizhzhia-city-held-v2"
    assert editor.slugify("Київ") == ""
    assert len(editor.slugify("x" * 100)) == 64


def test_url_state_round_trips_and_ignores_bad_values():
    ids, dates = builtin_ids(), ["2025-02-12"]
    state = url.ViewState(view="compare", scenario="donbas-withdrawal", other="four-oblasts-claim", ua_km=5.0,
                          ru_km=12.5, baseline="2025-02-12", layout="overlay")
    back, notes = url.from_query(url.to_query(state), ids, dates)
    assert back == state and notes == []
    bad, notes = url.from_query({"view": "x", "s": "../etc", "ua": "nan", "ru": "500", "base": "1900-01-01"},
                                ids, dates)
    assert bad.view == "map" and bad.scenario == "status-quo-2025-02"
    assert bad.ua_km is None and bad.ru_km == url.SLIDER_MAX_KM and bad.baseline is None
    assert len(notes) == 5


def test_escaping_for_html_and_markdown():
    assert esc("<b>{{x}}</b>") == "&lt;b&gt;&#123;&#123;x&#125;&#125;&lt;/b&gt;"
    assert md("![i](http://x/y.png) **b** <i>") == "\\!\\[i\\]\\(http\\://x/y\\.png\\) \\*\\*b\\*\\* &lt;i&gt;"


def test_compare_table_has_deltas_b_minus_a():
    a = evaluate(load_builtin("status-quo-2025-02")).metrics
    b = evaluate(load_builtin("four-oblasts-claim")).metrics
    table = tables.compare_table(a, b)
    row = table.set_index("Measure").loc["Russian-administered"]
    assert row["B − A"] == pytest.approx(b.russian_administered_km2 - a.russian_administered_km2, abs=1)
    shown = tables.compare_display(a, b)
    assert shown.set_index("Measure").loc["Russian-administered", "B − A"].startswith("+")
