"""Issue 2: missing or corrupted data files and failed builds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from geo.data import DATA_DIR


@pytest.fixture()
def data_copy(tmp_path):
    folder = tmp_path / "boundaries"
    shutil.copytree(DATA_DIR, folder)
    return folder


def _place(folder):
    env = {**os.environ, "BORDERLINE_DATA_DIR": str(folder)}
    return subprocess.run([sys.executable, "-m", "borderline", "place", "Kyiv", "--json"], capture_output=True,
                          text=True, timeout=120, env=env)


def test_missing_layer_is_one_line_with_the_fix(data_copy):
    (data_copy / "banks.gpkg").unlink()
    done = _place(data_copy)
    assert done.returncode == 2
    assert "banks.gpkg" in done.stderr and "borderline data build" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_corrupted_layer_is_refused(data_copy):
    path = data_copy / "settlements.gpkg"
    blob = bytearray(path.read_bytes())
    blob[len(blob) // 2: len(blob) // 2 + 64] = b"\x00" * 64
    path.write_bytes(bytes(blob))
    done = _place(data_copy)
    assert done.returncode == 2
    assert "settlements.gpkg" in done.stderr and "checksum" in done.stderr


def test_missing_or_broken_manifest(data_copy):
    (data_copy / "manifest.json").write_text("{broken")
    done = _place(data_copy)
    assert done.returncode == 2 and "manifest.json" in done.stderr


def test_a_failed_build_leaves_the_data_untouched(data_copy, monkeypatch):
    from geo.build import pipeline

    before = {p.name: p.read_bytes() for p in data_copy.iterdir()}

    def broken(_sources):
        raise ValueError("data/sources/control/2025-02-12.toml: area 1, waypoint 3: no settlement named 'X'")

    monkeypatch.setattr(pipeline, "_sources", lambda: {})
    monkeypatch.setattr(pipeline, "build_layers", broken)
    with pytest.raises(pipeline.BuildError, match="waypoint 3"):
        pipeline.build(data_copy)
    after = {p.name: p.read_bytes() for p in data_copy.iterdir()}
    assert before == after


def test_a_build_failing_while_writing_leaves_no_partial_files(data_copy, monkeypatch):
    from geo.build import pipeline

    before = {p.name: p.read_bytes() for p in data_copy.iterdir()}
    layers: dict = {}

    def fake_layers(_sources):
        return layers

    def failing_write(_layers, folder):
        (folder / "admin1.gpkg").write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline, "_sources", lambda: {})
    monkeypatch.setattr(pipeline, "build_layers", fake_layers)
    monkeypatch.setattr(pipeline, "check_layers", lambda _layers: [])
    monkeypatch.setattr(pipeline, "_write", failing_write)
    with pytest.raises(pipeline.BuildError):
        pipeline.build(data_copy)
    after = {p.name: p.read_bytes() for p in data_copy.iterdir()}
    assert before == after
