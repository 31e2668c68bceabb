"""The PDF report: a cover, a comparison table, a page per scenario, and a page on method and sources.

Pages are A4 landscape, drawn with matplotlib (the map is borderline.printmap's);
fonts are embedded as TrueType so every word stays selectable and searchable.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import sys
from pathlib import Path

from matplotlib.lines import Line2D
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from borderline.export import SIDES, prepare_folder, write_atomic
from borderline import format as fmt
from borderline.format import POPULATION_NOTE, dmz_phrase, fmt_date, fmt_number, fmt_population, fmt_width, signed
from borderline.i18n import _
from borderline.printmap import (ATTRIBUTION, PAGES, add_legend, draw_map, line_date_phrase, provenance, rendering,
                                 site_points, small_multiples_figure, wrap)
from borderline.style import PRINT
from geo.messages import N_
from scenarios.metrics import MEASURES, Measure, Metrics, part_rows

PAGE = PAGES["a4"].inches
MARGIN = 0.45  # inches
MAX_COLUMNS = 8  # scenarios per comparison page (the first is repeated on each further page)
TERMS = [
    (N_("Russian-administered"), N_("territory that Russia administers under the scenario, whatever its legal "
                                    "status")),
    (N_("Ukrainian-held"), N_("territory that Ukraine holds under the scenario")),
    (N_("Ceded by Ukraine / returned to Ukraine"), N_("land that changes hands against the line of contact on the "
                                                      "baseline date")),
    (N_("Line of contact"), N_("the boundary between Russian-administered and Ukrainian-held territory, without "
                               "coastline or state border")),
]


def _text(fig, x, y, s, size=8.0, colour=None, **kw):
    """Text at (x, y) inches from the page's lower left."""
    return fig.text(x, y, s, fontsize=size, color=colour or PRINT["text"].edge, transform=fig.dpi_scale_trans, **kw)


def _page(title: str | None = None, running: str = "") -> Figure:
    fig = Figure(figsize=PAGE, facecolor="white")
    FigureCanvasAgg(fig)
    W, H = PAGE
    if running:
        _text(fig, MARGIN, H - 0.3, running, 6.5, PRINT["muted_text"].edge, va="center")
    if title:
        _text(fig, MARGIN, H - 0.62, title, 15, fontweight="bold", va="top")
    return fig


def _footer(fig, page: int, pages: int, note: str = "") -> None:
    W = PAGE[0]
    muted = PRINT["muted_text"].edge
    if note:
        _text(fig, MARGIN, 0.3, note, 6.3, muted, va="bottom", linespacing=1.35)
    _text(fig, W - MARGIN, 0.3, _("page {page} of {pages}").format(page=page, pages=pages), 6.5, muted, ha="right",
          va="bottom")


def _rule(fig, x0, x1, y, weight=1.0):
    rule = PRINT["table_rule"]
    fig.add_artist(Line2D([x0, x1], [y, y], color=rule.edge, linewidth=rule.line_width * weight,
                                           transform=fig.dpi_scale_trans))


def _band(fig, x0, x1, y0, h):
    band = PRINT["table_band"]
    fig.add_artist(Rectangle((x0, y0), x1 - x0, h, facecolor=band.fill, edgecolor="none",
                             transform=fig.dpi_scale_trans, zorder=-1))


def _text_width(fig, text: str, size: float, bold: bool = False) -> float:
    """The width in inches of the widest line of ``text`` in DejaVu Sans at ``size`` points."""
    from matplotlib.font_manager import FontProperties

    renderer = fig.canvas.get_renderer()
    font = FontProperties(family="DejaVu Sans", size=size, weight="bold" if bold else "normal")
    return max(renderer.get_text_width_height_descent(line or " ", font, ismath=False)[0]
               for line in str(text).split("\n")) / fig.dpi


def fit_columns(fig, widths: list[float], header: list[str], rows: list[list[str]], size: float,
                pad: float = 0.24) -> tuple[list[float], list[list[str]]]:
    """Column widths that hold every cell (measured, with ``pad`` inches between columns), within the
    table's total width: narrow columns grow to their content, and the widest text column gives up the
    room and is re-wrapped to fit. Returns the widths and the (re-wrapped) rows."""
    need = [max([_text_width(fig, h, size, True) for h in header[i:i + 1]]
                + [_text_width(fig, r[i], size) for r in rows]) + pad for i in range(len(widths))]
    total = sum(widths)
    out = [max(w, n) for w, n in zip(widths, need)]
    excess = sum(out) - total
    if excess > 1e-6:
        give = max(range(len(widths)), key=lambda i: out[i])  # the widest column wraps
        out[give] = max(out[give] - excess, 0.6)
        chars = max(8, int((out[give] - pad) * 72 / (size * 0.6)))
        rows = [[wrap(c.replace("\n", " "), chars, 4) if i == give else c for i, c in enumerate(r)] for r in rows]
    return out, rows


