"""Reading a large upload (issue 9): a 1.2-million-vertex GeoJSON polygon of about 20 MB, as the corpus has it."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from bench.core import Case

TESTS = Path(__file__).resolve().parents[1] / "tests"


@functools.cache
def _big_geojson() -> bytes:
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    from corpus import build

    return build._compact_circle(1_200_000)  # the corpus case vertices-1200000-in-24-megabytes


def _read() -> None:
    from geo.upload import parse_upload

    parse_upload("big.geojson", _big_geojson())


CASES = [
    Case("upload_1_2m_vertices_s", "Read a GeoJSON upload of 1.2 million vertices (about 20 MB): parse, reproject "
         "check, repair check, area", "s", _read, repeat=5, target="≤ 2 s", setup=_big_geojson),
]
