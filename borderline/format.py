"""The one number style of borderline: km², km, people, shares, signed deltas, dates and the population note.

App, command line, maps, report and exports format every figure through this
module. Population figures are estimates of the 2022 resident baseline and are
labelled with ``POPULATION_NOTE`` (or a ``*`` that points to it) wherever they appear.
"""

from __future__ import annotations

import datetime as dt
import math

from scenarios.metrics import POPULATION_NOTE, Measure  # noqa: F401  (POPULATION_NOTE re-exported)

NBSP = "\u00a0"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_number(value: float) -> str:
    """A number with thousands separators, one decimal below 100 (unless whole)."""
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.1f}"


def km2(value: float) -> str:
    """An area in km², rounded to what the data supports."""
    if _missing(value):
        return "–"
    return f"{value:,.0f}{NBSP}km²" if abs(value) >= 100 else f"{value:,.1f}{NBSP}km²"


def km(value: float) -> str:
    """A length in km."""
    if _missing(value):
        return "–"
    return f"{value:,.0f}{NBSP}km" if abs(value) >= 100 else f"{value:,.1f}{NBSP}km"


def people(value: float) -> str:
    """A population figure, rounded to the nearest thousand above 10,000 (they are estimates)."""
    if _missing(value):
        return "–"
    value = float(value)
    return f"{round(value, -3):,.0f}" if abs(value) >= 10_000 else f"{value:,.0f}"


def fmt_population(value: float) -> str:
    """A population in words for captions: "7.78 million" from a million up, else with separators."""
    return f"{value / 1e6:,.2f} million" if abs(value) >= 1e6 else f"{value:,.0f}"


def pct(value: float, digits: int = 1) -> str:
    """A share in per cent."""
    return f"{value:.{digits}f}{NBSP}%"


def signed(value: float, digits: int = 0) -> str:
    """A delta with its sign (+1,234 / −56 / ±0)."""
    if abs(value) < 10 ** -digits / 2:
        return "±0"
    sign = "+" if value > 0 else "−"
    return f"{sign}{abs(value):,.{digits}f}"


def value(m: Measure, v) -> str:
    """A measure's value, formatted by its unit."""
    if m.unit == "km²":
        return km2(v)
    if m.unit == "km":
        return km(v)
    if m.unit == "%":
        return pct(v, 2)
    if m.unit == "people":
        return people(v) if m.estimate else f"{v:,.0f}"
    return f"{v:,}" if isinstance(v, int) else fmt_number(v)


def delta(m: Measure, d: float) -> str:
    """A measure's delta, signed: people rounded like the estimates they come from, areas and lengths with units."""
    if m.unit == "people":
        return signed(round(d, -3) if m.estimate and abs(d) >= 10_000 else d)
    if m.unit == "%":
        return signed(d, 2) + f"{NBSP}%"
    if m.unit in ("km²", "km"):
        return signed(d) + f"{NBSP}{m.unit}"
    return signed(d)


def fmt_width(width_km: float) -> str:
    """A DMZ width in km, compactly (5, 2.5)."""
    return f"{width_km:g}"


def fmt_date(iso: str) -> str:
    """``2025-02-12`` as "12 February 2025" (other strings unchanged)."""
    try:
        d = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {d:%B %Y}"


def dmz_phrase(ua_km: float, ru_km: float) -> str:
    """The DMZ widths in words."""
    if ua_km == 0 and ru_km == 0:
        return "no DMZ along the line of contact"
    return f"DMZ {fmt_width(ua_km)} km on the Ukrainian side, {fmt_width(ru_km)} km on the Russian side"
