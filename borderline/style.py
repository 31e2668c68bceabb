"""Colours and symbols shared by the interactive map (folium) and the printed map (matplotlib).

The palette is Paul Tol's "muted" scheme, chosen to stay distinguishable for
colour-blind readers and in greyscale print; parts that change hands carry a
hatch as well as a colour so they read without colour at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.messages import N_


@dataclass(frozen=True)
class Style:
    """How one kind of feature is drawn."""

    label: str
    fill: str | None = None
    edge: str = "#333333"
    fill_opacity: float = 0.5
    line_width: float = 1.0
    dash: str | None = None  # Leaflet dashArray, e.g. "6 4"
    hatch: str | None = None  # matplotlib hatch, e.g. "///"
    z: int = 1
    marker: str | None = None  # matplotlib marker of a point symbol (sites), e.g. "^"
    marker_size: float = 0.0  # points

    @property
    def mpl_dashes(self) -> tuple | None:
        """The dash pattern as matplotlib wants it (offset, on/off sequence)."""
        return (0, tuple(float(x) for x in self.dash.split())) if self.dash else None


PARTS: dict[str, Style] = {
    "russian_administered": Style(N_("Russian-administered"), fill="#CC6677", edge="#882255", fill_opacity=0.45,
                                  line_width=0.6, z=2),
    "ukrainian_held": Style(N_("Ukrainian-held"), fill="#FFFFFF", edge="#BBBBBB", fill_opacity=0.0, line_width=0.0, z=1),
    "ceded_by_ukraine": Style(N_("Ceded by Ukraine (against the baseline)"), fill="#882255", edge="#882255",
                              fill_opacity=0.55, line_width=0.6, hatch="///", z=3),
    "returned_to_ukraine": Style(N_("Returned to Ukraine (against the baseline)"), fill="#44AA99", edge="#117733",
                                 fill_opacity=0.55, line_width=0.6, hatch="\\\\\\", z=3),
    "dmz_ukrainian_side": Style(N_("DMZ, Ukrainian side"), fill="#DDCC77", edge="#999933", fill_opacity=0.6,
                                line_width=0.5, hatch="..", z=4),
    "dmz_russian_side": Style(N_("DMZ, Russian side"), fill="#999933", edge="#666622", fill_opacity=0.6,
                              line_width=0.5, hatch="xx", z=4),
    "contact_line": Style(N_("Line of contact"), edge="#000000", line_width=2.2, z=6),
    "baseline_line": Style(N_("Line of contact on the baseline date"), edge="#332288", line_width=1.2, dash="6 4", z=5),
}

# One style per zone type (scenarios.values.ZONE_TYPES). None is blue: a light blue fill over white reads as the
# sea (#DCEBF5); the demilitarized fill was Tol's cyan #88CCEE, which at 35 % over white is #D0EBF8, one step from
# the sea, and is now green. Each type has its own hue, edge dash and hatch, so they read in greyscale print too.
ZONES: dict[str, Style] = {
    "demilitarized": Style(N_("Demilitarized zone"), fill="#228833", edge="#225522", fill_opacity=0.25,
                           line_width=1.2, dash="4 3", hatch="++", z=4),
    "referendum": Style(N_("Referendum zone"), fill="#AA4499", edge="#AA4499", fill_opacity=0.30, line_width=1.2,
                        dash="8 3", hatch="oo", z=4),
    "border_buffer": Style(N_("Border buffer zone"), fill="#332288", edge="#332288", fill_opacity=0.30,
                           line_width=1.0, dash="2 2", hatch="--", z=4),
    "free_economic": Style(N_("Free economic zone"), fill="#EE7733", edge="#CC3311", fill_opacity=0.30,
                           line_width=1.2, dash="6 2", hatch="||", z=4),
    "buffer": Style(N_("Buffer zone"), fill="#997700", edge="#664400", fill_opacity=0.30, line_width=1.4,
                    hatch="**", z=4),
    "joint_administration": Style(N_("Joint administration zone"), fill="#BBCC33", edge="#667700",
                                  fill_opacity=0.35, line_width=1.4, dash="1 2", hatch="OO", z=4),
    "security_zone": Style(N_("Security zone"), fill="#777777", edge="#222222", fill_opacity=0.25, line_width=1.2,
                           dash="2 3", hatch="//", z=4),
    "reassurance_force": Style(N_("Reassurance force area"), fill="#EECC66", edge="#000000", fill_opacity=0.20,
                               line_width=2.0, dash="10 3 2 3", hatch="|", z=4),
}

# The Russian-administered area by what a scenario recognizes, drawn on top of its fill: de jure a dense hatch
# and a solid edge, de facto a light one and a dashed edge; "not recognized" adds nothing to the fill.
RECOGNITION: dict[str, Style] = {
    "recognized_de_jure": Style(N_("Recognized de jure"), fill="#661133", edge="#661133", fill_opacity=0.20,
                                line_width=1.2, hatch="///", z=3),
    "recognized_de_facto": Style(N_("Recognized de facto"), fill="#661133", edge="#661133", fill_opacity=0.08,
                                 line_width=1.0, dash="3 2", hatch="..", z=3),
    "recognized_none": Style(N_("Not recognized"), fill=None, edge="#882255", fill_opacity=0.0, line_width=0.0, z=3),
}
PARTS.update(RECOGNITION)  # the engine's recognized_* parts: style_for and the exports find them like any part

# A marker per site kind (scenarios.sites.SITE_KINDS); a site with an area also has its outline, dotted.
SITES: dict[str, Style] = {
    "nuclear_plant": Style(N_("Nuclear power plant"), fill="#FFDD00", edge="#000000", fill_opacity=1.0,
                           line_width=0.8, marker="^", marker_size=9.0, z=8),
    "dam": Style(N_("Dam"), fill="#4477AA", edge="#000000", fill_opacity=1.0, line_width=0.8, marker="s",
                 marker_size=7.0, z=8),
    "spit": Style(N_("Spit"), fill="#EE7733", edge="#000000", fill_opacity=1.0, line_width=0.8, marker="D",
                  marker_size=7.0, z=8),
    "city": Style(N_("City (site)"), fill="#FFFFFF", edge="#000000", fill_opacity=1.0, line_width=1.2, marker="o",
                  marker_size=7.0, z=8),
    "port": Style(N_("Port"), fill="#332288", edge="#000000", fill_opacity=1.0, line_width=0.8, marker="v",
                  marker_size=7.0, z=8),
    "bridge": Style(N_("Bridge"), fill="#777777", edge="#000000", fill_opacity=1.0, line_width=0.8, marker="P",
                    marker_size=7.0, z=8),
    "other": Style(N_("Site"), fill="#BBBBBB", edge="#000000", fill_opacity=1.0, line_width=0.8, marker="o",
                   marker_size=6.0, z=8),
}
SITE_AREA = Style(N_("Site area"), fill=None, edge="#000000", fill_opacity=0.0, line_width=0.8, dash="1 2", z=7)


BASEMAP: dict[str, Style] = {
    "sea": Style(N_("Sea"), fill="#DCEBF5", edge="#9DB9CF", fill_opacity=1.0, line_width=0.3, z=0),
    "country": Style(N_("Neighbouring country"), fill="#EFEFEF", edge="#AAAAAA", fill_opacity=1.0, line_width=0.5, z=0),
    "ukraine": Style(N_("Ukraine"), fill="#FFFFFF", edge="#444444", fill_opacity=1.0, line_width=1.2, z=1),
    "admin1": Style(N_("Oblast border"), edge="#8C8C8C", line_width=0.6, dash="3 3", z=5),
    "dnieper": Style(N_("Dnieper"), edge="#4477AA", line_width=1.6, z=5),
    "settlement": Style(N_("City"), fill="#222222", edge="#FFFFFF", fill_opacity=1.0, line_width=0.6, z=7),
}


def style_for(part: str) -> Style:
    """The style of a part name as the engine gives it (``zone:<name>`` parts use their zone type's)."""
    if part in PARTS:
        return PARTS[part]
    raise KeyError(f"no style for part {part!r}")


def zone_style(zone_type: str) -> Style:
    """The style of a zone type (scenarios.values.ZONE_TYPES: demilitarized, referendum, border_buffer,
    free_economic, buffer, joint_administration, security_zone, reassurance_force)."""
    return ZONES[zone_type]


def site_style(kind: str) -> Style:
    """The marker style of a site kind (nuclear_plant, dam, spit, city, …); unknown kinds get ``other``'s."""
    return SITES.get(kind, SITES["other"])


def recognition_style(status: str) -> Style:
    """The overlay style of a recognition status (de_jure, de_facto, none) or part key (recognized_de_jure…)."""
    key = status if status.startswith("recognized_") else f"recognized_{status}"
    return RECOGNITION[key]


def settlement_marker_radius(population: int) -> float:
    """Marker radius in points for a city of this population."""
    return 2.0 + 1.5 * (population / 1_000_000) ** 0.5 * 2

# Printed map only (borderline.printmap and the PDF report): labels, map furniture and the locator inset.
PRINT: dict[str, Style] = {
    "text": Style(N_("Text"), edge="#222222"),
    "muted_text": Style(N_("Secondary text"), edge="#5E5E5E"),
    "oblast_label": Style(N_("Oblast name"), edge="#6A6A6A"),
    "country_label": Style(N_("Neighbouring country name"), edge="#7D7D7D"),
    "sea_label": Style(N_("Sea name"), edge="#4F7DA3"),
    "label_halo": Style(N_("Halo behind labels"), edge="#FFFFFF", line_width=2.4),
    "scale_bar": Style(N_("Scale bar"), fill="#222222", edge="#222222", fill_opacity=1.0, line_width=0.5),
    "north_arrow": Style(N_("North arrow"), fill="#222222", edge="#222222", fill_opacity=1.0, line_width=0.6),
    "furniture_box": Style(N_("Box behind scale bar and arrow"), fill="#FFFFFF", edge="#BBBBBB", fill_opacity=0.85,
                           line_width=0.4),
    "locator_extent": Style(N_("Area of the main map"), edge="#CC3311", line_width=1.0, z=9),
    "table_rule": Style(N_("Table rule"), edge="#9A9A9A", line_width=0.5),
    "table_band": Style(N_("Table band"), fill="#F2F2F2", fill_opacity=1.0),
}


# Two scenarios on one map (the app's compare mode): A filled, B as a dashed outline, so both read in print.
COMPARE: dict[str, Style] = {
    "a": Style(N_("Scenario A: Russian-administered"), fill="#CC6677", edge="#882255", fill_opacity=0.40,
               line_width=1.6, z=2),
    "b": Style(N_("Scenario B: Russian-administered (outline)"), fill=None, edge="#332288", fill_opacity=0.0,
               line_width=2.2, dash="7 4", z=3),
}

# An area the user uploaded (the app's import view), before it is used in a scenario.
UPLOADED = Style(N_("Uploaded area"), fill="#88CCEE", edge="#332288", fill_opacity=0.35, line_width=1.6, z=3)


# ---------------------------------------------------------------------------------------------------------
# Web map only (borderline.webmap): styles the printed map does not use.

# The web basemap's sea is light blue; a zone fill of that family could be taken for water, so on the web such a
# zone is filled grey (an area neither army holds) and keeps its own edge and dash.
WEB_SEA_LIKE_FILLS = frozenset({"#88CCEE", "#DCEBF5", "#9DB9CF", "#4477AA", "#77AADD", "#99DDFF"})
WEB_ZONE_FILL = "#AAAAAA"


WEB_MIN_SEA_CONTRAST = 30  # the least difference (0–255, in the most different channel) from the sea's colour


def _rgb(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def shown_over_white(fill: str, opacity: float) -> tuple[float, float, float]:
    """The colour a fill shows at an opacity over white (Ukraine's land on the web map)."""
    return tuple(255 * (1 - opacity) + c * opacity for c in _rgb(fill))


def sea_contrast(fill: str, opacity: float) -> float:
    """How far a fill over white is from the web map's sea colour (the most different channel, 0–255)."""
    sea = _rgb(BASEMAP["sea"].fill)
    return max(abs(a - b) for a, b in zip(shown_over_white(fill, opacity), sea))


def web_zone_style(zone_type: str) -> Style:
    """The web map's style of a zone type: its shared style, with a sea-like fill replaced by grey and a pale
    fill made just dense enough to stand apart from the sea."""
    try:
        s = zone_style(zone_type)
    except KeyError:  # a type this version does not know yet: drawn plainly rather than not at all
        s = Style(zone_type.replace("_", " "), fill=WEB_ZONE_FILL, edge="#555555", fill_opacity=0.35,
                  line_width=1.0, dash="4 3", z=4)
    fill, opacity = s.fill, s.fill_opacity
    if not fill:
        return s
    if fill.upper() in WEB_SEA_LIKE_FILLS:
        fill, opacity = WEB_ZONE_FILL, max(opacity, 0.4)
    while sea_contrast(fill, opacity) <= WEB_MIN_SEA_CONTRAST and opacity < 0.6:
        opacity = round(opacity + 0.05, 2)
    if (fill, opacity) == (s.fill, s.fill_opacity):
        return s
    return Style(s.label, fill=fill, edge=s.edge, fill_opacity=opacity, line_width=max(s.line_width, 1.2),
                 dash=s.dash, hatch=s.hatch, z=s.z)


# A named site (nuclear plant, dam, spit...) on the web map: a ringed marker above the areas.
WEB_SITE = Style(N_("Site"), fill="#FFFFFF", edge="#117733", fill_opacity=0.95, line_width=2.2, z=8)

# The one-map comparison: the areas only in A, only in B and in both.
COMPARE_OVERLAY: dict[str, Style] = {
    "both": Style(N_("Russian-administered in A and B"), fill="#CC6677", edge="#CC6677", fill_opacity=0.25,
                  line_width=0.0, z=2),
    "only_a": Style(N_("Russian-administered in A only"), fill="#882255", edge="#882255", fill_opacity=0.65,
                    line_width=0.6, z=3),
    "only_b": Style(N_("Russian-administered in B only"), fill="#117733", edge="#117733", fill_opacity=0.6,
                    line_width=0.6, z=3),
}

# A place the reader searched for on the web map: a bright ring around it.
WEB_FOUND = Style(N_("Place searched for"), fill="#FFFFFF", edge="#CC3311", fill_opacity=0.15, line_width=3.5, z=9)
