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
from dataclasses import dataclass
from pathlib import Path

import folium
from jinja2 import Template
import numpy as np
import shapely
from shapely.geometry import mapping

from borderline import style as st_
from borderline.format import POPULATION_NOTE, km, km2, people
from borderline.ui.text import esc
from geo.crs import area_km2, to_equal_area, to_geographic

DISPLAY_TOLERANCE_M = 150.0
COORD_DECIMALS = 4
CITY_MIN_POPULATION = 50_000
# Label tiers (least population, zoom from which the label shows): the biggest cities are labelled at every
# zoom, smaller ones as the reader zooms in, so labels do not pile up on a country-wide view.
LABEL_TIERS = ((1_000_000, 0), (400_000, 6), (150_000, 7), (CITY_MIN_POPULATION, 8))
UKRAINE_BOUNDS = ((44.38, 22.13), (52.37, 40.16))  # (south, west), (north, east)
MIN_DISPLAY_KM2 = 0.5  # parts smaller than this are slivers of the set operations, not drawn or listed
OSM_ATTRIBUTION = "© OpenStreetMap contributors"


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
        rows.append(f"population {people(population)} ({POPULATION_NOTE})")
    return "<br>".join(rows)


def line_tip(title: str, km_value: float) -> str:
    """Tooltip HTML for a line: escaped title and length."""
    return f"<b>{esc(title)}</b><br>{km(km_value)}"


# ---------------------------------------------------------------------------------------------------------
# Basemap (depends only on the embedded data: cached per process)


@functools.cache
def basemap_layers() -> dict:
    """The basemap as GeoJSON: neighbours, sea, Ukraine, oblasts, Dnieper, cities of 50,000 or more."""
    from geo.data import load_layer

    context, country = load_layer("context"), load_layer("country")
    admin1, dnieper, places = load_layer("admin1"), load_layer("dnieper"), load_layer("settlements")
    kinds = context["kind"].to_numpy()
    layers = {
        "sea": _collection(_feature(to_equal_area(g), {}) for g in context.geometry[kinds == "sea"]),
        "country": _collection(_feature(to_equal_area(g), {}, 500.0) for g in context.geometry[kinds == "country"]),
        "ukraine": _collection([_feature(to_equal_area(country.geometry.iloc[0]), {})]),
        "admin1": _collection(_admin1_features(admin1)),
        "dnieper": _collection(_feature(to_equal_area(g), {"tip": f"<b>Dnieper</b><br>{esc(d)}"}, 100.0)
                               for g, d, part in zip(dnieper.geometry, dnieper["description"], dnieper["part"])
                               if part in ("river", "estuary")),
        "cities": _collection(_city_features(places)),
    }
    return layers


def _admin1_features(admin1) -> list:
    units = to_equal_area(admin1.geometry.values)
    return [_feature(g, {"tip": area_tip(f"{name} ({iso})", float(area_km2(g)), float(pop),
                                         "population is the unit's 2022 baseline (UN OCHA)")})
            for g, name, iso, pop in zip(units, admin1["name"], admin1["iso"], admin1["population_2022"])]


def label_tier(population: int) -> int:
    """The label tier of a city (1–4, see LABEL_TIERS): 1 is labelled at every zoom."""
    return next(i for i, (least, _) in enumerate(LABEL_TIERS, start=1) if population >= least)


def _city_features(places) -> list:
    big = places.loc[places["population"] >= CITY_MIN_POPULATION].sort_values("population", ascending=False)
    return [{"type": "Feature",
             "properties": {"label": esc(name), "tier": label_tier(int(pop)),
                            "radius": round(st_.settlement_marker_radius(int(pop)), 1)},
             "geometry": {"type": "Point", "coordinates": [round(pt.x, COORD_DECIMALS), round(pt.y, COORD_DECIMALS)]}}
            for name, pop, pt in zip(big["name"], big["population"], big.geometry)]


# ---------------------------------------------------------------------------------------------------------
# Scenario layers (plain JSON, so the app can cache them with st.cache_data)


