"""The comparison view: two to four scenarios at the same widths and baseline, on small synchronized maps or one
overlay map of A and B, with a full table of measures and per-oblast deltas against A."""

from __future__ import annotations

import streamlit as st

from borderline import webmap
from borderline.i18n import _, language
from borderline.ui import comparison, days, panels, publish, session, tables
from borderline.ui.page import (PageContext, evaluation, grid_assets, guard, outline_layers, scenario_layers,
                                show_grid, show_legend)
from borderline.ui.text import md
from geo.messages import N_

VIEW = "compare"
TITLE = N_("Compare scenarios")  # shown through _() by the sidebar
ORDER = 20
SCENARIOS = 2  # scenarios picked in the sidebar: A, B and up to two more

SMALL_MAP_SHARE = 0.62  # a small map's height against the chosen map height (two rows fit a screen)


def render(ctx: PageContext) -> None:
    vs = session.view_state()
    ids = session.compared()
    entries = [ctx.by_id[i] for i in ids]
    titles = [e.scenario().title for e in entries]
    names = comparison.letters(len(entries))
    st.markdown("  \n".join(f"**{n}:** {md(t)}" for n, t in zip(names, titles)))
    st.caption(_("All at DMZ {ua} km (Ukrainian side) / {ru} km (Russian side), against the baseline of {day}. "
                 "Deltas are against A.").format(ua=f"{vs.ua_km:g}", ru=f"{vs.ru_km:g}",
                                                 day=days.label(vs.baseline, days.calendar())))
    widths = (vs.ua_km, vs.ru_km, vs.baseline)
    evs = [evaluation(e.toml, *widths, ctx.base_dir(e)) for e in entries]
    opts = ctx.opts
    if opts.online_tiles:
        st.warning(_("Online tiles need an internet connection; without one the embedded basemap shows under them."),
                   icon="🌐")
    with guard(_("Maps")):
        if vs.layout == "overlay":
            overlay(ctx, entries[:2], titles[:2], widths, opts)
        else:
            small_maps(ctx, entries, titles, widths, opts)
    st.markdown(f"**{_('Measures, and the difference from A')}**")
    panels.full_table(comparison.measures_table([ev.metrics for ev in evs]))
    st.caption(_("\\* 2022 resident baseline, estimated."))
    st.markdown(f"**{_('Russian-administered area by oblast, and the difference from A')}**")
    panels.full_table(comparison.oblast_table([ev.metrics for ev in evs]))
    differ = tables.places_that_differ(evs[0].metrics, evs[1].metrics)
    if not differ.empty:
        st.markdown(f"**{_('Places of 10,000 or more that change hands in only one of A and B')}**")
        panels.full_table(differ)
    with guard(_("Export")):
        st.markdown(f"**{_('Download the comparison')}**")
        st.caption(_("Small multiples: one panel per scenario on the same extent and scale, each on the line of "
                     "its baseline day."))
        options = publish.controls(_("{n} scenarios compared").format(n=len(evs)), None, opts, key="pub_cmp")
        publish.small_multiples_downloads(evs, options)


def small_maps(ctx: PageContext, entries, titles: list[str], widths, opts: webmap.MapOptions) -> None:
    """One small map per scenario, in sync, in one frame that loads the basemap once."""
    layers = [scenario_layers(e.toml, *widths, ctx.base_dir(e), lang=language()) for e in entries]
    height = max(300, int(opts.height * SMALL_MAP_SHARE)) if len(entries) > 2 else opts.height
    labelled = [f"{n}: {t}" for n, t in zip(comparison.letters(len(titles)), titles)]
    show_grid(webmap.grid_html(layers, labelled, opts, grid_assets(), height), len(entries), height)
    for n, t, lay in zip(comparison.letters(len(titles)), titles, layers):
        entries_ = webmap.legend_entries(lay, opts)[:-len(webmap.basemap_entries(opts)) or None]
        show_legend(entries_, f"{n}: {t}")
    show_legend(webmap.basemap_entries(opts), _("Basemap"))


def overlay(ctx: PageContext, entries, titles: list[str], widths, opts: webmap.MapOptions) -> None:
    """A and B on one map: the areas only in A, only in B and in both, with their DMZ bands, zones and lines."""
    a, b = entries
    oa = outline_layers(a.toml, *widths, "A", ctx.base_dir(a), b.toml, ctx.base_dir(b), lang=language())
    ob = outline_layers(b.toml, *widths, "B", ctx.base_dir(b), lang=language())
    page = webmap.grid_html([], [_("A and B on one map")], opts, grid_assets(), opts.height, overlay=(oa, ob))
    show_grid(page, 1, opts.height)
    show_legend(webmap.overlay_entries(titles[0], titles[1], oa, ob, opts), _("Legend"))
