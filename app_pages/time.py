"""The "control on a day" view: a time slider, the Russian-administered area that day on the map with its line of
contact, the area over time in a chart with the proposals' days, and the places changing hands between two days."""

from __future__ import annotations

import streamlit as st

from borderline import format as fmt
from borderline import webmap
from borderline.i18n import _
from borderline.ui import days, panels, session, timeview
from borderline.ui.page import PageContext, day_layers, guard, history_frame, show_legend, show_map
from geo.messages import N_

VIEW = "time"
TITLE = N_("Control on a day")
ORDER = 15
SCENARIOS = 0  # scenarios picked in the sidebar
SCOPES = {"ukraine": N_("Ukraine as a whole"), "oblast": N_("By oblast")}


def _scope(key: str) -> str:
    return _(SCOPES[key])


def render(ctx: PageContext) -> None:
    cal = days.calendar()
    st.markdown("### " + _("Control on a day"))
    c1, c2 = st.columns([6, 1], vertical_alignment="bottom")
    c1.slider(_("Day"), min_value=cal.first_date, max_value=cal.last_date, format="YYYY-MM-DD",
              help=_("Any day from {first} to {last}").format(first=cal.first, last=cal.last),
              **session.bound_day("day", cal, switch=False))
    c2.button(_("Latest day"), on_click=session.set_day, args=("day", days.LATEST, cal), key="tv_latest",
              width="stretch")
    vs = session.view_state()
    day = cal.resolved(vs.day)
    as_of = (_("Line of contact as of {date} (the latest day)") if day == cal.last
             else _("Line of contact as of {date}")).format(date=fmt.fmt_date(day))
    st.caption(f"{as_of} — {_(days.SOURCE_NOTE)}.")
    with guard(_("Figures")):
        f = timeview.figures(day)
        cols = st.columns(3)
        cols[0].metric(_("Russian-administered"), fmt.km2(f.km2))
        cols[1].metric(_("Share of Ukraine"), fmt.pct(f.pct))
        cols[2].metric(_("Population there*"), fmt.people(f.population))
    with guard(_("Map")):
        layers = day_layers(day)
        base = webmap.add_basemap(webmap.new_map(ctx.assets, ctx.opts), ctx.opts)
        show_map(base, webmap.scenario_group(layers, ctx.opts), "time-map", ctx.opts.height)
        show_legend(webmap.legend_entries(layers, ctx.opts), _("On {day}").format(day=day))
        st.caption("\\* " + _("2022 resident baseline, estimated. Areas in km², equal-area (EPSG:3035)."))
    with guard(_("Chart")):
        over_time(ctx, cal, day)
    with guard(_("Changes of hands")):
        changes(ctx, cal, day)


def over_time(ctx: PageContext, cal: days.Calendar, day: str) -> None:
    """The Russian-administered area through the daily record, weekly, with the built-in proposals' days."""
    st.markdown("**" + _("Russian-administered area over time") + "**")
    c1, c2 = st.columns(2)
    scope = c1.radio(_("Show"), list(SCOPES), format_func=_scope, horizontal=True, key="tv_scope")
    unit = c2.radio(_("Units"), list(timeview.UNITS), format_func=timeview.unit_label, horizontal=True,
                    key="tv_unit")
    marks = timeview.proposal_marks(ctx.entries, cal)
    history = history_frame(cal.ledger_first or cal.first, cal.last)
    st.altair_chart(timeview.chart(history, marks, unit, scope == "oblast", day), width="stretch")
    st.caption(_("Weekly from {first} to {last}; dashed lines: the days the built-in scenarios are drawn against "
                 "(their proposals); blue: the day shown.").format(first=cal.ledger_first or cal.first, last=cal.last)
               + " " + (_("Share of each oblast's area.") if scope == "oblast" else _("Share of Ukraine's area.")))


def changes(ctx: PageContext, cal: days.Calendar, day: str) -> None:
    """The places of the daily record changing hands after one day up to another."""
    st.markdown("**" + _("Places changing hands between two days") + "**")
    c1, c2, _rest = st.columns([1, 1, 2])
    c1.date_input(_("After"), min_value=cal.first_date, max_value=cal.last_date, format="YYYY-MM-DD",
                  **session.bound_day("since", cal, switch=False))
    c2.date_input(_("Up to and including"), min_value=cal.first_date, max_value=cal.last_date, format="YYYY-MM-DD",
                  **session.bound_day("until", cal, switch=False))
    first, last = cal.resolved(session.get("since")), cal.resolved(session.get("until"))
    if first > last:
        st.info(_("The first day ({first}) is after the second ({last}); showing the changes between them.").format(
            first=first, last=last))
        first, last = last, first
    frame = timeview.changes_between(first, last, ctx.oblasts)
    panels.table_or(frame, _("No settlement of the daily record changes hands after {first} up to {last}.").format(
                        first=first, last=last),
                    _("Settlements that change hands after {first} up to and including {last}: {n}. Source: "
                      "DeepStateMap.Live's daily archive, sampled at settlements; populations: GeoNames, rounded "
                      "to three significant figures.").format(n=len(frame), first=first, last=last))
