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
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Polygon, Rectangle
from matplotlib.path import Path as MplPath
from pyproj import Proj, Transformer

from scenarios.metrics import Metrics

from borderline.format import POPULATION_NOTE, dmz_phrase, fmt_date, fmt_number, fmt_population, fmt_width  # noqa: F401
from borderline.style import BASEMAP, PARTS, PRINT, ZONES, Style, settlement_marker_radius

# Lambert conformal conic with standard parallels at 1/6 and 5/6 of Ukraine's latitude range.
DISPLAY_CRS = "+proj=lcc +lat_0=48.5 +lon_0=31.5 +lat_1=45.7 +lat_2=51.1 +ellps=GRS80 +units=m +no_defs"
PAGES = {"a4": (297 / 25.4, 210 / 25.4), "slide": (40 / 3, 7.5)}  # inches: A4 landscape, 16:9 widescreen
FORMATS = ("png", "svg", "pdf")
EXTENTS = {"east-south": (29.5, 44.2, 40.4, 50.7)}  # lon_min, lat_min, lon_max, lat_max; "ukraine" is computed
CITY_MIN_POPULATION = 100_000
ATTRIBUTION = ("Sources: boundaries Natural Earth (public domain); Dnieper traced from WDB II and GSHHG; "
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
    ("RUSSIA", "country", "RUS", [(38.6, 51.4), (41.2, 49.3), (40.2, 45.7)]),
    ("BELARUS", "country", "BLR", [(28.0, 52.3), (30.2, 52.1)]),
    ("POLAND", "country", "POL", [(22.6, 51.4), (22.9, 50.2)]),
    ("ROMANIA", "country", "ROU", [(25.2, 46.6), (27.4, 45.3)]),
    ("MOLDOVA", "country", "MDA", [(28.5, 47.3)]),
    ("HUNGARY", "country", "HUN", [(21.4, 47.6)]),
    ("SLOVAKIA", "country", "SVK", [(21.0, 48.8)]),
    ("Black Sea", "sea", None, [(31.0, 44.2), (33.0, 43.6), (30.6, 45.6)]),
    ("Sea of Azov", "sea", None, [(36.6, 46.1)]),
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


def subtitle(evaluation) -> str:
    """Scenario id, DMZ widths and baseline date, as one line."""
    dmz = dmz_phrase(evaluation.dmz_ukrainian_side_km, evaluation.dmz_russian_side_km)
    return (f"Scenario {evaluation.scenario.id}  ·  {dmz}  ·  "
            f"baseline: line of contact of {fmt_date(evaluation.baseline)}")


def headline_segments(m: Metrics) -> list[str]:
    """The headline numbers as short phrases: Russian-administered km² and %, population, changes, DMZ."""
    out = [f"Russian-administered: {fmt_number(m.russian_administered_km2)} km² "
           f"({m.russian_administered_pct:.1f} % of Ukraine), population "
           f"{fmt_population(m.population_russian_administered)} ({POPULATION_NOTE})"]
    if m.ceded_by_ukraine_km2 >= 1:
        out.append(f"ceded by Ukraine {fmt_number(m.ceded_by_ukraine_km2)} km²")
    if m.returned_to_ukraine_km2 >= 1:
        out.append(f"returned to Ukraine {fmt_number(m.returned_to_ukraine_km2)} km²")
    if m.dmz_km2 > 0:
        out.append(f"DMZ {fmt_number(m.dmz_km2)} km², population {fmt_population(m.population_dmz)}")
    else:
        out.append("no DMZ along the line of contact")
    out.append(f"line of contact {fmt_number(m.contact_line_km)} km")
    return out


def headline(metrics: Metrics) -> str:
    """The caption line: Russian-administered km² and %, population, DMZ."""
    return "  ·  ".join(headline_segments(metrics))


def wrap_segments(segments: list[str], width: int, max_lines: int, sep: str = "  ·  ") -> str:
    """Join segments with ``sep``, breaking lines between segments (inside one only if it is too long)."""
    lines = [""]
    for seg in segments:
        if lines[-1] and len(lines[-1]) + len(sep) + len(seg) > width:
            lines.append(seg)
        else:
            lines[-1] = f"{lines[-1]}{sep}{seg}" if lines[-1] else seg
    return wrap("\n".join(lines), width, max_lines) if any(len(x) > width for x in lines) else \
        "\n".join(lines[:max_lines])


def provenance(scenario) -> str:
    """Who proposed the scenario, when, and the source."""
    p = scenario.provenance
    return f"Scenario proposed by {p.proposed_by} ({p.date}). Source: {p.source}"


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
                 scale: float = 1.0) -> PathPatch | None:
    """Fill the polygons of ``geometry`` with a style (fill, opacity, hatch, edge, dashes)."""
    path = polygon_path(geometry)
    if path is None:
        return None
    patch = PathPatch(
        path, facecolor=rgba(style.fill, style.fill_opacity) if style.fill else "none",
        edgecolor=style.edge if edge and style.line_width else "none", linewidth=style.line_width * scale,
        hatch=style.hatch, hatchcolor=rgba(style.edge, 0.85) if style.hatch else None,
        linestyle=style.mpl_dashes or "solid", zorder=style.z if zorder is None else zorder, joinstyle="round")
    ax.add_patch(patch)
    return patch


