"""What it would take to monitor a scenario: the line to watch, the zones to patrol, and a force estimate
scaled from real missions (data/sources/monitoring_missions.csv, each row cited in its header).

Method: each reference mission gives a density of personnel per km of the line it watches and, where the
source gives its zone's area, per km² of that zone. Scaled to the scenario, the line needs between the lowest
and the highest mission density times its length, and the zones between the lowest and the highest density
times their area. A mission's personnel cover both its line and its zone, so the larger of the two
requirements binds: low = max(line low, zone low), high = max(line high, zone high). A scenario with a
reassurance_force zone adds the force the proposals name (25,000 low, 30,000 high). Every term is
non-decreasing in line length and zone area, and so are max and sum: a longer line or a larger zone never
lowers the estimate.
"""

from __future__ import annotations

import csv
import functools
import io
import math
from dataclasses import dataclass
from pathlib import Path

from geo.messages import N_
from scenarios.errors import ScenarioError

MISSIONS_FILE = Path(__file__).resolve().parents[1] / "data" / "sources" / "monitoring_missions.csv"
COLUMNS = ("mission", "kind", "personnel", "personnel_high", "line_km", "zone_km2", "year", "source", "note")
KINDS = ("density", "scale", "proposal")
ROUND_TO = 100  # people: the estimate is an order of magnitude, not a count
METHOD = N_("line km × personnel per km of line, and zone km² × personnel per km² of zone, at the lowest and the "
            "highest density of the reference missions; low and high are the larger of the line and zone figures; "
            "a reassurance_force zone adds the proposals' own 25,000–30,000")


@dataclass(frozen=True)
class Mission:
    """One reference mission (or a proposal's own force): personnel, its line (km) and zone (km²), year, source."""

    mission: str
    kind: str
    personnel: float | None
    personnel_high: float | None
    line_km: float | None
    zone_km2: float | None
    year: int
    source: str
    note: str

    @property
    def per_line_km(self) -> float | None:
        """Personnel per km of monitored line, or None."""
        return self.personnel / self.line_km if self.personnel and self.line_km else None

    @property
    def per_km2(self) -> float | None:
        """Personnel per km² of zone, or None."""
        return self.personnel / self.zone_km2 if self.personnel and self.zone_km2 else None


def _number(row: dict, key: str, where: str) -> float | None:
    text = (row.get(key) or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ScenarioError(f"{MISSIONS_FILE}: {where}.{key}: {text[:30]!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise ScenarioError(f"{MISSIONS_FILE}: {where}.{key}: give a positive number, got {text[:30]!r}")
    return value


def _mission(row: dict, where: str) -> Mission:
    if row.get("kind") not in KINDS:
        raise ScenarioError(f"{MISSIONS_FILE}: {where}.kind: use one of {', '.join(KINDS)}")
    year = _number(row, "year", where)
    if year is None or not row.get("source") or not row.get("mission"):
        raise ScenarioError(f"{MISSIONS_FILE}: {where}: mission, year and source are required")
    m = Mission(row["mission"], row["kind"], _number(row, "personnel", where), _number(row, "personnel_high", where),
                _number(row, "line_km", where), _number(row, "zone_km2", where), int(year), row["source"],
                row.get("note") or "")
    if m.kind == "density" and m.per_line_km is None and m.per_km2 is None:
        raise ScenarioError(f"{MISSIONS_FILE}: {where}: a density mission needs personnel and a line or a zone")
    if m.kind == "proposal" and m.personnel is None:
        raise ScenarioError(f"{MISSIONS_FILE}: {where}.personnel: a proposal row needs its force's size")
    return m


@functools.cache
def missions() -> tuple[Mission, ...]:
    """Every row of data/sources/monitoring_missions.csv (comment lines skipped), validated."""
    try:
        text = MISSIONS_FILE.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{MISSIONS_FILE}: missing; restore it from the repository") from None
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    reader = csv.DictReader(io.StringIO(body))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ScenarioError(f"{MISSIONS_FILE}: the columns must be {','.join(COLUMNS)}")
    return tuple(_mission(row, f"row {i + 1}") for i, row in enumerate(reader))


def _range(densities: list[float], amount: float) -> tuple[float, float]:
    return (amount * min(densities), amount * max(densities)) if densities else (0.0, 0.0)


def estimate(line_km: float, zone_km2: float, reassurance: bool = False) -> tuple[int, int]:
    """(low, high) monitoring force in people for a line of ``line_km`` km and zones of ``zone_km2`` km²;
    ``reassurance`` adds the proposals' own reassurance force. Rounded to 100; 0 with nothing to monitor."""
    rows = missions()
    dense = [m for m in rows if m.kind == "density"]
    line_low, line_high = _range([m.per_line_km for m in dense if m.per_line_km], line_km)
    zone_low, zone_high = _range([m.per_km2 for m in dense if m.per_km2], zone_km2)
    low, high = max(line_low, zone_low), max(line_high, zone_high)
    if reassurance:
        for m in rows:
            if m.kind == "proposal":
                low, high = low + m.personnel, high + (m.personnel_high or m.personnel)
    return _rounded(low), _rounded(high)


def _rounded(people: float) -> int:
    return int(ROUND_TO * round(people / ROUND_TO))
