"""Quiz view: one item at a time from a study session, every item kind, keyboard-driven.

Keys: 1–9 pick a choice, Enter submits and Enter again goes on. After
submitting the learner sees right/wrong, the score, per-choice feedback and
the explanation, and can mark the item for review.
"""
from __future__ import annotations

import random
import re
import time
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from studyapp.content.judging import Verdict, blank_answer_text, judge
from studyapp.content.model import Item
from studyapp.content.plaintext import markdown_to_text
from studyapp.content.variants import instantiate
from studyapp.ui.flow_layout import FlowLayout
from studyapp.ui.i18n import Catalog
from studyapp.ui.mathimage import add_markdown_items
from studyapp.paths import cache_dir
from studyapp.ui.quiz_feedback import AfterAnswerMixin, T as TF
from studyapp.ui.richtext import RichTextView, render_for

T = Catalog(
    "quiz",
    {
        "submit": {"en": "Submit (Enter)", "ja": "解答する (Enter)"},
        "next": {"en": "Next (Enter)", "ja": "次へ (Enter)"},
        "skip": {"en": "Skip", "ja": "スキップ"},
        "hint": {"en": "Hint", "ja": "ヒント"},
        "mark": {"en": "Mark for review", "ja": "復習用にマーク"},
        "true": {"en": "True", "ja": "正しい"},
        "false": {"en": "False", "ja": "誤り"},
        "correct": {"en": "✔ Correct", "ja": "✔ 正解"},
        "incorrect": {"en": "✘ Incorrect", "ja": "✘ 不正解"},
        "partial": {"en": "◐ Partly right: {percent}%", "ja": "◐ 部分正解: {percent}%"},
        "expected": {"en": "Expected: {answer}", "ja": "正答: {answer}"},
        "explanation": {"en": "Explanation", "ja": "解説"},
        "position": {"en": "{title} · {position} / {total}", "ja": "{title} · {position} / {total}"},
        "placeholder": {"en": "Type your answer", "ja": "答えを入力"},
        "choose": {"en": "choose…", "ja": "選択…"},
        "open_exercise": {"en": "Open the code exercise", "ja": "コード課題を開く"},
        "code_item": {"en": "This item is a code exercise: write it in the editor and grade it.", "ja": "この問題はコード課題です。エディタで実装して採点してください。"},
        "summary_title": {"en": "Session complete", "ja": "セッション終了"},
        "summary_score": {"en": "Score: **{score:.0f}%** ({right} right of {answered} answered, {skipped} skipped) in {minutes} min {seconds} s",
                          "ja": "得点: **{score:.0f}%**（解答 {answered} 問中 {right} 問正解、スキップ {skipped} 問）、所要 {minutes} 分 {seconds} 秒"},
        "summary_sections": {"en": "By section", "ja": "セクション別"},
        "summary_revisit": {"en": "To revisit", "ja": "復習すべき問題"},
        "summary_none": {"en": "Nothing to revisit — well done.", "ja": "復習すべき問題はありません。よくできました。"},
        "empty": {"en": "Nothing to study here right now.", "ja": "いま学習する問題はありません。"},
        "kind_single": {"en": "Choose one", "ja": "1つ選択"},
        "kind_multi": {"en": "Choose all that apply", "ja": "当てはまるものをすべて選択"},
        "kind_truefalse": {"en": "True or false", "ja": "正誤"},
        "kind_numeric": {"en": "Numeric answer", "ja": "数値で解答"},
        "kind_text": {"en": "Short answer", "ja": "記述"},
        "kind_cloze": {"en": "Fill in the blanks", "ja": "穴埋め"},
        "kind_code": {"en": "Code exercise", "ja": "コード課題"},
    },
)

BLANK = re.compile(r"\{\{\s*(\d+)\s*\}\}")
MATH_OR_WORD = re.compile(r"\$\$.+?\$\$|\$[^$]+\$|\S+")


