"""Lines of contact: read the authored files in data/sources/control/ and
turn each into the polygon of Russian-controlled Ukrainian territory.

A line-of-contact file is TOML written by hand (see data/sources/control/):

    date = "2025-02-12"                  # the date the line describes
    title = "..."                        # a human title
    sources = ["...", ...]               # the public sources the line relies on
    notes = "..."                        # optional free text
    [[area]]                             # one or more closed rings
    name = "..."
    note = "..."                         # optional free text
    waypoints = [                        # points ON the line, in order
      { at = "50.35, 37.95", note = "..." },      # latitude, longitude in degrees
      { place = "Dvorichna" },                    # a name from the settlements layer
      { place = "Andriivka", admin1 = "UA-23" },  # admin1 picks one of several
    ]
    follow_dnieper_to_sea = true         # optional, default false
    admin1 = ["UA-43", "UA-40"]          # instead of a ring: whole admin1 units (Crimea and Sevastopol)
    close_via = ["45.9, 31.2", ...]      # points outside Ukraine back to the first waypoint

The ring of an area is its waypoints, then (with follow_dnieper_to_sea) the
Dnieper's course from the point nearest the last waypoint down to the sea,
then the close_via points; it closes back to the first waypoint. The area's
Russian-controlled territory is the ring's interior intersected with Ukraine.

Every problem raises ControlError with one line naming the file, the area
and waypoint (or key) at fault, and what to do about it.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
import shapely.ops
from rapidfuzz import fuzz, process

from geo.crs import length_km, to_equal_area
from geo.places import Gazetteer

TOP_KEYS = ("date", "title", "sources", "notes", "area")
AREA_KEYS = ("name", "note", "waypoints", "follow_dnieper_to_sea", "close_via", "admin1")
WAYPOINT_KEYS = ("at", "place", "admin1", "note")
# Where a line of contact can plausibly be drawn: Ukraine, the Black Sea and
# the Sea of Azov, and the neighbouring parts of Russia (lat, lon in degrees).
THEATRE_LAT = (40.0, 56.0)
THEATRE_LON = (20.0, 45.0)
ADMIN1_CODE = re.compile(r"^UA-\d\d$")
COORDS = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*,\s*([+-]?\d+(?:\.\d+)?)\s*$")
# A closing leg may graze Ukraine where it meets a waypoint on the border.
CLOSE_LEG_TOLERANCE_KM = 1.0
# How far the last waypoint may lie from the Dnieper when the ring follows it.
RIVER_REACH_KM = 15.0


class ControlError(ValueError):
    """A line-of-contact file cannot be read or turned into a polygon.

    The message is one line: file, place in the file, and the fix.
    """


@dataclass(frozen=True)
class Waypoint:
    """A point the line passes through: either coordinates or a settlement name.

    at: (latitude, longitude) in degrees (EPSG:4326), or None.
    place: a settlement name from the settlements layer, or None.
    admin1: ISO 3166-2 code (e.g. "UA-14") that picks one of several places of that name.
    note: free text for the reader.
    """

    at: tuple[float, float] | None = None
    place: str | None = None
    admin1: str | None = None
    note: str | None = None

    def label(self) -> str:
        """How the waypoint reads in messages."""
        if self.place is not None:
            return f"'{self.place}'" + (f" ({self.admin1})" if self.admin1 else "")
        return f"{self.at[0]:g}, {self.at[1]:g}"


@dataclass(frozen=True)
class ControlArea:
    """One closed ring of the line of contact.

    close_via: (latitude, longitude) points in degrees, all outside Ukraine.
    """

    name: str
    waypoints: tuple[Waypoint, ...]
    follow_dnieper_to_sea: bool = False
    close_via: tuple[tuple[float, float], ...] = ()
    note: str | None = None
    admin1: tuple[str, ...] = ()  # or whole admin1 units, within their administrative boundaries


@dataclass(frozen=True)
class ControlSpec:
    """A dated line of contact as written in one TOML file."""

    date: dt.date
    title: str
    sources: tuple[str, ...]
    areas: tuple[ControlArea, ...]
    notes: str | None = None
    path: Path | None = None

    @property
    def where(self) -> str:
        """The file name used in messages."""
        return str(self.path) if self.path is not None else f"control line {self.date.isoformat()}"


# --------------------------------------------------------------------------- reading


def _fail(where: str, what: str) -> ControlError:
    # One short line even when the file holds a megabyte-long value.
    line = " ".join(f"{where}: {what}".split())
    return ControlError(line if len(line) <= 400 else line[:399] + "…")


def _check_keys(where: str, table: dict, allowed: tuple[str, ...], context: str) -> None:
    for key in table:
        if key not in allowed:
            guess = process.extractOne(key, allowed, scorer=fuzz.ratio, score_cutoff=60)
            hint = f" (did you mean {guess[0]}?)" if guess else ""
            raise _fail(where, f"{context}unknown key '{key}'{hint}; allowed keys are {', '.join(allowed)}")


def parse_latlon(text, where: str, context: str) -> tuple[float, float]:
    """Parse "lat, lon" (degrees, EPSG:4326) into a (lat, lon) tuple, or raise ControlError."""
    fix = 'write coordinates as "latitude, longitude" in decimal degrees, e.g. "48.28, 37.18"'
    if isinstance(text, list) and len(text) == 2 and all(isinstance(v, (int, float)) for v in text):
        lat, lon = float(text[0]), float(text[1])
    elif isinstance(text, str) and len(text) < 100 and (m := COORDS.match(text)):
        lat, lon = float(m.group(1)), float(m.group(2))
    else:
        raise _fail(where, f"{context}bad coordinates {text!r}; {fix}")
    if not (THEATRE_LAT[0] <= lat <= THEATRE_LAT[1] and THEATRE_LON[0] <= lon <= THEATRE_LON[1]):
        swapped = THEATRE_LAT[0] <= lon <= THEATRE_LAT[1] and THEATRE_LON[0] <= lat <= THEATRE_LON[1]
        hint = " (latitude and longitude look swapped)" if swapped else ""
        raise _fail(where, f"{context}coordinates {text!r} lie outside the region of Ukraine and its seas{hint}; {fix}")
    return lat, lon


def _parse_waypoint(where: str, raw, context: str) -> Waypoint:
    if isinstance(raw, str):
        # A bare string is a settlement name unless it reads as coordinates.
        raw = {"at": raw} if COORDS.match(raw) else {"place": raw}
    if not isinstance(raw, dict):
        raise _fail(where, f'{context}expected {{ place = "Name" }} or {{ at = "lat, lon" }}, got {raw!r}')
    _check_keys(where, raw, WAYPOINT_KEYS, context)
    if ("at" in raw) == ("place" in raw):
        raise _fail(where, f'{context}give exactly one of place = "Name" or at = "lat, lon"')
    note = raw.get("note")
    if note is not None and not isinstance(note, str):
        raise _fail(where, f"{context}note must be text in quotes")
    if "at" in raw:
        if "admin1" in raw:
            raise _fail(where, f"{context}admin1 only goes with place = ...; remove it from a waypoint given by coordinates")
        return Waypoint(at=parse_latlon(raw["at"], where, context), note=note)
    place = raw["place"]
    if not isinstance(place, str) or not place.strip() or len(place) > 200:
        raise _fail(where, f'{context}place must be a settlement name in quotes, e.g. place = "Siversk"')
    admin1 = raw.get("admin1")
    if admin1 is not None and not (isinstance(admin1, str) and ADMIN1_CODE.fullmatch(admin1)):
        raise _fail(where, f'{context}admin1 {admin1!r} is not an ISO code; write it like admin1 = "UA-14"')
    return Waypoint(place=place.strip(), admin1=admin1, note=note)


def _parse_area(where: str, raw, number: int) -> ControlArea:
    context = f"area {number}: "
    if not isinstance(raw, dict):
        raise _fail(where, f"{context}each area must be a [[area]] table")
    _check_keys(where, raw, AREA_KEYS, context)
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(where, f'{context}missing name; add name = "..." under [[area]]')
    context = f"area {number} ({name}): "
    if "admin1" in raw:
        codes = raw["admin1"]
        if not isinstance(codes, list) or not codes or not all(isinstance(c, str) and ADMIN1_CODE.match(c) for c in codes):
            raise _fail(where, f'{context}admin1 must list ISO codes like ["UA-43", "UA-40"]')
        if "waypoints" in raw or "close_via" in raw:
            raise _fail(where, f"{context}an area is either whole admin1 units or a ring of waypoints, not both")
        return ControlArea(name=name.strip(), waypoints=(), admin1=tuple(codes), note=raw.get("note"))
    waypoints = raw.get("waypoints")
    if not isinstance(waypoints, list) or len(waypoints) < 2:
        raise _fail(where, f"{context}waypoints must list at least 2 points along the line")
    parsed = tuple(_parse_waypoint(where, w, f"{context}waypoint {i}: ") for i, w in enumerate(waypoints, 1))
    follow = raw.get("follow_dnieper_to_sea", False)
    if not isinstance(follow, bool):
        raise _fail(where, f"{context}follow_dnieper_to_sea must be true or false (no quotes)")
    close_via = raw.get("close_via", [])
    if not isinstance(close_via, list):
        raise _fail(where, f'{context}close_via must be a list like ["45.9, 31.2", "44.2, 33.0"]')
    closing = tuple(parse_latlon(p, where, f"{context}close_via point {i}: ") for i, p in enumerate(close_via, 1))
    if len(parsed) + len(closing) + (2 if follow else 0) < 3:
        raise _fail(where, f"{context}a ring needs at least 3 points; add waypoints or close_via points")
    note = raw.get("note")
    if note is not None and not isinstance(note, str):
        raise _fail(where, f"{context}note must be text in quotes")
    return ControlArea(name=name.strip(), waypoints=parsed, follow_dnieper_to_sea=follow,
                       close_via=closing, note=note)


def _parse_date(where: str, value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _fail(where, f'date {value!r} is not a date; write it as date = "YYYY-MM-DD"')


def read_control_spec(path, settlements=None) -> ControlSpec:
    """Read one line-of-contact TOML file into a ControlSpec.

    path: the .toml file.
    settlements: optional settlements GeoDataFrame (see build_control); when
        given, every place name is checked against it now rather than at build.
    Raises ControlError (one line: file, area/waypoint or key, fix).
    """
    path = Path(path)
    where = str(path)
    if path.exists() and not path.is_file():  # a folder, FIFO or device: refuse rather than block
        raise _fail(where, "not a regular file; give the path of a .toml file")
    try:
        with open(path, "rb") as f:
            raw = tomllib.load(f)
    except FileNotFoundError:
        raise _fail(where, "no such file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise _fail(where, f"not valid TOML: {exc}; check quotes, commas and brackets on that line") from None
    _check_keys(where, raw, TOP_KEYS, "")
    for key in ("date", "title", "area"):
        if key not in raw:
            raise _fail(where, f"missing '{key}'; see data/sources/control/ for the format")
    date = _parse_date(where, raw["date"])
    if re.fullmatch(r"\d{4}-\d\d-\d\d", path.stem) and path.stem != date.isoformat():
        raise _fail(where, f"date {date.isoformat()} does not match the file name; rename the file or fix date")
    title = raw["title"]
    if not isinstance(title, str) or not title.strip():
        raise _fail(where, 'title must be text in quotes, e.g. title = "Line of contact on 12 February 2025"')
    sources = raw.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) and s.strip() for s in sources):
        raise _fail(where, 'sources must be a list of texts, e.g. sources = ["ISW daily assessment, 12 Feb 2025"]')
    notes = raw.get("notes")
    if notes is not None and not isinstance(notes, str):
        raise _fail(where, "notes must be text in quotes")
    areas = raw["area"]
    if not isinstance(areas, list) or not areas:
        raise _fail(where, "no [[area]] tables; add at least one [[area]] with name, waypoints and close_via")
    spec = ControlSpec(
        date=date,
        title=title.strip(),
        sources=tuple(s.strip() for s in sources),
        areas=tuple(_parse_area(where, a, i) for i, a in enumerate(areas, 1)),
        notes=notes,
        path=path,
    )
    if settlements is not None:
        _Gazetteer(settlements).resolve_spec(spec)
    return spec


def read_control_dir(folder) -> list[ControlSpec]:
    """Read every *.toml line-of-contact file in folder, sorted by date.

    Raises ControlError for a bad file or for two files with the same date.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ControlError(f"{folder}: no such folder of line-of-contact files")
    specs = sorted((read_control_spec(p) for p in sorted(folder.glob("*.toml"))), key=lambda s: s.date)
    for a, b in zip(specs, specs[1:]):
        if a.date == b.date:
            raise ControlError(f"{b.path}: date {b.date.isoformat()} is also the date of {a.path}; keep one line per date")
    return specs


