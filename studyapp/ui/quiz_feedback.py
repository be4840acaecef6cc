"""What the quiz view shows after an answer, and at the end of a session.

Per-choice feedback that names its choice, a character diff for typed answers, "I was right",
undo of the last answer, the next review interval, hints one at a time and the session summary's
rows and actions. A mixin of :class:`studyapp.ui.quiz_view.QuizView` (it uses that view's widgets),
kept apart so each module stays small.
"""
from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from studyapp.content.judging import Verdict
from studyapp.content.model import Item
from studyapp.content.plaintext import snippet
from studyapp.content.textdiff import answer_diff
from studyapp.progress.queues import interval_parts, next_interval
from studyapp.ui.i18n import Catalog

T = Catalog(
    "quiz_feedback",
    {
        "hint_n": {"en": "Hint {n}/{total}", "ja": "ヒント {n}/{total}"},
        "hint_line": {"en": "💡 Hint {n}: {text}", "ja": "💡 ヒント {n}: {text}"},
        "i_was_right": {"en": "I was right", "ja": "正解にする"},
        "undo": {"en": "Undo answer", "ja": "解答を取り消す"},
        "overridden": {"en": "✔ Counted as correct (you said you were right)", "ja": "✔ 正解として記録しました（自己判定）"},
        "your_answer": {"en": "Your answer against “{expected}”:", "ja": "あなたの解答と「{expected}」の差分:"},
        "next_review": {"en": "Next review: in {n} {unit}", "ja": "次の復習: {n} {unit}後"},
        "unit_minutes": {"en": "min", "ja": "分"},
        "unit_hours": {"en": "h", "ja": "時間"},
        "unit_days": {"en": "days", "ja": "日"},
        "unit_months": {"en": "months", "ja": "か月"},
        "choice_feedback": {"en": "**{number}. {choice}**: {feedback}", "ja": "**{number}. {choice}**: {feedback}"},
        "your_pick": {"en": "your pick", "ja": "あなたの選択"},
        "summary_items": {"en": "Items", "ja": "問題ごとの結果"},
        "summary_item_row": {"en": "- {mark} {title} · {score}% · {seconds} s", "ja": "- {mark} {title} · {score}% · {seconds} 秒"},
        "summary_item_skipped": {"en": "- – {title} · skipped", "ja": "- – {title} · スキップ"},
        "review_mistakes": {"en": "Review the ones I missed", "ja": "間違えた問題を復習"},
        "back_home": {"en": "Back home", "ja": "ホームへ戻る"},
        "next_section": {"en": "Next section", "ja": "次のセクションへ"},
    },
)

TITLE_LENGTH = 70


def _plain_choice(text: str) -> str:
    """A choice's text on one line for naming it in feedback (Markdown kept short)."""
    line = " ".join(text.split())
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1] + "…"


def item_title(item: Item, language: str) -> str:
    """What the learner reads as an item's name: the start of its prompt as plain text, never its id."""
    return snippet(item.prompt.get(language) or item.template.get(language), TITLE_LENGTH)


