"""A `LineChart` drawn for the PDF with reportlab's own graphics (a `LinePlot` over shapes): the
document's body face for every label, the value axis ticked at round steps (whole ones when the
values are whole), and each series told apart without colour, as a leader's printer shows it in
grey: its own marker (filled or hollow) and dash pattern, named in a legend under the plot. A
category without data breaks the line (each run of values is drawn as its own line in the
series' style); a lone value is its marker alone."""

from __future__ import annotations

import math
from typing import Any

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Group, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from .document import LineChart, shown

# Dark colours of distinct lightness; the marker and the dash pattern carry the difference in grey.
COLOURS = ["#0f4c9a", "#c0262d", "#23855a", "#d9730d", "#5b3fa8", "#3a8f93", "#8a6a00", "#4a525c"]
MARKERS = ["FilledCircle", "Square", "FilledTriangle", "Diamond", "FilledSquare", "Circle", "Triangle"]
# 7 markers and 6 dash patterns: the first 6 series each their own line, 42 before a marker and a
# dash pattern come round together
DASHES: list[list[float] | None] = [
    None,
    [5, 2.5],
    [1.2, 2],
    [6, 2, 1.2, 2],
    [2.5, 2.5],
    [7, 2, 1.2, 2, 1.2, 2],
]
GRID = colors.HexColor("#d5dae1")
BASELINE = colors.HexColor("#7d8793")
LABEL = 8.0  # tick labels, axis titles and the legend (pt)
PLOT_HEIGHT = 150.0


def series_style(i: int) -> tuple[colors.Color, list[float] | None, str]:
    """The i-th series' colour, dash pattern and marker."""
    return colors.HexColor(COLOURS[i % len(COLOURS)]), DASHES[i % len(DASHES)], MARKERS[i % len(MARKERS)]


def ticks(lo: float, hi: float, *, whole: bool) -> list[float]:
    """The value axis's ticks: about five round steps (1, 2, 2.5 or 5 times a power of ten; whole
    steps for whole values) from a step at or below `lo` to one at or above `hi`."""
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    raw = (hi - lo) / 5
    power = 10 ** math.floor(math.log10(raw))
    factors = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(f * power for f in factors if f * power >= raw - 1e-12)
    if whole:
        step = max(1.0, float(round(step)))
    start = math.floor(lo / step + 1e-9) * step
    end = math.ceil(hi / step - 1e-9) * step
    count = round((end - start) / step)
    return [round(start + k * step, 10) for k in range(count + 1)]


def _runs(values: list[float | None], shift: float = 0.0) -> list[list[tuple[float, float]]]:
    """The (category index + shift, value) points of each unbroken run of values."""
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for i, v in enumerate(values):
        if v is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((i + shift, float(v)))
    if current:
        runs.append(current)
    return runs


def _marker(kind: str, colour: colors.Color, size: float) -> Any:
    hollow = not kind.startswith("Filled") and kind != "Cross"
    return makeMarker(
        kind, size=size, strokeColor=colour, strokeWidth=1, fillColor=colors.white if hollow else colour
    )


def _swatch(i: int, x: float, y: float) -> Group:
    """The legend's sample of series i: a short line in its dash pattern with its marker."""
    colour, dash, kind = series_style(i)
    g = Group()
    g.add(Line(x, y, x + 20, y, strokeColor=colour, strokeWidth=1.2, strokeDashArray=dash))
    marker = _marker(kind, colour, 5)
    marker.x, marker.y = x + 10, y
    g.add(marker)
    return g