def add_lines(ax, geometry, style: Style, zorder: float | None = None, scale: float = 1.0) -> LineCollection | None:
    """Draw the lines of ``geometry`` with a style (colour, width, dashes)."""
    segments = line_segments(geometry)
    if not segments:
        return None
    lines = LineCollection(segments, colors=style.edge, linewidths=style.line_width * scale,
                           linestyles=style.mpl_dashes or "solid", zorder=style.z if zorder is None else zorder,
                           capstyle="round", joinstyle="round")
    ax.add_collection(lines, autolim=False)
    return lines


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


def draw_map(ax, evaluation, extent="ukraine", *, scale: float = 1.0, labels: bool = True,
             furniture: bool = True) -> list[tuple]:
    """Draw the scenario map into ``ax``: basemap, parts, zones, lines, cities, labels, scale bar, north arrow.

    ``scale`` multiplies font sizes, line widths and markers. Returns the legend entries as
    (handle, label) pairs, in reading order. The axes keeps equal aspect and grows the extent to fill
    its box.
    """
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
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
        spine.set_color(BASEMAP["country"].edge)

    add_polygons(ax, base.countries, BASEMAP["country"], edge=False)
    add_polygons(ax, base.sea, BASEMAP["sea"], edge=False)
    add_lines(ax, base.country_borders, BASEMAP["country"], scale=scale)
    add_polygons(ax, base.ukraine, BASEMAP["ukraine"], edge=False)
    entries = []

    if _shows(t.russian_administered):
        add_polygons(ax, display_geometry(t.russian_administered, tol), PARTS["russian_administered"], scale=scale)
        entries.append((legend_handle(PARTS["russian_administered"], "area"), PARTS["russian_administered"].label))
    for key, geom in (("ceded_by_ukraine", t.ceded), ("returned_to_ukraine", t.returned),
                      ("dmz_ukrainian_side", evaluation.dmz_ukrainian_side),
                      ("dmz_russian_side", evaluation.dmz_russian_side)):
        if _shows(geom):
            add_polygons(ax, display_geometry(geom, tol), PARTS[key], scale=scale)
            entries.append((legend_handle(PARTS[key], "area"), PARTS[key].label))
    for zone, geom in t.zones:
        if _shows(geom):
            style = ZONES[zone.type]
            add_polygons(ax, display_geometry(geom, tol), style, scale=scale)
            entries.append((legend_handle(style, "area"), f"{zone.name} ({style.label.lower()})"))

    add_lines(ax, base.admin1_borders, BASEMAP["admin1"], scale=scale)
    add_lines(ax, base.dnieper, BASEMAP["dnieper"], scale=scale)
    add_lines(ax, shapely.boundary(base.ukraine), BASEMAP["ukraine"], zorder=5.5, scale=scale)
    changed = _shows(t.ceded) or _shows(t.returned)
    if changed:
        add_lines(ax, display_geometry(t.baseline_contact_line, tol), PARTS["baseline_line"],
                  scale=scale)
    if not shapely.is_empty(t.contact_line):
        add_lines(ax, display_geometry(t.contact_line, tol), PARTS["contact_line"], scale=scale)
        entries.append((legend_handle(PARTS["contact_line"], "line"), PARTS["contact_line"].label))
    if changed:
        entries.append((legend_handle(PARTS["baseline_line"], "line"),
                        f"{PARTS['baseline_line'].label} ({fmt_date(evaluation.baseline)})"))
    entries += [(legend_handle(BASEMAP["admin1"], "line"), BASEMAP["admin1"].label),
                (legend_handle(BASEMAP["ukraine"], "line"), "State border of Ukraine"),
                (legend_handle(BASEMAP["dnieper"], "line"), BASEMAP["dnieper"].label)]

    city = BASEMAP["settlement"]
    radii = 0.5 * scale * np.array([settlement_marker_radius(p) for p in base.city_population])
    ax.scatter(base.city_xy[:, 0], base.city_xy[:, 1], s=(2 * radii) ** 2, c=city.fill, edgecolors=city.edge,
               linewidths=city.line_width * scale, zorder=city.z)
    entries.append((legend_handle(city, "point"), f"City of {CITY_MIN_POPULATION:,} or more (GeoNames)"))

    ax.apply_aspect()  # fix the final limits before anything is placed in axes or point units
    obstacles = []
    if furniture:
        obstacles += _furniture(ax, scale)
    if labels:
        _place_labels(ax, base, radii, obstacles, scale)
    return entries


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
    boxes = [a.get_window_extent(renderer) for a in artists]
    bb = mtransforms.Bbox.union(boxes).padded(4 * scale * fig.dpi / 72)
    box = PRINT["furniture_box"]
    back = mtransforms.Bbox(ax.transData.inverted().transform(bb))
    ax.add_patch(Rectangle((back.x0, back.y0), back.width, back.height, zorder=19,
                           facecolor=rgba(box.fill, box.fill_opacity), edgecolor=box.edge,
                           linewidth=box.line_width))
    return [bb.extents]


