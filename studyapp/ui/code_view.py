"""Code exercise view: statement beside an editor; grading runs off the UI thread.

The grader (a zygote process forking one sandboxed child per run) is called
from a worker thread; its verdict comes back through a queued Qt signal, so
the window keeps repainting even while an infinite loop runs to its time
limit. Drafts autosave to the progress store half a second after typing
stops, and on every switch away, so nothing typed is lost.
"""
from __future__ import annotations

import html
import logging
import re
import threading
import time
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from studyapp.content.model import Exercise
from studyapp.grading.verdict import printable
from studyapp.desktop import current_log_file
from studyapp.grading.backend import BackendUnavailable
from studyapp.ui.code_editor import CodeEditor
from studyapp.ui.i18n import Catalog
from studyapp.ui.richtext import RichTextView

T = Catalog(
    "code",
    {
        "grade": {"en": "Grade (Ctrl+Enter)", "ja": "採点 (Ctrl+Enter)"},
        "cancel": {"en": "Cancel", "ja": "中止"},
        "reset": {"en": "Reset to starter", "ja": "初期コードに戻す"},
        "reset_confirm": {"en": "Replace your code with the starter code?", "ja": "いまのコードを初期コードに置き換えますか？"},
        "reveal": {"en": "Show solution", "ja": "解答例を表示"},
        "reveal_locked": {"en": "The solution unlocks after you pass or after {n} failed attempts.",
                          "ja": "解答例は合格するか、{n} 回不合格になると表示できます。"},
        "solution": {"en": "Reference solution", "ja": "解答例"},
        "hints": {"en": "Hints", "ja": "ヒント"},
        "hint_button": {"en": "Hint {n}/{total}", "ja": "ヒント {n}/{total}"},
        "no_more_hints": {"en": "All hints shown", "ja": "ヒントはすべて表示済み"},
        "grading": {"en": "Grading…", "ja": "採点中…"},
        "passed": {"en": "Passed", "ja": "合格"},
        "failed": {"en": "Failed", "ja": "不合格"},
        "error": {"en": "Error", "ja": "エラー"},
        "cancelled": {"en": "Error: the run was cancelled.", "ja": "エラー: 採点を中止しました。"},
        "cases": {"en": "{passed} of {total} cases passed · {ms:.0f} ms", "ja": "{total} ケース中 {passed} ケース合格 · {ms:.0f} ms"},
        "first_mismatch": {"en": "First problem", "ja": "最初の不一致"},
        "diagnosis": {"en": "Known mistake: {message}", "ja": "よくある間違い: {message}"},
        "example": {"en": "Visible example", "ja": "公開されている例"},
        "inputs": {"en": "Inputs", "ja": "入力"},
        "expected": {"en": "Expected", "ja": "期待される出力"},
        "got": {"en": "Your output", "ja": "あなたの出力"},
        "stdout": {"en": "Printed output", "ja": "print の出力"},
        "traceback": {"en": "Traceback (line {line} is highlighted in the editor)", "ja": "トレースバック（エディタの {line} 行目を強調表示）"},
        "traceback_plain": {"en": "Traceback", "ja": "トレースバック"},
        "all_cases": {"en": "All cases", "ja": "全ケース"},
        "draft_saved": {"en": "Draft saved", "ja": "下書きを保存しました"},
        "kind_syntax_error": {"en": "syntax error", "ja": "構文エラー"},
        "kind_exception": {"en": "exception", "ja": "例外"},
        "kind_timeout": {"en": "time limit exceeded", "ja": "時間制限超過"},
        "kind_memory_limit": {"en": "memory limit exceeded", "ja": "メモリ制限超過"},
        "kind_crashed": {"en": "the process crashed", "ja": "プロセスが異常終了"},
        "kind_output_limit": {"en": "too much printed output", "ja": "出力が多すぎます"},
        "kind_missing_function": {"en": "function not defined", "ja": "関数が定義されていません"},
        "kind_cancelled": {"en": "cancelled", "ja": "中止"},
        "kind_disk_limit": {"en": "disk limit exceeded", "ja": "ディスク容量の上限を超えました"},
        "sandbox_failed": {"en": "Some sandbox layers could not be applied on this computer: {layers}. "
                                 "Your code still ran, with less isolation.",
                           "ja": "このコンピュータでは一部のサンドボックス層を適用できませんでした: {layers}。"
                                 "コードは隔離が弱い状態で実行されました。"},
        "unavailable_no_backend": {
            "en": "Code grading cannot start on this computer: no grading helper process could be started, "
                  "so your code was not run. Your draft is saved.",
            "ja": "このコンピュータではコードの採点を開始できません。採点用の補助プロセスを起動できなかったため、"
                  "コードは実行されていません。下書きは保存されています。"},
        "unavailable_forced_linux": {
            "en": "Code grading cannot start: STUDYAPP_GRADER_BACKEND=linux asks for the Linux sandbox, which cannot "
                  "run here. Unset it (or set it to auto) to use the portable grader. Your draft is saved.",
            "ja": "コードの採点を開始できません。STUDYAPP_GRADER_BACKEND=linux により Linux 用サンドボックスが指定されていますが、"
                  "この環境では動きません。この変数を削除するか auto にすると、ポータブル版の採点を使えます。下書きは保存されています。"},
        "unavailable_details": {"en": "Technical details", "ja": "技術的な詳細"},
        "unavailable_log": {"en": "The details are also in the log: [{path}]({url})",
                            "ja": "詳細はログにも記録されています: [{path}]({url})"},
    },
)

