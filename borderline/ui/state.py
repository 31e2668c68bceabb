"""The view's state and its URL form, so a view can be shared by link (no Streamlit here).

The URL holds: ``view`` (map, compare, editor, import), ``s`` (scenario id),
``b`` (the second scenario of the comparison), ``ua`` and ``ru`` (DMZ widths in
km on the Ukrainian and the Russian side), ``base`` (baseline control date)
``layout`` (side or overlay, for the comparison), ``s3`` and ``s4`` (the third and fourth scenario of a
comparison of more than two); ``off`` (the map layers switched off, comma-separated), ``tiles=1`` (the online
tile basemap), ``h`` (the map's height in px), ``p.NAME`` (a value of the scenario's parameter NAME),
``place`` (the place searched for); and for the time view ``day``
(the day it shows), ``from`` and ``to`` (the days of its table of changes).
A date is ``YYYY-MM-DD`` or ``latest``. The map's own script keeps ``z`` (zoom) and ``at`` (centre,
``lat,lon``) in the address as the reader moves it; they are passed through untouched.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Mapping


from scenarios.values import DMZ_MAX_KM, SLUG

VIEWS = ("map", "compare", "editor", "import", "time")
LAYOUTS = ("side", "overlay")
LAYERS = ("zones", "dmz", "contact_line", "changes", "oblasts", "dnieper", "settlements", "labels", "sites")
HEIGHTS = (420, 620, 820, 1000)  # the map's height options, px
DEFAULT_HEIGHT = 620
MAX_COMPARED = 4
VIEW_KEYS = ("z", "at")  # written by the map's script, kept as they are
PARAM_PREFIX = "p."
PLACE_MAX_CHARS = 100
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
    more: tuple[str, ...] = ()  # the comparison's third and fourth scenarios
    layers_off: tuple[str, ...] = ()  # map layers switched off (of LAYERS)
    tiles: bool = False  # the online tile basemap
    height: int = DEFAULT_HEIGHT  # the map's height, px
    params: dict[str, float] = field(default_factory=dict)  # the scenario's parameters as chosen (else defaults)
    place: str | None = None  # the place searched for on the map


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
    more = []
    for key in ("s3", "s4"):
        sid = _first(params.get(key))
        if sid is None:
            continue
        if SLUG.fullmatch(sid) and sid in known_ids:
            more.append(sid)
        else:
            notes.append(f"scenario {sid[:64]!r} in the link is not in this library; it is left out of the comparison")
    state.more = tuple(more)
    off = _first(params.get("off"))
    if off:
        state.layers_off = tuple(k for k in LAYERS if k in off.split(","))
    state.tiles = _first(params.get("tiles")) == "1"
    state.height = _height(_first(params.get("h")), notes)
    state.params = _params(params, notes)
    place = _first(params.get("place"))
    if place:
        state.place = place.strip()[:PLACE_MAX_CHARS] or None
    return state, notes


def _height(text: str | None, notes: list[str]) -> int:
    """The map height of the link: the nearest of HEIGHTS."""
    if text is None:
        return DEFAULT_HEIGHT
    try:
        value = float(text)
    except ValueError:
        notes.append("the map height in the link is not a number; the default height is used")
        return DEFAULT_HEIGHT
    if not math.isfinite(value):
        return DEFAULT_HEIGHT
    return min(HEIGHTS, key=lambda h: abs(h - value))


def _params(params: Mapping, notes: list[str]) -> dict[str, float]:
    """The parameter values of the link (``p.NAME=number``); each is checked against the scenario later."""
    out = {}
    for key in params:
        if not str(key).startswith(PARAM_PREFIX):
            continue
        name, text = str(key)[len(PARAM_PREFIX):][:40], _first(params.get(key))
        try:
            value = float(text)
        except (TypeError, ValueError):
            notes.append(f"parameter {name!r} in the link is not a number; the scenario's default is used")
            continue
        if math.isfinite(value):
            out[name] = value
    return out


def to_query(state: ViewState) -> dict[str, str]:
    """The URL parameters of a state (only what differs from the defaults of its view)."""
    out = {"view": state.view, "s": state.scenario}
    if state.view == "compare":
        out["b"] = state.other
        out["layout"] = state.layout
        for key, sid in zip(("s3", "s4"), state.more):
            out[key] = sid
    if state.layers_off:
        out["off"] = ",".join(k for k in LAYERS if k in state.layers_off)
    if state.tiles:
        out["tiles"] = "1"
    if state.height != DEFAULT_HEIGHT:
        out["h"] = str(state.height)
    for name, value in sorted(state.params.items()):
        out[PARAM_PREFIX + name] = f"{value:g}"
    if state.place and state.view == "map":
        out["place"] = state.place
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
