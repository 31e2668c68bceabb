"""The static map of one scenario, drawn with matplotlib for print, slides and the PDF report.

The map is projected in a Lambert conformal conic centred on Ukraine (north is up
in the middle of the map and shapes keep their angles); every number printed on
it comes from the engine, whose areas are computed in EPSG:3035. Figures are
built without pyplot and rendered under a lock around matplotlib's global settings, so
rendering is safe in the app's threads. Colours and symbols come from borderline.style.
"""

from __future__ import annotations

import contextlib
import functools
import io
import textwrap
import threading
from dataclasses import dataclass

import matplotlib
import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib import transforms as mtransforms
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Polygon, Rectangle
from matplotlib.path import Path as MplPath
from pyproj import Proj, Transformer

from geo.messages import N_
from scenarios.metrics import Metrics

from borderline.i18n import _
from borderline.format import POPULATION_NOTE, area_value, decimal, dmz_phrase, fmt_date, fmt_number, fmt_population, fmt_width  # noqa: F401
from borderline.style import (BASEMAP, PARTS, PRINT, Style, recognition_style, settlement_marker_radius,
                              site_style)

# Lambert conformal conic with standard parallels at 1/6 and 5/6 of Ukraine's latitude range.
DISPLAY_CRS = "+proj=lcc +lat_0=48.5 +lon_0=31.5 +lat_1=45.7 +lat_2=51.1 +ellps=GRS80 +units=m +no_defs"


@dataclass(frozen=True)
class PageSize:
    """One page size for the printed map: its size in inches and the PNG resolution that gives its pixels.

    ``scale`` multiplies type sizes (small social formats read at a glance, so type is relatively larger
    than on A4 but the page is smaller)."""

    key: str
    label: str  # marked with N_; shown through _()
    width_in: float
    height_in: float
    dpi: float  # default PNG resolution: width_in * dpi is the page's pixel width
    scale: float = 1.0

    @property
    def inches(self) -> tuple[float, float]:
        return self.width_in, self.height_in

    @property
    def aspect(self) -> float:
        return self.width_in / self.height_in

    def pixels(self, dpi: float | None = None) -> tuple[int, int]:
        d = dpi or self.dpi
        return round(self.width_in * d), round(self.height_in * d)


# The one table of page sizes, used by the command line (--page) and the app's export controls.
PAGES: dict[str, PageSize] = {p.key: p for p in (
    PageSize("a4", N_("A4 landscape"), 297 / 25.4, 210 / 25.4, 300),
    PageSize("slide", N_("Slide, 16:9"), 40 / 3, 7.5, 300),
    PageSize("web", N_("Web, 1200 × 800 px"), 8.0, 16 / 3, 150, 0.8),
    PageSize("square", N_("Square, 1080 × 1080 px"), 7.2, 7.2, 150, 0.8),
    PageSize("story", N_("Story, 1080 × 1920 px"), 7.2, 12.8, 150, 0.85),
)}
FORMATS = ("png", "svg", "pdf")
# Layers a print can switch off (all on by default). "dmz" is both bands; "labels" are every name on the map.
LAYERS = ("russian_administered", "ceded", "returned", "dmz", "zones", "recognition", "contact_line",
          "baseline_line", "labels", "admin1", "dnieper", "settlements", "sites")
EXTENTS = {"east-south": (29.5, 44.2, 40.4, 50.7)}  # lon_min, lat_min, lon_max, lat_max; "ukraine" is computed
CITY_MIN_POPULATION = 100_000
ATTRIBUTION = N_("Sources: boundaries Natural Earth (public domain); Dnieper traced from WDB II and GSHHG; "
                 "cities GeoNames (CC BY 4.0); population UN OCHA COD-PS 2022 baseline (CC BY-IGO)")
RC = {
    "font.family": "DejaVu Sans",
    "pdf.fonttype": 42,  # embed TrueType so PDF text stays selectable and searchable
    "ps.fonttype": 42,
    "svg.fonttype": "none",  # SVG text stays text
    "svg.hashsalt": "borderline",  # deterministic SVG ids
    "text.parse_math": False,  # a "$" in a zone name is text, not mathtext
    "hatch.linewidth": 0.6,
    "axes.unicode_minus": False,
}
# rcParams are global: renders hold this lock so that one thread's settings never leak into another's file.
_RC_LOCK = threading.RLock()
# Countries and seas named on the map, each with fallback anchors (lon, lat) tried in order.
PLACE_LABELS = [
    (N_("RUSSIA"), "country", "RUS", [(38.6, 51.4), (41.2, 49.3), (40.2, 45.7)]),
    (N_("BELARUS"), "country", "BLR", [(28.0, 52.3), (30.2, 52.1)]),
    (N_("POLAND"), "country", "POL", [(22.6, 51.4), (22.9, 50.2)]),
    (N_("ROMANIA"), "country", "ROU", [(25.2, 46.6), (27.4, 45.3)]),
    (N_("MOLDOVA"), "country", "MDA", [(28.5, 47.3)]),
    (N_("HUNGARY"), "country", "HUN", [(21.4, 47.6)]),
    (N_("SLOVAKIA"), "country", "SVK", [(21.0, 48.8)]),
    (N_("Black Sea"), "sea", None, [(31.0, 44.2), (33.0, 43.6), (30.6, 45.6)]),
    (N_("Sea of Azov"), "sea", None, [(36.6, 46.1)]),
]


@dataclass(frozen=True, eq=False)
class _Base:
    """Base layers projected to DISPLAY_CRS and simplified for drawing."""

    sea: shapely.Geometry
    countries: np.ndarray
    country_borders: shapely.Geometry
    country_iso3: np.ndarray
    ukraine: shapely.Geometry
    admin1_borders: shapely.Geometry
    dnieper: shapely.Geometry
    city_xy: np.ndarray
    city_name: np.ndarray
    city_population: np.ndarray
    oblast_xy: np.ndarray
    oblast_radius: np.ndarray
    oblast_label: np.ndarray


@functools.cache
def _to_display():
    return Transformer.from_crs("EPSG:3035", DISPLAY_CRS, always_xy=True)


@functools.cache
def _to_geographic():
    return Transformer.from_crs(DISPLAY_CRS, "EPSG:4326", always_xy=True)


@functools.cache
def _display_proj() -> Proj:
    return Proj(DISPLAY_CRS)


@functools.cache
def _from_geographic():
    return Transformer.from_crs("EPSG:4326", DISPLAY_CRS, always_xy=True)