def _table_height(header: list[str], rows: list[list[str]], row_h: float) -> float:
    """The height in inches :func:`_table` gives a header and rows (before any re-wrapping)."""
    lines = max(str(s).count("\n") + 1 for s in header)
    height = row_h * (0.4 + 0.85 * lines)
    for row in rows:
        n = max(str(c).count("\n") + 1 for c in row)
        height += row_h * (0.25 + 0.8 * n) if n > 1 else row_h
    return height


def _table(fig, x: float, y: float, widths: list[float], header: list[str], rows: list[list[str]],
           size: float = 7.0, row_h: float = 0.18, align: list[str] | None = None) -> float:
    """A plain table with its top at y (inches); returns the y below it. ``align`` is "l" or "r" per column.
    Columns are measured and widened so that no two cells ever run together (:func:`fit_columns`)."""
    align = align or ["l"] + ["r"] * (len(widths) - 1)
    rows = [[str(c) for c in r] for r in rows]
    widths, rows = fit_columns(fig, widths, header, rows, size)
    lines = max(s.count("\n") + 1 for s in header)
    head_h = row_h * (0.4 + 0.85 * lines)
    edges = [x + sum(widths[:i]) for i in range(len(widths) + 1)]
    for i, s in enumerate(header):
        xx = edges[i] + 0.04 if align[i] == "l" else edges[i + 1] - 0.04
        _text(fig, xx, y - head_h + 0.05, s, size, fontweight="bold", ha="left" if align[i] == "l" else "right",
              va="bottom", linespacing=1.1)
    y -= head_h
    _rule(fig, edges[0], edges[-1], y, 1.4)
    for r, row in enumerate(rows):
        n = max(str(c).count("\n") + 1 for c in row)
        h = row_h * (0.25 + 0.8 * n) if n > 1 else row_h
        if r % 2:
            _band(fig, edges[0], edges[-1], y - h, h)
        for i, cell in enumerate(row):
            xx = edges[i] + 0.04 if align[i] == "l" else edges[i + 1] - 0.04
            _text(fig, xx, y - h / 2, str(cell), size, ha="left" if align[i] == "l" else "right", va="center",
                  linespacing=1.15)
        y -= h
    _rule(fig, edges[0], edges[-1], y)
    return y


def comparison_rows(metrics: list[Metrics]) -> list[dict]:
    """Every measure (fields, then counts and totals) for each scenario, with its delta against the first."""
    rows = []
    for mm in MEASURES:
        values = [m.value(mm.key) for m in metrics]
        label = mm.label_marked if mm.unit in ("people", "places", "units") else f"{mm.label_marked} ({mm.unit})"
        rows.append({"key": mm.key, "label": label, "measure": mm, "values": values,
                     "deltas": [v - values[0] for v in values]})
    return rows


def _cover(evaluations, generated: dt.date, overview: bool = False) -> Figure:
    fig = _page()
    W, H = PAGE
    muted = PRINT["muted_text"].edge
    _text(fig, MARGIN, H - 0.9, "borderline", 11, muted, va="top")
    _text(fig, MARGIN, H - 1.25, _("Territorial scenarios for a Russia–Ukraine settlement"), 24, fontweight="bold",
          va="top")
    n = len(evaluations)
    _text(fig, MARGIN, H - 1.85, _("{n} scenarios compared  ·  generated {date}").format(
        n=n, date=fmt_date(generated.isoformat())), 12, muted, va="top")
    rows = []
    for i, ev in enumerate(evaluations, 1):
        p = ev.scenario.provenance
        rows.append([str(i), wrap(ev.scenario.title, 62, 2), ev.scenario.id,
                     wrap(f"{p.proposed_by} ({p.date})", 40, 2),
                     f"{fmt_width(ev.dmz_ukrainian_side_km)} / {fmt_width(ev.dmz_russian_side_km)}",
                     fmt_date(ev.baseline)])
    shown = 14
    y = _table(fig, MARGIN, H - 2.4, [0.3, 3.9, 2.2, 2.6, 0.85, 0.95],
               ["#", _("Scenario"), _("Id"), _("Proposed by"), _("DMZ km\nUA / RU"), _("Line of contact\nas of")],
               rows[:shown], size=7.5, row_h=0.22, align=["l", "l", "l", "l", "r", "r"])
    if len(rows) > shown:
        more = (_("… and {n} more, listed on the overview page.") if overview
                else _("… and {n} more, listed on the comparison pages."))
        _text(fig, MARGIN, y - 0.15, more.format(n=len(rows) - shown), 7.5, muted, va="top")
    note = _("Terms are neutral: Russian-administered and Ukrainian-held describe who administers land under each "
             "scenario, not its legal status. Populations are the 2022 resident baseline, estimated (not today's "
             "population); areas are km² computed in the equal-area projection EPSG:3035. The last page explains "
             "the method and lists the sources.")
    _text(fig, MARGIN, 0.75, wrap(note, 175, 3), 8, muted, va="bottom", linespacing=1.4)
    return fig


