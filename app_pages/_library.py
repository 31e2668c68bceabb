"""The editor view's library tab: show, open, download, rename, duplicate, delete and upload scenarios."""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from borderline.ui import catalog, panels, session
from borderline.ui.page import PageContext
from borderline.ui.text import md, one_line
from scenarios.library import AlreadyInLibrary, UserLibrary
from scenarios.model import Scenario

log = logging.getLogger("borderline.app")
DONE = {"rename": "Renamed", "duplicate": "Duplicated"}


def on_show(entry: catalog.Entry, dates: list[str]) -> None:
    session.put("view", "map")
    session.pick_scenario(entry.id, entry, dates)


def on_library_action(lib: UserLibrary, action: str, scenario_id: str) -> None:
    try:
        if action == "delete":
            if not session.get("lib_confirm"):
                session.flash("error", "Tick the box to confirm the deletion.")
                return
            lib.delete(scenario_id)
            session.flash("success", f"Deleted {scenario_id}.")
        else:
            new_id = (session.get("lib_new_id") or "").strip()
            getattr(lib, action)(scenario_id, new_id)
            session.flash("success", f"{DONE[action]} {scenario_id} as {new_id}.")
    except (ValueError, OSError) as exc:
        log.info("library %s failed: %s", action, exc)
        session.flash("error", f"{action.capitalize()} failed: {one_line(exc)}")
    session.set_values({"lib_confirm": False})


def add_to_library(add: Callable[[], Scenario], refused: str, taken_hint: str, done: Callable[[Scenario], str]):
    """Run a save into the library and leave one line for the next run: ``done(scenario)``, or why not."""
    try:
        scenario = add()
    except AlreadyInLibrary as exc:
        session.flash("error", f"{refused}: {one_line(exc)}; {taken_hint}")
        return
    except (ValueError, OSError) as exc:
        log.info("%s: %s", refused, exc)
        session.flash("error", f"{refused}: {one_line(exc)}")
        return
    session.flash("success", done(scenario))


def on_toml_upload(lib: UserLibrary) -> None:
    file = session.get("lib_upload")
    if file is not None:
        add_to_library(lambda: lib.add_toml(file.name, file.getvalue(), bool(session.get("lib_upload_replace"))),
                       "Upload refused", "tick 'Replace' to replace it", lambda s: f"Added {s.id} to your library.")


def library_tab(ctx: PageContext) -> None:
    lib = ctx.library
    st.caption(f"Your scenarios are saved in {md(str(lib.folder))} (set BORDERLINE_HOME to move it).")
    users = {e.id: e for e in ctx.entries if not e.builtin}
    if not users:
        st.write("Your library is empty: build a scenario in the form, or upload a TOML file below.")
    else:
        pick = st.selectbox("Your scenarios", list(users), format_func=lambda i: users[i].label, key="lib_pick")
        entry = users[pick]
        c = st.columns(3)
        c[0].button("Show on the map", on_click=on_show, args=(entry, ctx.dates), key="lib_show")
        c[1].button("Open in the form", on_click=session.open_in_editor, args=(entry, ctx.dates), key="lib_edit")
        with c[2]:
            panels.toml_download("Download TOML", entry.toml, entry.id, "lib_download")
        c1, c2 = st.columns([3, 1])
        c1.text_input("New id", key="lib_new_id", placeholder="my-scenario-v2")
        c2.button("Rename", on_click=on_library_action, args=(lib, "rename", entry.id), key="lib_rename")
        c2.button("Duplicate", on_click=on_library_action, args=(lib, "duplicate", entry.id), key="lib_duplicate")
        c1, c2 = st.columns([3, 1])
        c1.checkbox(f"Yes, delete {entry.id}", key="lib_confirm")
        c2.button("Delete", on_click=on_library_action, args=(lib, "delete", entry.id), key="lib_delete")
    st.markdown("**Upload a scenario (TOML)**")
    st.checkbox("Replace a scenario of the same id", key="lib_upload_replace")
    st.file_uploader("Scenario TOML file", type=["toml"], key="lib_upload", on_change=on_toml_upload,
                     args=(lib,), max_upload_size=1)

