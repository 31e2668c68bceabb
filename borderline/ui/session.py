"""The app's session state, in one place: canonical values, their widgets, messages, uploads and the URL.

Streamlit forgets a widget's value when a run does not draw it (a view that is
not shown), so what must outlive a view change is kept canonically under its
own key (``view``, ``scenario``, ``other``, ``layout``, ``ua``, ``ru``,
``same``, ``baseline``, and the time view's ``day``, ``since``, ``until``) and copied to and from its widget ``w_<key>``
(``bound``). Callbacks cannot draw, so their messages wait in ``flash`` for the
next run. Every read and write of ``st.session_state`` by the app goes through
this module.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

import streamlit as st

from borderline.i18n import _
from borderline.ui import days, editor
from borderline.ui import state as url
from borderline.uploads import UploadStore

SS = st.session_state
DRAFT_KEPT = "_ed_kept"
DRAFT_PREFIX = "ed_"
DRAFT_BUTTONS = ("ed_open", "ed_save")  # buttons hold no value to keep (and cannot be set)
DEFAULT_SPAN_DAYS = 61  # the time view's table of changes: by default the two months up to its day


def get(key: str, default=None):
    """A value of the session (a canonical value or a widget's)."""
    return SS.get(key, default)


def _copy(widget_key: str, key: str) -> None:
    SS[key] = SS[widget_key]


def init_widget(key: str) -> None:
    """Initialise the widget ``w_<key>`` from its canonical value (for widgets with their own callback)."""
    if f"w_{key}" not in SS:
        SS[f"w_{key}"] = SS[key]


def bound(key: str) -> dict:
    """Widget arguments that keep the canonical ``key`` as the value of the widget ``w_<key>``."""
    init_widget(key)
    widget = f"w_{key}"
    return {"key": widget, "on_change": _copy, "args": (widget, key)}


def put(key: str, value) -> None:
    """Set a canonical value and its widget (only from a callback, or before the widget is drawn)."""
    SS[key] = value
    SS[f"w_{key}"] = value


def set_values(items: Mapping) -> None:
    """Set widget values by key (from a callback, before the widgets are drawn)."""
    for key, value in items.items():
        SS[key] = value


def flash(kind: str, message: str) -> None:
    """A message (``success``, ``info`` or ``error``) to show at the top of the next run."""
    SS.setdefault("flash", []).append((kind, message))


def take_flashes() -> list[tuple[str, str]]:
    """The messages waiting to be shown, once."""
    return SS.pop("flash", [])


def uploads() -> UploadStore:
    """This session's uploaded areas (never shared with another session)."""
    return SS["uploads"]


def upload_result(value: tuple[str, str] | None = None) -> tuple[str, str] | None:
    """The outcome of the last area upload, ``("ok", key)`` or ``("error", message)``; sets it if given."""
    if value is not None:
        SS.upload_result = value
    return SS.get("upload_result")


# ---------------------------------------------------------------------------------------------------------
# What the reader looks at: the scenario, its widths and baseline, the view; from and to the URL.


def view_state() -> url.ViewState:
    """The canonical state of the view."""
    count = SS.get("count", 2)
    return url.ViewState(view=SS.view, scenario=SS.scenario, other=SS.other, ua_km=SS.ua, ru_km=SS.ru,
                         baseline=SS.baseline, layout=SS.layout, day=SS.day, since=SS.since, until=SS.until,
                         more=tuple(SS.get("more", ()))[:max(0, count - 2)],
                         layers_off=tuple(k for k in url.LAYERS if not SS.get(f"lay_{k}", True)),
                         tiles=bool(SS.get("tiles", False)), height=SS.get("height", url.DEFAULT_HEIGHT),
                         params=dict(SS.get("params", {})), place=SS.get("place"))


def compared() -> list[str]:
    """The ids of the scenarios the comparison shows (A, B, then up to two more)."""
    vs = view_state()
    return [vs.scenario, vs.other, *vs.more]


# ---------------------------------------------------------------------------------------------------------
# Scenario parameters: the canonical ``params`` (name → value) of the scenario shown; widgets ``w_param_<name>``.


def concrete(entry, values: Mapping | None = None):
    """The scenario of a catalog entry with its parameters set (their defaults where ``values`` has none)."""
    s = entry.scenario()
    if not getattr(s, "parameters", None):
        return s
    declared = {p.name for p in s.parameters}
    return s.with_params({k: v for k, v in (values or {}).items() if k in declared})


def param_values() -> tuple[tuple[str, float], ...]:
    """The chosen parameter values as a hashable key (sorted name, value pairs)."""
    return tuple(sorted(SS.get("params", {}).items()))


def _on_param(name: str, entry) -> None:
    values = dict(SS.get("params", {}))
    values[name] = float(SS[f"w_param_{name}"])
    SS.params = values
    raw = entry.scenario().dmz
    if all(isinstance(w, (int, float)) for w in (raw.ukrainian_side_km, raw.russian_side_km)):
        return  # the DMZ does not depend on a parameter: the reader's widths stay
    s = concrete(entry, values)  # a width given by a parameter follows it
    put("ua", s.dmz.ukrainian_side_km)
    put("ru", s.dmz.russian_side_km)
    put("same", SS.ua == SS.ru)
    SS["w_both"] = SS.ua


def bound_param(name: str, default: float, entry) -> dict:
    """Widget arguments of a parameter's control (the canonical value is ``params[name]``)."""
    widget = f"w_param_{name}"
    if widget not in SS:
        SS[widget] = SS.get("params", {}).get(name, default)
    return {"key": widget, "on_change": _on_param, "args": (name, entry)}


def check_params(entry, values: Mapping) -> tuple[dict[str, float], list[str]]:
    """The values a link gives that the scenario's parameters accept, and a note for each refused one."""
    s = entry.scenario()
    declared = {p.name for p in getattr(s, "parameters", None) or ()}
    kept, notes = {}, []
    for name, value in values.items():
        if name not in declared:
            notes.append(f"the scenario has no parameter {name!r}; it is ignored")
            continue
        try:
            s.with_params({name: value})
        except (ValueError, TypeError) as exc:
            notes.append(f"{str(exc).splitlines()[0] if str(exc) else name}; its default is used")
            continue
        kept[name] = value
    return kept, notes


# ---------------------------------------------------------------------------------------------------------
# Map layers and height: canonical ``lay_<layer>``, ``tiles`` and ``height``; their widgets ``w_<key>``.


def init_layers(vs: url.ViewState) -> None:
    """The layer switches, online tiles and height from a state (on a session's first run)."""
    for key in url.LAYERS:
        put(f"lay_{key}", key not in vs.layers_off)
    put("tiles", vs.tiles)
    put("height", vs.height)


# Days: the canonical value is a string (``YYYY-MM-DD`` or ``latest``); its date input ``w_<key>`` holds a
# datetime.date and, where "latest" can be said, a switch ``w_<key>_latest``.


def put_day(key: str, day: str | None, cal: days.Calendar) -> None:
    """Set a canonical day and its widgets (from a callback, or before the widgets are drawn)."""
    SS[key] = day
    latest, shown = cal.widget(day)
    SS[f"w_{key}"] = shown
    SS[f"w_{key}_latest"] = latest and day is not None


def _day_from_widget(key: str, switch: bool = True) -> None:
    latest = switch and bool(SS.get(f"w_{key}_latest"))
    SS[key] = days.from_widget(latest, SS[f"w_{key}"])
    if not switch:
        SS[f"w_{key}_latest"] = False


def bound_day(key: str, cal: days.Calendar, switch: bool = True) -> dict:
    """Date input (or slider) arguments that keep the canonical day ``key``; ``switch``: it has a "latest" switch,
    ``w_<key>_latest`` (without one, moving the widget names a day)."""
    if f"w_{key}" not in SS:
        put_day(key, SS.get(key), cal)
    return {"key": f"w_{key}", "on_change": _day_from_widget, "args": (key, switch)}


def bound_latest(key: str, cal: days.Calendar) -> dict:
    """Arguments of the "latest" switch of the day ``key``."""
    if f"w_{key}_latest" not in SS:
        put_day(key, SS.get(key), cal)
    return {"key": f"w_{key}_latest", "on_change": _day_from_widget, "args": (key,)}


def set_day(key: str, day: str, cal: days.Calendar) -> None:
    """A button's callback: show this day."""
    put_day(key, day, cal)


def own_day(day: str, cal: days.Calendar) -> str:
    """A scenario's baseline as the sidebar holds it: ``latest``, or the day its line is of."""
    if day == days.LATEST:
        return day
    try:
        return cal.resolve(day)
    except ValueError:  # a day no line covers: the evaluation says so when it runs
        return day


def use_scenario_defaults(entry, dates: list[str]) -> None:
    """The DMZ widths and the baseline of a scenario, as it defines them (when it is picked).

    The widths are the scenario's own, never clamped to the sliders' range: the numbers shown are for
    this scenario.
    """
    s = concrete(entry, SS.get("params", {}))
    ua, ru = s.dmz.ukrainian_side_km, s.dmz.russian_side_km
    put("ua", ua)
    put("ru", ru)
    put("same", ua == ru)
    SS["w_both"] = ua
    put_day("baseline", own_day(s.baseline, days.calendar()), days.calendar())


def pick_scenario(scenario_id: str, entry, dates: list[str]) -> None:
    """Show a scenario (from a callback), with its own widths, baseline and parameter defaults."""
    put("scenario", scenario_id)
    for key in [k for k in SS if str(k).startswith("w_param_")]:
        del SS[key]
    SS.params = {}
    use_scenario_defaults(entry, dates)


def set_both_widths(km: float) -> None:
    SS.ua = SS.ru = km


def set_same(same: bool) -> None:
    """One width for both sides (the Russian side takes the Ukrainian side's), or one per side."""
    SS.same = same
    if same:
        put("ru", SS.ua)
        SS["w_both"] = SS.ua


def init_from_url(by_id: Mapping, dates: list[str], views: Iterable[str], page_view: str) -> None:
    """On a session's first run: the state from the URL, else the defaults.

    ``page_view`` is the view of the page the URL's path names; the ``view`` parameter, when the link
    has one, wins (links made before the pages had paths say ``?view=...``).
    """
    apply_language()
    if SS.get("_ready"):
        return
    params = st.query_params.to_dict()
    params.setdefault("view", page_view)
    cal = days.calendar()
    vs, notes = url.from_query(params, list(by_id), cal, tuple(views))
    SS.view, SS.scenario, SS.other, SS.layout = vs.view, vs.scenario, vs.other, vs.layout
    SS.day = vs.day
    until = vs.until or cal.resolved(vs.day)  # the table's default: the two months up to the day shown
    SS.since, SS.until = vs.since or max(cal.first, days.shift(until, -DEFAULT_SPAN_DAYS)), until
    SS.count = min(url.MAX_COMPARED, 2 + len(vs.more))
    spare = [sid for sid in by_id if sid not in (vs.scenario, vs.other)] + list(by_id)
    SS.more = [*vs.more, *spare[len(vs.more):2]]
    init_layers(vs)
    SS.place = vs.place
    params, param_notes = check_params(by_id[vs.scenario], vs.params)
    notes = [*notes, *param_notes]
    SS.params = params
    use_scenario_defaults(by_id[vs.scenario], dates)
    if vs.ua_km is not None:
        put("ua", vs.ua_km)
    if vs.ru_km is not None:
        put("ru", vs.ru_km)
    put("same", SS.ua == SS.ru)
    SS["w_both"] = SS.ua
    if vs.baseline:
        put_day("baseline", vs.baseline, cal)
    SS.uploads = UploadStore()
    for note in notes:
        flash("info", _("Link: {note}.").format(note=note))
    SS._ready = True


def keep_known(by_id: Mapping, first: str, second: str) -> None:
    """Scenarios deleted or renamed since they were picked give way to the first two built-ins."""
    if SS.scenario not in by_id:
        put("scenario", first)
        SS.params = {}
    if SS.other not in by_id:
        put("other", second)
    more = list(SS.get("more", ()))
    for i, sid in enumerate(more):
        if sid not in by_id:
            more[i] = first
            SS.pop(f"w_more{i}", None)
    SS.more = more


def set_more(i: int) -> None:
    """The callback of the picker of the comparison's (i + 3)-th scenario."""
    more = list(SS.get("more", ()))
    more[i] = SS[f"w_more{i}"]
    SS.more = more


def bound_more(i: int) -> dict:
    """Widget arguments of the picker of the comparison's (i + 3)-th scenario."""
    if f"w_more{i}" not in SS:
        SS[f"w_more{i}"] = SS.more[i]
    return {"key": f"w_more{i}", "on_change": set_more, "args": (i,)}


def set_place(text: str | None) -> None:
    """The place searched for on the map (None to clear)."""
    SS.place = (text or "").strip()[:url.PLACE_MAX_CHARS] or None


def set_map_view(value) -> None:
    """Keep the view the main map reports (st_folium's ``bounds``, ``zoom``, ``center``), if it reports one."""
    try:
        b, c = value["bounds"], value["center"]
        SS.map_view = {"zoom": float(value["zoom"]), "center": (float(c["lat"]), float(c["lng"])),
                       "bounds": (float(b["_southWest"]["lat"]), float(b["_southWest"]["lng"]),
                                  float(b["_northEast"]["lat"]), float(b["_northEast"]["lng"]))}
    except (TypeError, KeyError, ValueError):  # no view reported yet
        return


def map_view() -> dict | None:
    """The main map's last reported view: ``zoom``, ``center`` (lat, lon) and ``bounds`` (south, west, north,
    east, degrees), for exports of "the current view"; None before the map has reported one."""
    return SS.get("map_view")


def _place_from_widget() -> None:
    set_place(SS.get("w_place_query"))


def bound_place() -> dict:
    """Arguments of the place search box (its text is the canonical ``place``)."""
    if "w_place_query" not in SS:
        SS["w_place_query"] = SS.get("place") or ""
    return {"key": "w_place_query", "on_change": _place_from_widget}


def clear_place() -> None:
    """The callback of the search's Clear button: no place searched for."""
    set_place(None)
    SS["w_place_query"] = ""


def route(page_view: str) -> str:
    """The view to show now, given the view of the page Streamlit is about to run.

    A page change the session did not ask for (the browser's back button, a link to another page's
    path) is followed; otherwise the canonical view wins and the app switches to its page.
    """
    shown = SS.get("_shown_view")
    if shown is not None and page_view != shown and SS.view == shown:
        put("view", page_view)
    if SS.view == page_view:
        SS._shown_view = page_view
    return SS.view


def sync_to_url() -> None:
    """Write the state into the URL, so the view can be shared by link and restored on reload.

    The map's zoom and centre (``url.VIEW_KEYS``), which the map's own script writes, are kept as they are.
    """
    current = st.query_params.to_dict()
    wanted = {**url.to_query(view_state()), **language_query()}
    wanted.update({k: current[k] for k in url.VIEW_KEYS if k in current})
    if current != wanted:
        st.query_params.from_dict(wanted)


# ---------------------------------------------------------------------------------------------------------
# The language of the page: canonical ``lang`` ('en' or 'uk'), from ``?lang=`` on a session's first run, set as
# the current language (``borderline.i18n``) at the start of every run; the switch is borderline.ui.language.


def _session_language() -> str | None:
    """The session's language, when a Streamlit script run is going on (else None)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    return SS.get("lang")


def apply_language() -> str:
    """Make the session's language current for this run (first run: from the link's ``lang``) and return it."""
    from borderline import i18n

    i18n.set_fallback(_session_language)
    if "lang" not in SS:
        linked = st.query_params.get("lang")
        asked = linked or os.environ.get("BORDERLINE_LANG")  # a link wins, then the server's default
        try:
            SS.lang = i18n.language_code(asked)
        except i18n.LanguageError as exc:
            SS.lang = i18n.DEFAULT_LANGUAGE
            flash("info", f"{i18n._('Link') if linked else 'BORDERLINE_LANG'}: {exc}.")
    return i18n.set_language(SS.lang)


def _language_from_widget() -> None:
    from borderline import i18n

    if SS.get("w_lang") is None:  # a segmented control can be clicked off: keep the language it had
        SS["w_lang"] = SS.get("lang", i18n.DEFAULT_LANGUAGE)
    SS.lang = i18n.set_language(SS["w_lang"])


def bound_language() -> dict:
    """Arguments of the language switch (its widget ``w_lang`` keeps the canonical ``lang``)."""
    SS.setdefault("w_lang", SS.get("lang", "en"))
    return {"key": "w_lang", "on_change": _language_from_widget}


def language_query() -> dict:
    """The URL's ``lang`` parameter: none for English on an English server (older links stay as they were),
    else always, so a link means the same language on any server."""
    from borderline import i18n

    try:
        default = i18n.language_code(os.environ.get("BORDERLINE_LANG"))
    except i18n.LanguageError:
        default = i18n.DEFAULT_LANGUAGE
    code = SS.get("lang", default)
    return {} if code == default == i18n.DEFAULT_LANGUAGE else {"lang": code}


# ---------------------------------------------------------------------------------------------------------
# The editor's draft: its widgets (``ed_*``) are forgotten while the editor is not shown, so a copy is kept.


def restore_draft() -> None:
    """Put back the draft's values that Streamlit forgot while the editor was hidden."""
    for key, value in SS.get(DRAFT_KEPT, {}).items():
        if key not in SS:
            SS[key] = value


