"""Review view: the due, mistakes, weakest-topic, marked and new queues, and a reader for explanations.

Each queue has a Start button that emits :attr:`ReviewView.start_session` with
the session kind and the item ids; the main window runs them in the quiz view.
The queues come from :class:`~studyapp.progress.scheduling.ReviewScheduler`.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from studyapp.content.model import Item
from studyapp.content.plaintext import snippet
from studyapp.content.variants import instantiate
from studyapp.progress.queues import queue_item_ids
from studyapp.ui.i18n import Catalog
from studyapp.ui.richtext import RichTextView

T = Catalog(
    "review",
    {
        "due": {"en": "Due now ({count})", "ja": "復習期限 ({count})"},
        "mistakes": {"en": "Mistakes ({count})", "ja": "間違えた問題 ({count})"},
        "weak": {"en": "Weakest topics ({count})", "ja": "苦手なトピック ({count})"},
        "marked": {"en": "Marked ({count})", "ja": "マークした問題 ({count})"},
        "new": {"en": "New ({count})", "ja": "未学習 ({count})"},
        "empty_marked": {"en": "Nothing is marked. Tick “Mark for review” on a question.",
                         "ja": "マークした問題はありません。問題の「復習用にマーク」をオンにしてください。"},
        "empty_new": {"en": "You have seen every item.", "ja": "すべての問題に取り組みました。"},
        "start": {"en": "Start", "ja": "開始"},
        "start_weak": {"en": "Practise topic", "ja": "このトピックを練習"},
        "by_section": {"en": "by section", "ja": "セクション別"},
        "by_tag": {"en": "by tag", "ja": "タグ別"},
        "topic_row": {"en": "{name} — {percent}% of last {attempts}", "ja": "{name} — 直近 {attempts} 問で {percent}%"},
        "empty_due": {"en": "Nothing is due. Come back later.", "ja": "期限の来た復習はありません。"},
        "empty_mistakes": {"en": "No mistakes to go over.", "ja": "見直す間違いはありません。"},
        "empty_weak": {"en": "Answer some questions first.", "ja": "まず問題に答えてください。"},
        "reader": {"en": "Review explanations", "ja": "解説を読み返す"},
        "all_sections": {"en": "All sections", "ja": "すべてのセクション"},
        "search": {"en": "Search prompts and explanations (English or Japanese)", "ja": "問題文と解説を検索（英語・日本語）"},
        "count": {"en": "{shown} of {total} items", "ja": "{total} 問中 {shown} 問を表示"},
        "no_match": {"en": "No item matches “{query}”.", "ja": "「{query}」に一致する問題はありません。"},
        "truncated": {"en": "Showing the first {shown} of {total} matches; narrow the search to see the rest.",
                      "ja": "一致した {total} 問のうち最初の {shown} 問を表示しています。残りは検索語を絞ってください。"},
        "explanation": {"en": "Explanation", "ja": "解説"},
        "no_explanation": {"en": "(no explanation)", "ja": "（解説なし）"},
    },
)

ID_ROLE = Qt.ItemDataRole.UserRole
MAX_SHOWN = 40
MAX_LISTED = 200  # rows in a queue list; the title shows the full count
NEW_SESSION_SIZE = 20
SNIPPET_LENGTH = 120


# --- pure helpers (no Qt) ------------------------------------------------------------------------

def matching_items(items: Iterable[Item], query: str) -> list[Item]:
    """Items whose text in any language (or whose id) contains ``query``, case-insensitively."""
    needle = query.strip().casefold()
    if not needle:
        return list(items)
    return [item for item in items if needle in item.searchable_text().casefold() or needle in item.id.casefold()]


def topic_items(items: Iterable[Item], topic: str, by: str, last_results: dict[str, tuple[bool, float]]) -> list[str]:
    """Ids of the items of one section (``by="section"``) or tag, to practise a weak topic.

    Items last answered wrong come first, then those never tried, then the rest,
    each group in library order.
    """
    chosen = [i for i in items if (i.section == topic if by == "section" else topic in i.tags)]

    def rank(item: Item) -> int:
        result = last_results.get(item.id)
        return 1 if result is None else (0 if not result[0] else 2)

    return [i.id for i in sorted(chosen, key=rank)]


def explanation_markdown(items: Sequence[Item], language: str, heading: str) -> str:
    """Each item's prompt and explanation as Markdown, numbered."""
    parts = []
    for number, item in enumerate(items, start=1):
        shown = instantiate(item, seed=0)
        explanation = shown.explanation.get(language).strip() or T("no_explanation", language)
        quoted = "\n".join(f"> {line}" for line in f"**{heading}:** {explanation}".split("\n"))
        parts.append(f"**{number}.** {shown.prompt.get(language).strip()}\n\n{quoted}")
    return "\n\n---\n\n".join(parts)


