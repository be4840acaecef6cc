"""A small Python code editor: line numbers, Pygments highlighting, auto-indent, 4-space tabs."""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QKeyEvent,
    QPainter,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget
from pygments.lexers import PythonLexer
from pygments.token import Comment, Keyword

from studyapp.content.codehtml import DARK, LIGHT, colour_of

INDENT = "    "

class PythonHighlighter(QSyntaxHighlighter):
    """Lexes the whole document with Pygments (cheap for exercise-sized code) so
    multi-line strings are coloured right, then paints each block from that."""

    def __init__(self, document: QTextDocument, dark: bool = False) -> None:
        super().__init__(document)
        self._lexer = PythonLexer(stripnl=False, ensurenl=False)
        self._spans: list[tuple[int, int, QTextCharFormat]] = []
        self._lexed: str | None = None  # the text the spans were computed for
        self.set_dark(dark)

    def set_dark(self, dark: bool) -> None:
        self._formats: dict[object, QTextCharFormat] = {}
        for token, color in (DARK if dark else LIGHT).items():
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(color))
            if token in (Keyword,):
                fmt.setFontWeight(QFont.Weight.Bold)
            if token is Comment:
                fmt.setFontItalic(True)
            self._formats[token] = fmt
        self._lexed = None
        self.rehighlight()

    def _format_for(self, token: object) -> QTextCharFormat | None:
        return colour_of(token, self._formats)

    def _relex(self, text: str) -> None:
        self._spans = []
        for offset, token, value in self._lexer.get_tokens_unprocessed(text):
            fmt = self._format_for(token)
            if fmt is not None and value:
                self._spans.append((offset, len(value), fmt))
        self._lexed = text

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        # Keyed on the text, not document.revision(): setPlainText (loading a starter, a draft or
        # a solution) can leave the revision where it was, and the loaded code stayed uncoloured.
        whole = self.document().toPlainText()
        if whole != self._lexed:
            self._relex(whole)
        start = self.currentBlock().position()
        end = start + len(text)
        open_at_end = 0
        for offset, length, fmt in self._spans:
            if offset >= end:
                break
            if offset + length > start:
                begin = max(offset, start)
                self.setFormat(begin - start, min(offset + length, end) - begin, fmt)
                open_at_end = int(offset + length > end)  # a string running on: the next block must be redone
        self.setCurrentBlockState(open_at_end)


class _LineNumbers(QWidget):
    def __init__(self, editor: "CodeEditor") -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.editor.line_number_width(), 0)

    def paintEvent(self, event) -> None:  # noqa: N802
        self.editor.paint_line_numbers(event)


class CodeEditor(QPlainTextEdit):
    """Plain-text Python editor; ``set_error_line(n)`` marks the line a traceback points at."""

    def __init__(self, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("codeEditor")
        self.setAccessibleName("Code editor")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(max(font.pointSize(), 11))
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * 4)
        self.highlighter = PythonHighlighter(self.document(), dark)
        self._numbers = _LineNumbers(self)
        self._error_line: int | None = None
        self.blockCountChanged.connect(self._update_margin)
        self.updateRequest.connect(self._scroll_numbers)
        self.cursorPositionChanged.connect(self._highlight_lines)
        self._update_margin()
        self._highlight_lines()

    # --- line numbers -----------------------------------------------------------------
    def line_number_width(self) -> int:
        digits = max(3, len(str(self.blockCount())))
        return 10 + self.fontMetrics().horizontalAdvance("9") * digits

    def _update_margin(self) -> None:
        self.setViewportMargins(self.line_number_width(), 0, 0, 0)

    def _scroll_numbers(self, rect: QRect, dy: int) -> None:
        if dy:
            self._numbers.scroll(0, dy)
        else:
            self._numbers.update(0, rect.y(), self._numbers.width(), rect.height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        area = self.contentsRect()
        self._numbers.setGeometry(QRect(area.left(), area.top(), self.line_number_width(), area.height()))

    def paint_line_numbers(self, event) -> None:
        painter = QPainter(self._numbers)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.color(QPalette.ColorRole.AlternateBase))
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        bottom = top + round(self.blockBoundingRect(block).height())
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible() and bottom >= event.rect().top():
                is_error = self._error_line == number + 1
                painter.setPen(QColor("#d32f2f") if is_error else palette.color(QPalette.ColorRole.PlaceholderText))
                painter.drawText(0, top, self._numbers.width() - 5, self.fontMetrics().height(), Qt.AlignmentFlag.AlignRight, str(number + 1))
            block = block.next()
            top = bottom
            bottom = top + round(self.blockBoundingRect(block).height())
            number += 1

    # --- current line and error line ----------------------------------------------------
    def set_error_line(self, line: int | None) -> None:
        """Highlight 1-based ``line`` (from a traceback); ``None`` clears it."""
        self._error_line = line
        self._highlight_lines()
        self._numbers.update()
        if line:
            block = self.document().findBlockByNumber(line - 1)
            if block.isValid():
                cursor = QTextCursor(block)
                self.setTextCursor(cursor)
                self.ensureCursorVisible()

    def error_line(self) -> int | None:
        return self._error_line

    def _highlight_lines(self) -> None:
        selections = []
        current = QTextEdit.ExtraSelection()
        current.format.setBackground(self.palette().color(QPalette.ColorRole.AlternateBase))
        current.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        current.cursor = self.textCursor()
        current.cursor.clearSelection()
        selections.append(current)
        if self._error_line:
            block = self.document().findBlockByNumber(self._error_line - 1)
            if block.isValid():
                error = QTextEdit.ExtraSelection()
                error.format.setBackground(QColor(255, 80, 80, 70))
                error.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
                error.cursor = QTextCursor(block)
                selections.append(error)
        self.setExtraSelections(selections)

    # --- editing: tabs and indentation --------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        cursor = self.textCursor()
        if key == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if cursor.hasSelection():
                self._indent_selection(dedent=False)
            else:
                column = cursor.positionInBlock()
                cursor.insertText(" " * (4 - column % 4))
            return
        if key == Qt.Key.Key_Backtab:
            self._indent_selection(dedent=True)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        ):
            line = cursor.block().text()[: cursor.positionInBlock()]
            indent = line[: len(line) - len(line.lstrip(" "))]
            if line.rstrip().endswith(":"):
                indent += INDENT
            elif line.strip() in ("return", "pass", "break", "continue") or line.strip().startswith(("return ", "raise ")):
                indent = indent[:-4] if indent.endswith(INDENT) else indent
            cursor.insertText("\n" + indent)
            self.ensureCursorVisible()
            return
        if key == Qt.Key.Key_Backspace and not cursor.hasSelection():
            before = cursor.block().text()[: cursor.positionInBlock()]
            if before and before.strip() == "" and len(before) % 4 == 0:
                for _ in range(4):
                    cursor.deletePreviousChar()
                return
        super().keyPressEvent(event)

    def _indent_selection(self, dedent: bool) -> None:
        cursor = self.textCursor()
        start, end = sorted((cursor.selectionStart(), cursor.selectionEnd()))
        document = self.document()
        first = document.findBlock(start).blockNumber()
        last = document.findBlock(max(start, end - 1) if end > start else end).blockNumber()
        cursor.beginEditBlock()
        for number in range(first, last + 1):
            block = document.findBlockByNumber(number)
            edit = QTextCursor(block)
            if dedent:
                spaces = len(block.text()) - len(block.text().lstrip(" "))
                for _ in range(min(4, spaces)):
                    edit.deleteChar()
            else:
                edit.insertText(INDENT)
        cursor.endEditBlock()
