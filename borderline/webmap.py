"""The interactive map (folium / Leaflet), drawn from the embedded layers with no request off this machine.

Leaflet's script and stylesheet come from the installed ``django-js-lib-leaflet``
package: either inlined into a standalone HTML page (``INLINE``) or linked to
URLs this machine serves (``served(prefix)``; the app serves the package's
folder through Streamlit). folium's default links to public CDNs (Leaflet,
jQuery, Bootstrap, Font Awesome) are replaced, and no tile layer is added
unless ``MapOptions.online_tiles`` asks for one.

Display geometry is simplified to about a screen pixel at regional zoom
(``DISPLAY_TOLERANCE_M``) and rounded to 4 decimals (≈ 10 m); every number in
a tooltip comes from the full-precision evaluation. Every name is escaped.
Colours come from ``borderline.style``.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
from dataclasses import dataclass
from pathlib import Path

import folium
from jinja2 import Template
import numpy as np
import shapely
import shapely.ops
from shapely.geometry import mapping

from borderline import style as st_
from borderline.format import POPULATION_NOTE, km, km2, people
from borderline.i18n import _, language
from borderline.ui.text import esc
from geo.crs import area_km2, to_equal_area, to_geographic

DISPLAY_TOLERANCE_M = 150.0
COORD_DECIMALS = 4
CITY_MIN_POPULATION = 50_000
# Label tiers (least population, zoom from which the label shows): the biggest cities are labelled at every
# zoom, smaller ones as the reader zooms in, so labels do not pile up on a country-wide view.
LABEL_TIERS = ((1_000_000, 0), (400_000, 5), (150_000, 6), (CITY_MIN_POPULATION, 7))
UKRAINE_BOUNDS = ((44.38, 22.13), (52.37, 40.16))  # (south, west), (north, east)
MIN_DISPLAY_KM2 = 0.5  # parts smaller than this are slivers of the set operations, not drawn or listed
OSM_ATTRIBUTION = "© OpenStreetMap contributors"
ONLINE_TILES = "OpenStreetMap"  # folium's named provider; drawn only when MapOptions.online_tiles asks for it
MIN_ZOOM, MAX_ZOOM = 4, 12  # beyond 12 the display geometry (simplified to ~150 m) shows its corners
LABEL_ZOOMS = range(MIN_ZOOM, MAX_ZOOM + 1)  # a label plan per whole zoom level
OBLAST_LABEL_ZOOM = 5  # oblast names from this zoom (the country view of a full-width map is 5–6)
CITY_UNITS = ("UA-30", "UA-40")  # Kyiv and Sevastopol: cities with the status of a region, labelled as cities
# The data credits of the embedded layers (see data/boundaries/SOURCES.md); no decorative flag or prefix.
CREDITS = ("Natural Earth", "GeoNames", "UN OCHA", "line of contact: borderline, DeepStateMap.Live")


@dataclass(frozen=True)
class Assets:
    """Where the map's Leaflet script and stylesheet come from: inline, or URLs on this machine."""

    inline: bool = False
    js: tuple[str, ...] = ()
    css: tuple[str, ...] = ()


INLINE = Assets(inline=True)


def served(prefix: str) -> Assets:
    """Assets linked at ``prefix`` (a URL this machine serves the Leaflet package folder at)."""
    return Assets(js=(prefix + "leaflet.js",), css=(prefix + "leaflet.css",))


@dataclass(frozen=True)
class MapOptions:
    """Which layers to draw. The online tile layer is off unless asked for (it needs the internet)."""

    oblasts: bool = True
    dnieper: bool = True
    settlements: bool = True
    contact_line: bool = True
    dmz: bool = True
    zones: bool = True
    changes: bool = True
    online_tiles: bool = False
    height: int = 560
    sites: bool = True
    labels: bool = True  # city and oblast names (the dots and their hover details stay with ``settlements``)


def leaflet_dir() -> Path:
    """The folder of the installed django-js-lib-leaflet package that holds leaflet.js and leaflet.css."""
    return Path(str(importlib.resources.files("js_lib_leaflet"))) / "static" / "js_lib_leaflet"


@functools.cache
def _asset_text(name: str) -> str:
    return (leaflet_dir() / name).read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------
# Geometry for display


def _round(geom):
    return shapely.transform(geom, lambda xy: np.round(xy, COORD_DECIMALS))


def display_geometry(geom_ea, tolerance_m: float = DISPLAY_TOLERANCE_M) -> dict | None:
    """A GeoJSON geometry (EPSG:4326) for display, from full-precision EPSG:3035 geometry; None if empty."""
    if geom_ea is None or geom_ea.is_empty:
        return None
    simple = shapely.simplify(geom_ea, tolerance_m, preserve_topology=True) if tolerance_m else geom_ea
    if simple.is_empty:
        return None
    return mapping(_round(to_geographic(simple)))


def _feature(geom_ea, props: dict, tolerance_m: float = DISPLAY_TOLERANCE_M) -> dict | None:
    g = display_geometry(geom_ea, tolerance_m)
    return None if g is None else {"type": "Feature", "properties": props, "geometry": g}


def _collection(features) -> dict:
    return {"type": "FeatureCollection", "features": [f for f in features if f is not None]}


def area_tip(title: str, km2_value: float, population: float | None, detail: str = "") -> str:
    """Tooltip HTML for a polygon: escaped title, area and estimated population."""
    rows = [f"<b>{esc(title)}</b>"]
    if detail:
        rows.append(esc(detail))
    rows.append(km2(km2_value))
    if population is not None:
        rows.append(f"{esc(_('population'))} {people(population)} ({esc(_(POPULATION_NOTE))})")
    return "<br>".join(rows)


def line_tip(title: str, km_value: float) -> str:
    """Tooltip HTML for a line: escaped title and length."""
    return f"<b>{esc(title)}</b><br>{km(km_value)}"


# ---------------------------------------------------------------------------------------------------------
# Basemap (depends only on the embedded data: cached per process)


def basemap_layers() -> dict:
    """The basemap as GeoJSON in the current language: neighbours, sea, Ukraine, oblasts, Dnieper, cities of
    50,000 or more (with hover details) and the label plan (``labels``, see ``place_labels``)."""
    return _basemap_layers(language())


@functools.cache
def _basemap_layers(lang: str) -> dict:
    from geo.data import load_layer

    context, country = load_layer("context"), load_layer("country")
    admin1, dnieper, places = load_layer("admin1"), load_layer("dnieper"), load_layer("settlements")
    kinds = context["kind"].to_numpy()
    layers = {
        "sea": _collection(_feature(to_equal_area(g), {}) for g in context.geometry[kinds == "sea"]),
        "country": _collection(_feature(to_equal_area(g), {}, 500.0) for g in context.geometry[kinds == "country"]),
        "ukraine": _collection([_feature(to_equal_area(country.geometry.iloc[0]), {})]),
        "admin1": _collection(_admin1_features(admin1, lang)),
        "dnieper": _collection(_feature(to_equal_area(g), {"tip": f"<b>{esc(_('Dnieper'))}</b><br>{esc(d)}"}, 100.0)
                               for g, d, part in zip(dnieper.geometry, dnieper["description"], dnieper["part"])
                               if part in ("river", "estuary")),
        "cities": _collection(_city_features(places, dict(zip(admin1["iso"], admin1["name"])), lang)),
    }
    layers["labels"] = place_labels(layers["cities"]["features"], _oblast_label_points(admin1, lang))
    return layers


def _oblast_label_points(admin1, lang: str = "en") -> list[tuple[str, float, float]]:
    """(short name in ``lang``, lon, lat) of each oblast's label: the pole of inaccessibility, so the name sits
    inside."""
    from geo.names import oblast_name

    out = []
    for iso, name, geom in zip(admin1["iso"], admin1["name"], admin1.geometry):
        if iso in CITY_UNITS:
            continue
        part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
        pt = shapely.ops.polylabel(part, tolerance=0.01)
        name = oblast_name(iso, lang, name)
        short = (name.replace(" Oblast", "").replace("Autonomous Republic of ", "").replace(" область", "")
                 .replace("Автономна Республіка ", ""))
        out.append((short, pt.x, pt.y))
    return out


