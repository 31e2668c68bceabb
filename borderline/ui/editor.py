"""The scenario editor's form as data, and its translation to and from a Scenario (no Streamlit here).

The form builds a territory from the primitives of the scenario format:

    Russian-administered = ( control area on a date (optionally only in some oblasts)
                           ∪ whole oblasts
                           ∪ (some oblasts ∩ one bank of the Dnieper, or that whole bank)
                           ∪ uploaded areas )
                           − cities Ukraine holds (each a perimeter of a radius)
                           − the control area on a date (for zones: "the part Ukraine held")

and zones from the same pieces (or a width along the Russian border).
``from_scenario`` reads back any scenario: an expression of that shape fills the
form's fields; any other (nested differences, intersections and unions of any
depth) is kept as its inline TOML text (``AreaDraft.expression``), which the form
shows as a tree beside an editable text box.

The preview needs only the territory (``preview_scenario``: the metadata is a
placeholder until it is given); a save checks everything (``problems`` lists every
problem in plain words).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import tomllib
import typing

from pydantic import ValidationError

from borderline.i18n import _
from borderline.ui.days import Calendar, from_widget
from geo.messages import N_
from scenarios.model import Scenario, ScenarioError, Zone, inline_toml, scenario_from_dict
from scenarios.values import ADMINISTRATORS, ENTRY, RECOGNIZED_AS, STATUSES  # noqa: F401  (the form's choices)

# The zone types the model knows (new ones appear here when the model gains them).
ZONE_TYPES = typing.get_args(Zone.model_fields["type"].annotation)
BANKS = ("left", "right")
WIDTH_ZONES = ("border_buffer",)  # zone types measured by a width along the Russian border, not an area


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
    expression: str = ""  # an expression the fields cannot show, as inline TOML (``union = [...]``); wins if set

    def is_empty(self) -> bool:
        return not (self.control or self.oblasts or self.bank_oblasts or self.bank_whole or self.uploads
                    or self.expression.strip())


ZONE_SHAPES = ("area", "band")  # a zone other than a border_buffer is an area, or a band along the new line
ZONE_FACTS = ("administered_by", "recognized_as", "entry", "monitored_by")  # optional keys of a zone
ZONE_CHOICES = {"administered_by": ADMINISTRATORS, "recognized_as": RECOGNIZED_AS, "entry": ENTRY}


@dataclass
class ZoneDraft:
    name: str = ""
    type: str = "demilitarized"
    area: AreaDraft = field(default_factory=AreaDraft)
    width_km: float = 20.0
    description: str = ""
    shape: str = "area"  # or "band"
    band_ua_km: float = 5.0
    band_ru_km: float = 5.0
    band_within: list[str] = field(default_factory=list)  # oblasts the band is limited to (empty: the whole line)
    facts: dict = field(default_factory=dict)  # administered_by, recognized_as, entry, monitored_by (when given)
    extra: str = ""  # other keys as TOML (a band of parameters, a band within a nested expression)


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
    status: str = "analysis"
    reported_by: str = ""
    key_phrase: str = ""
    conflicts: str = ""
    extra: str = ""  # the scenario's other tables as TOML ([[parameters]], [recognition], [[sites]], a DMZ of params)


def slugify(text: str, max_chars: int = 64) -> str:
    """A scenario id from a title: lowercase ASCII letters, digits and single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:max_chars].rstrip("-")


def expression_text(node: dict) -> str:
    """An expression as the inline TOML the form's text box holds (``union = [ ... ]``)."""
    return "\n".join(f"{key} = {inline_toml(value)}" for key, value in node.items())


def parse_expression(text: str, where: str) -> dict:
    """The expression a text box holds, or ScenarioError saying in plain words what is wrong."""
    try:
        node = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(_("{where}: the expression is not valid TOML ({detail}); write it as in the "
                              "README, such as union = [{{ admin1 = [\"UA-14\"] }}]").format(where=where, detail=exc))
    if len(node) != 1:
        raise ScenarioError(_("{where}: the expression must have exactly one key, such as union, intersection, "
                              "difference or admin1").format(where=where))
    return node


def area_expression(area: AreaDraft, where: str) -> dict:
    """The expression (a TOML table) of an area, or ScenarioError when it is empty."""
    if area.expression.strip():
        return parse_expression(area.expression, where)
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
        raise ScenarioError(_("{where}: choose at least one oblast, a control area or an uploaded area")
                            .format(where=where))
    expr = parts[0] if len(parts) == 1 else {"union": parts}
    minus = [{"city": {"name": name.strip(), "radius_km": float(radius)}} for name, radius in area.cities
             if name and name.strip()]
    if area.minus_control:
        minus.append({"control": area.minus_control})
    return {"difference": [expr, *minus]} if minus else expr


