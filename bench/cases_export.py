"""Report-grade exports (issue 5): one PNG map, the report of all built-ins, one scenario to every data format."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from bench.core import Case

SCENARIO = "claim-with-referendum-zone"  # has every kind of part: ceded, returned, DMZ bands and a zone
DMZ_KM = (5.0, 5.0)
DATA_FORMATS = ["gpkg", "geojson", "kml", "csv", "xlsx"]
_OUT = Path(tempfile.mkdtemp(prefix="borderline-bench-export-"))
atexit.register(shutil.rmtree, _OUT, ignore_errors=True)


def _evaluation():
    from scenarios.engine import evaluate
    from scenarios.library import load_builtin

    return evaluate(load_builtin(SCENARIO), DMZ_KM)


def _warm() -> None:
    # What a running app or a batch has already paid once: layers loaded, base map projected.
    from borderline.export import export

    export([_evaluation()], ["png", *DATA_FORMATS], _OUT)


def _png() -> None:
    from borderline.export import export

    export([_evaluation()], ["png"], _OUT)  # A4 landscape, 300 dpi: 3508 x 2480 px


def _data_formats() -> None:
    from borderline.export import export

    export([_evaluation()], DATA_FORMATS, _OUT)


def _report() -> None:
    from borderline.report import write_report
    from scenarios.engine import clear_cache, evaluate
    from scenarios.library import builtin_ids, load_builtin

    clear_cache()  # evaluate every scenario from scratch, as `borderline report` does
    write_report([evaluate(load_builtin(i)) for i in builtin_ids()], _OUT / "report.pdf")


CASES = [
    Case("png_map_s", "One PNG map, A4 landscape at 300 dpi, written to disk (layers loaded)", "s", _png, repeat=5,
         target="< 3 s", setup=_warm),
    Case("report_all_builtins_s", "PDF report of all built-ins: evaluate, draw 11+ pages, write", "s", _report,
         repeat=3, target="< 30 s", setup=_warm),
    Case("export_all_formats_s", "One scenario to every data format (gpkg, geojson, kml, csv, xlsx), written",
         "s", _data_formats, repeat=5, target="< 2 s", setup=_warm),
]