def _project(geometry, transformer):
    return shapely.transform(geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def display_geometry(geometry_ea, tolerance_m: float = 0.0):
    """Project EPSG:3035 geometry (scalar or array) to the map's projection, simplified to ``tolerance_m``."""
    out = _project(geometry_ea, _to_display())
    return shapely.simplify(out, tolerance_m) if tolerance_m else out


def lonlat_to_display(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Project longitude/latitude (degrees) to map x/y (metres)."""
    return _from_geographic().transform(np.asarray(lon, float), np.asarray(lat, float))


def _oblast_label(name: str) -> str:
    return "CRIMEA" if "Crimea" in name else name.removesuffix(" Oblast").upper()


@functools.cache
def _base(tolerance_m: float) -> _Base:
    from geo.data import load_layer

    geo = _from_geographic()
    context, admin1 = load_layer("context"), load_layer("admin1")
    settlements, dnieper = load_layer("settlements"), load_layer("dnieper")
    simple = functools.partial(shapely.simplify, tolerance=tolerance_m)
    sea = simple(_project(shapely.union_all(context.loc[context["kind"] == "sea"].geometry.values), geo))
    countries = context.loc[context["kind"] == "country"]
    country_shapes = simple(_project(countries.geometry.values, geo))
    # The context layer is clipped to a box: its straight cut edges are no border and are not drawn.
    x0, y0, x1, y1 = context.total_bounds
    cut = _project(shapely.segmentize(shapely.box(x0, y0, x1, y1).exterior, 0.1), geo)
    country_borders = shapely.difference(shapely.union_all(shapely.boundary(country_shapes)),
                                         shapely.buffer(cut, 3 * tolerance_m + 500))
    units = _project(admin1.geometry.values, geo)
    ukraine = simple(_project(load_layer("country").geometry.iloc[0], geo))
    # Oblast borders drawn once: the units' shared edges, without Ukraine's outline.
    borders = shapely.difference(shapely.union_all(shapely.boundary(simple(units))),
                                 shapely.buffer(shapely.boundary(ukraine), tolerance_m * 2 + 50))
    cities = settlements.loc[settlements["population"] >= CITY_MIN_POPULATION].sort_values(
        "population", ascending=False)
    cx, cy = geo.transform(cities.geometry.x.to_numpy(), cities.geometry.y.to_numpy())
    # Area labels sit on the centre of each unit's largest inscribed circle (its roomiest spot).
    circles = shapely.maximum_inscribed_circle(shapely.simplify(units, 2_000.0), 500.0)
    centres = shapely.get_point(circles, 0)
    # Kyiv city and Sevastopol are labelled as cities, not as units.
    is_city_unit = admin1["iso"].isin(["UA-30", "UA-40"]).to_numpy()
    return _Base(
        sea=sea,
        countries=country_shapes,
        country_borders=country_borders,
        country_iso3=countries["iso3"].to_numpy(),
        ukraine=ukraine,
        admin1_borders=borders,
        dnieper=simple(_project(dnieper.set_index("part").geometry["river"], geo)),
        city_xy=np.column_stack([cx, cy]),
        city_name=cities["name"].to_numpy(),
        city_population=cities["population"].to_numpy(),
        oblast_xy=shapely.get_coordinates(centres)[~is_city_unit],
        oblast_radius=shapely.length(circles)[~is_city_unit],
        oblast_label=np.array([_oblast_label(n) for n in admin1["name"]])[~is_city_unit],
    )


# -- text -------------------------------------------------------------------------------------------------


def line_date_phrase(evaluation) -> str:
    """ "line of contact as of 12 February 2025" for the evaluation's baseline line."""
    return _("line of contact as of {date}").format(date=fmt_date(evaluation.baseline))


def default_subtitle(evaluation) -> str:
    """The default subtitle: the DMZ widths, the date of the line of contact and how areas are measured."""
    dmz = dmz_phrase(evaluation.dmz_ukrainian_side_km, evaluation.dmz_russian_side_km)
    params = [f"{p.label}: {fmt_width(p.default)}{' ' + p.unit if p.unit else ''}"
              for p in getattr(evaluation.scenario, "parameters", None) or ()]
    return "  ·  ".join([dmz, *params, line_date_phrase(evaluation), _("areas equal-area (EPSG:3035)")])


def line_credit(evaluation) -> str:
    """Who drew the line of contact the evaluation is measured against."""
    source = evaluation.metrics.baseline_source
    if source in ("", "borderline"):
        source = _("borderline, from public reporting and DeepStateMap.Live's daily archive")
    return _("line of contact: {source}, as of {date}").format(source=source, date=fmt_date(evaluation.baseline))


def default_credit(evaluation) -> str:
    """The default credit line: data sources (Natural Earth, GeoNames, OCHA) and the control line's source."""
    return f"{_(ATTRIBUTION)}; {line_credit(evaluation)}."


def headline_segments(m: Metrics) -> list[str]:
    """The headline numbers as short phrases: Russian-administered km² and %, population, changes, DMZ."""
    out = [_("Russian-administered: {km2} km² ({pct} % of Ukraine), population {population} ({note})").format(
        km2=area_value(m.russian_administered_km2), pct=decimal(m.russian_administered_pct, 1),
        population=fmt_population(m.population_russian_administered), note=_(POPULATION_NOTE))]
    if m.ceded_by_ukraine_km2 >= 1:
        out.append(_("ceded by Ukraine {km2} km²").format(km2=area_value(m.ceded_by_ukraine_km2)))
    if m.returned_to_ukraine_km2 >= 1:
        out.append(_("returned to Ukraine {km2} km²").format(km2=area_value(m.returned_to_ukraine_km2)))
    if m.dmz_km2 > 0:
        out.append(_("DMZ {km2} km², population {population}").format(
            km2=area_value(m.dmz_km2), population=fmt_population(m.population_dmz)))
    else:
        out.append(_("no DMZ along the line of contact"))
    out.append(_("line of contact {km} km").format(km=decimal(m.contact_line_km)))
    return out


def headline(metrics: Metrics) -> str:
    """The caption line: Russian-administered km² and %, population, DMZ."""
    return "  ·  ".join(headline_segments(metrics))


def wrap_segments(segments: list[str], width: int, max_lines: int, sep: str = "  ·  ") -> str:
    """Join segments with ``sep``, breaking lines between segments (inside one only if it is too long), cut
    to ``max_lines`` with an ellipsis."""
    lines = [""]
    for seg in segments:
        pieces = textwrap.wrap(" ".join(seg.split()), width) or [""]
        head = pieces[0]
        if lines[-1] and len(lines[-1]) + len(sep) + len(head) > width:
            lines.append(head)
        else:
            lines[-1] = f"{lines[-1]}{sep}{head}" if lines[-1] else head
        lines += pieces[1:]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(0, width - 1)].rstrip() + "…"
    return "\n".join(lines)


def provenance(scenario) -> str:
    """Who proposed the scenario, when, and the source."""
    p = scenario.provenance
    return _("Scenario proposed by {who} ({date}). Source: {source}").format(who=p.proposed_by, date=p.date,
                                                                             source=p.source)


def wrap(text: str, width: int, max_lines: int) -> str:
    """Wrap text to ``width`` characters, cut to ``max_lines`` with an ellipsis."""
    lines = textwrap.wrap(" ".join(text.split()), width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(0, width - 1)].rstrip() + "…"
    return "\n".join(lines)


# -- drawing primitives ------------------------------------------------------------------------------------


def rgba(colour: str, alpha: float = 1.0) -> tuple:
    return to_rgba(colour, alpha)


def polygon_path(geometry) -> MplPath | None:
    """A compound matplotlib path of the polygons in ``geometry`` (holes kept), or None if there are none."""
    parts = shapely.get_parts(geometry)
    parts = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
    parts = shapely.get_parts(parts)  # MultiPolygon -> Polygons
    parts = parts[~shapely.is_empty(parts)]
    if len(parts) == 0:
        return None
    # Exteriors counter-clockwise, holes clockwise: holes stay holes under the non-zero fill rule.
    rings = shapely.get_rings(shapely.orient_polygons(parts))
    coords, index = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(coords), MplPath.LINETO, dtype=np.uint8)
    starts = np.r_[0, np.flatnonzero(np.diff(index)) + 1]
    codes[starts] = MplPath.MOVETO
    codes[np.r_[starts[1:] - 1, len(coords) - 1]] = MplPath.CLOSEPOLY
    return MplPath(coords, codes)


def line_segments(geometry) -> list[np.ndarray]:
    """The coordinate arrays of the lines (and polygon rings) in ``geometry``."""
    if geometry is None or shapely.is_empty(geometry):
        return []
    lines = shapely.get_parts(shapely.get_parts(geometry))
    polys = np.isin(shapely.get_type_id(lines), (3,))
    if polys.any():
        lines = np.concatenate([lines[~polys], shapely.get_rings(lines[polys])])
    coords, index = shapely.get_coordinates(lines, return_index=True)
    return np.split(coords, np.flatnonzero(np.diff(index)) + 1) if len(coords) else []


def add_polygons(ax, geometry, style: Style, zorder: float | None = None, edge: bool = True,
                 scale: float = 1.0, layer: str | None = None) -> PathPatch | None:
    """Fill the polygons of ``geometry`` with a style (fill, opacity, hatch, edge, dashes); ``layer`` names
    the SVG group it is drawn in (see :func:`group_layers`)."""
    path = polygon_path(geometry)
    if path is None:
        return None
    patch = PathPatch(
        path, facecolor=rgba(style.fill, style.fill_opacity) if style.fill else "none",
        edgecolor=style.edge if edge and style.line_width else "none", linewidth=style.line_width * scale,
        hatch=style.hatch, hatchcolor=rgba(style.edge, 0.85) if style.hatch else None,
        linestyle=style.mpl_dashes or "solid", zorder=style.z if zorder is None else zorder, joinstyle="round")
    ax.add_patch(patch)
    return tag(patch, layer)