PLACEHOLDER = {"id": "draft", "title": "Draft", "summary": "Draft.",
               "provenance": {"proposed_by": "draft", "date": "draft", "source": "draft"}}
NOT_SHOWN = {"type": "Polygon", "coordinates": [[[0, 0], [0, 0], [0, 0], [0, 0]]]}  # stands in for a broken area


def _zone_dict(i: int, z: ZoneDraft, broken: list[str] | None) -> dict:
    zone = {"name": z.name.strip() or _("Zone {n}").format(n=i + 1), "type": z.type}
    if z.description.strip():
        zone["description"] = z.description.strip()
    where = _("Zone {n} ({name})").format(n=i + 1, name=zone["name"])
    zone.update({k: v for k, v in z.facts.items() if v not in (None, "")})
    extra = _checked_extra(z.extra, where, broken)
    if z.type in WIDTH_ZONES:
        zone["width_km"] = float(z.width_km)
    elif "band" in extra or "area" in extra:
        pass
    elif z.shape == "band":
        band = {"ukrainian_side_km": float(z.band_ua_km), "russian_side_km": float(z.band_ru_km)}
        if z.band_within:
            band["within"] = {"admin1": list(dict.fromkeys(z.band_within))}
        zone["band"] = band
    else:
        zone["area"] = _checked_area(z.area, where, broken)
    zone.update(extra)
    return zone


def _checked_extra(text: str, where: str, broken: list[str] | None) -> dict:
    """The keys a TOML text box holds (empty if blank); a problem is noted in ``broken`` or raised."""
    if not text.strip():
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = _("{where}: the other parts are not valid TOML ({detail})").format(where=where, detail=exc)
        if broken is None:
            raise ScenarioError(message) from None
        broken.append(message)
        return {}


def _checked_area(area: AreaDraft, where: str, broken: list[str] | None) -> dict:
    """The area's expression; when ``broken`` is a list, a problem is noted there instead of raised."""
    if broken is None:
        return area_expression(area, where)
    try:
        return area_expression(area, where)
    except ScenarioError as exc:
        broken.append(str(exc))
        return {"geojson": NOT_SHOWN}


def to_dict(d: Draft, broken: list[str] | None = None) -> dict:
    """The scenario table of a draft (what its TOML holds); see ``_checked_area`` for ``broken``."""
    zones = [_zone_dict(i, z, broken) for i, z in enumerate(d.zones)]
    provenance = {"proposed_by": d.proposed_by.strip(), "date": d.date.strip(), "source": d.source.strip()}
    provenance.update({k: getattr(d, k).strip() for k in PROVENANCE_EXTRAS if getattr(d, k).strip()})
    data = {
        "id": d.id.strip(),
        "title": d.title.strip(),
        "summary": d.summary.strip(),
        "status": d.status,
        "baseline": d.baseline,
        "provenance": provenance,
        "territory": _checked_area(d.territory, _("Russian-administered territory"), broken),
        "dmz": {"ukrainian_side_km": float(d.ua_km), "russian_side_km": float(d.ru_km)},
        "zones": zones,
    }
    data.update(_checked_extra(d.extra, _("Other parts of the scenario"), broken))
    return data


PROVENANCE_EXTRAS = ("reported_by", "key_phrase", "conflicts")


def overridden(extra: str) -> set[str]:
    """The form's keys (``dmz``, ``baseline``…) that the "other parts" TOML sets, which win over the fields."""
    try:
        return set(tomllib.loads(extra or "")) & set(SHOWN)
    except tomllib.TOMLDecodeError:
        return set()
SHOWN = ("id", "title", "summary", "status", "baseline", "provenance", "territory", "dmz", "zones")


def to_scenario(d: Draft) -> Scenario:
    """A validated Scenario from a draft, or ScenarioError with a one-line message."""
    return scenario_from_dict(to_dict(d), "editor")


def preview_scenario(d: Draft) -> Scenario:
    """The scenario the preview draws: the draft's territory, widths and zones, whatever its metadata."""
    data = {**to_dict(d), **PLACEHOLDER}  # the same text whatever the title: a title edit re-uses the evaluation
    return scenario_from_dict(data, "editor")


