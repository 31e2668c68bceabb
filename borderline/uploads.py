"""The areas a reader has uploaded in one app session (no Streamlit here).

An ``UploadStore`` belongs to one session and is never shared: it holds at most
``MAX_AREAS`` areas under keys ``area-1``, ``area-2``, … (never reused, so a
removed area's key cannot come to mean another polygon), drops the oldest
beyond that, and files the same polygon only once. It is a read-only mapping of
key → ``StoredArea``; ``add``, ``add_file`` and ``remove`` change it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

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
            notes.append(f"simplified to {tolerance:,.0f} m for use in a scenario")
        info = AreaInfo(file=area.filename, km2=area.km2, crs=area.source_crs, features=area.features,
                        notes=tuple(notes))
        return self.add(geojson, area.name, info)

    def remove(self, key: str) -> None:
        self._areas.pop(key, None)

    def geojson_by_key(self) -> dict[str, dict]:
        """Key → GeoJSON geometry, what the editor form reads its uploaded areas from."""
        return {key: area.geojson for key, area in self._areas.items()}
