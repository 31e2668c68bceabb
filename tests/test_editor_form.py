"""Issue 13: the editor's form opens any scenario and gives it back unchanged in meaning (hypothesis).

An expression of the form's shape fills its fields (the parts of a union may come back in another order,
two oblast lists as one); any other is kept as TOML text, exactly. Either way the territory is the same.
"""

from __future__ import annotations

import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from borderline.ui import editor
from scenarios.engine import territory
from scenarios.model import scenario_from_dict

OBLASTS = ["UA-14", "UA-09", "UA-23", "UA-65", "UA-43"]
LEAVES = st.one_of(
    st.lists(st.sampled_from(OBLASTS), min_size=1, max_size=3, unique=True).map(lambda c: {"admin1": c}),
    st.just({"control": "2025-02-12"}),
    st.sampled_from(["left", "right"]).map(lambda b: {"bank": b}),
    st.sampled_from([("Zaporizhzhia", 15.0), ("Kherson", 20.0), ("Kharkiv", 10.0)])
    .map(lambda c: {"city": {"name": c[0], "radius_km": c[1]}}),
)
EXPRESSIONS = st.recursive(
    LEAVES, lambda kids: st.one_of(*(st.lists(kids, min_size=1, max_size=3).map(lambda k, op=op: {op: k})
                                     for op in ("union", "intersection", "difference"))), max_leaves=6)
META = {"id": "prop", "title": "t", "summary": "s", "provenance": {"proposed_by": "p", "date": "2025", "source": "s"}}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expression=EXPRESSIONS, zone=EXPRESSIONS)
def test_any_scenario_opens_in_the_form_and_comes_back_the_same(expression, zone):
    scenario = scenario_from_dict({**META, "territory": expression,
                                   "zones": [{"name": "z", "type": "referendum", "area": zone}]})
    back = editor.to_scenario(editor.from_scenario(scenario))
    assert editor.problems(editor.from_scenario(scenario)) == []
    assert (back.id, back.title, back.provenance, back.dmz) == (scenario.id, scenario.title, scenario.provenance,
                                                               scenario.dmz)
    a, b = territory(scenario), territory(back)
    assert shapely.symmetric_difference(a.russian_administered, b.russian_administered).area < 1e4  # < 0.01 km²
    assert len(back.zones) == 1 and back.zones[0].name == "z"
    zone_back = back.zones[0].area.model_dump(mode="json", exclude_none=True)
    za, zb = (territory(scenario_from_dict({**META, "territory": t})) for t in (zone, zone_back))
    assert shapely.symmetric_difference(za.russian_administered, zb.russian_administered).area < 1e4