def _admin1_features(admin1, lang: str = "en") -> list:
    from geo.names import oblast_name

    units = to_equal_area(admin1.geometry.values)
    return [_feature(g, {"tip": area_tip(f"{oblast_name(iso, lang, name)} ({iso})", float(area_km2(g)), float(pop),
                                         _("population is the unit's 2022 baseline (UN OCHA)"))})
            for g, name, iso, pop in zip(units, admin1["name"], admin1["iso"], admin1["population_2022"])]


def label_tier(population: int) -> int:
    """The label tier of a city (1–4, see LABEL_TIERS): 1 is labelled at every zoom."""
    return next(i for i, (least, _) in enumerate(LABEL_TIERS, start=1) if population >= least)


def city_tip(name: str, oblast: str, population: int) -> str:
    """Hover details of a city: name, oblast and population (GeoNames), escaped."""
    return (f"<b>{esc(name)}</b><br>{esc(oblast)}<br>"
            f"{esc(_('population'))} {people(population)} ({esc(_('GeoNames'))})")


def _city_features(places, oblasts: dict[str, str], lang: str = "en") -> list:
    """Cities of ``CITY_MIN_POPULATION`` or more, biggest first; in Ukrainian their Ukrainian names where known."""
    big = places.loc[places["population"] >= CITY_MIN_POPULATION].sort_values("population", ascending=False)
    names = big["name"]
    if lang == "uk" and "name_uk" in big:
        names = [uk if isinstance(uk, str) and uk else en for en, uk in zip(big["name"], big["name_uk"])]
    return [{"type": "Feature",
             "properties": {"label": esc(name), "tier": label_tier(int(pop)), "population": int(pop),
                            "radius": round(st_.settlement_marker_radius(int(pop)), 1),
                            "tip": city_tip(name, oblasts.get(iso, iso), int(pop))},
             "geometry": {"type": "Point", "coordinates": [round(pt.x, COORD_DECIMALS), round(pt.y, COORD_DECIMALS)]}}
            for name, pop, iso, pt in zip(names, big["population"], big["admin1_iso"], big.geometry)]


# ---------------------------------------------------------------------------------------------------------
# Labels without collisions: a greedy placement per whole zoom level, computed here once per process.

CITY_FONT_PX = {1: 12.5, 2: 11.0, 3: 11.0, 4: 10.5}
OBLAST_FONT_PX = 10.5
CHAR_WIDTH = 0.60  # average glyph width in ems of the map's sans-serif (bold labels are a little wider)
LABEL_GAP_PX = 2.0  # free space kept around every label box
CITY_BEFORE_OBLAST = 200_000  # cities this big are labelled before the oblast names, the rest after


def mercator_px(lon, lat, zoom: float):
    """Web-Mercator pixel coordinates (x right, y down) of degrees at a Leaflet zoom level."""
    scale = 256.0 * 2.0 ** zoom
    lat_r = np.radians(np.clip(lat, -85.0, 85.0))
    x = (np.asarray(lon) + 180.0) / 360.0 * scale
    y = (1.0 - np.log(np.tan(lat_r) + 1.0 / np.cos(lat_r)) / np.pi) / 2.0 * scale
    return x, y


def _text_box(text: str, font_px: float, bold: bool) -> tuple[float, float]:
    """Estimated width and height in pixels of a label (the placement keeps a gap around it)."""
    return len(text) * font_px * (CHAR_WIDTH + (0.04 if bold else 0.0)) + 4.0, font_px + 4.0


def _overlaps(box, placed) -> bool:
    x0, y0, x1, y1 = box
    g = LABEL_GAP_PX
    return any(x0 < b[2] + g and b[0] < x1 + g and y0 < b[3] + g and b[1] < y1 + g for b in placed)


def place_labels(cities: list[dict], oblasts: list[tuple[str, float, float]]) -> list[dict]:
    """City and oblast labels placed greedily without overlaps, per whole zoom level.

    The biggest cities go first, then the oblast names (from ``OBLAST_LABEL_ZOOM``), then the other cities by
    population, each from its tier's zoom (``LABEL_TIERS``). A city label tries right, left, above and below
    its dot; the dots of the cities shown at that zoom are obstacles too. A label that fits nowhere is left
    out at that zoom. Returns one dict per label: ``text`` (escaped), ``lon``, ``lat``, ``cls``, ``w``, ``h``
    and ``at``: zoom → ``[dx, dy, align]``, the offset in pixels of the box's top-left from the point.
    """
    items = []
    for f in cities:
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"]
        text = p["label"]
        w, h = _text_box(text, CITY_FONT_PX[p["tier"]], p["tier"] == 1)
        items.append({"text": text, "lon": lon, "lat": lat, "cls": f"bl-label bl-t{p['tier']}", "w": w, "h": h,
                      "kind": "city", "radius": p["radius"], "from": LABEL_TIERS[p["tier"] - 1][1],
                      "rank": (0 if p["tier"] == 1 else 1 if p["population"] >= CITY_BEFORE_OBLAST else 3,
                               -p["population"]), "at": {}})
    for name, lon, lat in oblasts:
        text = esc(name)
        w, h = _text_box(name, OBLAST_FONT_PX, False)
        items.append({"text": text, "lon": round(lon, COORD_DECIMALS), "lat": round(lat, COORD_DECIMALS),
                      "cls": "bl-label bl-oblast", "w": w, "h": h, "kind": "oblast", "radius": 0.0,
                      "from": OBLAST_LABEL_ZOOM, "rank": (2, 0), "at": {}})
    items.sort(key=lambda it: it["rank"])
    for zoom in LABEL_ZOOMS:
        shown = [it for it in items if it["from"] <= zoom]
        xs, ys = mercator_px([it["lon"] for it in shown], [it["lat"] for it in shown], zoom)
        placed = [(x - it["radius"], y - it["radius"], x + it["radius"], y + it["radius"])
                  for it, x, y in zip(shown, xs, ys) if it["kind"] == "city"]  # the dots
        for it, x, y in zip(shown, xs, ys):
            for dx, dy, align in _candidates(it):
                box = (x + dx, y + dy, x + dx + it["w"], y + dy + it["h"])
                if not _overlaps(box, placed):
                    placed.append(box)
                    it["at"][zoom] = [round(dx, 1), round(dy, 1), align]
                    break
    return [{k: it[k] for k in ("text", "lon", "lat", "cls", "w", "h", "at")} for it in items if it["at"]]


def _candidates(it: dict) -> list[tuple[float, float, str]]:
    """Offsets (of the box's top-left from the point) a label may take, in order of preference."""
    w, h, r = it["w"], it["h"], it["radius"]
    if it["kind"] == "oblast":
        return [(-w / 2, -h / 2, "c"), (-w / 2, -h * 1.6, "c"), (-w / 2, h * 0.6, "c")]
    d = r * 0.7 + 2  # diagonal offsets clear the dot
    return [(r + 3, -h / 2, "l"), (-r - 3 - w, -h / 2, "r"), (-w / 2, -r - 3 - h, "c"), (-w / 2, r + 3, "c"),
            (d, -d - h, "l"), (d, d, "l"), (-d - w, -d - h, "r"), (-d - w, d, "r")]


