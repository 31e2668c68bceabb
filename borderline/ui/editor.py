"""The scenario editor's form as data, and its translation to and from a Scenario (no Streamlit here).

The form builds a territory from the primitives of the scenario format:

    Russian-administered = ( control area on a date (optionally only in some oblasts)
                           ∪ whole oblasts
                           ∪ (some oblasts ∩ one bank of the Dnieper, or that whole bank)
                           ∪ uploaded areas )
                           − cities Ukraine holds (each a perimeter of a radius)
                           − the control area on a date (for zones: "the part Ukraine held")

and zones from the same pieces (or a width along the Russian border).
``from_scenario`` reads back any scenario whose expressions have that shape,
so a scenario saved from the editor opens in it again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from borderline.ui.days import Calendar, from_widget
from scenarios.model import Scenario, ScenarioError, scenario_from_dict

ZONE_TYPES = ("demilitarized", "referendum", "border_buffer")
BANKS = ("left", "right")


@dataclass
class AreaDraft:
    """An area from the primitives. ``uploads`` are GeoJSON geometries (EPSG:4326)."""

    control: str | None = None  # a control date
    control_oblasts: list[str] = field(default_factory=list)  # limit the control area to these (empty: all)
    oblasts: list[str] = field(default_factory=list)
    bank_oblasts: list[str] = field(default_factory=list)
    bank: str = "left"
    bank_whole: bool = False  # the whole bank, not only bank_oblasts
    uploads: list[dict] = field(default_factory=list)
    cities: list[tuple[str, float]] = field(default_factory=list)  # (name, radius km), taken out
    minus_control: str | None = None  # take out the control area on this date

    def is_empty(self) -> bool:
        return not (self.control or self.oblasts or self.bank_oblasts or self.bank_whole or self.uploads)


@dataclass
class ZoneDraft:
    name: str = ""
    type: str = "demilitarized"
    area: AreaDraft = field(default_factory=AreaDraft)
    width_km: float = 20.0
    description: str = ""


@dataclass
class Draft:
    """Everything the editor form holds."""

    id: str = ""
    title: str = ""
    summary: str = ""
    proposed_by: str = ""
    date: str = ""
    source: str = ""
    baseline: str = "2025-02-12"
    territory: AreaDraft = field(default_factory=AreaDraft)
    ua_km: float = 0.0
    ru_km: float = 0.0
    zones: list[ZoneDraft] = field(default_factory=list)


def slugify(text: str, max_chars: int = 64) -> str:
    """A scenario id from a title: lowercase ASCII letters, digits and single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:max_chars].rstrip("-")


def area_expression(area: AreaDraft, where: str) -> dict:
    """The expression (a TOML table) of an area, or ScenarioError when it is empty."""
    parts: list[dict] = []
    if area.control and area.control_oblasts:
        parts.append({"intersection": [{"control": area.control},
                                       {"admin1": list(dict.fromkeys(area.control_oblasts))}]})
    elif area.control:
        parts.append({"control": area.control})
    if area.oblasts:
        parts.append({"admin1": list(dict.fromkeys(area.oblasts))})
    if area.bank_whole:
        parts.append({"bank": area.bank})
    elif area.bank_oblasts:
        parts.append({"intersection": [{"admin1": list(dict.fromkeys(area.bank_oblasts))}, {"bank": area.bank}]})
    parts += [{"geojson": g} for g in area.uploads]
    if not parts:
        raise ScenarioError(f"{where}: choose at least one oblast, a control area or an uploaded area")
    expr = parts[0] if len(parts) == 1 else {"union": parts}
    minus = [{"city": {"name": name.strip(), "radius_km": float(radius)}} for name, radius in area.cities
             if name and name.strip()]
    if area.minus_control:
        minus.append({"control": area.minus_control})
    return {"difference": [expr, *minus]} if minus else expr


