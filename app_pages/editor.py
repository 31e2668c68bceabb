"""The editor view: build a scenario in a form with a live preview, and manage the user's library."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_pages import _library
from app_pages._area_form import area_widgets, day_input, width_widgets, zone_widgets
from borderline import drafts, webmap
from borderline.i18n import _
from borderline.ui import editor, panels, session
from borderline.ui import state as url
from borderline.ui.page import PageContext, evaluation, guard, scenario_layers, show_legend, show_map
from borderline.ui.text import md
from geo.messages import N_
from scenarios.model import dumps

VIEW = "editor"
TITLE = N_("Scenario editor and library")
ORDER = 30
SCENARIOS = 0  # scenarios picked in the sidebar
SECTIONS = {"build": N_("Build a scenario"), "library": N_("Your library")}
# The preview beside the form stays in view while the form scrolls (wide screens only; stacked, it flows).
EDITOR_CSS = """<style>
@media (min-width: 992px) {
  [data-testid="stColumn"]:has(.st-key-ed_preview_box) {
    position: sticky; top: 3.5rem; align-self: flex-start; max-height: calc(100vh - 4.5rem); overflow-y: auto;
  }
}
</style>"""
MAP_HEIGHT = 440


def render(ctx: PageContext) -> None:
    st.html(EDITOR_CSS)
    show_toasts()
    labels = {key: _(label) for key, label in SECTIONS.items()}
    wanted = session.editor_state("section") or section_shown()  # where an action left the reader
    if wanted:
        session.set_values({"ed_section": labels[wanted]})
        session.set_editor_state("section", None)
    tab_build, tab_library = st.tabs(list(labels.values()), key="ed_section", on_change="rerun")
    with tab_build:
        with guard(_("Editor")):
            build_tab(ctx)
    with tab_library:
        with guard(_("Library")):
            _library.library_tab(ctx)
    session.keep_draft()


def section_shown() -> str | None:
    """The section whose tab was open, when its label is of another language than now (after a switch)."""
    from borderline.i18n import LANGUAGES, translate

    shown = session.get("ed_section")
    if not shown or shown in {_(label) for label in SECTIONS.values()}:
        return None
    return next((key for key, label in SECTIONS.items() if any(translate(label, c) == shown for c in LANGUAGES)),
                None)


def show_toasts() -> None:
    """The notices left by callbacks: a toast each (an error also stays in the page, where it happened)."""
    for kind, message in session.take_toasts():
        st.toast(md(message), icon=":material/check_circle:" if kind == "success" else ":material/error:",
                 duration="long")


def on_save(lib) -> None:
    d = session.draft()
    found = editor.problems(d)
    session.set_editor_state("save_tried", bool(found))  # the list under the button follows the fixes
    if found:
        session.toast("error", _("Not saved: {n} thing(s) to fix, listed under the Save button").format(n=len(found)))
        return

    def save():
        scenario = editor.to_scenario(d)
        lib.add(scenario, replace=bool(session.get("ed_overwrite")))
        drafts.discard(session.draft_session())
        session.set_editor_state("autosaved", drafts.to_json(d))  # saved: nothing new to autosave
        return scenario

    _library.add_to_library(save, _("Not saved"), _("tick 'Replace' or change the id"),
                            lambda s: _("Saved {id} to your library ({folder}). It is now in the scenario "
                                        "list.").format(id=s.id, folder=lib.folder), where="build")


def build_tab(ctx: PageContext) -> None:
    session.restore_draft()
    offer_restore(ctx)
    labels = {e.id: e.label for e in ctx.entries}
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    pick = c1.selectbox(_("Start from a scenario (optional)"), list(labels), format_func=labels.get, key="ed_start")
    c2.button(_("Open in the form"), on_click=on_open_copy, args=(ctx.by_id[pick], ctx.dates), key="ed_open")
    form_col, preview_col = st.columns([1, 1], gap="large")
    with form_col:
        form(ctx)
    with preview_col, st.container(key="ed_preview_box"):
        with guard(_("Preview")):
            preview(ctx)
    autosave()


def on_open_copy(entry, dates: list[str]) -> None:
    """Fill the form with a copy of a scenario (its id ``<id>-copy``), to change and save as one's own."""
    session.open_in_editor(entry, dates, True)
    session.set_editor_state("save_tried", False)
    session.toast("success", _("Opened a copy of {id} in the form.").format(id=entry.id))