def draw_line_chart(chart: LineChart, width: float, font: str) -> Drawing:
    """The chart `width` points wide (the frame's), as tall as its plot, axes and legend need."""
    n = len(chart.categories)
    values = [v for _name, vs in chart.series for v in vs if v is not None]
    lo, hi = min(values), max(values)
    if chart.baseline is not None:
        lo, hi = min(lo, chart.baseline), max(hi, chart.baseline)
    whole = all(float(v).is_integer() for v in values)
    steps = ticks(lo, hi, whole=whole)

    def tick_label(v: float) -> str:
        return shown(round(v) if whole or float(v).is_integer() else v, "number")

    labels_width = max(stringWidth(tick_label(v), font, LABEL) for v in steps)
    title_room = LABEL + 6 if chart.value_title else 0.0
    left = title_room + labels_width + 6
    right = 12.0

    # the legend: entries flowed into rows under the plot
    entry_gap, line_height = 14.0, LABEL + 6
    rows: list[list[tuple[int, float]]] = [[]]
    used = 0.0
    for i, (name, _vs) in enumerate(chart.series):
        w = 24 + stringWidth(name, font, LABEL)
        if rows[-1] and used + w > width - left:
            rows.append([])
            used = 0.0
        rows[-1].append((i, w))
        used += w + entry_gap
    legend_height = len(rows) * line_height + 4

    x_labels = LABEL + 6
    x_title = LABEL + 6 if chart.x_title else 0.0
    bottom = legend_height + x_title + x_labels
    height = bottom + PLOT_HEIGHT + 8
    drawing = Drawing(width, height)

    plot = LinePlot()
    plot.x, plot.y = left, bottom
    plot.width, plot.height = width - left - right, PLOT_HEIGHT
    runs: list[list[tuple[float, float]]] = []
    owners: list[int] = []
    # Equal values are common (counts of indicators met): the series sit side by side within
    # their category, a few points apart, so that a line or marker under another still shows.
    dodge = min(0.06, 0.4 / len(chart.series)) if len(chart.series) > 1 else 0.0
    middle = (len(chart.series) - 1) / 2
    for i, (_name, vs) in enumerate(chart.series):
        for run in _runs(vs, (i - middle) * dodge):
            runs.append(run)
            owners.append(i)
    plot.data = runs
    plot.joinedLines = 1
    for r, i in enumerate(owners):
        colour, dash, kind = series_style(i)
        plot.lines[r].strokeColor = colour
        plot.lines[r].strokeWidth = 1.2
        plot.lines[r].strokeDashArray = dash
        plot.lines[r].symbol = _marker(kind, colour, 5)
    xa = plot.xValueAxis
    xa.valueMin, xa.valueMax = -0.5, n - 0.5
    xa.valueSteps = list(range(n))

    def category(v: float) -> str:
        return chart.categories[round(v)]

    xa.labelTextFormat = category
    xa.labels.fontName, xa.labels.fontSize = font, LABEL
    xa.labels.boxAnchor, xa.labels.dy = "n", -4
    xa.tickDown = 3
    xa.strokeColor, xa.strokeWidth = colors.black, 0.6
    ya = plot.yValueAxis
    ya.valueMin, ya.valueMax, ya.valueSteps = steps[0], steps[-1], steps
    ya.labelTextFormat = tick_label
    ya.labels.fontName, ya.labels.fontSize = font, LABEL
    ya.strokeColor, ya.strokeWidth = colors.black, 0.6
    ya.visibleGrid = 1
    ya.gridStrokeColor, ya.gridStrokeWidth = GRID, 0.4
    # the grid's full width, from the value axis to the plot's right edge
    ya.gridStart, ya.gridEnd = left, width - right
    drawing.add(plot)

    if chart.baseline is not None and steps[0] <= chart.baseline <= steps[-1]:
        y = bottom + (chart.baseline - steps[0]) / (steps[-1] - steps[0]) * PLOT_HEIGHT
        drawing.add(Line(left, y, width - right, y, strokeColor=BASELINE, strokeWidth=0.9))
        if chart.baseline_label:
            drawing.add(
                String(width - right - 2, y + 2, chart.baseline_label, fontName=font,
                       fontSize=LABEL - 1, fillColor=BASELINE, textAnchor="end")
            )  # fmt: skip
    if chart.value_title:
        title = Group(String(0, 0, chart.value_title, fontName=font, fontSize=LABEL, textAnchor="middle"))
        title.translate(LABEL, bottom + PLOT_HEIGHT / 2)
        title.rotate(90)
        drawing.add(title)
    if chart.x_title:
        drawing.add(
            String(left + (width - left - right) / 2, legend_height + 3, chart.x_title,
                   fontName=font, fontSize=LABEL, textAnchor="middle")
        )  # fmt: skip
    for row_no, row in enumerate(rows):
        y = legend_height - (row_no + 1) * line_height + 4
        x = left
        for i, w in row:
            drawing.add(_swatch(i, x, y + LABEL / 3))
            drawing.add(String(x + 24, y, chart.series[i][0], fontName=font, fontSize=LABEL))
            x += w + entry_gap
    return drawing
