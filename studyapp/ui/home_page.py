"""The home page's "today" block: what is due, in learning and new per bank, and one Study now link.

The numbers come from :func:`studyapp.progress.queues.today_plan`; this module only words them.
"""
from __future__ import annotations

from studyapp.progress.queues import TodayPlan
from studyapp.ui.i18n import Catalog

STUDY_NOW_URL = "studyapp:study-now"

T = Catalog(
    "home",
    {
        "today": {"en": "Today", "ja": "今日の学習"},
        "head": {"en": "| Part | Due | Learning | New | About |\n|---|---:|---:|---:|---:|",
                 "ja": "| 単元 | 復習 | 学習中 | 新規 | 目安 |\n|---|---:|---:|---:|---:|"},
        "minutes": {"en": "{n} min", "ja": "{n} 分"},
        "total_row": {"en": "| **Total** | **{due}** | **{learning}** | **{new}** | **{minutes}** |",
                      "ja": "| **合計** | **{due}** | **{learning}** | **{new}** | **{minutes}** |"},
        "study_now": {"en": "▶ Study now: {n} items, about {minutes} min (due first, then learning, then new)",
                      "ja": "▶ 今すぐ学習: {n} 問・約 {minutes} 分（復習 → 学習中 → 新規の順）"},
        "done": {"en": "All done for today: nothing is due and today's {quota} new items are used up. Come back tomorrow, "
                       "or pick a section on the left.",
                 "ja": "今日の分は終わりました。復習期限の問題はなく、今日の新規 {quota} 問も出題済みです。"
                       "明日また来るか、左のセクションを選んでください。"},
        "quota": {"en": "New items per day: {quota} ({used} introduced today). Change it in Settings.",
                  "ja": "1日の新規問題数: {quota} 問（今日は {used} 問を出題済み）。設定で変更できます。"},
        "exercises": {"en": "Code exercises: {passed} passed · {failed} tried, not passed yet · {not_started} not started",
                      "ja": "コード課題: 合格 {passed} · 挑戦中（未合格） {failed} · 未着手 {not_started}"},
        "exercises_due": {"en": "Code exercises due for review: {names}", "ja": "復習期限のコード課題: {names}"},
        "retry": {"en": "Try again: {names}", "ja": "再挑戦: {names}"},
    },
)


def _minutes(value: float, language: str) -> str:
    return T("minutes", language, n=max(1, round(value))) if value else "—"


def today_markdown(plan: TodayPlan, language: str, exercise_titles: dict[str, str]) -> str:
    """Markdown for the "Today" block of the home page."""
    lang = language
    rows = [f"| {b.title.get(lang)} | {b.due or ''} | {b.learning or ''} | {b.new or ''} | {_minutes(b.minutes, lang) if b.total else ''} |"
            for b in plan.banks if b.total]
    parts = [f"## {T('today', lang)}"]
    if plan.study_order:
        parts.append(f"[{T('study_now', lang, n=len(plan.study_order), minutes=max(1, round(plan.minutes)))}]({STUDY_NOW_URL})")
        parts.append(T("head", lang) + "\n" + "\n".join(rows) + "\n" + T(
            "total_row", lang, due=plan.due, learning=plan.learning, new=plan.new, minutes=_minutes(plan.minutes, lang)))
    else:
        parts.append(T("done", lang, quota=plan.new_quota + plan.new_today))
    parts.append(T("quota", lang, quota=plan.new_quota + plan.new_today, used=plan.new_today))
    states = [e.state for e in plan.exercises]
    if states:
        parts.append(T("exercises", lang, passed=states.count("passed"), failed=states.count("failed"),
                       not_started=states.count("not_started")))
        retry = [exercise_titles.get(e.exercise_id, e.exercise_id) for e in plan.exercises if e.state == "failed"]
        if retry:
            parts.append(T("retry", lang, names="、".join(retry) if lang == "ja" else ", ".join(retry)))
        due = [exercise_titles.get(e.exercise_id, e.exercise_id) for e in plan.exercises if e.due]
        if due:
            parts.append(T("exercises_due", lang, names=", ".join(due)))
    return "\n\n".join(parts)
