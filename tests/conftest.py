"""Shared fixtures: the embedded layers, loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_REFERENCE = REPO.parent / "shared" / "reference" / "ukraine_admin1_facts.csv"


@pytest.fixture(scope="session")
def layers():
    from geo.data import load_all

    return load_all()


@pytest.fixture(scope="session")
def proj():
    from geo.projected import projected

    return projected()


@pytest.fixture(scope="session")
def reference_facts():
    """The reference admin1 facts in ../shared (for checking the typed-in facts), if present."""
    import pandas as pd

    if not SHARED_REFERENCE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED_REFERENCE} is missing on CI")
        pytest.skip("../shared/reference is not beside the repository")
    return pd.read_csv(SHARED_REFERENCE)