def form(ctx: PageContext) -> None:
    """The form: the territory, widths and zones first (the preview needs only these), then what a save needs."""
    st.markdown(f"**{_('Russian-administered territory')}**")
    area_widgets(editor.TERRITORY, ctx.oblasts, ctx.dates)
    day_input(st, _("Baseline control date"), "ed_baseline")
    if "baseline" in editor.overridden(session.get("ed_extra") or ""):
        st.caption(_("The baseline names a source's line (under 'Other parts' below), which is used."))
    st.markdown(f"**{_('DMZ')}**")
    set_elsewhere = editor.overridden(session.get("ed_extra") or "")
    if "dmz" in set_elsewhere:
        st.caption(_("This scenario gives its DMZ widths by parameters (under 'Other parts' below); the preview "
                     "uses their defaults and these widths are not used."))
    width_widgets("ed_ua", _("Ukrainian side (km)"))
    width_widgets("ed_ru", _("Russian side (km)"))
    zone_widgets(ctx.oblasts, ctx.dates)
    st.markdown(f"**{_('Title and provenance')}** ({_('needed to save, not to preview')})")
    st.text_input(_("Title"), key="ed_title", max_chars=200)
    st.text_input(_("Id (file name)"), key="ed_id", max_chars=64, placeholder=_("made from the title"),
                  help=_("Lowercase letters, digits and hyphens."))
    st.text_area(_("Summary"), key="ed_summary", max_chars=4000, height=80)
    c1, c2 = st.columns(2)
    c1.text_input(_("Proposed by"), key="ed_proposed_by", max_chars=300)
    c2.text_input(_("Date"), key="ed_date", max_chars=40, placeholder="2025-11")
    st.text_input(_("Source"), key="ed_source", max_chars=1000)
    with st.expander(_("More about the source, and the other parts of the scenario")):
        session.default("ed_status", "analysis")
        st.selectbox(_("Status"), editor.STATUSES, key="ed_status", format_func=_,
                     help=_("published, briefing, leak, reported, reference or analysis"))
        st.text_input(_("Reported by"), key="ed_reported_by", max_chars=1000)
        st.text_input(_("Key phrase (quoted)"), key="ed_key_phrase", max_chars=1000)
        st.text_input(_("Where reports conflict"), key="ed_conflicts", max_chars=2000)
        st.text_area(_("Other parts (TOML: [[parameters]], [recognition], [[sites]], …), kept as they are"),
                     key="ed_extra", height=120)
    st.checkbox(_("Replace a scenario of the same id in my library"), key="ed_overwrite")
    st.button(_("Save to my library"), type="primary", on_click=on_save, args=(ctx.library,), key="ed_save")
    _library.last_refusal("build")
    found = editor.problems(session.draft()) if session.editor_state("save_tried") else []
    if found:
        st.error(_("Not saved yet. To save, fix:") + "\n" + "\n".join(f"- {md(p)}" for p in found), icon="⚠️")


def autosave() -> None:
    """Keep the draft on disk whenever it changed (a blank form is not kept)."""
    d = session.draft()
    text = drafts.to_json(d)
    if text == session.editor_state("autosaved") or text == drafts.to_json(editor.Draft(baseline=d.baseline)):
        return
    try:
        drafts.save(session.draft_session(), d)
    except OSError as exc:  # the form keeps working; the reader is told once
        if session.editor_state("autosave_failed") is None:
            st.warning(_("The draft cannot be kept on disk ({error}); save it to your library.")
                       .format(error=md(exc.strerror or exc)))
        session.set_editor_state("autosave_failed", True)
        return
    session.set_editor_state("autosaved", text)


