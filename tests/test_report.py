"""Issue 5: the PDF report opens, has the expected pages and selectable text, and fails cleanly."""

from __future__ import annotations

import errno
import subprocess

import pytest

from borderline.report import MAX_COLUMNS, comparison_rows, page_count
from geo import fs
from scenarios.engine import evaluate
from scenarios.library import load_builtin

IDS = ["status-quo-2025-02", "claim-with-referendum-zone"]


def _cli(argv, capsys):
    from borderline.cli import main

    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory):
    from borderline.cli import main

    out = tmp_path_factory.mktemp("report") / "report.pdf"
    assert main(["report", *IDS, "--dmz-km", "5", "--out", str(out), "--quiet"]) == 0
    return out


def _text(pdf, first=None, last=None) -> str:
    pages = ["-f", str(first), "-l", str(last)] if first else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_page_count_is_cover_comparison_scenarios_and_method():
    from borderline.report import COMPARISON_ROWS
    from scenarios.metrics import MEASURES

    pages = -(-len(MEASURES) // COMPARISON_ROWS)  # the measures run over this many comparison pages
    assert page_count(1) == 3 + pages
    assert page_count(MAX_COLUMNS) == MAX_COLUMNS + 2 + pages
    assert page_count(MAX_COLUMNS + 1) == MAX_COLUMNS + 3 + 2 * pages  # a second group of columns


def test_report_has_the_expected_pages(report_pdf):
    from pypdf import PdfReader

    assert len(PdfReader(report_pdf).pages) == page_count(len(IDS))


def test_report_text_is_selectable(report_pdf):
    titles = [load_builtin(i).title for i in IDS]
    everything = " ".join(_text(report_pdf).split())
    for title in titles:
        assert title in everything
    from borderline.report import COMPARISON_ROWS
    from scenarios.metrics import MEASURES

    comparison = -(-len(MEASURES) // COMPARISON_ROWS)
    assert all("Comparison" in _text(report_pdf, k, k) for k in range(2, 2 + comparison))
    second_scenario = 3 + comparison  # the claim: places change hands there
    scenario_page = _text(report_pdf, second_scenario, second_scenario)
    assert "Russian-administered by oblast" in scenario_page and "Changing hands" in scenario_page
    last = page_count(len(IDS))
    method = " ".join(_text(report_pdf, last, last).split())
    for needle in ("Method and sources", "EPSG:3035", "equal-area", "2022 resident baseline, estimated",
                   "displacement", "Line of contact", "12 February 2025", "Natural Earth", "GeoNames", "COD-PS"):
        assert needle in method, needle


def test_report_fonts_are_embedded_and_page_one_renders(report_pdf, tmp_path):
    fonts = subprocess.run(["pdffonts", str(report_pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(r.split()[-5] == "yes" for r in rows)
    subprocess.run(["pdftoppm", "-r", "20", "-png", "-f", "1", "-l", "1", str(report_pdf), str(tmp_path / "p")],
                   check=True)
    assert (tmp_path / "p-1.png").stat().st_size > 1000


def test_comparison_deltas_are_against_the_first():
    metrics = [evaluate(load_builtin(i)).metrics for i in IDS]
    rows = {r["key"]: r for r in comparison_rows(metrics)}
    ceded = rows["ceded_by_ukraine_km2"]
    assert ceded["deltas"][0] == 0
    assert ceded["deltas"][1] == pytest.approx(metrics[1].ceded_by_ukraine_km2 - metrics[0].ceded_by_ukraine_km2)
    assert rows["zones_km2"]["values"] == [0, sum(z.km2 for z in metrics[1].zones)]


def test_report_unknown_scenario_is_exit_2(tmp_path, capsys):
    code, _, err = _cli(["report", "status-quo-2025-02", "no-such-one", "--out", str(tmp_path / "r.pdf")], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "no-such-one" in err
    assert not (tmp_path / "r.pdf").exists()


def test_report_to_an_unwritable_place_is_exit_2(tmp_path, capsys):
    (tmp_path / "f").write_text("")
    code, _, err = _cli(["report", "status-quo-2025-02", "--out", str(tmp_path / "f" / "r.pdf"), "--quiet"], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_report_on_a_full_disk_leaves_nothing(tmp_path, capsys, monkeypatch):
    def failing(f, data):
        f.write(data[:100])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fs, "_write_chunks", failing)
    code, _, err = _cli(["report", "status-quo-2025-02", "--out", str(tmp_path / "r.pdf"), "--quiet"], capsys)
    assert code == 2 and "disk is full" in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []
