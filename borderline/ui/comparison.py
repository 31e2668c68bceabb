"""The comparison of up to four scenarios as tables: the measures with deltas against A, and the Russian-administered
area per oblast with its deltas (no Streamlit here; numbers in the one number style of ``borderline.format``)."""

from __future__ import annotations

import pandas as pd

from borderline import format as fmt
from borderline.i18n import _
from scenarios.metrics import COMPARE_MEASURES, Metrics, measure_of

LETTERS = "ABCD"


def letters(n: int) -> list[str]:
    """The letters of ``n`` compared scenarios: A, B, C, D."""
    return list(LETTERS[:n])


def measures_table(metrics: list[Metrics]) -> pd.DataFrame:
    """Every compared measure: a column per scenario, then a column per other scenario of its delta against A."""
    names = letters(len(metrics))
    rows = []
    for mm in COMPARE_MEASURES:
        values = [m.value(mm.key) for m in metrics]
        row = {_("Measure"): _(mm.label_marked)}
        row.update({n: fmt.value(mm, v) for n, v in zip(names, values)})
        row.update({f"{n} − A": fmt.delta(mm, float(v) - float(values[0])) for n, v in zip(names[1:], values[1:])})
        rows.append(row)
    return pd.DataFrame(rows)


def oblast_table(metrics: list[Metrics]) -> pd.DataFrame:
    """The Russian-administered area (km²) of every oblast any scenario touches, per scenario, with deltas
    against A; oblasts in the order of A's largest area first."""
    names = letters(len(metrics))
    area = measure_of("russian_administered_km2")
    per = [{r.iso: r for r in m.by_oblast} for m in metrics]
    isos = sorted({iso for p in per for iso in p},
                  key=lambda iso: (-(per[0][iso].russian_administered_km2 if iso in per[0] else 0.0), iso))
    rows = []
    for iso in isos:
        name = next(p[iso].name for p in per if iso in p)
        values = [p[iso].russian_administered_km2 if iso in p else 0.0 for p in per]
        row = {_("Oblast / unit"): f"{name} ({iso})"}
        row.update({f"{n} km²": fmt.km2(v) for n, v in zip(names, values)})
        row.update({f"{n} − A": fmt.delta(area, v - values[0]) for n, v in zip(names[1:], values[1:])})
        rows.append(row)
    return pd.DataFrame(rows)


def legend_rows(titles: list[str]) -> list[tuple[str, str]]:
    """(letter, title) of each compared scenario."""
    return list(zip(letters(len(titles)), titles))