def offer_restore(ctx: PageContext) -> None:
    """Offer the newest draft another session left (a reload, a crash), once per session."""
    if session.editor_state("offer") is None:
        found = drafts.latest(exclude=session.draft_session())
        session.set_editor_state("offer", found or False)
    found = session.editor_state("offer")
    if not found:
        return
    when = found.saved_at.strftime("%H:%M") if found.saved_at.date() == dt.date.today() else \
        found.saved_at.strftime("%Y-%m-%d %H:%M")
    with st.container(border=True):
        title = found.draft.title or _("untitled")
        st.write(_("An unsaved draft was kept: {title}, last changed at {when}.").format(title=md(title), when=when))
        c1, c2 = st.columns(2)
        c1.button(_("Restore the draft from {when}").format(when=when), key="ed_restore", type="primary",
                  on_click=on_restore, args=(ctx.dates,))
        c2.button(_("Discard it"), key="ed_discard", on_click=on_discard)


def on_restore(dates: list[str]) -> None:
    found = session.editor_state("offer")
    if found:
        session.load_draft(found.draft, dates)
        drafts.discard(found.session)  # it is this session's draft now, autosaved under its id
        session.toast("success", _("Draft restored."))
    session.set_editor_state("offer", False)


def on_discard() -> None:
    found = session.editor_state("offer")
    if found:
        drafts.discard(found.session)
        session.toast("success", _("Draft discarded."))
    session.set_editor_state("offer", False)


def preview(ctx: PageContext) -> None:
    """Live preview of the draft's territory at its own DMZ widths; while the draft has a problem, the last
    valid preview stays drawn below the list of problems."""
    st.markdown(f"**{_('Preview')}**")
    draft = session.draft()
    found = editor.problems(draft, metadata=False)
    if found:
        st.warning(_("The preview waits for:") + "\n" + "\n".join(f"- {md(p)}" for p in found), icon="✏️")
    else:
        s = editor.preview_scenario(draft)
        concrete = s.with_params(None)  # widths given by parameters: their defaults
        session.set_editor_state("preview", (dumps(s), concrete.dmz.ukrainian_side_km, concrete.dmz.russian_side_km,
                                             s.baseline))
    shown = session.editor_state("preview")
    if not shown:
        st.info(_("Choose the territory (an oblast, a control area or an uploaded area) to see it here."))
        return
    toml, ua, ru, baseline = shown
    ev, layers = evaluation(toml, ua, ru, baseline), scenario_layers(toml, ua, ru, baseline)
    base = webmap.add_basemap(webmap.new_map(ctx.assets, ctx.opts), ctx.opts)
    show_map(base, webmap.scenario_group(layers, ctx.opts), "editor-map", MAP_HEIGHT)
    show_legend(webmap.legend_entries(layers, ctx.opts), _("Legend"))
    state = _("the last valid draft") if found else _("this draft")
    st.caption(_("Showing {state}: DMZ {ua:g} km (Ukrainian side) / {ru:g} km (Russian side), baseline "
                 "{baseline}").format(state=state, ua=ua, ru=ru, baseline=baseline))
    note = url.beyond_slider_note(ua, ru)
    if note:
        st.info(note)
    panels.headline(ev.metrics, compact=True)
    panels.metrics_panel(ev.metrics, compact=True)
    download(draft)


def download(draft: editor.Draft) -> None:
    """The draft's TOML in the readable style, once it is a whole scenario (metadata included)."""
    try:
        scenario = editor.to_scenario(draft)
    except ValueError:
        st.button(_("Download as TOML"), disabled=True, key="ed_download_off",
                  help=_("Give a title, summary and provenance first"))
        return
    panels.toml_download(_("Download as TOML"), dumps(scenario, style="readable"), scenario.id, "ed_download")
