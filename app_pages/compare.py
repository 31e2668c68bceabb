"""The comparison view: two scenarios at the same widths and baseline, on two maps or one, with B − A."""

from __future__ import annotations

import streamlit as st

from borderline import webmap
from borderline.style import COMPARE
from borderline.ui import days, session, tables
from borderline.ui.page import (PageContext, evaluation, guard, outline_layers, scenario_layers, show_dual_map,
                                show_legend, show_map)
from borderline.ui.text import esc, md

VIEW = "compare"
TITLE = "Compare two scenarios"
ORDER = 20
SCENARIOS = 2  # scenarios picked in the sidebar


def render(ctx: PageContext) -> None:
    vs = session.view_state()
    a, b = ctx.by_id[vs.scenario], ctx.by_id[vs.other]
    sa, sb = a.scenario(), b.scenario()
    st.markdown(f"### A: {md(sa.title)}  \n### B: {md(sb.title)}")
    st.caption(f"Both at DMZ {vs.ua_km:g} km (Ukrainian side) / {vs.ru_km:g} km (Russian side), "
               
               f"against the baseline of {days.label(vs.baseline, days.calendar())}.")
    widths = (vs.ua_km, vs.ru_km, vs.baseline)
    ev_a, ev_b = evaluation(a.toml, *widths, ctx.base_dir(a)), evaluation(b.toml, *widths, ctx.base_dir(b))
    opts = ctx.opts
    with guard("Maps"):
        if vs.layout == "side":
            la, lb = scenario_layers(a.toml, *widths, ctx.base_dir(a)), scenario_layers(b.toml, *widths, ctx.base_dir(b))
            show_dual_map(webmap.dual_map(la, lb, opts, ctx.assets), "dual-map", opts.height - 80)
            col_a, col_b = st.columns(2)
            with col_a:
                show_legend(webmap.legend_entries(la, opts), f"A: {sa.title}")
            with col_b:  # the basemap's entries once, under A
                show_legend(webmap.legend_entries(lb, opts)[:-len(webmap.basemap_entries(opts)) or None],
                            f"B: {sb.title}")
        else:
            oa = outline_layers(a.toml, *widths, "A", ctx.base_dir(a))
            ob = outline_layers(b.toml, *widths, "B", ctx.base_dir(b))
            base = webmap.add_basemap(webmap.new_map(ctx.assets, opts), opts)
            show_map(base, webmap.outline_group(oa, ob, opts), "compare-map", opts.height)
            entries = [(f"A: {esc(sa.title)}", COMPARE["a"], "area"),  # legend labels are HTML, not Markdown
                       (f"B: {esc(sb.title)}", COMPARE["b"], "area")]
            show_legend(entries + webmap.basemap_entries(opts), "Russian-administered area")
    st.markdown("**Measures, and B − A**")
    st.dataframe(tables.compare_display(ev_a.metrics, ev_b.metrics), hide_index=True, width="stretch")
    st.caption("\\* 2022 resident baseline, estimated. Deltas are B minus A.")
    differ = tables.places_that_differ(ev_a.metrics, ev_b.metrics)
    if not differ.empty:
        st.markdown("**Places of 10,000 or more that change hands in only one of the two**")
        st.dataframe(differ, hide_index=True, width="stretch")