# -- the overview of every proposal (report --all) --------------------------------------------------------

MATRIX_ROWS_PER_PAGE = 22


MATRIX_HEADER = (N_("Scenario"), N_("Line of\ncontact as of"), N_("Russian-\nadministered km²"), N_("Ceded\nkm²"),
                 N_("Returned\nkm²"), N_("Population\nmoved*"), N_("DMZ and\nzones km²"), N_("Monitored\nline km"),
                 N_("Troops\nlow–high"))


def matrix_rows(evaluations) -> list[list[str]]:
    """One row per evaluation against the baseline of its own day, with the values of ``borderline compare
    --all`` (borderline.api.ALL_COLUMNS): scenario, line day, Russian-administered, ceded and returned km²,
    population moved (ceded plus returned), DMZ and zone km², monitored line km and troops low–high."""
    from borderline.api import ALL_COLUMNS

    rows = []
    for i, ev in enumerate(evaluations, 1):
        v = {key: read(ev.metrics) for key, _, read in ALL_COLUMNS}
        troops = ("–" if not v["troops_high"] else
                  f"{fmt_number(v['troops_low'])}–{fmt_number(v['troops_high'])}")
        rows.append([wrap(f"{i}. {ev.scenario.title}", 52, 2), fmt_date(v["baseline"]),
                     fmt_number(v["russian_administered_km2"]), fmt_number(v["ceded_by_ukraine_km2"]),
                     fmt_number(v["returned_to_ukraine_km2"]), fmt_population(v["population_moved"]),
                     fmt_number(v["dmz_and_zones_km2"]),
                     "–" if not v["monitored_line_km"] else fmt_number(v["monitored_line_km"]), troops])
    return rows


def _matrix(evaluations, start: int, part: int, parts: int) -> Figure:
    title = _("Every proposal on the line of its own day") + (f" ({part}/{parts})" if parts > 1 else "")
    fig = _page(title, _("Each scenario against the baseline line of contact of its own day. * ") + _(POPULATION_NOTE)
                + ".")
    W, H = PAGE
    rows = matrix_rows(evaluations)[start:start + MATRIX_ROWS_PER_PAGE]
    widths = [3.7, 1.15, 1.05, 0.8, 0.8, 0.95, 0.8, 0.8, 0.75]
    _table(fig, MARGIN, H - 1.0, widths, [_(h) for h in MATRIX_HEADER], rows, size=6.8, row_h=0.2,
           align=["l", "r", "r", "r", "r", "r", "r", "r", "r"])
    _text(fig, MARGIN, 0.62, _("The values of borderline compare --all. DMZ and zones: the DMZ bands and the "
                               "scenario's zones (km², may overlap). Monitored line and troops: the monitoring "
                               "estimate, low to high, scaled from reference missions; – where there is none."),
          6.5, PRINT["muted_text"].edge, va="bottom")
    return fig


COMPARISON_ROWS = 22  # measures per comparison page (two lines each: value and delta)


