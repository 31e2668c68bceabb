"""Issue 4: the app's plain-Python helpers: the editor form, the URL state, escaping and tables."""

from __future__ import annotations

import re

import pytest

from borderline.ui import days, editor, tables
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

    values = editor.values_from_draft(editor.from_scenario(scenario), days.calendar(), upload_key)
    again = editor.to_scenario(editor.draft_from_values(values, uploads))
    assert again.id == scenario.id
    assert again.baseline == scenario.baseline, "the form changed the scenario's own day"
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


def test_the_forms_days_are_the_scenarios_own_and_latest_stays_latest():
    cal = days.calendar()
    plan = load_builtin("us-28-point-plan-2025-11")
    values = editor.values_from_draft(editor.from_scenario(plan), cal, lambda g: "k")
    assert values["ed_baseline"].isoformat() == "2025-11-20" and values["ed_baseline_latest"] is False
    latest = load_builtin("status-quo-latest")
    values = editor.values_from_draft(editor.from_scenario(latest), cal, lambda g: "k")
    assert values["ed_baseline_latest"] is True and values["ed_t_control_date_latest"] is True
    draft = editor.draft_from_values(values, {})
    assert draft.baseline == "latest" and draft.territory.control == "latest"


def test_url_days_round_trip_and_bad_days_are_one_line_notes():
    cal, ids = days.calendar(), builtin_ids()
    state = url.ViewState(view="time", scenario="us-28-point-plan-2025-11", baseline="2025-11-20", day="2025-06-01",
                          since="2025-10-01", until="2025-11-30")
    back, notes = url.from_query(url.to_query(state), ids, cal)
    assert back == state and notes == []
    back, notes = url.from_query({"view": "map", "base": "latest"}, ids, cal)
    assert back.baseline == "latest" and notes == []
    bad, notes = url.from_query({"view": "time", "base": "1900-01-01", "day": "2025-13-45", "from": "soon",
                                 "to": "2099-01-01"}, ids, cal)
    assert bad.baseline is None and bad.day == "latest" and bad.since is None and bad.until is None
    assert len(notes) == 4 and all("\n" not in n for n in notes)
    assert any("1900-01-01" in n and "before the first line" in n for n in notes)


def test_a_day_before_the_record_resolves_and_every_supported_day_is_accepted():
    cal = days.calendar()
    for day in (cal.first, "2025-11-20", cal.last, "latest"):
        assert cal.check(day) == day
    assert cal.resolved("latest") == cal.last
    assert days.weekly("2025-01-01", "2025-01-20") == ["2025-01-01", "2025-01-08", "2025-01-15", "2025-01-20"]


def test_the_changes_table_lists_pokrovsk_with_its_population():
    from borderline.ui import timeview

    frame = timeview.changes_between("2025-10-01", "2025-11-30", {"UA-14": "Donetsk Oblast"})
    row = frame.set_index("Place").loc["Pokrovsk"]
    assert row["Oblast"] == "Donetsk Oblast" and row["Day"] == "2025-11-03"
    assert row["From → to"] == "Ukrainian-held → Russian-administered"
    assert re.fullmatch(r"\d{1,3}(,\d{3})+", row["Population (GeoNames)"])


def test_the_chart_marks_the_proposals_days():
    from borderline.ui import catalog, timeview

    marks = timeview.proposal_marks(catalog.builtin_entries(), days.calendar())
    shown = {str(d.date()): label for d, label in zip(marks["day"], marks["label"])}
    assert {"2025-02-12", "2025-11-20", "2025-12-24"} <= set(shown)
    assert "28-point" in shown["2025-11-20"] and "20-point" in shown["2025-12-24"]
    spec = timeview.chart(timeview.history_frame(days.calendar()), marks, "pct", True, "2025-11-20").to_dict()
    assert len(spec["layer"]) == 4