# --------------------------------------------------------------------------- names


class _Gazetteer:
    """Looks up waypoint names in the settlements layer, with errors that say how to fix the file."""

    def __init__(self, settlements):
        self.index = Gazetteer(settlements)
        self.names = self.index.names
        self.admin1 = settlements["admin1_iso"].astype(str).to_numpy()
        self.lon = shapely.get_x(settlements.geometry.values)
        self.lat = shapely.get_y(settlements.geometry.values)

    def _where(self, i: int) -> str:
        return f"{self.admin1[i]} at {self.lat[i]:.3f}, {self.lon[i]:.3f}"

    def locate(self, wp: Waypoint, where: str, context: str) -> tuple[float, float]:
        """(lon, lat) of the settlement a place waypoint names."""
        hits = self.index.candidates(wp.place)
        if not hits:
            close = self.index.close_matches(wp.place, limit=3)
            hint = f" (did you mean {' or '.join(close)}?)" if close else ""
            raise _fail(where, f"{context}no settlement named '{wp.place}'{hint}; "
                               'use a name from the settlements layer or coordinates at = "lat, lon"')
        if wp.admin1 is not None:
            chosen = [i for i in hits if self.admin1[i] == wp.admin1]
            if not chosen:
                found = ", ".join(sorted({self.admin1[i] for i in hits}))
                raise _fail(where, f"{context}no settlement named '{wp.place}' in {wp.admin1} (there is one in {found}); "
                                   "fix admin1 or use coordinates")
            hits = chosen
        if len(hits) > 1:
            listed = "; ".join(self._where(i) for i in hits[:6])
            if wp.admin1 is None and len({self.admin1[i] for i in hits}) == len(hits):
                fix = 'add admin1 = "UA-.." to pick one'
            else:
                fix = 'use coordinates at = "lat, lon" instead'
            raise _fail(where, f"{context}several settlements are named '{wp.place}' ({listed}); {fix}")
        i = hits[0]
        return float(self.lon[i]), float(self.lat[i])

    def resolve_area(self, spec: ControlSpec, number: int, area: ControlArea) -> np.ndarray:
        """Waypoints of an area as an (n, 2) array of lon, lat."""
        context = f"area {number} ({area.name}): "
        return np.array([
            (wp.at[1], wp.at[0]) if wp.at is not None
            else self.locate(wp, spec.where, f"{context}waypoint {k}: ")
            for k, wp in enumerate(area.waypoints, 1)
        ], dtype=float)

    def resolve_spec(self, spec: ControlSpec) -> list[np.ndarray]:
        return [self.resolve_area(spec, n, a) for n, a in enumerate(spec.areas, 1)]


