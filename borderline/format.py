"""The one number style of borderline: km², km, people, shares, signed deltas, dates, tables and the population note.

App, command line, maps, report and exports format every figure through this module, in the current language
(``borderline.i18n``; Ukrainian numbers with Babel's ``uk`` symbols: "9,85 млн", non-breaking space thousands).

- Populations are estimates (2022 resident baseline), so they are shown to three significant figures and
  never as single people: "9.85 million", "850,000", "12,300", "< 1,000" (and "0" when there is none).
- Areas: km² to the nearest 10 from 10,000 up, whole below that, one decimal below 100.
- Shares: one decimal. Deltas: always signed ("+1,230", "−56.0 km²", "±0"); a difference of shares is in
  percentage points ("+1.4 pp").

Machine outputs (JSON, CSV, GeoPackage, GeoJSON) keep the model's values and never pass through here. XLSX
does too: its cells are the model's numbers at full precision, so a spreadsheet can sum, sort and chart them;
``xlsx_number_format`` gives the display format of a unit (the spreadsheet applies its own locale's separators),
and rounding for publication is left to the reader.
"""

from __future__ import annotations

import datetime as dt
import math

from borderline.i18n import _, language
from geo.messages import N_
from scenarios.metrics import POPULATION_NOTE, Measure  # noqa: F401  (POPULATION_NOTE re-exported)

NBSP = "\u00a0"
MINUS = "\u2212"
DASH = "–"  # a missing value
PEOPLE_FLOOR = 1_000  # populations below this are shown as "< 1,000"
# CLDR patterns by number of decimals: grouping and symbols come from Babel's data for the language.
_PATTERNS = {0: "#,##0", 1: "#,##0.0", 2: "#,##0.00", 3: "#,##0.000", 4: "#,##0.0000"}
# Babel locales of borderline's languages.
_LOCALES = {"en": "en", "uk": "uk"}


def _missing(v) -> bool:
    """None, NaN or pandas' NA: no value to show."""
    if v is None or type(v).__name__ in ("NAType", "NaTType"):  # pandas' missing markers
        return True
    try:
        return math.isnan(float(v))
    except (TypeError, ValueError):
        return False


def _locale() -> str:
    return _LOCALES.get(language(), "en")


def decimal(v: float, digits: int = 0) -> str:
    """``v`` with thousands separators and ``digits`` decimals in the current language (1,234.5 / 1 234,5).

    Negative numbers take a true minus sign (−), as every other figure here.
    """
    from babel.numbers import format_decimal

    v = round(float(v), digits)
    text = format_decimal(abs(v), _PATTERNS[digits], locale=_locale())
    return (MINUS + text) if v < 0 and text.strip("0.,") else text


def fmt_number(v: float) -> str:
    """A number with thousands separators, one decimal below 100 (unless whole)."""
    if _missing(v):
        return DASH
    return decimal(v) if abs(v) >= 100 or v == int(v) else decimal(v, 1)


def area_value(v: float) -> str:
    """An area in km² without its unit: nearest 10 from 10,000, whole from 100, else one decimal."""
    if _missing(v):
        return DASH
    a = abs(float(v))
    if a == 0:
        return decimal(0)
    if a >= 10_000:
        return decimal(round(float(v), -1))
    return decimal(v) if a >= 100 else decimal(v, 1)


def km2(v: float) -> str:
    """An area in km², rounded to what the data supports (156,480 km²; 2,345 km²; 12.3 km²)."""
    text = area_value(v)
    return text if text == DASH else f"{text}{NBSP}{_('km²')}"


def km(v: float) -> str:
    """A length in km (whole from 100, else one decimal)."""
    if _missing(v):
        return DASH
    return f"{decimal(v) if abs(v) >= 100 else decimal(v, 1)}{NBSP}{_('km')}"


def sig3(v: float) -> float:
    """``v`` rounded to three significant figures (0 stays 0)."""
    v = float(v)
    if v == 0:
        return 0.0
    return round(v, 2 - int(math.floor(math.log10(abs(v)))))


def _people_abs(a: float) -> str:
    """A non-negative population in words: "< 1,000", "850,000", "9.85 million"."""
    if a == 0:
        return decimal(0)
    if a < PEOPLE_FLOOR:
        return f"<{NBSP}{decimal(PEOPLE_FLOOR)}"
    r = sig3(a)
    if r >= 1e6:
        m = r / 1e6
        digits = 2 if m < 10 else (1 if m < 100 else 0)
        return f"{decimal(m, digits)}{NBSP}{_('million')}"
    return decimal(r)


def people(v: float) -> str:
    """An estimated population: three significant figures, never single people ("9.85 million", "< 1,000")."""
    if _missing(v):
        return DASH
    text = _people_abs(abs(float(v)))
    return (MINUS + text) if float(v) < 0 else text


fmt_population = people  # one style for captions, tables and maps


def count(v: int) -> str:
    """An exact count (places, units, days) with thousands separators."""
    return DASH if _missing(v) else decimal(int(v))


def pct(v: float, digits: int = 1) -> str:
    """A share in per cent, one decimal by default (18.9 %)."""
    if _missing(v):
        return DASH
    return f"{decimal(v, digits)}{NBSP}%"


def _sign(v: float) -> str:
    return "+" if v > 0 else MINUS


def signed(v: float, digits: int = 0) -> str:
    """A delta with its sign (+1,234 / −56 / ±0)."""
    if _missing(v):
        return DASH
    if abs(v) < 10 ** -digits / 2:
        return "±0"
    return _sign(v) + decimal(abs(v), digits)


def signed_people(d: float) -> str:
    """A population delta, signed and rounded like the estimates it comes from (+12,300 / −< 1,000 / ±0)."""
    if _missing(d):
        return DASH
    if d == 0:
        return "±0"
    return _sign(d) + _people_abs(abs(float(d)))


