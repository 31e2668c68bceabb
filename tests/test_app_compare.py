"""Issue 13: the comparison of up to four scenarios in AppTest: the URL, the full static tables, the layouts."""

from __future__ import annotations

from test_app import assert_healthy, errors, home, qp, start  # noqa: F401  (fixture)

FOUR = {"view": "compare", "s": "status-quo-2025-02", "b": "donbas-withdrawal", "s3": "four-oblasts-claim",
        "s4": "us-28-point-plan-2025-11", "ua": "5", "ru": "5"}


def tables_by_column(at, column: str):
    return [t.value for t in at.table if column in t.value.columns]


def test_four_scenarios_from_a_link_with_full_static_tables(home):  # noqa: F811
    at = start(FOUR)
    assert not errors(at), errors(at)
    assert at.session_state["count"] == 4
    for key in ("s", "b", "s3", "s4"):
        assert qp(at, key) == FOUR[key]
    measures = tables_by_column(at, "D − A")[0]
    assert list(measures.columns[:4]) == ["A", "B", "C", "D"]
    assert measures.loc["Russian-administered", "C − A"].startswith("+")
    oblasts = tables_by_column(at, "A km²")[0]
    assert "Donetsk Oblast (UA-14)" in oblasts.index and "D − A" in oblasts.columns
    assert len(oblasts) >= 5  # every oblast any of the four touches, not a scrolled excerpt
    assert not at.dataframe, "the comparison's tables are static, not scrolling grids"


def test_the_per_oblast_deltas_are_the_differences_of_the_evaluations(home):  # noqa: F811
    from borderline import format as fmt
    from scenarios.engine import evaluate
    from scenarios.library import load_builtin
    from scenarios.metrics import measure_of

    at = start(FOUR)
    oblasts = tables_by_column(at, "A km²")[0]
    a = {r.iso: r.russian_administered_km2 for r in evaluate(load_builtin(FOUR["s"]), (5.0, 5.0)).metrics.by_oblast}
    c = {r.iso: r.russian_administered_km2 for r in evaluate(load_builtin(FOUR["s3"]), (5.0, 5.0)).metrics.by_oblast}
    want = fmt.delta(measure_of("russian_administered_km2"), c["UA-23"] - a["UA-23"])
    assert oblasts.loc["Zaporizhzhia Oblast (UA-23)", "C − A"] == want


def test_the_number_of_scenarios_and_the_layout_go_into_the_url(home):  # noqa: F811
    at = start({"view": "compare", "s": "status-quo-2025-02", "b": "four-oblasts-claim"})
    assert "s3" not in at.query_params
    at.sidebar.radio(key="w_count").set_value(3).run()
    assert_healthy(at)
    assert qp(at, "s3") and "s4" not in at.query_params
    at.sidebar.selectbox(key="w_more0").set_value("trans-dnieper-dmz").run()
    assert qp(at, "s3") == "trans-dnieper-dmz"
    assert "C − A" in tables_by_column(at, "C − A")[0].columns
    at.sidebar.radio(key="w_layout").set_value("overlay").run()
    assert_healthy(at)
    assert qp(at, "layout") == "overlay" and not errors(at)
    legend = next(h.value for h in at.get("html") if "bl-legend-title" in h.value)
    assert "in A only" in legend or "in B only" in legend


def test_the_comparison_exports_small_multiples(home):  # noqa: F811
    at = start({"view": "compare", "s": "status-quo-2025-02", "b": "donbas-withdrawal", "s3": "four-oblasts-claim"})
    labels = [b.proto.label for b in at.get("download_button")]
    assert [x for x in labels if x.startswith("Small multiples")] == [
        "Small multiples, PNG", "Small multiples, SVG", "Small multiples, PDF"]
    assert {s.key for s in at.selectbox} >= {"pub_cmp_page", "pub_cmp_extent"}