def label_boxes(labels: list[dict], zoom: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(text, box in Web-Mercator pixels) of the labels shown at a whole zoom level (for checks and tests)."""
    out = []
    for it in labels:
        at = it["at"].get(zoom)
        if at is None:
            continue
        x, y = mercator_px(it["lon"], it["lat"], zoom)
        out.append((it["text"], (float(x) + at[0], float(y) + at[1], float(x) + at[0] + it["w"],
                                 float(y) + at[1] + it["h"])))
    return out


# ---------------------------------------------------------------------------------------------------------
# Scenario layers (plain JSON, so the app can cache them with st.cache_data)


def scenario_layers(ev) -> dict:
    """The parts of an evaluation as GeoJSON collections keyed by part, with escaped tooltips.

    ``ev`` is a ``scenarios.engine.Evaluation``. Keys: russian_administered,
    ceded_by_ukraine, returned_to_ukraine, dmz_ukrainian_side,
    dmz_russian_side, zones (features carry ``zone_type``), contact_line,
    baseline_line, sites (points with a pop-up ``tip``, when the engine reports sites). Each feature's
    ``tip`` is the tooltip HTML. ``title``, ``baseline`` and ``baseline_source`` describe the evaluation.
    """
    layers: dict = {"title": ev.scenario.title, "baseline": ev.baseline,
                    "baseline_source": getattr(ev, "baseline_source", "borderline")}
    for part in ev.all_parts():
        if part.geometry is None or part.geometry.is_empty:
            continue
        if part.key == "contact_line":
            tip = line_tip(_(part.name), part.length_km)
            layers["contact_line"] = _collection([_feature(part.geometry, {"tip": tip}, 100.0)])
        elif part.km2 < MIN_DISPLAY_KM2:  # slivers of set operations
            continue
        elif part.key.startswith("zone:"):
            name = _(part.name)  # a built-in zone's name is in the catalog; a user's comes back as it is
            tip = area_tip(name, part.km2, part.population, _(st_.web_zone_style(part.zone_type).label))
            feature = _feature(part.geometry, {"tip": tip, "zone_type": part.zone_type, "name": esc(name)})
            layers.setdefault("zones", _collection([]))["features"].append(feature)
        else:
            layers[part.key] = _collection([_feature(part.geometry, {"tip": area_tip(_(part.name), part.km2,
                                                                                      part.population)})])
    line = ev.territory.baseline_line
    if not line.geometry.is_empty:
        layers["baseline_line"] = _collection([_feature(line.geometry, {"tip": line_tip(_(line.name), line.length_km)},
                                                        100.0)])
    sites = site_features(ev)
    if sites:
        layers["sites"] = _collection(sites)
        areas = site_area_features(ev)
        if areas:
            layers["site_areas"] = _collection(areas)
    return layers


def site_area_features(ev) -> list[dict]:
    """The outline of each site that has an area (a polygon, or a circle of its radius), clipped to land."""
    try:
        from scenarios.sites import site_area_ea
    except ImportError:  # before the sites of issue 12
        return []
    out = []
    for row in _sites_of(ev):
        try:
            geom = site_area_ea(row.id)
        except (ValueError, LookupError):
            continue
        if geom is None or geom.is_empty or shapely.get_type_id(geom) not in (3, 6):
            continue
        out.append(_feature(geom, {"tip": f"<b>{esc(row.name)}</b>"}, 20.0))
    return [f for f in out if f is not None]


SIDE_LABELS = {"russian_administered": "Russian-administered", "ukrainian_held": "Ukrainian-held",
               "russia": "Russian-administered", "ukraine": "Ukrainian-held"}


def _sites_of(ev) -> tuple:
    """The sites an evaluation reports (``Evaluation.sites``, else ``metrics.sites``; empty before issue 12)."""
    found = getattr(ev, "sites", None)
    if found is None:
        found = getattr(getattr(ev, "metrics", None), "sites", None)
    return tuple(found or ())


def site_tip(row) -> str:
    """The pop-up of a site: its name, the sides on the baseline and in the scenario, zones, and its status."""
    side = lambda v: esc(_(SIDE_LABELS.get(v, str(v).replace("_", " "))))  # noqa: E731
    rows = [f"<b>{esc(row.name)}</b>", esc(_(str(getattr(row, "kind", "")).replace("_", " ")).capitalize()),
            f"{esc(_('In this scenario'))}: {side(row.side)}",
            f"{esc(_('On the baseline'))}: {side(row.baseline_side)}"]
    zones = tuple(getattr(row, "zones", ()) or ())
    if zones:
        rows.append(f"{esc(_('In zones'))}: {esc(', '.join(zones))}")
    for label, value in ((_("Administered by"), getattr(row, "administered_by", "")),
                         (_("Operated by"), getattr(row, "operated_by", ""))):
        if value:
            rows.append(f"{esc(label)}: {esc(_(str(value).replace('_', ' ')))}")
    demilitarized = getattr(row, "demilitarized", None)
    if demilitarized is not None:
        rows.append(esc(_("Demilitarized") if demilitarized else _("Not demilitarized")))
    share = getattr(row, "output_share", None)
    if share:
        parts = ", ".join(f"{esc(_(str(k).replace('_', ' ')))} {float(v) * 100:.0f} %" for k, v in share.items())
        rows.append(f"{esc(_('Share of output'))}: {parts}")
    note = getattr(row, "note", "")
    if note:
        rows.append(f"<i>{esc(note)}</i>")
    if not getattr(row, "administered_by", "") and not note and demilitarized is None:
        rows.append(esc(_("This scenario says nothing of it.")))
    return "<br>".join(rows)


def site_style(kind: str) -> st_.Style:
    """The marker style of a site kind (``style.SITES`` when the engine's styles have it)."""
    return getattr(st_, "SITES", {}).get(kind) or st_.WEB_SITE


def site_features(ev) -> list[dict]:
    """A point feature per site of the evaluation, with its name and pop-up."""
    out = []
    for row in _sites_of(ev):
        try:
            lon, lat = float(row.lon), float(row.lat)
        except (AttributeError, TypeError, ValueError):
            continue
        style = site_style(getattr(row, "kind", ""))
        out.append({"type": "Feature", "properties": {"name": esc(row.name), "tip": site_tip(row), "id": row.id,
                                                      "fill": style.fill or "#FFFFFF"},
                    "geometry": {"type": "Point", "coordinates": [round(lon, COORD_DECIMALS),
                                                                  round(lat, COORD_DECIMALS)]}})
    return out


def outline_layers(ev, which: str, other=None) -> dict:
    """One scenario for the one-map comparison: its line of contact, DMZ bands and zones, and, given the
    ``other`` evaluation (B), the areas Russian-administered only in A, only in B and in both (``diff``)."""
    t = ev.territory
    area, line = t.part("russian_administered"), t.part("contact_line")
    title = f"{which}: {ev.scenario.title}"
    full = scenario_layers(ev)
    out = {"title": ev.scenario.title,
           "area": _collection([_feature(area.geometry, {"tip": area_tip(title, area.km2, area.population,
                                                                         _("Russian-administered"))})]),
           "line": _collection([_feature(line.geometry, {"tip": line_tip(f"{which}: {_('line of contact')}",
                                                                         line.length_km)}, 100.0)])}
    for key in ("dmz_ukrainian_side", "dmz_russian_side", "zones"):
        if key in full:
            out[key] = full[key]
    if other is not None:
        out["diff"] = difference_layers(ev, other)
    return out


def difference_layers(a, b) -> dict:
    """The Russian-administered areas of two evaluations split into ``only_a``, ``only_b`` and ``both``."""
    ga = a.territory.part("russian_administered").geometry
    gb = b.territory.part("russian_administered").geometry
    names = {"only_a": (shapely.difference(ga, gb), _("Russian-administered in A only")),
             "only_b": (shapely.difference(gb, ga), _("Russian-administered in B only")),
             "both": (shapely.intersection(ga, gb), _("Russian-administered in A and B"))}
    out = {}
    for key, (geom, title) in names.items():
        geom = _drop_slivers(geom)
        if geom is None:
            continue
        out[key] = _collection([_feature(geom, {"tip": area_tip(title, float(area_km2(geom)), None)})])
    return out


def _drop_slivers(geom):
    """The polygons of a set-operation result larger than ``MIN_DISPLAY_KM2``, or None."""
    if geom is None or geom.is_empty:
        return None
    parts = np.asarray(shapely.get_parts(geom))
    parts = parts[shapely.get_type_id(parts) == 3] if len(parts) else parts
    if not len(parts):
        return None
    keep = parts[area_km2(parts) >= MIN_DISPLAY_KM2]
    return shapely.multipolygons(keep) if len(keep) else None


# ---------------------------------------------------------------------------------------------------------
# folium


MAP_CSS = """
<style>
.leaflet-container { background: #EFEFEF; font-family: "DejaVu Sans", Arial, sans-serif; }
.bl-tip { font-size: 12px; line-height: 1.35; min-width: 210px; max-width: 320px; white-space: normal; }
.bl-label { color: #222; font-size: 11px; font-weight: 600; white-space: nowrap; line-height: 15px;
  pointer-events: none; background: transparent; border: 0;
  text-shadow: -1px -1px 0 #fff, 1px -1px 0 #fff, -1px 1px 0 #fff, 1px 1px 0 #fff, 0 0 3px #fff; }
.bl-label.bl-t1 { font-size: 12.5px; font-weight: 700; line-height: 16.5px; }
.bl-label.bl-t4 { font-size: 10.5px; }
.bl-label.bl-oblast { color: #6A6A6A; font-size: 10.5px; font-weight: 400; font-style: italic; letter-spacing: 0.02em; }
.bl-al-l { text-align: left; } .bl-al-r { text-align: right; } .bl-al-c { text-align: center; }
.bl-fs a { font-size: 16px; line-height: 26px; font-weight: 700; text-decoration: none; }
.bl-fullscreen, .bl-fullscreen .folium-map, .bl-fullscreen.leaflet-container { height: 100vh !important;
  width: 100vw !important; }
.leaflet-control-attribution { font-size: 10px; }
/* Chromium focuses the SVG path under a mouse press and draws its focus ring around the path's bounding box, clipped
   by the renderer: after a zoom and a drag that is a straight dark line across the map (the side-by-side bug). */
.leaflet-container .leaflet-interactive:focus, .leaflet-container path:focus { outline: none; }
.bl-found { font-size: 12px; line-height: 1.35; }
</style>
"""

# Labels placed by ``place_labels`` (server side, per whole zoom): each shows at the offset its zoom's plan gives,
# or not at all; city dots of a tier show from the tier's zoom. ``%s`` is the map, DATA the plan.
LABEL_JS = """
(function(map, items, tiers) {
  if (!map.getPane('bl-labels')) { var p = map.createPane('bl-labels'); p.style.zIndex = 470;
    p.style.pointerEvents = 'none'; }
  var none = L.divIcon({className: 'bl-none', html: '', iconSize: [0, 0]});
  var marks = items.map(function(it) {
    return L.marker([it.lat, it.lon], {pane: 'bl-labels', interactive: false, keyboard: false, icon: none});
  });
  function update() {
    var z = Math.max(%(zmin)d, Math.min(%(zmax)d, Math.floor(map.getZoom() + 1e-6)));
    items.forEach(function(it, i) {
      var at = it.at[z], m = marks[i];
      if (!at) { if (map.hasLayer(m)) { map.removeLayer(m); } return; }
      var key = at.join(',');
      if (m._blAt !== key) {
        m.setIcon(L.divIcon({className: it.cls + ' bl-al-' + at[2], html: it.text,
          iconSize: [Math.ceil(it.w), Math.ceil(it.h)], iconAnchor: [-at[0], -at[1]]}));
        m._blAt = key;
      }
      if (!map.hasLayer(m)) { m.addTo(map); }
    });
    (window.blCityLayers || []).forEach(function(layer) {
      if (layer._map !== map) { return; }
      layer.eachLayer(function(dot) {
        var on = z >= tiers[dot.feature.properties.tier - 1];
        dot.setStyle({opacity: on ? 1 : 0, fillOpacity: on ? 1 : 0});
      });
    });
  }
  map.on('zoomend', update);
  map.whenReady(update);
  map.blUpdateLabels = update;
})(%%s, %(items)s, %(tiers)s);
"""

# Fullscreen with the browser's Fullscreen API (no plugin, nothing from a CDN): the map's frame when the page
# allows it (same origin), else the map's own container; the map is resized when the state changes.
FULLSCREEN_JS = """
(function(map) {
  var Ctl = L.Control.extend({options: {position: 'topleft'}, onAdd: function() {
    var box = L.DomUtil.create('div', 'leaflet-bar bl-fs'), a = L.DomUtil.create('a', '', box);
    a.href = '#'; a.title = %(title)s; a.setAttribute('role', 'button'); a.setAttribute('aria-label', %(title)s);
    a.innerHTML = '<svg width="14" height="14" viewBox="0 0 14 14" style="vertical-align:middle">' +
      '<path d="M1 5V1h4M9 1h4v4M13 9v4H9M5 13H1V9" fill="none" stroke="#333" stroke-width="2"/></svg>';
    L.DomEvent.on(a, 'click', function(e) {
      L.DomEvent.preventDefault(e); L.DomEvent.stopPropagation(e);
      var doc = document, target = map.getContainer();
      try { if (window.frameElement && window.parent.document.fullscreenEnabled) {
        doc = window.parent.document; target = window.frameElement; } } catch (err) {}
      if (doc.fullscreenElement) { doc.exitFullscreen(); }
      else if (target.requestFullscreen) { target.requestFullscreen(); }
    });
    return box;
  }});
  map.addControl(new Ctl());
  function changed() {
    var on = !!(document.fullscreenElement || (function() { try { return window.parent.document.fullscreenElement; }
      catch (err) { return null; } })());
    map.getContainer().classList.toggle('bl-fullscreen', on);
    setTimeout(function() { map.invalidateSize(false); }, 50);
  }
  document.addEventListener('fullscreenchange', changed);
  try { window.parent.document.addEventListener('fullscreenchange', changed); } catch (err) {}
})(%%s);
"""

# The credits of the data, without Leaflet's prefix (and its flag).
ATTRIBUTION_JS = """
(function(map) { if (map.attributionControl) { map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(%s); } })(%%s);
"""

# A metric scale bar (Leaflet's default adds miles).
SCALE_JS = "L.control.scale({imperial: false}).addTo(%s);"

# The view in the page's address (zoom ``z`` and centre ``at=lat,lon``), so a link restores it; read back when the
# map starts. The app's page and its map frames share an origin; elsewhere (a file) this does nothing. The app
# rewrites the address on each of its runs from what its server knows, which is not the map's view, so the view
# is put back whenever it is missing or stale (checked a few times a second: cheap, and no server round trip).
VIEW_URL_JS = """
(function(map) {
  function page() { try { return window.parent !== window ? window.parent : null; } catch (err) { return null; } }
  var w = page(), want = null;
  if (!w) { return; }
  try {
    var q = new URLSearchParams(w.location.search), z = parseFloat(q.get('z')), c = (q.get('at') || '').split(',');
    if (isFinite(z) && c.length === 2 && isFinite(parseFloat(c[0])) && isFinite(parseFloat(c[1]))) {
      map.setView([parseFloat(c[0]), parseFloat(c[1])], Math.max(%(zmin)d, Math.min(%(zmax)d, z)), {animate: false});
    }
  } catch (err) {}
  function write() {
    if (!want) { return; }
    try {
      var u = new URL(w.location.href);
      if (u.searchParams.get('z') === want[0] && u.searchParams.get('at') === want[1]) { return; }
      u.searchParams.set('z', want[0]);
      u.searchParams.set('at', want[1]);
      w.history.replaceState(w.history.state, '', u.toString());
    } catch (err) {}
  }
  map.on('moveend', function() {
    var c = map.getCenter();
    want = [String(Math.round(map.getZoom() * 100) / 100), c.lat.toFixed(4) + ',' + c.lng.toFixed(4)];
    write();
  });
  setInterval(write, 300);
})(%%s);
"""

# Two or more maps that follow each other's pan and zoom (folium's DualMap calls map.sync(other)); written here
# instead of loading the Leaflet.Sync plugin from a CDN.
SYNC_JS = """
if (!L.Map.prototype.sync) {
  L.Map.prototype.sync = function(other) {
    var self = this;
    self.on('move zoomend', function() {
      if (self._blSyncing) { return; }
      other._blSyncing = true;
      other.setView(self.getCenter(), self.getZoom(), {animate: false});
      other._blSyncing = false;
    });
    return self;
  };
}
"""


class _Script(folium.MacroElement):
    """A piece of JavaScript run after its parent map is created (``%s`` is the map's variable name)."""

    def __init__(self, code: str):
        super().__init__()
        self._name = "BorderlineScript"
        self.code = code
        self._template = Template("{% macro script(this, kwargs) %}{{ this.code_for(this._parent) }}"
                                         "{% endmacro %}")

    def code_for(self, parent) -> str:
        return self.code.replace("%s", parent.get_name())


def online_tile_layer() -> folium.TileLayer:
    """The optional online tile layer (one definition for the main map and the small maps)."""
    return folium.TileLayer(ONLINE_TILES, attr=OSM_ATTRIBUTION, control=False, max_zoom=MAX_ZOOM)


def _use_assets(m: folium.Map, assets: Assets) -> None:
    """Replace folium's CDN links by local ones (or by inline code) on a map."""
    m.default_js = [(f"leaflet_local_{i}", url) for i, url in enumerate(assets.js)]
    m.default_css = [(f"leaflet_css_local_{i}", url) for i, url in enumerate(assets.css)]
    header = m.get_root().header
    if assets.inline:
        header.add_child(folium.Element(f"<style>{_asset_text('leaflet.css')}</style>"), name="leaflet_css_inline")
        header.add_child(folium.Element(f"<script>{_asset_text('leaflet.js')}</script>"), name="leaflet_js_inline")
    header.add_child(folium.Element(MAP_CSS), name="borderline_css")


class _Map(folium.Map):
    """A folium Map whose bounds are Ukraine's: streamlit-folium asks for them on every draw, and folium would
    walk every coordinate of every layer to find them."""

    def get_bounds(self):
        return [list(UKRAINE_BOUNDS[0]), list(UKRAINE_BOUNDS[1])]


def new_map(assets: Assets, options: MapOptions = MapOptions()) -> folium.Map:
    """An empty map over Ukraine with local assets, panes for the basemap, lines and cities, the data credits,
    a fullscreen button, and its view kept in the page's address."""
    m = _Map(location=[48.4, 31.2], zoom_start=6, tiles=None, control_scale=False, zoom_snap=0.25,
             zoom_delta=0.5, prefer_canvas=False, min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM)
    m.options.update(minZoom=MIN_ZOOM, maxZoom=MAX_ZOOM)  # folium passes these to tile layers only
    _prepare(m, assets, options)
    m.fit_bounds(UKRAINE_BOUNDS)
    add_controls(m)
    m.add_child(_Script(VIEW_URL_JS % {"zmin": MIN_ZOOM, "zmax": MAX_ZOOM}))
    return m


def credits_html() -> str:
    """The attribution line: the sources of the embedded layers, escaped."""
    return " · ".join(esc(_(c)) for c in CREDITS)


def add_controls(m: folium.Map) -> None:
    """The data credits (no Leaflet prefix) and the fullscreen button of a map."""
    m.add_child(_Script(ATTRIBUTION_JS % json.dumps(credits_html())))
    m.add_child(_Script(FULLSCREEN_JS % {"title": json.dumps(_("Full screen"))}))
    m.add_child(_Script(SCALE_JS))


def _prepare(m: folium.Map, assets: Assets, options: MapOptions) -> None:
    """Local Leaflet assets, the optional online tiles, and the panes that order basemap, lines and cities.

    With online tiles the embedded basemap is drawn in a pane under the tiles, so the map is never blank when
    the tiles cannot load (offline); where they load they cover it.
    """
    _use_assets(m, assets)
    if options.online_tiles:
        online_tile_layer().add_to(m)
    folium.map.CustomPane("bl-base", z_index=150 if options.online_tiles else 250, pointer_events=False).add_to(m)
    folium.map.CustomPane("bl-lines", z_index=450, pointer_events=True).add_to(m)
    folium.map.CustomPane("bl-cities", z_index=460, pointer_events=True).add_to(m)


def _style(s: st_.Style, filled: bool = True) -> dict:
    """A Leaflet path style from a shared Style."""
    out = {"color": s.edge, "weight": s.line_width, "opacity": 1.0 if s.line_width else 0.0,
           "fill": bool(filled and s.fill), "fillColor": s.fill or s.edge,
           "fillOpacity": s.fill_opacity if filled else 0.0}
    if s.dash:
        out["dashArray"] = s.dash
    return out


def _tooltip(sticky: bool = True) -> folium.GeoJsonTooltip:
    return folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=sticky, class_name="bl-tip")


def _geojson(data: dict, style: dict, tooltip: bool = True, **kwargs) -> folium.GeoJson | None:
    """A GeoJson layer with one style for all features (None when there is nothing to draw)."""
    if not data or not data.get("features"):
        return None
    has_tip = tooltip and all("tip" in f["properties"] for f in data["features"])
    return folium.GeoJson(data, style_function=lambda _f, s=style: s, highlight_function=None,
                          tooltip=_tooltip() if has_tip else None, control=False, **kwargs)


def add_basemap(m: folium.Map, options: MapOptions) -> folium.Map:
    """Draw the embedded basemap: sea, neighbours, Ukraine, and per the options oblasts, Dnieper, cities, labels.

    With online tiles on, the sea, neighbours and Ukraine lie under the tiles (``_prepare``), and Ukraine's
    border is drawn once more above them.
    """
    base = basemap_layers()
    for key in ("sea", "country", "ukraine"):
        layer = _geojson(base[key], _style(st_.BASEMAP[key]), tooltip=False, pane="bl-base", interactive=False)
        layer and layer.add_to(m)
    if options.online_tiles:
        _geojson(base["ukraine"], _style(st_.BASEMAP["ukraine"], filled=False), tooltip=False,
                 pane="bl-lines", interactive=False).add_to(m)
    if options.oblasts:
        oblast = dict(_style(st_.BASEMAP["admin1"]), fill=True, fillOpacity=0.0, fillColor="#ffffff")
        _geojson(base["admin1"], oblast).add_to(m)
    if options.dnieper:
        _geojson(base["dnieper"], _style(st_.BASEMAP["dnieper"], filled=False), pane="bl-lines").add_to(m)
    if options.settlements:
        _add_cities(m, base["cities"])
    if options.labels:
        m.add_child(_Script(label_script(base["labels"], options.settlements)))
    return m


def label_script(labels: list[dict], cities: bool = True) -> str:
    """The JavaScript that shows the label plan on a map (``%s`` is the map); without cities, oblasts only."""
    items = labels if cities else [it for it in labels if "bl-oblast" in it["cls"]]
    return LABEL_JS % {"zmin": MIN_ZOOM, "zmax": MAX_ZOOM, "items": json.dumps(items, separators=(",", ":")),
                       "tiers": json.dumps([z for _least, z in LABEL_TIERS])}


CITY_REGISTER_JS = "window.blCityLayers = (window.blCityLayers || []).concat([%s]);"


def _add_cities(m: folium.Map, cities: dict) -> None:
    """City dots sized by population, each with hover details; a tier's dots show from its zoom."""
    s = st_.BASEMAP["settlement"]
    marker = folium.CircleMarker(radius=3, color=s.edge, weight=s.line_width, fill=True, fill_color=s.fill,
                                 fill_opacity=s.fill_opacity)
    marker.options["pane"] = "bl-cities"  # folium's path options drop it; above the scenario's areas
    layer = folium.GeoJson(cities, marker=marker, style_function=lambda f: {"radius": f["properties"]["radius"]},
                           tooltip=_tooltip(sticky=False), highlight_function=None, control=False)
    layer.add_child(_Script(CITY_REGISTER_JS))
    layer.add_to(m)


PART_ORDER = ("russian_administered", "recognized_de_jure", "recognized_de_facto", "ceded_by_ukraine",
              "returned_to_ukraine", "dmz_ukrainian_side", "dmz_russian_side")


def _zone_types(features) -> list[str]:
    """The zone types of some features, in their first order (every type the engine knows has a style)."""
    return list(dict.fromkeys(f["properties"]["zone_type"] for f in features))


def scenario_group(layers: dict, options: MapOptions, name: str = "scenario") -> folium.FeatureGroup:
    """The scenario's layers as one feature group (st_folium swaps it without reloading the map)."""
    group = folium.FeatureGroup(name=name, control=False)
    for spec in scenario_specs(layers, options):
        kwargs = {"pane": spec["pane"]} if spec.get("pane") else {}
        layer = _geojson(spec["data"], spec["style"], **kwargs)
        layer and layer.add_to(group)
    if options.sites and layers.get("sites", {}).get("features"):
        _add_sites(group, layers["sites"])
    return group


def scenario_specs(layers: dict, options: MapOptions) -> list[dict]:
    """The scenario's layers in drawing order: ``data`` (GeoJSON), Leaflet ``style`` and ``pane``."""
    specs = []
    shown = {"ceded_by_ukraine": options.changes, "returned_to_ukraine": options.changes,
             "dmz_ukrainian_side": options.dmz, "dmz_russian_side": options.dmz}
    for part in PART_ORDER:
        if part in layers and shown.get(part, True):
            specs.append({"data": layers[part], "style": _style(st_.PARTS[part])})
    if options.zones and "zones" in layers:
        for zone_type in _zone_types(layers["zones"]["features"]):
            features = [f for f in layers["zones"]["features"] if f["properties"]["zone_type"] == zone_type]
            specs.append({"data": _collection(features), "style": _style(st_.web_zone_style(zone_type))})
    if options.contact_line:
        for part in ("baseline_line", "contact_line"):
            if part in layers and (part == "contact_line" or options.changes):
                specs.append({"data": layers[part], "style": _style(st_.PARTS[part], filled=False),
                              "pane": "bl-lines"})
    if options.sites and "site_areas" in layers:
        specs.append({"data": layers["site_areas"], "style": _style(getattr(st_, "SITE_AREA", st_.WEB_SITE),
                                                                    filled=False), "pane": "bl-lines"})
    return specs


def _add_sites(group, sites: dict) -> None:
    """The scenario's sites: a marker each, with a pop-up of its status and a hover name."""
    s = st_.WEB_SITE
    marker = folium.CircleMarker(radius=6, color=s.edge, weight=s.line_width, fill=True, fill_color=s.fill,
                                 fill_opacity=s.fill_opacity)
    marker.options["pane"] = "bl-cities"
    folium.GeoJson(sites, marker=marker, highlight_function=None, control=False,
                   style_function=lambda f: {"fillColor": f["properties"].get("fill", s.fill)},
                   tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False, class_name="bl-tip"),
                   popup=folium.GeoJsonPopup(fields=["tip"], labels=False, class_name="bl-tip")).add_to(group)