# --------------------------------------------------------------------------- building


def _dnieper_line(dnieper_course):
    """The course as one LineString running north (Belarus) to south (the sea)."""
    course = dnieper_course
    if hasattr(course, "geometry"):  # a GeoDataFrame or GeoSeries holding the line
        course = shapely.union_all(np.asarray(course.geometry.values))
    if course is not None and course.geom_type == "MultiLineString":
        course = shapely.line_merge(course)
    if course is None or course.geom_type != "LineString":
        raise ControlError("the Dnieper course must be one LineString running from Belarus to the sea")
    ends = shapely.get_coordinates(shapely.boundary(course))
    return course.reverse() if ends[0, 1] < ends[-1, 1] else course


def _river_tail(course, lonlat) -> np.ndarray:
    """Course coordinates (lon, lat) from the point nearest lonlat to the sea end."""
    start = shapely.line_locate_point(course, shapely.points(lonlat))
    tail = shapely.ops.substring(course, start, course.length)
    return shapely.get_coordinates(tail)


def area_rings(spec: ControlSpec, settlements, dnieper_course, ukraine=None) -> list:
    """The closed ring polygon (EPSG:4326) of each area, before cutting to Ukraine.

    Parameters as for build_control; ukraine, when given, is used to check that
    the closing legs through close_via stay outside Ukraine.
    Raises ControlError for unknown names or a ring that is not a valid polygon.
    """
    gazetteer = _Gazetteer(settlements)
    course = _dnieper_line(dnieper_course) if any(a.follow_dnieper_to_sea for a in spec.areas) else None
    rings = []
    for number, area in enumerate(spec.areas, 1):
        if area.admin1:
            continue  # whole units: see build_control
        context = f"area {number} ({area.name}): "
        line = gazetteer.resolve_area(spec, number, area)
        river = _river_tail(course, line[-1]) if area.follow_dnieper_to_sea else np.empty((0, 2))
        if len(river):
            gap = length_km(to_equal_area(shapely.linestrings([line[-1], river[0]])))
            if gap > RIVER_REACH_KM:
                raise _fail(spec.where, f"{context}the last waypoint is {gap:.0f} km from the Dnieper; "
                                        "end the waypoints where the line meets the river, or set follow_dnieper_to_sea = false")
        closing = np.array([(lon, lat) for lat, lon in area.close_via], dtype=float).reshape(-1, 2)
        coords = np.vstack([line, river, closing, line[:1]])
        if ukraine is not None:
            leg_start = river[-1:] if len(river) else line[-1:]
            _check_closing_legs(spec.where, context, np.vstack([leg_start, closing, line[:1]]), ukraine)
        polygon = shapely.polygons(coords)
        if not shapely.is_valid(polygon):
            reason = shapely.is_valid_reason(polygon)
            m = re.search(r"\[([-\d.]+) ([-\d.]+)\]", reason)
            at = f" near {float(m.group(2)):.3f}, {float(m.group(1)):.3f}" if m else ""
            raise _fail(spec.where, f"{context}the ring does not close into a valid polygon ({reason.split('[')[0]}{at}); "
                                    "check the order of the waypoints and close_via points so the ring does not cross itself")
        if shapely.area(polygon) <= 0:
            raise _fail(spec.where, f"{context}the ring encloses no area; add close_via points outside Ukraine")
        rings.append(polygon)
    return rings


