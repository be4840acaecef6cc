"""Help ▸ Keyboard shortcuts: every key of the study loop in one table, in the UI language."""
from __future__ import annotations

from studyapp.ui.i18n import Catalog

T = Catalog(
    "shortcuts",
    {
        "head": {"en": "| Key | What it does |\n|---|---|", "ja": "| キー | 操作 |\n|---|---|"},
        "choose": {"en": "choose a choice", "ja": "選択肢を選ぶ"},
        "enter": {"en": "submit, then go on to the next item", "ja": "解答する・次の問題へ"},
        "skip": {"en": "skip this item", "ja": "この問題をスキップ"},
        "hint": {"en": "show the next hint (a right answer after a hint counts as Hard)",
                 "ja": "次のヒントを表示（ヒント使用後の正解は Hard として記録）"},
        "mark": {"en": "mark or unmark for review", "ja": "復習用マークの切り替え"},
        "right": {"en": "“I was right”: count a typed answer as correct", "ja": "「正解にする」: 入力した解答を正解として記録"},
        "undo": {"en": "undo the last answer", "ja": "直前の解答を取り消す"},
        "grade": {"en": "grade the code", "ja": "コードを採点"},
        "study_now": {"en": "study now (due, learning, then new items)", "ja": "今すぐ学習（復習 → 学習中 → 新規）"},
        "due": {"en": "review what is due", "ja": "期限の来た問題を復習"},
        "search": {"en": "search items", "ja": "問題を検索"},
        "help": {"en": "this list", "ja": "この一覧"},
    },
)

KEYS: tuple[tuple[str, str], ...] = (
    ("1–9", "choose"), ("Enter", "enter"), ("Alt+S", "skip"), ("Alt+H", "hint"), ("Alt+M", "mark"),
    ("Alt+R", "right"), ("Ctrl+Z", "undo"), ("Ctrl+Enter", "grade"), ("Ctrl+Shift+S", "study_now"),
    ("Ctrl+R", "due"), ("Ctrl+F", "search"), ("F1", "help"),
)


def shortcuts_markdown(language: str) -> str:
    """A Markdown table of :data:`KEYS`."""
    rows = "\n".join(f"| **{keys}** | {T(what, language)} |" for keys, what in KEYS)
    return T("head", language) + "\n" + rows
