"""Issue 13, item 6: Ukrainian and English.

The catalog is complete (the extractor is run here and compared with the PO file), translations keep their
placeholders, no text reaches a Streamlit display call without ``_()``, the CLI and the app speak Ukrainian when
asked, and places are named in Cyrillic in Ukrainian.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from borderline import i18n, i18n_tools
from borderline.i18n import _, translate, use_language

REPO = Path(__file__).resolve().parents[1]
CYRILLIC = re.compile(r"[А-Яа-яІіЇїЄєҐґ]")


@pytest.fixture(scope="module")
def template():
    return i18n_tools.extract()


def test_every_message_of_the_code_is_in_the_catalog_and_translated(template):
    problems = i18n_tools.problems("uk", template)
    assert not problems, "run `python -m borderline.i18n extract`, translate, then check:\n" + "\n".join(problems[:40])


def test_every_translation_keeps_the_placeholders_of_its_english_id():
    catalog = i18n_tools.read("uk")
    bad = [i18n_tools.placeholder_problem(m.id, m.string) for m in catalog if m.id and m.string]
    assert not [b for b in bad if b]


def test_the_extractor_finds_messages_in_f_strings_and_lower_layer_marks(template):
    ids = {m.id for m in template}
    assert "km²" in ids  # _("km²") inside an f-string in borderline/format.py
    assert "Control on a day" in ids  # N_ in app_pages/time.py
    assert "Population, Russian-administered" in ids  # a label the typed metrics generate


def test_a_placeholder_lost_in_a_translation_is_refused(tmp_path, monkeypatch):
    assert i18n_tools.placeholder_problem("On {day}", "На день")
    assert not i18n_tools.placeholder_problem("On {day}", "На {day}")
    with pytest.raises(ValueError):
        i18n_tools.fill("uk", {"On {day}": "На день"})


def test_the_neutral_terms_keep_their_agreed_ukrainian():
    assert translate("Russian-administered", "uk") == "Під адміністрацією Росії"
    assert translate("Ukrainian-held", "uk") == "Під контролем України"
    assert "лінія зіткнення" in translate("Line of contact", "uk").lower()
    catalog = i18n_tools.read("uk")
    strings = " ".join(m.string for m in catalog if m.id and m.string).lower()
    assert "окупован" not in strings.replace("окупованих територій deepstatemap", "")  # only the source's own title
    assert "підконтрольн" not in strings  # one wording for Russian-administered, not two


def test_language_codes_are_checked_and_restored():
    assert i18n.language_code("UK") == "uk" and i18n.language_code(None) == "en"
    with pytest.raises(i18n.LanguageError):
        i18n.language_code("ru")
    with use_language("uk"):
        assert _("Map") == "Карта"
    assert _("Map") == "Map"


# --- no text reaches the page untranslated ----------------------------------------------------------------

DISPLAY = {"write", "markdown", "caption", "header", "subheader", "title", "button", "selectbox", "radio",
           "checkbox", "toggle", "slider", "number_input", "text_input", "text_area", "expander", "tabs", "metric",
           "info", "warning", "error", "success", "toast", "download_button", "multiselect", "date_input",
           "segmented_control", "pills", "file_uploader", "select_slider", "form_submit_button", "popover",
           "link_button", "page_link", "color_picker", "time_input", "dialog", "status", "spinner"}
TEXT_KEYWORDS = {"label", "body", "help", "placeholder", "text"}
# Receivers that are not Streamlit (files, loggers): their .write/.error are not page text.
NOT_STREAMLIT = {"log", "logger", "logging", "fh", "f", "out", "sys", "stream", "buf", "file"}
ALLOWED = {"borderline", "A", "B", "B − A", "km²", "OK", "TOML", "GeoJSON", "PNG", "SVG", "PDF", "CSV", "XLSX",
           "GeoPackage"}
ALLOWED |= {"success", "error", "info", "warning"}  # message kinds passed to the project's own toast helpers
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$")  # ids shown as examples (my-scenario-v2), not prose
UI_FILES = [REPO / "app.py", *sorted((REPO / "app_pages").glob("*.py")), *sorted((REPO / "borderline/ui").glob("*.py"))]


def _receiver(func: ast.Attribute) -> str:
    node = func.value
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.value if not isinstance(node, ast.Call) else node.func
    return node.id if isinstance(node, ast.Name) else ""


def _untranslated(node: ast.AST) -> list[str]:
    """String literals with words in an argument, outside a call of ``_``."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "_":
        return []
    if isinstance(node, (ast.Compare, ast.Subscript)):  # a test or a key, not text shown
        return []
    if isinstance(node, ast.IfExp):
        return _untranslated(node.body) + _untranslated(node.orelse)
    if isinstance(node, ast.FormattedValue):  # {x:,.0f}: the format spec is not text
        return _untranslated(node.value)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value.strip()
        prose = re.search(r"[A-Za-z]", text) and not SLUG.match(text)
        return [text] if prose and text.strip("#*_ ") not in ALLOWED else []
    if isinstance(node, ast.Call):  # "...".format(...) or a helper: look at the string and the arguments
        found = _untranslated(node.func.value) if isinstance(node.func, ast.Attribute) else []
        return found + [t for a in node.args for t in _untranslated(a)]
    out = []
    for child in ast.iter_child_nodes(node):
        out += _untranslated(child)
    return out