FIELDS = {"id": N_("Id"), "title": N_("Title"), "summary": N_("Summary"), "proposed_by": N_("Proposed by"),
          "date": N_("Date"), "source": N_("Source"), "baseline": N_("Baseline control date"),
          "territory": N_("Russian-administered territory"), "ukrainian_side_km": N_("DMZ, Ukrainian side"),
          "russian_side_km": N_("DMZ, Russian side"), "name": N_("name"), "type": N_("type"),
          "width_km": N_("width"), "description": N_("description"), "area": N_("area")}


def _where(loc: tuple) -> str:
    """A validation error's location in the form's words, such as "Zone 2 name" or "Proposed by"."""
    parts = [str(p) for p in loc if not str(p).startswith("function-")]
    if parts[:1] == ["zones"] and len(parts) > 1 and parts[1].isdigit():
        zone = _("Zone {n}").format(n=int(parts[1]) + 1)
        field_name = next((FIELDS[p] for p in parts[2:] if p in FIELDS), "")
        return f"{zone} {_(field_name)}".strip()
    if "territory" in parts:
        return _(FIELDS["territory"])
    known = [p for p in parts if p in FIELDS]
    return _(FIELDS[known[-1]]) if known else _("The scenario")


def _plain(err: dict) -> str:
    """A pydantic error in plain words."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if err["loc"][:1] == ("id",) and err.get("input") == "":
        return _("is empty; give a title (the id is made from it) or type an id")
    if kind in ("missing",) or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return _("is empty; fill it in")
    if kind == "string_too_short":
        return _("is too short: write at least {n} characters").format(n=ctx.get("min_length"))
    if kind == "string_too_long":
        return _("is too long: at most {n} characters").format(n=ctx.get("max_length"))
    if kind == "string_pattern_mismatch" and "UA-" in str(ctx.get("pattern", "")):
        return _("{value!r} is not an oblast code such as UA-14").format(value=err.get("input"))
    if kind in ("less_than_equal", "greater_than", "greater_than_equal", "less_than"):
        return _("is out of range ({detail})").format(detail=err["msg"].lower())
    return _(err["msg"].removeprefix("Value error, "))


def problems(d: Draft, metadata: bool = True) -> list[str]:
    """Every problem of a draft, one plain sentence each (empty when it is a valid scenario).

    ``metadata=False`` leaves out what only a save needs (id, title, summary, provenance).
    """
    broken: list[str] = []
    data = to_dict(d, broken)
    if not metadata:
        data = {**data, **PLACEHOLDER}  # an id or date still being typed does not hold up the preview
    try:
        Scenario.model_validate(data)
    except ValidationError as exc:
        seen = set()
        for err in exc.errors():
            line = f"{_where(err['loc'])}: {_plain(err)}"
            if line not in seen and not _in_placeholder(err, broken):
                seen.add(line)
                broken.append(line)
    return broken


def toml_problems(text: str) -> list[str]:
    """Every problem of a scenario's TOML text, one line each, named by its key path (empty when valid
    or when the text is not TOML, whose single problem the parser's message says)."""
    try:
        Scenario.model_validate(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, RecursionError):  # tomllib recurses on nested arrays
        return []
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-")) or _("scenario")
            lines.append(f"{loc}: {_plain(err)}")
        return list(dict.fromkeys(lines))
    return []


def _in_placeholder(err: dict, broken: list[str]) -> bool:
    """Whether an error is about a stand-in for an area already reported as broken."""
    return bool(broken) and "geojson" in [str(p) for p in err["loc"]]


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
    """The form's area for an expression: its fields when it has the editor's shape, else its TOML text."""
    try:
        return fields_from_expression(node)
    except (NotEditable, KeyError, TypeError, ValueError):
        return AreaDraft(expression=expression_text(node))


def shown_day(day: str) -> bool:
    """Whether a date input shows a control day as it is (a plain day or latest, not a pinned source's)."""
    return day == "latest" or bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", day))


def _days_shown(area: AreaDraft) -> AreaDraft:
    if not all(shown_day(d) for d in (area.control, area.minus_control) if d):
        raise NotEditable("a control day of a named source is kept as TOML")
    return area


def fields_from_expression(node: dict) -> AreaDraft:
    """The form's fields for an expression of the editor's shape, or NotEditable."""
    return _days_shown(_fields_from_expression(node))


def _fields_from_expression(node: dict) -> AreaDraft:
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


