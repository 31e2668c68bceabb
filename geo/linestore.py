"""Where imported lines of contact are kept: one interface, a file store by default.

A line store holds, per source (``deepstate``, ``isw``…), one Russian-administered
area a day. The engine reads it through :func:`current` (``geo.lines``); imports
write a whole batch of days through it. The file store keeps one GeoJSON file a day
in ``$BORDERLINE_HOME/control/<source>/<YYYY-MM-DD>.geojson``; a team store
(PostgreSQL/PostGIS, ``borderline.store``) is installed with :func:`use`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import shapely
from shapely.geometry import mapping, shape

from geo.crs import to_equal_area
from geo.errors import ImportRefused
from geo.fs import user_data_dir, write_atomic

SOURCE_NAME = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
COORD_GRID_DEG = 1e-6  # ≈ 0.1 m: the precision a stored line keeps


@dataclass(frozen=True)
class ImportedLine:
    """One stored day: its source, day, where it is kept and the file it came from."""

    source: str
    day: str
    path: Path | str
    imported_from: str


class LineStore(Protocol):
    """The lines of contact a user imported: read by the engine, written by imports."""

    def days(self) -> dict[str, list[str]]:
        """Every source with its days, sorted."""

    def area(self, source: str, day: str) -> shapely.Geometry:
        """The Russian-administered area of ``source`` on ``day`` (a day it has), EPSG:3035."""

    def signature(self, source: str, day: str) -> str:
        """What identifies the content of a stored day (for caches)."""

    def stamp(self) -> str:
        """A text that changes whenever a day is added, replaced or removed."""

    def where(self, source: str) -> str:
        """Where a source's days are kept, for messages (a folder, or a database)."""

    def write(self, source: str, areas: dict[str, shapely.Geometry], imported_from: str,
              replace: bool = False) -> list[ImportedLine]:
        """Store a batch of days (EPSG:4326 polygons, already checked), all or nothing; a day the source already
        has is refused unless ``replace``."""


def refuse_clash(source: str, days, existing, replace: bool) -> None:
    """ImportRefused when a day of ``days`` is among ``existing`` ones and ``replace`` was not asked for."""
    clash = sorted(set(days) & set(existing))
    if clash and not replace:
        raise ImportRefused(f"{source}:{clash[0]}: already imported ({len(clash)} day(s) in all); add --replace "
                            "(in the app: tick 'Replace days') to replace them")


def control_home() -> Path:
    """The folder of imported lines: control/ in the user data folder ($BORDERLINE_HOME)."""
    return user_data_dir() / "control"


def feature_collection(source: str, day: str, area_lonlat: shapely.Geometry, imported_from: str) -> dict:
    """A stored day as GeoJSON: one feature, its source, day, origin and time of import."""
    return {"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": mapping(shapely.set_precision(area_lonlat, COORD_GRID_DEG)),
        "properties": {"source": source, "date": day, "imported_from": imported_from,
                       "imported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}}]}


class FileLineStore:
    """Imported lines as files: ``<home>/<source>/<YYYY-MM-DD>.geojson``, each written atomically."""

    def __init__(self, home: str | Path | None = None):
        self._home = Path(home) if home is not None else None

    @property
    def home(self) -> Path:
        # Read $BORDERLINE_HOME when asked, not when made: tests and the app change it.
        return self._home if self._home is not None else control_home()

    def _path(self, source: str, day: str) -> Path:
        return self.home / source / f"{day}.geojson"

    def days(self) -> dict[str, list[str]]:
        root = self.home
        if not root.is_dir():
            return {}
        out = {}
        for folder in sorted(p for p in root.iterdir() if p.is_dir() and SOURCE_NAME.fullmatch(p.name)):
            days = sorted(f.stem for f in folder.glob("*.geojson") if DAY_FILE.fullmatch(f.stem))
            if days:
                out[folder.name] = days
        return out

    def area(self, source: str, day: str) -> shapely.Geometry:
        path = self._path(source, day)
        stat = path.stat()
        return _read_area(str(path), stat.st_mtime_ns, stat.st_size)

    def signature(self, source: str, day: str) -> str:
        stat = self._path(source, day).stat()
        return f"{stat.st_mtime_ns}:{stat.st_size}"

    def stamp(self) -> str:
        root = self.home
        if not root.is_dir():
            return ""
        return ";".join(f"{p.name}:{p.stat().st_mtime_ns}" for p in sorted(root.iterdir()) if p.is_dir())

    def where(self, source: str) -> str:
        return str(self.home / source)

    def write(self, source: str, areas: dict[str, shapely.Geometry], imported_from: str,
              replace: bool = False) -> list[ImportedLine]:
        folder = self.home / source
        refuse_clash(source, areas, self.days().get(source, []), replace)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for day, geom in areas.items():
            target = folder / f"{day}.geojson"
            doc = feature_collection(source, day, geom, imported_from)
            write_atomic(target, json.dumps(doc, separators=(",", ":")))
            written.append(ImportedLine(source, day, target, imported_from))
        return written


@functools.lru_cache(maxsize=64)
def _read_area(path: str, mtime_ns: int, size: int) -> shapely.Geometry:
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    geom = to_equal_area(shape(doc["features"][0]["geometry"]))
    shapely.prepare(geom)
    return geom


_CURRENT: list[LineStore] = [FileLineStore()]


def current() -> LineStore:
    """The line store in use: the file store under $BORDERLINE_HOME unless another was installed."""
    return _CURRENT[0]


def use(store: LineStore) -> LineStore:
    """Install ``store`` as the line store in use; returns the one it replaces."""
    previous, _CURRENT[0] = _CURRENT[0], store
    return previous