def add_lines(ax, geometry, style: Style, zorder: float | None = None, scale: float = 1.0,
              layer: str | None = None) -> LineCollection | None:
    """Draw the lines of ``geometry`` with a style (colour, width, dashes), in the SVG group ``layer``."""
    segments = line_segments(geometry)
    if not segments:
        return None
    lines = LineCollection(segments, colors=style.edge, linewidths=style.line_width * scale,
                           linestyles=style.mpl_dashes or "solid", zorder=style.z if zorder is None else zorder,
                           capstyle="round", joinstyle="round")
    ax.add_collection(lines, autolim=False)
    return tag(lines, layer)


# -- named layers (SVG groups) -----------------------------------------------------------------------------


def tag(artist, layer: str | None):
    """Mark ``artist`` as part of the named layer ``layer`` (None: no layer); returns the artist."""
    if artist is not None and layer:
        artist._borderline_layer = layer
    return artist


class LayerGroup(Artist):
    """Artists drawn together in one SVG group ``<g id="NAME">``, so a designer finds each layer by name.

    The members keep their own transforms and clipping; they are drawn in z-order inside the group, and
    the group sits at its lowest member's z-order among the axes' other artists."""

    def __init__(self, name: str, members: list):
        super().__init__()
        self.members = sorted(members, key=lambda a: a.get_zorder())  # stable: equal z keeps drawing order
        self.set_gid(name)
        self.set_zorder(self.members[0].get_zorder())

    def get_children(self):
        return list(self.members)

    def draw(self, renderer):
        if not self.get_visible():
            return
        renderer.open_group(self.get_gid(), gid=self.get_gid())
        for artist in self.members:
            artist.draw(renderer)
        renderer.close_group(self.get_gid())
        self.stale = False


def group_layers(ax) -> dict[str, LayerGroup]:
    """Gather the axes' tagged artists into one LayerGroup per layer (in order of first appearance)."""
    groups: dict[str, list] = {}
    keep = []
    for artist in ax._children:  # noqa: SLF001  (the axes' own artist list; regrouped in place)
        name = getattr(artist, "_borderline_layer", None)
        if name:
            groups.setdefault(name, []).append(artist)
        else:
            keep.append(artist)
    ax._children = keep  # noqa: SLF001
    out = {}
    for name, members in groups.items():
        out[name] = LayerGroup(name, members)
        ax.add_artist(out[name])
    return out


def layer_artists(ax, name: str) -> list:
    """The artists of the named layer in ``ax`` (empty if the layer is not drawn)."""
    children = ax._children  # noqa: SLF001
    return next((list(a.members) for a in children if isinstance(a, LayerGroup) and a.get_gid() == name),
                [a for a in children if getattr(a, "_borderline_layer", None) == name])


def legend_handle(style: Style, kind: str):
    """A legend proxy for a style: ``kind`` is "area", "line" or "point"."""
    if kind == "line":
        return Line2D([], [], color=style.edge, linewidth=style.line_width, linestyle=style.mpl_dashes or "solid")
    if kind == "point":
        return Line2D([], [], linestyle="", marker="o", markersize=5, markerfacecolor=style.fill,
                      markeredgecolor=style.edge, markeredgewidth=style.line_width)
    return Patch(facecolor=rgba(style.fill, style.fill_opacity) if style.fill else "none", edgecolor=style.edge,
                 linewidth=style.line_width, hatch=style.hatch, linestyle=style.mpl_dashes or "solid")


# -- extent ----------------------------------------------------------------------------------------------


def parse_extent(value) -> str | tuple[float, float, float, float]:
    """Check an extent: "ukraine", "east-south", or (lon_min, lat_min, lon_max, lat_max) as a tuple or
    a "lon_min,lat_min,lon_max,lat_max" string. Raises ValueError with a one-line message."""
    if isinstance(value, str) and value in ("ukraine", *EXTENTS):
        return value
    if isinstance(value, str):
        try:
            value = tuple(float(v) for v in value.split(","))
        except ValueError:
            value = ()
    try:
        lon0, lat0, lon1, lat1 = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"extent {value!r}: use ukraine, east-south or LON_MIN,LAT_MIN,LON_MAX,LAT_MAX "
                         "(degrees)") from None
    if not (-180 <= lon0 < lon1 <= 180 and -90 <= lat0 < lat1 <= 90):
        raise ValueError(f"extent {value!r}: need lon_min < lon_max and lat_min < lat_max, in degrees")
    if lon1 < 19 or lon0 > 42.5 or lat1 < 42 or lat0 > 54.5 or lon1 - lon0 < 0.05 or lat1 - lat0 < 0.05:
        raise ValueError(f"extent {value!r}: the box must overlap Ukraine and its neighbours (19-42.5 E, "
                         "42-54.5 N) and be at least 0.05 degrees across")
    return (lon0, lat0, lon1, lat1)


def extent_bounds(extent) -> tuple[float, float, float, float]:
    """The map-projection bounds (x0, y0, x1, y1) of an extent, with a small margin."""
    extent = parse_extent(extent)
    if extent == "ukraine":
        x0, y0, x1, y1 = shapely.bounds(_base(150.0).ukraine)
    else:
        lon0, lat0, lon1, lat1 = EXTENTS.get(extent, extent)
        # The box's outline, densified, so the projected bounds contain its curved edges.
        lon = np.r_[np.linspace(lon0, lon1, 20), np.full(20, lon1), np.linspace(lon1, lon0, 20), np.full(20, lon0)]
        lat = np.r_[np.full(20, lat0), np.linspace(lat0, lat1, 20), np.full(20, lat1), np.linspace(lat1, lat0, 20)]
        x, y = lonlat_to_display(lon, lat)
        x0, y0, x1, y1 = x.min(), y.min(), x.max(), y.max()
    pad = 0.025 * max(x1 - x0, y1 - y0)
    return x0 - pad, y0 - pad, x1 + pad, y1 + pad


