"""The typed scenario model and its TOML form.

A scenario's territory and zones are set expressions: each node is a TOML
table with exactly one key, a primitive or an operator:

    admin1 = ["UA-14", "UA-09"]             admin1 units by ISO 3166-2 code
    control = "2025-02-12"                  the area Russia controlled on that date
    bank = "left"                           a bank of the Dnieper ("left" = east)
    city = { name = "Zaporizhzhia", radius_km = 15 }   a city held, as a perimeter
    geojson = { type = "Polygon", coordinates = [...] } an inline polygon (EPSG:4326)
    geojson_file = "line.geojson"           a GeoJSON file, relative to the scenario file
    ukraine = true                          all of Ukraine's recognized territory
    union = [ ... ]   intersection = [ ... ]   difference = [ first, minus, ... ]
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import tomli_w
from pydantic import (AfterValidator, BaseModel, ConfigDict, Discriminator, Field, PlainSerializer, PlainValidator,
                      StrictBool, Tag, ValidationError, field_validator, model_validator)

from scenarios.errors import ScenarioError  # noqa: F401  (re-exported)
from scenarios.values import (ADMINISTRATORS, DATE, DMZ_MAX_KM, ENTRY, PARAMS_MAX, RADIUS_MAX_KM,  # noqa: F401
                              RECOGNIZED_AS, SITE_ADMINISTRATORS, SLUG, STATUSES, ZONE_TYPES, control_date, control_ref,
                              dmz_width_km, output_share, param_name, param_value, scenario_id)

ISO = re.compile(r"^UA-\d\d$")
MAX_FILE_BYTES = 30 * 1024 * 1024


CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _plain_text(value: str) -> str:
    # Terminal control characters in a title could rewrite the reader's screen; refuse them.
    if CONTROL_CHARS.search(value):
        raise ValueError("must be plain text, without control characters")
    return value


Text = Annotated[str, AfterValidator(_plain_text)]


def _finite_numbers(value: Any, depth: int = 0) -> None:
    if depth > 50:
        raise ValueError("GeoJSON is nested too deeply")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("coordinates must be finite numbers (no nan or inf)")
    if isinstance(value, dict):
        for v in value.values():
            _finite_numbers(v, depth + 1)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _finite_numbers(v, depth + 1)


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Admin1(_Node):
    admin1: list[Annotated[str, Field(pattern=ISO.pattern)]] = Field(min_length=1)


ControlRef = Annotated[str, AfterValidator(control_ref)]


class Control(_Node):
    control: ControlRef


class Bank(_Node):
    bank: Literal["left", "right"]


class CitySpec(_Node):
    name: Text = Field(min_length=1, max_length=200)
    radius_km: float = Field(default=15.0, gt=0, le=RADIUS_MAX_KM)


class City(_Node):
    city: CitySpec


class GeoJSONPolygon(_Node):
    model_config = ConfigDict(extra="allow", frozen=True)
    type: Literal["Polygon", "MultiPolygon", "Feature", "FeatureCollection"]

    @model_validator(mode="before")
    @classmethod
    def _finite(cls, data):
        _finite_numbers(data)
        return data


class GeoJSON(_Node):
    geojson: GeoJSONPolygon


class GeoJSONFile(_Node):
    geojson_file: str = Field(min_length=1, max_length=500)


class Ukraine(_Node):
    ukraine: Literal[True]


class Union_(_Node):
    union: list[Expr]


class Intersection(_Node):
    intersection: list[Expr] = Field(min_length=1)


class Difference(_Node):
    difference: list[Expr] = Field(min_length=1)


_KINDS = {"admin1": Admin1, "control": Control, "bank": Bank, "city": City, "geojson": GeoJSON,
          "geojson_file": GeoJSONFile, "ukraine": Ukraine, "union": Union_, "intersection": Intersection,
          "difference": Difference}


def _kind(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return next(k for k, cls in _KINDS.items() if isinstance(value, cls))
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        return key if key in _KINDS else None
    return None


Expr = Annotated[
    Union[tuple(Annotated[cls, Tag(key)] for key, cls in _KINDS.items())],  # noqa: UP007
    Discriminator(_kind, custom_error_type="expression",
                  custom_error_message=f"an expression is a table with exactly one key: {', '.join(_KINDS)}"),
]
for _cls in (Union_, Intersection, Difference):
    _cls.model_rebuild()


class Provenance(_Node):
    proposed_by: Text = Field(min_length=1, max_length=300)
    date: Text = Field(min_length=4, max_length=40)
    source: Text = Field(min_length=1, max_length=1000)
    reported_by: Text | None = Field(default=None, min_length=1, max_length=1000)  # outlets, where reported
    key_phrase: Text | None = Field(default=None, min_length=1, max_length=1000)  # the quoted key phrase
    conflicts: Text | None = Field(default=None, min_length=1, max_length=2000)  # where reports conflict


def _param_name(value: str) -> str:
    try:
        return param_name(value, "name")
    except ScenarioError as exc:
        raise ValueError(str(exc)) from None


ParamName = Annotated[str, AfterValidator(_param_name)]


class ParamRef(_Node):
    """A width given by a scenario parameter: ``{ param = "pullback_km" }``."""

    param: ParamName


def _width(minimum_exclusive: bool):
    """A validator for a width in km (0–DMZ_MAX_KM; above 0 if ``minimum_exclusive``) or a ``{ param = ... }``."""

    def check(value):
        if isinstance(value, ParamRef):
            return value
        if isinstance(value, dict):
            if set(value) != {"param"}:
                raise ValueError('give a width in km or { param = "name" } naming a declared parameter')
            return ParamRef.model_validate(value)
        km = dmz_width_km(value)
        if minimum_exclusive and km <= 0:
            raise ValueError(f"give a width in km above 0 and at most {DMZ_MAX_KM:.0f}, got {value}")
        return km

    return check


# A width: a number of km, or a reference to a parameter that the scenario declares.
def _dump_width(value):
    return {"param": value.param} if isinstance(value, ParamRef) else value


# (typed Any for pydantic, which would otherwise warn on serialising the union; the value is float | ParamRef)
Width = Annotated[Any, PlainValidator(_width(False)), PlainSerializer(_dump_width)]
PositiveWidth = Annotated[Any, PlainValidator(_width(True)), PlainSerializer(_dump_width)]
DmzWidthKm = Width


class Dmz(_Node):
    ukrainian_side_km: Width = 0.0
    russian_side_km: Width = 0.0


class Parameter(_Node):
    """A value the reader may choose: one of ``choices``, or in ``min``–``max`` (optionally on ``step``s)."""

    name: ParamName
    label: Text = Field(min_length=1, max_length=200)
    unit: Text = Field(default="", max_length=20)
    choices: list[float] | None = Field(default=None, min_length=1, max_length=50)
    min: float | None = None
    max: float | None = None
    step: float | None = Field(default=None, gt=0)
    default: float

    @model_validator(mode="after")
    def _domain(self):
        ranged = self.min is not None or self.max is not None or self.step is not None
        if (self.choices is None) == (not ranged):
            raise ValueError(f"parameter {self.name}: give either choices = [...] or min and max (and optionally step)")
        numbers = [*(self.choices or []), *(x for x in (self.min, self.max, self.step) if x is not None)]
        if not all(math.isfinite(x) for x in numbers):
            raise ValueError(f"parameter {self.name}: choices, min, max and step must be finite numbers")
        if ranged and (self.min is None or self.max is None or self.min > self.max):
            raise ValueError(f"parameter {self.name}: a range needs min and max with min <= max")
        try:
            self.check(self.default)
        except ScenarioError as exc:
            raise ValueError(f"default: {exc}") from None
        return self

    def check(self, value) -> float:
        """The value as a float if this parameter allows it, else ScenarioError naming the allowed values."""
        return param_value(value, self.name, self.choices, self.min, self.max, self.step)

    def values(self) -> list[float]:
        """Every allowed value: the choices, or the range's steps (min and max alone without a step)."""
        if self.choices is not None:
            return list(self.choices)
        if not self.step:
            return [self.min, self.max] if self.min != self.max else [self.min]
        n = int(math.floor((self.max - self.min) / self.step + 1e-9))
        return [self.min + i * self.step for i in range(n + 1)]


