"""Issue 13: scenarios written in the README's readable inline style (dumps(style="readable")) round-trip."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios.library import UserLibrary, builtin_ids, load_builtin
from scenarios.model import dumps, loads


@pytest.mark.parametrize("sid", builtin_ids())
def test_every_builtin_round_trips_in_the_readable_style(sid):
    scenario = load_builtin(sid)
    text = dumps(scenario, style="readable")
    assert loads(text) == scenario
    assert "[territory]\n" in text and "[territory." not in text, "the territory is nested tables, not inline"
    for line in text.splitlines():
        assert len(line) <= 160 or "geojson" in line, line  # a long list is broken, one item a line


def test_the_readable_style_looks_like_the_library_files():
    text = dumps(load_builtin("zaporizhzhia-city-held"), style="readable")
    assert '[territory]\nunion = [\n    { control = "2025-02-12" },\n' in text
    assert '    { difference = [\n        { intersection = [{ admin1 = ["UA-23"] }, { bank = "left" }] },' in text
    zones = dumps(load_builtin("claim-with-referendum-zone"), style="readable")
    assert '[[zones]]\nname = "UN-supervised referendum zone"' in zones and "\n[zones.area]\nunion = [\n" in zones


def test_the_library_saves_in_the_readable_style(tmp_path):
    lib = UserLibrary(tmp_path)
    scenario = load_builtin("donbas-withdrawal").model_copy(update={"id": "mine"})
    path = lib.save(scenario)
    assert path.read_text(encoding="utf-8") == dumps(scenario, style="readable")
    assert lib.load("mine") == scenario


TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x7f"), min_size=1,
               max_size=400)


@settings(max_examples=150, deadline=None)
@given(title=TEXT, summary=TEXT, name=TEXT)
def test_any_plain_text_round_trips(title, summary, name):
    base = load_builtin("zaporizhzhia-city-held")
    territory = base.model_dump(mode="json")["territory"]
    territory["union"][2]["difference"][1]["city"]["name"] = name[:200]
    scenario = loads(dumps(base, "plain")).model_validate({**base.model_dump(mode="json", exclude_none=True),
                                                           "title": title[:200], "summary": summary,
                                                           "territory": territory})
    text = dumps(scenario, style="readable")
    assert tomllib.loads(text)["summary"] == summary
    assert loads(text) == scenario


def test_an_unknown_style_is_refused():
    with pytest.raises(ValueError, match="unknown style"):
        dumps(load_builtin("donbas-withdrawal"), style="pretty")
