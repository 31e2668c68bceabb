"""The message catalog's tools: extract the messages of the code, update the PO files, list and fill gaps, check.

``python -m borderline.i18n extract`` (or ``borderline i18n extract``) runs Babel's extractor over ``borderline/``,
``app.py``, ``app_pages/``, ``scenarios/`` and ``geo/`` with the keywords ``_`` and ``N_``, adds the labels the
typed metrics generate (``scenarios.metrics``: field labels, measure labels, part labels), and updates each PO
file with Babel's ``Catalog.update`` (new messages empty, removed ones dropped, no fuzzy guesses), written
atomically; dropped translations are kept in ``memory.json`` beside the PO file and reused for new ids that
match exactly. ``untranslated`` lists what has no translation yet (``--json`` for a fill file), ``fill FILE.json``
merges ``{msgid: msgstr}`` translations in, and ``check`` fails when a message is missing, untranslated,
obsolete or has other placeholders than its English id.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import re
import sys
from pathlib import Path

from geo.errors import UserError
from borderline.i18n import LANGUAGES, DEFAULT_LANGUAGE, DOMAIN, _messages, catalog_path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("borderline", "app.py", "app_pages", "scenarios", "geo")
KEYWORDS = {"_": None, "N_": None}
# ``{name}``, ``{0:,}``, ``%s``, ``%(name)s``: what str.format / % fill in, which a translation must keep.
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%(?:\([^)]*\))?[sdifr%]")
HEADER = "Ukrainian translation of borderline."


def source_files(root: Path = ROOT) -> list[Path]:
    """The Python files messages are extracted from, sorted."""
    out = []
    for name in SOURCES:
        path = root / name
        if path.is_file():
            out.append(path)
        elif path.is_dir():
            out += sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)
    return out


def _generated_messages() -> list[tuple[str, str]]:
    """Labels the typed metrics build at run time (the code passes them through ``_`` when shown)."""
    from scenarios import metrics

    out = [("scenarios/metrics.py", metrics.POPULATION_NOTE)]
    for cls in [v for v in vars(metrics).values() if dataclasses.is_dataclass(v) and isinstance(v, type)]:
        out += [("scenarios/metrics.py", f.metadata["label"]) for f in dataclasses.fields(cls)
                if f.metadata.get("label")]
    out += [("scenarios/metrics.py", m.label) for m in metrics.MEASURES]
    out += [("scenarios/metrics.py", label) for label in metrics.PART_LABELS.values()]
    from scenarios.engine import METHOD  # the method notes every evaluation carries

    out += [("scenarios/engine.py", getattr(METHOD, f.name)) for f in dataclasses.fields(METHOD)]
    return out + _builtin_texts()


def _builtin_texts() -> list[tuple[str, str]]:
    """The built-in scenarios' titles, summaries and zone names: shipped text the app and CLI show (a user's own
    scenarios are shown as written)."""
    from scenarios.library import builtin_ids, load_builtin

    out = []
    for sid in builtin_ids():
        s, rel = load_builtin(sid), f"scenarios/library/{sid}.toml"
        out += [(rel, s.title), (rel, s.summary)]
        out += [(rel, text) for z in s.zones for text in (z.name, getattr(z, "description", "") or "")]
    return [(rel, text.strip()) for rel, text in out if text and text.strip()]


def _calls_in_fstrings(path: Path) -> list[tuple[int, str]]:
    """``_("...")`` / ``N_("...")`` calls inside f-strings, which Babel's tokenizer does not see on Python 3.11."""
    import ast

    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except SyntaxError as exc:
        raise UserError(f"{path}:{exc.lineno}: not valid Python ({exc.msg}); fix it, then extract again") from None
    out = []
    for joined in (n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)):
        for node in ast.walk(joined):
            name = getattr(node, "func", None)
            name = name.id if isinstance(name, ast.Name) else getattr(name, "attr", None)
            if (isinstance(node, ast.Call) and name in KEYWORDS
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                out.append((node.lineno, node.args[0].value))
    return out


def extract(root: Path = ROOT):
    """A Babel template catalog of every message of the code (ids only)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_file

    template = Catalog(domain=DOMAIN, project="borderline", charset="utf-8")
    for path in source_files(root):
        rel = path.relative_to(root).as_posix()
        for lineno, message, comments, context in extract_from_file("python", path, keywords=KEYWORDS):
            if isinstance(message, str) and message:
                template.add(message, locations=[(rel, lineno)], auto_comments=comments, context=context)
        for lineno, message in _calls_in_fstrings(path):
            if message and message not in template:
                template.add(message, locations=[(rel, lineno)])
    for rel, message in _generated_messages():
        if message and message not in template:
            template.add(message, locations=[(rel, 0)])
    return template


def read(code: str):
    """The PO catalog of a language (an empty one if it does not exist yet)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    path = catalog_path(code)
    if not path.is_file():
        return Catalog(locale=code, domain=DOMAIN, project="borderline", charset="utf-8")
    with path.open("rb") as fh:
        return read_po(fh, locale=code, domain=DOMAIN)


def write(catalog, code: str) -> Path:
    """Write a language's PO file atomically (sorted, without line numbers, so diffs stay small)."""
    from babel.messages.pofile import write_po

    from geo.fs import write_atomic

    buf = io.BytesIO()
    write_po(buf, catalog, width=116, sort_output=True, include_lineno=False, ignore_obsolete=True,
             omit_header=False)
    path = catalog_path(code)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, buf.getvalue())
    _messages.cache_clear()
    return path