def _offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in DISPLAY):
            continue
        if _receiver(node.func) in NOT_STREAMLIT:
            continue
        args = node.args[:1] + [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
        for arg in args:
            out += [f"{path.relative_to(REPO)}:{node.lineno} {node.func.attr}({text[:50]!r})"
                    for text in _untranslated(arg)]
    return out


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_string_literal_reaches_a_streamlit_display_call_without_translation(path):
    offences = _offences(path)
    assert not offences, "wrap these in _() (from borderline.i18n import _):\n" + "\n".join(offences)


def test_the_untranslated_text_check_catches_what_it_should():
    code = ('st.button("Save")\nst.caption(f"Saved {x}")\nc1.metric(_("Area"), v)\nst.markdown("### " + _("Map"))\n'
            'st.write("")\nlog.error("not page text")\nst.info(_("On {day}").format(day=d))\n'
            'st.caption(_("a") if x == "oblast" else _("b"))\nst.markdown("## borderline")\n'
            'st.caption(f"{_(\'Area\')}: {v:,.0f}")\nst.text_input(_("New id"), placeholder="my-scenario-v2")\n')
    path = REPO / "tests" / ".i18n_probe.py"
    path.write_text(code, encoding="utf-8")
    try:
        found = _offences(path)
    finally:
        path.unlink()
    assert [f.split(" ", 1)[1] for f in found] == ["button('Save')", "caption('Saved')"]


# --- the command line and the app in Ukrainian -----------------------------------------------------------

def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "borderline", *args], capture_output=True, text=True, timeout=300,
                          cwd=REPO, env={**os.environ, **(env or {})})


def test_cli_lang_uk_prints_ukrainian_headers_and_numbers():
    out = _cli("--lang", "uk", "control", "history", "--from", "2025-01-01", "--to", "2025-02-01")
    assert out.returncode == 0, out.stderr
    head = out.stdout.splitlines()[0]
    assert "Під адміністрацією Росії" in head and "частка" in head
    assert re.search(r"\d\u00a0\d{3}\u00a0км²", out.stdout) and "," in out.stdout.split("\n")[1]


def test_cli_lang_after_the_subcommand_and_from_the_environment():
    after = _cli("control", "changes", "--from", "2025-10-01", "--to", "2025-12-31", "--lang", "uk")
    env = _cli("control", "changes", "--from", "2025-10-01", "--to", "2025-12-31", env={"BORDERLINE_LANG": "uk"})
    assert after.returncode == env.returncode == 0, after.stderr + env.stderr
    assert after.stdout == env.stdout and "Покровськ" in after.stdout and "Під адміністрацією Росії" in after.stdout
    english = _cli("control", "changes", "--from", "2025-10-01", "--to", "2025-12-31")
    assert "Pokrovsk" in english.stdout and "Russian-administered" in english.stdout


def test_cli_json_is_the_same_in_every_language_and_a_bad_language_is_one_line():
    en = _cli("control", "changes", "--from", "2025-10-01", "--to", "2025-12-31", "--json")
    uk = _cli("--lang", "uk", "control", "changes", "--from", "2025-10-01", "--to", "2025-12-31", "--json")
    assert json.loads(en.stdout) == json.loads(uk.stdout)
    bad = _cli("--lang", "ru", "list")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "en, uk" in bad.stderr


def test_the_app_in_ukrainian_from_the_link(tmp_path, monkeypatch):
    from test_app import start

    monkeypatch.setenv("BORDERLINE_HOME", str(tmp_path))
    at = start({"view": "time", "day": "2025-11-20", "lang": "uk"})
    labels = [m.label for m in at.metric]
    assert "Під адміністрацією Росії" in labels and "Частка території України" in labels
    assert any("Лінія зіткнення станом на 20 листопада 2025" in c.value for c in at.caption)
    assert at.slider(key="w_day").label == "День"
    value = next(m.value for m in at.metric if m.label == "Під адміністрацією Росії")
    assert value.endswith("км²") and "\u00a0" in value
    qp = at.query_params["lang"]
    assert (qp[0] if isinstance(qp, list) else qp) == "uk"  # the language stays in the link


