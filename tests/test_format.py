"""Issue 13, item 5: one number style (borderline/format.py), in English and in Ukrainian.

Populations are estimates: three significant figures, never single people; km² to the nearest 10 from 10,000;
shares to one decimal; deltas signed; Ukrainian numbers with Babel's uk symbols (comma decimals, non-breaking
space thousands).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from borderline import format as fmt
from borderline.i18n import use_language
from scenarios.metrics import measure_of

NBSP = "\u00a0"


def number_of(text: str, lang: str) -> float:
    """The value a formatted population stands for (in its language), for checks of order and rounding."""
    million = {"en": "million", "uk": "млн"}[lang]
    group, dec = (",", ".") if lang == "en" else (NBSP, ",")
    t = text.replace("\u2212", "-").replace(NBSP + million, "e6").replace(group, "").replace(dec, ".")
    if t.startswith("<"):
        return 999.0  # "< 1,000": more than none, less than a thousand
    return float(t)


@pytest.mark.parametrize("lang, value, shown", [
    ("en", 9_850_123, "9.85\u00a0million"), ("en", 850_000, "850,000"), ("en", 12_345, "12,300"),
    ("en", 22, "<\u00a01,000"), ("en", 0, "0"), ("en", 123_456_789, "123\u00a0million"),
    ("en", 33_512_000, "33.5\u00a0million"), ("en", 1_000, "1,000"),
    ("uk", 9_850_123, "9,85\u00a0млн"), ("uk", 850_000, "850\u00a0000"), ("uk", 22, "<\u00a01\u00a0000"),
    ("uk", 12_345, "12\u00a0300"),
])
def test_populations_to_three_significant_figures_never_single_people(lang, value, shown):
    with use_language(lang):
        assert fmt.people(value) == shown


@pytest.mark.parametrize("lang, value, shown", [
    ("en", 156_483.2, "156,480\u00a0km²"), ("en", 8_207.4, "8,207\u00a0km²"), ("en", 12.34, "12.3\u00a0km²"),
    ("en", 0, "0\u00a0km²"), ("uk", 156_483.2, "156\u00a0480\u00a0км²"), ("uk", 12.34, "12,3\u00a0км²"),
])
def test_areas_to_the_nearest_ten_above_ten_thousand(lang, value, shown):
    with use_language(lang):
        assert fmt.km2(value) == shown


def test_shares_one_decimal_and_signed_deltas_in_both_languages():
    share, people, area = measure_of("russian_administered_pct"), measure_of(
        "population_russian_administered"), measure_of("russian_administered_km2")
    assert fmt.value(share, 18.9234) == "18.9\u00a0%"
    assert fmt.delta(share, 1.44) == "+1.4\u00a0pp"
    assert fmt.delta(people, -758_123) == "\u2212758,000"
    assert fmt.delta(people, 22) == "+<\u00a01,000" and fmt.delta(people, 0) == "±0"
    assert fmt.delta(area, 20_004) == "+20,000\u00a0km²" and fmt.delta(area, -3.2) == "\u22123.2\u00a0km²"
    with use_language("uk"):
        assert fmt.value(share, 18.9234) == "18,9\u00a0%"
        assert fmt.delta(people, 2_030_000) == "+2,03\u00a0млн"
        assert fmt.fmt_date("2025-02-12") == "12 лютого 2025"
        assert fmt.dmz_phrase(5, 15) == "ДМЗ 5 км з українського боку, 15 км з російського боку"
    assert fmt.fmt_date("2025-02-12") == "12 February 2025"


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=0, max_value=2e8, allow_nan=False), st.sampled_from(["en", "uk"]))
def test_any_population_is_shown_to_three_significant_figures_and_never_below_a_thousand(value, lang):
    with use_language(lang):
        text = fmt.people(value)
    digits = re.sub(r"\D", "", text.split(NBSP + "м")[0].split(NBSP + "m")[0])
    if value == 0:
        assert text == "0"
    elif value < 1_000:
        assert text.startswith("<")  # never a count of single people
    else:
        shown = number_of(text, lang)
        assert shown >= 1_000 and len(digits.strip("0") or "0") <= 3
        assert abs(shown - value) <= 0.005 * value + 1e-6  # three significant figures: within half a unit of 3rd


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=0, max_value=2e8, allow_nan=False), st.floats(min_value=0, max_value=2e8, allow_nan=False),
       st.sampled_from(["en", "uk"]))
def test_population_style_is_monotone(a, b, lang):
    lo, hi = sorted((a, b))
    with use_language(lang):
        assert number_of(fmt.people(lo), lang) <= number_of(fmt.people(hi), lang)


def test_aligned_tables_right_align_numbers_with_non_breaking_spaces():
    with use_language("uk"):
        rows = [("", "площа"), ("Під адміністрацією Росії", fmt.km2(121_563)), ("ДМЗ", fmt.km2(12.3))]
    lines = fmt.table(rows).splitlines()
    assert len({len(line) for line in lines}) == 1  # every row ends at the same column
    assert lines[1].endswith("121\u00a0560\u00a0км²") and lines[2].endswith("12,3\u00a0км²")


def test_table_cells_follow_their_column():
    assert fmt.cell("Population*", 22) == "<\u00a01,000" and fmt.cell("Area km²", 156_483.0) == "156,480"
    assert fmt.cell("Share of unit %", 74.8765) == "74.9" and fmt.cell("Places", 1234) == "1,234"
    assert fmt.cell("Population (GeoNames)", 60_127) == "60,100" and fmt.cell("Zone", "Enerhodar") == "Enerhodar"
    with use_language("uk"):
        assert fmt.cell("Площа км²", 1234.4) == "1\u00a0234"


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.sampled_from(["en", "uk"]))
def test_deltas_are_signed_and_symmetric(d, lang):
    area = measure_of("russian_administered_km2")
    with use_language(lang):
        up, down = fmt.delta(area, abs(d)), fmt.delta(area, -abs(d))
    if up.startswith("±"):
        assert down == up
    else:
        assert up[0] == "+" and down[0] == "\u2212" and up[1:] == down[1:]


def test_missing_values_show_a_dash():
    import math

    import pandas as pd

    assert fmt.people(math.nan) == fmt.km2(None) == fmt.cell("Area km²", pd.NA) == fmt.pct(float("nan")) == "–"


# --- numbers for people pass through the one number style --------------------------------------------------

FIELD_WITH_COMMA = re.compile(r"\{[\w.\[\]]*:[^{}\s]*,[^{}\s]*\}")  # "{:,}", "{n:,.0f}" (not CSS "{ a: b, }")


def _thousands_formatting(path):
    """Places that format a number with thousands separators themselves (``f"{x:,}"``, ``"{:,.0f}".format``)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            spec = "".join(v.value for v in node.format_spec.values if isinstance(v, ast.Constant))
            if "," in spec:
                out.append(f"{path.name}:{node.lineno} {{:{spec}}}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and FIELD_WITH_COMMA.search(node.value):
            out.append(f"{path.name}:{node.lineno} {node.value[:40]!r}")
    return out


REPO_ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
SHOWN = [p for p in sorted([*(REPO_ROOT / "borderline").rglob("*.py"), *(REPO_ROOT / "app_pages").glob("*.py"),
                            REPO_ROOT / "app.py"]) if p.name not in ("format.py", "i18n_tools.py")]


@pytest.mark.parametrize("path", SHOWN, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_no_number_is_given_thousands_separators_outside_the_number_style(path):
    found = _thousands_formatting(path)
    assert not found, "use borderline.format (people, km2, area_value, count, pct, cell):\n" + "\n".join(found)