REVEAL_AFTER_FAILS = 3


class _GradeRelay(QObject):
    """Carries a verdict from the worker thread to the UI thread (queued signal)."""

    done = Signal(int, object)


class CodeExerciseView(QWidget):
    """One code exercise: statement, hints, editor, grading and the verdict."""

    graded = Signal(object)

    def __init__(self, grader: Any, store: Any = None, recorder: Any = None, language: str = "en",
                 reveal_policy: str = "pass_or_3_fails", dark: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grader = grader
        self.store = store
        self.recorder = recorder
        self.language = language
        self.reveal_policy = reveal_policy
        self.exercise: Exercise | None = None
        self.last_verdict: Any = None
        self._sandbox_notice_shown = False
        self._run_id = 0
        self._running = False
        self._started_at = 0.0
        self._relay = _GradeRelay()
        self._relay.done.connect(self._on_verdict)
        self._autosave = QTimer(self, singleShot=True, interval=500, timeout=self.save_draft)
        self._dark = dark
        self._build()

    def _build(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.statement = RichTextView(object_name="statementText")
        self.statement.setAccessibleName("Exercise statement")
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        self.editor = CodeEditor(dark=self._dark)
        self.editor.textChanged.connect(self._on_edit)
        buttons = QHBoxLayout()
        self.grade_button = QPushButton(objectName="gradeButton", clicked=self.grade)
        self.cancel_button = QPushButton(objectName="cancelGradeButton", clicked=self.cancel)
        self.reset_button = QPushButton(objectName="resetButton", clicked=self.reset_to_starter)
        self.reveal_button = QPushButton(objectName="revealButton", clicked=self.reveal_solution)
        self.hint_button = QPushButton(objectName="codeHintButton", clicked=self.show_next_hint)
        self.hints_shown: dict[str, int] = {}
        self.busy = QProgressBar(objectName="gradingBusy")
        self.busy.setRange(0, 0)  # indeterminate
        self.busy.setMaximumWidth(120)
        self.busy.setVisible(False)
        self.saved_label = QLabel(objectName="draftLabel")
        self.saved_label.setStyleSheet("color: palette(placeholder-text);")
        for widget in (self.grade_button, self.cancel_button, self.busy, self.hint_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        for widget in (self.saved_label, self.reset_button, self.reveal_button):
            buttons.addWidget(widget)
        self.verdict_view = RichTextView(object_name="verdictText")
        self.verdict_view.setAccessibleName("Verdict")
        inner = QSplitter(Qt.Orientation.Vertical)
        inner.addWidget(self.editor)
        inner.addWidget(self.verdict_view)
        inner.setSizes([420, 260])
        column.addLayout(buttons)
        column.addWidget(inner, 1)
        splitter.addWidget(self.statement)
        splitter.addWidget(right)
        splitter.setSizes([420, 680])
        # The statement keeps a readable width (its display math scrolls) and can be dragged shut.
        self.statement.setMinimumWidth(260)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setCollapsible(0, True)
        splitter.setCollapsible(1, False)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self, self.grade)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut_enter = QShortcut(QKeySequence("Ctrl+Enter"), self, self.grade)
        shortcut_enter.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.retranslate(self.language)
        self._set_running(False)

    def retranslate(self, language: str) -> None:
        self.language = language
        self.grade_button.setText(T("grade", language))
        self.cancel_button.setText(T("cancel", language))
        self.reset_button.setText(T("reset", language))
        self.reveal_button.setText(T("reveal", language))
        for button, name in ((self.grade_button, "Grade"), (self.cancel_button, "Cancel grading"),
                             (self.reset_button, "Reset to starter"), (self.reveal_button, "Show solution")):
            button.setAccessibleName(name)
        if self.exercise is not None:
            self._show_statement()
            if self.last_verdict is not None:
                self._show_verdict(self.last_verdict)

    # --- exercise and drafts -------------------------------------------------------------
    def open_exercise(self, exercise: Exercise) -> None:
        if self.exercise is not None:
            self.save_draft()
        if self._running:
            self.cancel()
        self.exercise = exercise
        self.last_verdict = None
        draft = self.store.load_draft(exercise.id) if self.store is not None else None
        self.editor.blockSignals(True)
        self.editor.setPlainText(draft if draft is not None else exercise.starter)
        self.editor.blockSignals(False)
        self.editor.document().clearUndoRedoStacks()
        self.editor.set_error_line(None)
        self.saved_label.setText("")
        self._show_statement()
        self.verdict_view.set_markdown("")
        self._update_reveal()

    def _show_statement(self) -> None:
        ex = self.exercise
        assert ex is not None
        lang = self.language
        parts = [f"# {ex.title.get(lang)}", ex.statement.get(lang)]
        shown = ex.hints[: self.hints_shown.get(ex.id, 0)]
        if shown:
            parts.append(f"### {T('hints', lang)}")
            parts.append("\n".join(f"{i}. {h.get(lang)}" for i, h in enumerate(shown, start=1)))
        self.statement.set_markdown("\n\n".join(parts))
        self._update_hint_button()

    def show_next_hint(self) -> None:
        """Reveal one more hint (they start hidden); a submission after a hint is rated Hard by the scheduler."""
        ex = self.exercise
        if ex is None or self.hints_shown.get(ex.id, 0) >= len(ex.hints):
            return
        self.hints_shown[ex.id] = self.hints_shown.get(ex.id, 0) + 1
        self._show_statement()

    def _update_hint_button(self) -> None:
        ex = self.exercise
        total = len(ex.hints) if ex is not None else 0
        shown = self.hints_shown.get(ex.id, 0) if ex is not None else 0
        self.hint_button.setVisible(total > 0)
        self.hint_button.setEnabled(shown < total)
        self.hint_button.setText(T("hint_button", self.language, n=shown + 1, total=total) if shown < total
                                 else T("no_more_hints", self.language))

    def _on_edit(self) -> None:
        self._autosave.start()
        self.editor.set_error_line(None)

    def hideEvent(self, event) -> None:  # noqa: N802 - switching away or closing: write the draft now
        self.flush_draft()
        super().hideEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 - also sent to a widget that was never shown
        self.flush_draft()
        super().closeEvent(event)

    def flush_draft(self) -> None:
        """Write a pending autosave immediately."""
        if self._autosave.isActive():
            self._autosave.stop()
            self.save_draft()

    def save_draft(self) -> None:
        self._autosave.stop()
        if self.exercise is not None and self.store is not None:
            self.store.save_draft(self.exercise.id, self.editor.toPlainText())
            self.saved_label.setText(T("draft_saved", self.language))

    def reset_to_starter(self, confirm: bool = True) -> None:
        if self.exercise is None:
            return
        if confirm and self.editor.toPlainText() != self.exercise.starter:
            answer = QMessageBox.question(self, self.exercise.title.get(self.language), T("reset_confirm", self.language))
            if answer != QMessageBox.StandardButton.Yes:
                return
        cursor = self.editor.textCursor()
        cursor.select(cursor.SelectionType.Document)
        cursor.insertText(self.exercise.starter)  # an edit, so Undo brings the learner's code back
        self.save_draft()

    # --- reveal policy ---------------------------------------------------------------------
    def can_reveal(self) -> bool:
        if self.exercise is None:
            return False
        if self.reveal_policy == "always":
            return True
        if self.reveal_policy == "never" or self.store is None:
            return False
        passed, failed = self.store.submission_counts(self.exercise.id)  # two counts, not every earlier submission
        return bool(passed) or (self.reveal_policy == "pass_or_3_fails" and failed >= REVEAL_AFTER_FAILS)

    def _update_reveal(self) -> None:
        allowed = self.can_reveal()
        self.reveal_button.setEnabled(allowed)
        self.reveal_button.setToolTip("" if allowed else T("reveal_locked", self.language, n=REVEAL_AFTER_FAILS))

    def reveal_solution(self) -> None:
        if not self.can_reveal() or self.exercise is None:
            return
        lang = self.language
        self.verdict_view.set_markdown(f"### {T('solution', lang)}\n\n```python\n{self.exercise.solution}\n```")

    # --- grading ------------------------------------------------------------------------------
    def set_grader(self, grader: Any) -> None:
        self.grader = grader
        self._set_running(self._running)

    def _set_running(self, running: bool) -> None:
        self._running = running
        self.grade_button.setEnabled(not running and self.grader is not None)
        self.cancel_button.setEnabled(running)
        self.busy.setVisible(running)

    @property
    def is_grading(self) -> bool:
        return self._running

    def grade(self) -> None:
        if self._running or self.exercise is None or self.grader is None:
            return
        self.save_draft()
        self._run_id += 1
        run_id, exercise, source, language = self._run_id, self.exercise, self.editor.toPlainText(), self.language
        self._set_running(True)
        self._started_at = time.monotonic()
        self.editor.set_error_line(None)
        self.verdict_view.set_markdown(T("grading", language))

        def work() -> None:
            try:
                verdict = self.grader.grade(exercise, source, language=language)
            except Exception as exc:  # the grader must never take the app down
                verdict = exc
            self._relay.done.emit(run_id, (exercise, source, verdict))

        threading.Thread(target=work, name="grading", daemon=True).start()

    def cancel(self) -> None:
        """Stop the run: the sandbox child is killed and the view is free at once."""
        if not self._running:
            return
        self._run_id += 1  # the cancelled run's verdict will be ignored when it arrives
        if self.grader is not None:
            self.grader.cancel()
        self._set_running(False)
        self.verdict_view.set_markdown(T("cancelled", self.language))
        self.graded.emit(None)

    def _on_verdict(self, run_id: int, payload: Any) -> None:
        if run_id != self._run_id:
            return
        exercise, source, verdict = payload
        self._set_running(False)
        if isinstance(verdict, BackendUnavailable):
            lang = self.language
            logging.getLogger("studyapp.grading").error("no grading backend: %s", verdict.detail)
            log = current_log_file()
            where = f"\n\n{T('unavailable_log', lang, url=log.as_uri(), path=log)}" if log is not None else ""
            self.verdict_view.set_markdown(f"**{T('error', lang)}**: {T('unavailable_' + verdict.reason, lang)}\n\n"
                                           f"{T('unavailable_details', lang)}:\n\n```\n{verdict.detail}\n```{where}")
            self.graded.emit(None)
            return
        if isinstance(verdict, Exception):
            self.verdict_view.set_markdown(f"**{T('error', self.language)}**: {html.escape(str(verdict))}")
            self.graded.emit(None)
            return
        self.last_verdict = verdict
        if self.recorder is not None:
            self.recorder.record_submission(exercise, source=source, verdict=verdict.to_dict(), passed=verdict.passed,
                                            seconds=time.monotonic() - self._started_at,
                                            hint_used=self.hints_shown.get(exercise.id, 0) > 0,
                                            schedule=not getattr(verdict, "grader_fault", False))
        self._show_verdict(verdict)
        self._update_reveal()
        self.graded.emit(verdict)

    def _show_verdict(self, verdict: Any) -> None:
        lang = self.language
        error = verdict.error
        if error is not None and error.kind == "cancelled":
            self.verdict_view.set_markdown(T("cancelled", lang))
            return
        passed_cases = sum(1 for c in verdict.cases if c.passed)
        headline = f"**{T(verdict.status, lang)}**"
        if error is not None:
            headline += f" — {T('kind_' + error.kind, lang)}"
        parts = [headline]
        if verdict.cases:
            parts.append(T("cases", lang, passed=passed_cases, total=len(verdict.cases), ms=verdict.elapsed_ms))
        if error is not None and error.message:
            parts.append(_fenced(error.message))
        first = next((c for c in verdict.cases if not c.passed), None)
        if first is not None and error is None:
            parts.append(f"**{T('first_mismatch', lang)}** ({first.name}): {first.message}")
        if verdict.diagnosis is not None:
            parts.append("> " + T("diagnosis", lang, message=verdict.diagnosis.message))
        # the mistake's id is for authors and --json, not for the learner's eye
        self.verdict_view.setToolTip(verdict.diagnosis.id if verdict.diagnosis is not None else "")
        example = verdict.example
        if example and not verdict.passed:
            parts.append(f"#### {T('example', lang)}")
            for key in ("inputs", "expected", "got"):
                if example.get(key) is not None:
                    parts.append(f"{T(key, lang)}:\n\n```\n{_format_values(example[key])}\n```")
        if verdict.stdout:
            parts.append(f"#### {T('stdout', lang)}\n\n{_fenced(verdict.stdout)}")
        if error is not None and error.traceback:
            title = T("traceback", lang, line=error.line) if error.line else T("traceback_plain", lang)
            parts.append(f"#### {title}\n\n{_fenced(error.traceback)}")
        failed = (verdict.sandbox or {}).get("failed") or []
        if failed and not self._sandbox_notice_shown:
            self._sandbox_notice_shown = True  # once per view: the layers do not change between runs
            parts.insert(1, "> ⚠ " + T("sandbox_failed", lang, layers=", ".join(failed)))
        if verdict.cases:
            parts.append(f"#### {T('all_cases', lang)}")
            parts.append("\n".join(f"- {'✔' if c.passed else '✘'} {c.name}" + (f": {c.message}" if c.message and not c.passed else "")
                                   for c in verdict.cases))
        self.verdict_view.set_markdown("\n\n".join(parts))
        self.editor.set_error_line(error.line if error is not None and error.line else None)


def _fenced(text: str) -> str:
    """Learner text as a code block it cannot close: control characters escaped, and a
    fence longer than any run of backticks inside."""
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{printable(text)}\n{fence}"


def _format_values(values: Any) -> str:
    """Example inputs/outputs arrive JSON-ready (names to nested lists); show them as NumPy prints arrays."""
    import numpy as np

    if isinstance(values, dict):
        return "\n".join(f"{name} = {_format_values(value)}" for name, value in values.items())
    if isinstance(values, list):
        try:
            array = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            return str(values)
        return np.array2string(array, precision=4, suppress_small=True, separator=", ", prefix="      ")
    return str(values)