def _zone_draft(z: dict) -> ZoneDraft:
    """The form of a zone (a model_dump): what its fields cannot show is kept in ``extra``."""
    zone = ZoneDraft(name=z["name"], type=z["type"], description=z.get("description", ""),
                     facts={k: z[k] for k in ZONE_FACTS if k in z})
    extra: dict = {}
    if "width_km" in z:
        if isinstance(z["width_km"], (int, float)):
            zone.width_km = float(z["width_km"])
        else:
            extra["width_km"] = z["width_km"]
    if "area" in z:
        zone.area = area_from_expression(z["area"])
    band = z.get("band")
    if band is not None:
        within = band.get("within")
        plain_widths = all(isinstance(band.get(k, 0.0), (int, float)) for k in ("ukrainian_side_km", "russian_side_km"))
        if plain_widths and (within is None or set(within) == {"admin1"}):
            zone.shape, zone.band_within = "band", list((within or {}).get("admin1", []))
            zone.band_ua_km = float(band.get("ukrainian_side_km", 0.0))
            zone.band_ru_km = float(band.get("russian_side_km", 0.0))
        else:
            extra["band"] = band
    zone.extra = _toml_keys(extra)
    return zone


def _toml_keys(table: dict) -> str:
    """Keys as TOML text in the readable style ("" for none)."""
    return "\n".join(f"{key} = {inline_toml(value)}" for key, value in table.items())


def from_scenario(s: Scenario) -> Draft:
    """The form of a scenario; what its fields cannot show is kept as TOML text (``extra``), never dropped."""
    data = s.model_dump(mode="json", exclude_none=True)
    p = data["provenance"]
    extra = {k: v for k, v in data.items() if k not in SHOWN and v not in ([], None)}
    dmz = data.get("dmz", {})
    numbers = all(isinstance(dmz.get(k, 0.0), (int, float)) for k in ("ukrainian_side_km", "russian_side_km"))
    if not numbers:
        extra["dmz"] = dmz
    baseline = s.baseline
    if not shown_day(baseline):  # a pinned source (deepstate:2026-08-15): the TOML keeps it, the form its day
        extra["baseline"], baseline = baseline, baseline.rpartition(":")[2]
        baseline = baseline if shown_day(baseline) else "latest"
    return Draft(id=s.id, title=s.title, summary=s.summary, proposed_by=p["proposed_by"], date=p["date"],
                 source=p["source"], baseline=baseline, territory=area_from_expression(data["territory"]),
                 ua_km=float(dmz.get("ukrainian_side_km", 0.0)) if numbers else 0.0,
                 ru_km=float(dmz.get("russian_side_km", 0.0)) if numbers else 0.0,
                 zones=[_zone_draft(z) for z in data.get("zones", [])], status=data.get("status", "analysis"),
                 extra=_toml_keys(extra), **{k: p.get(k, "") for k in PROVENANCE_EXTRAS})


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


def area_as_text(values, prefix: str, uploads: dict) -> str:
    """The expression the area's fields describe, as the TOML text box holds it ("" when they are empty)."""
    fields = {**{k: v for k, v in values.items()}, f"{prefix}as_text": False}
    try:
        return expression_text(area_expression(_area_from_values(fields, prefix, uploads), "area"))
    except ScenarioError:
        return ""


def area_values_from_text(text: str, prefix: str, cal: Calendar, upload_key) -> dict:
    """The field values that show an expression, or NotEditable (or ScenarioError) when the fields cannot."""
    area = fields_from_expression(parse_expression(text, _("Expression")))
    return _area_values(prefix, area, cal, upload_key)


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
        expression=values.get(f"{prefix}expr") or "" if values.get(f"{prefix}as_text") else "",
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
                               description=values.get(f"{p}description") or "",
                               shape=values.get(f"{p}shape") or "area",
                               band_ua_km=float(values.get(f"{p}band_ua") or 0.0),
                               band_ru_km=float(values.get(f"{p}band_ru") or 0.0),
                               band_within=list(values.get(f"{p}band_within") or []),
                               facts={k: values.get(f"{p}{k}") for k in ZONE_FACTS if values.get(f"{p}{k}")},
                               extra=values.get(f"{p}extra") or ""))
    return Draft(
        id=(values.get("ed_id") or "").strip() or slugify(title), title=title,
        summary=values.get("ed_summary") or "", proposed_by=values.get("ed_proposed_by") or "",
        date=values.get("ed_date") or "", source=values.get("ed_source") or "",
        baseline=_day(values, "ed_baseline"), territory=_area_from_values(values, TERRITORY, uploads),
        ua_km=float(values.get("ed_ua") or 0.0), ru_km=float(values.get("ed_ru") or 0.0), zones=zones,
        status=values.get("ed_status") or "analysis", extra=values.get("ed_extra") or "",
        **{k: values.get(f"ed_{k}") or "" for k in PROVENANCE_EXTRAS})