def to_dict(d: Draft) -> dict:
    """The scenario table of a draft (what its TOML holds)."""
    zones = []
    for i, z in enumerate(d.zones):
        zone = {"name": z.name.strip() or f"Zone {i + 1}", "type": z.type}
        if z.description.strip():
            zone["description"] = z.description.strip()
        if z.type == "border_buffer":
            zone["width_km"] = float(z.width_km)
        else:
            zone["area"] = area_expression(z.area, f"zone {i + 1} ({zone['name']})")
        zones.append(zone)
    return {
        "id": d.id.strip(),
        "title": d.title.strip(),
        "summary": d.summary.strip(),
        "baseline": d.baseline,
        "provenance": {"proposed_by": d.proposed_by.strip(), "date": d.date.strip(), "source": d.source.strip()},
        "territory": area_expression(d.territory, "territory"),
        "dmz": {"ukrainian_side_km": float(d.ua_km), "russian_side_km": float(d.ru_km)},
        "zones": zones,
    }


def to_scenario(d: Draft) -> Scenario:
    """A validated Scenario from a draft, or ScenarioError with a one-line message."""
    return scenario_from_dict(to_dict(d), "editor")


# ---------------------------------------------------------------------------------------------------------
# Reading a scenario back into the form


class NotEditable(ValueError):
    """The scenario uses expressions the form cannot show."""


def _primitive(node: dict, area: AreaDraft) -> None:
    pair = _pair(node.get("intersection"))
    if "control" in node and area.control is None:
        area.control = node["control"]
    elif "admin1" in node:
        area.oblasts += node["admin1"]
    elif "geojson" in node:
        area.uploads.append(node["geojson"])
    elif "bank" in node and not (area.bank_oblasts or area.bank_whole):
        area.bank, area.bank_whole = node["bank"], True
    elif pair == ("admin1", "bank") and not (area.bank_oblasts or area.bank_whole):
        first, second = node["intersection"]
        area.bank_oblasts, area.bank = list(first["admin1"]), second["bank"]
    elif pair == ("control", "admin1") and area.control is None:
        first, second = node["intersection"]
        area.control, area.control_oblasts = first["control"], list(second["admin1"])
    else:
        raise NotEditable(f"the form cannot show {next(iter(node))!r} there")


def _pair(items) -> tuple[str, str] | None:
    """The keys of a two-item intersection, such as ("admin1", "bank")."""
    if not isinstance(items, list) or len(items) != 2 or not all(isinstance(i, dict) and len(i) == 1 for i in items):
        return None
    return next(iter(items[0])), next(iter(items[1]))


def area_from_expression(node: dict) -> AreaDraft:
    """The form's area for an expression of the editor's shape, or NotEditable."""
    area = AreaDraft()
    if "difference" in node:
        first, *rest = node["difference"]
        for item in rest:
            if "city" in item:
                area.cities.append((item["city"]["name"], float(item["city"].get("radius_km", 15.0))))
            elif "control" in item and area.minus_control is None:
                area.minus_control = item["control"]
            else:
                raise NotEditable("the form can take only cities and a control area out of an area")
        node = first
    for part in node["union"] if "union" in node else [node]:
        if not isinstance(part, dict) or len(part) != 1:
            raise NotEditable("unexpected expression")
        _primitive(part, area)
    return area


def from_scenario(s: Scenario) -> Draft:
    """The form of a scenario, or NotEditable when its expressions do not have the editor's shape."""
    data = s.model_dump(mode="json", exclude_none=True)
    zones = []
    for z in data.get("zones", []):
        area = area_from_expression(z["area"]) if "area" in z else AreaDraft()
        zones.append(ZoneDraft(name=z["name"], type=z["type"], area=area, width_km=float(z.get("width_km") or 20.0),
                               description=z.get("description", "")))
    p = data["provenance"]
    return Draft(id=s.id, title=s.title, summary=s.summary, proposed_by=p["proposed_by"], date=p["date"],
                 source=p["source"], baseline=s.baseline, territory=area_from_expression(data["territory"]),
                 ua_km=s.dmz.ukrainian_side_km, ru_km=s.dmz.russian_side_km, zones=zones)


# ---------------------------------------------------------------------------------------------------------
# The form's widget values (keys ``ed_*``) to and from a draft. ``values`` is any mapping, such as
# st.session_state; ``uploads`` maps an uploaded area's key to its GeoJSON geometry.

TERRITORY = "ed_t_"


def zone_prefix(i: int) -> str:
    return f"ed_z{i}_"


def _day(values, key: str) -> str:
    """The day a date input (``key``, a datetime.date) and its "latest" switch (``key_latest``) say."""
    value = values.get(key)
    if value is None and not values.get(f"{key}_latest"):
        return ""
    return from_widget(bool(values.get(f"{key}_latest")), value)


