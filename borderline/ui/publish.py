"""The app's publishing controls: title, subtitle, credit, page size, extent (presets or the current view)
and layer switches for the map exports, and the download buttons that use them.

Plain widgets over :mod:`borderline.export`'s options (the same checks as the command line); the page
wires them where it wants: ``options = publish.controls(ev.scenario.title, view_bounds, map_options)``,
then ``publish.map_downloads(ev, options)`` or ``publish.small_multiples_downloads(evaluations, options)``.
"""

from __future__ import annotations

import logging

import streamlit as st

from borderline import export
from borderline.i18n import _
from geo.messages import N_

log = logging.getLogger(__name__)
CURRENT_VIEW = "view"
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
LAYER_LABELS = {
    "russian_administered": N_("Russian-administered"), "ceded": N_("Ceded by Ukraine"),
    "returned": N_("Returned to Ukraine"), "dmz": N_("DMZ"), "zones": N_("Zones"), "recognition": N_("Recognition"),
    "contact_line": N_("Line of contact"), "baseline_line": N_("Baseline line of contact"), "labels": N_("Names"),
    "admin1": N_("Oblast borders"), "dnieper": N_("Dnieper"), "settlements": N_("Cities"), "sites": N_("Sites"),
}


def controls(default_title: str, view_bounds=None, map_options=None, key: str = "pub") -> dict:
    """Draw the publishing controls and return the map options for export.render_bytes (checked).

    ``view_bounds`` is the interactive map's current view, (west, south, east, north) degrees or Leaflet's
    [[south, west], [north, east]]: when given, "Use the current view" is offered as the extent.
    ``map_options`` (the app's webmap.MapOptions) sets the layer switches' defaults, so an export shows
    what the map shows. Widgets are keyed under ``key``.
    """
    from borderline.printmap import LAYERS

    pages, extents = export.page_choices(), export.extent_choices()
    if view_bounds is not None:
        extents = {CURRENT_VIEW: _("Use the current view"), **extents}
    c1, c2 = st.columns(2)
    page = c1.selectbox(_("Size"), list(pages), format_func=pages.get, key=f"{key}_page")
    extent = c2.selectbox(_("Extent"), list(extents), format_func=extents.get, key=f"{key}_extent")
    title = st.text_input(_("Title"), placeholder=default_title, key=f"{key}_title",
                          help=_("Leave empty for the scenario's title"))
    subtitle = st.text_input(_("Subtitle"), key=f"{key}_subtitle", placeholder=_("DMZ widths, line date, method"),
                             help=_("Leave empty for the default: DMZ widths, the date of the line of contact and "
                                    "how areas are measured"))
    credit = st.text_input(_("Credit line"), key=f"{key}_credit", placeholder=_("Data sources and line of contact"),
                           help=_("Leave empty for the data credits (Natural Earth, GeoNames, OCHA) and the "
                                  "source of the line of contact"))
    default_layers = export.layers_from_map_options(map_options) if map_options is not None else set(LAYERS)
    layers = st.multiselect(_("Layers"), list(LAYERS), default=[x for x in LAYERS if x in default_layers],
                            format_func=lambda x: _(LAYER_LABELS.get(x, x)), key=f"{key}_layers")
    options = {"page": page, "title": title.strip() or None, "subtitle": subtitle.strip() or None,
               "credit": credit.strip() or None, "layers": layers}
    try:
        options["extent"] = export.view_extent(view_bounds) if extent == CURRENT_VIEW else extent
        return export.check_map_options(options)
    except export.ExportError as exc:
        st.warning(_("The current view cannot be printed ({reason}); the map of all of Ukraine is used.").format(
            reason=exc))
        return export.check_map_options({**options, "extent": "ukraine"})


def _lazy(make, what: str):
    """A download callable: the file is made when the button is pressed, and a failure is one message."""

    def run() -> bytes:
        try:
            return make()
        except export.ExportError:
            raise
        except Exception as exc:
            log.exception("export of %s failed", what)
            raise export.ExportError(_("the export failed; the details are in the server log")) from exc

    return run


def map_downloads(ev, options: dict, key: str = "pub") -> None:
    """PNG, SVG and PDF buttons for one evaluation's map with the publishing options."""
    cols = st.columns(len(export.MAP_FORMATS))
    for col, fmt in zip(cols, export.MAP_FORMATS):
        name = export.export_filename(ev.scenario.id, ev.dmz_ukrainian_side_km, ev.dmz_russian_side_km, fmt,
                                      options.get("page"), options.get("extent"), export.scenario_params(ev.scenario))
        col.download_button(fmt.upper(), _lazy(lambda f=fmt: export.render_bytes(ev, f, **options), name),
                            file_name=name, mime=MIME[fmt], on_click="ignore", key=f"{key}_dl_{fmt}",
                            width="stretch")


def small_multiples_downloads(evaluations, options: dict, key: str = "pub_sm") -> None:
    """PNG, SVG and PDF buttons for one page of small multiples of the compared scenarios."""
    evaluations = list(evaluations)
    ids = [ev.scenario.id for ev in evaluations]
    opts = {k: v for k, v in options.items() if k != "title" or v}
    cols = st.columns(len(export.MAP_FORMATS))
    for col, fmt in zip(cols, export.MAP_FORMATS):
        name = export.small_multiples_filename(ids, fmt, options.get("page", "a4"), options.get("extent", "ukraine"))
        col.download_button(
            _("Small multiples, {fmt}").format(fmt=fmt.upper()),
            _lazy(lambda f=fmt: export.render_small_multiples(evaluations, f, **opts), name), file_name=name,
            mime=MIME[fmt], on_click="ignore", key=f"{key}_dl_{fmt}", width="stretch")
