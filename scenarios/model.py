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
from pydantic import (AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError, field_validator,
                      model_validator)

from scenarios.errors import ScenarioError  # noqa: F401  (re-exported)
from scenarios.values import (DATE, DMZ_MAX_KM, RADIUS_MAX_KM, SLUG, control_date, control_ref,  # noqa: F401
                              dmz_width_km, scenario_id)

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


DmzWidthKm = Annotated[float, AfterValidator(dmz_width_km)]


class Dmz(_Node):
    ukrainian_side_km: DmzWidthKm = 0.0
    russian_side_km: DmzWidthKm = 0.0


class Zone(_Node):
    name: Text = Field(min_length=1, max_length=120)
    type: Literal["demilitarized", "referendum", "border_buffer"]
    area: Expr | None = None
    width_km: float | None = Field(default=None, gt=0, le=DMZ_MAX_KM)
    description: Text = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _shape(self):
        if self.type == "border_buffer" and self.width_km is None:
            raise ValueError("a border_buffer zone needs width_km (its width along the Russia-Ukraine border)")
        if self.type != "border_buffer" and self.area is None:
            raise ValueError(f"a {self.type} zone needs an area expression")
        return self


class Scenario(_Node):
    id: str = Field(max_length=64)
    title: Text = Field(min_length=1, max_length=200)
    summary: Text = Field(min_length=1, max_length=4000)
    provenance: Provenance
    baseline: ControlRef = "2025-02-12"
    territory: Expr
    dmz: Dmz = Dmz()
    zones: list[Zone] = Field(default_factory=list, max_length=20)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        try:
            return scenario_id(value)
        except ScenarioError:
            raise ValueError("must be a slug: lowercase letters, digits and single hyphens, at most 64 characters") from None

    @model_validator(mode="after")
    def _zone_names(self):
        names = [z.name for z in self.zones]
        if len(set(names)) != len(names):
            raise ValueError("zone names must be unique")
        return self


def _one_line(exc: ValidationError, source: str) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(part) for part in err["loc"] if not str(part).startswith("function-"))
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = f"unknown key {str(err['loc'][-1])!r}; see the scenario format in the README"
    elif err["type"] == "missing":
        msg = "required key is missing"
    more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return f"{source}: {loc or 'scenario'}: {msg}{more}"


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
        text = _long_string(value) if isinstance(value, str) else _inline(value, 0)
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


def _inline(value, indent: int) -> str:
    """A TOML inline value; a list holding tables that is too long for a line is broken one item a line."""
    if isinstance(value, dict):
        body = ", ".join(f"{_key(k)} = {_inline(v, indent)}" for k, v in value.items())
        return f"{{ {body} }}" if body else "{}"
    if not isinstance(value, list):
        return _scalar(value)
    flat = "[" + ", ".join(_inline(v, indent) for v in value) + "]"
    if "\n" not in flat and (len(flat) + indent <= _LINE_CHARS or not any(isinstance(v, dict) for v in value)):
        return flat
    pad = " " * (indent + 4)
    items = "".join(f"{pad}{_inline(v, indent + 4)},\n" for v in value)
    return f"[\n{items}{' ' * indent}]"
