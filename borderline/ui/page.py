"""Streamlit helpers of the app's pages: guarded sections, cached evaluations and catalog, the map, the legend.

Heavy work is cached on what it depends on: an evaluation on the scenario's
canonical TOML text, the DMZ widths and the baseline date
(``st.cache_resource``: the result holds shapely geometry and is read-only);
the display layers, which are plain JSON, with ``st.cache_data``; the catalog
of scenarios on the library files' names, modification times and sizes.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass, field

import streamlit as st
import streamlit.components.v1 as components
from streamlit_folium import st_folium

from borderline import webmap
from borderline.ui import catalog
from borderline.ui.text import md, one_line
from geo.errors import UserError
from scenarios.library import UserLibrary
from scenarios.model import loads

log = logging.getLogger("borderline.app")

@dataclass(frozen=True)
class PageContext:
    """What app.py hands every page on a run: the catalog, the library, the embedded data, the map set-up."""

    entries: list[catalog.Entry]
    library: UserLibrary
    dates: list[str]
    oblasts: dict[str, str]  # ISO code → name
    opts: webmap.MapOptions
    assets: webmap.Assets
    by_id: dict[str, catalog.Entry] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "by_id", {e.id: e for e in self.entries})

    def base_dir(self, entry: catalog.Entry) -> str | None:
        """The folder a user scenario's relative paths are read from (None for a built-in)."""
        return None if entry.builtin else str(self.library.folder)


# Errors whose message is meant for the user (one line, no internals).
USER_ERRORS = (UserError, ValueError)


def show_error(message: object, prefix: str = "") -> None:
    """An error box with the first line of a message, escaped so it shows literally."""
    st.error(f"{md(prefix)}{md(one_line(message))}", icon="⚠️")


def show_messages(messages) -> None:
    """Messages left by callbacks: ``(kind, text)`` with kind ``error``, ``info`` or ``success``."""
    for kind, message in messages:
        if kind == "error":
            show_error(message)
        elif kind == "info":
            st.info(md(message))
        else:
            st.success(md(message))


@contextlib.contextmanager
def guard(section: str):
    """Run a page section; an error becomes a message in the page, the details go to the server log.

    Streamlit's own control flow (rerun, stop) derives from BaseException and passes through.
    """
    try:
        yield
    except USER_ERRORS as exc:
        log.info("%s: %s", section, exc)
        show_error(exc, f"{section}: ")
    except Exception:  # the page must keep working whatever a section does
        log.exception("unexpected error in %s", section)
        show_error("something went wrong; the details are in the server log", f"{section}: ")


# ---------------------------------------------------------------------------------------------------------
# Cached computation


def _base_dir(base_dir: str | None):
    from pathlib import Path

    return Path(base_dir) if base_dir else None


def concrete_scenario(toml: str, params: tuple = ()):
    """The scenario of a canonical TOML text with its parameters set (``params``: sorted (name, value) pairs)."""
    s = loads(toml, "scenario")
    if getattr(s, "parameters", None):
        declared = {p.name for p in s.parameters}
        s = s.with_params({k: v for k, v in params if k in declared})
    return s


@st.cache_resource(max_entries=48, show_spinner=False)
def evaluation(toml: str, ua_km: float, ru_km: float, baseline: str, base_dir: str | None = None,
               params: tuple = ()):
    """The scenario (canonical TOML text, its parameters set to ``params``) evaluated at DMZ widths (km)
    against a baseline date. The widths are the ones given: the app never changes a scenario's DMZ."""
    from scenarios.engine import evaluate

    return evaluate(concrete_scenario(toml, params), (ua_km, ru_km), baseline, _base_dir(base_dir))


@st.cache_data(max_entries=48, show_spinner=False)
def scenario_layers(toml: str, ua_km: float, ru_km: float, baseline: str, base_dir: str | None = None,
                    params: tuple = (), lang: str = "en") -> dict:
    """Display layers (GeoJSON, simplified) of an evaluation (``lang``: the language of its tooltips)."""
    return webmap.scenario_layers(evaluation(toml, ua_km, ru_km, baseline, base_dir, params))