def memory_path(code: str) -> Path:
    """The translation memory of a language: translations of messages not (or no longer) in the code."""
    return catalog_path(code).with_name("memory.json")


def read_memory(code: str) -> dict[str, str]:
    path = memory_path(code)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def write_memory(code: str, memory: dict[str, str]) -> None:
    from geo.fs import write_atomic

    text = json.dumps(dict(sorted(memory.items())), ensure_ascii=False, indent=1) + "\n"
    write_atomic(memory_path(code), text)


def update(code: str, template=None) -> dict:
    """Bring a language's catalog in line with the code: add new ids, drop removed ones; returns counts.

    A dropped translation goes to the language's memory, and a new id the memory knows is translated from it,
    so a message that is reworded and back again, or wrapped in ``_()`` later, keeps its translation.
    """
    template = template or extract()
    catalog = read(code)
    before = {m.id for m in catalog if m.id}
    created = catalog.creation_date
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    dropped = sorted(str(k) for k in catalog.obsolete)
    memory = read_memory(code)
    kept = {str(k): m.string for k, m in catalog.obsolete.items() if isinstance(m.string, str) and m.string}
    recalled = 0
    for m in catalog:
        if m.id and isinstance(m.id, str) and not m.string and m.id in memory \
                and not placeholder_problem(m.id, memory[m.id]):
            m.string, recalled = memory[m.id], recalled + 1
    if kept:
        write_memory(code, {**memory, **kept})
    catalog.header_comment = f"# {HEADER}"
    catalog.creation_date = created  # so a re-extraction that finds nothing new leaves the file as it was
    catalog.revision_date = created
    catalog.last_translator = catalog.language_team = "borderline"
    write(catalog, code)
    after = {m.id for m in catalog if m.id}
    return {"language": code, "messages": len(after), "added": len(after - before), "dropped": len(dropped),
            "from_memory": recalled, "untranslated": len(untranslated(code))}


def untranslated(code: str) -> list[str]:
    """The ids of a language's catalog without a (non-fuzzy) translation."""
    return [m.id for m in read(code) if m.id and isinstance(m.id, str) and (not m.string or m.fuzzy)]


def fill(code: str, translations: dict[str, str]) -> int:
    """Merge ``{msgid: msgstr}`` into a language's catalog (only ids it has); returns how many were set."""
    catalog = read(code)
    done = 0
    for msgid, msgstr in translations.items():
        message = catalog.get(msgid)
        if message is None or not msgstr:
            continue
        bad = placeholder_problem(msgid, msgstr)
        if bad:
            raise ValueError(bad)
        message.string, message.flags = msgstr, {f for f in message.flags if f != "fuzzy"}
        done += 1
    write(catalog, code)
    return done


def placeholders(text: str) -> list[str]:
    """The placeholders of a message, sorted (``{name}``, ``%s``…)."""
    return sorted(_PLACEHOLDER.findall(text))


def placeholder_problem(msgid: str, msgstr: str) -> str:
    """'' when ``msgstr`` keeps the placeholders of ``msgid``; else a one-line description."""
    want, got = placeholders(msgid), placeholders(msgstr)
    return "" if want == got else f"{msgid[:60]!r}: placeholders {want} in English but {got} in the translation"


