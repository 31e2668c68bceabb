"""The numbers beside the map, as tiles and tables built from ``Evaluation.metrics`` (no Streamlit here).

Population figures are estimates of the 2022 resident baseline and are
labelled so wherever they appear (the ``*`` refers to ``POPULATION_NOTE``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from borderline.ui.text import km, km2, people, signed

POPULATION_NOTE = "2022 resident baseline, estimated"
SIDE = {"russia": "Russian-administered", "ukraine": "Ukrainian-held"}

# Measures of the comparison table: (metrics key, label, unit, digits of the delta).
COMPARE_ROWS = (
    ("russian_administered_km2", "Russian-administered", "km²", 0),
    ("russian_administered_pct", "Share of Ukraine", "%", 2),
    ("population_russian_administered", "Population, Russian-administered*", "people", 0),
    ("ceded_by_ukraine_km2", "Ceded by Ukraine", "km²", 0),
    ("population_ceded_by_ukraine", "Population ceded*", "people", 0),
    ("returned_to_ukraine_km2", "Returned to Ukraine", "km²", 0),
    ("population_returned_to_ukraine", "Population returned*", "people", 0),
    ("dmz_km2", "DMZ area", "km²", 0),
    ("population_dmz", "Population in the DMZ*", "people", 0),
    ("contact_line_km", "Line of contact", "km", 0),
    ("contact_line_on_dnieper_km", "… of which on the Dnieper", "km", 0),
)


@dataclass(frozen=True)
class Tile:
    """One figure of the metrics panel: a label, a value and a short caption."""

    key: str
    label: str
    value: str
    caption: str = ""


def tiles(m: dict) -> list[Tile]:
    """The headline figures of a scenario."""
    return [
        Tile("russian_administered", "Russian-administered", km2(m["russian_administered_km2"])),
        Tile("share", "Share of Ukraine", f"{m['russian_administered_pct']:.1f} %"),
        Tile("population_russian_administered", "Population there*", people(m["population_russian_administered"])),
        Tile("ceded", "Ceded by Ukraine", km2(m["ceded_by_ukraine_km2"])),
        Tile("dmz", "DMZ area", km2(m["dmz_km2"])),
    ]


def summary_table(m: dict) -> pd.DataFrame:
    """Area and population of every part of a scenario (formatted for the page)."""
    dmz = m["dmz_by_side"]
    rows = [
        ("Russian-administered", km2(m["russian_administered_km2"]), people(m["population_russian_administered"])),
        ("Ukrainian-held", km2(m["ukrainian_held_km2"]), people(m["population_ukrainian_held"])),
        ("Ceded by Ukraine", km2(m["ceded_by_ukraine_km2"]), people(m["population_ceded_by_ukraine"])),
        ("Returned to Ukraine", km2(m["returned_to_ukraine_km2"]), people(m["population_returned_to_ukraine"])),
        (f"DMZ, Ukrainian side ({m['dmz_km']['ukrainian_side']:g} km)", km2(dmz["ukrainian_side"]["km2"]),
         people(dmz["ukrainian_side"]["population"])),
        (f"DMZ, Russian side ({m['dmz_km']['russian_side']:g} km)", km2(dmz["russian_side"]["km2"]),
         people(dmz["russian_side"]["population"])),
        ("DMZ, both sides", km2(m["dmz_km2"]), people(m["population_dmz"])),
    ]
    rows += [(f"Zone: {z['name']}", km2(z["km2"]), people(z["population"])) for z in m["zones"]]
    rows.append(("Line of contact", km(m["contact_line_km"]), f"{km(m['contact_line_on_dnieper_km'])} on the Dnieper"))
    return pd.DataFrame(rows, columns=["", "Area", "Population*"])


def oblast_table(m: dict) -> pd.DataFrame:
    """Russian-administered area and population per oblast."""
    rows = [{"Oblast / unit": r["name"], "ISO": r["iso"], "Russian-administered km²": r["russian_administered_km2"],
             "Share of unit %": r["share_pct"], "Population*": r["population_russian_administered"]}
            for r in m["by_oblast"]]
    return pd.DataFrame(rows, columns=["Oblast / unit", "ISO", "Russian-administered km²", "Share of unit %",
                                       "Population*"])


def changing_hands_table(m: dict) -> pd.DataFrame:
    """Places of 10,000 or more that change hands against the baseline."""
    rows = [{"Place": s["name"], "Unit": s["admin1_iso"], "Population (GeoNames)": s["population"],
             "From": SIDE.get(s["from"], s["from"]), "To": SIDE.get(s["to"], s["to"])}
            for s in m["settlements_changing_hands"]]
    return pd.DataFrame(rows, columns=["Place", "Unit", "Population (GeoNames)", "From", "To"])


def zones_table(m: dict) -> pd.DataFrame:
    rows = [{"Zone": z["name"], "Type": z["type"].replace("_", " "), "Area km²": z["km2"],
             "Population*": z["population"]} for z in m["zones"]]
    return pd.DataFrame(rows, columns=["Zone", "Type", "Area km²", "Population*"])


def compare_table(a: dict, b: dict) -> pd.DataFrame:
    """Side-by-side measures of two scenarios with the delta B − A (numbers, for sorting and export)."""
    rows = []
    for key, label, unit, digits in COMPARE_ROWS:
        va, vb = float(a[key]), float(b[key])
        rows.append({"Measure": label, "Unit": unit, "A": va, "B": vb, "B − A": round(vb - va, digits)})
    return pd.DataFrame(rows, columns=["Measure", "Unit", "A", "B", "B − A"])


def compare_display(a: dict, b: dict) -> pd.DataFrame:
    """The comparison as formatted text (what the page shows)."""
    table = compare_table(a, b)
    fmt = {"km²": lambda v: km2(v), "%": lambda v: f"{v:.2f} %", "people": people, "km": km}

    def cell(value, unit):
        return fmt[unit](value)

    return pd.DataFrame({
        "Measure": table["Measure"],
        "A": [cell(v, u) for v, u in zip(table["A"], table["Unit"])],
        "B": [cell(v, u) for v, u in zip(table["B"], table["Unit"])],
        "B − A": [_delta(d, u) for d, u in zip(table["B − A"], table["Unit"])],
    })


def _delta(value: float, unit: str) -> str:
    """A formatted delta: people rounded like the figures they come from, areas and lengths with units."""
    if unit == "people":
        return signed(round(value, -3) if abs(value) >= 10_000 else value)
    if unit == "%":
        return signed(value, 2) + " %"
    return signed(value) + f"\u00a0{unit}"


def places_that_differ(a: dict, b: dict) -> pd.DataFrame:
    """Places of 10,000 or more that one scenario moves and the other does not (same baseline)."""
    moved_a = {(s["name"], s["admin1_iso"]): s for s in a["settlements_changing_hands"]}
    moved_b = {(s["name"], s["admin1_iso"]): s for s in b["settlements_changing_hands"]}
    rows = []
    for key in sorted(set(moved_a) ^ set(moved_b), key=lambda k: -(moved_a.get(k) or moved_b.get(k))["population"]):
        s = moved_a.get(key) or moved_b.get(key)
        in_a, in_b = key in moved_a, key in moved_b
        rows.append({"Place": s["name"], "Unit": s["admin1_iso"], "Population (GeoNames)": s["population"],
                     "Changes hands in": "A only" if in_a and not in_b else "B only",
                     "To": SIDE.get(s["to"], s["to"])})
    return pd.DataFrame(rows, columns=["Place", "Unit", "Population (GeoNames)", "Changes hands in", "To"])