def _comparison(evaluations, columns: list[int], part: int, parts: int, first_row: int = 0) -> Figure:
    title = _("Comparison") + (f" ({part}/{parts})" if parts > 1 else "")
    fig = _page(title, _("Deltas are against scenario 1.") + " * " + _(POPULATION_NOTE) + ".")
    W, H = PAGE
    metrics = [evaluations[i].metrics for i in columns]
    rows = comparison_rows(metrics)[first_row:first_row + COMPARISON_ROWS]
    label_w = 2.9
    col_w = (W - 2 * MARGIN - label_w) / len(columns)
    chars = int(col_w * 72 / (6.8 * 0.68))  # bold DejaVu is wide
    header = [_("Metric")] + [wrap(f"{i + 1}. {evaluations[i].scenario.title}", chars, 4) for i in columns]
    body = []
    for r in rows:
        cells = [_(r["label"])]
        for j, (v, d) in enumerate(zip(r["values"], r["deltas"])):
            cells.append(fmt.bare(r["measure"], v) + ("" if columns[j] == 0 else f"\n{fmt.delta(r['measure'], d)}"))
        body.append(cells)
    # A single-line row for the reference scenario alone; two lines (value, delta) otherwise. Type and rows
    # shrink together when the measures would run into the note at the foot of the page.
    top, room = H - 1.0, H - 1.0 - 0.85
    k = min(1.0, room / _table_height(header, body, 0.128))
    _table(fig, MARGIN, top, [label_w] + [col_w] * len(columns), header, body, size=6.5 * max(k, 0.75),
           row_h=0.128 * k)
    _text(fig, MARGIN, 0.62, _("Under each value: its difference from scenario 1. Ceded and returned land are "
                               "measured against each scenario's baseline line of contact."), 6.5,
          PRINT["muted_text"].edge, va="bottom")
    return fig


