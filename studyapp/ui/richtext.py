"""A read-only rich-text view that shows Markdown with typeset math."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, QUrl
from PySide6.QtGui import QImage, QPalette, QTextDocument
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser, QWidget

from studyapp.content.rendering import render_markdown


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
        args = self.render_args()
        self.show_rendered(text, render_markdown(text, **args))

    def render_args(self) -> dict[str, Any]:
        """What :func:`render_markdown` needs from this widget (read on the UI thread); the rendering itself
        touches no widget, so a long text can be rendered in a background op and shown with :meth:`show_rendered`."""
        color = self.palette().color(QPalette.ColorRole.Text).name()
        points = self.font().pointSizeF() if self.font().pointSizeF() > 0 else 10.0
        ratio = max(1.0, self.devicePixelRatioF())
        return {"color": color, "size": points * 1.1, "dpi": round(96 * ratio)}

    def show_rendered(self, text: str, rendered: Any) -> None:
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
