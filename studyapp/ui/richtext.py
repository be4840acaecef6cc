"""A read-only rich-text view that shows Markdown with typeset math."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, QUrl
from PySide6.QtGui import QImage, QPalette, QTextDocument
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser, QWidget

from studyapp.content.rendering import Rendered, render_markdown


def point_size(widget: QWidget) -> float:
    """The widget's font size in points (the Font size setting reaches it through the app font)."""
    points = widget.font().pointSizeF()
    return points if points > 0 else 10.0


def render_for(widget: QWidget, text: str, role: QPalette.ColorRole = QPalette.ColorRole.Text,
               image_dir: Path | None = None, inline: bool = False) -> Rendered:
    """Markdown + math for ``widget``: its text colour, its font size, its screen's pixel ratio.

    Formulas are typeset 10% above the text size (math glyphs read smaller
    than prose at the same size) at ``96 * devicePixelRatio`` dpi and shown at
    their logical size, so they stay sharp on 2x screens.
    """
    return render_markdown(text, **render_args_for(widget, role, image_dir, inline))


def render_args_for(widget: QWidget, role: QPalette.ColorRole = QPalette.ColorRole.Text,
                    image_dir: Path | None = None, inline: bool = False) -> dict[str, Any]:
    """The keyword arguments :func:`render_for` passes to :func:`render_markdown` (read on the UI thread)."""
    color = widget.palette().color(role).name()
    ratio = max(1.0, widget.devicePixelRatioF())
    return {"color": color, "size": point_size(widget) * 1.1, "image_dir": image_dir, "inline": inline,
            "dpi": round(96 * ratio)}


class RichTextView(QTextBrowser):
    """QTextBrowser fed by :func:`render_markdown`; formulas become images in the document.

    With ``auto_height`` the view is as tall as its text (up to ``max_height``),
    so a short question does not leave a tall empty box.
    """

    def __init__(self, parent: QWidget | None = None, object_name: str = "", auto_height: bool = False, max_height: int = 10_000) -> None:
        super().__init__(parent)
        if object_name:
            self.setObjectName(object_name)
        self.setOpenExternalLinks(True)
        self._markdown = ""
        self._auto_height = auto_height
        self._max_height = max_height
        if auto_height:
            self.setFrameShape(QFrame.Shape.NoFrame)
            self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            self.document().documentLayout().documentSizeChanged.connect(lambda *_: self._fit_height())

    def set_markdown(self, text: str) -> None:
        self.show_rendered(text, render_for(self, text))

    def render_args(self) -> dict[str, Any]:
        """What :func:`render_markdown` needs from this widget, read on the UI thread: the rendering itself
        touches no widget, so a long text can be rendered in a background op and shown with :meth:`show_rendered`."""
        return render_args_for(self)

    def show_rendered(self, text: str, rendered: Rendered) -> None:
        """Show Markdown ``text`` already rendered by :func:`render_markdown` with :meth:`render_args`."""
        self._markdown = text
        ratio = max(1.0, self.devicePixelRatioF())
        document = self.document()
        for key, png in rendered.images.items():
            image = QImage.fromData(png)
            image.setDevicePixelRatio(ratio)
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"math:{key}"), image)
        self.setHtml(rendered.html)
        self.setAccessibleDescription(text)  # the source, formulas included, for screen readers
        self._fit_height()

    def markdown_source(self) -> str:
        return self._markdown

    def _fit_height(self) -> None:
        if not self._auto_height:
            return
        document = self.document()
        document.setTextWidth(self.viewport().width())
        height = int(document.size().height()) + 2 * self.frameWidth() + 4
        self.setFixedHeight(max(24, min(self._max_height, height)))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_height()

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        return QSize(hint.width(), self.height()) if self._auto_height else hint