def test_place_and_oblast_names_in_cyrillic():
    from geo.data import load_layer
    from geo.names import oblast_name, oblast_names_uk, settlement_name_by_unit

    isos = set(load_layer("admin1")["iso"])
    names = oblast_names_uk()
    assert set(names) == isos and all(CYRILLIC.search(n) for n in names.values())
    assert oblast_name("UA-14", "uk") == "Донецька область" and oblast_name("UA-14", "en") == "Donetsk Oblast"
    assert settlement_name_by_unit("Zaporizhzhia", "UA-23", "uk") == "Запоріжжя"
    towns = load_layer("settlements")
    big = towns[towns["population"] >= 10_000]
    assert big["name_uk"].map(lambda n: isinstance(n, str) and bool(CYRILLIC.search(n))).all()


def _switch_page():
    import streamlit as st

    from borderline.i18n import _
    from borderline.ui import language, session

    def said() -> None:  # a callback runs before the page sets its language: it must still speak the reader's
        st.session_state["said"] = _("Map")

    st.button("OK", key="say", on_click=said)
    session.apply_language()
    language.language_switch()
    st.markdown(_("Map"))
    st.caption(st.session_state.get("said", "-"))
    st.query_params.update(session.language_query())


def test_the_language_switch_changes_every_label_of_the_next_run_and_the_link():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_switch_page, default_timeout=60)
    at.run()
    switch = at.sidebar.button_group[0]
    assert switch.value == "en" and [m.value for m in at.markdown] == ["Map"] and switch.label == "Language"
    switch.set_value("uk").run()
    assert [m.value for m in at.markdown] == ["Карта"] and at.sidebar.button_group[0].label == "Мова"
    assert at.query_params["lang"] in ("uk", ["uk"])
    at.button(key="say").click().run()
    assert at.caption[0].value == "Карта"


def test_the_time_chart_uses_the_language_number_symbols():
    import pandas as pd

    from borderline.ui import timeview

    history = pd.DataFrame({"day": pd.to_datetime(["2025-01-01"]), "iso": ["UA"], "name": ["Ukraine"],
                            "km2": [113_000.0], "pct": [18.7]})
    marks = pd.DataFrame(columns=["day", "label", "scenarios", "ypx"])
    with use_language("uk"):
        spec = timeview.chart(history, marks, "km2", False, "2025-01-01").to_dict()
    assert spec["config"]["locale"]["number"]["decimal"] == "," and spec["config"]["locale"]["number"]["thousands"] \
        == "\u00a0"


def test_the_translation_memory_keeps_placeholders():
    memory = i18n_tools.read_memory("uk")
    assert memory and not [i for i, s in memory.items() if i18n_tools.placeholder_problem(i, s) or not s.strip()]


def test_a_dropped_translation_is_kept_and_comes_back_with_its_message(tmp_path, monkeypatch, template):
    import shutil

    from babel.messages.catalog import Catalog

    shutil.copytree(i18n.LOCALE_DIR, tmp_path / "locale")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    i18n._messages.cache_clear()
    smaller = Catalog(domain=i18n.DOMAIN)
    for m in template:
        if m.id and m.id != "Control on a day":
            smaller.add(m.id)
    first = i18n_tools.update("uk", smaller)
    assert first["dropped"] == 1 and "Control on a day" not in {m.id for m in i18n_tools.read("uk")}
    assert i18n_tools.read_memory("uk")["Control on a day"] == "Контроль на дату"
    again = i18n_tools.update("uk", template)
    assert again["from_memory"] == 1 and again["untranslated"] == 0
    assert translate("Control on a day", "uk") == "Контроль на дату"
    i18n._messages.cache_clear()


def test_cli_evaluate_in_ukrainian_names_the_scenario_oblasts_and_places_in_cyrillic():
    out = _cli("evaluate", "donbas-withdrawal", "--lang", "uk")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert text.startswith("Вихід України з усього Донбасу  [donbas-withdrawal]")
    assert "Донецька область (UA-14)" in text and "Краматорськ (UA-14)" in text and "млн" in text
    assert not re.search(r"\b(Oblast|Russian-administered|Ukrainian-held|population)\b", text)


def test_hints_offer_the_translation_of_a_reworded_message():
    near = i18n_tools.hints("uk", ["Control on one day", "Something else entirely, about bananas"])
    assert near["Control on one day"] == ("Control on a day", "Контроль на дату")
    assert "Something else entirely, about bananas" not in near


def test_the_server_language_is_the_default_and_a_link_wins(tmp_path, monkeypatch):
    from test_app import start

    monkeypatch.setenv("BORDERLINE_HOME", str(tmp_path))
    monkeypatch.setenv("BORDERLINE_LANG", "uk")
    at = start({"view": "time", "day": "2025-11-20"})
    assert "Під адміністрацією Росії" in [m.label for m in at.metric]
    at = start({"view": "time", "day": "2025-11-20", "lang": "en"})
    assert "Russian-administered" in [m.label for m in at.metric]
    assert at.query_params["lang"] in ("en", ["en"])  # kept, since this server's default is Ukrainian
