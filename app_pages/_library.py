"""The editor view's library tab: show, open, download, rename, duplicate, delete and upload scenarios."""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from borderline.i18n import _
from borderline.ui import catalog, panels, session
from borderline.ui.page import PageContext
from borderline.ui.text import md, one_line
from geo.messages import N_
from scenarios.library import AlreadyInLibrary, UserLibrary
from scenarios.model import Scenario, dumps

log = logging.getLogger("borderline.app")
DONE = {"rename": N_("Renamed {old} as {new}."), "duplicate": N_("Duplicated {old} as {new}.")}
FAILED = {"rename": N_("Rename failed: {error}"), "duplicate": N_("Duplicate failed: {error}"),
          "delete": N_("Delete failed: {error}")}


def on_show(entry: catalog.Entry, dates: list[str]) -> None:
    session.put("view", "map")
    session.pick_scenario(entry.id, entry, dates)


def stay_in_library(selected: str | None = None) -> None:
    """After a library action the page stays in the library, with ``selected`` (if given) picked."""
    session.set_editor_state("section", "library")
    if selected:
        session.set_values({"lib_pick": selected})


def on_library_action(lib: UserLibrary, action: str, scenario_id: str) -> None:
    stay_in_library()
    try:
        if action == "delete":
            if not session.get("lib_confirm"):
                session.toast("error", _("Tick the box to confirm the deletion."))
                return
            lib.delete(scenario_id)
            session.toast("success", _("Deleted {id}.").format(id=scenario_id))
            session.set_values({"lib_pick": None})
        else:
            new_id = (session.get("lib_new_id") or "").strip()
            getattr(lib, action)(scenario_id, new_id)
            session.toast("success", _(DONE[action]).format(old=scenario_id, new=new_id))
            stay_in_library(new_id if action == "rename" else scenario_id)  # a copy leaves the original picked
            session.set_values({"lib_new_id": ""})
    except (ValueError, OSError) as exc:
        log.info("library %s failed: %s", action, exc)
        session.toast("error", _(FAILED[action]).format(error=one_line(exc)))
    finally:
        session.set_values({"lib_confirm": False})


def add_to_library(add: Callable[[], Scenario], refused: str, taken_hint: str,
                   done: Callable[[Scenario], str], where: str = "library") -> Scenario | None:
    """Run a save into the library and leave a toast for the next run: ``done(scenario)``, or why not.

    A refusal also stays in the page beside the control that caused it (``last_refusal(where)``).
    """
    session.set_editor_state("refusal", None)
    try:
        scenario = add()
    except AlreadyInLibrary as exc:
        message = f"{refused}: {one_line(exc, 2000)}; {taken_hint}"
    except (ValueError, OSError) as exc:
        log.info("%s: %s", refused, exc)
        message = f"{refused}: {one_line(exc, 2000)}"  # every problem, not the first 300 characters
    else:
        session.toast("success", done(scenario))
        return scenario
    session.toast("error", one_line(message))  # the page holds the whole of it
    session.set_editor_state("refusal", (where, message))
    return None


def last_refusal(where: str = "library") -> None:
    """Why the last save (``build``) or upload (``library``) was refused, in the page."""
    refusal = session.editor_state("refusal")
    if refusal and refusal[0] == where:
        head, *items = refusal[1].split("\n- ")
        st.error("\n".join([md(head), *(f"- {md(item)}" for item in items)]), icon="⚠️")


def on_toml_upload(lib: UserLibrary) -> None:
    file = session.get("lib_upload")
    stay_in_library()
    if file is not None:
        added = add_to_library(lambda: lib.add_toml(file.name, file.getvalue(),
                                                    bool(session.get("lib_upload_replace"))),
                               _("Upload refused"), _("tick 'Replace' to replace it"),
                               lambda s: _("Added {id} to your library.").format(id=s.id))
        if added is not None:
            stay_in_library(added.id)
        else:
            list_problems(file.getvalue())


def list_problems(data: bytes) -> None:
    """Put every problem of a refused TOML upload in the page, one a line (the message holds the first few)."""
    from borderline.ui import editor

    try:
        found = editor.toml_problems(data.decode("utf-8"))
    except UnicodeDecodeError:
        return
    refusal = session.editor_state("refusal")
    if len(found) > 1 and refusal:
        head = _("Upload refused: {n} problems").format(n=len(found))
        session.set_editor_state("refusal", (refusal[0], head + "\n" + "\n".join(f"- {p}" for p in found)))


def on_open(entry: catalog.Entry, dates: list[str]) -> None:
    session.open_in_editor(entry, dates)
    session.set_editor_state("section", "build")


def library_tab(ctx: PageContext) -> None:
    lib = ctx.library
    st.caption(_("Your scenarios are saved in {folder} (set BORDERLINE_HOME to move it).")
               .format(folder=md(str(lib.folder))))
    users = {e.id: e for e in ctx.entries if not e.builtin}
    if not users:
        st.write(_("Your library is empty: build a scenario in the form, or upload a TOML file below."))
    else:
        if session.get("lib_pick") not in users:  # deleted, or not picked yet: the first
            session.set_values({"lib_pick": next(iter(users))})
        pick = st.selectbox(_("Your scenarios"), list(users), format_func=lambda i: users[i].label, key="lib_pick")
        entry = users[pick]
        c = st.columns(3)
        c[0].button(_("Show on the map"), on_click=on_show, args=(entry, ctx.dates), key="lib_show")
        c[1].button(_("Open in the form"), on_click=on_open, args=(entry, ctx.dates), key="lib_edit")
        with c[2]:
            panels.toml_download(_("Download TOML"), readable(entry), entry.id, "lib_download")
        c1, c2 = st.columns([3, 1])
        c1.text_input(_("New id"), key="lib_new_id", placeholder="my-scenario-v2")
        c2.button(_("Rename"), on_click=on_library_action, args=(lib, "rename", entry.id), key="lib_rename")
        c2.button(_("Duplicate"), on_click=on_library_action, args=(lib, "duplicate", entry.id), key="lib_duplicate")
        c1, c2 = st.columns([3, 1])
        c1.checkbox(_("Yes, delete {id}").format(id=entry.id), key="lib_confirm")
        c2.button(_("Delete"), on_click=on_library_action, args=(lib, "delete", entry.id), key="lib_delete")
    st.markdown(f"**{_('Upload a scenario (TOML)')}**")
    st.checkbox(_("Replace a scenario of the same id"), key="lib_upload_replace")
    st.file_uploader(_("Scenario TOML file"), type=["toml"], key="lib_upload", on_change=on_toml_upload,
                     args=(lib,), max_upload_size=1)
    last_refusal()


def readable(entry: catalog.Entry) -> str:
    """A scenario's TOML in the readable inline style (its file as it is, when it cannot be read)."""
    try:
        return dumps(entry.scenario(), style="readable")
    except ValueError:
        return entry.toml

