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
    from borderline.ui.tables import SIDE
    from scenarios.metrics import part_rows

    print(f"{m.title}  [{m.scenario}]")
    print(f"baseline control date {m.baseline}; DMZ {m.dmz_km.ukrainian_side:g} km (Ukrainian side), "
          f"{m.dmz_km.russian_side:g} km (Russian side)")
    rows = [(r.label, fmt.km2(r.km2), fmt.people(r.population)) for r in part_rows(m)]
    rows[0] = (rows[0][0], f"{rows[0][1]}  ({fmt.pct(m.russian_administered_pct)})", rows[0][2])
    print(_table([("", "area", "population*"), *rows]))
    print(f"\nLine of contact: {fmt.km(m.contact_line_km)}, of which {fmt.km(m.contact_line_on_dnieper_km)} "
          "on the Dnieper")
    if m.by_oblast:
        print()
        print(_table([("Russian-administered by unit", "km²", "share", "population*"),
                      *((f"{r.name} ({r.iso})", fmt.fmt_number(r.russian_administered_km2), fmt.pct(r.share_pct),
                         fmt.people(r.population_russian_administered)) for r in m.by_oblast)]))
    if m.settlements_changing_hands:
        print("\nPlaces of 10,000 or more that change hands:")
        for s in m.settlements_changing_hands:
            print(f"  {s.name} ({s.admin1_iso}), {s.population:,}: {SIDE[s.from_side]} → {SIDE[s.to_side]}")
    else:
        print("\nNo place of 10,000 or more changes hands.")
    _print_sites_and_monitoring(m)
    print(f"\n* {m.method.population}.\n  Areas: {m.method.area}.")


def _print_sites_and_monitoring(m) -> None:
    """The sites (side now and on the baseline, zones, status) and the monitoring estimate, as text."""
    from borderline import format as fmt
    from borderline.i18n import _

    side = {"russian_administered": _("Russian-administered"), "ukrainian_held": _("Ukrainian-held")}
    if m.sites:
        rows = [(_("Site"), _("side"), _("on the baseline"), _("zones"), _("status"))]
        for s in m.sites:
            status = [f"{_('administered by')} {s.administered_by}" if s.administered_by else "",
                      f"{_('operated by')} {s.operated_by}" if s.operated_by else "",
                      _("demilitarized") if s.demilitarized else "",
                      _("output") + " " + ", ".join(f"{k} {v:.0%}" for k, v in s.output_share.items())
                      if s.output_share else ""]
            rows.append((s.name, side[s.side], side[s.baseline_side], ", ".join(s.zones) or "–",
                         "; ".join(x for x in status if x) or "–"))
        print()
        print(_table(rows, left=5))
    mo = m.monitoring
    print("\n" + _("Monitoring: {line} of line, {area} of zones; a force of {low}–{high} people (estimate)").format(
        line=fmt.km(mo.line_km), area=fmt.km2(mo.zone_km2), low=f"{mo.troops_low:,}", high=f"{mo.troops_high:,}"))
    print("  " + _("Method: {method}; reference missions: {missions}.").format(
        method=_(mo.method), missions=", ".join(f"{x.mission} ({x.year})" for x in mo.missions)))


def _table(rows: list[tuple[str, ...]], left: int = 1) -> str:
    """Rows as aligned text: the first ``left`` columns left-aligned, the others right-aligned, two spaces apart."""
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(str(c).ljust(w) if i < left else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
                     .rstrip() for r in rows)


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
    print(f"{info['name']}  {info['lat']:.4f} N, {info['lon']:.4f} E")
    if info.get("population"):
        print(f"  population (settlements layer): {info['population']:,}")
    print(f"  unit: {info['admin1_name']} ({info['admin1_iso']})")
    print(f"  bank of the Dnieper: {info['bank']}")
    if info.get("assigned_to_land"):
        land = info["assigned_to_land"]
        print(f"  counted at {land['lat']:.4f} N, {land['lon']:.4f} E ({land['rule']})")
    if info.get("candidates"):
        print(f"  {len(info['candidates'])} places have this name; chosen: {info['chosen_by']} (--admin1 ISO picks "
              "another):")
        for c in info["candidates"]:
            print(f"    {c['name']}, {c['admin1_name']} ({c['admin1_iso']}), population {c['population']:,}")
    side_name = {"russia": "Russian-administered", "ukraine": "Ukrainian-held"}
    if info.get("history"):
        print(f"  control history (source: {info['history'][0]['source']}):")
        for row in info["history"]:
            print(f"    {row['from']} to {row['to']}: {side_name[row['side']]}")
    for date, side in info["control"].items():
        if not any(row["from"] <= date <= row["to"] for row in info.get("history", [])):
            print(f"  on {date}: {side_name[side]} (line of contact of that day)")
    for sid, side in info.get("scenarios", {}).items():
        print(f"  in {sid}: {'Russian-administered' if side == 'russia' else 'Ukrainian-held'}")
    return 0


