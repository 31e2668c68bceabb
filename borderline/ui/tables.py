"""The numbers beside the map, as tiles and tables generated from the typed metrics (no Streamlit here).

Rows and labels come from ``scenarios.metrics`` (its measures, part rows and row
types), numbers from ``borderline.format``. Population figures are estimates of
the 2022 resident baseline and are marked ``*``, which refers to ``POPULATION_NOTE``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from borderline import format as fmt
from borderline.format import POPULATION_NOTE  # noqa: F401  (re-exported)
from scenarios.metrics import (COMPARE_MEASURES, Metrics, OblastRow, SettlementChange, ZoneMetrics, measure_of,
                               part_rows)

SIDE = {"russia": "Russian-administered", "ukraine": "Ukrainian-held"}
TILE_KEYS = ("russian_administered_km2", "russian_administered_pct", "population_russian_administered",
             "ceded_by_ukraine_km2", "dmz_km2")
TILE_LABELS = {"russian_administered_pct": "Share of Ukraine", "population_russian_administered": "Population there*",
               "dmz_km2": "DMZ area"}


@dataclass(frozen=True)
class Tile:
    """One figure of the metrics panel: a label, a value and a short caption."""

    key: str
    label: str
    value: str
    caption: str = ""


def tiles(m: Metrics) -> list[Tile]:
    """The headline figures of a scenario."""
    out = []
    for key in TILE_KEYS:
        measure = measure_of(key)
        value = fmt.pct(m.value(key)) if measure.unit == "%" else fmt.value(measure, m.value(key))
        out.append(Tile(key, TILE_LABELS.get(key, measure.label_marked), value))
    return out


def summary_table(m: Metrics) -> pd.DataFrame:
    """Area and population of every part of a scenario (formatted for the page)."""
    rows = [(r.label, fmt.km2(r.km2), fmt.people(r.population)) for r in part_rows(m)]
    rows.append(("Line of contact", fmt.km(m.contact_line_km), f"{fmt.km(m.contact_line_on_dnieper_km)} on the Dnieper"))
    return pd.DataFrame(rows, columns=["", "Area", "Population*"])


def _rows(items, cls) -> pd.DataFrame:
    """Rows of a row type as a frame; headers are the fields' labels with their unit, estimates marked *."""
    fields = dataclasses.fields(cls)
    headers = [f.metadata["label"] + _UNIT_SUFFIX.get(f.metadata.get("unit"), "")
               + ("*" if f.metadata.get("estimate") else "") for f in fields]
    data = [[SIDE.get(getattr(r, f.name), getattr(r, f.name)) if f.name in ("from_side", "to_side")
             else getattr(r, f.name) for f in fields] for r in items]
    return pd.DataFrame(data, columns=headers)


_UNIT_SUFFIX = {"km²": " km²", "%": " %"}


def oblast_table(m: Metrics) -> pd.DataFrame:
    """Russian-administered area and population per oblast."""
    frame = _rows(m.by_oblast, OblastRow)
    return frame[[frame.columns[1], *frame.columns[:1], *frame.columns[2:]]]  # the name first


def changing_hands_table(m: Metrics) -> pd.DataFrame:
    """Places of 10,000 or more that change hands against the baseline."""
    return _rows(m.settlements_changing_hands, SettlementChange)


def zones_table(m: Metrics) -> pd.DataFrame:
    """Area and population of each zone."""
    frame = _rows(m.zones, ZoneMetrics)
    frame["Type"] = frame["Type"].str.replace("_", " ")
    return frame


def compare_table(a: Metrics, b: Metrics) -> pd.DataFrame:
    """Side-by-side measures of two scenarios with the delta B − A (numbers, for sorting and export)."""
    rows = [{"Measure": mm.label_marked, "Unit": mm.unit, "A": float(a.value(mm.key)), "B": float(b.value(mm.key)),
             "B − A": float(b.value(mm.key)) - float(a.value(mm.key))} for mm in COMPARE_MEASURES]
    return pd.DataFrame(rows, columns=["Measure", "Unit", "A", "B", "B − A"])


def compare_display(a: Metrics, b: Metrics) -> pd.DataFrame:
    """The comparison as formatted text (what the page shows)."""
    return pd.DataFrame({
        "Measure": [mm.label_marked for mm in COMPARE_MEASURES],
        "A": [fmt.value(mm, a.value(mm.key)) for mm in COMPARE_MEASURES],
        "B": [fmt.value(mm, b.value(mm.key)) for mm in COMPARE_MEASURES],
        "B − A": [fmt.delta(mm, b.value(mm.key) - a.value(mm.key)) for mm in COMPARE_MEASURES],
    })


def places_that_differ(a: Metrics, b: Metrics) -> pd.DataFrame:
    """Places of 10,000 or more that one scenario moves and the other does not (same baseline)."""
    moved_a = {(s.name, s.admin1_iso): s for s in a.settlements_changing_hands}
    moved_b = {(s.name, s.admin1_iso): s for s in b.settlements_changing_hands}
    rows = []
    for key in sorted(set(moved_a) ^ set(moved_b), key=lambda k: -(moved_a.get(k) or moved_b.get(k)).population):
        s = moved_a.get(key) or moved_b.get(key)
        rows.append({"Place": s.name, "Unit": s.admin1_iso, "Population (GeoNames)": s.population,
                     "Changes hands in": "A only" if key in moved_a else "B only", "To": SIDE.get(s.to_side, s.to_side)})
    return pd.DataFrame(rows, columns=["Place", "Unit", "Population (GeoNames)", "Changes hands in", "To"])
