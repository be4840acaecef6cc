"""Exam view: a timed mock test with no feedback until it is submitted.

Three pages: setup (count, duration, sections, seed, exam history), the
running exam (countdown, item navigator, the quiz's own answer widgets,
Previous/Next, Submit) and the report (by section, overall, then every item
with the learner's answer, the right answer and the explanation).

Timing, selection, grading and the history live in
:mod:`studyapp.progress.exam`; this module only shows them. The answer
widgets are the quiz view's: :class:`ExamItemPanel` is a :class:`QuizView`
with its feedback, hint, mark and submit controls hidden.
"""
from __future__ import annotations

import math
import random
import re
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studyapp.content.judging import blank_answer_text
from studyapp.content.model import Item
from studyapp.content.rendering import render_markdown
from studyapp.content.variants import VariantError, format_value, instantiate
from studyapp.paths import cache_dir
from studyapp.progress.exam import DEFAULT_COUNT, DEFAULT_DURATION_S, Exam, ExamClosed, ExamReport, select_exam_items
from studyapp.ui.flow_layout import FlowLayout
from studyapp.ui.i18n import Catalog
from studyapp.ui.ops import run_in_background
from studyapp.ui.quiz_view import BLANK, QuizView
from studyapp.ui.quiz_view import T as QUIZ_T
from studyapp.ui.richtext import RichTextView

EXCLUDED_KINDS = ("code",)  # code exercises are graded by the sandbox, not in a timed exam
WARNING_S = 5 * 60  # the countdown turns red in the last five minutes
RED = "#c62828"

T = Catalog(
    "exam",
    {
        "setup_title": {"en": "Mock exam", "ja": "模擬試験"},
        "setup_intro": {"en": "A timed test over the chosen sections. There is no feedback until you submit; answers can be changed until then.",
                        "ja": "選んだセクションから出題する時間制限つきのテストです。提出するまで正誤は表示されません。提出までは解答を変更できます。"},
        "count": {"en": "Number of items", "ja": "問題数"},
        "duration": {"en": "Duration", "ja": "制限時間"},
        "minutes_suffix": {"en": " min", "ja": " 分"},
        "seed": {"en": "Seed", "ja": "シード"},
        "new_seed": {"en": "New seed", "ja": "新しいシード"},
        "seed_tip": {"en": "The same seed, count and sections give the same exam again.",
                     "ja": "同じシード・問題数・セクションなら同じ試験を再現できます。"},
        "sections": {"en": "Sections", "ja": "セクション"},
        "available": {"en": "{count} items available (code exercises are not part of exams).",
                      "ja": "出題可能な問題: {count} 問（コード課題は試験に含まれません）。"},
        "start": {"en": "Start exam", "ja": "試験を開始"},
        "history": {"en": "Exam history", "ja": "試験の履歴"},
        "history_date": {"en": "Date", "ja": "日時"},
        "history_score": {"en": "Score", "ja": "得点"},
        "history_items": {"en": "Items", "ja": "問題数"},
        "history_time": {"en": "Time used", "ja": "所要時間"},
        "history_seed": {"en": "Seed", "ja": "シード"},
        "history_empty": {"en": "No exam taken yet.", "ja": "まだ受験していません。"},
        "timed_out_mark": {"en": "time up", "ja": "時間切れ"},
        "running_title": {"en": "Mock exam · seed {seed}", "ja": "模擬試験 · シード {seed}"},
        "preparing_report": {"en": "Marking… the report is being prepared.", "ja": "採点しています… 結果を作成中です。"},
        "countdown_name": {"en": "Time remaining", "ja": "残り時間"},
        "position": {"en": "Question {position} / {total} · {section}", "ja": "問題 {position} / {total} · {section}"},
        "previous": {"en": "◀ Previous", "ja": "◀ 前へ"},
        "next": {"en": "Next ▶", "ja": "次へ ▶"},
        "clear": {"en": "Clear answer", "ja": "解答を消去"},
        "answered_count": {"en": "{answered} / {total} answered", "ja": "解答済み {answered} / {total}"},
        "submit": {"en": "Submit exam", "ja": "試験を提出"},
        "nav_answered": {"en": "Question {number}, answered", "ja": "問題 {number}、解答済み"},
        "nav_unanswered": {"en": "Question {number}, not answered", "ja": "問題 {number}、未解答"},
        "navigator": {"en": "Questions", "ja": "問題一覧"},
        "confirm_title": {"en": "Submit the exam?", "ja": "試験を提出しますか？"},
        "confirm_text": {"en": "{count} of {total} items are not answered yet. Submit anyway?",
                         "ja": "{total} 問中 {count} 問が未解答です。このまま提出しますか？"},
        "confirm_yes": {"en": "Submit", "ja": "提出する"},
        "confirm_no": {"en": "Keep working", "ja": "解答を続ける"},
        "report_title": {"en": "Exam result", "ja": "試験結果"},
        "report_overall": {"en": "Overall score: **{percent:.0f}%** ({score} / {total} points, {correct} fully right, {unanswered} not answered)",
                           "ja": "総合得点: **{percent:.0f}%**（{total} 点中 {score} 点、完全正解 {correct} 問、未解答 {unanswered} 問）"},
        "report_time": {"en": "Time used: {minutes} min {seconds} s of {limit} min · seed {seed}",
                        "ja": "所要時間: {minutes} 分 {seconds} 秒（制限 {limit} 分）· シード {seed}"},
        "report_timed_out": {"en": "⏰ Time ran out: the exam was submitted automatically.", "ja": "⏰ 時間切れのため自動的に提出されました。"},
        "report_sections": {"en": "By section", "ja": "セクション別"},
        "col_section": {"en": "Section", "ja": "セクション"},
        "col_items": {"en": "Items", "ja": "問題数"},
        "col_correct": {"en": "Correct", "ja": "正解"},
        "col_score": {"en": "Score", "ja": "得点"},
        "col_accuracy": {"en": "Accuracy", "ja": "正答率"},
        "col_total": {"en": "Total", "ja": "合計"},
        "report_items": {"en": "Every item", "ja": "全問題"},
        "status_correct": {"en": "✔ Correct", "ja": "✔ 正解"},
        "status_partial": {"en": "◐ Partly right ({percent}%)", "ja": "◐ 部分正解（{percent}%）"},
        "status_wrong": {"en": "✘ Incorrect", "ja": "✘ 不正解"},
        "status_unanswered": {"en": "— Not answered", "ja": "— 未解答"},
        "your_answer": {"en": "Your answer", "ja": "あなたの解答"},
        "right_answer": {"en": "Right answer", "ja": "正答"},
        "no_answer": {"en": "(none)", "ja": "（なし）"},
        "explanation": {"en": "Explanation:", "ja": "解説："},
        "new_exam": {"en": "New exam", "ja": "新しい試験"},
        "practise_missed": {"en": "Practise the ones I missed", "ja": "間違えた問題を練習"},
        "item_missing": {"en": "(this item is no longer in the library)", "ja": "（この問題はライブラリにありません）"},
    },
)


