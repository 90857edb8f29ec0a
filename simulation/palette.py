"""The colours of every chart, the dashboard's and the analysis figures' alike, so a
sector, a region or an outcome looks the same wherever it is drawn.

Sectors take their colour and label from the sector table (`simulation.sectors`); the
other series are keyed by the output column they draw (`signings`, `threat`, ...).
"""

from __future__ import annotations

from simulation.sectors import SECTOR_TABLE

# groups with no colour of their own, in order: regions, scenarios, depths, exit
# reasons. Plotly's ten categorical colours, reordered so the first few differ most.
GROUP_COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
)

SECTOR_COLOURS = {row.name: row.colour for row in SECTOR_TABLE}
SECTOR_LABELS = {row.name: row.label for row in SECTOR_TABLE}
# a sector the table does not know: outputs written by another version of the model
UNKNOWN_SECTOR_COLOUR = "#999"

# the few shades the series below share (ColorBrewer's blues, greens, reds, purples)
_PALE_BLUE = "#9ecae1"
_BLUE = "#3182bd"
_DARK_BLUE = "#08519c"
_GREEN = "#31a354"
_PALE_RED = "#fc9272"
_RED = "#de2d26"
_ORANGE = "#fdae6b"
_PURPLE = "#756bb1"

# series keyed by the output column they draw
SERIES_COLOURS = {
    # stability and conflict prevention: lines over stacked bars of the step's crises
    "stability_index": _DARK_BLUE,
    "conflict_prevention_rate": _GREEN,
    "conflicts_prevented": _PALE_BLUE,
    "conflicts_escalated": _PALE_RED,
    # the dashboard: crises that came to force without deaths, between the two above;
    # the headline outcomes over time
    "crises_militarised": _ORANGE,
    "active_agreements": _BLUE,
    "escalations": _RED,
    # what happened to agreements in a step
    "signings": _GREEN,
    "deepenings": _BLUE,
    "downgrades": _ORANGE,
    "exits": _RED,
    # one nation over time
    "capability_share": _BLUE,
    "threat": _RED,
    "sovereignty_cost": _PURPLE,
    "mean_trust": _GREEN,
    "degree": _DARK_BLUE,
    "agreements": _PALE_BLUE,
    "benefit": _GREEN,
    # sensitivity indices: the pale bar of a pair first, the dark one second
    "S1": _PALE_BLUE,
    "ST": _DARK_BLUE,
    "mu_star": _PALE_BLUE,
    "sigma": _DARK_BLUE,
}

# a simulation against the world it models: the observed series in black, the
# simulated mean in the first group colour over a pale band of its min-max spread
OBSERVED_COLOUR = "black"
SIMULATED_COLOUR = GROUP_COLOURS[0]
SIMULATED_BAND_COLOUR = "rgba(31,119,180,0.2)"  # SIMULATED_COLOUR at a fifth
# the line between the fit and test years, and its label: present but quiet
PERIOD_BOUNDARY_COLOUR = "grey"

# the dashboard's two runs compared: the key in the legend for the run on screen (a
# solid line) and the pinned one (dashed), neither of any one series' colour
RUN_KEY_COLOUR = "#636363"

# trust toward another nation: a partner (tied by an agreement in force) or not
PARTNER_COLOUR = _GREEN
NOT_TIED_COLOUR = "#bdbdbd"

# the ring around a nation's marker, which keeps overlapping nations apart
MARKER_OUTLINE_COLOUR = "white"
# a nation outside the state system (not yet born, or gone), drawn faint in the network
OUTSIDE_SYSTEM_COLOUR = "#d9d9d9"

# a continuous value over two swept parameters
HEATMAP_COLOURSCALE = "Viridis"
# above or below a reference value (a design point's, or no change): red below, blue
# above, white at the reference
DIVERGING_COLOURSCALE = "RdBu"
# groups in an order (low to high values of a swept parameter): Viridis' dark blue to
# green, stopping short of its yellow, which is hard to see on white
ORDERED_COLOURSCALE = "Viridis"
ORDERED_COLOURSCALE_END = 0.8


def group_colour(number: int) -> str:
    """The colour of the `number`-th group (0, 1, ...), cycling past the tenth."""
    return GROUP_COLOURS[number % len(GROUP_COLOURS)]


def sector_colour(sector: str) -> str:
    return SECTOR_COLOURS.get(sector, UNKNOWN_SECTOR_COLOUR)


# analysis figures: the threshold line of a discovery trade-off, and the points and boxes
# it picks out (a dark red, apart from the sector and outcome colours)
THRESHOLD_LINE_COLOUR = "#333333"
HIGHLIGHT_COLOUR = "#8a1c00"
TRANSPARENT = "rgba(0,0,0,0)"