class ChoiceButton(QPushButton):
    """A checkable button whose label is rich text (so choices can hold math)."""

    def __init__(self, number: int, html: str, plain: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCheckable(True)
        self.setObjectName(f"choice{number - 1}")
        self.setAccessibleName(f"{number}. {plain}")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.number = number
        self.picked_state: tuple[str, bool] = ("", False)
        self.number_label = QLabel(f"<b>{number}</b>")
        self.number_label.setFixedWidth(22)
        self.text_label = QLabel(html)
        self.text_label.setTextFormat(Qt.TextFormat.RichText)
        self.text_label.setWordWrap(True)
        for label in (self.number_label, self.text_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)
        layout.setStretch(1, 1)
        self.plain = plain

    def sizeHint(self):  # noqa: N802 - grow with the wrapped label
        hint = super().sizeHint()
        label = self.text_label.sizeHint()
        hint.setHeight(max(hint.height(), label.height() + 14))
        return hint

    def mark(self, state: str, picked: bool = False) -> None:
        """After judging: 'right' (green), 'wrong' (red, struck through) or ''; ``picked`` keeps the learner's tick."""
        colors = {"right": "#2e7d32", "wrong": "#c62828"}
        style = "solid" if picked else "dashed"
        self.setStyleSheet(f"QPushButton {{ border: 3px {style} {colors[state]}; border-radius: 4px; }}" if state else "")
        glyph = {("right", True): "✔", ("wrong", True): "✘", ("right", False): "○"}.get((state, picked), "")
        self.number_label.setText(f"<b>{self.number}</b>{glyph}")
        self.number_label.setFixedWidth(40)
        font = self.text_label.font()
        font.setStrikeOut(state == "wrong" and picked)
        self.text_label.setFont(font)
        self.picked_state = (state, picked)


class QuizView(AfterAnswerMixin, QWidget):
    """Shows the items of a :class:`~studyapp.progress.session.StudySession`."""

    answered = Signal(str, float)
    finished = Signal(object)
    open_exercise = Signal(str)
    review_items = Signal(str, list)
    """``(kind, item ids)`` from the summary's "review the ones I missed"."""
    go_home = Signal()
    next_section = Signal()
    """The summary's "next section" (a practised section's session only)."""

    def __init__(self, store: Any = None, recorder: Any = None, language: str = "en", image_dir: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.recorder = recorder
        self.language = language
        self.image_dir = image_dir
        self.session: Any = None
        self.code_grader: Callable[[], Any] | None = None
        """Gives the sandboxed grader: typed code blanks whose text differs are then judged by running them."""
        self.session_title = ""
        self.section_titles: dict[str, str] = {}
        self.instance: Item | None = None
        self.verdict: Verdict | None = None
        self.display_order: list[int] = []
        self.choice_buttons: list[ChoiceButton] = []
        self.blank_inputs: list[QWidget] = []
        self.hint_used = False
        self.hints_shown = 0
        self.shown_at = time.monotonic()
        self._build()

    # --- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.header = QLabel(objectName="quizHeader")
        self.progress = QProgressBar(objectName="quizProgress")
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(6)
        outer.addWidget(self.header)
        outer.addWidget(self.progress)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self.body_layout = QVBoxLayout(body)
        self.kind_label = QLabel(objectName="kindLabel")
        self.kind_label.setStyleSheet("color: palette(placeholder-text);")
        self.question = RichTextView(object_name="questionText", auto_height=True)
        self.question.setAccessibleName("Question")
        self.answer_area = QWidget(objectName="answerArea")
        self.answer_layout = QVBoxLayout(self.answer_area)
        self.answer_layout.setContentsMargins(0, 0, 0, 0)
        self.diff_label = QLabel(objectName="answerDiff")
        self.diff_label.setTextFormat(Qt.TextFormat.RichText)
        self.diff_label.setWordWrap(True)
        self.diff_label.setVisible(False)
        self.interval_label = QLabel(objectName="nextReviewLabel")
        self.interval_label.setStyleSheet("color: palette(placeholder-text);")
        self.interval_label.setVisible(False)
        self.feedback = RichTextView(object_name="feedbackText", auto_height=True)
        self.feedback.setAccessibleName("Feedback")
        self.feedback.setStyleSheet("QTextBrowser { background: palette(alternate-base); border-radius: 6px; }")
        self.body_layout.addWidget(self.kind_label)
        self.body_layout.addWidget(self.question)
        self.body_layout.addWidget(self.answer_area)
        self.body_layout.addWidget(self.diff_label)
        self.body_layout.addWidget(self.interval_label)
        self.body_layout.addWidget(self.feedback)
        self.body_layout.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        buttons = QHBoxLayout()
        self.hint_button = QPushButton(objectName="hintButton", clicked=self._show_hint)
        self.mark_box = QCheckBox(objectName="markButton", toggled=self._toggle_mark)
        self.skip_button = QPushButton(objectName="skipButton", clicked=self.skip)
        self.submit_button = QPushButton(objectName="submitButton", clicked=self.submit)
        self.next_button = QPushButton(objectName="nextButton", clicked=self.next)
        self.right_button = QPushButton(objectName="iWasRightButton", clicked=self.i_was_right)
        self.undo_button = QPushButton(objectName="undoButton", clicked=self.undo)
        self.mistakes_button = QPushButton(objectName="reviewMissedButton", clicked=self._review_missed)
        self.home_button = QPushButton(objectName="backHomeButton", clicked=lambda: self.go_home.emit())
        self.next_section_button = QPushButton(objectName="nextSectionButton", clicked=lambda: self.next_section.emit())
        for widget in (self.hint_button, self.mark_box, self.undo_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        for widget in (self.mistakes_button, self.next_section_button, self.home_button, self.right_button, self.skip_button,
                       self.submit_button, self.next_button):
            buttons.addWidget(widget)
        for widget in (self.right_button, self.mistakes_button, self.home_button, self.next_section_button):
            widget.setVisible(False)
        outer.addLayout(buttons)
        self.retranslate(self.language)
        self._set_idle()

    def retranslate(self, language: str) -> None:
        self.language = language
        self.hint_button.setText(T("hint", language))
        self.mark_box.setText(T("mark", language))
        self.skip_button.setText(T("skip", language))
        self.submit_button.setText(T("submit", language))
        self.next_button.setText(T("next", language))
        self.right_button.setText(TF("i_was_right", language))
        self.undo_button.setText(TF("undo", language))
        self.mistakes_button.setText(TF("review_mistakes", language))
        self.home_button.setText(TF("back_home", language))
        self.next_section_button.setText(TF("next_section", language))
        for button, name in ((self.submit_button, "Submit"), (self.next_button, "Next"), (self.skip_button, "Skip"), (self.hint_button, "Hint")):
            button.setAccessibleName(name)
        self.mark_box.setAccessibleName("Mark for review")
        if self.session is not None:
            if self.session.finished:
                self._show_summary()
            elif self.instance is not None and self.verdict is None:
                self._show_current()

    def _set_idle(self) -> None:
        self.header.setText("")
        self.question.set_markdown(T("empty", self.language))
        for button in (self.submit_button, self.next_button, self.skip_button, self.hint_button):
            button.setEnabled(False)
        self.mark_box.setEnabled(False)
        self.undo_button.setEnabled(False)

    # --- session flow ----------------------------------------------------------------------
    def start(self, session: Any, title: str = "", section_titles: dict[str, str] | None = None) -> None:
        """Run ``session``; ``section_titles`` (id -> title) names the sections in the summary."""
        self.session = session
        self.session_title = title
        self.section_titles = dict(section_titles or {})
        if session.finished or session.current() is None:
            self._set_idle()
            return
        self._show_current()

    def _show_current(self) -> None:
        item = self.session.current()
        if item is None:
            self._show_summary()
            return
        seed = len(self.store.attempts(item.id)) if self.store is not None else 0
        self.instance = instantiate(item, seed)
        self.verdict = None
        self.hint_used = False
        self.hints_shown = 0
        self.shown_at = time.monotonic()
        for widget in (self.diff_label, self.interval_label, self.right_button, self.mistakes_button, self.home_button,
                       self.next_section_button):
            widget.setVisible(False)
        self.undo_button.setEnabled(bool(getattr(self.session, "can_undo", False)))
        lang = self.language
        self.header.setText(T("position", lang, title=self.session_title, position=self.session.position + 1, total=self.session.total))
        self.progress.setMaximum(max(1, self.session.total))
        self.progress.setValue(self.session.position)
        self.kind_label.setText(T(f"kind_{item.kind}", lang))
        prompt = self.instance.prompt.get(lang)
        self.question.set_markdown(prompt)
        self.feedback.set_markdown("")
        self.feedback.setVisible(False)
        self._build_answer_widgets(self.instance, seed)
        self.submit_button.setEnabled(item.kind != "code")
        self.next_button.setEnabled(False)
        self.skip_button.setEnabled(True)
        self.hint_button.setEnabled(bool(self.instance.hints))
        self._update_hint_button()
        self.mark_box.setEnabled(True)
        self.mark_box.blockSignals(True)
        self.mark_box.setChecked(bool(self.store and self.store.is_bookmarked(item.id)))
        self.mark_box.blockSignals(False)
        self._focus_first_input()

    def _clear_answer_widgets(self) -> None:
        _delete_layout(self.answer_layout)
        self.choice_buttons = []
        self.blank_inputs = []
        self.answer_input: QLineEdit | None = None

    def _rich(self, text: str) -> str:
        image_dir = self.image_dir if self.image_dir is not None else cache_dir() / "math"
        return render_for(self, text, QPalette.ColorRole.ButtonText, image_dir=image_dir, inline=True).html

    def _build_answer_widgets(self, item: Item, seed: int) -> None:
        self._clear_answer_widgets()
        lang = self.language
        if item.kind in ("single", "multi"):
            self.display_order = list(range(len(item.choices)))
            if item.shuffle:
                random.Random(f"{item.id}:{seed}:order").shuffle(self.display_order)
            for number, original in enumerate(self.display_order, start=1):
                text = item.choices[original].text.get(lang)
                self._add_choice(number, self._rich(text), markdown_to_text(text), exclusive=item.kind == "single")
        elif item.kind == "truefalse":
            self.display_order = [0, 1]
            for number, key in ((1, "true"), (2, "false")):
                self._add_choice(number, T(key, lang), T(key, lang), exclusive=True)
        elif item.kind in ("numeric", "text"):
            row = QHBoxLayout()
            self.answer_input = QLineEdit(objectName="answerInput")
            self.answer_input.setAccessibleName("Answer")
            self.answer_input.setPlaceholderText(T("placeholder", lang))
            row.addWidget(self.answer_input, 1)
            if item.unit:
                row.addWidget(QLabel(item.unit))
            self.answer_layout.addLayout(row)
        elif item.kind == "cloze":
            self.answer_layout.addWidget(self._cloze_widget(item))
        elif item.kind == "code":
            note = QLabel(T("code_item", lang))
            note.setWordWrap(True)
            button = QPushButton(T("open_exercise", lang), objectName="openExerciseButton")
            button.clicked.connect(lambda: self.open_exercise.emit(item.exercise))
            self.answer_layout.addWidget(note)
            self.answer_layout.addWidget(button)

    def _add_choice(self, number: int, html: str, plain: str, exclusive: bool) -> None:
        button = ChoiceButton(number, html, plain)
        if exclusive:
            button.clicked.connect(lambda checked, b=button: self._select_exclusive(b))
        self.choice_buttons.append(button)
        self.answer_layout.addWidget(button)

    def _select_exclusive(self, chosen: ChoiceButton) -> None:
        for button in self.choice_buttons:
            button.setChecked(button is chosen)

    def _cloze_widget(self, item: Item) -> QWidget:
        """The template with an input in place of each blank: code line by line, prose as flowing words."""
        frame = QFrame(objectName="clozeFrame")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        template = item.template.get(self.language)
        inputs: dict[int, QWidget] = {}
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)

        def blank_widget(number: int) -> QWidget:
            blank = item.blanks[number - 1]
            if blank.is_choice:
                combo = QComboBox(objectName=f"blank{number}")
                combo.addItem(T("choose", self.language), None)
                add_markdown_items(combo, [(option.get(self.language), index) for index, option in enumerate(blank.options)])
                widget: QWidget = combo
            else:
                edit = QLineEdit(objectName=f"blank{number}")
                expected = max((len(a) for a in blank.accept), default=6)
                edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("m") * min(max(expected, 4) + 2, 40))
                if item.code_language:
                    edit.setFont(mono)
                widget = edit
            widget.setAccessibleName(f"Blank {number}")
            inputs[number] = widget
            return widget

        if item.code_language:
            column = QVBoxLayout(frame)
            column.setSpacing(2)
            for line in template.rstrip("\n").split("\n"):
                row = QHBoxLayout()
                row.setSpacing(0)
                position = 0
                for match in BLANK.finditer(line):
                    row.addWidget(self._code_label(line[position:match.start()], mono))
                    row.addWidget(blank_widget(int(match.group(1))))
                    position = match.end()
                row.addWidget(self._code_label(line[position:], mono))
                row.addStretch(1)
                column.addLayout(row)
        else:
            flow = FlowLayout(frame)
            position = 0
            for match in BLANK.finditer(template):
                self._add_words(flow, template[position:match.start()])
                flow.addWidget(blank_widget(int(match.group(1))))
                position = match.end()
            self._add_words(flow, template[position:])
        self.blank_inputs = [inputs[n] for n in sorted(inputs)]
        return frame

    def _code_label(self, text: str, font) -> QLabel:
        label = QLabel(text)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setFont(font)
        return label

    def _add_words(self, flow: FlowLayout, text: str) -> None:
        for word in MATH_OR_WORD.findall(text):
            label = QLabel(self._rich(word) if "$" in word or "*" in word or "`" in word else word)
            label.setTextFormat(Qt.TextFormat.RichText if "<" in label.text() else Qt.TextFormat.PlainText)
            flow.addWidget(label)

    def _focus_first_input(self) -> None:
        if self.answer_input is not None:
            self.answer_input.setFocus()
        elif self.blank_inputs:
            self.blank_inputs[0].setFocus()
        else:
            self.setFocus()

    # --- answering ---------------------------------------------------------------------------
    def current_answer(self) -> Any:
        """The learner's answer in the form the judge takes (original choice indices)."""
        item = self.instance
        assert item is not None
        if item.kind == "single":
            picked = [self.display_order[i] for i, b in enumerate(self.choice_buttons) if b.isChecked()]
            return picked[0] if picked else None
        if item.kind == "multi":
            return [self.display_order[i] for i, b in enumerate(self.choice_buttons) if b.isChecked()]
        if item.kind == "truefalse":
            picked = [i for i, b in enumerate(self.choice_buttons) if b.isChecked()]
            return None if not picked else picked[0] == 0
        if item.kind in ("numeric", "text"):
            return self.answer_input.text() if self.answer_input else ""
        if item.kind == "cloze":
            return [w.currentData() if isinstance(w, QComboBox) else w.text() for w in self.blank_inputs]
        return None

    def submit_or_next(self) -> None:
        if self.verdict is None:
            self.submit()
        else:
            self.next()

    def submit(self) -> None:
        if self.instance is None or self.verdict is not None or self.instance.kind == "code":
            return
        answer = self.current_answer()
        verdict = judge(self.instance, answer)
        if not verdict.invalid_input and not verdict.correct and self.code_grader is not None:
            from studyapp.grading.blanks import judge_code_cloze, runnable_exercise

            grader = self.code_grader() if runnable_exercise(self.instance) else None
            if grader is not None:
                verdict = judge_code_cloze(grader, self.instance, answer, self.language)
        if verdict.invalid_input:
            self.feedback.setVisible(True)
            self.feedback.set_markdown("\n\n".join(f.get(self.language) for f in verdict.feedback))
            return
        self.verdict = verdict
        seconds = time.monotonic() - self.shown_at
        self.session.answer(answer, judged_score=verdict, seconds=seconds, hint_used=self.hint_used)
        self.last_answer = answer
        self._show_verdict(verdict)
        self._show_after_answer(answer, verdict)
        self.answered.emit(self.instance.id, verdict.score)

    def _show_verdict(self, verdict: Verdict) -> None:
        item = self.instance
        assert item is not None
        lang = self.language
        if verdict.status == "correct":
            parts = [f"### {T('correct', lang)}"]
        elif verdict.status == "partial":
            parts = [f"### {T('partial', lang, percent=round(verdict.score * 100))}"]
        else:
            parts = [f"### {T('incorrect', lang)}"]
        if not verdict.correct:
            parts.append(T("expected", lang, answer=self._expected_text(item)))
        parts += self._feedback_lines(item, verdict)
        parts.append(f"#### {T('explanation', lang)}\n\n{item.explanation.get(lang)}")
        self.feedback.set_markdown("\n\n".join(parts))
        self.feedback.setVisible(True)
        self._mark_choices(item)
        for button in self.choice_buttons:  # frozen but still readable (disabled text would be grey)
            button.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for widget in self.blank_inputs:
            widget.setEnabled(False)
        if self.answer_input is not None:
            self.answer_input.setReadOnly(True)
        self.submit_button.setEnabled(False)
        self.skip_button.setEnabled(False)
        self.next_button.setEnabled(True)
        self.next_button.setFocus()

    def _expected_text(self, item: Item) -> str:
        lang = self.language
        if item.kind == "single":
            return f"{self.display_order.index(item.answer) + 1}. {item.choices[item.answer].text.get(lang)}"
        if item.kind == "multi":
            return ", ".join(str(self.display_order.index(a) + 1) for a in sorted(item.answer, key=self.display_order.index))
        if item.kind == "truefalse":
            return T("true" if item.answer else "false", lang)
        if item.kind == "numeric":
            return self.verdict.expected if self.verdict else ""
        if item.kind == "text":
            return item.accept[0]
        if item.kind == "cloze":
            return " · ".join(f"({b.number}) `{blank_answer_text(b, lang)}`" for b in item.blanks)
        return ""

    def _mark_choices(self, item: Item) -> None:
        if item.kind in ("single", "multi"):
            right = {item.answer} if item.kind == "single" else set(item.answer)
            for display, button in enumerate(self.choice_buttons):
                original = self.display_order[display]
                picked = button.isChecked()
                button.mark("right" if original in right else ("wrong" if picked else ""), picked)
        elif item.kind == "truefalse":
            right_index = 0 if item.answer else 1
            for index, button in enumerate(self.choice_buttons):
                picked = button.isChecked()
                button.mark("right" if index == right_index else ("wrong" if picked else ""), picked)
        elif item.kind == "cloze" and self.verdict is not None:
            for widget, score in zip(self.blank_inputs, self.verdict.blank_scores):
                color = "#2e7d32" if score >= 1 else "#c62828"
                widget.setStyleSheet(f"border: 2px solid {color};")

    def next(self) -> None:
        if self.session is None:
            return
        self.session.next()
        if self.session.finished:
            self._show_summary()
        else:
            self._show_current()

    def skip(self) -> None:
        if self.session is None or self.verdict is not None:
            return
        self.session.skip()
        if self.session.finished:
            self._show_summary()
        else:
            self._show_current()

    def _show_hint(self) -> None:
        if self.instance is None or not self.instance.hints:
            return
        hints = self.instance.hints
        if self.hints_shown >= len(hints):
            return
        self.hint_used = True  # recorded with the answer: a right answer after a hint is rated Hard
        self.hints_shown += 1
        self.feedback.setVisible(True)
        self.feedback.set_markdown("\n\n".join(TF("hint_line", self.language, n=n, text=h.get(self.language))
                                                for n, h in enumerate(hints[: self.hints_shown], start=1)))
        self._update_hint_button()

    def _update_hint_button(self) -> None:
        hints = self.instance.hints if self.instance is not None else ()
        if not hints:
            self.hint_button.setText(T("hint", self.language))
            return
        self.hint_button.setText(TF("hint_n", self.language, n=min(self.hints_shown + 1, len(hints)), total=len(hints)))
        self.hint_button.setEnabled(self.verdict is None and self.hints_shown < len(hints))

    def _toggle_mark(self, marked: bool) -> None:
        if self.store is not None and self.instance is not None:
            self.store.set_bookmark(self.instance.id, marked)

    def _show_summary(self) -> None:
        summary = self.session.summary()
        lang = self.language
        self.instance = None
        self._clear_answer_widgets()
        self.kind_label.setText("")
        self.header.setText(self.session_title)
        self.progress.setValue(self.progress.maximum())
        total_seconds = int(summary.elapsed_seconds)
        parts = [
            f"# {T('summary_title', lang)}",
            T("summary_score", lang, score=summary.accuracy * 100, right=summary.correct, answered=summary.answered,
              skipped=summary.skipped, minutes=total_seconds // 60, seconds=total_seconds % 60),
        ]
        if summary.by_section:
            parts.append(f"### {T('summary_sections', lang)}")
            parts.append("\n".join(f"- {self.section_titles.get(name, name)}: {s.correct}/{s.answered} ({s.accuracy * 100:.0f}%)"
                                   for name, s in summary.by_section.items()))
        parts.append(f"### {TF('summary_items', lang)}")
        parts.append(self._summary_rows(summary))
        if not summary.revisit:
            parts.append(T("summary_none", lang))
        self.question.set_markdown("\n\n".join(parts))
        self.feedback.setVisible(False)
        for widget in (self.diff_label, self.interval_label, self.right_button):
            widget.setVisible(False)
        for button in (self.submit_button, self.next_button, self.skip_button, self.hint_button):
            button.setEnabled(False)
        self.mark_box.setEnabled(False)
        self.missed_ids = [o.item_id for o in summary.outcomes if not o.skipped and not o.correct]
        self.mistakes_button.setVisible(bool(self.missed_ids))
        self.home_button.setVisible(True)
        self.next_section_button.setVisible(self.session.kind == "practice")
        self.finished.emit(summary)

    # --- keyboard ------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if self.loop_key(event):
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit_or_next()
            return
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and self.choice_buttons and self.verdict is None:
            index = key - Qt.Key.Key_1
            if index < len(self.choice_buttons):
                self.choice_buttons[index].click()
            return
        super().keyPressEvent(event)


def _delete_layout(layout) -> None:
    """Empty a layout; widgets are detached at once (so lookups by name never find stale ones)."""
    while layout.count():
        child = layout.takeAt(0)
        widget = child.widget()
        if widget is not None:
            widget.setParent(None)
            widget.deleteLater()
        elif child.layout() is not None:
            inner = child.layout()
            _delete_layout(inner)
            inner.deleteLater()

