"""Main window: banks and sections on the left, the selected item in the middle, problems below."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QListWidget,
    QMainWindow,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
)

from studyapp.content.model import Item, Library
from studyapp.content.variants import instantiate

KIND_LABELS = {
    "en": {"single": "single choice", "multi": "multiple choice", "truefalse": "true/false", "numeric": "numeric",
           "text": "short answer", "cloze": "fill in", "code": "code"},
    "ja": {"single": "単一選択", "multi": "複数選択", "truefalse": "正誤", "numeric": "数値", "text": "記述",
           "cloze": "穴埋め", "code": "コード"},
}
UI = {
    "en": {"title": "studyapp — RNN / LSTM / GRU", "problems": "Problems", "status": "{banks} banks · {items} items · {exercises} exercises · {problems} problems",
           "pick": "Pick a section on the left."},
    "ja": {"title": "studyapp — RNN / LSTM / GRU", "problems": "問題点", "status": "バンク {banks} · 問題 {items} · コード課題 {exercises} · 問題点 {problems}",
           "pick": "左のセクションを選んでください。"},
}
ITEM_ROLE = Qt.ItemDataRole.UserRole


class MainWindow(QMainWindow):
    """Browse the loaded banks; broken banks are listed in a non-modal problems panel."""

    def __init__(self, library: Library, language: str = "en", data_dir: str | None = None) -> None:
        super().__init__()
        self.library = library
        self.language = language
        self.data_dir = data_dir
        self.setWindowTitle(self._t("title"))
        self.resize(1100, 720)

        self.section_tree = QTreeWidget(objectName="sectionTree")
        self.section_tree.setHeaderHidden(True)
        self.section_tree.setAccessibleName("Sections")
        self.section_tree.itemSelectionChanged.connect(self._show_selection)

        self.question_text = QTextBrowser(objectName="questionText")
        self.question_text.setAccessibleName("Question")
        self.question_text.setOpenExternalLinks(True)

        splitter = QSplitter()
        splitter.addWidget(self.section_tree)
        splitter.addWidget(self.question_text)
        splitter.setSizes([320, 780])
        self.setCentralWidget(splitter)

        self.problems_list = QListWidget(objectName="problemsList")
        self.problems_list.setAccessibleName("Problems")
        self.problems_dock = QDockWidget(self._t("problems"), self)
        self.problems_dock.setObjectName("problemsDock")
        self.problems_dock.setWidget(self.problems_list)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problems_dock)

        self.status_label = QLabel()
        self.statusBar().addPermanentWidget(self.status_label)
        self._populate()

    def _t(self, key: str) -> str:
        return UI.get(self.language, UI["en"])[key]

    def _populate(self) -> None:
        self.section_tree.clear()
        for bank in self.library.banks:
            bank_node = QTreeWidgetItem([f"{bank.title.get(self.language)}  ({bank.item_count()})"])
            self.section_tree.addTopLevelItem(bank_node)
            for section in bank.sections:
                node = QTreeWidgetItem([f"{section.title.get(self.language)}  ({len(section.items)})"])
                node.setData(0, ITEM_ROLE, ("section", bank.id, section.id))
                bank_node.addChild(node)
            for exercise in bank.exercises:
                node = QTreeWidgetItem([f"⌨ {exercise.title.get(self.language)}"])
                node.setData(0, ITEM_ROLE, ("exercise", bank.id, exercise.id))
                bank_node.addChild(node)
        self.section_tree.expandAll()
        self.problems_list.clear()
        self.problems_list.addItems([str(p) for p in self.library.problems])
        self.problems_dock.setVisible(bool(self.library.problems))
        self.status_label.setText(
            self._t("status").format(
                banks=len(self.library.banks),
                items=sum(b.item_count() for b in self.library.banks),
                exercises=len(self.library.exercises()),
                problems=len(self.library.problems),
            )
        )
        self.question_text.setMarkdown(self._t("pick"))

    def _show_selection(self) -> None:
        selected = self.section_tree.selectedItems()
        if not selected or selected[0].data(0, ITEM_ROLE) is None:
            return
        kind, bank_id, key = selected[0].data(0, ITEM_ROLE)
        bank = next(b for b in self.library.banks if b.id == bank_id)
        if kind == "exercise":
            exercise = next(e for e in bank.exercises if e.id == key)
            self.question_text.setMarkdown(f"# {exercise.title.get(self.language)}\n\n{exercise.statement.get(self.language)}")
            return
        section = next(s for s in bank.sections if s.id == key)
        parts = [f"# {section.title.get(self.language)}"]
        for number, item in enumerate(section.items, start=1):
            parts.append(self._item_markdown(number, item))
        self.question_text.setMarkdown("\n\n".join(parts))

    def _item_markdown(self, number: int, item: Item) -> str:
        shown = instantiate(item, seed=0)
        label = KIND_LABELS.get(self.language, KIND_LABELS["en"])[item.kind]
        lines = [f"**{number}. [{label}]** {shown.prompt.get(self.language)}"]
        if shown.kind == "cloze":
            template = shown.template.get(self.language)
            lines.append(f"```\n{template}\n```" if shown.code_language else template)
        for index, choice in enumerate(shown.choices, start=1):
            lines.append(f"{index}. {choice.text.get(self.language)}")
        return "\n\n".join(lines)

    def open_item(self, item_id: str) -> None:
        """Select the section holding ``item_id`` (automation contract)."""
        item = self.library.item(item_id)
        target = ("section", item.bank, item.section) if item else None
        if target is None and self.library.exercise(item_id):
            exercise = self.library.exercise(item_id)
            target = ("exercise", exercise.bank, exercise.id)
        for top in range(self.section_tree.topLevelItemCount()):
            bank_node = self.section_tree.topLevelItem(top)
            for row in range(bank_node.childCount()):
                node = bank_node.child(row)
                if node.data(0, ITEM_ROLE) == target:
                    self.section_tree.setCurrentItem(node)
                    return
        raise KeyError(html.escape(item_id))