def _check_closing_legs(where: str, context: str, points: np.ndarray, ukraine) -> None:
    """Each straight leg from the end of the line through close_via back to the start stays outside Ukraine."""
    legs = shapely.linestrings(np.stack([points[:-1], points[1:]], axis=1))
    inside = length_km(to_equal_area(shapely.intersection(legs, ukraine)))
    bad = np.flatnonzero(inside > CLOSE_LEG_TOLERANCE_KM)
    if bad.size:
        k = int(bad[0])
        (x0, y0), (x1, y1) = points[k], points[k + 1]
        raise _fail(where, f"{context}the closing leg from {y0:.2f}, {x0:.2f} to {y1:.2f}, {x1:.2f} runs "
                           f"{inside[k]:.0f} km through Ukraine; add or move close_via points so it goes round outside Ukraine")


def build_control(spec: ControlSpec, settlements, dnieper_course, ukraine, units: dict | None = None):
    """The Russian-controlled part of Ukraine on spec.date, as a shapely geometry in EPSG:4326.

    spec: a ControlSpec from read_control_spec.
    settlements: GeoDataFrame with columns name, alt_names ("|"-separated),
        admin1_iso and point geometry in EPSG:4326; place waypoints are looked up in it.
    dnieper_course: shapely LineString (EPSG:4326) of the Dnieper from Belarus
        through the estuary into the Black Sea, north to south.
    ukraine: shapely (Multi)Polygon of Ukraine in EPSG:4326.
    units: ISO code → admin1 polygon (EPSG:4326), for areas of whole units.
    Returns the union over areas of (ring polygon ∩ ukraine) and of the whole units, made valid.
    Raises ControlError (one line) for unknown names, bad rings or closing legs through Ukraine.
    """
    ringed = [a for a in spec.areas if not a.admin1]
    rings = np.asarray(area_rings(spec, settlements, dnieper_course, ukraine), dtype=object)
    parts = shapely.make_valid(shapely.intersection(rings, ukraine)) if len(rings) else np.array([], dtype=object)
    whole = []
    for number, area in enumerate(spec.areas, 1):
        for code in area.admin1:
            if units is None or code not in units:
                raise _fail(spec.where, f"area {number} ({area.name}): unknown admin1 unit {code}")
            whole.append(units[code])
    empty = np.flatnonzero(shapely.area(parts) <= 0)
    if empty.size:
        k = spec.areas.index(ringed[int(empty[0])])
        raise _fail(spec.where, f"area {k + 1} ({spec.areas[k].name}): the ring does not overlap Ukraine; "
                                "check its waypoints and close_via points")
    result = shapely.make_valid(shapely.union_all([*parts, *whole]))
    # Keep only the areal part: lines and points can be left where rings touch.
    parts = shapely.get_parts(shapely.get_parts(result))
    return shapely.make_valid(shapely.union_all(parts[shapely.get_type_id(parts) == 3]))
