"""Which line of contact a control date names: the embedded lines or a user's imported ones.

A control date is ``YYYY-MM-DD`` or ``latest``, optionally pinned to a source (``deepstate:2026-08-15``,
``borderline:latest``). Unpinned, an imported source that covers the day wins over the embedded lines
(set ``BORDERLINE_PREFER_SOURCE=embedded`` to prefer those); a day without a line of its own in the chosen
source takes its latest earlier line. Every result says which source and day it used.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import shapely

from geo import linestore
from geo.timeline import EMBEDDED_SOURCE, LATEST, ControlDateError

PREFER_ENV = "BORDERLINE_PREFER_SOURCE"
REF = re.compile(r"^(?:(?P<source>[a-z0-9]+(?:[-_][a-z0-9]+)*):)?(?P<day>\d{4}-\d{2}-\d{2}|latest)$")


@dataclass(frozen=True)
class Line:
    """A resolved line of contact: its ``source``, the ``day`` it is of, and what identifies its content."""

    source: str
    day: str
    signature: str = ""

    @property
    def label(self) -> str:
        return f"{self.source}:{self.day}"


def _prefer_imported() -> bool:
    return os.environ.get(PREFER_ENV, "imported").strip().lower() != "embedded"


def _latest_earlier(days: list[str], day: str) -> str | None:
    earlier = [d for d in days if d <= day]
    return max(earlier) if earlier else None


def resolve(ref: str, timeline) -> Line:
    """The line a control date names (``timeline``: the embedded geo.timeline.Timeline), or ControlDateError."""
    m = REF.fullmatch(str(ref))
    if not m:
        raise ControlDateError(f"control date {str(ref)[:30]!r}: write it as YYYY-MM-DD or latest, optionally "
                               "after a source (deepstate:2026-08-15)")
    source, day = m.group("source"), m.group("day")
    store = linestore.current()
    sources = store.days()
    if source in (None, EMBEDDED_SOURCE) and (source or not sources or not _prefer_imported()):
        return Line(EMBEDDED_SOURCE, timeline.resolve(day))
    if source is not None:
        days = sources.get(source)
        if not days:
            known = ", ".join([EMBEDDED_SOURCE, *sources])
            raise ControlDateError(f"control date {ref}: no source {source!r}; known sources: {known}")
        chosen = days[-1] if day == LATEST else _latest_earlier(days, day)
        if chosen is None:
            raise ControlDateError(f"control date {ref}: {source} has no line on or before {day}; it has "
                                   f"{days[0]} to {days[-1]}")
        return Line(source, chosen, store.signature(source, chosen))
    # Unpinned: the imported source whose line is the most recent for the day, if one covers it.
    candidates = []
    for name, days in sources.items():
        chosen = days[-1] if day == LATEST else (_latest_earlier(days, day) if day <= days[-1] else None)
        if chosen is not None:
            candidates.append((chosen, name))
    if day == LATEST and candidates and max(candidates)[0] < timeline.last_day:
        candidates = []  # the embedded lines are newer
    if not candidates and day != LATEST and day > timeline.last_day and any(d[-1] >= day for d in sources.values()):
        # A day after the embedded lines that no source covers yet, before an import's first day: the latest
        # earlier line of any source.
        earlier = [(d, name) for name, days in sources.items() for d in days if d <= day]
        if not earlier:
            return Line(EMBEDDED_SOURCE, timeline.last_day)
        candidates = [max(earlier)]
    if not candidates:
        return Line(EMBEDDED_SOURCE, timeline.resolve(day))
    chosen, name = max(candidates)
    return Line(name, chosen, store.signature(name, chosen))


def area(line: Line, timeline) -> shapely.Geometry:
    """The Russian-administered area of a resolved line, EPSG:3035."""
    if line.source == EMBEDDED_SOURCE:
        return timeline.area(line.day)
    return linestore.current().area(line.source, line.day)