def keep_draft() -> None:
    SS[DRAFT_KEPT] = {k: SS[k] for k in list(SS.keys())
                      if str(k).startswith(DRAFT_PREFIX) and k not in DRAFT_BUTTONS}


def draft() -> editor.Draft:
    """The draft the editor's widgets describe."""
    return editor.draft_from_values(SS, uploads().geojson_by_key())


def load_draft(d: editor.Draft, dates=None) -> None:
    """Fill the editor's widgets from a draft (from a callback); inline polygons become this session's uploads.

    The form's dates are the draft's own (any supported day); ``dates`` is not used (kept for callers).
    """
    set_values(editor.values_from_draft(d, days.calendar(), lambda g: uploads().add(g, "polygon from the scenario")))


def open_in_editor(entry, dates: list[str], copy: bool = False) -> None:
    """Fill the editor's form with a scenario and show the editor (from a callback); a copy is ``<id>-copy``."""
    try:
        d = editor.from_scenario(entry.scenario())
    except editor.NotEditable as exc:
        flash("error", f"{entry.id}: {exc}. Its TOML can be downloaded and edited by hand.")
        return
    if copy:
        d.id = f"{entry.id}-copy"[:64]
    load_draft(d, dates)
    put("view", "editor")


def default(key: str, value) -> None:
    """Give a widget a value if it has none yet."""
    SS.setdefault(key, value)


# ---------------------------------------------------------------------------------------------------------
# The editor's own state (keys ``_ed_*``, not widget values): notices for toasts, the session's draft id for
# autosave, the last preview drawn, the outcome of a save.


def toast(kind: str, message: str) -> None:
    """A notice (``success`` or ``error``) shown as a toast on the next run (callbacks cannot draw)."""
    SS.setdefault("_ed_toasts", []).append((kind, message))


def take_toasts() -> list[tuple[str, str]]:
    """The notices waiting to be shown, once."""
    return SS.pop("_ed_toasts", [])


def draft_session() -> str:
    """This session's id for its autosaved draft (made on first use)."""
    if "_ed_session" not in SS:
        import uuid

        SS["_ed_session"] = uuid.uuid4().hex
    return SS["_ed_session"]


def editor_state(key: str, default=None):
    """An editor value kept across runs (``autosaved``, ``preview``, ``offer``, ``save_tried``, ``section``…)."""
    return SS.get(f"_ed_{key}", default)


def set_editor_state(key: str, value) -> None:
    SS[f"_ed_{key}"] = value


def form_values() -> Mapping:
    """The session's values as the editor's form translations read them (``borderline.ui.editor``); read only."""
    return SS