def outline_group(a: dict, b: dict, options: MapOptions) -> folium.FeatureGroup:
    """Two scenarios on one map: areas only in A, only in B, in both; their lines, DMZ bands and zones.

    ``a`` and ``b`` are ``outline_layers``; the differences come from ``overlay_layers``. A's DMZ bands and
    zones are drawn with solid edges, B's dashed, so both read where they overlap.
    """
    group = folium.FeatureGroup(name="comparison", control=False)
    for spec in overlay_specs(a, b, options):
        kwargs = {"pane": spec["pane"]} if spec.get("pane") else {}
        layer = _geojson(spec["data"], spec["style"], **kwargs)
        layer and layer.add_to(group)
    return group


def overlay_specs(a: dict, b: dict, options: MapOptions) -> list[dict]:
    """The overlay's layers in drawing order (see ``outline_group``)."""
    specs = []
    diff = a.get("diff", {})
    for key in ("both", "only_a", "only_b"):
        if key in diff:
            specs.append({"data": diff[key], "style": _style(st_.COMPARE_OVERLAY[key])})
    for which, layers in (("a", a), ("b", b)):
        dash = None if which == "a" else st_.COMPARE["b"].dash
        if options.dmz:
            for part in ("dmz_ukrainian_side", "dmz_russian_side"):
                if part in layers:
                    specs.append({"data": layers[part], "style": dict(_style(st_.PARTS[part]), fillOpacity=0.35,
                                                                      **({"dashArray": dash} if dash else {}))})
        if options.zones and "zones" in layers:
            for zone_type in _zone_types(layers["zones"]["features"]):
                features = [f for f in layers["zones"]["features"] if f["properties"]["zone_type"] == zone_type]
                style = dict(_style(st_.web_zone_style(zone_type)), fillOpacity=0.2,
                             **({"dashArray": dash} if dash else {}))
                specs.append({"data": _collection(features), "style": style})
    if options.contact_line:
        for which, layers in (("a", a), ("b", b)):
            s = st_.COMPARE[which]
            if "line" in layers:
                specs.append({"data": layers["line"], "style": dict(_style(s, filled=False), weight=s.line_width + 1.0),
                              "pane": "bl-lines"})
    return specs


