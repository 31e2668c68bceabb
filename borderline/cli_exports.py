"""Export and report subcommands (registered by borderline.cli)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

from borderline.cli_args import parse_dmz
from borderline.errors import UsageError


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


def _extent(text: str):
    from borderline.printmap import parse_extent

    try:
        return parse_extent(text)
    except ValueError as exc:
        raise UsageError(f"--extent: {exc}") from None


def cmd_export(args) -> int:
    from borderline.export import FORMATS, ExportError, check_formats, export

    try:
        formats = check_formats(",".join(args.format) if args.format else FORMATS)
    except ExportError as exc:
        raise UsageError(f"--format: {exc}") from None
    widths = _widths(args.dmz_km)
    extent = _extent(args.extent)
    if args.dpi <= 0 or args.dpi > 1200:
        raise UsageError(f"--dpi {args.dpi}: give a resolution between 1 and 1200")
    jobs = [(s, w, args.baseline, d) for (s, d), w in itertools.product(_scenarios(args), widths)]
    paths = export(_Evaluations(jobs), formats, args.out, progress=not args.quiet, page=args.page, extent=extent,
                   dpi=args.dpi)
    for p in paths:
        print(p)
    return 0


def cmd_report(args) -> int:
    from borderline.report import write_report
    from scenarios.engine import evaluate

    dmz = parse_dmz(args.dmz_km)
    extent = _extent(args.extent)
    scenarios = _scenarios(args)
    out = Path(args.out)
    if out.is_dir():
        raise UsageError(f"--out {out}: is a folder; give a file name such as {out / 'report.pdf'}")
    evaluations = [evaluate(s, dmz, args.baseline, d) for s, d in scenarios]
    print(write_report(evaluations, out, extent=extent, progress=not args.quiet))
    return 0


def register(sub) -> None:
    """Add the export and report subcommands to the parser."""
    p = sub.add_parser(
        "export", help="write scenarios as GeoPackage, GeoJSON, KML, CSV, XLSX, PNG, SVG or PDF",
        description="Write each scenario (at each DMZ width) in each format to a folder, as "
                    "<scenario>__dmz-<ua>-<ru>.<ext>. Files appear complete or not at all.")
    p.add_argument("ids", nargs="*", help="built-in scenario ids (default: all built-ins, unless --file is given)")
    p.add_argument("--file", action="append", metavar="FILE", help="also export your own scenario file (repeatable)")
    p.add_argument("--format", action="append", metavar="LIST",
                   help="comma-separated formats: gpkg,geojson,kml,csv,xlsx,png,svg,pdf (default: all)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created if missing)")
    p.add_argument("--dmz-km", action="append", metavar="W|UA:RU",
                   help="DMZ width in km, or UA:RU per side; repeat for a batch over widths (default: the "
                        "scenario's)")
    p.add_argument("--baseline", metavar="DATE", help="baseline control date (default: the scenario's)")
    p.add_argument("--extent", default="ukraine", metavar="EXTENT",
                   help="map extent: ukraine, east-south, or LON_MIN,LAT_MIN,LON_MAX,LAT_MAX")
    p.add_argument("--page", choices=("a4", "slide"), default="a4",
                   help="map page size: a4 (landscape) or slide (16:9)")
    p.add_argument("--dpi", type=int, default=300, help="PNG resolution (default 300)")
    p.add_argument("--param", action="append", metavar="NAME=VALUE",
                   help="a scenario parameter, e.g. pullback_km=10 (repeatable; default: each one's default)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "report", help="one PDF report comparing scenarios",
        description="A PDF with a cover, a comparison table (deltas against the first scenario), a page per "
                    "scenario and a page on method and sources.")
    p.add_argument("ids", nargs="*", help="built-in scenario ids (default: all built-ins, unless --file is given)")
    p.add_argument("--file", action="append", metavar="FILE", help="also include your own scenario file "
                                                                   "(repeatable)")
    p.add_argument("--out", required=True, metavar="FILE", help="the PDF to write, e.g. report.pdf")
    p.add_argument("--dmz-km", metavar="W|UA:RU", help="DMZ width for every scenario (default: each scenario's)")
    p.add_argument("--baseline", metavar="DATE", help="baseline control date (default: each scenario's)")
    p.add_argument("--param", action="append", metavar="NAME=VALUE",
                   help="a scenario parameter, e.g. pullback_km=10 (repeatable; default: each one's default)")
    p.add_argument("--extent", default="ukraine", metavar="EXTENT",
                   help="map extent: ukraine, east-south, or LON_MIN,LAT_MIN,LON_MAX,LAT_MAX")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_report)
