"""Issue 2: the embedded layers of data/boundaries."""

from __future__ import annotations

import json

import pytest
import shapely

from geo.crs import area_km2, to_equal_area
from geo.data import DATA_DIR, LAYERS

OFFICIAL_LAND_CHECK = {"UA-14": 26_517, "UA-09": 26_684, "UA-23": 27_180}


def test_data_folder_is_small_and_every_file_is_in_the_manifest():
    manifest = json.loads((DATA_DIR / "manifest.json").read_text())
    total = sum((DATA_DIR / name).stat().st_size for name in manifest["files"])
    assert total < 15 * 1024 * 1024
    for layer in LAYERS:
        assert f"{layer}.gpkg" in manifest["files"]
    assert "population_2022.csv" in manifest["files"]
    sources_md = (DATA_DIR / "SOURCES.md").read_text()
    for word in ("Natural Earth", "GeoNames", "WDB II", "GSHHG", "OCHA", "licence", "Kherson"):
        assert word in sources_md


def test_every_layer_is_in_wgs84(layers):
    for name, frame in layers.items():
        assert frame.crs.to_epsg() == 4326, name


def test_admin1_has_the_27_units_all_valid(layers):
    admin1 = layers["admin1"]
    assert len(admin1) == 27
    assert admin1["iso"].is_unique
    assert admin1.is_valid.all()
    for iso in ("UA-14", "UA-09", "UA-23", "UA-65", "UA-43", "UA-40", "UA-30"):
        assert iso in set(admin1["iso"])
    names = dict(zip(admin1["iso"], admin1["name"]))
    assert names["UA-23"] == "Zaporizhzhia Oblast"
    assert names["UA-30"] == "Kyiv"
    assert names["UA-51"] == "Odesa Oblast"
    alts = dict(zip(admin1["iso"], admin1["alt_names"]))
    assert "Zaporozhye" in alts["UA-23"].split("|")
    assert "Lugansk" in alts["UA-09"].split("|")
    assert "Kiev" in alts["UA-30"].split("|")


def test_admin1_neighbours_have_no_gaps_or_overlaps_over_half_a_km2(layers):
    units = to_equal_area(layers["admin1"].geometry.values)
    tree = shapely.STRtree(units)
    left, right = tree.query(units, predicate="intersects")
    pairs = left < right
    overlaps = area_km2(shapely.intersection(units[left[pairs]], units[right[pairs]]))
    assert overlaps.max() < 0.5
    union = shapely.union_all(units)
    holes = [shapely.Polygon(ring) for poly in shapely.get_parts(union) for ring in poly.interiors]
    assert sum(area_km2(h) for h in holes) < 0.5


def test_admin1_union_equals_the_country(layers):
    union = to_equal_area(shapely.union_all(layers["admin1"].geometry.values))
    country = to_equal_area(layers["country"].geometry.iloc[0])
    assert area_km2(shapely.symmetric_difference(union, country)) < 0.5


@pytest.mark.parametrize("iso,official", OFFICIAL_LAND_CHECK.items())
def test_land_areas_are_within_3_percent_of_official(layers, iso, official):
    unit = layers["admin1"].set_index("iso").geometry[iso]
    assert area_km2(to_equal_area(unit)) == pytest.approx(official, rel=0.03)


def test_kherson_area_difference_is_reported_not_hidden(layers):
    kherson = layers["admin1"].set_index("iso").geometry["UA-65"]
    land = area_km2(to_equal_area(kherson))
    assert land < 28_461 * 0.97  # official area includes water
    text = (DATA_DIR / "SOURCES.md").read_text()
    row = next(line for line in text.splitlines() if line.startswith("| UA-65 |"))
    assert f"{land:,.0f}" in row and "28,461" in row


def test_typed_facts_match_the_reference(layers, reference_facts):
    admin1 = layers["admin1"].set_index("iso")
    for _, ref in reference_facts.iterrows():
        unit = admin1.loc[ref["iso_3166_2"]]
        assert unit["pcode"] == ref["cod_pcode"]
        assert unit["official_area_km2"] == ref["official_area_km2"]
        assert unit["population_2022"] == ref["population_2022"]


def test_population_baseline_csv_cites_ocha(layers):
    from geo.data import population_baseline

    table = population_baseline()
    assert len(table) == 27
    assert (DATA_DIR / "population_2022.csv").read_text().startswith("# UN OCHA")
    assert table["population_2022"].sum() == layers["admin1"]["population_2022"].sum()


def test_context_has_neighbours_and_sea_without_overlapping_ukraine(layers):
    context = layers["context"]
    assert {"RUS", "BLR", "POL", "ROU", "MDA"} <= set(context["iso3"])
    assert "sea" in set(context["kind"])
    ukraine = to_equal_area(layers["country"].geometry.iloc[0])
    countries = to_equal_area(context.loc[context["kind"] == "country"].geometry.values)
    assert area_km2(shapely.intersection(shapely.union_all(countries), ukraine)) < 50