def _scenario_page(ev, number: int, extent, running: str) -> Figure:
    fig = _page(wrap(f"{number}. {ev.scenario.title}", 95, 1), running)
    W, H = PAGE
    m = ev.metrics
    muted = PRINT["muted_text"].edge
    _text(fig, MARGIN, H - 0.98, f"{ev.scenario.id}  ·  {dmz_phrase(ev.dmz_ukrainian_side_km, ev.dmz_russian_side_km)}"
          f"  ·  {line_date_phrase(ev)}", 8.5, muted, va="top")
    _text(fig, MARGIN, H - 1.2, wrap(ev.scenario.summary, 175, 3), 7.2, va="top", linespacing=1.25)

    map_left, map_w, map_top, map_bottom = MARGIN, 6.55, H - 1.72, 1.75
    ax = fig.add_axes((map_left / W, map_bottom / H, map_w / W, (map_top - map_bottom) / H))
    entries = draw_map(ax, ev, extent, scale=0.8)
    legend_ax = fig.add_axes((map_left / W, 0.62 / H, map_w / W, (map_bottom - 0.72) / H))
    legend_ax.axis("off")
    add_legend(legend_ax, entries, fontsize=6.4, width_chars=34, ncol=3, title=None)

    x = map_left + map_w + 0.3
    col = W - MARGIN - x
    shares = {"russian_administered": f"{m.russian_administered_pct:.1f} %",
              "ukrainian_held": f"{100 - m.russian_administered_pct:.1f} %"}
    rows = [[wrap(_(r.label), 30, 2), f"{fmt_number(r.km2)} km²",
             shares.get(r.key, ""), fmt_population(r.population)] for r in part_rows(m) if r.key != "dmz"]
    rows.append([_("Line of contact; on the Dnieper"), f"{fmt_number(m.contact_line_km)} km", "",
                 f"{fmt_number(m.contact_line_on_dnieper_km)} km"])
    mon = m.monitoring
    if mon.line_km:
        rows.append([_("Monitored line; troops, low–high"), f"{fmt_number(mon.line_km)} km", "",
                     f"{fmt_number(mon.troops_low)}–{fmt_number(mon.troops_high)}"])
    for site in site_points(ev):
        status = _("administered by {who}").format(who=site["status"].replace("_", " ")) if site["status"] else ""
        rows.append([wrap(f"{site['name']}: {status}" if status else site["name"], 34, 3), "", "", ""])
    widths = [col * 0.36, col * 0.22, col * 0.13, col * 0.29]
    y = _table(fig, x, map_top + 0.05, widths, [_("Headline"), _("Area"), _("Share"), _("Population*")], rows,
               size=6.6, row_h=0.16)

    oblasts = sorted(m.by_oblast, key=lambda o: -o.russian_administered_km2)
    rows = [[wrap(f"{o.name} ({o.iso})", 27, 2), fmt.area_value(o.russian_administered_km2), fmt.pct(o.share_pct),
             fmt.people(o.population_russian_administered)] for o in oblasts]
    if rows:
        header = [_("Russian-administered by oblast"), "km²", _("Share"), _("Population*")]
        y = _table(fig, x, y - 0.16, widths, header,
                   rows, size=6.6, row_h=0.15)

    moved = m.settlements_changing_hands
    room = max(0, int((y - 0.2 - 0.45 - map_bottom + 1.1) / 0.15))
    shown = moved[: room if len(moved) <= room else max(room - 1, 0)]
    rows = [[wrap(f"{s.name} ({s.admin1_iso})", 27, 1), fmt.people(s.population),
             f"{_(SIDES[s.from_side])} → {_(SIDES[s.to_side])}"] for s in shown]
    if len(shown) < len(moved):
        rows.append([_("… and {n} more (see the XLSX export)").format(n=len(moved) - len(shown)), "", ""])
    if rows:
        _table(fig, x, y - 0.16, [col * 0.36, col * 0.17, col * 0.47],
               [_("Changing hands (10,000+)"), _("Population"), _("From → to")], rows, size=6.4, row_h=0.15,
               align=["l", "r", "l"])
    else:
        _text(fig, x, y - 0.25, _("No place of 10,000 or more changes hands."), 6.8, muted, va="top")
    return fig


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _method(evaluations) -> Figure:
    from geo.data import load_layer

    fig = _page(_("Method and sources"), "borderline")
    W, H = PAGE
    m = evaluations[0].metrics.method
    control = load_layer("control").set_index("date")
    lines = []
    for date in sorted({ev.baseline for ev in evaluations}):
        row = control.loc[date] if date in control.index else None
        about = (_("{title}; sources: {sources}").format(title=row["title"], sources=row["sources"])
                 if row is not None else _("no description"))
        lines.append(f"{fmt_date(date)}: {about}")
    sections = [
        (N_("Areas"), _("Every area is computed from full-precision geometry in ETRS89-LAEA (EPSG:3035), an "
                        "equal-area projection, and given in km². Maps are drawn in a Lambert conformal conic "
                        "projection centred on Ukraine, which keeps shapes and angles; the scale bar is true at the "
                        "centre of each map and geometry is simplified for drawing only. Land areas exclude "
                        "reservoirs, estuaries and the Sivash, so coastal oblasts come out smaller than their "
                        "official areas.")),
        (N_("Population"), _("{method}. Figures are the {note}. They do not capture displacement since 2022 "
                             "(internally displaced people and refugees abroad), deaths, military personnel, or "
                             "movements into and out of Russian-administered areas; people outside the listed "
                             "settlements are spread evenly over their oblast's land.").format(
            method=_sentence(_(m.population)), note=_(POPULATION_NOTE))),
        (N_("Line of contact"), _("The line of contact is the {line}. Each scenario has a baseline: the line of "
                                  "contact on a given date, against which ceded and returned land are measured. "
                                  "Baseline lines used here: {lines}.").format(line=_(m.contact_line),
                                                                             lines="; ".join(lines))),
        (N_("Demilitarized zones"), _("The DMZ consists of {dmz}. Scenario zones (demilitarized, referendum, "
                                      "border buffer and the others) are counted separately and may overlap the "
                                      "DMZ bands.").format(dmz=_(m.dmz))),
        (N_("Terms"), "; ".join(f"{_(a)}: {_(b)}" for a, b in TERMS) + ". " + _(
            "Place names follow the official Ukrainian romanization (Kyiv, Zaporizhzhia, Dnipro).")),
        (N_("Sources"), _(ATTRIBUTION) + ". " + _(
            "Line of contact: authored for borderline from the public sources listed above. Scenarios: as published "
            "by their proponents; each scenario page names the source.")),
    ]
    y = H - 1.15
    for head, body in sections:
        _text(fig, MARGIN, y, _(head), 10, fontweight="bold", va="top")
        text = wrap(body, 165, 12)
        _text(fig, MARGIN, y - 0.22, text, 7.8, va="top", linespacing=1.35)
        y -= 0.22 + 0.147 * (text.count("\n") + 1) + 0.2
    return fig


MULTIPLES_PER_PAGE = 12  # 6 x 2 panels on A4: as large as a page of them gets


def _overview_pages(n: int) -> tuple[int, int]:
    """(matrix pages, small-multiples pages) of an overview report of ``n`` scenarios."""
    return math.ceil(n / MATRIX_ROWS_PER_PAGE), math.ceil(n / MULTIPLES_PER_PAGE)


