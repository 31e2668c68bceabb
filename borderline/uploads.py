"""The areas a reader has uploaded in one app session (no Streamlit here).

An ``UploadStore`` belongs to one session and is never shared: it holds at most
``MAX_AREAS`` areas under keys ``area-1``, ``area-2``, … (never reused, so a
removed area's key cannot come to mean another polygon), drops the oldest
beyond that, and files the same polygon only once: a second upload of it, under
any name, gets the first one's key, and ``add_file_checked`` says which area it
is the same as (never a silent reuse). It is a read-only mapping of key →
``StoredArea``; ``add``, ``add_file`` and ``remove`` change it.

An uploaded area may reach past Ukraine's internationally recognized border (a
box drawn over the front, say); ``AreaInfo`` says how much of it lies inside
Ukraine and how much outside, since a scenario counts only the part inside.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from borderline.format import fmt_number
from borderline.i18n import _

log = logging.getLogger(__name__)

MAX_AREAS = 10


@dataclass(frozen=True)
class AreaInfo:
    """What the import view says about an uploaded file (``notes``: repairs, reprojection, simplification)."""

    file: str
    km2: float
    crs: str
    features: int
    notes: tuple[str, ...] = ()
    km2_in_ukraine: float | None = None  # the part inside Ukraine's recognized territory (None: not measured)
    bounds: tuple[float, float, float, float] | None = None  # lon_min, lat_min, lon_max, lat_max (EPSG:4326)

    @property
    def km2_outside(self) -> float:
        """The part outside Ukraine's recognized territory, km² (0 when not measured)."""
        return max(self.km2 - self.km2_in_ukraine, 0.0) if self.km2_in_ukraine is not None else 0.0

    @property
    def straddles_border(self) -> bool:
        """Whether a noticeable part (over 0.5 % and 1 km²) lies outside Ukraine."""
        return self.km2_outside > max(1.0, 0.005 * self.km2)


@dataclass(frozen=True)
class StoredArea:
    """One area of the session: ``geojson`` is a GeoJSON geometry (EPSG:4326); ``label`` is raw text."""

    key: str
    label: str
    geojson: dict
    info: AreaInfo | None = None
    digest: str = field(default="", repr=False)


def digest(geojson: dict) -> str:
    """A fingerprint of a geometry's content (key order does not matter)."""
    return hashlib.sha256(json.dumps(geojson, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def inside_ukraine_km2(geometry) -> float | None:
    """The area (km², EPSG:3035) of a geometry (EPSG:4326) inside Ukraine's recognized territory."""
    import shapely

    from geo.crs import area_km2, to_equal_area
    from geo.projected import projected

    try:
        return float(area_km2(shapely.intersection(to_equal_area(geometry), projected().ukraine)))
    except Exception:  # the figure is a note: without it the upload still works
        log.exception("the part of an upload inside Ukraine could not be measured")
        return None


class UploadStore(Mapping):
    """This session's uploaded areas, oldest first."""

    def __init__(self, max_areas: int = MAX_AREAS):
        self.max_areas = max_areas
        self._areas: dict[str, StoredArea] = {}
        self._counter = 0

    def __getitem__(self, key: str) -> StoredArea:
        return self._areas[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._areas)

    def __len__(self) -> int:
        return len(self._areas)

    def __repr__(self) -> str:
        return f"UploadStore({list(self._areas)})"

    def add(self, geojson: dict, name: str, info: AreaInfo | None = None) -> str:
        """File an area and return its key; a polygon already filed keeps its first key and label."""
        fingerprint = digest(geojson)
        for area in self._areas.values():
            if area.digest == fingerprint:
                return area.key
        self._counter += 1
        key = f"area-{self._counter}"
        self._areas[key] = StoredArea(key, f"{name} [{key}]", geojson, info, fingerprint)
        while len(self._areas) > self.max_areas:
            self._areas.pop(next(iter(self._areas)))
        return key

    def add_file(self, filename: str, data: bytes) -> str:
        """Read an uploaded file (GeoJSON, GeoPackage, zipped Shapefile) into an area; return its key.

        UploadError (one line naming the file) when it cannot be used; an unexpected failure is logged
        with its traceback and reported as an UploadError that points to the server log.
        """
        from geo.upload import UploadError, parse_upload, scenario_geojson

        try:
            area = parse_upload(filename, data)
            geojson, tolerance = scenario_geojson(area)
        except UploadError:
            raise
        except Exception as exc:
            log.exception("upload %r failed", filename)
            raise UploadError(f"{filename}: could not be read; the details are in the server log") from exc
        notes = list(area.notes)
        if tolerance:
            notes.append(_("simplified to {m} m for use in a scenario").format(m=fmt_number(tolerance)))
        info = AreaInfo(file=area.filename, km2=area.km2, crs=area.source_crs, features=area.features,
                        notes=tuple(notes), km2_in_ukraine=inside_ukraine_km2(area.geometry),
                        bounds=tuple(float(b) for b in area.geometry.bounds))
        return self.add(geojson, area.name, info)

    def add_file_checked(self, filename: str, data: bytes) -> tuple[str, StoredArea | None]:
        """``add_file``, and the area already filed with the same polygon (None when it is new).

        The same polygon is filed once; the caller says so (the file's name may differ from the first).
        """
        before = dict(self._areas)
        key = self.add_file(filename, data)
        return key, before.get(key)

    def remove(self, key: str) -> None:
        self._areas.pop(key, None)

    def geojson_by_key(self) -> dict[str, dict]:
        """Key → GeoJSON geometry, what the editor form reads its uploaded areas from."""
        return {key: area.geojson for key, area in self._areas.items()}