# --- the view ------------------------------------------------------------------------------------

class ReviewView(QWidget):
    """Review queues with Start buttons, and an explanation reader."""

    start_session = Signal(str, list)
    """``(kind, item ids)``: kind is ``"review_due"``, ``"mistakes"`` or ``"practice"`` (a weak topic)."""

    def __init__(self, library: Any, store: Any, recorder: Any, language: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewView")
        self.library = library
        self.store = store
        self.recorder = recorder
        self.language = language
        self.due_ids: list[str] = []
        self.mistake_ids: list[str] = []
        self.marked_ids: list[str] = []
        self.new_ids: list[str] = []
        self.topics: list[Any] = []
        self._build()
        self.retranslate(language)

    # --- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Vertical)
        outer.addWidget(splitter)

        queues = QWidget()
        row = QHBoxLayout(queues)
        row.setContentsMargins(0, 0, 0, 0)
        self.due_box, self.due_list, self.start_due = self._queue("due", "dueList", "startDueButton")
        self.mistakes_box, self.mistakes_list, self.start_mistakes = self._queue("mistakes", "mistakesList", "startMistakesButton")
        self.weak_box, self.weak_list, self.start_weak = self._queue("weak", "weakList", "startWeakButton")
        self.weak_by = QComboBox(objectName="weakByCombo")
        self.weak_by.addItem("", "section")
        self.weak_by.addItem("", "tag")
        self.weak_by.currentIndexChanged.connect(lambda _i: self._fill_weak())
        self.weak_box.layout().insertWidget(0, self.weak_by)
        self.start_due.clicked.connect(lambda: self._emit("review_due", self.due_ids))
        self.start_mistakes.clicked.connect(lambda: self._emit("mistakes", self.mistake_ids))
        self.start_weak.clicked.connect(self._start_weak)
        self.marked_box, self.marked_list, self.start_marked = self._queue("marked", "markedList", "startMarkedButton")
        self.new_box, self.new_list, self.start_new = self._queue("new", "newList", "startNewButton")
        self.start_marked.clicked.connect(lambda: self._emit("bookmarks", self.marked_ids))
        self.start_new.clicked.connect(lambda: self._emit("new", self.new_ids[:NEW_SESSION_SIZE]))
        for box in (self.due_box, self.mistakes_box, self.weak_box, self.marked_box, self.new_box):
            row.addWidget(box, 1)
        splitter.addWidget(queues)

        self.reader_box = QGroupBox(objectName="explanationReader")
        reader = QVBoxLayout(self.reader_box)
        controls = QHBoxLayout()
        self.section_combo = QComboBox(objectName="sectionCombo")
        self.section_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.section_combo.addItem("", None)  # all sections
        for section_id in self._section_ids():
            self.section_combo.addItem("", section_id)
        self.section_combo.setCurrentIndex(1 if self.section_combo.count() > 1 else 0)
        self.section_combo.currentIndexChanged.connect(lambda _i: self.show_explanations())
        self.search = QLineEdit(objectName="explanationSearch")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self.show_explanations())
        self.match_count = QLabel(objectName="explanationCount")
        self.match_count.setStyleSheet("color: palette(placeholder-text);")
        controls.addWidget(self.section_combo)
        controls.addWidget(self.search, 1)
        controls.addWidget(self.match_count)
        reader.addLayout(controls)
        self.explanation_text = RichTextView(object_name="explanationText")
        reader.addWidget(self.explanation_text, 1)
        splitter.addWidget(self.reader_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)

    def _queue(self, key: str, list_name: str, button_name: str) -> tuple[QGroupBox, QListWidget, QPushButton]:
        box = QGroupBox(objectName=f"{key}Box")
        column = QVBoxLayout(box)
        items = QListWidget(objectName=list_name)
        items.setAlternatingRowColors(True)
        items.setTextElideMode(Qt.TextElideMode.ElideRight)
        items.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        items.setUniformItemSizes(True)
        button = QPushButton(objectName=button_name)
        column.addWidget(items, 1)
        column.addWidget(button, 0, Qt.AlignmentFlag.AlignRight)
        return box, items, button

    # --- public API -------------------------------------------------------------------------------
    def retranslate(self, language: str) -> None:
        self.language = language
        lang = language
        self.start_due.setText(T("start", lang))
        self.start_mistakes.setText(T("start", lang))
        self.start_weak.setText(T("start_weak", lang))
        self.start_marked.setText(T("start", lang))
        self.start_new.setText(T("start", lang))
        self.start_marked.setAccessibleName("Start marked review")
        self.start_new.setAccessibleName("Start new items")
        self.marked_list.setAccessibleName("Marked")
        self.new_list.setAccessibleName("New")
        self.start_due.setAccessibleName("Start due review")
        self.start_mistakes.setAccessibleName("Start mistakes review")
        self.start_weak.setAccessibleName("Practise weakest topic")
        self.due_list.setAccessibleName("Due now")
        self.mistakes_list.setAccessibleName("Mistakes")
        self.weak_list.setAccessibleName("Weakest topics")
        self.weak_by.setItemText(0, T("by_section", lang))
        self.weak_by.setItemText(1, T("by_tag", lang))
        self.weak_by.setAccessibleName("Group weak topics")
        self.reader_box.setTitle(T("reader", lang))
        titles = self._titles()
        for index in range(self.section_combo.count()):
            section_id = self.section_combo.itemData(index)
            self.section_combo.setItemText(index, T("all_sections", lang) if section_id is None else titles.get(section_id, section_id))
        self.section_combo.setAccessibleName("Section")
        self.search.setPlaceholderText(T("search", lang))
        self.search.setAccessibleName("Search explanations")
        self.explanation_text.setAccessibleName("Explanations")
        self.refresh()

    def refresh(self) -> None:
        """Reload the queues from the store and redraw the reader."""
        now = self.recorder.now() if self.recorder is not None else None

        def queue(name: str) -> list[str]:
            return queue_item_ids(name, self.library, self.store, now=now) if self.store is not None else []

        self.due_ids = queue("due")
        self.mistake_ids = queue("mistakes")
        self.marked_ids = queue("marked")
        self.new_ids = queue("new")
        self._fill_ids(self.due_box, self.due_list, self.due_ids, "due")
        self._fill_ids(self.mistakes_box, self.mistakes_list, self.mistake_ids, "mistakes")
        self._fill_ids(self.marked_box, self.marked_list, self.marked_ids, "marked")
        self._fill_ids(self.new_box, self.new_list, self.new_ids[:MAX_LISTED], "new", total=len(self.new_ids))
        self._fill_weak()
        self.show_explanations()

    def show_explanations(self) -> None:
        """Render the prompts and explanations of the items matching the section and search."""
        lang = self.language
        section_id = self.section_combo.currentData()
        items = [i for i in self.library.items() if section_id is None or i.section == section_id]
        query = self.search.text()
        matches = matching_items(items, query)
        shown = matches[:MAX_SHOWN]
        self.match_count.setText(T("count", lang, shown=len(shown), total=len(items)) if not query.strip()
                                 else T("count", lang, shown=len(matches), total=len(items)))
        if not matches:
            self.explanation_text.set_markdown(T("no_match", lang, query=query.strip()) if query.strip() else "")
            return
        text = explanation_markdown(shown, lang, T("explanation", lang))
        if len(matches) > len(shown):
            text += f"\n\n---\n\n*{T('truncated', lang, shown=len(shown), total=len(matches))}*"
        self.explanation_text.set_markdown(text)

    # --- internals ---------------------------------------------------------------------------------
    def _section_ids(self) -> list[str]:
        return [section.id for bank in self.library.banks for section in bank.sections]

    def _titles(self) -> dict[str, str]:
        return {section.id: section.title.get(self.language) for bank in self.library.banks for section in bank.sections}

    def _fill_ids(self, box: QGroupBox, widget: QListWidget, ids: list[str], key: str, total: int | None = None) -> None:
        widget.clear()
        titles = self._titles()
        for item_id in ids:
            item = self.library.item(item_id)
            if item is None:
                continue
            prompt = snippet(instantiate(item, seed=0).prompt.get(self.language), SNIPPET_LENGTH)
            section = titles.get(item.section, item.section)
            row = QListWidgetItem(prompt)
            row.setData(ID_ROLE, item_id)
            row.setToolTip(f"{section} · {item_id}\n\n{prompt}")
            widget.addItem(row)
        if not ids:
            self._placeholder(widget, T(f"empty_{key}", self.language))
        box.setTitle(T(key, self.language, count=len(ids) if total is None else total))
        self._update_buttons()

    def _fill_weak(self) -> None:
        by = self.weak_by.currentData() or "section"
        self.topics = self.recorder.weakest_topics(by=by) if self.recorder is not None else []
        titles = self._titles()
        self.weak_list.clear()
        for topic in self.topics:
            name = titles.get(topic.name, topic.name) if by == "section" else f"#{topic.name}"
            row = QListWidgetItem(T("topic_row", self.language, name=name, percent=round(100 * topic.accuracy),
                                    attempts=topic.attempts))
            row.setData(ID_ROLE, topic.name)
            self.weak_list.addItem(row)
        if not self.topics:
            self._placeholder(self.weak_list, T("empty_weak", self.language))
        else:
            self.weak_list.setCurrentRow(0)
        self.weak_box.setTitle(T("weak", self.language, count=len(self.topics)))
        self._update_buttons()

    def _placeholder(self, widget: QListWidget, text: str) -> None:
        row = QListWidgetItem(text)
        row.setFlags(Qt.ItemFlag.NoItemFlags)
        widget.addItem(row)

    def _update_buttons(self) -> None:
        self.start_due.setEnabled(bool(self.due_ids))
        self.start_mistakes.setEnabled(bool(self.mistake_ids))
        self.start_weak.setEnabled(bool(self.topics))
        self.start_marked.setEnabled(bool(self.marked_ids))
        self.start_new.setEnabled(bool(self.new_ids))

    def _weak_topic_ids(self) -> list[str]:
        if not self.topics:
            return []
        row = self.weak_list.currentRow()
        topic = self.topics[row if 0 <= row < len(self.topics) else 0]
        by = self.weak_by.currentData() or "section"
        last = self.store.last_results() if self.store is not None else {}
        return topic_items(self.library.items(), topic.name, by, last)

    def _start_weak(self) -> None:
        self._emit("practice", self._weak_topic_ids())

    def _emit(self, kind: str, ids: list[str]) -> None:
        if ids:
            self.start_session.emit(kind, list(ids))
