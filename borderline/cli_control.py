"""The `borderline control` subcommands: the dated lines, the area through time, and changes of hands."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys

from borderline.errors import UsageError
from borderline.i18n import _
from geo.messages import N_


def _timeline():
    from geo.projected import projected

    return projected()


def _month_starts(first: str, last: str) -> list[str]:
    day = dt.date.fromisoformat(first).replace(day=1)
    out = []
    while day.isoformat() <= last:
        out.append(max(day.isoformat(), first))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out


def _days(first: str, last: str) -> list[str]:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [(start + dt.timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


def cmd_list(args) -> int:
    from geo import imported, linestore
    from geo.data import load_layer

    p = _timeline()
    t = p.timeline
    authored = load_layer("control").set_index("date")
    rows = [{"date": d, "source": "borderline", "kind": "authored line", "title": authored.loc[d, "title"],
             "sources": authored.loc[d, "sources"]} for d in sorted(t.authored)]
    rows.append({"date": f"{t.first_day} to {t.last_day}", "source": "borderline", "kind": "daily",
                 "title": N_("authored line of 12 February 2025 plus the ledger of changes of hands"),
                 "sources": N_("DeepStateMap.Live daily archive of occupied areas (cyterat/deepstate-map-data, "
                               "GPL-3.0), sampled at the settlements near the front")})
    for source, days in imported.imported_days().items():
        rows.append({"date": f"{days[0]} to {days[-1]}" if len(days) > 1 else days[0], "source": source,
                     "kind": f"imported, {len(days)} day(s)", "title": f"imported line(s) of {source}",
                     "sources": f"imported into {linestore.current().where(source)}", "days": days})
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        title, sources = _(r["title"]), _(r["sources"])
        if "days" in r:  # an imported source
            title = _("imported line(s) of {source}").format(source=r["source"])
            sources = _("imported into {folder}").format(folder=linestore.current().where(r["source"]))
        print(f"{_days_text(r['date']):26} {r['source']:11} {_kind(r['kind']):14} {title}")
        print(f"{'':26} {_('sources')}: {sources[:160]}")
    return 0


def _days_text(text: str) -> str:
    """"D1 to D2" in the current language."""
    first, sep, last = text.partition(" to ")
    return _("{first} to {last}").format(first=first, last=last) if sep else text


def _kind(kind: str) -> str:
    """A line's kind ("authored line", "daily", "imported, N day(s)") in the current language."""
    if kind.startswith("imported, "):
        return _("imported, days: {n}").format(n=kind.split(", ")[1].split(" ")[0])
    return {"authored line": _("authored line"), "daily": _("daily")}.get(kind, kind)


def _range(args, p, imports: bool) -> tuple[str, str]:
    """The first and last day asked for; with ``imports`` the days imported lines cover count too."""
    t = p.timeline
    resolve = (lambda d: p.line(d).day) if imports else t.resolve
    for day in (args.start, args.end):
        if day:
            resolve(day)  # refuses, in one line, a day no line covers
    first = args.start or min([*t.authored, t.first_day])
    last = resolve("latest") if args.end in (None, "latest") else args.end
    if first > last:
        raise UsageError(_("--from {start} is after --to {end}").format(start=args.start, end=args.end))
    return first, last


def cmd_history(args) -> int:
    from borderline import format as fmt
    from scenarios.engine import control_history

    p = _timeline()
    first, last = _range(args, p, imports=True)
    days = _days(first, last) if args.daily else _month_starts(first, last)
    if args.oblast and args.oblast not in set(p.admin1["iso"]):
        raise UsageError(_("--oblast {iso}: unknown ISO code; known: {known}").format(
            iso=args.oblast, known=", ".join(sorted(p.admin1["iso"]))))
    rows = control_history(days, args.oblast)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif args.csv:
        out = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        out.writeheader()
        out.writerows(rows)
    else:
        print(fmt.table([(_("day"), _("unit"), _("Russian-administered"), _("share")),
                         *((r["day"], r["iso"], fmt.km2(r["russian_administered_km2"]), fmt.pct(r["share_pct"]))
                           for r in rows)], align="llrr"))
        print("\n" + _("Areas in km² (EPSG:3035, equal-area); each day's line: borderline's dated control model "
                       "(authored line of 12 February 2025 plus DeepStateMap.Live's daily archive, sampled at "
                       "settlements)."))
    return 0