def area_group(geometry: dict, name: str, km2_value: float) -> folium.FeatureGroup:
    """An uploaded area (GeoJSON geometry, EPSG:4326) as a feature group, with an escaped tooltip."""
    group = folium.FeatureGroup(name="uploaded", control=False)
    data = _collection([{"type": "Feature", "geometry": geometry,
                         "properties": {"tip": area_tip(name, km2_value, None, _("uploaded area"))}}])
    _geojson(data, _style(st_.UPLOADED)).add_to(group)
    return group


def scenario_map(layers: dict, options: MapOptions, assets: Assets = INLINE) -> folium.Map:
    """A complete single map of one scenario (basemap and scenario layers in one document)."""
    m = add_basemap(new_map(assets, options), options)
    scenario_group(layers, options).add_to(m)
    return m


def dual_map(left: dict, right: dict, options: MapOptions, assets: Assets) -> folium.plugins.DualMap:
    """Two maps side by side, kept on the same extent and zoom (superseded in the app by ``grid_html``)."""
    from folium.plugins import DualMap

    dual = DualMap(location=[48.4, 31.2], zoom_start=5, tiles=None, layout="horizontal", zoom_snap=0.25,
                   zoom_delta=0.5, min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM, control_scale=True)
    dual.default_js = []  # the sync is SYNC_JS below, not the CDN plugin
    for m, layers in ((dual.m1, left), (dual.m2, right)):
        m.options.update(minZoom=MIN_ZOOM, maxZoom=MAX_ZOOM)
        _prepare(m, assets, options)
        m.add_child(_Script(SYNC_JS))
        add_basemap(m, options)
        scenario_group(layers, options).add_to(m)
        m.fit_bounds(UKRAINE_BOUNDS)
    return dual


