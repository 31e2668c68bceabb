"""Export and report subcommands (registered by borderline.cli)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

from borderline.cli_args import parse_dmz
from borderline.errors import UsageError
from borderline.i18n import _


class _Evaluations(Sequence):
    """Evaluations computed on first access, so a long batch shows progress from the start."""

    def __init__(self, jobs: list[tuple]):
        self._jobs, self._done = jobs, {}

    def __len__(self) -> int:
        return len(self._jobs)

    def __getitem__(self, i):
        if i not in self._done:
            from scenarios.engine import evaluate

            scenario, dmz, baseline, base_dir = self._jobs[i]
            self._done = {i: evaluate(scenario, dmz, baseline, base_dir)}  # keep one: a batch can be long
        return self._done[i]


def _scenarios(args) -> list[tuple]:
    """(scenario, base_dir) for every id and --file, all loaded before any work (a bad one fails first)."""
    from scenarios.library import builtin_ids, load_builtin
    from scenarios.model import load

    ids = list(args.ids) or ([] if args.file else builtin_ids())
    out = [(load_builtin(i), None) for i in ids]
    for f in args.file or []:
        out.append((load(f), Path(f).resolve().parent))
    return _with_params(out, getattr(args, "param", None))


def _with_params(out: list[tuple], values: list[str] | None) -> list[tuple]:
    """Each scenario made concrete with the --param values it declares (a name none declares is refused)."""
    from borderline.cli_args import parse_params, params_for

    params = parse_params(values)
    pool = [s for s, _d in out]
    return [(s.with_params(params_for(s, params, pool)), d) for s, d in out]


def _widths(values: list[str] | None) -> list[tuple[float, float] | None]:
    return [parse_dmz(v) for v in values] if values else [None]


def _extent(text: str, bbox: str | None = None):
    """The map extent from --extent, or from --bbox W,S,E,N (degrees) when given; checked once."""
    from borderline.printmap import parse_extent

    if bbox is not None and text not in (None, "ukraine"):
        raise UsageError("--bbox and --extent: give one of them")
    try:
        return parse_extent(bbox if bbox is not None else text)
    except ValueError as exc:
        raise UsageError(f"{'--bbox' if bbox is not None else '--extent'}: {exc}") from None


# -- publishing options (page, extent, title, subtitle, credit, layers, small multiples) -----------------


def _map_options(args) -> dict:
    """The map options of an export or report command, each checked once (exit 2 with one line)."""
    from borderline.printmap import check_layers

    if args.dpi is not None and (args.dpi <= 0 or args.dpi > 1200):
        raise UsageError(f"--dpi {args.dpi}: give a resolution between 1 and 1200")
    try:
        layers = check_layers(args.layers) if args.layers is not None else None
    except ValueError as exc:
        raise UsageError(f"--layers: {exc}") from None
    return {"page": args.page, "extent": _extent(args.extent, args.bbox), "dpi": args.dpi, "title": args.title,
            "subtitle": args.subtitle, "credit": args.credit, "layers": layers}


def _publishing_arguments(p, page: bool = True) -> None:
    from borderline.printmap import LAYERS, PAGES

    p.add_argument("--extent", default="ukraine", metavar="EXTENT",
                   help=_("map extent: ukraine, east-south, or LON_MIN,LAT_MIN,LON_MAX,LAT_MAX"))
    p.add_argument("--bbox", metavar="W,S,E,N", help=_("map extent as a box in degrees (west, south, east, north)"))
    if page:
        p.add_argument("--page", choices=tuple(PAGES), default="a4",
                       help=_("map page size: a4 (landscape), slide (16:9), web (1200x800 px), square (1080x1080), "
                            "story (1080x1920)"))
        p.add_argument("--dpi", type=int, default=None,
                       help=_("PNG resolution (default: the page's, 300 for a4 and slide, 150 for the others)"))
    p.add_argument("--title", help=_("map title (default: the scenario's title)"))
    p.add_argument("--subtitle", help=_("map subtitle (default: DMZ widths, line of contact date, method; '' for none)"))
    p.add_argument("--credit", help=_("credit line (default: the data sources and the line of contact's source)"))
    p.add_argument("--layers", metavar="LIST",
                   help=_("comma-separated layers to draw (default: all): {layers}").format(layers=",".join(LAYERS)))


def cmd_export(args) -> int:
    from borderline.export import FORMATS, ExportError, check_formats, export

    try:
        formats = check_formats(",".join(args.format) if args.format else FORMATS)
    except ExportError as exc:
        raise UsageError(f"--format: {exc}") from None
    widths = _widths(args.dmz_km)
    options = _map_options(args)
    if args.small_multiples is not None:
        return _small_multiples(args, formats, widths, options)
    jobs = [(s, w, args.baseline, d) for (s, d), w in itertools.product(_scenarios(args), widths)]
    paths = export(_Evaluations(jobs), formats, args.out, progress=not args.quiet, **options)
    for p in paths:
        print(p)
    return 0


def _small_multiples(args, formats, widths, options) -> int:
    """``export --small-multiples A,B,C``: one page of small maps of the scenarios, in each map format."""
    from borderline.export import MAP_FORMATS, export_small_multiples
    from scenarios.engine import evaluate
    from scenarios.library import load_builtin

    ids = [i.strip() for i in args.small_multiples.split(",") if i.strip()] + list(args.ids)
    if not ids and not args.file:
        raise UsageError("--small-multiples: give scenario ids, e.g. --small-multiples a,b,c")
    if len(widths) > 1:
        raise UsageError("--small-multiples: give at most one --dmz-km")
    formats = [f for f in formats if f in MAP_FORMATS] if not args.format else formats
    scenarios = _with_params([(load_builtin(i), None) for i in ids], getattr(args, "param", None))
    scenarios += [(s, d) for s, d in _scenarios(argparse_files(args))] if args.file else []
    evaluations = [evaluate(s, widths[0], args.baseline, d) for s, d in scenarios]
    for path in export_small_multiples(evaluations, formats, args.out, **options):
        print(path)
    return 0


def argparse_files(args):
    """The args of only the --file scenarios (no ids)."""
    import argparse

    return argparse.Namespace(ids=[], file=args.file, param=getattr(args, "param", None))


def cmd_report(args) -> int:
    from borderline.report import write_report
    from scenarios.engine import evaluate

    dmz = parse_dmz(args.dmz_km)
    extent = _extent(args.extent, args.bbox)
    if args.all and (args.ids or args.file):
        raise UsageError("--all: takes every built-in scenario; give no ids and no --file with it")
    scenarios = _scenarios(args)
    out = Path(args.out)
    if out.is_dir():
        raise UsageError(f"--out {out}: is a folder; give a file name such as {out / 'report.pdf'}")
    # --all: every proposal against the baseline of its own day (no --baseline override unless given).
    evaluations = [evaluate(s, dmz, args.baseline, d) for s, d in scenarios]
    print(write_report(evaluations, out, extent=extent, progress=not args.quiet, overview=args.all))
    return 0


def register(sub) -> None:
    """Add the export and report subcommands to the parser."""
    p = sub.add_parser(
        "export", help=_("write scenarios as GeoPackage, GeoJSON, KML, CSV, XLSX, PNG, SVG or PDF"),
        description="Write each scenario (at each DMZ width) in each format to a folder, as "
                    "<scenario>__dmz-<ua>-<ru>.<ext>. Files appear complete or not at all.")
    p.add_argument("ids", nargs="*", help=_("built-in scenario ids (default: all built-ins, unless --file is given)"))
    p.add_argument("--file", action="append", metavar="FILE", help=_("also export your own scenario file (repeatable)"))
    p.add_argument("--format", action="append", metavar="LIST",
                   help=_("comma-separated formats: gpkg,geojson,kml,csv,xlsx,png,svg,pdf (default: all)"))
    p.add_argument("--out", required=True, metavar="DIR", help=_("output folder (created if missing)"))
    p.add_argument("--dmz-km", action="append", metavar="W|UA:RU",
                   help=_("DMZ width in km, or UA:RU per side; repeat for a batch over widths (default: the "
                        "scenario's)"))
    p.add_argument("--baseline", metavar="DATE", help=_("baseline control date (default: the scenario's)"))
    _publishing_arguments(p)
    p.add_argument("--small-multiples", metavar="IDS",
                   help=_("instead of one map per scenario, one page of small maps of these scenarios (A,B,C,...; "
                        "same extent and scale), in the map formats asked for (default png,svg,pdf)"))
    p.add_argument("--param", action="append", metavar="NAME=VALUE",
                   help=_("a scenario parameter, e.g. pullback_km=10 (repeatable; default: each one's default)"))
    p.add_argument("--quiet", action="store_true", help=_("no progress bar"))
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "report", help=_("one PDF report comparing scenarios"),
        description="A PDF with a cover, a comparison table (deltas against the first scenario), a page per "
                    "scenario and a page on method and sources.")
    p.add_argument("ids", nargs="*", help=_("built-in scenario ids (default: all built-ins, unless --file is given)"))
    p.add_argument("--file", action="append", metavar="FILE", help=_("also include your own scenario file "
                                                                   "(repeatable)"))
    p.add_argument("--out", required=True, metavar="FILE", help=_("the PDF to write, e.g. report.pdf"))
    p.add_argument("--dmz-km", metavar="W|UA:RU", help=_("DMZ width for every scenario (default: each scenario's)"))
    p.add_argument("--baseline", metavar="DATE", help=_("baseline control date (default: each scenario's)"))
    p.add_argument("--param", action="append", metavar="NAME=VALUE",
                   help=_("a scenario parameter, e.g. pullback_km=10 (repeatable; default: each one's default)"))
    p.add_argument("--extent", default="ukraine", metavar="EXTENT",
                   help=_("map extent: ukraine, east-south, or LON_MIN,LAT_MIN,LON_MAX,LAT_MAX"))
    p.add_argument("--bbox", metavar="W,S,E,N", help=_("map extent as a box in degrees (west, south, east, north)"))
    p.add_argument("--all", action="store_true",
                   help=_("every built-in proposal: a matrix against the baseline of each one's own day and a page "
                        "of small-multiple maps, instead of the comparison and scenario pages"))
    p.add_argument("--quiet", action="store_true", help=_("no progress bar"))
    p.set_defaults(func=cmd_report)
