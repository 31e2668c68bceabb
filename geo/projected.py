"""The embedded layers projected to EPSG:3035, ready for geometry work (cached)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely

from geo import data, lines
from geo.crs import to_equal_area
from geo.population import PopulationModel, build_model
from geo.lines import Line
from geo.timeline import BASE_DATE, Timeline, build_timeline


@dataclass(frozen=True, eq=False)
class Projected:
    """Geometries in EPSG:3035 metres, with the frames they came from."""

    admin1: gpd.GeoDataFrame
    settlements: gpd.GeoDataFrame
    ukraine: shapely.Geometry
    admin1_ea: np.ndarray
    banks: dict[str, shapely.Geometry]
    control: dict[str, shapely.Geometry]
    dnieper_river: shapely.Geometry
    coastline: shapely.Geometry
    state_border: shapely.Geometry
    russia_border: shapely.Geometry
    outline_band: shapely.Geometry
    population: PopulationModel
    timeline: Timeline
    water: dict[str, shapely.Geometry] = field(default_factory=dict)  # reservoir name -> polygon

    @property
    def control_dates(self) -> list[str]:
        """The days that have a line of their own (authored lines, the ledger's first and last day)."""
        return self.timeline.days()

    def control_area(self, day: str) -> shapely.Geometry:
        """The embedded Russian-administered area on a day (``YYYY-MM-DD`` or ``latest``), EPSG:3035."""
        return self.timeline.area(day)

    def line(self, ref: str) -> Line:
        """The line a control date names (``[source:]YYYY-MM-DD`` or ``latest``), embedded or imported."""
        return lines.resolve(ref, self.timeline)

    def line_area(self, line: Line) -> shapely.Geometry:
        """The Russian-administered area of a resolved line, EPSG:3035."""
        return lines.area(line, self.timeline)


@functools.cache
def projected() -> Projected:
    """Every layer projected once per process."""
    layers = data.load_all()
    admin1, settlements = layers["admin1"], layers["settlements"]
    ukraine = to_equal_area(layers["country"].geometry.iloc[0])
    context = layers["context"]
    sea = to_equal_area(shapely.union_all(context.loc[context["kind"] == "sea"].geometry.values))
    boundary = shapely.boundary(ukraine)
    # Coast: the part of Ukraine's outline along the sea; the rest is the state border.
    coastline = shapely.intersection(boundary, shapely.buffer(sea, 200.0))
    state_border = shapely.difference(boundary, shapely.buffer(sea, 200.0))
    russia = to_equal_area(shapely.union_all(context.loc[context["iso3"] == "RUS"].geometry.values))
    # Natural Earth 1:50m neighbours are coarser than the 1:10m outline: allow 3 km between them.
    russia_border = shapely.intersection(state_border, shapely.buffer(russia, 3_000.0))
    river = layers["dnieper"].set_index("part").geometry
    outline_band = shapely.buffer(boundary, 50.0)
    shapely.prepare(ukraine)
    shapely.prepare(outline_band)
    control = dict(zip(layers["control"]["date"], to_equal_area(layers["control"].geometry.values)))
    cells = layers["control_cells"]
    return Projected(
        admin1=admin1,
        settlements=settlements,
        ukraine=ukraine,
        admin1_ea=to_equal_area(admin1.geometry.values),
        banks=dict(zip(layers["banks"]["bank"], to_equal_area(layers["banks"].geometry.values))),
        control=control,
        dnieper_river=to_equal_area(river["river"]),
        coastline=coastline,
        state_border=state_border,
        russia_border=russia_border,
        outline_band=outline_band,
        population=build_model(admin1, settlements),
        timeline=build_timeline(control, BASE_DATE, cells, to_equal_area(cells.geometry.values),
                                data.control_ledger()),
        water=dict(zip(layers["water"]["name"], to_equal_area(layers["water"].geometry.values))),
    )


FORMER_KAKHOVKA_RESERVOIR = "former Kakhovka reservoir"


def former_kakhovka_reservoir_bed() -> shapely.Geometry:
    """The bed of the former Kakhovka reservoir inside Ukraine's land polygon, in EPSG:3035 metres.

    GSHHG 2.3.6 outline (as before the dam was destroyed on 6 June 2023), from the water layer;
    the land polygons count it as land, so subtract it for an area without the drained bed.
    """
    return projected().water[FORMER_KAKHOVKA_RESERVOIR]
