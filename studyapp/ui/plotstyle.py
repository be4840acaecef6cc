"""matplotlib colours from the Qt palette, so every plot follows the light or dark theme."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QWidget


@dataclass(frozen=True)
class PlotColours:
    """The theme's colours for a figure: text and lines, and the window behind them."""

    text: str = "#202020"
    background: str = "#ffffff"
    grid: str = "#b0b0b0"


def palette_colours(widget: QWidget) -> PlotColours:
    palette = widget.palette()
    return PlotColours(palette.color(QPalette.ColorRole.WindowText).name(), palette.color(QPalette.ColorRole.Window).name(),
                       palette.color(QPalette.ColorRole.Mid).name())


def theme_rc(colours: PlotColours) -> dict[str, str]:
    """rcParams for ``colours`` (figure.clear() keeps the old facecolor: set it on the figure too)."""
    return {"figure.facecolor": colours.background, "axes.facecolor": colours.background, "savefig.facecolor": colours.background,
            "text.color": colours.text, "axes.labelcolor": colours.text, "axes.edgecolor": colours.grid,
            "xtick.color": colours.text, "ytick.color": colours.text, "axes.titlecolor": colours.text,
            "legend.labelcolor": colours.text, "legend.facecolor": colours.background, "legend.edgecolor": colours.grid}