def test_dnieper_is_one_line_from_belarus_to_the_sea(layers):
    parts = layers["dnieper"].set_index("part").geometry
    river = parts["river"]
    assert river.geom_type == "LineString"
    north, south = shapely.Point(river.coords[0]), shapely.Point(river.coords[-1])
    ukraine = layers["country"].geometry.iloc[0]
    belarus = layers["context"].set_index("iso3").geometry["BLR"]
    assert to_equal_area(north).distance(to_equal_area(belarus.boundary)) < 5_000
    assert 51.0 < north.y < 51.6 and 46.3 < south.y < 46.7
    river_ea = to_equal_area(river)
    # Towns on the narrow river lie within 2.5 km of it; towns on the wide reservoirs within 8 km of the middle.
    on_river = {"Kyiv": (30.57, 50.45), "Kaniv": (31.46, 49.75), "Kremenchuk": (33.42, 49.07),
                "Dnipro": (35.04, 48.46), "Zaporizhzhia": (35.10, 47.84), "Nova Kakhovka": (33.37, 46.76),
                "Kherson": (32.62, 46.63)}
    on_reservoir = {"Cherkasy": (32.07, 49.44), "Svitlovodsk": (33.24, 49.05), "Kamianske": (34.61, 48.51),
                    "Nikopol": (34.40, 47.57), "Enerhodar": (34.65, 47.50)}
    for limit_m, towns in ((2_500, on_river), (8_000, on_reservoir)):
        for name, lonlat in towns.items():
            assert river_ea.distance(to_equal_area(shapely.Point(lonlat))) < limit_m, name
    # The Dnieper runs about 980 km in Ukraine; the traced path keeps to the middle of the reservoirs.
    assert 850 < river_ea.length / 1000 < 1_150
    assert shapely.get_num_coordinates(river) > 500  # precise, not the 1:50m polyline
    assert ukraine.intersects(river)


def test_banks_partition_ukraine_exactly(layers):
    banks = to_equal_area(layers["banks"].geometry.values)
    ukraine = to_equal_area(layers["country"].geometry.iloc[0])
    assert set(layers["banks"]["bank"]) == {"left", "right"}
    assert area_km2(shapely.intersection(banks[0], banks[1])) < 0.01
    assert area_km2(shapely.union_all(banks)) == pytest.approx(area_km2(ukraine), rel=1e-4)


def test_settlements_are_cleaned_of_city_districts(layers):
    places = layers["settlements"]
    names_by_unit = set(zip(places["name"], places["admin1_iso"]))
    districts = [("Saltivka", "UA-63"), ("Desna", "UA-30"), ("Darnytsia", "UA-30"), ("Obolon", "UA-30"),
                 ("Vyhurivshchyna-Troieshchyna", "UA-30"), ("Pravyi Bereh", "UA-14"), ("Chumakivskyi", "UA-14")]
    for district in districts:
        assert district not in names_by_unit
    # Kyiv city's places add up to no more than the city itself (2.95 million in GeoNames, 2022).
    kyiv = places[places["admin1_iso"] == "UA-30"]
    assert kyiv["population"].sum() <= 2_952_301
    assert (places["population"] > 0).all()
    assert places.geometry.geom_type.eq("Point").all()


def test_settlement_populations_do_not_exceed_unit_baselines(layers):
    places, admin1 = layers["settlements"], layers["admin1"]
    sums = places.groupby("admin1_iso")["population"].sum()
    baseline = admin1.set_index("iso")["population_2022"]
    assert (sums <= baseline.reindex(sums.index)).all(), (sums / baseline).sort_values().tail()


CITIES_100K_2022 = [
    "Kyiv", "Kharkiv", "Odesa", "Dnipro", "Donetsk", "Zaporizhzhia", "Lviv", "Kryvyi Rih", "Mykolaiv",
    "Mariupol", "Luhansk", "Vinnytsia", "Makiivka", "Sevastopol", "Simferopol", "Chernihiv", "Poltava",
    "Kherson", "Khmelnytskyi", "Cherkasy", "Chernivtsi", "Zhytomyr", "Sumy", "Rivne", "Horlivka",
    "Ivano-Frankivsk", "Kamianske", "Ternopil", "Kremenchuk", "Kropyvnytskyi", "Lutsk", "Bila Tserkva",
    "Kerch", "Melitopol", "Kramatorsk", "Uzhhorod", "Brovary", "Yevpatoriia", "Berdiansk", "Alchevsk",
    "Nikopol", "Sloviansk", "Pavlohrad", "Sievierodonetsk",
]


@pytest.mark.parametrize("name", CITIES_100K_2022)
def test_every_city_of_100k_is_present_once(proj, name):
    from geo.places import candidates

    rows = candidates(name, proj)
    big = [r for r in rows if proj.settlements["population"].iat[r] >= 50_000]
    assert len(big) == 1, (name, [proj.settlements.iloc[r]["name"] for r in rows])


def test_every_place_of_10k_has_a_unit(layers):
    places = layers["settlements"]
    big = places[places["population"] >= 10_000]
    assert len(big) > 300
    assert big["admin1_iso"].notna().all()