def cmd_list(args) -> int:
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
        from borderline.i18n import _

        print(_table([(_("id"), _("status"), _("proposed"), _("line of"), _("title")),
                      *((r["id"], r["status"], r["date"], r["baseline"],
                         r["title"] + ("" if r["builtin"] else "  " + _("(yours)"))) for r in rows)], left=5))
    else:
        for r in rows:
            print(f"{r['id']:30} {r['date']:12} {r['title']}{'' if r['builtin'] else '  (yours)'}")
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
    body = [(r["scenario"], r["baseline"], fmt.fmt_number(r["russian_administered_km2"]),
             fmt.fmt_number(r["ceded_by_ukraine_km2"]), fmt.fmt_number(r["returned_to_ukraine_km2"]),
             f"{r['population_moved']:,}", fmt.fmt_number(r["dmz_and_zones_km2"]),
             fmt.fmt_number(r["monitored_line_km"]),
             f"{r['troops_low']:,}–{r['troops_high']:,}") for r in rows]
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
    cmd = [sys.executable, "-m", "streamlit", "run", str(repo / "app.py"), "--server.port", str(args.port),
           "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--client.showErrorDetails", "none", "--client.toolbarMode", "minimal", "--server.maxUploadSize", "25"]
    os.execv(sys.executable, cmd)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="borderline", description="Territorial scenarios for a settlement of the "
                                     "Russia-Ukraine war: areas, populations, lines and maps.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("place", help="admin1 unit, Dnieper bank and control of a place",
                       description="Look up a place by name (any common spelling) or LAT,LON.")
    p.add_argument("name", help="settlement name (Zaporizhzhia, Zaporozhye…) or coordinates such as 50.43,30.64")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--scenarios", action="store_true", help="also say who administers it in each built-in scenario")
    p.add_argument("--admin1", metavar="ISO", help="among places of the same name, the one in this unit (UA-63…)")
    p.set_defaults(func=cmd_place)

    p = sub.add_parser("list", help="list the built-in and your own scenarios")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--long", action="store_true", help="also the status, the proposal's date and its line's day")
    p.set_defaults(func=cmd_list)

    def scenario_options(p, many=False):
        p.add_argument("--dmz-km", metavar="W|UA:RU", help="DMZ width in km on both sides, or per side as UA:RU")
        p.add_argument("--baseline", metavar="DATE", help="baseline control date (default: the scenario's)")
        p.add_argument("--json", action="store_true", help="print JSON (shape documented in the README)")
        p.add_argument("--param", action="append", metavar="NAME=VALUE",
                       help="a scenario parameter, e.g. pullback_km=10 (repeatable; default: each one's default)")

    p = sub.add_parser("evaluate", help="areas, populations, line and DMZ of a scenario")
    p.add_argument("id", nargs="?", help="built-in scenario id")
    p.add_argument("--file", help="evaluate your own scenario TOML file instead")
    scenario_options(p)
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("compare", help="compare scenarios side by side, with deltas against the first")
    p.add_argument("ids", nargs="*", help="two or more built-in scenario ids")
    p.add_argument("--all", action="store_true",
                   help="a matrix of every built-in, each against the line of its own day")
    scenario_options(p)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("validate", help="check a scenario TOML file")
    p.add_argument("file")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("data", help="manage the embedded data")
    data_sub = p.add_subparsers(dest="data_command", required=True)
    b = data_sub.add_parser("build", help="rebuild data/boundaries from its registry sources")
    b.add_argument("--out", help="output folder (default data/boundaries)")
    b.set_defaults(func=cmd_data_build)

    p = sub.add_parser("app", help="start the Streamlit app on http://localhost:8501")
    p.add_argument("--port", type=int, default=8501)
    p.set_defaults(func=cmd_app)

    from borderline import cli_control, cli_exports

    cli_exports.register(sub)
    cli_control.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
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