def problems(code: str, template=None) -> list[str]:
    """Everything wrong with a language's catalog against the code, one line each (empty: complete)."""
    template = template or extract()
    catalog = read(code)
    have = {m.id: m for m in catalog if m.id}
    want = {m.id for m in template if m.id}
    out = [f"missing from the {code} catalog: {i[:70]!r}" for i in sorted(want - set(have))]
    out += [f"obsolete in the {code} catalog: {i[:70]!r}" for i in sorted(set(have) - want)]
    for i in sorted(want & set(have)):
        m = have[i]
        if not m.string or m.fuzzy:
            out.append(f"untranslated in {code}: {i[:70]!r}")
        elif placeholder_problem(i, m.string):
            out.append(placeholder_problem(i, m.string))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m borderline.i18n", description="The message catalog.")
    sub = parser.add_subparsers(dest="action", required=True)
    register_actions(sub)
    args = parser.parse_args(argv)
    try:
        return args.i18n_func(args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def register_actions(sub) -> None:
    """The catalog actions as subcommands (used by ``python -m borderline.i18n`` and ``borderline i18n``)."""
    langs = [c for c in LANGUAGES if c != DEFAULT_LANGUAGE]
    p = sub.add_parser("extract", help="re-extract the messages of the code and update the PO files")
    p.set_defaults(i18n_func=_cmd_extract)
    p = sub.add_parser("untranslated", help="list the messages without a translation")
    p.add_argument("--lang", default=langs[0], choices=langs)
    p.add_argument("--json", action="store_true", help="print a {msgid: \"\"} object to fill in")
    p.add_argument("--hints", action="store_true", help="with each, the closest translated message (a reworded one)")
    p.set_defaults(i18n_func=_cmd_untranslated)
    p = sub.add_parser("fill", help="merge translations from a JSON object {msgid: msgstr}")
    p.add_argument("file")
    p.add_argument("--lang", default=langs[0], choices=langs)
    p.set_defaults(i18n_func=_cmd_fill)
    p = sub.add_parser("check", help="exit 1 if a message is missing, untranslated, obsolete or loses a placeholder")
    p.set_defaults(i18n_func=_cmd_check)


def _cmd_extract(args) -> int:
    template = extract()
    for code in LANGUAGES:
        if code != DEFAULT_LANGUAGE:
            r = update(code, template)
            print(f"{catalog_path(code).relative_to(ROOT)}: {r['messages']} messages, {r['added']} new "
                  f"({r['from_memory']} translated from memory), {r['dropped']} dropped (kept in memory), "
                  f"{r['untranslated']} untranslated")
    return 0


def hints(code: str, ids: list[str], cutoff: float = 0.72) -> dict[str, tuple[str, str]]:
    """For each id, the most similar message already translated (catalog or memory): ``(its id, translation)``."""
    import difflib

    known = {**read_memory(code), **{m.id: m.string for m in read(code) if m.id and m.string and not m.fuzzy}}
    out = {}
    for i in ids:
        near = difflib.get_close_matches(i, list(known), n=1, cutoff=cutoff)
        if near:
            out[i] = (near[0], known[near[0]])
    return out


def _cmd_untranslated(args) -> int:
    ids = untranslated(args.lang)
    if args.hints:
        near = hints(args.lang, ids)
        for i in ids:
            print(i)
            if i in near:
                print(f"  ≈ {near[i][0]}\n  → {near[i][1]}")
        print(f"{len(ids)} untranslated, {len(near)} with a hint", file=sys.stderr)
        return 0
    if args.json:
        print(json.dumps({i: "" for i in ids}, ensure_ascii=False, indent=1))
    else:
        print("\n".join(ids))
        print(f"{len(ids)} untranslated", file=sys.stderr)
    return 0


def _cmd_fill(args) -> int:
    data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    print(f"{fill(args.lang, data)} translations merged into {catalog_path(args.lang).relative_to(ROOT)}")
    return 0


def _cmd_check(args) -> int:
    template = extract()
    out = [line for code in LANGUAGES if code != DEFAULT_LANGUAGE for line in problems(code, template)]
    print("\n".join(out) if out else "catalog complete")
    return 1 if out else 0