def build(evaluations, extent="ukraine", generated: dt.date | None = None, progress: bool = False,
          overview: bool = False) -> bytes:
    """The report of one or more evaluations as PDF bytes: cover, comparison, a page per scenario, method.

    ``extent`` is the scenario maps' extent (see printmap.parse_extent); ``generated`` the date on the
    cover (today by default); ``progress`` shows a progress bar on stderr. ``overview`` (``report --all``)
    replaces the comparison and scenario pages with a matrix of every scenario against the baseline of its
    own day and pages of small-multiple maps on one extent and scale.
    """
    from tqdm import tqdm

    evaluations = list(evaluations)
    if not evaluations:
        raise ValueError("a report needs at least one scenario")
    generated = generated or dt.date.today()
    n = len(evaluations)
    groups = [list(range(min(n, MAX_COLUMNS)))]
    rest = list(range(MAX_COLUMNS, n))
    for start in range(0, len(rest), MAX_COLUMNS - 1):
        groups.append([0] + rest[start:start + MAX_COLUMNS - 1])
    pages = page_count(n, overview)
    running = _("borderline  ·  scenario report  ·  generated {date}").format(date=generated.isoformat())
    titles = "; ".join(ev.scenario.title for ev in evaluations)
    buf = io.BytesIO()
    meta = {"Title": f"borderline report: {titles}"[:500], "Creator": "borderline",
            "Producer": "borderline (matplotlib)", "CreationDate": None,
            "Subject": "Territorial scenarios for a Russia–Ukraine settlement"}
    with rendering(), PdfPages(buf, metadata=meta) as pdf, \
            tqdm(total=pages, disable=not progress, file=sys.stderr, unit="page") as bar:
        page = 0

        def emit(fig, note=""):
            nonlocal page
            page += 1
            _footer(fig, page, pages, note)
            pdf.savefig(fig)
            bar.update()

        emit(_cover(evaluations, generated, overview))
        if overview:
            matrix_pages, multiple_pages = _overview_pages(n)
            for k in range(matrix_pages):
                emit(_matrix(evaluations, k * MATRIX_ROWS_PER_PAGE, k + 1, matrix_pages))
            for k in range(multiple_pages):
                chunk = evaluations[k * MULTIPLES_PER_PAGE:(k + 1) * MULTIPLES_PER_PAGE]
                title = _("Every proposal on one extent and scale") + (
                    f" ({k + 1}/{multiple_pages})" if multiple_pages > 1 else "")
                emit(small_multiples_figure(chunk, "a4", extent, 72, title=title,
                                            first_number=1 + k * MULTIPLES_PER_PAGE,
                                            grid_for=min(n, MULTIPLES_PER_PAGE)))
        else:
            pages_of_rows = range(0, len(MEASURES), COMPARISON_ROWS)
            parts = len(groups) * len(pages_of_rows)
            for k, (cols, first) in enumerate(((c, f) for c in groups for f in pages_of_rows), 1):
                emit(_comparison(evaluations, cols, k, parts, first))
            for i, ev in enumerate(evaluations, 1):
                note = wrap(provenance(ev.scenario), 150, 2) + f"\n* {_(POPULATION_NOTE)}."
                emit(_scenario_page(ev, i, extent, running), note)
        emit(_method(evaluations))
    return buf.getvalue()


def page_count(n_scenarios: int, overview: bool = False) -> int:
    """Pages in a report of ``n_scenarios``: cover, comparison page(s), one per scenario, method; or, for an
    overview, cover, matrix page(s), small-multiples page(s), method."""
    if overview:
        return 1 + sum(_overview_pages(n_scenarios)) + 1
    groups = 1 + math.ceil(max(0, n_scenarios - MAX_COLUMNS) / (MAX_COLUMNS - 1))
    comparison = groups * math.ceil(len(MEASURES) / COMPARISON_ROWS)
    return 1 + comparison + n_scenarios + 1


def write_report(evaluations, out: str | Path, extent="ukraine", generated: dt.date | None = None,
                 progress: bool = False, overview: bool = False) -> Path:
    """Build the report and write it to ``out`` (temporary file, then rename). Raises ExportError."""
    out = Path(out)
    prepare_folder(out.parent)
    return write_atomic(out, build(evaluations, extent, generated, progress, overview))
