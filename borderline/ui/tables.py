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
from borderline.format import DASH, POPULATION_NOTE  # noqa: F401  (POPULATION_NOTE re-exported)
from borderline.i18n import _, language
from geo.messages import N_
from geo.names import oblast_name, settlement_name_by_unit
from scenarios.metrics import (COMPARE_MEASURES, PART_LABELS, Metrics, OblastRow, PartRow, SettlementChange,
                               ZoneMetrics, measure_of, part_rows)

SIDE = fmt.SIDES  # side code → English words (marked for the catalog; fmt.side translates)
TILE_KEYS = ("russian_administered_km2", "russian_administered_pct", "population_russian_administered",
             "ceded_by_ukraine_km2", "dmz_km2")
TILE_LABELS = {"russian_administered_pct": N_("Share of Ukraine"),
               "population_russian_administered": N_("Population there*"), "dmz_km2": N_("DMZ area")}
ZONE_TYPES = {"demilitarized": N_("demilitarized"), "referendum": N_("referendum"),
              "border_buffer": N_("border buffer"), "free_economic": N_("free economic"), "buffer": N_("buffer"),
              "joint_administration": N_("joint administration"), "security_zone": N_("security zone"),
              "reassurance_force": N_("reassurance force")}
ZONE_ACTOR_FIELDS = ("administered_by", "recognized_as", "entry")


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
        out.append(Tile(key, _(TILE_LABELS[key]) if key in TILE_LABELS else fmt.label(measure), value))
    return out


def part_label(r: PartRow, m: Metrics) -> str:
    """A part row's label in the current language (DMZ bands with their width, zones with their name)."""
    if r.key.startswith("zone:"):
        return _("Zone: {name}").format(name=_(r.key[5:]))
    text = _(PART_LABELS.get(r.key, r.label))
    if r.key == "dmz_ukrainian_side":
        return f"{text} ({fmt.fmt_width(m.dmz_km.ukrainian_side)} {_('km')})"
    if r.key == "dmz_russian_side":
        return f"{text} ({fmt.fmt_width(m.dmz_km.russian_side)} {_('km')})"
    return text


def summary_table(m: Metrics) -> pd.DataFrame:
    """Area and population of every part of a scenario (formatted for the page)."""
    rows = [(part_label(r, m), fmt.km2(r.km2), fmt.people(r.population)) for r in part_rows(m)]
    rows.append((_("Line of contact"), fmt.km(m.contact_line_km),
                 _("{km} on the Dnieper").format(km=fmt.km(m.contact_line_on_dnieper_km))))
    return pd.DataFrame(rows, columns=["", _("Area"), _("Population*")])


def _rows(items, cls) -> pd.DataFrame:
    """Rows of a row type as a frame; headers are the fields' labels with their unit, estimates marked *."""
    fields = dataclasses.fields(cls)
    headers = [_(f.metadata["label"]) + _unit_suffix(f.metadata.get("unit"))
               + ("*" if f.metadata.get("estimate") else "") for f in fields]
    data = [[_cell(r, f.name) for f in fields] for r in items]
    return pd.DataFrame(data, columns=headers)


def _cell(r, name: str):
    """A row's field as shown: sides in words, place and oblast names in the current language."""
    value = getattr(r, name)
    if name in ("from_side", "to_side"):
        return fmt.side(value)
    if isinstance(r, OblastRow) and name == "name":
        return oblast_name(r.iso, language(), value)
    if isinstance(r, SettlementChange) and name == "name":
        return settlement_name_by_unit(value, r.admin1_iso, language())
    if isinstance(r, ZoneMetrics) and name == "name":
        return _(value)  # built-in zone names are in the catalog
    if isinstance(r, ZoneMetrics) and name == "type":
        return _(ZONE_TYPES[value]) if value in ZONE_TYPES else str(value).replace("_", " ")
    if isinstance(r, ZoneMetrics) and name in ZONE_ACTOR_FIELDS:
        return fmt.actor(value) if value else DASH
    return value


def _unit_suffix(unit: str | None) -> str:
    """A header's unit (km², %), in the current language."""
    return {"km²": " " + _("km²"), "%": " %"}.get(unit or "", "")