# ---------------------------------------------------------------------------------------------------------
# A place found by the search


def place_popup(info: dict, side: str, baseline_side: str, baseline: str, history_rows: int = 6) -> str:
    """The pop-up of a place found by the search: name, oblast, bank, population, the side on the baseline and in
    this scenario, and its control history (``info`` is ``geo.places.describe``; sides ``russia``/``ukraine``)."""
    label = lambda v: esc(_(SIDE_LABELS.get(v, v)))  # noqa: E731
    rows = [f"<b>{esc(info['name'])}</b>", esc(info.get("admin1_name") or info.get("admin1_iso") or ""),
            esc(_("Dnieper bank: {bank}").format(bank=_(info.get("bank", "")))),
            f"{esc(_('Population'))}: {people(info['population'])} (GeoNames)" if info.get("population") else "",
            f"{esc(_('On the baseline ({day})').format(day=baseline))}: {label(baseline_side)}",
            f"{esc(_('In this scenario'))}: <b>{label(side)}</b>"]
    history = info.get("history") or []
    if history:
        rows.append(f"<u>{esc(_('Control history'))}</u>")
        for h in history[-history_rows:]:
            rows.append(f"{esc(h['from'])} – {esc(h['to'])}: {label(h['side'])}")
        rows.append(f"<small>{esc(history[-1].get('source', ''))}</small>")
    return '<div class="bl-found">' + "<br>".join(r for r in rows if r) + "</div>"