def _halo(scale: float):
    halo = PRINT["label_halo"]
    return [patheffects.withStroke(linewidth=halo.line_width * scale, foreground=halo.edge)]


def _place_labels(ax, base: _Base, radii: np.ndarray, obstacles: list, scale: float) -> None:
    """Greedy label placement: each label takes the first candidate position that stays inside the axes
    and overlaps no placed label, city marker or map furniture; labels that find none are left out."""
    fig = ax.figure
    renderer = _canvas(fig).get_renderer()
    px = fig.dpi / 72
    inside = ax.get_window_extent(renderer)
    xy = ax.transData.transform(base.city_xy)
    in_view = (xy[:, 0] > inside.x0) & (xy[:, 0] < inside.x1) & (xy[:, 1] > inside.y0) & (xy[:, 1] < inside.y1)
    boxes = list(obstacles)
    boxes += [(x - r * px, y - r * px, x + r * px, y + r * px) for (x, y), r in zip(xy[in_view], radii[in_view])]
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
        artist = ax.text(0, 0, text, zorder=9, **kw)
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
                halo = ax.text(x, y, text, zorder=8.9, **{**kw, "color": PRINT["label_halo"].edge})
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

    order = np.argsort(-base.city_population, kind="stable")
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
        place(text, candidates, fontsize=(7 if kind == "country" else 7.5) * scale, color=style.edge,
              fontstyle="normal" if kind == "country" else "italic")


def draw_locator(ax, evaluation, view: tuple[float, float, float, float]) -> None:
    """The inset locator: Ukraine among its neighbours, Russian-administered area, and the main map's extent."""
    base = _base(400.0)
    tol = 2_500.0
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
    pad_x, pad_y = (x1 - x0) * 0.35, (y1 - y0) * 0.35
    x0, y0, x1, y1 = fit_box(ax, (x0 - pad_x, y0 - pad_y, x1 + pad_x, y1 + pad_y))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    frame = PRINT["locator_extent"]
    vx0, vy0, vx1, vy1 = view
    ax.add_patch(Rectangle((vx0, vy0), vx1 - vx0, vy1 - vy0, facecolor="none", edgecolor=frame.edge,
                           linewidth=frame.line_width, zorder=frame.z))
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.5)
        spine.set_color(BASEMAP["country"].edge)


# -- page ------------------------------------------------------------------------------------------------


def page_pixels(page: str = "a4", dpi: float = 300) -> tuple[int, int]:
    """Pixel size of a page at a resolution: A4 landscape is 3508 x 2480 at 300 dpi, the 16:9 slide
    4000 x 2250."""
    if page not in PAGES:
        raise ValueError(f"page {page!r}: choose from {', '.join(PAGES)}")
    w, h = PAGES[page]
    return round(w * dpi), round(h * dpi)


