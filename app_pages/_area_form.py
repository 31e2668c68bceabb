"""The editor's form of an area (a territory or a zone): widgets keyed ``<prefix>...`` (see borderline.ui.editor)."""

from __future__ import annotations

import streamlit as st

from borderline.ui import days, editor, session
from scenarios.values import DMZ_MAX_KM, RADIUS_MAX_KM

MAX_CITIES = 3
MAX_ZONES = 3
BANK_LABELS = {"left": "left (east)", "right": "right (west)"}


def day_input(where, label: str, key: str, collapsed: bool = False) -> None:
    """A date input over the supported days (``key``, a datetime.date) and its "latest" switch (``key_latest``)."""
    cal = days.calendar()
    session.default(key, cal.last_date)
    latest = bool(session.get(f"{key}_latest"))
    where.date_input(label, min_value=cal.first_date, max_value=cal.last_date, key=key, format="YYYY-MM-DD",
                     disabled=latest, label_visibility="collapsed" if collapsed else "visible",
                     help=f"Any day from {cal.first} to {cal.last}")
    where.checkbox("the latest line", key=f"{key}_latest", help=f"Always the latest day with a line ({cal.last} now)")


def area_widgets(prefix: str, oblasts: dict, dates: list[str], zone: bool = False) -> None:
    """The form of an area: a control area, oblasts, a bank, uploaded areas, cities and a control area taken out."""
    codes = list(oblasts)
    name = lambda c: f"{oblasts[c]} ({c})"  # noqa: E731
    st.checkbox("The area Russia controlled on a date", key=f"{prefix}control")
    c1, c2 = st.columns([1, 2])
    day_input(c1, "Control date", f"{prefix}control_date")
    c2.multiselect("… only in these oblasts (empty: all of it)", codes, format_func=name,
                   key=f"{prefix}control_oblasts")
    st.multiselect("Whole oblasts", codes, format_func=name, key=f"{prefix}oblasts")
    c1, c2 = st.columns([2, 1])
    c1.multiselect("Oblasts on one bank of the Dnieper", codes, format_func=name, key=f"{prefix}bank_oblasts")
    c2.radio("Bank", editor.BANKS, horizontal=True, key=f"{prefix}bank", format_func=BANK_LABELS.get)
    c2.checkbox("the whole bank", key=f"{prefix}bank_whole")
    uploads = session.uploads()
    if uploads:
        st.multiselect("Uploaded areas", list(uploads), format_func=lambda k: uploads[k].label,
                       key=f"{prefix}uploads")
    st.number_input("Cities Ukraine holds inside it (taken out)" if not zone else "Cities taken out",
                    0, MAX_CITIES, step=1, key=f"{prefix}ncities")
    for i in range(int(session.get(f"{prefix}ncities", 0))):
        c1, c2 = st.columns([2, 1])
        c1.text_input(f"City {i + 1}", key=f"{prefix}city{i}", placeholder="e.g. Zaporizhzhia")
        c2.number_input("Radius (km)", 1.0, RADIUS_MAX_KM, value=15.0, step=1.0, key=f"{prefix}radius{i}")
    c1, c2 = st.columns([2, 1])
    c1.checkbox("Take out the area Russia controlled on the date", key=f"{prefix}minus",
                help="For a zone such as 'the part of Donetsk oblast Ukraine holds'.")
    day_input(c2, "Date", f"{prefix}minus_date", collapsed=True)


def zone_widgets(oblasts: dict, dates: list[str]) -> None:
    st.markdown("**Zones**")
    n = st.number_input("Number of zones", 0, MAX_ZONES, step=1, key="ed_nzones")
    for i in range(int(n)):
        p = editor.zone_prefix(i)
        with st.expander(f"Zone {i + 1}", expanded=True):
            c1, c2 = st.columns([2, 1])
            c1.text_input("Name", key=f"{p}name", max_chars=120)
            c2.selectbox("Type", editor.ZONE_TYPES, key=f"{p}type", format_func=lambda t: t.replace("_", " "))
            st.text_input("Description", key=f"{p}description", max_chars=2000)
            if session.get(f"{p}type") == "border_buffer":
                st.number_input("Width along the Russian border (km)", 1.0, DMZ_MAX_KM, value=20.0, key=f"{p}width")
            else:
                area_widgets(p, oblasts, dates, zone=True)