def scenario_layers(ev) -> dict:
    """The parts of an evaluation as GeoJSON collections keyed by part, with escaped tooltips.

    ``ev`` is a ``scenarios.engine.Evaluation``. Keys: russian_administered,
    ceded_by_ukraine, returned_to_ukraine, dmz_ukrainian_side,
    dmz_russian_side, zones (features carry ``zone_type``), contact_line,
    baseline_line. Each feature's ``tip`` is the tooltip HTML.
    """
    layers: dict = {"title": ev.scenario.title, "baseline": ev.baseline}
    for part in ev.all_parts():
        if part.geometry is None or part.geometry.is_empty:
            continue
        if part.key == "contact_line":
            layers["contact_line"] = _collection([_feature(part.geometry, {"tip": line_tip(part.name, part.length_km)},
                                                           100.0)])
        elif part.km2 < MIN_DISPLAY_KM2:  # slivers of set operations
            continue
        elif part.key.startswith("zone:"):
            tip = area_tip(part.name, part.km2, part.population, st_.zone_style(part.zone_type).label)
            feature = _feature(part.geometry, {"tip": tip, "zone_type": part.zone_type, "name": esc(part.name)})
            layers.setdefault("zones", _collection([]))["features"].append(feature)
        else:
            layers[part.key] = _collection([_feature(part.geometry, {"tip": area_tip(part.name, part.km2,
                                                                                      part.population)})])
    line = ev.territory.baseline_line
    if not line.geometry.is_empty:
        layers["baseline_line"] = _collection([_feature(line.geometry, {"tip": line_tip(line.name, line.length_km)},
                                                        100.0)])
    return layers


def outline_layers(ev, which: str) -> dict:
    """Russian-administered area and line of contact of one scenario, for the one-map comparison."""
    t = ev.territory
    area, line = t.part("russian_administered"), t.part("contact_line")
    title = f"{which}: {ev.scenario.title}"
    return {
        "title": ev.scenario.title,
        "area": _collection([_feature(area.geometry, {"tip": area_tip(title, area.km2, area.population,
                                                                      "Russian-administered")})]),
        "line": _collection([_feature(line.geometry, {"tip": line_tip(f"{which}: line of contact", line.length_km)},
                                      100.0)]),
    }


# ---------------------------------------------------------------------------------------------------------
# folium


MAP_CSS = """
<style>
.leaflet-container { background: #EFEFEF; font-family: "DejaVu Sans", Arial, sans-serif; }
.bl-tip { font-size: 12px; line-height: 1.35; min-width: 210px; max-width: 320px; white-space: normal; }
.bl-label { background: transparent; border: 0; box-shadow: none; padding: 0 0 0 2px; color: #222;
  font-size: 11px; font-weight: 600;
  text-shadow: -1px -1px 0 #fff, 1px -1px 0 #fff, -1px 1px 0 #fff, 1px 1px 0 #fff, 0 0 3px #fff; }
.bl-label:before { display: none; }
.bl-label.bl-t1 { font-size: 12.5px; font-weight: 700; }
.bl-zlt6 .bl-label.bl-t2, .bl-zlt7 .bl-label.bl-t3, .bl-zlt8 .bl-label.bl-t4 { display: none; }
</style>
"""

# Zoom classes on the map container, so CSS can hide the smaller cities' labels when zoomed out.
ZOOM_CLASS_JS = """
(function(map) {
  function blZoomClass() {
    var z = map.getZoom(), c = map.getContainer();
    [6, 7, 8].forEach(function(t) { c.classList.toggle('bl-zlt' + t, z < t); });
  }
  map.on('zoomend', blZoomClass);
  blZoomClass();
})(%s);
"""

# Two maps that follow each other's pan and zoom (folium's DualMap calls map.sync(other)); written here
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
        return self.code % parent.get_name() if "%s" in self.code else self.code


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
    """An empty map over Ukraine with local assets, panes for the basemap, lines and cities."""
    m = _Map(location=[48.4, 31.2], zoom_start=6, tiles=None, control_scale=True, zoom_snap=0.25,
                   zoom_delta=0.5, prefer_canvas=False, min_zoom=4, max_zoom=13)
    _prepare(m, assets, options)
    m.fit_bounds(UKRAINE_BOUNDS)
    m.add_child(_Script(ZOOM_CLASS_JS))
    return m


