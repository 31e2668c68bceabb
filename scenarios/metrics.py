"""The typed metrics of an evaluation: every number borderline publishes, with its label, unit and basis.

Each numeric field carries its label, its unit and whether it is an estimate
(population figures are estimates of the 2022 resident baseline). Tables,
CSV/XLSX rows, comparisons and report rows are generated from this metadata
(:data:`MEASURES`, :func:`part_rows`); :meth:`Metrics.to_json` is the object
``borderline evaluate --json`` prints, in the shape documented in the README.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any

from geo.messages import N_

POPULATION_NOTE = "2022 resident baseline, estimated"


def measure(label: str, unit: str, *, estimate: bool = False, compare: bool = False, part: str = "",
            json: str = "") -> Any:
    """A numeric field: ``label`` for tables, ``unit`` (km², km, %, people), ``estimate`` for population
    figures, ``compare`` to list it in comparisons, ``part`` the part of the map it measures."""
    return field(metadata={"label": label, "unit": unit, "estimate": estimate, "compare": compare, "part": part,
                           "json": json})


def group(label: str, default: Any = dataclasses.MISSING) -> Any:
    """A field holding a dataclass of measures; its label prefixes theirs."""
    return field(default=default, metadata={"label": label, "group": True})


def text(label: str, json: str = "") -> Any:
    return field(metadata={"label": label, "json": json})


@dataclass(frozen=True)
class DmzKm:
    ukrainian_side: float = measure("DMZ width, Ukrainian side", "km")
    russian_side: float = measure("DMZ width, Russian side", "km")


@dataclass(frozen=True)
class Band:
    km2: float = measure("area", "km²")
    population: int = measure("population", "people", estimate=True)


@dataclass(frozen=True)
class DmzBySide:
    ukrainian_side: Band = group("DMZ, Ukrainian side")
    russian_side: Band = group("DMZ, Russian side")


@dataclass(frozen=True)
class ZoneMetrics:
    name: str = text("Zone")
    type: str = text("Type")
    km2: float = measure("Area", "km²")
    population: int = measure("Population", "people", estimate=True)
    administered_by: str = text(N_("Administered by"))  # "" when the scenario does not say
    recognized_as: str = text(N_("Recognized as territory of"))
    entry: str = text(N_("Forces that may enter"))
    monitored_by: str = text(N_("Monitored by"))


@dataclass(frozen=True)
class RecognitionMetrics:
    """The Russian-administered area split by what the scenario's text recognizes (km², population)."""

    de_jure_km2: float = measure(N_("Recognized de jure"), "km²", compare=True, part="recognized_de_jure")
    de_facto_km2: float = measure(N_("Recognized de facto"), "km²", compare=True, part="recognized_de_facto")
    none_km2: float = measure(N_("Not recognized"), "km²", part="recognized_none")
    population_de_jure: int = measure(N_("Population, recognized de jure"), "people", estimate=True,
                                      part="recognized_de_jure")
    population_de_facto: int = measure(N_("Population, recognized de facto"), "people", estimate=True,
                                       part="recognized_de_facto")
    population_none: int = measure(N_("Population, not recognized"), "people", estimate=True, part="recognized_none")


@dataclass(frozen=True)
class SiteRow:
    """A named site in a scenario: where it is (degrees), which side it is on now and on the baseline, the
    zones containing it, and what the scenario says of it (empty / None where it says nothing)."""

    id: str = text(N_("Site id"))
    name: str = text(N_("Site"))
    name_uk: str = text(N_("Ukrainian name"))
    kind: str = text(N_("Kind"))
    lon: float = text(N_("Longitude"))
    lat: float = text(N_("Latitude"))
    side: str = text(N_("Side in the scenario"))  # russian_administered | ukrainian_held
    baseline_side: str = text(N_("Side on the baseline"))
    zones: tuple[str, ...] = text(N_("Zones containing it"))
    administered_by: str = text(N_("Administered by"))
    operated_by: str = text(N_("Operated by"))
    demilitarized: bool | None = text(N_("Demilitarized"))
    output_share: dict | None = text(N_("Share of output"))
    note: str = text(N_("Note"))


@dataclass(frozen=True)
class MissionRef:
    """A reference mission the monitoring estimate scales from (personnel per km of line and per km² of zone)."""

    mission: str = text(N_("Mission"))
    year: int = text(N_("Year"))
    personnel: float | None = text(N_("Personnel"))
    per_line_km: float | None = text(N_("Personnel per km of line"))
    per_km2: float | None = text(N_("Personnel per km² of zone"))
    source: str = text(N_("Source"))


