"""A read-only rich-text view that shows Markdown with typeset math."""
from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QPalette, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from studyapp.content.rendering import render_markdown


class RichTextView(QTextBrowser):
    """QTextBrowser fed by :func:`render_markdown`; formulas become images in the document."""

    def __init__(self, parent: QWidget | None = None, object_name: str = "") -> None:
        super().__init__(parent)
        if object_name:
            self.setObjectName(object_name)
        self.setOpenExternalLinks(True)
        self._markdown = ""

    def set_markdown(self, text: str) -> None:
        self._markdown = text
        color = self.palette().color(QPalette.ColorRole.Text).name()
        size = self.font().pointSizeF() * 1.35 if self.font().pointSizeF() > 0 else 15.0
        rendered = render_markdown(text, color=color, size=size)
        document = self.document()
        for key, png in rendered.images.items():
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"math:{key}"), QImage.fromData(png))
        self.setHtml(rendered.html)
        self.setAccessibleDescription(text)  # the source, formulas included, for screen readers

    def markdown_source(self) -> str:
        return self._markdown