class ZoneBand(_Node):
    """A band along the scenario's line of contact: each side its own width in km, restricted to the part of the
    line inside ``within`` (an expression; omitted = the whole line) and clipped to ``within``."""

    ukrainian_side_km: Width = 0.0
    russian_side_km: Width = 0.0
    within: Expr | None = None

    @model_validator(mode="after")
    def _some_width(self):
        if self.ukrainian_side_km == 0.0 and self.russian_side_km == 0.0:
            raise ValueError("a band needs a width above 0 on at least one side (ukrainian_side_km, russian_side_km)")
        return self


class Zone(_Node):
    name: Text = Field(min_length=1, max_length=120)
    type: Literal[ZONE_TYPES]
    area: Expr | None = None
    band: ZoneBand | None = None
    width_km: PositiveWidth | None = None
    description: Text = Field(default="", max_length=2000)
    administered_by: Literal[ADMINISTRATORS] | None = None
    recognized_as: Literal[RECOGNIZED_AS] | None = None  # whose territory the text says it is
    entry: Literal[ENTRY] | None = None  # whose forces may enter
    monitored_by: Text | None = Field(default=None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def _shape(self):
        given = [k for k in ("area", "band", "width_km") if getattr(self, k) is not None]
        if self.width_km is not None and self.type != "border_buffer":
            raise ValueError(f"width_km is for border_buffer zones; give a {self.type} zone an area or a band")
        if self.type == "border_buffer" and not given:
            raise ValueError("a border_buffer zone needs width_km (its width along the Russia-Ukraine border)")
        if not given:
            raise ValueError(f"a {self.type} zone needs an area expression or a band")
        if len(given) > 1:
            raise ValueError(f"a zone has exactly one of area, band or width_km; this one has {' and '.join(given)}")
        return self


class Recognition(_Node):
    """What the text recognizes of the Russian-administered area: de jure, de facto (expressions)."""

    de_jure: Expr | None = None
    de_facto: Expr | None = None


def _known_site(value: str) -> str:
    from scenarios.sites import site_ids

    known = site_ids()
    if value not in known:
        raise ValueError(f"unknown site {value[:60]!r}; known sites (data/sources/sites.toml): {', '.join(known)}")
    return value


def _shares(value: dict) -> dict:
    try:
        return output_share(value)
    except ScenarioError as exc:
        raise ValueError(str(exc)) from None


class SiteStatus(_Node):
    """What a scenario says of a site in data/sources/sites.toml."""

    site: Annotated[str, AfterValidator(_known_site)]
    administered_by: Literal[SITE_ADMINISTRATORS] | None = None
    operated_by: Literal[SITE_ADMINISTRATORS] | None = None
    demilitarized: StrictBool | None = None
    output_share: Annotated[dict[str, float], AfterValidator(_shares)] | None = None
    note: Text = Field(default="", max_length=2000)


def _references(node) -> list[str]:
    """The parameter names referenced anywhere under ``node`` (a model_dump)."""
    if isinstance(node, dict):
        if set(node) == {"param"} and isinstance(node["param"], str):
            return [node["param"]]
        return [name for v in node.values() for name in _references(v)]
    if isinstance(node, list):
        return [name for v in node for name in _references(v)]
    return []


def _substitute(node, values: dict[str, float]):
    if isinstance(node, dict):
        if set(node) == {"param"} and isinstance(node["param"], str):
            return values[node["param"]]
        return {k: _substitute(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, values) for v in node]
    return node


class Scenario(_Node):
    id: str = Field(max_length=64)
    title: Text = Field(min_length=1, max_length=200)
    summary: Text = Field(min_length=1, max_length=4000)
    status: Literal[STATUSES] = "analysis"
    provenance: Provenance
    baseline: ControlRef = "2025-02-12"
    parameters: list[Parameter] = Field(default_factory=list, max_length=PARAMS_MAX)
    territory: Expr
    dmz: Dmz = Dmz()
    zones: list[Zone] = Field(default_factory=list, max_length=20)
    recognition: Recognition | None = None
    sites: list[SiteStatus] = Field(default_factory=list, max_length=50)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        try:
            return scenario_id(value)
        except ScenarioError:
            raise ValueError("must be a slug: lowercase letters, digits and single hyphens, at most 64 characters") from None

    @model_validator(mode="after")
    def _unique_names(self):
        for what, names in (("zone names", [z.name for z in self.zones]),
                            ("parameter names", [p.name for p in self.parameters]),
                            ("sites", [s.site for s in self.sites])):
            if len(set(names)) != len(names):
                raise ValueError(f"{what} must be unique; {next(n for n in names if names.count(n) > 1)!r} repeats")
        return self

    @model_validator(mode="after")
    def _declared_parameters(self):
        declared = {p.name: p for p in self.parameters}
        for name in self.references():
            if name not in declared:
                hint = f"declared: {', '.join(declared)}" if declared else "declare it under [[parameters]]"
                raise ValueError(f"a width refers to {{ param = {name!r} }}, an undeclared parameter; {hint}")
        for name in self.references():
            p = declared[name]
            for value in p.choices if p.choices is not None else (p.min, p.max):
                if not 0.0 <= value <= DMZ_MAX_KM:
                    raise ValueError(f"parameter {name} is used as a width: its values must be between 0 and "
                                     f"{DMZ_MAX_KM:.0f} km, got {value:g}")
        return self

    def references(self) -> list[str]:
        """The parameter names this scenario's widths refer to, in order of appearance (repeats kept once)."""
        return list(dict.fromkeys(_references(self.model_dump(mode="json", include={"dmz", "zones"}))))

    @property
    def param_values(self) -> dict[str, float]:
        """Each parameter's value in this scenario (its default; ``with_params`` sets the chosen values as defaults)."""
        return {p.name: p.default for p in self.parameters}

    def with_params(self, values=None) -> Scenario:
        """The concrete scenario: every ``{ param = ... }`` replaced by ``values[name]`` or the parameter's default,
        each value checked by its Parameter (ScenarioError naming the parameter and the allowed values). The
        chosen values become the parameters' defaults, so the result says what it was made with."""
        values = dict(values or {})
        declared = {p.name: p for p in self.parameters}
        unknown = [n for n in values if n not in declared]
        if unknown:
            hint = (f"this scenario's parameters: {', '.join(declared)}" if declared
                    else "this scenario has no parameters")
            raise ScenarioError(f"parameter {unknown[0]}: not a parameter of {self.id}; {hint}")
        chosen = {n: (p.check(values[n]) if n in values else p.default) for n, p in declared.items()}
        if not self.references() and all(chosen[n] == declared[n].default for n in declared):
            return self
        data = _substitute(self.model_dump(mode="json", exclude_none=True), chosen)
        for p in data["parameters"]:
            p["default"] = chosen[p["name"]]
        return scenario_from_dict(data, self.id)


def _problem(err: dict) -> str:
    """One validation problem in plain words: where (a dotted path) and what to do."""
    loc = ".".join(str(part) for part in err["loc"] if not str(part).startswith("function-"))
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = f"unknown key {str(err['loc'][-1])!r}; see the scenario format in the README"
    elif err["type"] == "missing":
        msg = "required key is missing"
    elif err["type"] == "literal_error":
        msg = msg.replace("Input should be", "use")
    return f"{loc or 'scenario'}: {msg}"


def _one_line(exc: ValidationError, source: str) -> str:
    """Every problem of a scenario on one line: the first self-contained, the others after it, joined by "; "."""
    problems = list(dict.fromkeys(_problem(err) for err in exc.errors()))
    return f"{source}: " + "; ".join(problems)


def scenario_from_dict(data: dict, source: str = "<scenario>") -> Scenario:
    """Validate a parsed TOML table into a Scenario, or raise ScenarioError (one line)."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_one_line(exc, source)) from None


def loads(text: str, source: str = "<scenario>") -> Scenario:
    """Parse scenario TOML text."""
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:  # tomllib recurses on nested arrays
        raise ScenarioError(f"{source}: invalid TOML: {exc}") from None
    return scenario_from_dict(data, source)


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario TOML file."""
    path = Path(path)
    if path.exists() and not path.is_file():
        raise ScenarioError(f"{path}: not a regular file; give the path of a .toml file")
    if path.is_file() and path.stat().st_size > MAX_FILE_BYTES:
        raise ScenarioError(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MB; a scenario file is a few KB")
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not UTF-8 text; save the scenario as UTF-8 TOML") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read ({exc.strerror})") from None
    return loads(text, str(path))


def dumps(scenario: Scenario, style: str = "plain") -> str:
    """The scenario as TOML text (round-trips through loads).

    ``style="plain"``: tomli_w's nested tables (the canonical text the app caches evaluations on);
    ``style="readable"``: the inline style of the README and ``scenarios/library/`` (an expression is one
    inline table, its lists broken one item a line), for files people read and edit.
    """
    data = scenario.model_dump(mode="json", exclude_none=True)
    if style == "readable":
        return to_toml_readable(data)
    if style != "plain":
        raise ValueError(f"dumps: unknown style {style!r}; use 'plain' or 'readable'")
    return tomli_w.dumps(data)


# The readable style, used by dumps(style="readable") only.
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_LINE_CHARS = 100  # an inline value longer than this is broken, one list item a line


def to_toml_readable(data: dict) -> str:
    """A scenario table (as from ``model_dump(mode="json")``) as TOML in the library's inline style."""
    lines: list[str] = []
    _table_body(lines, data, [])
    for key, value in data.items():
        if isinstance(value, dict):
            lines += ["", f"[{_key(key)}]"]
            _table_body(lines, value, [key])
    for key, value in data.items():
        if _is_table_list(value):
            for item in value:
                lines += ["", f"[[{_key(key)}]]"]
                _table_body(lines, item, [key])
    return "\n".join(lines).lstrip("\n") + "\n"


def _is_table_list(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _is_expression(value) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _KINDS


def _table_body(lines: list[str], table: dict, path: list[str]) -> None:
    """The ``key = value`` lines of a table; at the top level, sub-tables and table lists come later,
    and in a table list an expression (a zone's area) becomes a sub-table ``[zones.area]``."""
    top, subtables = not path, []
    for key, value in table.items():
        if top and (isinstance(value, dict) or _is_table_list(value) or value == []):
            continue  # tables come after the keys; an empty list is the default
        if len(path) == 1 and not top and _is_expression(value) and path[0] != "territory":
            subtables.append((key, value))
            continue
        text = _long_string(value) if isinstance(value, str) else _inline(value, 0, len(_key(key)) + 3)
        lines.append(f"{_key(key)} = {text}")
    for key, value in subtables:
        lines += ["", f"[{'.'.join(_key(k) for k in [*path, key])}]"]
        _table_body(lines, value, [*path, key, "_"])


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _string(key)


def _string(text: str) -> str:
    import json

    # A JSON string is a TOML basic string, except that TOML also forbids DEL unescaped.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _long_string(text: str) -> str:
    """A string, as a multi-line string whose lines end in a backslash when it is too long for one line."""
    escaped = _string(text)[1:-1]
    if len(escaped) <= _LINE_CHARS:
        return f'"{escaped}"'
    rows, row = [], ""
    for word in re.split(r"(?<= )(?=[^ ])", escaped):  # break after a space, before a non-space only
        if row and len(row) + len(word) > _LINE_CHARS:
            rows.append(row)
            row = ""
        row += word
    rows.append(row)
    # A line-ending backslash drops the newline and the next line's leading spaces, which never start a row.
    return '"""' + "\\\n".join(rows) + '"""'


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def inline_toml(value) -> str:
    """A value (an expression, a list, a scalar) as a TOML inline value in the readable style."""
    return _inline(value, 0)


def _inline(value, indent: int, lead: int = 0) -> str:
    """A TOML inline value; a list holding tables that is too long for a line is broken one item a line.

    ``indent``: the indentation of the line the value is on; ``lead``: the characters before it on that line.
    """
    if isinstance(value, dict):
        body = ", ".join(f"{_key(k)} = {_inline(v, indent, lead + len(k) + 5)}" for k, v in value.items())
        return f"{{ {body} }}" if body else "{}"
    if not isinstance(value, list):
        return _scalar(value)
    flat = "[" + ", ".join(_inline(v, indent) for v in value) + "]"
    fits = len(flat) + indent + lead <= _LINE_CHARS
    if "\n" not in flat and (fits or not any(isinstance(v, dict) for v in value)):
        return flat
    pad = " " * (indent + 4)
    items = "".join(f"{pad}{_inline(v, indent + 4)},\n" for v in value)
    return f"[\n{items}{' ' * indent}]"
