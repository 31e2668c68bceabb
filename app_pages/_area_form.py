"""The editor's form of an area (a territory or a zone): widgets keyed ``<prefix>...`` (see borderline.ui.editor)."""

from __future__ import annotations

import streamlit as st

from borderline.i18n import _
from borderline.ui import days, editor, session
from borderline.ui.text import md
from geo.messages import N_
from scenarios.values import DMZ_MAX_KM, RADIUS_MAX_KM

MAX_CITIES = 3
MAX_ZONES = 3
BANK_LABELS = {"left": N_("left (east)"), "right": N_("right (west)")}


def day_input(where, label: str, key: str, collapsed: bool = False) -> None:
    """A date input over the supported days (``key``, a datetime.date) and its "latest" switch (``key_latest``)."""
    cal = days.calendar()
    session.default(key, cal.last_date)
    latest = bool(session.get(f"{key}_latest"))
    where.date_input(label, min_value=cal.first_date, max_value=cal.last_date, key=key, format="YYYY-MM-DD",
                     disabled=latest, label_visibility="collapsed" if collapsed else "visible",
                     help=_("Any day from {first} to {last}").format(first=cal.first, last=cal.last))
    where.checkbox(_("the latest line"), key=f"{key}_latest",
                   help=_("Always the latest day with a line ({last} now)").format(last=cal.last))


def _slider_moved(key: str) -> None:
    session.set_values({key: session.get(f"{key}_slider")})


def width_widgets(key: str, label: str, low: float = 0.0) -> None:
    """A width in km up to the model's maximum: a slider and, beside it, a number input for an exact value.

    The number input (``key``) holds the value; the slider (``key_slider``) follows it and sets it when moved.
    """
    session.default(key, low)
    session.set_values({f"{key}_slider": float(min(max(session.get(key) or low, low), DMZ_MAX_KM))})
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    c1.slider(label, low, DMZ_MAX_KM, step=1.0, key=f"{key}_slider", on_change=_slider_moved, args=(key,))
    c2.number_input(label, low, DMZ_MAX_KM, step=0.5, key=key, label_visibility="collapsed")


EXAMPLE = '# e.g. union = [{ admin1 = ["UA-14"] }, { difference = [{ bank = "left" }, { control = "latest" }] }]'


def _switch_mode(prefix: str) -> None:
    """Between the fields and the TOML text: carry the area over (back to the fields only if they can show it)."""
    if session.get(f"{prefix}as_text"):
        text = editor.area_as_text(session.form_values(), prefix, session.uploads().geojson_by_key())
        session.set_values({f"{prefix}expr": text or EXAMPLE})
        return
    text = session.get(f"{prefix}expr") or ""
    if not text.strip() or text == EXAMPLE:
        return
    try:
        values = editor.area_values_from_text(text, prefix, days.calendar(),
                                              lambda g: session.uploads().add(g, _("polygon from the scenario")))
    except ValueError:
        session.set_values({f"{prefix}as_text": True})
        session.toast("error", _("This expression nests operators the fields cannot show; it stays as TOML."))
        return
    session.set_values(values)


def area_widgets(prefix: str, oblasts: dict, dates: list[str], zone: bool = False) -> None:
    """The form of an area: its fields, or its expression as TOML text beside a tree (any depth of nesting)."""
    st.toggle(_("Edit as an expression (TOML)"), key=f"{prefix}as_text", on_change=_switch_mode, args=(prefix,),
              help=_("For unions, intersections and differences nested in any way; the tree shows how it reads."))
    if session.get(f"{prefix}as_text"):
        expression_widgets(prefix, oblasts)
        return
    field_widgets(prefix, oblasts, zone)


def expression_widgets(prefix: str, oblasts: dict) -> None:
    """An expression of any depth: a structured view of it beside its TOML text, which can be edited."""
    st.caption(_("The area's expression in the scenario format of the README; the tree shows how it reads."))
    c1, c2 = st.columns([3, 2])
    c1.text_area(_("Expression (TOML)"), key=f"{prefix}expr", height=260)
    with c2:
        st.markdown(f"**{_('How it reads')}**")
        try:
            node = editor.parse_expression(session.get(f"{prefix}expr") or "", _("Expression"))
        except ValueError as exc:
            st.caption(md(exc))
            return
        st.markdown("\n".join(f"{'    ' * depth}- {md(words)}" for depth, words in
                              editor.expression_tree(node, oblasts)))