def format_clock(seconds: float) -> str:
    """``mm:ss`` of the remaining time, rounded up so 00:00 means the time is up."""
    whole = max(0, math.ceil(seconds - 1e-9))
    return f"{whole // 60:02d}:{whole % 60:02d}"


def _points(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def _code(text: Any) -> str:
    """``text`` as inline code whatever backticks it holds."""
    text = str(text).replace("\n", " ")
    if not text.strip():
        return T("no_answer", "en") if not text else f"`{text}`"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


class ExamItemPanel(QuizView):
    """The quiz view's question and answer widgets, without any judging or feedback.

    ``answer_changed`` fires on every edit; Enter asks for the next item
    (``advance``); digits 1–9 still pick choices.
    """

    answer_changed = Signal()
    advance = Signal()

    def __init__(self, language: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(store=None, recorder=None, language=language, parent=parent)
        for widget in (self.progress, self.feedback, self.hint_button, self.mark_box, self.skip_button,
                       self.submit_button, self.next_button):
            widget.setVisible(False)
        self.header.setObjectName("examItemHeader")
        self.seed = 0

    # the quiz judges on submit; an exam never does
    def submit(self) -> None:
        return

    def submit_or_next(self) -> None:
        self.advance.emit()

    def _set_idle(self) -> None:
        super()._set_idle()
        self.question.set_markdown("")

    def show_item(self, item: Item, seed: int, header: str, answer: Any = None) -> None:
        """Show ``item`` (an instance) with ``answer`` (judge form, or None) filled in."""
        self.instance = item
        self.verdict = None
        self.seed = seed
        self.header.setText(header)
        self.kind_label.setText(QUIZ_T(f"kind_{item.kind}", self.language))
        prompt = item.prompt.get(self.language)
        self.question.set_markdown(prompt)
        self.question.setVisible(bool(prompt.strip()))  # a cloze may have only its template
        self.feedback.setVisible(False)
        self._build_answer_widgets(item, seed)
        self._restore(item, answer)
        for button in self.choice_buttons:
            button.clicked.connect(self.answer_changed)
        if self.answer_input is not None:
            self.answer_input.textChanged.connect(self.answer_changed)
        for widget in self.blank_inputs:
            if isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(self.answer_changed)
            else:
                widget.textChanged.connect(self.answer_changed)
        self._focus_first_input()

    def _restore(self, item: Item, answer: Any) -> None:
        if answer is None:
            return
        if item.kind == "single" and answer in self.display_order:
            self.choice_buttons[self.display_order.index(answer)].setChecked(True)
        elif item.kind == "multi":
            for original in answer:
                if original in self.display_order:
                    self.choice_buttons[self.display_order.index(original)].setChecked(True)
        elif item.kind == "truefalse":
            self.choice_buttons[0 if answer else 1].setChecked(True)
        elif item.kind in ("numeric", "text") and self.answer_input is not None:
            self.answer_input.setText(str(answer))
        elif item.kind == "cloze":
            for widget, value in zip(self.blank_inputs, answer):
                if isinstance(widget, QComboBox):
                    index = widget.findData(value) if value is not None else 0
                    widget.setCurrentIndex(max(0, index))
                elif value is not None:
                    widget.setText(str(value))

    def exam_answer(self) -> Any:
        """The current answer in judge form, or None when nothing is given (so it counts as unanswered)."""
        if self.instance is None:
            return None
        answer = self.current_answer()
        kind = self.instance.kind
        if kind == "multi" and not answer:
            return None
        if kind in ("numeric", "text"):
            return answer if answer.strip() else None
        if kind == "cloze":
            given = [None if (a is None or (isinstance(a, str) and not a.strip())) else a for a in answer]
            return answer if any(a is not None for a in given) else None
        return answer

    def clear_answer(self) -> None:
        if self.instance is not None:
            self.show_item(self.instance, self.seed, self.header.text(), None)
            self.answer_changed.emit()

class ExamView(QWidget):
    """Set up, take and review a mock exam.

    Signals: ``started(Exam)`` when an exam begins, ``finished(ExamReport)``
    once it is submitted (by the learner or because the time ran out; the
    result is already in ``store.exams()`` then).
    """

    started = Signal(object)
    finished = Signal(object)
    practise_items = Signal(str, list)
    """``("mistakes", item ids)``: the report's "practise the ones I missed"."""

    def __init__(self, library: Any, store: Any, language: str = "en", clock: Callable[[], Any] | None = None,
                 parent: QWidget | None = None, *, recorder: Any = None, image_dir: Path | None = None,
                 schedule: bool = True) -> None:
        super().__init__(parent)
        self.library = library
        self.store = store
        self.recorder = recorder
        self.schedule = schedule
        # formulas inside choice labels (QLabel) need files; the report view embeds its own
        self.image_dir = image_dir if image_dir is not None else cache_dir() / "math"
        self.language = language
        self.clock = clock
        self.exam: Exam | None = None
        self.report: ExamReport | None = None
        self.position = 0
        self.seed_used = 0
        self._wanted_count = DEFAULT_COUNT
        self._updating = False
        self.confirm_submit: Callable[[int], bool] = self._ask_confirmation
        """Asked with the number of unanswered items before submitting; replace it in tests."""
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.tick)
        self._build()

    # --- library helpers -------------------------------------------------------------------
    def _section_titles(self) -> dict[str, Any]:
        return {section.id: section.title for bank in self.library.banks for section in bank.sections}

    def section_title(self, section_id: str) -> str:
        title = self._section_titles().get(section_id)
        return title.get(self.language) if title is not None else section_id

    def _section_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for item in self.library.items():
            if item.kind not in EXCLUDED_KINDS:
                seen.setdefault(item.section, None)
        return list(seen)

    def selected_sections(self) -> list[str]:
        return [sid for sid, box in self.section_boxes.items() if box.isChecked()]

    def available_count(self) -> int:
        chosen = set(self.selected_sections())
        return sum(1 for i in self.library.items() if i.section in chosen and i.kind not in EXCLUDED_KINDS)

    # --- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(objectName="examStack")
        outer.addWidget(self.stack)
        self.setup_page = self._build_setup()
        self.run_page = self._build_running()
        self.report_page = self._build_report()
        for page in (self.setup_page, self.run_page, self.report_page):
            self.stack.addWidget(page)
        self.retranslate(self.language)
        self._sections_changed()
        self.refresh_history()

    def _build_setup(self) -> QWidget:
        page = QWidget(objectName="examSetupPage")
        layout = QVBoxLayout(page)
        self.setup_title = QLabel(objectName="examSetupTitle")
        font = self.setup_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4 if font.pointSizeF() > 0 else 14)
        font.setBold(True)
        self.setup_title.setFont(font)
        self.setup_intro = QLabel(objectName="examSetupIntro")
        self.setup_intro.setWordWrap(True)
        layout.addWidget(self.setup_title)
        layout.addWidget(self.setup_intro)

        columns = QHBoxLayout()
        left = QVBoxLayout()
        form = QFormLayout()
        self.count_spin = QSpinBox(objectName="examCountSpin")
        self.count_spin.setRange(1, max(1, DEFAULT_COUNT))
        self.count_spin.valueChanged.connect(self._count_edited)
        self.duration_spin = QSpinBox(objectName="examDurationSpin")
        self.duration_spin.setRange(1, 600)
        self.duration_spin.setValue(int(DEFAULT_DURATION_S // 60))
        self.seed_spin = QSpinBox(objectName="examSeedSpin")
        self.seed_spin.setRange(0, 999_999)
        self.seed_spin.setValue(random.randrange(1_000_000))
        self.new_seed_button = QPushButton(objectName="newSeedButton")
        self.new_seed_button.clicked.connect(lambda: self.seed_spin.setValue(random.randrange(1_000_000)))
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed_spin, 1)
        seed_row.addWidget(self.new_seed_button)
        self.count_label, self.duration_label, self.seed_label = QLabel(), QLabel(), QLabel()
        form.addRow(self.count_label, self.count_spin)
        form.addRow(self.duration_label, self.duration_spin)
        form.addRow(self.seed_label, seed_row)
        left.addLayout(form)

        self.sections_box = QGroupBox(objectName="examSectionsBox")
        # ~25 sections: the list scrolls, so the page (and the window) never grows past a small screen
        sections_scroll = QScrollArea(objectName="examSectionsScroll")
        sections_scroll.setWidgetResizable(True)
        sections_scroll.setFrameShape(QFrame.Shape.NoFrame)
        sections_inner = QWidget()
        sections_layout = QVBoxLayout(sections_inner)
        sections_scroll.setWidget(sections_inner)
        QVBoxLayout(self.sections_box).addWidget(sections_scroll)
        self.section_boxes: dict[str, QCheckBox] = {}
        for section_id in self._section_ids():
            box = QCheckBox(objectName=f"examSection_{section_id}")
            box.setChecked(True)
            box.toggled.connect(self._sections_changed)
            self.section_boxes[section_id] = box
            sections_layout.addWidget(box)
        left.addWidget(self.sections_box, 1)
        self.available_label = QLabel(objectName="examAvailable")
        self.available_label.setWordWrap(True)
        left.addWidget(self.available_label)
        self.start_button = QPushButton(objectName="startExamButton")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start_exam)
        start_row = QHBoxLayout()
        start_row.addStretch(1)
        start_row.addWidget(self.start_button)
        left.addLayout(start_row)
        columns.addLayout(left, 2)

        self.history_box = QGroupBox(objectName="examHistoryBox")
        history_layout = QVBoxLayout(self.history_box)
        self.history = QTreeWidget(objectName="examHistory")
        self.history.setRootIsDecorated(False)
        self.history.setColumnCount(5)
        self.history.setUniformRowHeights(True)
        self.history_empty = QLabel(objectName="examHistoryEmpty")
        self.history_empty.setStyleSheet("color: palette(placeholder-text);")
        history_layout.addWidget(self.history)
        history_layout.addWidget(self.history_empty)
        columns.addWidget(self.history_box, 3)
        layout.addLayout(columns, 1)
        return page

    def _build_running(self) -> QWidget:
        page = QWidget(objectName="examRunPage")
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        self.run_title = QLabel(objectName="examRunTitle")
        self.answered_label = QLabel(objectName="examAnsweredLabel")
        self.answered_label.setStyleSheet("color: palette(placeholder-text);")
        self.countdown = QLabel("00:00", objectName="examCountdown")
        font = QFont(self.countdown.font())
        font.setPointSizeF(font.pointSizeF() * 1.6 if font.pointSizeF() > 0 else 16)
        font.setBold(True)
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.countdown.setFont(font)
        top.addWidget(self.run_title)
        top.addStretch(1)
        top.addWidget(self.answered_label)
        top.addSpacing(16)
        top.addWidget(self.countdown)
        layout.addLayout(top)

        self.navigator = QWidget(objectName="examNavigator")
        self.navigator_layout = FlowLayout(self.navigator, spacing=4)
        self.nav_buttons: list[QPushButton] = []
        layout.addWidget(self.navigator)

        self.panel = ExamItemPanel(self.language)
        self.panel.image_dir = self.image_dir
        self.panel.setObjectName("examItemPanel")
        self.panel.answer_changed.connect(self._commit)
        self.panel.advance.connect(self.next_item)
        layout.addWidget(self.panel, 1)

        buttons = QHBoxLayout()
        self.prev_button = QPushButton(objectName="examPrevButton")
        self.prev_button.clicked.connect(self.previous_item)
        self.next_button = QPushButton(objectName="examNextButton")
        self.next_button.clicked.connect(self.next_item)
        self.clear_button = QPushButton(objectName="clearAnswerButton")
        self.clear_button.clicked.connect(self.panel.clear_answer)
        self.submit_button = QPushButton(objectName="submitExamButton")
        self.submit_button.clicked.connect(self.submit_exam)
        for widget in (self.prev_button, self.next_button, self.clear_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.submit_button)
        layout.addLayout(buttons)
        return page

    def _build_report(self) -> QWidget:
        page = QWidget(objectName="examReportPage")
        layout = QVBoxLayout(page)
        self.report_busy = QProgressBar(objectName="examReportBusy")
        self.report_busy.setRange(0, 0)
        self.report_busy.setMaximumHeight(6)
        self.report_busy.setTextVisible(False)
        self.report_busy.setVisible(False)
        layout.addWidget(self.report_busy)
        self.report_view = RichTextView(object_name="examReport")
        self.report_view.document().setDefaultStyleSheet(
            "th, td { padding: 3px 12px; } th { text-align: left; } table { margin: 4px 0; }")
        layout.addWidget(self.report_view, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.practise_missed_button = QPushButton(objectName="practiseMissedButton")
        self.practise_missed_button.clicked.connect(self._practise_missed)
        row.addWidget(self.practise_missed_button)
        self.new_exam_button = QPushButton(objectName="newExamButton")
        self.new_exam_button.clicked.connect(self.show_setup)
        row.addWidget(self.new_exam_button)
        layout.addLayout(row)
        return page

    # --- language ----------------------------------------------------------------------------
    def retranslate(self, language: str) -> None:
        self.language = language
        lang = language
        self.setup_title.setText(T("setup_title", lang))
        self.setup_intro.setText(T("setup_intro", lang))
        self.count_label.setText(T("count", lang))
        self.duration_label.setText(T("duration", lang))
        self.duration_spin.setSuffix(T("minutes_suffix", lang))
        self.seed_label.setText(T("seed", lang))
        self.new_seed_button.setText(T("new_seed", lang))
        self.seed_spin.setToolTip(T("seed_tip", lang))
        self.sections_box.setTitle(T("sections", lang))
        titles = self._section_titles()
        for section_id, box in self.section_boxes.items():
            title = titles.get(section_id)
            box.setText(title.get(lang) if title is not None else section_id)
            box.setAccessibleName(box.text())
        self.start_button.setText(T("start", lang))
        self.history_box.setTitle(T("history", lang))
        self.history.setHeaderLabels([T(k, lang) for k in ("history_date", "history_score", "history_items", "history_time", "history_seed")])
        self.history_empty.setText(T("history_empty", lang))
        self.prev_button.setText(T("previous", lang))
        self.next_button.setText(T("next", lang))
        self.clear_button.setText(T("clear", lang))
        self.submit_button.setText(T("submit", lang))
        self.new_exam_button.setText(T("new_exam", lang))
        self.practise_missed_button.setText(T("practise_missed", lang))
        for widget, name in ((self.count_spin, "count"), (self.duration_spin, "duration"), (self.seed_spin, "seed"),
                             (self.new_seed_button, "new_seed"), (self.start_button, "start"), (self.history, "history"),
                             (self.prev_button, "previous"), (self.next_button, "next"), (self.clear_button, "clear"),
                             (self.submit_button, "submit"), (self.new_exam_button, "new_exam"),
                             (self.report_view, "report_title"), (self.navigator, "navigator"),
                             (self.countdown, "countdown_name")):
            widget.setAccessibleName(T(name, lang))
        self._update_available_label()
        self.refresh_history()
        # the quiz panel keeps its own (hidden) buttons' strings
        if self.exam is not None and not self.exam.submitted:
            self._commit()
            self.panel.language = lang
            self.panel.retranslate(lang)
            self.run_title.setText(T("running_title", lang, seed=self.seed_used))
            self._show_position()
            self._update_countdown()
        else:
            self.panel.language = lang
        if self.report is not None:
            self._render_report(self.report)

    # --- setup ------------------------------------------------------------------------------
    def _count_edited(self, value: int) -> None:
        if not self._updating:
            self._wanted_count = value

    def _sections_changed(self) -> None:
        available = self.available_count()
        self._updating = True
        try:
            self.count_spin.setMaximum(max(1, available))
            self.count_spin.setValue(max(1, min(self._wanted_count, available)))
        finally:
            self._updating = False
        self.start_button.setEnabled(available > 0)
        self._update_available_label()

    def _update_available_label(self) -> None:
        self.available_label.setText(T("available", self.language, count=self.available_count()))

    def refresh_history(self) -> None:
        """Fill the history list from ``store.exams()``, newest first."""
        self.history.clear()
        records = list(self.store.exams()) if self.store is not None else []
        for record in reversed(records):
            percent = 100.0 * record.score / record.max_score if record.max_score else 0.0
            elapsed = int((record.finished - record.started).total_seconds())
            score = f"{percent:.0f}%" + (f" ({T('timed_out_mark', self.language)})" if record.timed_out else "")
            row = QTreeWidgetItem([
                record.finished.astimezone().strftime("%Y-%m-%d %H:%M"), score, str(int(record.max_score)),
                f"{elapsed // 60}:{elapsed % 60:02d}", "" if record.seed is None else str(record.seed),
            ])
            row.setData(0, Qt.ItemDataRole.UserRole, record.uuid)
            self.history.addTopLevelItem(row)
        for column in range(self.history.columnCount()):
            self.history.resizeColumnToContents(column)
        self.history.setVisible(bool(records))
        self.history_empty.setVisible(not records)

    def show_setup(self) -> None:
        self.timer.stop()
        self.refresh_history()
        self._sections_changed()
        self.stack.setCurrentWidget(self.setup_page)

    # --- running ------------------------------------------------------------------------------
    def start_exam(self) -> Exam | None:
        """Start an exam with the setup page's choices (also callable directly)."""
        seed = self.seed_spin.value()
        sections = self.selected_sections()
        chosen = select_exam_items(self.library, count=self.count_spin.value(), sections=sections, seed=seed,
                                   exclude_kinds=EXCLUDED_KINDS)
        instances = []
        for item in chosen:
            try:
                instances.append(instantiate(item, seed))
            except VariantError:
                continue  # a broken parameterized item must not break the exam
        if not instances:
            return None
        self.seed_used = seed
        self.report = None
        self.report_view.set_markdown("")
        self.exam = Exam(instances, duration_s=self.duration_spin.value() * 60.0, clock=self.clock, store=self.store,
                         recorder=self.recorder, seed=seed, schedule=self.schedule)
        self._build_navigator()
        self.run_title.setText(T("running_title", self.language, seed=seed))
        self.position = 0
        self.stack.setCurrentWidget(self.run_page)
        self._show_position()
        self._update_countdown()
        self.timer.start()
        self.started.emit(self.exam)
        return self.exam

    def _build_navigator(self) -> None:
        while self.navigator_layout.count():
            child = self.navigator_layout.takeAt(0)
            if child.widget() is not None:
                child.widget().setParent(None)
                child.widget().deleteLater()
        self.nav_buttons = []
        assert self.exam is not None
        for index in range(len(self.exam.items)):
            button = QPushButton(str(index + 1), objectName=f"examNav{index}")
            button.setFixedSize(max(36, button.fontMetrics().horizontalAdvance("000") + 16), button.fontMetrics().height() + 14)
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(lambda _checked=False, i=index: self.go_to(i))
            self.nav_buttons.append(button)
            self.navigator_layout.addWidget(button)
        self.navigator.updateGeometry()

    def _update_navigator(self) -> None:
        if self.exam is None:
            return
        for index, button in enumerate(self.nav_buttons):
            answered = self.exam.answer_of(index) is not None
            current = index == self.position
            style = ["border-radius: 4px; padding: 0px;"]
            if answered:
                style.append("background: palette(highlight); color: palette(highlighted-text); border: 1px solid palette(highlight);")
            else:
                style.append("border: 1px solid palette(mid);")
            if current:
                style.append("border: 3px solid palette(text); font-weight: bold;")
            button.setStyleSheet("QPushButton { " + " ".join(style) + " }")
            button.setAccessibleName(T("nav_answered" if answered else "nav_unanswered", self.language, number=index + 1))
            button.setToolTip(button.accessibleName())
        total = len(self.exam.items)
        self.answered_label.setText(T("answered_count", self.language, answered=self.exam.answered_count, total=total))

    def _show_position(self) -> None:
        exam = self.exam
        assert exam is not None
        item = exam.items[self.position]
        header = T("position", self.language, position=self.position + 1, total=len(exam.items),
                   section=self.section_title(item.section))
        self.panel.show_item(item, self.seed_used, header, exam.answer_of(self.position))
        self.prev_button.setEnabled(self.position > 0)
        self.next_button.setEnabled(self.position < len(exam.items) - 1)
        self._update_navigator()

    def _commit(self) -> None:
        """Store the shown item's answer in the exam (no judging)."""
        exam = self.exam
        if exam is None or exam.submitted or self.panel.instance is None:
            return
        try:
            exam.set_answer(self.position, self.panel.exam_answer())
        except ExamClosed:
            self._show_report(exam.report)  # the time ran out: it was submitted as it stood
            return
        self._update_navigator()

    def go_to(self, index: int) -> None:
        if self.exam is None or self.exam.submitted or not 0 <= index < len(self.exam.items):
            return
        self._commit()
        if self.exam.submitted:
            return
        self.position = index
        self._show_position()

    def next_item(self) -> None:
        self.go_to(self.position + 1)

    def previous_item(self) -> None:
        self.go_to(self.position - 1)

    def tick(self) -> None:
        """The timer's slot: refresh the countdown, auto-submit when the time is up."""
        exam = self.exam
        if exam is None or exam.submitted:
            self.timer.stop()
            return
        report = exam.tick()
        if report is not None:
            self._show_report(report)
        else:
            self._update_countdown()

    def _update_countdown(self) -> None:
        if self.exam is None:
            return
        remaining = self.exam.remaining_s()
        self.countdown.setText(format_clock(remaining))
        self.countdown.setStyleSheet(f"color: {RED};" if remaining <= WARNING_S else "")
        self.countdown.setAccessibleDescription(self.countdown.text())

    def remaining_text(self) -> str:
        return self.countdown.text()

    def _ask_confirmation(self, unanswered: int) -> bool:
        total = len(self.exam.items) if self.exam else 0
        box = QMessageBox(QMessageBox.Icon.Question, T("confirm_title", self.language),
                          T("confirm_text", self.language, count=unanswered, total=total),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("examConfirmSubmit")
        box.button(QMessageBox.StandardButton.Yes).setText(T("confirm_yes", self.language))
        box.button(QMessageBox.StandardButton.No).setText(T("confirm_no", self.language))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def submit_exam(self) -> ExamReport | None:
        """Submit (after confirming when items are unanswered); returns the report, or None if cancelled."""
        exam = self.exam
        if exam is None:
            return None
        self._commit()
        if exam.submitted:
            return exam.report
        unanswered = len(exam.items) - exam.answered_count
        if unanswered and not self.confirm_submit(unanswered):
            return None
        report = exam.submit()
        self._show_report(report)
        return report

    # --- report ------------------------------------------------------------------------------
    def _show_report(self, report: ExamReport | None) -> None:
        """Switch to the report at once; its math is typeset off the UI thread (a long report takes seconds)."""
        if report is None or report is self.report:
            return
        self.timer.stop()
        self.report = report
        self.panel.instance = None
        self.report_view.set_markdown(T("preparing_report", self.language))
        self.report_busy.setVisible(True)
        self.stack.setCurrentWidget(self.report_page)
        text = self.report_markdown(report)
        args = self.report_view.render_args()
        run_in_background(self, lambda: render_markdown(text, **args),
                          lambda rendered: self._report_rendered(report, text, rendered),
                          lambda error: self._report_rendered(report, text, None))

    def missed_ids(self) -> list[str]:
        """Items of the last report that were wrong or left unanswered, in exam order."""
        return [r.item_id for r in self.report.items if not r.correct] if self.report is not None else []

    def _practise_missed(self) -> None:
        if self.missed_ids():
            self.practise_items.emit("mistakes", self.missed_ids())

    def _report_rendered(self, report: ExamReport, text: str, rendered: Any) -> None:
        self.report_busy.setVisible(False)
        self.practise_missed_button.setEnabled(bool(self.missed_ids()))
        if report is not self.report:
            return  # a newer exam was started meanwhile
        if rendered is None:
            self.report_view.set_markdown(text)
        else:
            self.report_view.show_rendered(text, rendered)
        self.refresh_history()
        self.finished.emit(report)

    def _item(self, position: int, item_id: str) -> Item | None:
        if self.exam is not None and position < len(self.exam.items) and self.exam.items[position].id == item_id:
            return self.exam.items[position]
        found = self.library.item(item_id)
        if found is not None and found.parameterized and self.report is not None:
            try:
                return instantiate(found, self.report.seed or 0)
            except VariantError:
                return None
        return found

    def report_markdown(self, report: ExamReport) -> str:
        lang = self.language
        elapsed = int(report.elapsed_s)
        parts = [f"# {T('report_title', lang)}"]
        if report.timed_out:
            parts.append(f"**{T('report_timed_out', lang)}**")
        parts.append(T("report_overall", lang, percent=report.percent, score=_points(report.score),
                       total=_points(report.max_score), correct=report.correct, unanswered=report.unanswered))
        parts.append(T("report_time", lang, minutes=elapsed // 60, seconds=elapsed % 60,
                       limit=_points(report.duration_s / 60), seed=report.seed if report.seed is not None else "—"))
        parts.append(f"## {T('report_sections', lang)}")
        header = [T(k, lang) for k in ("col_section", "col_items", "col_correct", "col_score", "col_accuracy")]
        rows = ["| " + " | ".join(header) + " |", "|---|---:|---:|---:|---:|"]
        for section_id in sorted(report.by_section, key=self.section_title):
            s = report.by_section[section_id]
            rows.append(f"| {self.section_title(section_id)} | {s.items} | {s.correct} | {_points(s.score)} / {s.items} | {s.percent:.0f}% |")
        total = len(report.items)
        rows.append(f"| **{T('col_total', lang)}** | **{total}** | **{report.correct}** | **{_points(report.score)} / {_points(report.max_score)}** | **{report.percent:.0f}%** |")
        parts.append("\n".join(rows))
        parts.append(f"## {T('report_items', lang)}")
        for result in report.items:
            item = self._item(result.position, result.item_id)
            if not result.answered:
                status = T("status_unanswered", lang)
            elif result.correct:
                status = T("status_correct", lang)
            elif result.score > 0:
                status = T("status_partial", lang, percent=round(result.score * 100))
            else:
                status = T("status_wrong", lang)
            parts.append(f"### {result.position + 1}. {status} · {self.section_title(result.section)}")
            if item is None:
                parts.append(f"`{result.item_id}` {T('item_missing', lang)}")
                continue
            parts.append(item.prompt.get(lang))
            if item.kind == "cloze":
                template = BLANK.sub(lambda m: f"___({m.group(1)})___", item.template.get(lang)).rstrip("\n")
                parts.append("```\n" + template + "\n```")
            parts.append(f"- **{T('your_answer', lang)}:** {self._answer_text(item, result.answer if result.answered else None)}\n"
                         f"- **{T('right_answer', lang)}:** {self._right_text(item)}")
            explanation = item.explanation.get(lang)
            if explanation:
                parts.append(f"**{T('explanation', lang)}** {explanation}")
            parts.append("---")
        return "\n\n".join(parts)

    def _render_report(self, report: ExamReport) -> None:
        self.report_view.set_markdown(self.report_markdown(report))

    def _choice_text(self, item: Item, index: Any) -> str:
        try:
            return item.choices[int(index)].text.get(self.language)
        except (TypeError, ValueError, IndexError):
            return _code(str(index))

    def _answer_text(self, item: Item, answer: Any) -> str:
        lang = self.language
        if answer is None:
            return T("no_answer", lang)
        if item.kind == "single":
            return self._choice_text(item, answer)
        if item.kind == "multi":
            return "".join(f"\n  - {self._choice_text(item, a)}" for a in sorted(answer)) or T("no_answer", lang)
        if item.kind == "truefalse":
            return QUIZ_T("true" if answer else "false", lang)
        if item.kind in ("numeric", "text"):
            return _code(answer) + (f" {item.unit}" if item.kind == "numeric" and item.unit else "")
        if item.kind == "cloze":
            shown = []
            for blank, value in zip(item.blanks, list(answer) + [None] * (len(item.blanks) - len(answer))):
                if value is None or (isinstance(value, str) and not value.strip()):
                    text = T("no_answer", lang)
                elif blank.is_choice:
                    text = _code(blank.options[value].get(lang)) if isinstance(value, int) and 0 <= value < len(blank.options) else _code(value)
                else:
                    text = _code(value)
                shown.append(f"({blank.number}) {text}")
            return " · ".join(shown)
        return _code(answer)

    def _right_text(self, item: Item) -> str:
        lang = self.language
        if item.kind == "single":
            return self._choice_text(item, item.answer)
        if item.kind == "multi":
            return "".join(f"\n  - {self._choice_text(item, a)}" for a in sorted(item.answer))
        if item.kind == "truefalse":
            return QUIZ_T("true" if item.answer else "false", lang)
        if item.kind == "numeric":
            return _code(format_value(float(item.answer))) + (f" {item.unit}" if item.unit else "")
        if item.kind == "text":
            return _code(item.accept[0] if item.accept else (item.regex[0] if item.regex else ""))
        if item.kind == "cloze":
            return " · ".join(f"({b.number}) {_code(blank_answer_text(b, lang))}" for b in item.blanks)
        return ""

    # --- lifecycle -------------------------------------------------------------------------
    def hideEvent(self, event) -> None:  # noqa: N802 - keep the answer typed last
        self._commit()
        super().hideEvent(event)


__all__ = ["ExamView", "ExamItemPanel", "format_clock", "T"]
