"""The values a scenario is parameterised by, each validated in one place: DMZ widths, control dates, ids.

The limits live here and nowhere else: the model, the engine, the command line
and the app's sliders all read ``DMZ_MAX_KM``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from scenarios.errors import ScenarioError

DMZ_MAX_KM = 200.0
RADIUS_MAX_KM = 200.0
SCENARIO_ID_MAX_CHARS = 64
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def dmz_width_km(value, name: str = "") -> float:
    """One DMZ width in km, checked against 0–DMZ_MAX_KM (ScenarioError, naming ``name`` if given, if not)."""
    where = f"{name}: " if name else ""
    if isinstance(value, bool):
        raise ScenarioError(f"{where}give a DMZ width in km between 0 and {DMZ_MAX_KM:.0f}, got {value!r}")
    try:
        km = float(value)
    except (TypeError, ValueError):
        raise ScenarioError(f"{where}give a DMZ width in km between 0 and {DMZ_MAX_KM:.0f}, got {value!r}") from None
    if not math.isfinite(km) or not 0.0 <= km <= DMZ_MAX_KM:
        raise ScenarioError(f"{where}DMZ width must be between 0 and {DMZ_MAX_KM:.0f} km, got {value}")
    return km


@dataclass(frozen=True)
class DmzWidths:
    """Widths of the demilitarized bands on each side of the line of contact, km (0–DMZ_MAX_KM)."""

    ukrainian_side_km: float = 0.0
    russian_side_km: float = 0.0

    def __post_init__(self):
        object.__setattr__(self, "ukrainian_side_km", dmz_width_km(self.ukrainian_side_km, "dmz ukrainian side"))
        object.__setattr__(self, "russian_side_km", dmz_width_km(self.russian_side_km, "dmz russian side"))

    @classmethod
    def of(cls, value: DmzWidths | tuple[float, float] | float | None, default: DmzWidths | None = None) -> DmzWidths:
        """Widths from a DmzWidths, a (Ukrainian side, Russian side) pair or one width for both sides."""
        if value is None:
            return default if default is not None else cls()
        if isinstance(value, DmzWidths):
            return value
        if isinstance(value, (tuple, list)):
            if len(value) != 2:
                raise ScenarioError(f"DMZ widths: give (Ukrainian side, Russian side) in km, got {value!r}")
            return cls(value[0], value[1])
        return cls(value, value)

    @classmethod
    def parse(cls, text: str) -> DmzWidths:
        """``"10"`` → 10 km on both sides; ``"5:15"`` → 5 km (Ukrainian side), 15 km (Russian side)."""
        parts = str(text).split(":")
        try:
            numbers = [float(x) for x in parts]
        except ValueError:
            numbers = []
        if len(numbers) not in (1, 2):
            raise ScenarioError(f"DMZ width {text!r}: give a width in km (10) or UA:RU widths (5:15)")
        try:
            return cls(numbers[0], numbers[-1])
        except ScenarioError:
            raise ScenarioError(f"DMZ width {text!r}: widths must be between 0 and {DMZ_MAX_KM:.0f} km") from None

    def as_tuple(self) -> tuple[float, float]:
        return (self.ukrainian_side_km, self.russian_side_km)

    @property
    def total_km(self) -> float:
        return self.ukrainian_side_km + self.russian_side_km


def control_date(text: str, name: str = "control date") -> str:
    """A control date as ``YYYY-MM-DD`` (a real calendar day), or ScenarioError naming ``name``."""
    value = str(text)
    if not DATE.fullmatch(value):
        raise ScenarioError(f"{name}: {value[:20]!r} is not a date; write it as YYYY-MM-DD")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise ScenarioError(f"{name}: {value!r} is not a calendar day") from None
    return value


CONTROL_SOURCE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


def control_ref(text: str, name: str = "") -> str:
    """A control date as a scenario names it: ``YYYY-MM-DD`` or ``latest``, optionally after a source
    (``deepstate:2026-08-15``); which line it stands for, and whether one covers it, the engine resolves."""
    value = str(text)
    source, sep, day = value.rpartition(":")
    if sep and not CONTROL_SOURCE.fullmatch(source):
        raise ScenarioError(f"{name or 'control date'}: {source[:40]!r} is not a source name; write "
                            "source:YYYY-MM-DD, e.g. deepstate:2026-08-15")
    if day != "latest":
        control_date(day, name or "control date")
    return value


def scenario_id(text: str, name: str = "id") -> str:
    """A scenario id: a slug of lowercase letters, digits and single hyphens, at most 64 characters."""
    value = str(text or "")
    if len(value) > SCENARIO_ID_MAX_CHARS or not SLUG.fullmatch(value):
        # fullmatch: "$" alone would also accept a trailing newline
        raise ScenarioError(f"{name}: {value[:70]!r} is not a valid scenario id: use lowercase letters, digits and "
                            f"single hyphens, at most {SCENARIO_ID_MAX_CHARS} characters")
    return value


# --- Issue 12: the values of the proposal library (status, parameters, zone attributes, sites) -------------------

STATUSES = ("published", "briefing", "leak", "reported", "reference", "analysis")
ZONE_TYPES = ("demilitarized", "referendum", "border_buffer", "free_economic", "buffer", "joint_administration",
              "security_zone", "reassurance_force")
# Zone types whose area counts as a zone to be monitored (with the DMZ bands and every band zone).
MONITORED_ZONE_TYPES = ("demilitarized", "buffer", "security_zone")
ADMINISTRATORS = ("ukraine", "russia", "joint", "international", "none")
RECOGNIZED_AS = ("ukraine", "russia", "none")
ENTRY = ("none", "ukraine", "russia", "both", "monitors")
SITE_ADMINISTRATORS = ("ukraine", "russia", "united_states", "iaea", "joint", "international", "none")
RECOGNITION = ("de_jure", "de_facto", "none")
PARAM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
PARAM_NAME_MAX_CHARS = 40
PARAMS_MAX = 10
# A float step is matched with this tolerance: 0.1 * 3 is not exactly 0.3.
STEP_TOLERANCE = 1e-9


def param_name(text: str, name: str = "parameter") -> str:
    """A parameter name: a lowercase letter, then lowercase letters, digits or underscores (at most 40)."""
    value = str(text or "")
    if len(value) > PARAM_NAME_MAX_CHARS or not PARAM_NAME.fullmatch(value):
        raise ScenarioError(f"{name}: {value[:50]!r} is not a parameter name: start with a lowercase letter, then "
                            f"lowercase letters, digits or underscores, at most {PARAM_NAME_MAX_CHARS} characters")
    return value


def _allowed(choices, minimum, maximum, step) -> str:
    if choices is not None:
        return "one of " + ", ".join(f"{c:g}" for c in choices)
    return f"between {minimum:g} and {maximum:g}" + (f" in steps of {step:g}" if step else "")


def param_value(value, name: str, choices=None, minimum=None, maximum=None, step=None) -> float:
    """The value of parameter ``name`` as a float: one of ``choices``, or inside ``minimum``–``maximum`` on the
    grid of ``step`` from ``minimum`` (ScenarioError naming the parameter and the allowed values if not)."""
    allowed = _allowed(choices, minimum, maximum, step)
    if isinstance(value, bool):
        raise ScenarioError(f"parameter {name}: give a number {allowed}, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ScenarioError(f"parameter {name}: give a number {allowed}, got {str(value)[:40]!r}") from None
    if not math.isfinite(number):
        raise ScenarioError(f"parameter {name}: give a number {allowed}, got {value}")
    if choices is not None:
        if not any(math.isclose(number, c, rel_tol=0, abs_tol=STEP_TOLERANCE) for c in choices):
            raise ScenarioError(f"parameter {name}: {number:g} is not allowed; give {allowed}")
        return next(float(c) for c in choices if math.isclose(number, c, rel_tol=0, abs_tol=STEP_TOLERANCE))
    if not minimum - STEP_TOLERANCE <= number <= maximum + STEP_TOLERANCE:
        raise ScenarioError(f"parameter {name}: {number:g} is outside the range; give a number {allowed}")
    if step:
        k = (number - minimum) / step
        if abs(k - round(k)) > 1e-6:
            raise ScenarioError(f"parameter {name}: {number:g} is not on the steps; give a number {allowed}")
    return number


def param_assignment(text: str) -> tuple[str, float]:
    """``"pullback_km=10"`` → ("pullback_km", 10.0), as the command line's ``--param`` gives it (ScenarioError if
    it is not NAME=NUMBER; whether the scenario declares the name and allows the value, ``with_params`` checks)."""
    name, sep, raw = str(text).partition("=")
    name, raw = name.strip(), raw.strip()
    if not sep or not name or not raw:
        raise ScenarioError(f"--param {str(text)[:60]!r}: write NAME=VALUE, e.g. pullback_km=10")
    param_name(name, f"--param {str(text)[:60]!r}")
    try:
        number = float(raw)
    except ValueError:
        raise ScenarioError(f"--param {name}: {raw[:40]!r} is not a number; write NAME=NUMBER, "
                            f"e.g. {name}=10") from None
    if not math.isfinite(number):
        raise ScenarioError(f"--param {name}: give a finite number, got {raw[:40]!r}")
    return name, number


def output_share(shares: dict) -> dict:
    """A site's output shares: each between 0 and 1, summing to at most 1 (ScenarioError if not)."""
    for who, share in shares.items():
        if who not in SITE_ADMINISTRATORS:
            raise ScenarioError(f"output_share: {who[:30]!r} is not a party; use {', '.join(SITE_ADMINISTRATORS)}")
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0.0 <= share <= 1.0:
            raise ScenarioError(f"output_share.{who}: give a share between 0 and 1, got {share!r}")
    if sum(shares.values()) > 1.0 + STEP_TOLERANCE:
        raise ScenarioError(f"output_share: the shares add up to {sum(shares.values()):g}; they must sum to at most 1")
    return {who: float(share) for who, share in shares.items()}


def one_of(value, allowed: tuple[str, ...], name: str) -> str:
    """``value`` if it is one of ``allowed``, else ScenarioError naming ``name`` and the allowed values."""
    if value not in allowed:
        raise ScenarioError(f"{name}: {str(value)[:40]!r} is not allowed; use one of {', '.join(allowed)}")
    return value