def _prepare(m: folium.Map, assets: Assets, options: MapOptions) -> None:
    """Local Leaflet assets, the optional online tiles, and the panes that order basemap, lines and cities."""
    _use_assets(m, assets)
    if options.online_tiles:
        folium.TileLayer("OpenStreetMap", attr=OSM_ATTRIBUTION, control=False).add_to(m)
    folium.map.CustomPane("bl-base", z_index=250, pointer_events=False).add_to(m)
    folium.map.CustomPane("bl-lines", z_index=450, pointer_events=True).add_to(m)
    folium.map.CustomPane("bl-cities", z_index=460, pointer_events=False).add_to(m)


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
    """Draw the embedded basemap: sea, neighbours, Ukraine, and per the options oblasts, Dnieper, cities."""
    base = basemap_layers()
    if not options.online_tiles:  # filled basemap polygons would hide the tiles
        for key in ("sea", "country", "ukraine"):
            layer = _geojson(base[key], _style(st_.BASEMAP[key]), tooltip=False, pane="bl-base", interactive=False)
            layer and layer.add_to(m)
    else:
        _geojson(base["ukraine"], _style(st_.BASEMAP["ukraine"], filled=False), tooltip=False,
                 pane="bl-base", interactive=False).add_to(m)
    if options.oblasts:
        oblast = dict(_style(st_.BASEMAP["admin1"]), fill=True, fillOpacity=0.0, fillColor="#ffffff")
        _geojson(base["admin1"], oblast).add_to(m)
    if options.dnieper:
        _geojson(base["dnieper"], _style(st_.BASEMAP["dnieper"], filled=False), pane="bl-lines").add_to(m)
    if options.settlements:
        _add_cities(m, base["cities"])
    return m


# Each city gets its own permanent label (a permanent tooltip bound to the whole layer shows only one).
# The label text is already HTML-escaped in the data.
CITY_LABEL_JS = """function(feature, layer) {
  layer.bindTooltip(feature.properties.label, {permanent: true, direction: 'right', offset: [4, 0],
    interactive: false, className: 'bl-label bl-t' + feature.properties.tier});
}"""


def _add_cities(m: folium.Map, cities: dict) -> None:
    """City dots sized by population, with permanent labels whose tier decides when they show."""
    s = st_.BASEMAP["settlement"]
    marker = folium.CircleMarker(radius=3, color=s.edge, weight=s.line_width, fill=True, fill_color=s.fill,
                                 fill_opacity=s.fill_opacity)
    marker.options["pane"] = "bl-cities"  # folium's path options drop it; above the scenario's areas
    folium.GeoJson(cities, marker=marker, style_function=lambda f: {"radius": f["properties"]["radius"]},
                   on_each_feature=folium.JsCode(CITY_LABEL_JS), control=False).add_to(m)


PART_ORDER = ("russian_administered", "ceded_by_ukraine", "returned_to_ukraine", "dmz_ukrainian_side",
              "dmz_russian_side")


def scenario_group(layers: dict, options: MapOptions, name: str = "scenario") -> folium.FeatureGroup:
    """The scenario's layers as one feature group (st_folium swaps it without reloading the map)."""
    group = folium.FeatureGroup(name=name, control=False)
    shown = {"ceded_by_ukraine": options.changes, "returned_to_ukraine": options.changes,
             "dmz_ukrainian_side": options.dmz, "dmz_russian_side": options.dmz}
    for part in PART_ORDER:
        if part in layers and shown.get(part, True):
            _geojson(layers[part], _style(st_.PARTS[part])).add_to(group)
    if options.zones and "zones" in layers:
        for zone_type in st_.ZONES:
            features = [f for f in layers["zones"]["features"] if f["properties"]["zone_type"] == zone_type]
            layer = _geojson(_collection(features), _style(st_.zone_style(zone_type)))
            layer and layer.add_to(group)
    if options.contact_line:
        for part in ("baseline_line", "contact_line"):
            if part in layers and (part == "contact_line" or options.changes):
                _geojson(layers[part], _style(st_.PARTS[part], filled=False), pane="bl-lines").add_to(group)
    return group


