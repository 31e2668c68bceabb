"""The days the app offers: the supported range of the dated control model, and dates as widgets hold them.

A day is written ``YYYY-MM-DD`` or ``latest`` (the last day with a line). The
app's date widgets hold ``datetime.date`` values plus a "latest" switch; this
module converts between the two and checks days from links (no Streamlit here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from borderline.i18n import _
from geo.messages import N_

LATEST = "latest"
SOURCE_NOTE = N_("borderline dated model: authored line of 12 February 2025 plus DeepStateMap.Live's daily archive, "
                 "sampled at settlements")


@dataclass(frozen=True)
class Calendar:
    """The supported days: ``first`` to ``last`` (ISO), and ``resolve`` (day → the day whose line it takes)."""

    first: str
    last: str
    resolve: Callable[[str], str] = field(repr=False, compare=False)
    ledger_first: str = ""  # the first day of the daily record (the chart's start)

    @property
    def first_date(self) -> dt.date:
        return dt.date.fromisoformat(self.first)

    @property
    def last_date(self) -> dt.date:
        return dt.date.fromisoformat(self.last)

    def check(self, text: object) -> str:
        """A day as written (``latest`` or ISO), or ValueError with a one-line message when no line covers it."""
        day = str(text).strip()
        if day == LATEST:
            return LATEST
        self.resolve(day)  # raises a UserError (a ValueError) for a day no line covers
        return dt.date.fromisoformat(day).isoformat()

    def resolved(self, day: str | None) -> str:
        """The ISO day a day stands for (``latest`` and None: the last day)."""
        return self.last if day in (None, LATEST) else self.resolve(day)

    def widget(self, day: str | None) -> tuple[bool, dt.date]:
        """(latest?, the date a date input shows) for a day; a date input shows days within the range only."""
        if day in (None, LATEST):
            return True, self.last_date
        when = dt.date.fromisoformat(day)
        return False, min(max(when, self.first_date), self.last_date)

    def clamp(self, day: str | None) -> dt.date:
        return self.widget(day)[1]


def from_widget(latest: bool, value) -> str:
    """The day a date input (and its "latest" switch) says."""
    if latest:
        return LATEST
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def calendar() -> Calendar:
    """The days with a line: the embedded dated control model's, and any the user imported after its last day."""
    from geo.projected import projected

    p = projected()
    t = p.timeline
    return Calendar(first=min([*t.authored, t.first_day]), last=p.line(LATEST).day,
                    resolve=lambda day: p.line(day).day, ledger_first=t.first_day)


def label(day: str | None, cal: Calendar) -> str:
    """A day for a caption: ``2025-11-20``, or ``latest (2026-08-22)``."""
    return _("latest ({day})").format(day=cal.last) if day in (None, LATEST) else str(day)


def weekly(first: str, last: str) -> list[str]:
    """Every 7th day from ``first``, and ``last``."""
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    out = [(start + dt.timedelta(days=i)).isoformat() for i in range(0, (end - start).days + 1, 7)]
    return out if out and out[-1] == last else [*out, last]


def shift(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()