def field_widgets(prefix: str, oblasts: dict, zone: bool) -> None:
    """The form of an area: a control area, oblasts, a bank, uploaded areas, cities and a control area taken out."""
    codes = list(oblasts)
    name = lambda c: f"{oblasts[c]} ({c})"  # noqa: E731
    st.checkbox(_("The area Russia controlled on a date"), key=f"{prefix}control")
    c1, c2 = st.columns([1, 2])
    day_input(c1, _("Control date"), f"{prefix}control_date")
    c2.multiselect(_("… only in these oblasts (empty: all of it)"), codes, format_func=name,
                   key=f"{prefix}control_oblasts")
    st.multiselect(_("Whole oblasts"), codes, format_func=name, key=f"{prefix}oblasts")
    c1, c2 = st.columns([2, 1])
    c1.multiselect(_("Oblasts on one bank of the Dnieper"), codes, format_func=name, key=f"{prefix}bank_oblasts")
    c2.radio(_("Bank"), editor.BANKS, horizontal=True, key=f"{prefix}bank", format_func=lambda b: _(BANK_LABELS[b]))
    c2.checkbox(_("the whole bank"), key=f"{prefix}bank_whole")
    uploads = session.uploads()
    if uploads:
        st.multiselect(_("Uploaded areas"), list(uploads), format_func=lambda k: uploads[k].label,
                       key=f"{prefix}uploads")
    st.number_input(_("Cities Ukraine holds inside it (taken out)") if not zone else _("Cities taken out"),
                    0, MAX_CITIES, step=1, key=f"{prefix}ncities")
    for i in range(int(session.get(f"{prefix}ncities", 0))):
        c1, c2 = st.columns([2, 1])
        c1.text_input(_("City {n}").format(n=i + 1), key=f"{prefix}city{i}", placeholder=_("e.g. Zaporizhzhia"))
        session.default(f"{prefix}radius{i}", 15.0)
        c2.number_input(_("Radius (km)"), 1.0, RADIUS_MAX_KM, step=1.0, key=f"{prefix}radius{i}")
    c1, c2 = st.columns([2, 1])
    c1.checkbox(_("Take out the area Russia controlled on the date"), key=f"{prefix}minus",
                help=_("For a zone such as 'the part of Donetsk oblast Ukraine holds'."))
    day_input(c2, _("Date"), f"{prefix}minus_date", collapsed=True)


def zone_type_label(kind: str) -> str:
    return _(kind.replace("_", " "))


def zone_widgets(oblasts: dict, dates: list[str]) -> None:
    st.markdown(f"**{_('Zones')}**")
    n = st.number_input(_("Number of zones"), 0, MAX_ZONES, step=1, key="ed_nzones")
    for i in range(int(n)):
        p = editor.zone_prefix(i)
        with st.expander(_("Zone {n}").format(n=i + 1), expanded=True):
            c1, c2 = st.columns([2, 1])
            c1.text_input(_("Name"), key=f"{p}name", max_chars=120)
            c2.selectbox(_("Type"), editor.ZONE_TYPES, key=f"{p}type", format_func=zone_type_label)
            st.text_input(_("Description"), key=f"{p}description", max_chars=2000)
            zone_facts(p)
            if session.get(f"{p}type") in editor.WIDTH_ZONES:
                session.default(f"{p}width", 20.0)
                st.number_input(_("Width along the Russian border (km)"), 1.0, DMZ_MAX_KM, key=f"{p}width")
            else:
                session.default(f"{p}shape", "area")
                shape = st.radio(_("The zone is"), editor.ZONE_SHAPES, key=f"{p}shape", horizontal=True,
                                 format_func=lambda k: _(ZONE_SHAPE_LABELS[k]))
                if shape == "band":
                    band_widgets(p, oblasts)
                else:
                    area_widgets(p, oblasts, dates, zone=True)
            st.text_area(_("Other keys of the zone (TOML), kept as they are"), key=f"{p}extra", height=68)


ZONE_SHAPE_LABELS = {"area": N_("an area"), "band": N_("a band along the new line of contact")}
NOT_SAID = ""


def zone_facts(p: str) -> None:
    """Who administers the zone, whose territory it is said to be, whose forces may enter, who monitors it."""
    labels = {"administered_by": _("Administered by"), "recognized_as": _("Recognized as"),
              "entry": _("Forces that may enter")}
    cols = st.columns(4)
    for col, (key, choices) in zip(cols, editor.ZONE_CHOICES.items()):
        col.selectbox(labels[key], (NOT_SAID, *choices), key=f"{p}{key}",
                      format_func=lambda c: _("(not said)") if c == NOT_SAID else _(c))
    cols[3].text_input(_("Monitored by"), key=f"{p}monitored_by", max_chars=200)


def band_widgets(p: str, oblasts: dict) -> None:
    """A band along the scenario's new line of contact: a width on each side, optionally only in some oblasts."""
    session.default(f"{p}band_ua", 5.0)
    session.default(f"{p}band_ru", 5.0)
    c1, c2 = st.columns(2)
    c1.number_input(_("Ukrainian side (km)"), 0.0, DMZ_MAX_KM, step=1.0, key=f"{p}band_ua")
    c2.number_input(_("Russian side (km)"), 0.0, DMZ_MAX_KM, step=1.0, key=f"{p}band_ru")
    st.multiselect(_("Only along the line in these oblasts (empty: the whole line)"), list(oblasts),
                   format_func=lambda c: f"{oblasts[c]} ({c})", key=f"{p}band_within")