def figure(evaluation, page: str = "a4", extent="ukraine", dpi: float = 300) -> Figure:
    """The finished map page: title, subtitle, map, inset locator, legend, caption and footer."""
    w_px, h_px = page_pixels(page, dpi)
    # A hair over the exact size so that matplotlib's truncation to whole pixels lands on it.
    fig = Figure(figsize=((w_px + 0.01) / dpi, (h_px + 0.01) / dpi), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    W, H = fig.get_size_inches()
    m = 0.35  # margin, inches
    side = 2.75 if page == "a4" else 3.0  # right column: locator and legend
    text, muted = PRINT["text"].edge, PRINT["muted_text"].edge
    ev, metrics = evaluation, evaluation.metrics

    fig.text(m / W, 1 - m / H, wrap(ev.scenario.title, int((W - 2 * m) * 72 / 9.5), 1), fontsize=17,
             fontweight="bold", color=text, va="top", ha="left")
    fig.text(m / W, 1 - (m + 0.36) / H, subtitle(ev), fontsize=10, color=muted, va="top", ha="left")

    footer_lines = [ATTRIBUTION + f"; line of contact: {ev.metrics.baseline_source}, as of {fmt_date(ev.baseline)}.",
                    wrap(provenance(ev.scenario), int((W - 2 * m) * 72 / 3.6), 2),
                    "Areas in km² computed in ETRS89-LAEA (EPSG:3035, equal-area); map in a Lambert conformal conic "
                    f"projection. Population: {POPULATION_NOTE}, not today's population. Made with borderline."]
    footer = "\n".join(footer_lines)
    n_footer = footer.count("\n") + 1
    foot_h = n_footer * 0.115
    fig.text(m / W, m / H, footer, fontsize=6.3, color=muted, va="bottom", ha="left", linespacing=1.35)
    caption = wrap_segments(headline_segments(metrics), int((W - 2 * m) * 72 / 4.9), 2)
    cap_lines = caption.count("\n") + 1
    cap_y = m + foot_h + 0.12
    fig.text(m / W, cap_y / H, caption, fontsize=8.8, color=text, va="bottom", ha="left", linespacing=1.3)

    top = H - m - 0.62
    bottom = cap_y + cap_lines * 0.16 + 0.1
    map_w = W - 2 * m - side - 0.2
    ax = fig.add_axes((m / W, bottom / H, map_w / W, (top - bottom) / H))
    entries = draw_map(ax, ev, extent)

    inset_h = min(2.1, (top - bottom) * 0.38)
    left = (W - m - side) / W
    inset = fig.add_axes((left, (top - inset_h) / H, side / W, inset_h / H))
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    draw_locator(inset, ev, (x0, y0, x1, y1))
    fig.text(left, (top - inset_h - 0.05) / H, "Red frame: area of the main map", fontsize=6.3, color=muted,
             va="top", ha="left")
    handles, labels = zip(*entries)
    legend_ax = fig.add_axes((left, bottom / H, side / W, (top - inset_h - 0.3 - bottom) / H))
    legend_ax.axis("off")
    add_legend(legend_ax, entries, fontsize=7.6, width_chars=38)
    return fig


def add_legend(ax, entries: list[tuple], fontsize: float = 7.6, width_chars: int = 38, ncol: int = 1,
               title: str | None = "Key"):
    """The key in an empty axes, shrunk until it fits the axes' height."""
    handles, labels = zip(*entries)
    labels = [wrap(label, width_chars, 3) for label in labels]
    renderer = _canvas(ax.figure).get_renderer()
    room = ax.get_window_extent(renderer).height
    for size in np.arange(fontsize, 4.9, -0.4):
        legend = ax.legend(handles, labels, loc="upper left", frameon=False, fontsize=size, title=title,
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


def render(evaluation, fmt: str = "png", page: str = "a4", extent="ukraine", dpi: float = 300) -> bytes:
    """One scenario's map page as PNG (``dpi``; 3508 x 2480 px for A4 at 300 dpi), SVG or PDF (vectors).

    ``page`` is "a4" (landscape) or "slide" (16:9); ``extent`` is "ukraine", "east-south" or a
    (lon_min, lat_min, lon_max, lat_max) box in degrees.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: choose from {', '.join(FORMATS)}")
    dmz = dmz_phrase(evaluation.dmz_ukrainian_side_km, evaluation.dmz_russian_side_km)
    with rendering():
        fig = figure(evaluation, page, extent, dpi)
        return save(fig, fmt, dpi, {"Title": f"{evaluation.scenario.title} ({dmz})"})