PLACE_JS = """
(function(group) {
  var ring = L.circleMarker([%(lat)s, %(lon)s], %(style)s).bindPopup(%(html)s, {maxWidth: 320, autoClose: false});
  ring.on('add', function() { setTimeout(function() { ring.openPopup(); }, 0); });  // once it is on the map
  ring.addTo(group);
})(%%s);
"""


def place_group(info: dict, popup_html: str) -> folium.FeatureGroup:
    """A highlighted ring at a found place with its pop-up open (a feature group the map swaps in).

    Written as a script rather than folium's Popup, whose HTML pop-ups need jQuery (not loaded: no CDN).
    """
    group = folium.FeatureGroup(name="place", control=False)
    s = st_.WEB_FOUND
    style = {"radius": 11, "color": s.edge, "weight": s.line_width, "fill": True, "fillColor": s.fill,
             "fillOpacity": s.fill_opacity, "pane": "bl-cities"}
    group.add_child(_Script(PLACE_JS % {"lat": float(info["lat"]), "lon": float(info["lon"]),
                                        "style": json.dumps(style), "html": json.dumps(popup_html)}))
    return group


# ---------------------------------------------------------------------------------------------------------
# Small multiples: up to four synchronized maps in one page that loads the basemap once.

GRID_JS = """
(function(BL) {
  var bounds = L.latLngBounds(BL.bounds), maps = [];
  function tip(f, layer) { if (f.properties && f.properties.tip) {
    layer.bindTooltip(f.properties.tip, {sticky: true, className: 'bl-tip'}); } }
  function pane(map, name, z, events) { var p = map.createPane(name); p.style.zIndex = z;
    p.style.pointerEvents = events ? 'auto' : 'none'; }
  function draw(map, spec) {
    var data = spec.base ? BL.base[spec.base] : spec.data;
    L.geoJSON(data, {style: function() { return spec.style; }, pane: spec.pane || 'overlayPane',
      interactive: spec.interactive !== false, onEachFeature: spec.interactive === false ? null : tip}).addTo(map);
  }
  BL.maps.forEach(function(cfg, i) {
    var map = L.map('blm' + i, {zoomSnap: 0.25, zoomDelta: 0.5, minZoom: BL.zmin, maxZoom: BL.zmax,
                                preferCanvas: false});
    window['blmap' + i] = map;
    if (BL.tiles) { L.tileLayer(BL.tiles, {attribution: BL.tilesCredit, maxZoom: BL.zmax}).addTo(map); }
    pane(map, 'bl-base', BL.tiles ? 150 : 250, false); pane(map, 'bl-lines', 450, true);
    pane(map, 'bl-cities', 460, true);
    BL.basemap.concat(cfg.specs).forEach(function(spec) { draw(map, spec); });
    if (BL.cities) {
      var cities = L.geoJSON(BL.base.cities, {pointToLayer: function(f, ll) {
        return L.circleMarker(ll, L.extend({}, BL.cityStyle, {radius: f.properties.radius, pane: 'bl-cities'})); },
        onEachFeature: function(f, layer) { layer.bindTooltip(f.properties.tip, {className: 'bl-tip'}); }}).addTo(map);
      window.blCityLayers = (window.blCityLayers || []).concat([cities]);
    }
    if (cfg.sites) {
      L.geoJSON(cfg.sites, {pointToLayer: function(f, ll) {
        return L.circleMarker(ll, L.extend({}, BL.siteStyle, {pane: 'bl-cities',
          fillColor: f.properties.fill || BL.siteStyle.fillColor})); },
        onEachFeature: function(f, layer) { layer.bindTooltip(f.properties.name, {className: 'bl-tip'});
          layer.bindPopup(f.properties.tip, {className: 'bl-tip'}); }}).addTo(map);
    }
    L.control.scale({imperial: false}).addTo(map);
    map.fitBounds(bounds);
    maps.push(map);
  });
  window.blMaps = maps;
})(BLDATA);
"""

# Keep every small map on the view of the one the reader moves: followers are set without animation on each step
# of the leader (so they never animate on their own) and exactly once it settles (a pan moves by whole pixels).
# The side-by-side bug (a straight dark line after a zoom and a drag) was not the sync: it was Chromium's focus
# ring around the pressed SVG path, clipped by Leaflet's renderer; MAP_CSS switches it off.
GRID_SYNC_JS = """
(function(maps) {
  var busy = false;
  function follow(src, settle) {
    if (busy) { return; }
    busy = true;
    var c = src.getCenter(), z = src.getZoom();
    // while the leader moves, followers pan (fast; whole pixels); once it settles they are set exactly
    maps.forEach(function(m) { if (m !== src) { m.setView(c, z, settle ? {reset: true} : {animate: false}); } });
    busy = false;
  }
  maps.forEach(function(m) {
    m.on('move', function() { follow(m, false); });
    m.on('moveend', function() { follow(m, true); });
  });
})(window.blMaps);
"""

GRID_CSS = """
<style>
html, body { margin: 0; padding: 0; background: #fff;
  font-family: "Source Sans Pro", "DejaVu Sans", Arial, sans-serif; }
.bl-grid { display: grid; grid-template-columns: repeat(%(cols)d, 1fr); gap: 6px; }
.bl-cell { position: relative; min-width: 0; }
.bl-cell h4 { margin: 0 0 3px 0; font-size: 13px; font-weight: 600; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.bl-small { height: %(height)dpx; border: 1px solid #ddd; }
</style>
"""


def grid_html(layers: list[dict], titles: list[str], options: MapOptions, assets: Assets, height: int,
              overlay: tuple[dict, dict] | None = None) -> str:
    """Up to four synchronized maps of scenarios (``layers`` from ``scenario_layers``) as one HTML page.

    The basemap data is written once and drawn on every map; each map adds its scenario's layers. ``titles``
    are plain text (escaped here). ``height`` is each map's height in pixels. With ``overlay`` (A and B from
    ``outline_layers``) a single map shows their differences instead.
    """
    base = basemap_layers()
    shared = {k: base[k] for k in ("sea", "country", "ukraine", "admin1", "dnieper", "cities")}
    basemap = [{"base": k, "style": _style(st_.BASEMAP[k]), "pane": "bl-base", "interactive": False}
               for k in ("sea", "country", "ukraine")]
    if options.online_tiles:
        basemap.append({"base": "ukraine", "style": _style(st_.BASEMAP["ukraine"], filled=False), "pane": "bl-lines",
                        "interactive": False})
    if options.oblasts:
        basemap.append({"base": "admin1", "style": dict(_style(st_.BASEMAP["admin1"]), fill=True, fillOpacity=0.0,
                                                        fillColor="#ffffff")})
    if options.dnieper:
        basemap.append({"base": "dnieper", "style": _style(st_.BASEMAP["dnieper"], filled=False), "pane": "bl-lines"})
    if overlay is not None:
        maps = [{"specs": overlay_specs(overlay[0], overlay[1], options)}]
    else:
        maps = [{"specs": scenario_specs(lay, options),
                 "sites": lay.get("sites") if options.sites and lay.get("sites", {}).get("features") else None}
                for lay in layers]
    city = st_.BASEMAP["settlement"]
    site = st_.WEB_SITE
    data = {"base": shared, "basemap": basemap, "maps": maps, "bounds": [list(b) for b in UKRAINE_BOUNDS],
            "zmin": MIN_ZOOM, "zmax": MAX_ZOOM, "cities": options.settlements, "labels": base["labels"],
            "tiles": online_tile_layer().tiles if options.online_tiles else None,
            "tilesCredit": OSM_ATTRIBUTION,
            "cityStyle": {"color": city.edge, "weight": city.line_width, "fill": True, "fillColor": city.fill,
                          "fillOpacity": city.fill_opacity},
            "siteStyle": {"radius": 5, "color": site.edge, "weight": site.line_width, "fill": True,
                          "fillColor": site.fill, "fillOpacity": site.fill_opacity}}
    n = len(maps)
    cols = 1 if n == 1 else 2
    cells = "".join(f'<div class="bl-cell"><h4 title="{esc(t)}">{esc(t)}</h4><div id="blm{i}" class="bl-small"></div>'
                    f'</div>' for i, t in enumerate(titles[:n]))
    per_map = []
    for i in range(n):
        name = f"blmap{i}"
        per_map.append((ATTRIBUTION_JS % json.dumps(credits_html())).replace("%s", name))
        per_map.append((FULLSCREEN_JS % {"title": json.dumps(_("Full screen"))}).replace("%s", name))
        if options.labels:
            items = "BLDATA.labels" if options.settlements else \
                "BLDATA.labels.filter(function(it) { return it.cls.indexOf('bl-oblast') >= 0; })"
            per_map.append((LABEL_JS % {"zmin": MIN_ZOOM, "zmax": MAX_ZOOM, "items": items,
                            "tiers": json.dumps([z for _least, z in LABEL_TIERS])}).replace("%s", name))
    per_map.append((VIEW_URL_JS % {"zmin": MIN_ZOOM, "zmax": MAX_ZOOM}).replace("%s", "blmap0"))
    if assets.inline:
        head = f"<style>{_asset_text('leaflet.css')}</style><script>{_asset_text('leaflet.js')}</script>"
    else:
        head = "".join(f'<link rel="stylesheet" href="{esc(u)}">' for u in assets.css) + \
               "".join(f'<script src="{esc(u)}"></script>' for u in assets.js)
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\">" + head + MAP_CSS
            + GRID_CSS % {"cols": cols, "height": height} + "</head><body>"
            + f'<div class="bl-grid">{cells}</div>'
            + f"<script>var BLDATA = {payload};</script><script>{GRID_JS}{GRID_SYNC_JS}{''.join(per_map)}</script>"
            + "</body></html>")