class AfterAnswerMixin:
    """Feedback after an answer; relies on the QuizView attributes it names (``session``, ``instance``, ...)."""

    session: Any
    instance: Item | None
    verdict: Verdict | None
    store: Any
    recorder: Any
    language: str
    display_order: list[int]
    mark_box: Any
    last_answer: Any = None
    missed_ids: list[str] = []

    # --- after an answer: feedback per choice, typed diff, "I was right", undo, next interval ----------
    def _feedback_lines(self, item: Item, verdict: Verdict) -> list[str]:
        """Per-choice feedback names the choice it belongs to (number as shown, and its text)."""
        lang = self.language
        if item.kind not in ("single", "multi"):
            return [f.get(lang) for f in verdict.feedback]
        answer = self.last_answer if item.kind == "multi" else [self.last_answer]
        lines = []
        for original in sorted(answer or [], key=self.display_order.index):
            feedback = item.choices[original].feedback
            if feedback.values:
                lines.append(T("choice_feedback", lang, number=self.display_order.index(original) + 1,
                               choice=_plain_choice(item.choices[original].text.get(lang)), feedback=feedback.get(lang)))
        return lines

    def _show_after_answer(self, answer: Any, verdict: Verdict) -> None:
        item = self.instance
        assert item is not None
        typed = item.kind in ("text", "numeric", "cloze")
        self.right_button.setVisible(typed and not verdict.correct)
        self.right_button.setEnabled(True)
        self.undo_button.setEnabled(True)
        if item.kind == "text" and not verdict.correct and isinstance(answer, str) and answer.strip():
            self._show_diff(answer, item)
        self._show_interval(item.id)

    def _show_diff(self, answer: str, item: Item) -> None:
        diff = answer_diff(answer, item.accept, case_sensitive=item.case_sensitive)
        if diff is None:
            return
        styles = {"same": "", "missing": "color:#2e7d32; font-weight:bold; text-decoration:underline;",
                  "extra": "color:#c62828; text-decoration:line-through;"}
        spans = "".join(f"<span style='{styles[p.tag]}'>{html.escape(p.text)}</span>" for p in diff.pieces)
        title = html.escape(T("your_answer", self.language, expected=diff.expected))
        self.diff_label.setText(f"{title}<br><span style='font-family:monospace; font-size:large'>{spans}</span>")
        self.diff_label.setVisible(True)

    def _show_interval(self, item_id: str) -> None:
        if self.store is None or self.recorder is None:
            return
        delta = next_interval(self.store, item_id, self.recorder.now())
        if delta is None:
            return
        unit, n = interval_parts(delta)
        self.interval_label.setText(T("next_review", self.language, n=n, unit=T(f"unit_{unit}", self.language)))
        self.interval_label.setVisible(True)

    def i_was_right(self) -> None:
        """Count the last (typed) answer as correct: Anki's "I was right"; the override is stored with the attempt."""
        if self.session is None or self.verdict is None:
            return
        outcome = self.session.override_last_as_correct()
        if outcome is None or not outcome.correct:
            return
        self.right_button.setEnabled(False)
        self.feedback.set_markdown(f"### {T('overridden', self.language)}\n\n" + self.feedback.markdown_source())
        self.diff_label.setVisible(False)
        if self.instance is not None:
            self._show_interval(self.instance.id)
            self.answered.emit(self.instance.id, 1.0)

    def undo(self) -> None:
        """Take back the last answer (Ctrl+Z, as in Anki): the item is shown again, unanswered."""
        if self.session is None or not getattr(self.session, "can_undo", False):
            return
        item = self.session.undo_last()
        if item is None:
            return
        self._show_current()
        self.undo_button.setEnabled(False)
        if self.instance is not None:
            self.answered.emit(self.instance.id, -1.0)

    def _summary_rows(self, summary: Any) -> str:
        lang = self.language
        by_id = {item.id: item for item in self.session.items}
        rows = []
        for outcome in summary.outcomes:
            item = by_id.get(outcome.item_id)
            title = item_title(item, lang) if item is not None else outcome.item_id
            if outcome.skipped:
                rows.append(T("summary_item_skipped", lang, title=title))
                continue
            mark = "✔" if outcome.correct else ("◐" if outcome.score > 0 else "✘")
            rows.append(T("summary_item_row", lang, mark=mark, title=title, score=round(outcome.score * 100),
                          seconds=round(outcome.seconds or 0)))
        return "\n".join(rows)

    def _review_missed(self) -> None:
        if getattr(self, "missed_ids", None):
            self.review_items.emit("mistakes", list(self.missed_ids))

    def loop_key(self, event: Any) -> bool:
        """Keys for the whole loop (listed in Help ▸ Keyboard shortcuts); True when ``event`` was one of them.

        Handled in keyPressEvent rather than QShortcut so a focused text field keeps its own Ctrl+Z while typing.
        """
        alt = event.modifiers() == Qt.KeyboardModifier.AltModifier
        actions = {Qt.Key.Key_H: self._show_hint, Qt.Key.Key_M: self._toggle_mark_key, Qt.Key.Key_S: self.skip,
                   Qt.Key.Key_R: self.i_was_right}
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo()
            return True
        if alt and event.key() in actions:
            actions[event.key()]()
            return True
        return False

    def _toggle_mark_key(self) -> None:
        if self.mark_box.isEnabled():
            self.mark_box.toggle()
