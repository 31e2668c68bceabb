"""The "control on a day" view's data: the day's figures and map layers, the area over time as a chart, and the
places changing hands between two days (no Streamlit here; the chart is Altair, drawn by Streamlit offline).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from borderline import format as fmt
from borderline import webmap
from borderline.i18n import _, language
from borderline.ui.days import Calendar, weekly
from geo.messages import N_
from geo.names import oblast_name, settlement_name

SIDE = fmt.SIDES
# Short labels of the built-ins' days on the chart; other days are labelled from their scenarios' titles.
SHORT_LABELS = {"us-28-point-plan-2025-11": N_("US 28-point plan"), "us-ukraine-20-point-2025-12":
                N_("US–Ukraine 20-point plan"), "status-quo-2025-02": N_("talks open")}
UNITS = {"km2": N_("km²"), "pct": N_("% of the area")}


def unit_label(unit: str) -> str:
    """A chart unit's name in the current language (the radio's labels)."""
    return _(UNITS[unit])


@dataclass(frozen=True)
class DayFigures:
    """The Russian-administered area on a day: km², share of Ukraine, estimated population (2022 baseline)."""

    day: str  # the resolved day
    km2: float
    pct: float
    population: float


def figures(day: str) -> DayFigures:
    """The headline figures of a (resolved) day."""
    from scenarios.engine import control_area, control_history

    total = next(r for r in control_history([day]) if r["iso"] == "UA")
    part = control_area(day)
    return DayFigures(day, float(total["russian_administered_km2"]), float(total["share_pct"]), float(part.population))


def day_layers(day: str) -> dict:
    """Map layers of a (resolved) day: the Russian-administered area and its line of contact (GeoJSON, escaped)."""
    from scenarios.engine import control_on

    part, line = control_on(day)
    layers: dict = {"title": part.name}
    area = webmap.display_geometry(part.geometry)
    if area:
        layers["russian_administered"] = {"type": "FeatureCollection", "features": [{
            "type": "Feature", "geometry": area,
            "properties": {"tip": webmap.area_tip(part.name, part.km2, part.population)}}]}
    shown = webmap.display_geometry(line.geometry, 100.0)
    if shown:
        layers["contact_line"] = {"type": "FeatureCollection", "features": [{
            "type": "Feature", "geometry": shown, "properties": {"tip": webmap.line_tip(line.name, line.length_km)}}]}
    return layers


def history_frame(cal: Calendar) -> pd.DataFrame:
    """The area over the daily record, weekly: columns day (datetime), iso, name, km2, pct."""
    from scenarios.engine import control_history

    rows = control_history(weekly(cal.ledger_first or cal.first, cal.last))
    frame = pd.DataFrame(rows).rename(columns={"russian_administered_km2": "km2", "share_pct": "pct"})
    frame["day"] = pd.to_datetime(frame["day"])
    return frame[["day", "iso", "name", "km2", "pct"]]


def proposal_marks(entries, cal: Calendar) -> pd.DataFrame:
    """The built-in scenarios' own days within the record: day, label, and the scenarios bound to it."""
    by_day: dict[str, list] = {}
    lo = cal.ledger_first or cal.first
    for e in entries:
        if not e.builtin:
            continue
        s = e.scenario()
        if s.baseline == "latest":
            continue
        day = cal.resolve(s.baseline)
        if lo <= day <= cal.last:
            by_day.setdefault(day, []).append(e)
    rows = []
    for i, (day, es) in enumerate(sorted(by_day.items())):
        short = [_(SHORT_LABELS[e.id]) for e in es if e.id in SHORT_LABELS]
        text = short[0] if short else _(es[0].title).split(" (")[0]
        rows.append({"day": pd.Timestamp(day), "label": f"{text} ({fmt.fmt_date(day)})",
                     "scenarios": "; ".join(_(e.title) for e in es), "ypx": 4 + 15 * (i % 3)})
    return pd.DataFrame(rows, columns=["day", "label", "scenarios", "ypx"])