@st.cache_data(max_entries=32, show_spinner=False)
def outline_layers(toml: str, ua_km: float, ru_km: float, baseline: str, which: str,
                   base_dir: str | None = None, other_toml: str | None = None, other_dir: str | None = None,
                   lang: str = "en") -> dict:
    """Layers of a scenario for the one-map comparison; with ``other_toml`` (B) also the areas only in A,
    only in B and in both."""
    ev = evaluation(toml, ua_km, ru_km, baseline, base_dir)
    other = evaluation(other_toml, ua_km, ru_km, baseline, other_dir) if other_toml else None
    return webmap.outline_layers(ev, which, other)


@st.cache_data(max_entries=32, show_spinner=False)
def place_lookup(query: str, toml: str, ua_km: float, ru_km: float, baseline: str, base_dir: str | None = None,
                 params: tuple = ()) -> dict:
    """A place by name or ``LAT,LON``: ``info`` (``geo.places.describe``), and its ``side`` in the evaluation and
    ``baseline_side`` (``russia`` / ``ukraine``). Raises a UserError naming the place when none matches."""
    import shapely

    from geo.places import assigned_point_ea, describe, find_place

    place = find_place(query)
    info = describe(place)
    ev = evaluation(toml, ua_km, ru_km, baseline, base_dir, params)
    point = assigned_point_ea(place)
    inside = lambda key: bool(shapely.intersects(ev.territory.part(key).geometry, point))  # noqa: E731
    side = "russia" if inside("russian_administered") else "ukraine"
    baseline_side = "ukraine" if inside("ceded_by_ukraine") else "russia" if inside("returned_to_ukraine") else side
    return {"info": info, "side": side, "baseline_side": baseline_side}


@st.cache_data(max_entries=16, show_spinner=False)
def _catalog(folder: str, signature: tuple) -> tuple[list[catalog.Entry], list[str]]:
    """The catalog of a library folder in the state ``signature`` describes (the cache key)."""
    return catalog.all_entries(UserLibrary(folder))


def scenario_catalog(library: UserLibrary) -> tuple[list[catalog.Entry], list[str]]:
    """Built-ins then the user's scenarios, and one line per unreadable file; read again only on a change."""
    return _catalog(str(library.folder), catalog.signature(library.folder))


def open_library() -> tuple[UserLibrary, str | None]:
    """The user's scenario library (its folder created if absent), and a problem to show if it cannot be."""
    lib = UserLibrary()
    try:
        lib.ensure_folder()
    except OSError as exc:
        log.warning("cannot create the library folder %s: %s", lib.folder, exc)
        return lib, f"cannot create your library folder {lib.folder} ({exc.strerror}); set BORDERLINE_HOME"
    return lib, None


def embedded_data() -> tuple[list[str], dict[str, str]]:
    """The baseline dates and the oblasts (ISO code → name) of the embedded data; stops the page if missing."""
    try:
        from geo.projected import projected

        p = projected()
        return p.control_dates, dict(zip(p.admin1["iso"], p.admin1["name"]))
    except Exception as exc:
        log.exception("the embedded data cannot be loaded")
        show_error(exc, "The embedded data cannot be loaded: ")
        st.stop()


_WARM = threading.Lock()
_warmed = False


def warm_up() -> None:
    """Compute the built-in scenarios' territories in the background, once per server process.

    The territory (set operations over the whole country) is the slow part of
    an evaluation and is cached by the engine; having it ready makes a reader's
    first switch to any built-in as fast as a DMZ change.
    """
    global _warmed
    with _WARM:
        if _warmed:
            return
        _warmed = True

    def work() -> None:
        from scenarios.engine import territory
        from scenarios.library import builtin_ids, load_builtin

        for sid in builtin_ids():
            try:
                territory(load_builtin(sid))
            except Exception:  # a broken scenario shows its error when it is picked
                log.exception("warming up %s failed", sid)

    # Not a daemon: a daemon thread still inside GEOS when the interpreter exits can crash it on the way out;
    # the work is bounded (the built-ins, a second or two).
    threading.Thread(target=work, name="borderline-warm-up", daemon=False).start()