@dataclass(frozen=True)
class Monitoring:
    """What it would take to monitor the scenario at its widths: line km, zone km², a force estimate."""

    line_km: float = measure(N_("Line to monitor"), "km", compare=True)
    zone_km2: float = measure(N_("Zones to monitor (DMZ, buffer, security zones)"), "km²", compare=True)
    troops_low: int = measure(N_("Monitoring force, low estimate"), "people", compare=True)
    troops_high: int = measure(N_("Monitoring force, high estimate"), "people", compare=True)
    method: str = text(N_("Method"))
    missions: tuple[MissionRef, ...] = ()


@dataclass(frozen=True)
class OblastRow:
    iso: str = text("ISO")
    name: str = text("Oblast / unit")
    russian_administered_km2: float = measure("Russian-administered", "km²")
    share_pct: float = measure("Share of unit", "%")
    population_russian_administered: int = measure("Population", "people", estimate=True)


@dataclass(frozen=True)
class SettlementChange:
    name: str = text("Place")
    admin1_iso: str = text("Unit")
    population: int = measure("Population (GeoNames)", "people")
    from_side: str = text("From", json="from")
    to_side: str = text("To", json="to")


@dataclass(frozen=True)
class Method:
    area: str = text("Areas")
    population: str = text("Population")
    population_date: str = text("Population date")
    contact_line: str = text("Line of contact")
    dmz: str = text("DMZ")


@dataclass(frozen=True)
class Metrics:
    """Every number of one evaluation (areas km² in EPSG:3035; populations: 2022 resident baseline, estimated)."""

    scenario: str = text("Scenario id")
    title: str = text("Title")
    baseline: str = text("Baseline control date")
    baseline_source: str = text("Source of the baseline line")
    dmz_km: DmzKm = group("")
    ukraine_km2: float = measure("Ukraine, total land area", "km²")
    russian_administered_km2: float = measure("Russian-administered", "km²", compare=True,
                                              part="russian_administered")
    russian_administered_pct: float = measure("Share of Ukraine", "%", compare=True)
    russian_administered_without_kakhovka_bed_km2: float = measure(
        "Russian-administered, without the former Kakhovka reservoir bed", "km²")
    ukrainian_held_km2: float = measure("Ukrainian-held", "km²", part="ukrainian_held")
    ceded_by_ukraine_km2: float = measure("Ceded by Ukraine", "km²", compare=True, part="ceded_by_ukraine")
    returned_to_ukraine_km2: float = measure("Returned to Ukraine", "km²", compare=True,
                                             part="returned_to_ukraine")
    population_russian_administered: int = measure("Population, Russian-administered", "people", estimate=True,
                                                   compare=True, part="russian_administered")
    population_ukrainian_held: int = measure("Population, Ukrainian-held", "people", estimate=True,
                                             part="ukrainian_held")
    population_ceded_by_ukraine: int = measure("Population, ceded by Ukraine", "people", estimate=True,
                                               compare=True, part="ceded_by_ukraine")
    population_returned_to_ukraine: int = measure("Population, returned to Ukraine", "people", estimate=True,
                                                  compare=True, part="returned_to_ukraine")
    contact_line_km: float = measure("Line of contact", "km", compare=True, part="contact_line")
    contact_line_on_dnieper_km: float = measure("Line of contact on the Dnieper", "km", compare=True)
    dmz_km2: float = measure("DMZ, both sides", "km²", compare=True, part="dmz")
    population_dmz: int = measure("Population, DMZ both sides", "people", estimate=True, compare=True, part="dmz")
    dmz_by_side: DmzBySide = group("")
    zones: tuple[ZoneMetrics, ...] = ()
    by_oblast: tuple[OblastRow, ...] = ()
    settlements_changing_hands: tuple[SettlementChange, ...] = ()
    recognition: RecognitionMetrics = group(N_("Russian-administered"), RecognitionMetrics(0.0, 0.0, 0.0, 0, 0, 0))
    sites: tuple[SiteRow, ...] = ()
    monitoring: Monitoring = group("", Monitoring(0.0, 0.0, 0, 0, "", ()))
    method: Method = field(default=None, metadata={"label": "Method"})

    def to_json(self) -> dict:
        """The metrics as the JSON object of ``borderline evaluate --json`` (README)."""
        return _json(self)

    def value(self, key: str):
        """The value of a measure by its key (a JSON path joined by dots, or a derived key of MEASURES)."""
        if key in _DERIVED:
            return _DERIVED[key][2](self)
        value: Any = self
        for name in key.split("."):
            value = getattr(value, name)
        return value

    @property
    def zones_km2(self) -> float:
        return round(sum(z.km2 for z in self.zones), 1)

    @property
    def zones_population(self) -> int:
        return sum(z.population for z in self.zones)


def _json(value):
    if dataclasses.is_dataclass(value):
        return {f.metadata.get("json") or f.name: _json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_json(v) for v in value]
    return value


@dataclass(frozen=True)
class Measure:
    """One number of the metrics: its key (JSON path), label, unit and basis."""

    key: str
    label: str
    unit: str
    estimate: bool = False
    compare: bool = False
    part: str = ""
    derived: bool = False

    @property
    def label_marked(self) -> str:
        """The label, with ``*`` pointing at the population note when it is an estimate."""
        return f"{self.label}*" if self.estimate else self.label


