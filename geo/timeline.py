"""Control through time: the Russian-administered area on any supported day (EPSG:3035).

The embedded model (built by geo.build.timeline; see data/boundaries/SOURCES.md)
is the authored line of 12 February 2025 plus a daily ledger of which side held
each settlement near the front from 2024-07-08 to 2026-08-22: a settlement whose
side on a day differs from its side in the authored area moves its
neighbourhood across the line. Earlier authored lines (for example 2022-02-23)
stand for every day from their own date until the next line.

A day is named ``YYYY-MM-DD`` or ``latest``; a day without its own line takes
the latest earlier state.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from geo.errors import UserError

LATEST = "latest"
BASE_DATE = "2025-02-12"  # the authored line the ledger's changes of hands apply to
EMBEDDED_SOURCE = "borderline"


class ControlDateError(UserError):
    """A control date that no line covers; the message says which days are supported."""


@dataclass(frozen=True)
class SideChange:
    """A settlement changing hands on ``day`` (the first day on its new side)."""

    geonameid: int
    name: str
    admin1_iso: str
    day: str
    from_side: str
    to_side: str


@dataclass(frozen=True, eq=False)
class Timeline:
    """The dated control model: authored lines and the ledger's neighbourhoods, EPSG:3035."""

    authored: dict[str, shapely.Geometry]  # date → Russian-administered area of an authored line
    base_date: str  # the authored line the ledger's changes apply to
    ids: np.ndarray  # geonameid of each neighbourhood
    names: np.ndarray
    admin1_iso: np.ndarray
    cells: np.ndarray  # neighbourhoods (EPSG:3035)
    base_russian: np.ndarray  # whether each settlement is inside the authored base area
    starts: np.ndarray  # per ledger interval: settlement index, first and last day (datetime64[D]), russian?
    ends: np.ndarray
    owner: np.ndarray
    russian: np.ndarray
    first_day: str
    last_day: str

    # -- days ---------------------------------------------------------------------------------------------

    def days(self) -> list[str]:
        """The days that have a line of their own: the authored ones, and every ledger day (first and last)."""
        return sorted({*self.authored, self.first_day, self.last_day})

    def resolve(self, day: str) -> str:
        """The day whose state ``day`` takes (itself, or the latest earlier authored line), or ControlDateError."""
        if day == LATEST:
            return self.last_day
        try:
            when = dt.date.fromisoformat(day)
        except (TypeError, ValueError):
            raise ControlDateError(f"control date {str(day)[:20]!r}: write it as YYYY-MM-DD or 'latest'") from None
        if day > self.last_day:
            raise ControlDateError(f"no control line dated {day}: it is after the last day with a line ({self.last_day}); use "
                                   "'latest' or import a newer line (borderline control import)")
        if day >= self.first_day:
            return when.isoformat()
        earlier = [d for d in self.authored if d <= day]
        if not earlier:
            first = min([*self.authored, self.first_day])
            raise ControlDateError(f"no control line dated {day}: it is before the first line ({first}); supported: {first} to "
                                   f"{self.last_day}")
        return max(earlier)

    def on_ledger(self, day: str) -> bool:
        return self.first_day <= day <= self.last_day

    # -- sides and areas ----------------------------------------------------------------------------------

    def sides(self, day: str) -> np.ndarray:
        """Per ledger settlement, whether it was Russian-administered on a ledger day."""
        when = np.datetime64(day, "D")
        live = (self.starts <= when) & (when <= self.ends)
        out = self.base_russian.copy()
        out[self.owner[live]] = self.russian[live]
        return out

    def state(self, day: str) -> tuple:
        """What the area of ``day`` is made of: an authored line's date, or the neighbourhoods moved to each side.
        Days with the same state have the same area."""
        day = self.resolve(day)
        if not self.on_ledger(day):
            return (day,)
        sides = self.sides(day)
        return (self.base_date, tuple(np.flatnonzero(sides & ~self.base_russian).tolist()),
                tuple(np.flatnonzero(~sides & self.base_russian).tolist()))

    def area(self, day: str) -> shapely.Geometry:
        """The Russian-administered area on ``day`` (``YYYY-MM-DD`` or ``latest``), EPSG:3035."""
        return self.area_of_state(self.state(day))

    def area_of_state(self, state: tuple) -> shapely.Geometry:
        """The area of a state (see :meth:`state`), EPSG:3035."""
        return self.authored[state[0]] if len(state) == 1 else _area(self, state[1], state[2])

    def changes(self, start: str, end: str) -> list[SideChange]:
        """Every change of hands of a ledger settlement after ``start`` up to and including ``end``."""
        lo, hi = np.datetime64(self.resolve(start), "D"), np.datetime64(self.resolve(end), "D")
        first = np.r_[True, self.owner[1:] != self.owner[:-1]]  # an interval that starts a settlement's record
        moved = ~first & (self.starts > lo) & (self.starts <= hi)
        out = []
        for i in np.flatnonzero(moved):
            k = self.owner[i]
            out.append(SideChange(int(self.ids[k]), str(self.names[k]), str(self.admin1_iso[k]),
                                  str(self.starts[i]), "ukraine" if self.russian[i] else "russia",
                                  "russia" if self.russian[i] else "ukraine"))
        return sorted(out, key=lambda c: (c.day, c.name))

    def history(self, geonameid: int) -> list[tuple[str, str, str]]:
        """A ledger settlement's (side, first day, last day) intervals; empty if it is not in the ledger."""
        hits = np.flatnonzero(self.ids == geonameid)
        if not len(hits):
            return []
        rows = np.flatnonzero(self.owner == hits[0])
        return [("russia" if self.russian[i] else "ukraine", str(self.starts[i]), str(self.ends[i])) for i in rows]


@functools.lru_cache(maxsize=256)
def _area(t: Timeline, to_russia: tuple[int, ...], to_ukraine: tuple[int, ...]) -> shapely.Geometry:
    # Neighbourhoods are disjoint, so the order of the two operations does not matter.
    area = t.authored[t.base_date]
    if to_ukraine:
        area = shapely.difference(area, shapely.union_all(t.cells[list(to_ukraine)]))
    if to_russia:
        area = shapely.union_all([area, *t.cells[list(to_russia)]])
    area = shapely.make_valid(area) if not shapely.is_valid(area) else area
    shapely.prepare(area)
    return area


def build_timeline(authored: dict[str, shapely.Geometry], base_date: str, cells_frame, cells_ea: np.ndarray,
                   ledger: pd.DataFrame) -> Timeline:
    """The model from the authored areas (EPSG:3035), the neighbourhoods and the ledger (geo.data loaders)."""
    index = {gid: i for i, gid in enumerate(cells_frame["geonameid"].to_numpy())}
    ledger = ledger.sort_values(["geonameid", "from"], ignore_index=True)
    return Timeline(
        authored=dict(authored), base_date=base_date,
        ids=cells_frame["geonameid"].to_numpy(), names=cells_frame["name"].to_numpy(),
        admin1_iso=cells_frame["admin1_iso"].to_numpy(), cells=cells_ea,
        base_russian=(cells_frame["base_side"] == "russia").to_numpy(),
        starts=ledger["from"].to_numpy().astype("datetime64[D]"), ends=ledger["to"].to_numpy().astype("datetime64[D]"),
        owner=ledger["geonameid"].map(index).to_numpy(), russian=(ledger["side"] == "russia").to_numpy(),
        first_day=str(ledger["from"].min().date()), last_day=str(ledger["to"].max().date()),
    )
