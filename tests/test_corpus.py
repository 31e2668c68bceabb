"""Issue 6: malformed and hostile input, measured.

Every input of the corpus (tests/corpus/build.py: scenario TOML, control-line files, GeoJSON, GeoPackage,
zipped Shapefile, KML/KMZ, the app's upload chain and the command line) must give a clear error or a
correct result: no traceback, no answer later than 5 s, no file written outside its folder, no temporary
file left behind. tests/corpus/harness.py is the checker (bench/cases_robustness.py counts with it too).

The checker is tested first on inputs it must call failures, so that a broken checker cannot pass the
corpus. Then the app's real upload widgets get a sample of the hostile files.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

import pytest

from corpus import build, harness

CASES = build.all_cases()
SELF_TESTS = {c.id: c for c in build.self_test_cases()}


def test_the_corpus_covers_every_parser_with_200_inputs_or_more():
    counts = Counter(c.group for c in CASES)
    assert len(CASES) >= 200, counts
    assert set(counts) == set(harness.GROUPS), set(harness.GROUPS) - set(counts)
    assert all(n >= 5 for n in counts.values()), counts
    assert counts["cli"] <= 45, "subprocess cases are slow: keep the CLI group near 40"
    assert sum(c.origin == "hand-made" for c in CASES) >= 20


@pytest.mark.parametrize("case_id, finding", [
    ("selftest/hang", "hang"),
    ("selftest/unexpected-exception", "unexpected RuntimeError"),
    ("selftest/writes-outside", "outside its folder"),
    ("selftest/leaves-temp-file", "temporary folder"),
    ("selftest/accepts-bad-input", "accepted a bad input"),
    ("selftest/refuses-good-input", "refused a good input"),
    ("selftest/wrong-message", "does not say"),
    ("selftest/wrong-result", "the check says no"),
    ("selftest/cli-wrong-exit", "accepted a bad input"),
])
def test_the_checker_reports_failures(case_id, finding):
    outcome = harness.run_case(SELF_TESTS[case_id])
    assert outcome.status == "failure" and finding in outcome.detail, outcome


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_input_is_refused_clearly_or_read_correctly(case):
    outcome = harness.run_case(case)
    assert outcome.handled, f"{harness.GROUPS[case.group]}: {outcome.detail}"


# ------------------------------------------------------------------------------------------ the app's widgets


def _inputs(root: Path, *case_ids: str) -> list[tuple[str, bytes]]:
    """(file name, bytes) of upload cases of the corpus, made in a folder nested in ``root`` as the harness does."""
    by_id = {c.id: c for c in CASES}
    folder = root / "l1" / "l2" / "l3" / "case"
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for cid in case_ids:
        made = by_id[cid].make(folder)
        out.append((made["filename"], made["data"]))
    return out


BAD_AREAS = ("shapefile/slip-four-levels", "shapefile/absolute-path", "shapefile/symlink-to-etc-passwd",
             "shapefile/bomb-one-member-210MB", "kml/kmz-named-zip", "upload-geojson/nan-literal", "upload-geojson/not-utf8",
             "upload-geojson/nested-100000-deep", "gpkg/magic-then-random", "upload-geojson/projected-without-crs")
BAD_TOML = [
    ("bad.toml", b"id = ["),
    ("latin1.toml", 'title = "\xe9t\xe9"\n'.encode("latin-1")),
    ("deep.toml", b"x = " + b"[" * 1000 + b"]" * 1000),
    ("path-id.toml", build.toml_text(build.scenario_dict(id="../../x")).encode()),
    ("ref.toml", build.toml_text(build.scenario_dict(territory={"geojson_file": "/etc/passwd"})).encode()),
    ("newline-id.toml", build.toml_text(build.scenario_dict(id="abc\n")).encode()),
    ("nan-polygon.toml", build.toml_text(build.scenario_dict(territory={"geojson": build.polygon(
        [[float("nan"), 47.5]] + build.SQUARE[1:-1] + [[float("nan"), 47.5]])})).encode()),
]


def test_the_app_refuses_hostile_files_in_its_upload_widgets(tmp_path, monkeypatch):
    """The real widgets: each hostile file gets one clear error, the page keeps working, nothing is saved."""
    from streamlit.testing.v1 import AppTest

    home, tmp = tmp_path / "home", tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("BORDERLINE_HOME", str(home))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    at = AppTest.from_file(str(harness.REPO / "app.py"), default_timeout=180)
    at.query_params["view"] = "import"
    at.run()
    assert not at.exception
    scratch = tmp_path / "scratch"
    for name, data in _inputs(scratch, *BAD_AREAS):
        at.file_uploader(key="geo_upload").set_value((name, data, "application/octet-stream")).run()
        assert not at.exception, (name, [e.value for e in at.exception])
        shown = [e.value for e in at.error]
        assert len(shown) == 1 and "\n" not in shown[0].strip(), (name, shown)
        assert "could not be read; the details are in the server log" not in shown[0], (name, shown)
    assert not at.session_state["uploads"], "a refused file became an area"
    good_name, good = _inputs(scratch, "upload-geojson/name-is-markup")[0]
    at.file_uploader(key="geo_upload").set_value((good_name, good, "application/geo+json")).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    label = at.expander[0].label
    assert "<script>" not in label and "&lt;script&gt;" in label, label

    at.sidebar.radio(key="w_view").set_value("editor").run()
    for name, data in BAD_TOML:
        at.file_uploader(key="lib_upload").set_value((name, data, "application/toml")).run()
        assert not at.exception, (name, [e.value for e in at.exception])
        assert any("Upload refused" in e.value for e in at.error), (name, [e.value for e in at.error])
    library = home / "scenarios"
    assert not list(library.glob("*")) if library.exists() else True, list(library.glob("*"))
    at.sidebar.radio(key="w_view").set_value("map").run()
    assert not at.exception
    assert any(m.label == "Russian-administered" for m in at.metric)
    assert not list(tmp.iterdir()), f"uploads left temporary files: {list(tmp.iterdir())}"
    assert not (scratch / "abs-escape.shp").exists(), "an absolute path in a zip was written"


def test_a_library_file_with_nan_coordinates_is_reported_not_fatal(tmp_path, monkeypatch):
    """TOML can write nan: such a file in the library is one problem to report, not a page that fails."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("BORDERLINE_HOME", str(tmp_path))
    folder = tmp_path / "scenarios"
    folder.mkdir()
    nan = float("nan")
    (folder / "nan-area.toml").write_text(build.toml_text(build.scenario_dict(id="nan-area", territory={
        "geojson": build.polygon([[nan, 47.5]] + build.SQUARE[1:-1] + [[nan, 47.5]])})), encoding="utf-8")
    at = AppTest.from_file(str(harness.REPO / "app.py"), default_timeout=180).run()
    assert not at.exception, [e.value[:200] for e in at.exception]
    assert any(m.label == "Russian-administered" for m in at.metric)