def fit_box(ax, bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Grow ``bounds`` about its centre to the shape of the axes box, so an equal-aspect map fills it."""
    x0, y0, x1, y1 = bounds
    pos = ax.get_position()
    w_in, h_in = ax.figure.get_size_inches()
    box = (pos.width * w_in) / (pos.height * h_in)
    w, h = x1 - x0, y1 - y0
    if w / h < box:
        w = h * box
    else:
        h = w / box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _tolerance(width_m: float) -> float:
    # About a third of a pixel at 300 dpi on a map ~9 inches wide; three levels keep the cache small.
    for tol in (400.0, 150.0, 50.0):
        if width_m / 2700 / 3 >= tol:
            return tol
    return 20.0


# -- map -------------------------------------------------------------------------------------------------


def check_layers(layers) -> frozenset[str]:
    """The layers to draw: None means all of LAYERS; else an iterable (or comma-separated string) of names,
    each one of LAYERS. Raises ValueError with a one-line message."""
    if layers is None:
        return frozenset(LAYERS)
    items = [x.strip() for x in layers.split(",")] if isinstance(layers, str) else [str(x).strip() for x in layers]
    items = [x for x in items if x]
    unknown = [x for x in items if x not in LAYERS]
    if unknown:
        raise ValueError(f"layer {', '.join(unknown)}: choose from {','.join(LAYERS)}")
    return frozenset(items)


def _zone_style(zone_type: str) -> Style:
    from borderline import style

    try:
        return style.zone_style(zone_type)
    except KeyError:  # a zone type newer than this style table: drawn like a demilitarized zone, named by type
        return Style(zone_type.replace("_", " ").capitalize(), fill="#BBBBBB", edge="#555555", fill_opacity=0.3,
                     line_width=1.0, dash="3 2", hatch="//", z=4)


def draw_map(ax, evaluation, extent="ukraine", *, scale: float = 1.0, labels: bool = True,
             furniture: bool = True, layers=None, reserve: list | None = None) -> list[tuple]:
    """Draw the scenario map into ``ax``: basemap, parts, zones, recognition, lines, cities, sites, labels,
    scale bar and north arrow. Each kind is drawn in its own named layer (an SVG group).

    ``scale`` multiplies font sizes, line widths and markers; ``layers`` (see :func:`check_layers`) picks
    what is drawn; ``labels`` False leaves every name out; ``reserve`` lists display boxes (x0, y0, x1, y1)
    that labels keep clear of (an inset drawn over the map). Returns the legend entries as (handle, label)
    pairs, in reading order. The axes keeps equal aspect and grows the extent to fill its box.
    """
    shown = check_layers(layers)
    x0, y0, x1, y1 = extent_bounds(extent)
    tol = _tolerance(x1 - x0)
    base = _base(tol)
    t = evaluation.territory
    ax.set_facecolor(BASEMAP["country"].fill)  # land outside the context layer reads as neighbouring land
    x0, y0, x1, y1 = fit_box(ax, (x0, y0, x1, y1))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_gid("map")
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
        spine.set_color(BASEMAP["country"].edge)

    add_polygons(ax, base.countries, BASEMAP["country"], edge=False, layer="basemap")
    add_polygons(ax, base.sea, BASEMAP["sea"], edge=False, layer="basemap")
    add_lines(ax, base.country_borders, BASEMAP["country"], scale=scale, layer="basemap")
    add_polygons(ax, base.ukraine, BASEMAP["ukraine"], edge=False, layer="basemap")
    entries = []

    def area(key, geom, style, label):
        if _shows(geom):
            add_polygons(ax, display_geometry(geom, tol), style, scale=scale, layer=key)
            entries.append((legend_handle(style, "area"), label))

    if "russian_administered" in shown:
        area("russian_administered", t.russian_administered, PARTS["russian_administered"],
             _(PARTS["russian_administered"].label))
    if "recognition" in shown:
        for key, geom in recognition_parts(evaluation).items():
            style = recognition_style(key)
            area(f"recognized_{key}", geom, style, _(style.label))
    for layer, key, geom in (("ceded", "ceded_by_ukraine", t.ceded), ("returned", "returned_to_ukraine", t.returned),
                             ("dmz", "dmz_ukrainian_side", evaluation.dmz_ukrainian_side),
                             ("dmz", "dmz_russian_side", evaluation.dmz_russian_side)):
        if layer in shown:
            area(key, geom, PARTS[key], _(PARTS[key].label))
    if "zones" in shown:
        for i, (zone, geom) in enumerate(getattr(evaluation, "zones", t.zones)):
            if _shows(geom):
                style = _zone_style(zone.type)
                patch = add_polygons(ax, display_geometry(geom, tol), style, scale=scale, layer="zones")
                patch.set_gid(f"zone_{i + 1}")
                handle = legend_handle(style, "area")
                handle._borderline_kind = f"zone:{zone.type}"  # one key entry per zone type on small multiples
                kind = _(style.label).lower()
                entries.append((handle, zone.name if zone.name.lower() == kind else f"{zone.name} ({kind})"))

    if "admin1" in shown:
        add_lines(ax, base.admin1_borders, BASEMAP["admin1"], scale=scale, layer="admin1")
    if "dnieper" in shown:
        add_lines(ax, base.dnieper, BASEMAP["dnieper"], scale=scale, layer="dnieper")
    add_lines(ax, shapely.boundary(base.ukraine), BASEMAP["ukraine"], zorder=5.5, scale=scale, layer="state_border")
    changed = (_shows(t.ceded) or _shows(t.returned)) and "baseline_line" in shown
    if changed:
        add_lines(ax, display_geometry(t.baseline_contact_line, tol), PARTS["baseline_line"], scale=scale,
                  layer="baseline_line")
    if "contact_line" in shown and not shapely.is_empty(t.contact_line):
        add_lines(ax, display_geometry(t.contact_line, tol), PARTS["contact_line"], scale=scale, layer="contact_line")
        entries.append((legend_handle(PARTS["contact_line"], "line"), _(PARTS["contact_line"].label)))
    if changed:
        entries.append((tag(legend_handle(PARTS["baseline_line"], "line"), "baseline_line"),
                        f"{_(PARTS['baseline_line'].label)} ({fmt_date(evaluation.baseline)})"))
    if "admin1" in shown:
        entries.append((legend_handle(BASEMAP["admin1"], "line"), _(BASEMAP["admin1"].label)))
    entries.append((legend_handle(BASEMAP["ukraine"], "line"), _("State border of Ukraine")))
    if "dnieper" in shown:
        entries.append((legend_handle(BASEMAP["dnieper"], "line"), _(BASEMAP["dnieper"].label)))

    city = BASEMAP["settlement"]
    radii = 0.5 * scale * np.array([settlement_marker_radius(p) for p in base.city_population])
    if "settlements" in shown:
        tag(ax.scatter(base.city_xy[:, 0], base.city_xy[:, 1], s=(2 * radii) ** 2, c=city.fill, edgecolors=city.edge,
                       linewidths=city.line_width * scale, zorder=city.z), "settlements")
        entries.append((legend_handle(city, "point"),
                        _("City of {n} or more (GeoNames)").format(n=fmt_number(CITY_MIN_POPULATION))))
    sites = site_points(evaluation) if "sites" in shown else []
    if sites:
        xy = np.column_stack(lonlat_to_display([s["lon"] for s in sites], [s["lat"] for s in sites]))
        kinds = {}
        for s, (x, y) in zip(sites, xy):
            s["xy"] = (float(x), float(y))
            st_ = site_style(s["kind"])
            tag(ax.scatter([x], [y], s=(st_.marker_size * scale) ** 2, marker=st_.marker, c=st_.fill,
                           edgecolors=st_.edge, linewidths=st_.line_width * scale, zorder=st_.z), "sites")
            kinds.setdefault(st_.label, st_)
        for label, st_ in kinds.items():
            handle = Line2D([], [], linestyle="", marker=st_.marker, markersize=st_.marker_size * 0.7,
                            markerfacecolor=st_.fill, markeredgecolor=st_.edge, markeredgewidth=st_.line_width)
            entries.append((handle, _(label)))

    ax.apply_aspect()  # fix the final limits before anything is placed in axes or point units
    obstacles = list(reserve or [])
    if furniture:
        obstacles += _furniture(ax, scale)
    if labels and "labels" in shown:
        _place_labels(ax, base, radii, obstacles, scale, cities="settlements" in shown, sites=sites)
    group_layers(ax)
    return entries


def site_points(evaluation) -> list[dict]:
    """The sites the scenario names (its ``[[sites]]``, from the engine's ``Evaluation.sites``), as dicts with
    ``id``, ``name`` (Ukrainian when the language is), ``kind``, ``lon``, ``lat`` (degrees), ``side`` and
    ``status`` (who administers it, or ""). Sites the scenario does not name are left out."""
    from borderline.i18n import language

    named = {s.site for s in getattr(evaluation.scenario, "sites", None) or ()}
    out = []
    for row in getattr(evaluation, "sites", None) or ():
        if row.id not in named:
            continue
        name = (row.name_uk if language() == "uk" and row.name_uk else row.name) or row.id
        out.append({"id": row.id, "name": name, "kind": row.kind, "lon": float(row.lon), "lat": float(row.lat),
                    "side": row.side, "status": row.administered_by or ""})
    return out


def recognition_parts(evaluation) -> dict[str, shapely.Geometry]:
    """The Russian-administered area recognized de jure and de facto under the scenario (EPSG:3035), from
    the engine's ``recognized_de_jure`` / ``recognized_de_facto`` parts; empty without a [recognition]."""
    out = {}
    for p in evaluation.all_parts():
        status = p.key.removeprefix("recognized_")
        if p.key.startswith("recognized_") and status in ("de_jure", "de_facto") and _shows(p.geometry):
            out[status] = p.geometry
    return out


def _shows(geometry) -> bool:
    # Slivers under 1 km² (precision noise of the set operations) are neither drawn nor listed in the key.
    return geometry is not None and not shapely.is_empty(geometry) and shapely.area(geometry) > 1e6


def _canvas(fig):
    return fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)


def _furniture(ax, scale: float) -> list:
    """Scale bar and north arrow in the lower left, on a white box; returns the box (display units) as an
    obstacle for label placement."""
    fig = ax.figure
    renderer = _canvas(fig).get_renderer()
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    ax_w_pt = ax.get_window_extent(renderer).width * 72 / fig.dpi
    per_pt = (x1 - x0) / ax_w_pt  # map metres per point
    # The true scale at the map centre: LCC stretches distances slightly away from its standard parallels.
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    lon, lat = _to_geographic().transform(cx, cy)
    k = _display_proj().get_factors(lon, lat).parallel_scale
    target_km = (x1 - x0) * 0.2 / 1000 / k
    magnitude = 10 ** np.floor(np.log10(target_km))
    length_km = max(s * magnitude for s in (1, 2, 2.5, 5) if s * magnitude <= target_km)
    length = length_km * 1000 * k
    pad = 10 * scale * per_pt
    bx, by = x0 + pad + 6 * scale * per_pt, y0 + pad + 6 * scale * per_pt
    bar_h = 4 * scale * per_pt
    bar = PRINT["scale_bar"]
    artists = []
    for i in range(4):
        artists.append(ax.add_patch(Rectangle((bx + i * length / 4, by), length / 4, bar_h, zorder=20,
                                              facecolor=bar.fill if i % 2 == 0 else "white", edgecolor=bar.edge,
                                              linewidth=bar.line_width * scale)))
    # Tick labels centred over 0 and the middle; the last starts just before the end, so "km" trails it.
    for x, text, ha in ((bx, "0", "center"), (bx + length / 2, f"{length_km / 2:g}", "center"),
                        (bx + length - 3 * scale * per_pt, f"{length_km:g} km", "left")):
        artists.append(ax.text(x, by + bar_h + 2 * scale * per_pt, text, fontsize=6.5 * scale, ha=ha, va="bottom",
                               zorder=20, color=PRINT["text"].edge))
    # North arrow right of the bar, pointing to true north at the map centre (LCC meridians converge).
    nx, ny = lonlat_to_display([lon, lon], [lat, lat + 0.5])
    angle = np.degrees(np.arctan2(nx[1] - nx[0], ny[1] - ny[0]))
    anchor = (bx + length + 34 * scale * per_pt, by + 6 * scale * per_pt)
    inch = mtransforms.Affine2D().scale(scale / 72).rotate_deg(-angle) + ax.figure.dpi_scale_trans + \
        mtransforms.ScaledTranslation(*anchor, ax.transData)
    arrow = PRINT["north_arrow"]
    artists.append(ax.add_patch(Polygon([(0, 14), (-5, -6), (0, -2)], closed=True, transform=inch, zorder=20,
                                        facecolor=arrow.fill, edgecolor=arrow.edge, linewidth=arrow.line_width)))
    artists.append(ax.add_patch(Polygon([(0, 14), (5, -6), (0, -2)], closed=True, transform=inch, zorder=20,
                                        facecolor="white", edgecolor=arrow.edge, linewidth=arrow.line_width)))
    artists.append(ax.text(0, 16, "N", transform=inch, fontsize=8 * scale, fontweight="bold", ha="center",
                           va="bottom", zorder=20, color=arrow.edge))
    for a in artists:
        tag(a, "furniture")
    boxes = [a.get_window_extent(renderer) for a in artists]
    bb = mtransforms.Bbox.union(boxes).padded(4 * scale * fig.dpi / 72)
    box = PRINT["furniture_box"]
    back = mtransforms.Bbox(ax.transData.inverted().transform(bb))
    tag(ax.add_patch(Rectangle((back.x0, back.y0), back.width, back.height, zorder=19,
                               facecolor=rgba(box.fill, box.fill_opacity), edgecolor=box.edge,
                               linewidth=box.line_width)), "furniture")
    return [bb.extents]


def _halo(scale: float):
    halo = PRINT["label_halo"]
    return [patheffects.withStroke(linewidth=halo.line_width * scale, foreground=halo.edge)]


def _place_labels(ax, base: _Base, radii: np.ndarray, obstacles: list, scale: float, cities: bool = True,
                  sites: list | None = None) -> None:
    """Greedy label placement: each label takes the first candidate position that stays inside the axes
    and overlaps no placed label, city or site marker or map furniture; labels that find none are left out.
    Sites are named first, then cities of 500,000 or more, oblasts, other cities, countries and seas."""
    fig = ax.figure
    renderer = _canvas(fig).get_renderer()
    px = fig.dpi / 72
    inside = ax.get_window_extent(renderer)
    xy = ax.transData.transform(base.city_xy)
    in_view = (xy[:, 0] > inside.x0) & (xy[:, 0] < inside.x1) & (xy[:, 1] > inside.y0) & (xy[:, 1] < inside.y1)
    boxes = list(obstacles)
    if cities:
        boxes += [(x - r * px, y - r * px, x + r * px, y + r * px) for (x, y), r in zip(xy[in_view], radii[in_view])]
    sites = [s for s in sites or () if "xy" in s]
    r_site = 4.6 * scale
    for s in sites:
        x, y = ax.transData.transform(s["xy"])
        boxes.append((x - r_site * px, y - r_site * px, x + r_site * px, y + r_site * px))
    placed: list[tuple] = []

    def free(bb) -> bool:
        if bb.x0 < inside.x0 + 2 or bb.x1 > inside.x1 - 2 or bb.y0 < inside.y0 + 2 or bb.y1 > inside.y1 - 2:
            return False
        b = np.asarray(boxes + placed)
        pad = 1.0 * px
        return not np.any((bb.x0 - pad < b[:, 2]) & (bb.x1 + pad > b[:, 0]) & (bb.y0 - pad < b[:, 3])
                          & (bb.y1 + pad > b[:, 1]))

    def place(text, candidates, **kw) -> bool:
        """candidates: (x, y, dx_pt, dy_pt, ha, va) in data coordinates and point offsets."""
        artist = tag(ax.text(0, 0, text, zorder=9, **kw), "labels")
        for x, y, dx, dy, ha, va in candidates:
            artist.set_position((x, y))
            artist.set_transform(ax.transData + mtransforms.ScaledTranslation(dx / 72, dy / 72,
                                                                             fig.dpi_scale_trans))
            artist.set_ha(ha)
            artist.set_va(va)
            bb = artist.get_window_extent(renderer)
            if free(bb):
                placed.append(bb.extents)
                # The halo is a second, path-drawn copy underneath, so the label itself stays selectable text.
                halo = tag(ax.text(x, y, text, zorder=8.9, **{**kw, "color": PRINT["label_halo"].edge}), "labels")
                halo.update({"transform": artist.get_transform(), "ha": ha, "va": va, "path_effects": _halo(scale)})
                return True
        artist.remove()
        return False

    text_colour = PRINT["text"].edge

    def city(i):
        (x, y), r = base.city_xy[i], radii[i]
        o = r + 1.2 * scale + 1.5  # clear of the marker by more than free()'s padding
        d = o * 0.75
        big = base.city_population[i] >= 1_000_000
        place(base.city_name[i], [(x, y, o, 0, "left", "center"), (x, y, -o, 0, "right", "center"),
                                  (x, y, 0, o, "center", "bottom"), (x, y, 0, -o, "center", "top"),
                                  (x, y, d, d, "left", "bottom"), (x, y, -d, d, "right", "bottom"),
                                  (x, y, d, -d, "left", "top"), (x, y, -d, -d, "right", "top")],
              fontsize=(7.5 if big else 6.5) * scale, color=text_colour, fontweight="bold" if big else "normal")

    def oblast(j):
        (x, y), r = base.oblast_xy[j], base.oblast_radius[j]
        shifts = [(0, 0), (0, 0.45), (0, -0.45), (0.45, 0), (-0.45, 0), (0.35, 0.35), (-0.35, -0.35),
                  (0.35, -0.35), (-0.35, 0.35)]
        place(base.oblast_label[j], [(x + sx * r, y + sy * r, 0, 0, "center", "center") for sx, sy in shifts],
              fontsize=6 * scale, color=PRINT["oblast_label"].edge, fontstyle="italic")

    def site(s):
        (x, y), o = s["xy"], r_site + 1.5
        place(s["name"], [(x, y, o, 0, "left", "center"), (x, y, -o, 0, "right", "center"),
                          (x, y, 0, o, "center", "bottom"), (x, y, 0, -o, "center", "top")],
              fontsize=6.5 * scale, color=text_colour, fontstyle="italic", fontweight="bold")

    for s in sites:
        site(s)
    order = np.argsort(-base.city_population, kind="stable") if cities else np.array([], int)
    first = [i for i in order if in_view[i] and base.city_population[i] >= 500_000]
    rest = [i for i in order if in_view[i] and base.city_population[i] < 500_000]
    for i in first:
        city(i)
    for j in np.argsort(-base.oblast_radius, kind="stable"):
        oblast(j)
    for i in rest:
        city(i)
    _place_names(ax, base, place, scale)


def _place_names(ax, base: _Base, place, scale: float) -> None:
    """Names of neighbouring countries and seas, at the first listed anchor that is inside the area."""
    for text, kind, iso3, anchors in PLACE_LABELS:
        if kind == "country":
            area = base.countries[base.country_iso3 == iso3]
            area = area[0] if len(area) else None
        else:
            area = base.sea
        if area is None:
            continue
        candidates = []
        for lon, lat in anchors:
            x, y = lonlat_to_display(lon, lat)
            if shapely.contains_xy(area, float(x), float(y)):
                candidates.append((float(x), float(y), 0, 0, "center", "center"))
        style = PRINT["country_label"] if kind == "country" else PRINT["sea_label"]
        place(_(text), candidates, fontsize=(7 if kind == "country" else 7.5) * scale, color=style.edge,
              fontstyle="normal" if kind == "country" else "italic")


def shows_whole_country(view: tuple[float, float, float, float], share: float = 0.9) -> bool:
    """Whether a map view (display x0, y0, x1, y1) holds at least ``share`` of Ukraine's area: then an inset
    locator would only frame the map itself, and is left out."""
    ukraine = _base(400.0).ukraine
    inside = shapely.area(shapely.intersection(ukraine, shapely.box(*view)))
    return inside >= share * shapely.area(ukraine)


def draw_locator(ax, evaluation, view: tuple[float, float, float, float]) -> None:
    """The inset locator: Ukraine among its neighbours, Russian-administered area, and the main map's extent
    (its red frame). The inset shows all of Ukraine and the whole frame, whichever is larger."""
    base = _base(400.0)
    tol = 2_500.0
    ax.set_gid("locator")
    ax.set_facecolor(BASEMAP["country"].fill)
    add_polygons(ax, shapely.simplify(base.countries, tol), BASEMAP["country"], edge=False)
    add_polygons(ax, shapely.simplify(base.sea, tol), BASEMAP["sea"], edge=False)
    add_lines(ax, shapely.simplify(base.country_borders, tol), BASEMAP["country"], scale=0.5)
    ukraine = shapely.simplify(base.ukraine, tol)
    add_polygons(ax, ukraine, BASEMAP["ukraine"], edge=False)
    ru = evaluation.territory.russian_administered
    if _shows(ru):
        add_polygons(ax, display_geometry(ru, tol), PARTS["russian_administered"], scale=0.4)
    add_lines(ax, shapely.boundary(ukraine), BASEMAP["ukraine"], scale=0.5)
    x0, y0, x1, y1 = shapely.bounds(ukraine)
    pad_x, pad_y = (x1 - x0) * 0.12, (y1 - y0) * 0.12
    vx0, vy0, vx1, vy1 = view
    bounds = (min(x0 - pad_x, vx0 - pad_x / 3), min(y0 - pad_y, vy0 - pad_y / 3),
              max(x1 + pad_x, vx1 + pad_x / 3), max(y1 + pad_y, vy1 + pad_y / 3))
    x0, y0, x1, y1 = fit_box(ax, bounds)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    frame = PRINT["locator_extent"]
    ax.add_patch(Rectangle((vx0, vy0), vx1 - vx0, vy1 - vy0, facecolor="none", edgecolor=frame.edge,
                           linewidth=frame.line_width, zorder=frame.z))
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.5)
        spine.set_color(BASEMAP["country"].edge)


# -- page ------------------------------------------------------------------------------------------------


def page_size(page: str) -> PageSize:
    """The PageSize of a page name (one of PAGES); ValueError with a one-line message otherwise."""
    if page not in PAGES:
        raise ValueError(f"page {page!r}: choose from {', '.join(PAGES)}")
    return PAGES[page]


def page_pixels(page: str = "a4", dpi: float | None = None) -> tuple[int, int]:
    """Pixel size of a page at a resolution (default: the page's own): A4 landscape is 3508 x 2480 at
    300 dpi, the 16:9 slide 4000 x 2250, web 1200 x 800, square 1080 x 1080, story 1080 x 1920."""
    return page_size(page).pixels(dpi)


def _new_figure(page: str, dpi: float | None) -> Figure:
    size = page_size(page)
    dpi = dpi or size.dpi
    w_px, h_px = size.pixels(dpi)
    # A hair over the exact size so that matplotlib's truncation to whole pixels lands on it.
    fig = Figure(figsize=((w_px + 0.01) / dpi, (h_px + 0.01) / dpi), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _height_in(artist) -> float:
    """The height of a drawn artist in inches."""
    fig = artist.figure
    return artist.get_window_extent(_canvas(fig).get_renderer()).height / fig.dpi


def _chars(width_in: float, size_pt: float, bold: bool = False) -> int:
    """About how many characters of DejaVu Sans at ``size_pt`` fit in ``width_in`` inches."""
    return max(10, int(width_in * 72 / (size_pt * (0.64 if bold else 0.57))))


@dataclass
class _Frame:
    """Where a page's map region is, after the header and the footer are set (inches from the lower left)."""

    left: float
    right: float
    bottom: float
    top: float


def page_text(fig, size: PageSize, title: str, subtitle: str, caption: list[str], footer: list[str]) -> _Frame:
    """Title and subtitle at the top, the caption and the footer lines at the bottom, each wrapped to the
    page's width and measured; returns the region left for the map and its key."""
    W, H = fig.get_size_inches()
    s = size.scale
    m = 0.35 * s
    inner = W - 2 * m
    text, muted = PRINT["text"].edge, PRINT["muted_text"].edge
    narrow = size.aspect < 1.3
    y = H - m
    t = fig.text(m / W, y / H, wrap(title, _chars(inner, 17 * s, True), 3 if narrow else 2), fontsize=17 * s,
                 fontweight="bold", color=text, va="top", ha="left", gid="title", linespacing=1.15)
    y -= _height_in(t) + 0.08 * s
    if subtitle:
        t = fig.text(m / W, y / H, wrap(subtitle, _chars(inner, 10 * s), 3 if narrow else 2), fontsize=10 * s,
                     color=muted, va="top", ha="left", gid="subtitle", linespacing=1.25)
        y -= _height_in(t)
    top = y - 0.16 * s
    # The footer leaves an inch on the right free (the report's page number sits there).
    lines = [wrap(line, _chars(inner - 0.9, 6.3 * s), 3) for line in footer if line]
    f = fig.text(m / W, m / H, "\n".join(lines), fontsize=6.3 * s, color=muted, va="bottom", ha="left",
                 linespacing=1.35, gid="credit")
    y = m + _height_in(f) + 0.1 * s
    c = fig.text(m / W, y / H, wrap_segments(caption, _chars(inner, 8.8 * s), 4 if narrow else 3),
                 fontsize=8.8 * s, color=text, va="bottom", ha="left", linespacing=1.3, gid="caption")
    return _Frame(m, W - m, y + _height_in(c) + 0.12 * s, top)


def method_note() -> str:
    """The line on how areas and population are made, for a map's footer."""
    return _("Areas in km² computed in ETRS89-LAEA (EPSG:3035, equal-area); map in a Lambert conformal conic "
             "projection. Population: {note}, not today's population. Made with borderline.").format(
        note=_(POPULATION_NOTE))


def _entry_count(evaluation, shown: frozenset) -> int:
    """About how many entries the map's key will have (to size the key before the map is drawn)."""
    t = evaluation.territory
    n = 2 + sum(k in shown for k in ("admin1", "dnieper", "settlements"))
    n += sum(_shows(g) for g in (t.russian_administered, t.ceded, t.returned, evaluation.dmz_ukrainian_side,
                                 evaluation.dmz_russian_side))
    n += len(getattr(evaluation, "zones", t.zones)) + len(recognition_parts(evaluation))
    n += len({p["kind"] for p in site_points(evaluation)})
    return n


def figure(evaluation, page: str = "a4", extent="ukraine", dpi: float | None = None, *, title: str | None = None,
           subtitle: str | None = None, credit: str | None = None, layers=None) -> Figure:
    """The finished map page: title, subtitle, map, inset locator, key, caption and footer.

    ``page`` is a key of PAGES; landscape pages put the locator and the key in a column on the right,
    square and tall pages put the key under the map and the locator in the map's upper right corner. The
    locator is left out when the map shows the whole country. ``title``, ``subtitle`` and ``credit``
    replace the defaults (scenario title; DMZ, line date and method; data and line sources); an empty
    subtitle leaves it out. ``layers``: see :func:`check_layers`.
    """
    size = page_size(page)
    shown = check_layers(layers)
    fig = _new_figure(page, dpi)
    W, H = fig.get_size_inches()
    s = size.scale
    ev = evaluation
    footer = [credit if credit is not None else default_credit(ev), provenance(ev.scenario), method_note()]
    frame = page_text(fig, size, title if title is not None else ev.scenario.title,
                      default_subtitle(ev) if subtitle is None else subtitle, headline_segments(ev.metrics), footer)
    x0, y0, x1, y1 = extent_bounds(extent)
    whole = shows_whole_country((x0, y0, x1, y1))
    if size.aspect >= 1.3:
        side = min(3.0, max(1.9, 0.235 * W))
        ax = fig.add_axes((frame.left / W, frame.bottom / H, (frame.right - frame.left - side - 0.2 * s) / W,
                           (frame.top - frame.bottom) / H))
        entries = draw_map(ax, ev, extent, scale=s, layers=shown)
        left, legend_top = frame.right - side, frame.top
        if not whole:
            inset_h = min(2.1 * s, (frame.top - frame.bottom) * (0.38 if s >= 1 else 0.3))
            _inset(fig, ax, ev, (left, frame.top - inset_h, side, inset_h), s)
            legend_top = frame.top - inset_h - 0.3 * s
        legend_ax = fig.add_axes((left / W, frame.bottom / H, side / W, (legend_top - frame.bottom) / H))
        ncol, width_chars = 1, int(38 * side / 2.75)
    else:
        ncol = 2
        rows = -(-_entry_count(ev, shown) // ncol)
        legend_h = min(0.45 * (frame.top - frame.bottom), 0.3 * s + rows * 0.2 * s)
        map_w = frame.right - frame.left
        aspect = (x1 - x0) / (y1 - y0)
        map_h = min(frame.top - frame.bottom - legend_h - 0.1, map_w / aspect * 1.6)
        # Height the map does not need is shared out: a third above the map, the rest under the key.
        slack = frame.top - frame.bottom - legend_h - 0.1 - map_h
        frame.top -= slack / 3
        map_bottom = frame.top - map_h
        ax = fig.add_axes((frame.left / W, map_bottom / H, map_w / W, map_h / H))
        reserve = []
        if not whole:
            iw = 0.3 * map_w
            ih = min(iw * 0.9, map_h * 0.35)
            box = _inset_corner(ax, extent, (frame.left, map_bottom, map_w, map_h), iw, ih)
            reserve = [tuple(fig.dpi_scale_trans.transform([(box[0] - 0.05, box[1] - 0.05),
                                                            (box[0] + iw, box[1] + ih)]).ravel())]
        entries = draw_map(ax, ev, extent, scale=s, layers=shown, reserve=reserve)
        if not whole:
            _inset(fig, ax, ev, box, s, note=False)
        legend_ax = fig.add_axes((frame.left / W, frame.bottom / H, map_w / W,
                                  (map_bottom - 0.12 * s - frame.bottom) / H))
        width_chars = int(34 * map_w / ncol / 3.3)
    legend_ax.axis("off")
    legend_ax.set_gid("legend")
    add_legend(legend_ax, entries, fontsize=7.6 * s, width_chars=width_chars, ncol=ncol, title=_("Key"))
    return fig


def _inset_corner(ax, extent, map_box: tuple[float, float, float, float], iw: float, ih: float) -> tuple:
    """The box (left, bottom, width, height, inches) of an inset drawn over the map: the upper right, upper
    left or lower right corner (the scale bar has the lower left), whichever covers the least of Ukraine."""
    left, bottom, w, h = map_box
    x0, y0, x1, y1 = fit_box(ax, extent_bounds(extent))
    ukraine = _base(400.0).ukraine
    pad = 0.06
    corners = [(left + w - iw - pad, bottom + h - ih - pad), (left + pad, bottom + h - ih - pad),
               (left + w - iw - pad, bottom + pad)]

    def covered(corner) -> float:
        cx, cy = corner
        to_x = lambda v: x0 + (v - left) / w * (x1 - x0)  # noqa: E731
        to_y = lambda v: y0 + (v - bottom) / h * (y1 - y0)  # noqa: E731
        return shapely.area(shapely.intersection(ukraine, shapely.box(to_x(cx), to_y(cy), to_x(cx + iw),
                                                                        to_y(cy + ih))))

    best = min(corners, key=covered)  # min keeps the first (upper right) on a tie
    return (*best, iw, ih)


def _inset(fig, ax, ev, box: tuple[float, float, float, float], s: float, note: bool = True) -> None:
    """The locator inset in ``box`` (left, bottom, width, height, inches), framing the main map's view."""
    W, H = fig.get_size_inches()
    left, bottom, w, h = box
    inset = fig.add_axes((left / W, bottom / H, w / W, h / H), zorder=3)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    draw_locator(inset, ev, (x0, y0, x1, y1))
    if note:
        fig.text(left / W, (bottom - 0.05) / H, _("Red frame: area of the main map"), fontsize=6.3 * s,
                 color=PRINT["muted_text"].edge, va="top", ha="left", gid="locator_note")


def add_legend(ax, entries: list[tuple], fontsize: float = 7.6, width_chars: int = 38, ncol: int = 1,
               title: str | None = N_("Key")):
    """The key in an empty axes, shrunk until it fits the axes' height."""
    handles, labels = zip(*entries)
    labels = [wrap(label, width_chars, 3) for label in labels]
    renderer = _canvas(ax.figure).get_renderer()
    room = ax.get_window_extent(renderer).height
    for size in np.arange(fontsize, min(4.9, fontsize * 0.62), -0.3):
        legend = ax.legend(handles, labels, loc="upper left", frameon=False, fontsize=size,
                           title=_(title) if title else None,
                           title_fontsize=size + 0.9, alignment="left", borderaxespad=0, handlelength=2.4,
                           handleheight=1.3, labelspacing=0.75 * size / fontsize, ncol=ncol)
        if legend.get_window_extent(renderer).height <= room:
            break
    return legend


@contextlib.contextmanager
def rendering():
    """The print settings (RC) for building and saving figures, one thread at a time."""
    with _RC_LOCK, matplotlib.rc_context(RC):
        yield


def save(fig: Figure, fmt: str, dpi: float | None = None, metadata: dict | None = None) -> bytes:
    """The figure's bytes in one format (png, svg, pdf), with fonts embedded and text kept as text."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: choose from {', '.join(FORMATS)}")
    meta = {"png": {"Software": "borderline"}, "svg": {"Date": None, "Creator": "borderline"},
            "pdf": {"Creator": "borderline", "Producer": "borderline (matplotlib)", "CreationDate": None}}[fmt]
    meta.update({k: v for k, v in (metadata or {}).items() if fmt != "png" or k in ("Title", "Description")})
    buf = io.BytesIO()
    with rendering():
        fig.savefig(buf, format=fmt, dpi=dpi or fig.dpi, metadata=meta)
    return buf.getvalue()


def render(evaluation, fmt: str = "png", page: str = "a4", extent="ukraine", dpi: float | None = None,
           **options) -> bytes:
    """One scenario's map page as PNG (``dpi``, default the page's: 3508 x 2480 px for A4 at 300 dpi,
    1200 x 800 for web), SVG (named layer groups) or PDF (vectors).

    ``page`` is a key of PAGES; ``extent`` "ukraine", "east-south" or a (lon_min, lat_min, lon_max,
    lat_max) box in degrees; ``options`` are :func:`figure`'s ``title``, ``subtitle``, ``credit``, ``layers``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: choose from {', '.join(FORMATS)}")
    dmz = dmz_phrase(evaluation.dmz_ukrainian_side_km, evaluation.dmz_russian_side_km)
    with rendering():
        fig = figure(evaluation, page, extent, dpi, **options)
        return save(fig, fmt, dpi or page_size(page).dpi,
                    {"Title": f"{options.get('title') or evaluation.scenario.title} ({dmz})"})


# -- small multiples -----------------------------------------------------------------------------------


def _grid(n: int, width: float, height: float, aspect: float, title_h: float) -> tuple[int, int, float]:
    """(columns, rows, panel map width in inches) that make the biggest equal panels of a map of
    ``aspect`` (width/height) in a ``width`` x ``height`` region, each panel with ``title_h`` above it."""
    best = (1, n, 0.0)
    for cols in range(1, n + 1):
        rows = -(-n // cols)
        w = (width - 0.15 * (cols - 1)) / cols
        h = (height - (0.15 + title_h) * rows) / rows
        w = min(w, h * aspect)
        if w > best[2]:
            best = (cols, rows, w)
    return best


def small_multiples_figure(evaluations, page: str = "a4", extent="ukraine", dpi: float | None = None, *,
                           title: str | None = None, subtitle: str | None = None, credit: str | None = None,
                           layers=None, first_number: int = 1, grid_for: int | None = None) -> Figure:
    """N evaluations on one page: one panel per scenario on the same extent and at the same scale, each
    titled with its scenario and the date of its line of contact, and one key for all.

    ``title`` defaults to "N scenarios compared"; ``credit`` to the data sources; ``layers`` as in
    :func:`check_layers` (labels are left out of the panels: they would crowd small maps). Pages of one
    series keep one scale with ``grid_for`` (the panel grid of that many scenarios) and number their panels
    from ``first_number``."""
    evaluations = list(evaluations)
    if not evaluations:
        raise ValueError("small multiples need at least one scenario")
    size = page_size(page)
    shown = check_layers(layers)
    fig = _new_figure(page, dpi)
    W, H = fig.get_size_inches()
    s = size.scale
    n = len(evaluations)
    dates = sorted({ev.baseline for ev in evaluations})
    default_sub = (_("Each map on the same extent and scale; each scenario on its own line of contact ({dates})")
                   .format(dates=", ".join(fmt_date(d) for d in dates)) if len(dates) <= 4 else
                   _("Each map on the same extent and scale; each scenario on the line of contact of its own day, "
                     "dated under its title"))
    footer = [credit if credit is not None else f"{_(ATTRIBUTION)}; "
              + _("lines of contact: borderline, from public reporting and DeepStateMap.Live's daily archive") + ".",
              method_note()]
    frame = page_text(fig, size, title if title is not None else _("{n} scenarios compared").format(n=n),
                      default_sub if subtitle is None else subtitle, [], footer)
    x0, y0, x1, y1 = extent_bounds(extent)
    legend_h = (1.0 if size.aspect >= 1.3 else 1.6) * s
    region_w, region_h = frame.right - frame.left, frame.top - frame.bottom - legend_h
    title_h = 0.5 * s
    cols, rows, panel_w = _grid(max(n, grid_for or 0), region_w, region_h, (x1 - x0) / (y1 - y0), title_h)
    rows = -(-n // cols)
    panel_h = panel_w * (y1 - y0) / (x1 - x0)
    scale = min(1.0, max(0.45, panel_w / 5.0)) * s
    used_w = cols * panel_w + 0.15 * (cols - 1)
    left0 = frame.left + (region_w - used_w) / 2
    if size.aspect < 1.3:  # tall pages: the panels and the key sit in the middle of the free height
        frame.top -= max(0.0, region_h - rows * (panel_h + title_h + 0.15)) / 2
    entries: dict[str, object] = {}
    for k, ev in enumerate(evaluations):
        r, c = divmod(k, cols)
        left = left0 + c * (panel_w + 0.15)
        top = frame.top - r * (panel_h + title_h + 0.15)
        ax = fig.add_axes((left / W, (top - title_h - panel_h) / H, panel_w / W, panel_h / H))
        for handle, label in draw_map(ax, ev, extent, scale=scale, labels=False, furniture=k == 0, layers=shown):
            kind = getattr(handle, "_borderline_kind", None) or getattr(handle, "_borderline_layer", None)
            if kind == "baseline_line":
                label = _("Line of contact on each scenario's baseline date")
            elif kind:
                label = _(_zone_style(kind.removeprefix("zone:")).label)
            entries.setdefault(label, handle)
        ax.set_gid(f"panel_{k + 1}")
        for group in ax._children:  # noqa: SLF001  ids stay unique in the SVG: panel_2_contact_line, ...
            if isinstance(group, LayerGroup):
                group.set_gid(f"panel_{k + 1}_{group.get_gid()}")
        chars = _chars(panel_w, 7.5 * s, True)
        fig.text(left / W, (top - 0.02) / H, wrap(f"{k + first_number}. {ev.scenario.title}", chars, 2),
                 fontsize=7.5 * s,
                 linespacing=1.1,
                 fontweight="bold", color=PRINT["text"].edge, va="top", ha="left", gid=f"panel_{k + 1}_title")
        fig.text(left / W, (top - title_h + 0.03) / H,
                 wrap(_("line of {date}").format(date=fmt_date(ev.baseline)), _chars(panel_w, 6.3 * s), 1),
                 fontsize=6.3 * s, color=PRINT["muted_text"].edge, va="bottom", ha="left",
                 gid=f"panel_{k + 1}_subtitle")
    bottom_of_panels = frame.top - rows * (panel_h + title_h + 0.15)
    legend_ax = fig.add_axes((frame.left / W, frame.bottom / H, region_w / W,
                              max(0.3, bottom_of_panels - frame.bottom) / H))
    legend_ax.axis("off")
    legend_ax.set_gid("legend")
    ncol = 4 if size.aspect >= 1.3 else 2
    add_legend(legend_ax, [(h, lab) for lab, h in entries.items()], fontsize=7.0 * s,
               width_chars=int(region_w / ncol * 11), ncol=ncol, title=_("Key"))
    return fig


def render_small_multiples(evaluations, fmt: str = "png", page: str = "a4", extent="ukraine",
                           dpi: float | None = None, **options) -> bytes:
    """The small-multiples page (see :func:`small_multiples_figure`) as PNG, SVG or PDF bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: choose from {', '.join(FORMATS)}")
    with rendering():
        fig = small_multiples_figure(evaluations, page, extent, dpi, **options)
        return save(fig, fmt, dpi or page_size(page).dpi, {"Title": options.get("title") or "borderline"})
