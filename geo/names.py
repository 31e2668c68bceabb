"""Place names in the language of the page: oblasts from the typed table of official Ukrainian names, settlements
from the settlements layer's ``name_uk`` (English names are the KMU 2010 romanization the layers carry)."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

from geo.errors import UserError

NAMES_UK = Path(__file__).resolve().parents[1] / "data" / "sources" / "admin1_names_uk.toml"


@functools.lru_cache(maxsize=1)
def oblast_names_uk() -> dict[str, str]:
    """ISO 3166-2 code → official Ukrainian name of each of the 27 first-level units (Constitution Art. 133)."""
    try:
        data = tomllib.loads(NAMES_UK.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"{NAMES_UK}: cannot be read ({exc}); restore it from the repository") from None
    return {u["iso"]: u["name_uk"] for u in data["unit"]}


def oblast_name(iso: str, lang: str, english: str | None = None) -> str:
    """The name of a unit in ``lang`` ('uk' or 'en'); ``english`` is its English name (else the admin1 layer's)."""
    if lang == "uk":
        name = oblast_names_uk().get(iso)
        if name:
            return name
    if english is not None:
        return english
    from geo.data import load_layer

    names = dict(zip(load_layer("admin1")["iso"], load_layer("admin1")["name"]))
    return names.get(iso, iso)


def settlement_name(name: str, name_uk: str | None, lang: str) -> str:
    """A settlement's name in ``lang``: its Ukrainian name in Cyrillic for 'uk' when the layer has one."""
    if lang == "uk" and isinstance(name_uk, str) and name_uk.strip():
        return name_uk
    return name


@functools.lru_cache(maxsize=1)
def _names_uk_by_unit() -> dict[tuple[str, str], str]:
    from geo.data import load_layer

    s = load_layer("settlements")
    return {(n, iso): uk for n, iso, uk in zip(s["name"], s["admin1_iso"], s["name_uk"]) if isinstance(uk, str) and uk}


def settlement_name_by_unit(name: str, admin1_iso: str, lang: str) -> str:
    """A settlement's name in ``lang``, found by its English name and its unit (as metrics rows carry them)."""
    return settlement_name(name, _names_uk_by_unit().get((name, admin1_iso)), lang) if lang == "uk" else name