def signed_km2(d: float) -> str:
    """An area delta in km², signed and rounded like areas."""
    if _missing(d):
        return DASH
    text = area_value(abs(d))
    if text.strip("0.,") == "":
        return f"±0{NBSP}{_('km²')}"
    return f"{_sign(d)}{text}{NBSP}{_('km²')}"


def signed_km(d: float) -> str:
    """A length delta in km, signed."""
    if _missing(d):
        return DASH
    digits = 0 if abs(d) >= 100 else 1
    return f"{signed(d, digits)}{NBSP}{_('km')}"


def value(m: Measure, v) -> str:
    """A measure's value, formatted by its unit."""
    if _missing(v):
        return DASH
    if m.unit == "km²":
        return km2(v)
    if m.unit == "km":
        return km(v)
    if m.unit == "%":
        return pct(v)
    if m.unit == "people":
        return people(v)
    return count(v) if isinstance(v, int) or float(v) == int(v) else fmt_number(v)


def bare(m: Measure, v) -> str:
    """A measure's value without its unit, for tables whose header or row label names the unit."""
    if _missing(v):
        return DASH
    if m.unit == "km²":
        return area_value(v)
    if m.unit == "km":
        return decimal(v) if abs(v) >= 100 else decimal(v, 1)
    if m.unit == "%":
        return decimal(v, 1)
    return value(m, v)


def delta(m: Measure, d: float) -> str:
    """A measure's delta, signed: people rounded like the estimates they come from, areas and lengths with units."""
    if m.unit == "people":
        return signed_people(d)
    if m.unit == "%":  # a difference of shares is in percentage points, not per cent of the share
        return signed(d, 1) + f"{NBSP}{_('pp')}"
    if m.unit == "km²":
        return signed_km2(d)
    if m.unit == "km":
        return signed_km(d)
    return signed(d)


def cell(column: str, v) -> str:
    """A table cell by its column header (as ``borderline.ui.tables`` builds them): ``...*`` an estimated
    population, ``... km²`` an area, ``... %`` a share; other numbers with separators; text unchanged."""
    if isinstance(v, str) or v is None:
        return DASH if v is None else v
    if _missing(v):
        return DASH
    column = str(column)
    if column.endswith("*") or column.endswith("(GeoNames)"):
        return people(v)
    if column.endswith(("km²", _("km²"))):
        return area_value(v)
    if column.endswith("%"):
        return decimal(v, 1)
    if isinstance(v, int) or float(v) == int(v):
        return count(v)
    return fmt_number(v)


XLSX_FORMATS = {"km²": "#,##0.0", "km": "#,##0.0", "%": "0.0", "people": "#,##0"}


def xlsx_number_format(unit: str) -> str:
    """The spreadsheet display format of a unit's cells (values stay exact; only the display rounds)."""
    return XLSX_FORMATS.get(unit, "#,##0.###")


def label(m: Measure) -> str:
    """A measure's label in the current language, with ``*`` pointing at the population note for estimates."""
    return _(m.label) + ("*" if m.estimate else "")


def population_note() -> str:
    """The population note in the current language."""
    return _(POPULATION_NOTE)


def fmt_width(width_km: float) -> str:
    """A DMZ width in km, compactly (5, 2.5); also used in file names, so never localized."""
    return f"{width_km:g}"


def fmt_date(iso: str) -> str:
    """``2025-02-12`` as "12 February 2025" ("12 лютого 2025" in Ukrainian; other strings unchanged)."""
    try:
        d = dt.date.fromisoformat(str(iso)[:10]) if len(str(iso)) >= 10 else dt.date.fromisoformat(str(iso))
    except ValueError:
        return iso
    from babel.dates import format_date

    return format_date(d, "d MMMM y", locale=_locale())


def dmz_phrase(ua_km: float, ru_km: float) -> str:
    """The DMZ widths in words."""
    if ua_km == 0 and ru_km == 0:
        return _("no DMZ along the line of contact")
    return _("DMZ {ua} km on the Ukrainian side, {ru} km on the Russian side").format(
        ua=fmt_width(ua_km), ru=fmt_width(ru_km))


SIDES = {"russia": N_("Russian-administered"), "ukraine": N_("Ukrainian-held")}


def side(code: str) -> str:
    """A side code (``russia`` / ``ukraine``) in words, in the current language."""
    return _(SIDES[code]) if code in SIDES else str(code)


ACTORS = {"ukraine": N_("Ukraine"), "russia": N_("Russia"), "united_states": N_("United States"), "iaea": N_("IAEA"),
          "joint": N_("joint"), "international": N_("international"), "none": N_("no one"), "both": N_("both sides"),
          "monitors": N_("monitors")}


def actor(code: str) -> str:
    """An actor code of the scenario model (``russia``, ``iaea``, ``joint``…) as a name in the current language."""
    return _(ACTORS[code]) if code in ACTORS else str(code)


def table(rows: list[tuple], align: str | None = None, gap: int = 2, left: int = 1) -> str:
    """Rows as aligned text (the CLI's tables): the first ``left`` columns left, the others right, ``gap`` spaces
    apart.

    ``align`` gives one letter per column (``l``/``r``) to override that. Widths count characters, so the
    non-breaking spaces of the number style align like spaces.
    """
    if not rows:
        return ""
    n = max(len(r) for r in rows)
    cells = [[str(c) for c in r] + [""] * (n - len(r)) for r in rows]
    align = align or ("l" * left + "r" * max(n - left, 0))
    widths = [max(len(r[i]) for r in cells) for i in range(n)]
    out = []
    for r in cells:
        parts = [c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(r, widths, align)]
        out.append((" " * gap).join(parts).rstrip())
    return "\n".join(out)
