"""The Dnieper from the Belarusian border to the sea, and the two banks.

No single registry source carries the river both continuously and precisely,
so the course is traced as the least-cost path over a 100 m grid (ETRS89-LAEA)
inside a corridor around Natural Earth's 1:50m Dnieper: cells on a WDB II
river line are cheapest, cells inside a GSHHG or Natural Earth reservoir cost
more near the shore than in the middle (so the path keeps to the middle of the
Kyiv, Kremenchuk, Kamianske, Dnipro and former Kakhovka reservoirs), and dry
land costs most. Beyond the mouth the path runs on through the Dnieper-Bug
estuary into the Black Sea, which lets it cut Ukraine into exactly two banks.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import shapely
import shapely.ops
from rasterio.features import rasterize
from rasterio.transform import from_origin
from scipy.ndimage import distance_transform_edt
from skimage.graph import MCP_Geometric

from geo.crs import to_equal_area, to_geographic

CELL_M = 100.0
CORRIDOR_M = 8_000.0
NEAR_NE_M = 3_000.0
LAND_COST = 60.0
RIVER_COST = 0.3
REACH_COST = 0.05
# Around a typed reach the sources are the misplaced ones: within this distance (flat-ended, so the
# reach's ends lie on the edge) every other cell costs as much as dry land.
REACH_OVERRIDE_M = 2_500.0
# Where the path starts (on Natural Earth's Dnieper inside Belarus) and ends (open Black Sea).
START_LONLAT = (30.50, 51.45)
SEA_LONLAT = (31.05, 46.05)
# Open water west of the Kinburn spit, between the estuary and the sea point.
SEA_BOX_LONLAT = (30.95, 45.98, 32.75, 46.80)
BBOX_LONLAT = (29.5, 45.9, 36.0, 52.0)


def read_reaches(path: Path) -> list:
    """Typed main-channel polylines (EPSG:4326 LineStrings, upstream first) from channel.toml."""
    with open(path, "rb") as f:
        reaches = tomllib.load(f)["reach"]
    lines = []
    for r in reaches:
        latlon = [tuple(float(v) for v in p.split(",")) for p in r["points"]]
        if len(latlon) < 2 or not r.get("source"):
            raise ValueError(f"{path}: reach {r.get('name')!r} needs two or more points and a source")
        lines.append(shapely.LineString([(lon, lat) for lat, lon in latlon]))
    return lines


def border_reaches(unit_lonlat, neighbours_lonlat, water_lonlat, min_km: float = 3.0) -> list:
    """The borders of one unit with its neighbours that run inside a water body (EPSG:4326 LineStrings).

    Natural Earth draws Dnipropetrovsk oblast's border with Zaporizhzhia oblast along
    the middle of the former Kakhovka reservoir; the course follows that border
    exactly, so the banks, the units and any area bounded by the river share one
    line and leave no sliver between them.
    """
    unit = to_equal_area(unit_lonlat)
    water = shapely.buffer(to_equal_area(water_lonlat), 300.0)
    shared = shapely.intersection(shapely.boundary(unit), shapely.boundary(to_equal_area(np.asarray(neighbours_lonlat))))
    inside = shapely.line_merge(shapely.union_all(shapely.intersection(shared, water)))
    parts = [g for g in shapely.get_parts(inside) if g.geom_type == "LineString" and g.length >= min_km * 1e3]
    return [to_geographic(g) for g in parts]


def splice(course_lonlat, exact_lonlat):
    """The course with the stretch between the ends of ``exact_lonlat`` replaced by that line (EPSG:4326)."""
    ends = shapely.line_locate_point(course_lonlat, shapely.points(np.asarray(exact_lonlat.coords)[[0, -1]]))
    exact = exact_lonlat if ends[0] <= ends[1] else exact_lonlat.reverse()
    before = shapely.ops.substring(course_lonlat, 0, ends.min())
    after = shapely.ops.substring(course_lonlat, ends.max(), course_lonlat.length)
    return shapely.LineString(np.vstack([np.asarray(before.coords), np.asarray(exact.coords), np.asarray(after.coords)]))


def chain_pieces(multiline):
    """Join river pieces into one line from north to south, bridging gaps straight.

    Natural Earth's 1:50m Dnieper breaks off at several reservoirs; the
    bridges only steer the corridor, the traced path decides the course.
    """
    pieces = [np.asarray(p.coords) for p in shapely.get_parts(multiline)]
    start = max(range(len(pieces)), key=lambda i: max(pieces[i][0, 1], pieces[i][-1, 1]))
    first = pieces.pop(start)
    chain = [first if first[0, 1] >= first[-1, 1] else first[::-1]]
    while pieces:
        end = chain[-1][-1]
        gaps = [min(np.hypot(*(p[0] - end)), np.hypot(*(p[-1] - end))) for p in pieces]
        nxt = pieces.pop(int(np.argmin(gaps)))
        chain.append(nxt if np.hypot(*(nxt[0] - end)) <= np.hypot(*(nxt[-1] - end)) else nxt[::-1])
    return shapely.LineString(np.vstack(chain))


def _corridor(ne_dnieper, wdb_rivers, lakes, sea_box):
    """Corridor (EPSG:3035) the path may use: around the NE course, its reservoirs and the sea box."""
    near = shapely.buffer(ne_dnieper, NEAR_NE_M)
    lakes_on_river = lakes[shapely.intersects(lakes, shapely.buffer(ne_dnieper, CORRIDOR_M))]
    rivers_on_course = shapely.intersection(wdb_rivers, near)
    parts = [shapely.buffer(ne_dnieper, CORRIDOR_M), *shapely.buffer(lakes_on_river, 2_000.0),
             *shapely.buffer(rivers_on_course, 2_000.0), sea_box]
    return shapely.union_all(parts), lakes_on_river, rivers_on_course


def trace_course(ne_dnieper_lonlat, wdb_rivers_lonlat, lakes_lonlat, ukraine_land_lonlat, land_around_lonlat,
                 reaches_lonlat=()):
    """Trace the Dnieper as a LineString in EPSG:4326, from Belarus into the Black Sea.

    Parameters are geometries in EPSG:4326: Natural Earth's Dnieper, WDB II river
    segments, lake polygons (GSHHG level 2 and Natural Earth), Ukraine's land,
    the neighbours' land (everything else in the sea box counts as water) and the
    typed main-channel reaches the path must follow.
    """
    ne = to_equal_area(chain_pieces(ne_dnieper_lonlat))
    rivers = to_equal_area(np.asarray(wdb_rivers_lonlat))
    lakes = to_equal_area(np.asarray(lakes_lonlat))
    land = to_equal_area(shapely.union_all([ukraine_land_lonlat, land_around_lonlat]))
    sea_box = to_equal_area(shapely.box(*SEA_BOX_LONLAT).segmentize(0.05))
    sea = shapely.difference(sea_box, land)
    corridor, lakes, rivers = _corridor(ne, rivers, lakes, sea_box)
    reaches = to_equal_area(np.asarray(list(reaches_lonlat), dtype=object))
    if len(reaches):
        reach_zone = shapely.union_all(shapely.buffer(reaches, REACH_OVERRIDE_M, cap_style="flat"))
        corridor = shapely.union(corridor, reach_zone)

    xmin, ymin, xmax, ymax = corridor.bounds
    width, height = int((xmax - xmin) // CELL_M) + 3, int((ymax - ymin) // CELL_M) + 3
    transform = from_origin(xmin - CELL_M, ymax + CELL_M, CELL_M, CELL_M)
    shape = (height, width)

    inside = rasterize([corridor], out_shape=shape, transform=transform, dtype="uint8").astype(bool)
    water = rasterize([*lakes, sea], out_shape=shape, transform=transform, dtype="uint8").astype(bool)
    on_river = rasterize([g for g in rivers if not g.is_empty], out_shape=shape, transform=transform,
                         all_touched=True, dtype="uint8").astype(bool)

    # Inside water, cost falls with distance from the shore so the path keeps to the middle.
    shore_m = distance_transform_edt(water) * CELL_M
    cost = np.full(shape, LAND_COST)
    cost[water] = 1.0 + 20.0 / (1.0 + shore_m[water] / 150.0)
    cost[on_river] = np.minimum(cost[on_river], RIVER_COST)
    if len(reaches):
        cost[rasterize([reach_zone], out_shape=shape, transform=transform, dtype="uint8").astype(bool)] = LAND_COST
        on_reach = rasterize(list(reaches), out_shape=shape, transform=transform, all_touched=True,
                             dtype="uint8").astype(bool)
        cost[on_reach] = REACH_COST
    cost[~inside] = -1.0  # impassable

    def cell(lonlat):
        x, y = to_equal_area(shapely.Point(lonlat)).coords[0]
        return int((transform.f - y) // CELL_M), int((x - transform.c) // CELL_M)

    mcp = MCP_Geometric(cost, fully_connected=True)
    mcp.find_costs([cell(START_LONLAT)], [cell(SEA_LONLAT)])
    path = np.asarray(mcp.traceback(cell(SEA_LONLAT)))
    xs = transform.c + (path[:, 1] + 0.5) * CELL_M
    ys = transform.f - (path[:, 0] + 0.5) * CELL_M
    line = shapely.simplify(shapely.LineString(np.column_stack([xs, ys])), CELL_M * 0.75)
    return to_geographic(line)


def river_in_ukraine(course_lonlat, ukraine_land_lonlat, mouth_lonlat):
    """The part of the traced course from the Belarusian border to the mouth (EPSG:4326)."""
    crossings = shapely.get_parts(shapely.extract_unique_points(
        shapely.intersection(course_lonlat, shapely.boundary(ukraine_land_lonlat))))
    entry = shapely.line_locate_point(course_lonlat, crossings).min()
    mouth = shapely.line_locate_point(course_lonlat, shapely.Point(mouth_lonlat))
    return shapely.ops.substring(course_lonlat, entry, mouth)


def split_banks(course_lonlat, ukraine_lonlat):
    """Right (west) and left (east) bank polygons that partition Ukraine exactly."""
    coords = np.asarray(course_lonlat.coords)
    (x0, y0), (x1, y1) = coords[0], coords[-1]
    # Close the course round the west through Belarus, Poland and the sea, well clear of Ukraine.
    west_ring = np.vstack([coords, [[x1, 43.0], [15.0, 43.0], [15.0, 55.0], [x0, 55.0], [x0, y0]]])
    west = shapely.make_valid(shapely.Polygon(west_ring))
    right = shapely.make_valid(shapely.intersection(ukraine_lonlat, west, grid_size=1e-7))
    left = shapely.make_valid(shapely.difference(ukraine_lonlat, right, grid_size=1e-7))
    return right, left
