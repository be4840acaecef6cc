"""Typeset formulas as pixmaps for widgets that take icons, not HTML (drop-down items)."""
from __future__ import annotations

import re
import threading

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPalette, QPixmap
from PySide6.QtWidgets import QComboBox, QWidget

from studyapp.content.plaintext import markdown_to_text
from studyapp.content.rendering import typeset_formula
from studyapp.ui.richtext import point_size

WHOLE_FORMULA = re.compile(r"^\s*\$([^$]+)\$\s*$")


def formula_pixmap(widget: QWidget, tex: str, role: QPalette.ColorRole = QPalette.ColorRole.Text) -> QPixmap | None:
    """``tex`` in the widget's text colour and size, at its screen's pixel ratio (``None`` if it cannot be typeset)."""
    ratio = max(1.0, widget.devicePixelRatioF())
    color = widget.palette().color(role).name()
    formula = typeset_formula(tex, point_size(widget) * 1.1, color, round(96 * ratio))
    if formula is None:
        return None
    pixmap = QPixmap.fromImage(QImage.fromData(formula.png))
    pixmap.setDevicePixelRatio(formula.ratio)
    return pixmap


def add_markdown_items(combo: QComboBox, options: list[tuple[str, object]]) -> None:
    """Add ``(markdown, data)`` items: a whole-formula option shows typeset, any other as plain Unicode.

    The plain reading of every option stays in the tooltip and accessible
    text, so screen readers and the collapsed box never see TeX source.
    """
    biggest = QSize(0, 0)
    for markdown, data in options:
        plain = markdown_to_text(markdown)
        match = WHOLE_FORMULA.match(markdown)
        pixmap = formula_pixmap(combo, match.group(1), QPalette.ColorRole.ButtonText) if match else None
        if pixmap is None:
            combo.addItem(plain, data)
        else:
            combo.addItem(QIcon(pixmap), "", data)
            size = pixmap.deviceIndependentSize().toSize()
            biggest = biggest.expandedTo(size)
        index = combo.count() - 1
        combo.setItemData(index, plain, Qt.ItemDataRole.ToolTipRole)
        combo.setItemData(index, plain, Qt.ItemDataRole.AccessibleTextRole)
    if not biggest.isEmpty():
        combo.setIconSize(biggest)


def warm_up_in_background() -> threading.Thread:
    """Import and exercise mathtext off the UI thread, so the first formula of a session does not stall."""
    from studyapp.content.rendering import warm_up

    thread = threading.Thread(target=warm_up, name="math-warm-up", daemon=True)
    thread.start()
    return thread