def chart(history: pd.DataFrame, marks: pd.DataFrame, unit: str, by_oblast: bool, day: str):
    """An Altair layered chart: the area (km² or %) over time, Ukraine or per oblast, proposal days and ``day``."""
    import altair as alt

    data = history[history["iso"] != "UA"] if by_oblast else history[history["iso"] == "UA"]
    if language() != "en":
        data = data.assign(name=[oblast_name(i, language(), n) for i, n in zip(data["iso"], data["name"])])
    title = _("km²") if unit == "km2" else (_("% of each oblast's area") if by_oblast else _("% of Ukraine's area"))
    y = alt.Y(f"{unit}:Q", title=title, scale=alt.Scale(zero=False) if not by_oblast else alt.Scale())
    colour = alt.Color("name:N", title=_("Oblast"), legend=alt.Legend(orient="right", labelLimit=260)) \
        if by_oblast else alt.value("#b2182b")
    fmt_y = ",.0f" if unit == "km2" else ".1f"
    lines = alt.Chart(data).mark_line(point=False, strokeWidth=2).encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%Y-%m", labelAngle=0)), y=y, color=colour,
        tooltip=[alt.Tooltip("day:T", title=_("Day"), format="%Y-%m-%d"), alt.Tooltip("name:N", title=_("Unit")),
                 alt.Tooltip(f"{unit}:Q", title=unit_label(unit), format=fmt_y)])
    rules = alt.Chart(marks).mark_rule(strokeDash=[4, 3], color="#555").encode(
        x="day:T", tooltip=[alt.Tooltip("label:N", title=_("Proposal")),
                            alt.Tooltip("scenarios:N", title=_("Scenarios"))])
    texts = alt.Chart(marks).mark_text(align="left", dx=3, dy=-4, angle=0, fontSize=11, color="#333",
                                       baseline="top").encode(
        x="day:T", y=alt.Y("ypx:Q", scale=None, axis=None), text="label:N")
    today = alt.Chart(pd.DataFrame({"day": [pd.Timestamp(day)]})).mark_rule(color="#2166ac", strokeWidth=2).encode(
        x="day:T")
    chart_ = alt.layer(lines, rules, texts, today).properties(height=360)
    return chart_.configure(locale={"number": number_locale()})


def number_locale() -> dict:
    """The chart's number symbols (Vega's d3 locale) from Babel's data for the current language."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    code = {"uk": "uk"}.get(language(), "en")
    return {"decimal": get_decimal_symbol(code), "thousands": get_group_symbol(code), "grouping": [3],
            "currency": ["", ""]}


CHANGE_COLUMNS = (N_("Place"), N_("Oblast"), N_("Day"), N_("From → to"), N_("Population (GeoNames)"))


def changes_frame(changes, population: dict, names_uk: dict | None = None) -> pd.DataFrame:
    """The places changing hands (``SideChange`` rows) as a table in the current language: populations rounded
    like every population figure (three significant figures); ``names_uk``: geonameid → Ukrainian name."""
    names_uk = names_uk or {}
    rows = [[settlement_name(c.name, names_uk.get(c.geonameid), language()), c.admin1_iso, c.day,
             f"{fmt.side(c.from_side)} → {fmt.side(c.to_side)}", fmt.people(float(population.get(c.geonameid, 0)))]
            for c in changes]
    return pd.DataFrame(rows, columns=[_(c) for c in CHANGE_COLUMNS])


def changes_between(first: str, last: str, oblasts: dict[str, str]) -> pd.DataFrame:
    """The places changing hands after ``first`` up to ``last`` (resolved days), oblasts by name."""
    from geo.projected import projected

    p = projected()
    population = dict(zip(p.settlements["geonameid"], p.settlements["population"]))
    names_uk = dict(zip(p.settlements["geonameid"], p.settlements["name_uk"]))
    frame = changes_frame(p.timeline.changes(first, last), population, names_uk)
    column = _("Oblast")
    frame[column] = frame[column].map(lambda iso: oblast_name(iso, language(), oblasts.get(iso, iso)))
    return frame