def oblast_table(m: Metrics) -> pd.DataFrame:
    """Russian-administered area and population per oblast."""
    frame = _rows(m.by_oblast, OblastRow)
    return frame[[frame.columns[1], *frame.columns[:1], *frame.columns[2:]]]  # the name first


def changing_hands_table(m: Metrics) -> pd.DataFrame:
    """Places of 10,000 or more that change hands against the baseline."""
    return _rows(m.settlements_changing_hands, SettlementChange)


def zones_table(m: Metrics) -> pd.DataFrame:
    """Area and population of each zone."""
    return _rows(m.zones, ZoneMetrics)


def compare_table(a: Metrics, b: Metrics) -> pd.DataFrame:
    """Side-by-side measures of two scenarios with the delta B − A (numbers, for sorting and export)."""
    rows = [{"Measure": fmt.label(mm), "Unit": mm.unit, "A": float(a.value(mm.key)), "B": float(b.value(mm.key)),
             "B − A": float(b.value(mm.key)) - float(a.value(mm.key))} for mm in COMPARE_MEASURES]
    return pd.DataFrame(rows, columns=["Measure", "Unit", "A", "B", "B − A"])


def compare_display(a: Metrics, b: Metrics) -> pd.DataFrame:
    """The comparison as formatted text (what the page shows)."""
    return pd.DataFrame({
        _("Measure"): [fmt.label(mm) for mm in COMPARE_MEASURES],
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
        rows.append([settlement_name_by_unit(s.name, s.admin1_iso, language()), s.admin1_iso, s.population,
                     _("A only") if key in moved_a else _("B only"), fmt.side(s.to_side)])
    columns = [_("Place"), _("Unit"), _("Population (GeoNames)"), _("Changes hands in"), _("To")]
    return pd.DataFrame(rows, columns=columns)


def sites_table(m: Metrics) -> pd.DataFrame:
    """The named sites: their side in the scenario and on the baseline, the zones holding them, and the scenario's
    status for each (who administers and operates it, demilitarized, output shares)."""
    uk = language() == "uk"
    rows = []
    for site in m.sites:
        status = [_("administered by {who}").format(who=fmt.actor(site.administered_by)) if site.administered_by else "",
                  _("operated by {who}").format(who=fmt.actor(site.operated_by)) if site.operated_by else "",
                  _("demilitarized") if site.demilitarized else "",
                  ", ".join(f"{fmt.actor(k)} {fmt.pct(100 * v, 0)}" for k, v in (site.output_share or {}).items())]
        rows.append({_("Site"): site.name_uk if uk and site.name_uk else site.name,
                     _("In the scenario"): fmt.side(site.side), _("On the baseline"): fmt.side(site.baseline_side),
                     _("Zones containing it"): ", ".join(_(z) for z in site.zones) or DASH,
                     _("Status in the scenario"): "; ".join(x for x in status if x) or DASH,
                     _("Note"): site.note or DASH})
    return pd.DataFrame(rows)


def monitoring_table(m: Metrics) -> pd.DataFrame:
    """What monitoring the scenario at its widths would take: the line, the zones and the force estimate."""
    mon = m.monitoring
    rows = [(_("Line to monitor"), fmt.km(mon.line_km)),
            (_("Zones to monitor (DMZ, buffer, security zones)"), fmt.km2(mon.zone_km2)),
            (_("Monitoring force (estimate)"),
             _("{low} to {high} people").format(low=fmt.people(mon.troops_low), high=fmt.people(mon.troops_high)))]
    return pd.DataFrame(rows, columns=[_("Measure"), _("Value")])


def missions_table(m: Metrics) -> pd.DataFrame:
    """The reference missions the monitoring estimate scales from."""
    rows = [{_("Mission"): x.mission, _("Year"): str(x.year), _("Personnel"): fmt.count(x.personnel or 0),
             _("Personnel per km of line"): fmt.decimal(x.per_line_km, 1) if x.per_line_km else DASH,
             _("Personnel per km² of zone"): fmt.decimal(x.per_km2, 2) if x.per_km2 else DASH,
             _("Source"): x.source} for x in m.monitoring.missions]
    return pd.DataFrame(rows)
