"""Loading the embedded layers of data/boundaries (cached per process)."""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.errors import UserError

DATA_DIR = Path(os.environ.get("BORDERLINE_DATA_DIR", Path(__file__).resolve().parents[1] / "data" / "boundaries"))
LAYERS = ("admin1", "country", "context", "dnieper", "banks", "settlements", "control", "control_cells",
          "water")
MANIFEST = "manifest.json"
REBUILD_HINT = "run `borderline data build` (or python -m geo.build)"


class DataError(UserError):
    """An embedded data file is missing, corrupted or inconsistent; the message is one line."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@functools.cache
def manifest(data_dir: Path = DATA_DIR) -> dict:
    """The manifest of data/boundaries: file names, checksums, sources."""
    path = data_dir / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{path}: missing; {REBUILD_HINT}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: not valid JSON ({exc}); {REBUILD_HINT}") from None


def _checked_file(name: str, data_dir: Path) -> Path:
    entry = manifest(data_dir)["files"].get(name)
    path = data_dir / name
    if entry is None:
        raise DataError(f"{data_dir / MANIFEST}: no entry for {name}; {REBUILD_HINT}")
    if not path.exists():
        raise DataError(f"{path}: missing; {REBUILD_HINT}")
    if _sha256(path) != entry["sha256"]:
        raise DataError(f"{path}: checksum does not match the manifest (corrupted or edited by hand); {REBUILD_HINT}")
    return path


@functools.cache
def load_layer(name: str, data_dir: Path = DATA_DIR) -> gpd.GeoDataFrame:
    """One embedded layer as a GeoDataFrame in EPSG:4326 (read once per process).

    Do not modify the returned frame in place; copy it first.
    """
    if name not in LAYERS:
        raise ValueError(f"unknown layer {name!r}; choose from {', '.join(LAYERS)}")
    path = _checked_file(f"{name}.gpkg", data_dir)
    try:
        return pyogrio.read_dataframe(path, use_arrow=True)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise DataError(f"{path}: unreadable ({str(exc).splitlines()[0]}); {REBUILD_HINT}") from None


@functools.cache
def population_baseline(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """OCHA COD-PS 2022 baseline population per admin1 unit (iso, pcode, name, population_2022)."""
    path = _checked_file("population_2022.csv", data_dir)
    return pd.read_csv(path, comment="#")


@functools.cache
def control_ledger(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """Which side held each settlement near the front, per continuous interval of days (DeepStateMap.Live)."""
    path = _checked_file("control_ledger.csv", data_dir)
    return pd.read_csv(path, comment="#", dtype={"geonameid": "int64"}, parse_dates=["from", "to"])


def load_all(data_dir: Path = DATA_DIR) -> dict[str, gpd.GeoDataFrame]:
    """Every layer, keyed by name."""
    return {name: load_layer(name, data_dir) for name in LAYERS}