def _measures(cls, prefix: str = "", label_prefix: str = "") -> list[Measure]:
    out, hints = [], typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        meta, key = f.metadata, f"{prefix}{f.name}"
        if meta.get("group"):
            nested = f"{label_prefix}{meta['label']}, " if meta["label"] else label_prefix
            out += _measures(hints[f.name], f"{key}.", nested)
        elif "unit" in meta:
            out.append(Measure(key, label_prefix + meta["label"], meta["unit"], meta["estimate"], meta["compare"],
                               meta["part"]))
    return out


# Counts and totals that the comparison tables add to the fields.
_DERIVED = {
    "zones_km2": ("Zones, total area", "km²", lambda m: m.zones_km2),
    "zones_population": ("Zones, total population", "people", lambda m: m.zones_population),
    "settlements_changing_hands": ("Places of 10,000+ changing hands", "places",
                                   lambda m: len(m.settlements_changing_hands)),
    "oblasts_with_russian_administered_land": ("Oblasts with Russian-administered land", "units",
                                               lambda m: len(m.by_oblast)),
}
FIELD_MEASURES: tuple[Measure, ...] = tuple(_measures(Metrics))
MEASURES: tuple[Measure, ...] = FIELD_MEASURES + tuple(
    Measure(key, label, unit, estimate=unit == "people", derived=True) for key, (label, unit, _) in _DERIVED.items())
COMPARE_MEASURES: tuple[Measure, ...] = tuple(m for m in MEASURES if m.compare)


def measure_of(key: str) -> Measure:
    """The Measure of a key."""
    for m in MEASURES:
        if m.key == key:
            return m
    raise KeyError(key)


# The parts of the map that have an area and a population, in the order tables list them.
PART_LABELS = {
    "russian_administered": "Russian-administered",
    "ukrainian_held": "Ukrainian-held",
    "ceded_by_ukraine": "Ceded by Ukraine",
    "returned_to_ukraine": "Returned to Ukraine",
    "dmz_ukrainian_side": "DMZ, Ukrainian side",
    "dmz_russian_side": "DMZ, Russian side",
    "dmz": "DMZ, both sides",
}
# The parts of the Russian-administered area by what the scenario recognizes (only those present are parts).
RECOGNITION_LABELS = {
    "recognized_de_jure": N_("Russian-administered, recognized de jure"),
    "recognized_de_facto": N_("Russian-administered, recognized de facto"),
    "recognized_none": N_("Russian-administered, not recognized"),
}


@dataclass(frozen=True)
class PartRow:
    """Area and population of one part of the map (population: 2022 resident baseline, estimated)."""

    key: str
    label: str
    km2: float
    population: int


def part_rows(m: Metrics) -> list[PartRow]:
    """Area and population of every part: the sides, the changes, the DMZ bands and the zones."""
    rows = []
    for part, label in PART_LABELS.items():
        if part == "dmz_ukrainian_side":
            rows.append(PartRow(part, f"{label} ({m.dmz_km.ukrainian_side:g} km)", m.dmz_by_side.ukrainian_side.km2,
                                m.dmz_by_side.ukrainian_side.population))
        elif part == "dmz_russian_side":
            rows.append(PartRow(part, f"{label} ({m.dmz_km.russian_side:g} km)", m.dmz_by_side.russian_side.km2,
                                m.dmz_by_side.russian_side.population))
        else:
            area = next(x for x in FIELD_MEASURES if x.part == part and x.unit == "km²")
            people = next(x for x in FIELD_MEASURES if x.part == part and x.unit == "people")
            rows.append(PartRow(part, label, m.value(area.key), m.value(people.key)))
    r = m.recognition
    if r.de_jure_km2 or r.de_facto_km2:  # without recognition, everything is "none": no rows to add
        for status, km2, people in (("de_jure", r.de_jure_km2, r.population_de_jure),
                                    ("de_facto", r.de_facto_km2, r.population_de_facto),
                                    ("none", r.none_km2, r.population_none)):
            if km2:
                key = f"recognized_{status}"
                rows.append(PartRow(key, RECOGNITION_LABELS[key], km2, people))
    rows += [PartRow(f"zone:{z.name}", f"Zone: {z.name}", z.km2, z.population) for z in m.zones]
    return rows


def compare_rows(metrics: list[Metrics]) -> list[dict]:
    """The compared measures side by side (key, label, unit, values) with deltas against the first."""
    first = metrics[0]
    return [{"key": mm.key, "label": mm.label_marked, "unit": mm.unit, "values": [m.value(mm.key) for m in metrics],
             "deltas": [round(m.value(mm.key) - first.value(mm.key), 3) for m in metrics]} for mm in COMPARE_MEASURES]