def _day_values(key: str, day: str | None, cal: Calendar) -> dict:
    """The values of a date input and its "latest" switch that show ``day`` (its own day, never another)."""
    if not day:
        return {key: cal.last_date, f"{key}_latest": False}
    latest, shown = cal.widget(day)
    return {key: shown, f"{key}_latest": latest}


def _area_from_values(values, prefix: str, uploads: dict) -> AreaDraft:
    n = int(values.get(f"{prefix}ncities", 0) or 0)
    return AreaDraft(
        control=_day(values, f"{prefix}control_date") or None if values.get(f"{prefix}control") else None,
        control_oblasts=list(values.get(f"{prefix}control_oblasts") or []),
        oblasts=list(values.get(f"{prefix}oblasts") or []),
        bank_oblasts=list(values.get(f"{prefix}bank_oblasts") or []),
        bank=values.get(f"{prefix}bank") or "left",
        bank_whole=bool(values.get(f"{prefix}bank_whole")),
        uploads=[uploads[k] for k in values.get(f"{prefix}uploads") or [] if k in uploads],
        cities=[(values.get(f"{prefix}city{i}") or "", float(values.get(f"{prefix}radius{i}") or 15.0))
                for i in range(n)],
        minus_control=_day(values, f"{prefix}minus_date") or None if values.get(f"{prefix}minus") else None,
    )


def draft_from_values(values, uploads: dict) -> Draft:
    """The draft the editor's widgets describe (the id is made from the title when left empty)."""
    title = (values.get("ed_title") or "").strip()
    zones = []
    for i in range(int(values.get("ed_nzones", 0) or 0)):
        p = zone_prefix(i)
        zones.append(ZoneDraft(name=values.get(f"{p}name") or "", type=values.get(f"{p}type") or "demilitarized",
                               area=_area_from_values(values, p, uploads),
                               width_km=float(values.get(f"{p}width") or 20.0),
                               description=values.get(f"{p}description") or ""))
    return Draft(
        id=(values.get("ed_id") or "").strip() or slugify(title), title=title,
        summary=values.get("ed_summary") or "", proposed_by=values.get("ed_proposed_by") or "",
        date=values.get("ed_date") or "", source=values.get("ed_source") or "",
        baseline=_day(values, "ed_baseline"), territory=_area_from_values(values, TERRITORY, uploads),
        ua_km=float(values.get("ed_ua") or 0.0), ru_km=float(values.get("ed_ru") or 0.0), zones=zones)


def _area_values(prefix: str, area: AreaDraft, cal: Calendar, upload_key) -> dict:
    out = {f"{prefix}control": bool(area.control), **_day_values(f"{prefix}control_date", area.control, cal),
           f"{prefix}control_oblasts": list(area.control_oblasts), f"{prefix}oblasts": list(area.oblasts),
           f"{prefix}bank_oblasts": list(area.bank_oblasts), f"{prefix}bank": area.bank,
           f"{prefix}bank_whole": area.bank_whole, f"{prefix}uploads": [upload_key(g) for g in area.uploads],
           f"{prefix}ncities": len(area.cities), f"{prefix}minus": bool(area.minus_control),
           **_day_values(f"{prefix}minus_date", area.minus_control, cal)}
    for i, (name, radius) in enumerate(area.cities):
        out[f"{prefix}city{i}"], out[f"{prefix}radius{i}"] = name, float(radius)
    return out


def values_from_draft(d: Draft, cal: Calendar, upload_key) -> dict:
    """The widget values that show a draft, its days as they are (``cal``: the supported days, ``days.calendar()``).

    ``upload_key(geojson)`` files an inline polygon as an upload.
    """
    out = {f"ed_{k}": getattr(d, k) for k in ("id", "title", "summary", "proposed_by", "date", "source")}
    out.update(_day_values("ed_baseline", d.baseline, cal), ed_ua=float(d.ua_km), ed_ru=float(d.ru_km),
               ed_nzones=len(d.zones))
    out.update(_area_values(TERRITORY, d.territory, cal, upload_key))
    for i, z in enumerate(d.zones):
        p = zone_prefix(i)
        out.update({f"{p}name": z.name, f"{p}type": z.type, f"{p}width": float(z.width_km),
                    f"{p}description": z.description})
        out.update(_area_values(p, z.area, cal, upload_key))
    return out