def grid_frame_height(n_maps: int, height: int) -> int:
    """The height in pixels of the frame that holds ``grid_html`` of ``n_maps`` maps of ``height`` each."""
    rows = 1 if n_maps <= 2 else 2
    return rows * (height + 24) + (rows - 1) * 6 + 4


def standalone_html(m: folium.Map) -> str:
    """The map as one HTML document (use ``INLINE`` assets for a page that works with no server)."""
    return m.get_root().render()


# ---------------------------------------------------------------------------------------------------------
# Legend


def legend_entries(layers: dict, options: MapOptions) -> list[tuple[str, st_.Style, str]]:
    """(label, style, kind) for what the map shows; kind is "area" or "line" or "point". Labels are HTML-safe."""
    entries: list[tuple[str, st_.Style, str]] = []
    shown = {"ceded_by_ukraine": options.changes, "returned_to_ukraine": options.changes,
             "dmz_ukrainian_side": options.dmz, "dmz_russian_side": options.dmz}
    for part in PART_ORDER:
        if part in layers and shown.get(part, True):
            entries.append((esc(_(st_.PARTS[part].label)), st_.PARTS[part], "area"))
    if options.zones:
        for f in layers.get("zones", {}).get("features", []):
            z = st_.web_zone_style(f["properties"]["zone_type"])
            # the name is already escaped in the layer data
            entries.append((f"{esc(_(z.label))}: {f['properties']['name']}", z, "area"))
    if options.sites and layers.get("sites", {}).get("features"):
        entries.append((esc(_("Site (click for its status)")), st_.WEB_SITE, "point"))
    if options.contact_line:
        if "contact_line" in layers:
            entries.append((esc(_("Line of contact")), st_.PARTS["contact_line"], "line"))
        if "baseline_line" in layers and options.changes:
            entries.append((esc(_("Line of contact on {day} (baseline)").format(day=layers.get("baseline", ""))),
                            st_.PARTS["baseline_line"], "line"))
    return entries + basemap_entries(options)


def overlay_entries(title_a: str, title_b: str, a: dict, b: dict, options: MapOptions) -> list:
    """Legend entries of the one-map comparison (titles are plain text, escaped here)."""
    names = {"only_a": _("Russian-administered in A only ({title})").format(title=title_a),
             "only_b": _("Russian-administered in B only ({title})").format(title=title_b),
             "both": _("Russian-administered in both")}
    out = [(esc(names[k]), st_.COMPARE_OVERLAY[k], "area") for k in ("only_a", "only_b", "both")
           if k in a.get("diff", {})]
    if options.dmz and any(k in lay for lay in (a, b) for k in ("dmz_ukrainian_side", "dmz_russian_side")):
        out.append((esc(_("DMZ bands (A solid edge, B dashed)")), st_.PARTS["dmz_ukrainian_side"], "area"))
    if options.zones:
        for which, lay in (("A", a), ("B", b)):
            for f in lay.get("zones", {}).get("features", []):
                z = st_.web_zone_style(f["properties"]["zone_type"])
                out.append((f"{which}: {esc(_(z.label))}: {f['properties']['name']}", z, "area"))
    if options.contact_line:
        out.append((esc(_("Line of contact of A")), st_.COMPARE["a"], "line"))
        out.append((esc(_("Line of contact of B (dashed)")), st_.COMPARE["b"], "line"))
    return out + basemap_entries(options)


def basemap_entries(options: MapOptions) -> list[tuple[str, st_.Style, str]]:
    """Legend entries of the basemap layers that are switched on."""
    out = []
    if options.oblasts:
        out.append((esc(_("Oblast border")), st_.BASEMAP["admin1"], "line"))
    if options.dnieper:
        out.append((esc(_("Dnieper")), st_.BASEMAP["dnieper"], "line"))
    if options.settlements:
        out.append((esc(_("City of {n} or more").format(n=people(CITY_MIN_POPULATION))), st_.BASEMAP["settlement"],
                    "point"))
    return out


def _rgba(colour: str, alpha: float) -> str:
    colour = colour.lstrip("#")
    r, g, b = (int(colour[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha:g})"


def _swatch(s: st_.Style, kind: str) -> str:
    """A small legend key drawn with CSS (st.html strips inline SVG)."""
    border = "dashed" if s.dash else "solid"
    if kind == "line":
        css = f"width:26px;height:0;border-top:{max(s.line_width, 1.0):.1f}px {border} {s.edge};"
    elif kind == "point":
        css = f"width:8px;height:8px;border-radius:50%;background:{s.fill};border:1px solid {s.edge};margin:0 9px;"
    else:
        fill = _rgba(s.fill, s.fill_opacity) if s.fill else "transparent"
        css = f"width:24px;height:12px;background:{fill};border:{max(s.line_width, 1.0):.1f}px {border} {s.edge};"
    return f'<span class="bl-key" style="display:inline-block;{css}"></span>'


def legend_html(entries: list[tuple[str, st_.Style, str]], title: str) -> str:
    """The legend as a small HTML block. ``title`` is escaped here; entry labels must be already safe."""
    items = "".join(f'<li>{_swatch(s, kind)}<span>{label}</span></li>' for label, s, kind in entries)
    return (f'<div class="bl-legend" data-testid="bl-legend"><div class="bl-legend-title">{esc(title)}</div>'
            f'<ul>{items}</ul></div>')


LEGEND_CSS = """
<style>
.bl-legend { font-size: 0.82rem; line-height: 1.3; margin: 0.25rem 0 0.5rem 0; }
.bl-legend-title { font-weight: 600; margin-bottom: 0.2rem; }
.bl-legend ul { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 0.15rem 1rem; }
.bl-legend li { display: flex; align-items: center; gap: 0.35rem; margin: 0; }
</style>
"""


def payload_bytes(m) -> int:
    """Size in bytes of a map rendered as a standalone page (what a browser must load for it)."""
    return len(standalone_html(m).encode("utf-8"))

