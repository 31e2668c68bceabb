"""Parts of pages shown by more than one view: the headline figures, the numbers panel, tables, downloads.

The metrics are read only through ``borderline.ui.tables``, except the method
notes (``method_notes``), the one place that reads ``Evaluation.metrics`` here.
"""

from __future__ import annotations

import logging

import streamlit as st

from borderline.i18n import _
from borderline.ui import tables
from borderline.ui.text import md

log = logging.getLogger("borderline.app")

COMPACT_ROWS = [0, 2, 3, 6]  # of the summary table: Russian-administered, ceded, returned, DMZ on both sides


def method_notes(m) -> dict[str, str]:
    """How the numbers were made: ``area``, ``population``, ``contact_line`` and ``dmz``."""
    return {key: getattr(m.method, key) for key in ("area", "population", "contact_line", "dmz")}


def headline(m, compact: bool = False) -> None:
    """The headline figures in one row (the first two only in a narrow column)."""
    items = tables.tiles(m)[:2] if compact else tables.tiles(m)
    for col, t in zip(st.columns(len(items)), items):
        col.metric(t.label, t.value)


def metrics_panel(m, compact: bool = False) -> None:
    """The area and population of every part, and the population note."""
    table = tables.summary_table(m)
    if compact:
        table = table.iloc[COMPACT_ROWS]
    st.table(table.set_index(table.columns[0]))
    st.caption(f"\\* {md(method_notes(m)['population'])}. " + _("Areas in km², equal-area projection (EPSG:3035)."))


def static_table(frame) -> None:
    """A small static table (lighter for the browser than an interactive grid), numbers with separators."""
    from borderline import format as fmt

    shown = frame.copy()
    for col in shown.columns:  # by the column: estimates (*) rounded like every population figure, areas, shares
        shown[col] = [fmt.cell(col, v) for v in shown[col]]
    st.table(shown.set_index(shown.columns[0]))


def full_table(frame) -> None:
    """A whole table, static (it never scrolls), its first column as the row labels; cells already formatted."""
    st.table(frame.set_index(frame.columns[0]))


def table_or(frame, empty_message: str, caption: str | None = None) -> None:
    """A table, or a sentence saying there is nothing to list."""
    if frame.empty:
        st.write(empty_message)
        return
    static_table(frame)
    if caption:
        st.caption(caption)


def about(ev) -> None:
    """Summary, provenance and method of an evaluated scenario (user text is escaped)."""
    s, method = ev.scenario, method_notes(ev.metrics)
    st.markdown(md(s.summary))
    p = s.provenance
    lines = [(_("Proposed by"), p.proposed_by), (_("Date"), p.date), (_("Source"), p.source),
             (_("Reported by"), p.reported_by), (_("Key phrase"), p.key_phrase), (_("Where reports conflict"), p.conflicts),
             (_("Status"), _(s.status))]
    st.markdown("  \n".join(f"**{label}:** {md(text)}" for label, text in lines if text))
    notes = [(_("Baseline"), _("area Russia controlled on {day}").format(day=ev.baseline)),
             (_("Population"), method["population"]), (_("Areas"), method["area"]),
             (_("Line of contact"), method["contact_line"]), (_("DMZ"), method["dmz"])]
    st.markdown("  \n".join(f"**{label}:** {md(text)}" for label, text in notes))


def lazy_export(ev, fmt: str, **map_options):
    """A download callable: the file is made when the button is pressed, not on every redraw."""
    from borderline import export

    def make() -> bytes:
        try:
            return export.render_bytes(ev, fmt, **(map_options if fmt in export.MAP_FORMATS else {}))
        except export.ExportError:
            raise
        except Exception as exc:
            log.exception("export %s of %s failed", fmt, ev.scenario.id)
            raise export.ExportError(f"the {fmt} export failed; the details are in the server log") from exc

    return make


def toml_download(label: str, toml: str, scenario_id: str, key: str, **kwargs) -> None:
    """A button that downloads a scenario's TOML text."""
    st.download_button(label, toml.encode("utf-8"), file_name=f"{scenario_id}.toml", mime="application/toml",
                       on_click="ignore", key=key, **kwargs)