def _area_values(prefix: str, area: AreaDraft, cal: Calendar, upload_key) -> dict:
    out = {f"{prefix}control": bool(area.control), **_day_values(f"{prefix}control_date", area.control, cal),
           f"{prefix}control_oblasts": list(area.control_oblasts), f"{prefix}oblasts": list(area.oblasts),
           f"{prefix}bank_oblasts": list(area.bank_oblasts), f"{prefix}bank": area.bank,
           f"{prefix}bank_whole": area.bank_whole, f"{prefix}uploads": [upload_key(g) for g in area.uploads],
           f"{prefix}ncities": len(area.cities), f"{prefix}minus": bool(area.minus_control),
           **_day_values(f"{prefix}minus_date", area.minus_control, cal),
           f"{prefix}as_text": bool(area.expression), f"{prefix}expr": area.expression}
    for i, (name, radius) in enumerate(area.cities):
        out[f"{prefix}city{i}"], out[f"{prefix}radius{i}"] = name, float(radius)
    return out


def values_from_draft(d: Draft, cal: Calendar, upload_key) -> dict:
    """The widget values that show a draft, its days as they are (``cal``: the supported days, ``days.calendar()``).

    ``upload_key(geojson)`` files an inline polygon as an upload.
    """
    out = {f"ed_{k}": getattr(d, k) for k in ("id", "title", "summary", "proposed_by", "date", "source", "status",
                                                "extra", *PROVENANCE_EXTRAS)}
    out.update(_day_values("ed_baseline", d.baseline, cal), ed_ua=float(d.ua_km), ed_ru=float(d.ru_km),
               ed_nzones=len(d.zones))
    out.update(_area_values(TERRITORY, d.territory, cal, upload_key))
    for i, z in enumerate(d.zones):
        p = zone_prefix(i)
        out.update({f"{p}name": z.name, f"{p}type": z.type, f"{p}width": float(z.width_km),
                    f"{p}description": z.description, f"{p}shape": z.shape, f"{p}band_ua": float(z.band_ua_km),
                    f"{p}band_ru": float(z.band_ru_km), f"{p}band_within": list(z.band_within),
                    f"{p}extra": z.extra, **{f"{p}{k}": z.facts.get(k) for k in ZONE_FACTS}})
        out.update(_area_values(p, z.area, cal, upload_key))
    return out


# ---------------------------------------------------------------------------------------------------------
# An expression as a tree in plain words (the form's structured view of what its fields cannot show)

OPERATORS = {"union": N_("all of (union)"), "intersection": N_("the part common to all of (intersection)"),
             "difference": N_("the first, minus the others (difference)")}


def _leaf(key: str, value, oblasts: dict) -> str:
    """One primitive in plain words; ``oblasts`` maps ISO codes to names."""
    if key == "admin1":
        return _("oblasts: {names}").format(names=", ".join(f"{oblasts.get(c, c)} ({c})" for c in value))
    if key == "control":
        return _("the area Russia controlled on {day}").format(day=value)
    if key == "bank":
        return _("the left (east) bank of the Dnieper") if value == "left" else _("the right (west) bank of the "
                                                                                  "Dnieper")
    if key == "city":
        return _("{city} within {km:g} km").format(city=value.get("name", "?"), km=float(value.get("radius_km", 15)))
    if key == "ukraine":
        return _("all of Ukraine")
    if key == "geojson":
        return _("a drawn polygon")
    if key == "geojson_file":
        return _("the polygon in the file {path}").format(path=value)
    return key


def expression_tree(node: dict, oblasts: dict, depth: int = 0) -> list[tuple[int, str]]:
    """An expression as (depth, plain words) rows, the operators' items below them one level deeper.

    The words are raw text: whoever shows them escapes them.
    """
    key, value = next(iter(node.items()))
    if key not in OPERATORS:
        return [(depth, _leaf(key, value, oblasts))]
    rows = [(depth, _(OPERATORS[key]))]
    for item in value:
        rows += expression_tree(item, oblasts, depth + 1) if isinstance(item, dict) and item else []
    return rows