def outline_group(a: dict, b: dict, options: MapOptions) -> folium.FeatureGroup:
    """Two scenarios on one map: A filled with its line, B as a dashed outline with its line."""
    group = folium.FeatureGroup(name="comparison", control=False)
    for key, layers in (("a", a), ("b", b)):
        s = st_.COMPARE[key]
        area = _geojson(layers["area"], _style(s))
        area and area.add_to(group)
        if options.contact_line:
            line = _geojson(layers["line"], dict(_style(s, filled=False), weight=s.line_width + 1.0),
                            pane="bl-lines")
            line and line.add_to(group)
    return group


def area_group(geometry: dict, name: str, km2_value: float) -> folium.FeatureGroup:
    """An uploaded area (GeoJSON geometry, EPSG:4326) as a feature group, with an escaped tooltip."""
    group = folium.FeatureGroup(name="uploaded", control=False)
    data = _collection([{"type": "Feature", "geometry": geometry,
                         "properties": {"tip": area_tip(name, km2_value, None, "uploaded area")}}])
    _geojson(data, _style(st_.UPLOADED)).add_to(group)
    return group


def scenario_map(layers: dict, options: MapOptions, assets: Assets = INLINE) -> folium.Map:
    """A complete single map of one scenario (basemap and scenario layers in one document)."""
    m = add_basemap(new_map(assets, options), options)
    scenario_group(layers, options).add_to(m)
    return m


def dual_map(left: dict, right: dict, options: MapOptions, assets: Assets) -> folium.plugins.DualMap:
    """Two maps side by side, kept on the same extent and zoom as the reader pans or zooms either."""
    from folium.plugins import DualMap

    dual = DualMap(location=[48.4, 31.2], zoom_start=5, tiles=None, layout="horizontal", zoom_snap=0.25,
                   zoom_delta=0.5, min_zoom=4, max_zoom=13, control_scale=True)
    dual.default_js = []  # the sync is SYNC_JS below, not the CDN plugin
    for m, layers in ((dual.m1, left), (dual.m2, right)):
        _prepare(m, assets, options)
        m.add_child(_Script(SYNC_JS))
        m.add_child(_Script(ZOOM_CLASS_JS))
        add_basemap(m, options)
        scenario_group(layers, options).add_to(m)
        m.fit_bounds(UKRAINE_BOUNDS)
    return dual


def standalone_html(m: folium.Map) -> str:
    """The map as one HTML document (use ``INLINE`` assets for a page that works with no server)."""
    return m.get_root().render()


# ---------------------------------------------------------------------------------------------------------
# Legend


def legend_entries(layers: dict, options: MapOptions) -> list[tuple[str, st_.Style, str]]:
    """(label, style, kind) for what the map shows; kind is "area" or "line" or "point"."""
    entries: list[tuple[str, st_.Style, str]] = []
    shown = {"ceded_by_ukraine": options.changes, "returned_to_ukraine": options.changes,
             "dmz_ukrainian_side": options.dmz, "dmz_russian_side": options.dmz}
    for part in PART_ORDER:
        if part in layers and shown.get(part, True):
            entries.append((st_.PARTS[part].label, st_.PARTS[part], "area"))
    if options.zones:
        for f in layers.get("zones", {}).get("features", []):
            z = st_.zone_style(f["properties"]["zone_type"])
            # the name is already escaped in the layer data
            entries.append((f"{z.label}: {f['properties']['name']}", z, "area"))
    if options.contact_line:
        if "contact_line" in layers:
            entries.append(("Line of contact", st_.PARTS["contact_line"], "line"))
        if "baseline_line" in layers and options.changes:
            entries.append((f"Line of contact on {layers.get('baseline', '')} (baseline)",
                            st_.PARTS["baseline_line"], "line"))
    return entries + basemap_entries(options)


def basemap_entries(options: MapOptions) -> list[tuple[str, st_.Style, str]]:
    """Legend entries of the basemap layers that are switched on."""
    out = []
    if options.oblasts:
        out.append(("Oblast border", st_.BASEMAP["admin1"], "line"))
    if options.dnieper:
        out.append(("Dnieper", st_.BASEMAP["dnieper"], "line"))
    if options.settlements:
        out.append((f"City of {CITY_MIN_POPULATION:,} or more", st_.BASEMAP["settlement"], "point"))
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

