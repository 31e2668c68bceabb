"""The view's state and its URL form, so a view can be shared by link (no Streamlit here).

The URL holds: ``view`` (map, compare, editor, import), ``s`` (scenario id),
``b`` (the second scenario of the comparison), ``ua`` and ``ru`` (DMZ widths in
km on the Ukrainian and the Russian side), ``base`` (baseline control date)
``layout`` (side or overlay, for the comparison); and for the time view ``day``
(the day it shows), ``from`` and ``to`` (the days of its table of changes).
A date is ``YYYY-MM-DD`` or ``latest``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Mapping

from scenarios.values import DMZ_MAX_KM, SLUG

VIEWS = ("map", "compare", "editor", "import", "time")
LAYOUTS = ("side", "overlay")
SLIDER_MAX_KM = DMZ_MAX_KM  # the sliders reach the model's maximum: no scenario is shown at another width
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class ViewState:
    """What the reader is looking at. ``ua_km``/``ru_km``/``baseline`` None mean the scenario's own."""

    view: str = "map"
    scenario: str = "status-quo-2025-02"
    other: str = "donbas-withdrawal"
    ua_km: float | None = None
    ru_km: float | None = None
    baseline: str | None = None
    layout: str = "side"
    day: str = "latest"  # the time view's day
    since: str | None = None  # the time view's table: after this day ... (None: its default)
    until: str | None = None  # ... up to this day


def _first(value) -> str | None:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    return None if value is None else str(value)


def _width(text: str | None, name: str, notes: list[str]) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        notes.append(f"{name} in the link is not a number; the scenario's DMZ width is used")
        return None
    if not math.isfinite(value) or value < 0:
        notes.append(f"{name} in the link must be 0–{SLIDER_MAX_KM:.0f} km; the scenario's DMZ width is used")
        return None
    if value > SLIDER_MAX_KM:
        notes.append(f"{name} in the link is over {SLIDER_MAX_KM:.0f} km; {SLIDER_MAX_KM:.0f} km is used")
        return SLIDER_MAX_KM
    return value


def _day(text: str | None, what: str, dates, notes: list[str], fallback: str) -> str | None:
    """A day of the link checked against ``dates`` (a list of days, or a ``days.Calendar``), or None and a note."""
    if text is None:
        return None
    if hasattr(dates, "check"):
        try:
            return dates.check(text)
        except ValueError as exc:
            notes.append(f"{what} {text[:20]!r} in the link: {str(exc).splitlines()[0] if str(exc) else 'unreadable'}; "
                         f"{fallback} is used")
            return None
    if DATE.match(text) and text in dates:
        return text
    notes.append(f"{what} {text[:20]!r} in the link has no control line; {fallback} is used")
    return None


def from_query(params: Mapping, known_ids: list[str], dates,
               views: tuple[str, ...] = VIEWS) -> tuple[ViewState, list[str]]:
    """The state a URL asks for, and a note for each part of it that had to be ignored.

    Parameters: ``params`` the query parameters; ``known_ids`` the scenario ids
    on offer; ``dates`` the supported days (a ``days.Calendar``, or a list of
    days); ``views`` the views the app has (its pages).
    """
    state, notes = ViewState(), []
    view = _first(params.get("view"))
    if view in views:
        state.view = view
    elif view is not None:
        notes.append("the view in the link is unknown; showing the map")
    for key, attr in (("s", "scenario"), ("b", "other")):
        sid = _first(params.get(key))
        if sid is None:
            continue
        if SLUG.fullmatch(sid) and sid in known_ids:
            setattr(state, attr, sid)
        else:
            notes.append(f"scenario {sid[:64]!r} in the link is not in this library; showing {getattr(state, attr)}")
    state.ua_km = _width(_first(params.get("ua")), "the Ukrainian-side DMZ width", notes)
    state.ru_km = _width(_first(params.get("ru")), "the Russian-side DMZ width", notes)
    state.baseline = _day(_first(params.get("base")), "baseline", dates, notes, "the scenario's")
    state.day = _day(_first(params.get("day")), "day", dates, notes, "the latest day") or state.day
    state.since = _day(_first(params.get("from")), "from", dates, notes, "the default")
    state.until = _day(_first(params.get("to")), "to", dates, notes, "the default")
    layout = _first(params.get("layout"))
    if layout in LAYOUTS:
        state.layout = layout
    return state, notes


def to_query(state: ViewState) -> dict[str, str]:
    """The URL parameters of a state (only what differs from the defaults of its view)."""
    out = {"view": state.view, "s": state.scenario}
    if state.view == "compare":
        out["b"] = state.other
        out["layout"] = state.layout
    if state.ua_km is not None:
        out["ua"] = f"{state.ua_km:g}"
    if state.ru_km is not None:
        out["ru"] = f"{state.ru_km:g}"
    if state.baseline:
        out["base"] = state.baseline
    if state.view == "time":
        out["day"] = state.day
        if state.since:
            out["from"] = state.since
        if state.until:
            out["to"] = state.until
    return out


def slider_max_km(*widths_km: float) -> float:
    """The top of the DMZ sliders: the model's maximum, or a wider width a scenario has (never clamped)."""
    return max(SLIDER_MAX_KM, *widths_km)


def beyond_slider_note(ua_km: float, ru_km: float) -> str | None:
    """A sentence for the page when a width is past the sliders' usual range (the true width is used)."""
    if max(ua_km, ru_km) <= SLIDER_MAX_KM:
        return None
    return (f"This DMZ is wider than the sliders' {SLIDER_MAX_KM:g} km; the numbers are for its true widths, "
            f"{ua_km:g} km (Ukrainian side) and {ru_km:g} km (Russian side).")