def cmd_changes(args) -> int:
    p = _timeline()
    t = p.timeline
    if not args.start or not args.end:
        raise UsageError(_("give --from D1 and --to D2 (YYYY-MM-DD)"))
    first, last = _range(args, p, imports=False)
    population = dict(zip(p.settlements["geonameid"], p.settlements["population"]))
    rows = [{"name": c.name, "admin1_iso": c.admin1_iso, "day": c.day, "from": c.from_side, "to": c.to_side,
             "population": int(population.get(c.geonameid, 0)), "geonameid": c.geonameid}
            for c in t.changes(first, last)]
    if args.json:
        print(json.dumps({"from": first, "to": last, "changes": rows}, ensure_ascii=False, indent=2))
        return 0
    from borderline import format as fmt
    from borderline.i18n import language
    from geo.names import settlement_name

    names_uk = dict(zip(p.settlements["geonameid"], p.settlements["name_uk"]))
    print(_("Settlements that changed hands after {first} up to {last}: {n}").format(first=first, last=last,
                                                                                    n=len(rows)))
    print(fmt.table([(f"  {r['day']}", f"{settlement_name(r['name'], names_uk.get(r['geonameid']), language())} "
                                       f"({r['admin1_iso']})", fmt.people(r["population"]),
                      f"{fmt.side(r['from'])} → {fmt.side(r['to'])}") for r in rows], align="llrl"))
    print("\n" + _("Source: DeepStateMap.Live daily archive (cyterat/deepstate-map-data), sampled at settlements; "
                   "populations: GeoNames, rounded to three significant figures."))
    return 0


def cmd_import(args) -> int:
    from pathlib import Path

    from tqdm import tqdm

    from geo import imported, linestore

    p = _timeline()
    bar = tqdm(total=None, disable=args.quiet, file=sys.stderr, unit="day", dynamic_ncols=True)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    try:
        lines = imported.import_lines(Path(args.file), args.source, p.ukraine, date=args.date, replace=args.replace,
                                      progress=progress)
    finally:
        bar.close()
    days = [line.day for line in lines]
    span = _("{first} to {last}").format(first=days[0], last=days[-1]) if len(days) > 1 else days[0]
    print(_("imported days of {source}: {n}, {span}").format(n=len(days), source=args.source, span=span))
    print("  " + _("kept in {folder}; use them as {pinned} or, unpinned, as any day they cover").format(
        folder=linestore.current().where(args.source), pinned=f"{args.source}:{days[-1]}"))
    return 0


def register(sub) -> None:
    """Add `borderline control list|history|changes` to the parser."""
    p = sub.add_parser("control", help=_("the lines of contact through time"),
                       description=_("Who held what on any day: the dated lines, the area through time and the "
                                   "settlements that changed hands."))
    csub = p.add_subparsers(dest="control_command", required=True)
    c = csub.add_parser("list", help=_("the dated lines and their sources"))
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_list)
    c = csub.add_parser("history", help=_("Russian-administered km² and %% per month (or day), total and per oblast"))
    c.add_argument("--oblast", metavar="ISO", help=_("one unit, such as UA-14 (default: the whole country and every "
                                                    "unit that has Russian-administered land)"))
    c.add_argument("--from", dest="start", metavar="D", help=_("first day (YYYY-MM-DD)"))
    c.add_argument("--to", dest="end", metavar="D", help=_("last day (YYYY-MM-DD or latest)"))
    c.add_argument("--daily", action="store_true", help=_("every day instead of the first of each month"))
    fmt = c.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")
    c.set_defaults(func=cmd_history)
    c = csub.add_parser("import", help=_("import a newer line (GeoJSON, GeoPackage, zipped Shapefile, KML) or an "
                        "archive of many days"),
                        description=_("Import a polygon of Russian-controlled territory for one day, or an archive: "
                                    "a folder of deepstatemap_data_YYYYMMDD.geojson files or one GeoJSON (optionally "
                                    "gzipped) with a date property per feature. Kept in your data folder."))
    c.add_argument("file", help=_("the file or folder to import"))
    c.add_argument("--date", metavar="D", help=_("the day of a single-day file (default: from the file name)"))
    c.add_argument("--source", default="imported",
                   help=_("the source's name, e.g. deepstate or isw (default imported)"))
    c.add_argument("--replace", action="store_true", help=_("replace days already imported for this source"))
    c.add_argument("--quiet", action="store_true", help=_("no progress bar"))
    c.set_defaults(func=cmd_import)
    c = csub.add_parser("changes", help=_("the settlements that changed hands between two days"))
    c.add_argument("--from", dest="start", metavar="D1", required=True)
    c.add_argument("--to", dest="end", metavar="D2", required=True)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_changes)