# ---------------------------------------------------------------------------------------------------------
# The map


def leaflet_assets() -> webmap.Assets:
    """Serve the installed Leaflet package's folder through Streamlit and return its URLs.

    Streamlit serves a declared component's folder at /component/<name>/; the
    map component's own frame lives at /component/streamlit_folium.st_folium/,
    so the relative URL ../<name>/ reaches the Leaflet files on this machine.
    Declared on every run (it is cheap) so it is registered with the running server.
    """
    comp = components.declare_component("leaflet_assets", path=str(webmap.leaflet_dir()))
    return webmap.served(f"../{comp.name}/")


def show_map(base, group, key: str, height: int) -> None:
    """Draw a map: ``base`` holds the basemap, ``group`` the scenario layers.

    While the basemap stays the same the component keeps its map (and the
    reader's zoom) and only swaps ``group``, which is what makes a scenario
    switch or a DMZ change fast.
    """
    st_folium(base, feature_group_to_add=group, key=key, height=height, use_container_width=True,
              returned_objects=[])


def show_dual_map(dual, key: str, height: int) -> None:
    """Draw two synchronised maps side by side (folium's DualMap; the comparison uses ``show_grid``)."""
    st_folium(dual, key=key, height=height, use_container_width=True, returned_objects=[])


def grid_assets() -> webmap.Assets:
    """Leaflet for a page in an inline frame (``components.html``): the same files, at absolute URLs."""
    comp = components.declare_component("leaflet_assets", path=str(webmap.leaflet_dir()))
    root = (st.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{root}/component/{comp.name}/" if root else f"/component/{comp.name}/"
    return webmap.served(prefix)


def show_grid(page_html: str, n_maps: int, height: int) -> None:
    """Draw the small maps (one frame, the basemap loaded once). The page is built from escaped data only."""
    frame_height = webmap.grid_frame_height(n_maps, height)
    if hasattr(st, "iframe"):
        st.iframe(page_html, height=frame_height)
    else:  # Streamlit before st.iframe
        components.html(page_html, height=frame_height, scrolling=False)


VIEW_OBJECTS = ["bounds", "zoom", "center"]


def show_map_with(base, groups, key: str, height: int, center=None, zoom=None, track_view: bool = False):
    """Draw a map with several swappable feature groups; ``center``/``zoom`` move it without reloading.

    With ``track_view`` the map reports its view (bounds, zoom, centre) back to the server after the reader
    moves it (a run of the page each time); the return value is st_folium's dict of those.
    """
    return st_folium(base, feature_group_to_add=groups, key=key, height=height, use_container_width=True,
                     returned_objects=VIEW_OBJECTS if track_view else [], center=center, zoom=zoom)


def show_legend(entries, title: str) -> None:  # noqa: D401
    """The legend under a map (labels in ``entries`` are already escaped)."""
    st.html(webmap.LEGEND_CSS + webmap.legend_html(entries, title))


# ---------------------------------------------------------------------------------------------------------
# Control through time (the time view)


@st.cache_data(max_entries=64, show_spinner=False)
def day_layers(day: str) -> dict:
    """Display layers of the Russian-administered area and its line of contact on a (resolved) day."""
    from borderline.ui import timeview

    return timeview.day_layers(day)


@st.cache_data(max_entries=4, show_spinner=False)
def history_frame(first: str, last: str):
    """The weekly Russian-administered area of Ukraine and of each oblast from ``first`` to ``last``."""
    from borderline.ui import days, timeview

    cal = days.calendar()
    return timeview.history_frame(days.Calendar(first, last, cal.resolve, first))
