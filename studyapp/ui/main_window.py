"""Main window: sidebar of banks and sections with progress, the study views, menus and search.

The window owns no domain logic: it builds sessions from the progress core,
hands them to the views, and refreshes the sidebar when answers arrive.
"""
from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QTextBrowser,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studyapp import __version__
from studyapp.content.model import Library
from studyapp.content.plaintext import snippet
from studyapp.progress.overview import section_progress
from studyapp.progress.queues import queue_counts, queue_item_ids, resume_index, today_plan
from studyapp.progress.store import Store, StoreError
from studyapp.ui.desktop import platform_shortcut
from studyapp.ui.home_page import STUDY_NOW_URL, today_markdown
from studyapp.ui.i18n import Catalog
from studyapp.ui.settings import Settings, SettingsDialog, SettingsStore, apply_appearance

T = Catalog(
    "main",
    {
        "title": {"en": "studyapp — RNN · LSTM · GRU · Attention", "ja": "studyapp — RNN・LSTM・GRU・Attention"},
        "file": {"en": "&File", "ja": "ファイル(&F)"},
        "study": {"en": "&Study", "ja": "学習(&S)"},
        "view": {"en": "&View", "ja": "表示(&V)"},
        "help": {"en": "&Help", "ja": "ヘルプ(&H)"},
        "tools": {"en": "&Tools", "ja": "ツール(&T)"},
        "check_db": {"en": "Check database", "ja": "データベースを検査"},
        "check_failed": {"en": "The progress database has problems ({problem}); use Tools → Check database.",
                         "ja": "学習記録のデータベースに問題があります（{problem}）。ツール → データベースを検査 を実行してください。"},
        "export": {"en": "Export progress…", "ja": "学習記録をエクスポート…"},
        "import": {"en": "Import progress…", "ja": "学習記録をインポート…"},
        "reload": {"en": "Reload content", "ja": "コンテンツを再読み込み"},
        "quit": {"en": "Quit", "ja": "終了"},
        "home": {"en": "Home", "ja": "ホーム"},
        "practice": {"en": "Practice this section", "ja": "このセクションを演習"},
        "due": {"en": "Review due", "ja": "期限の復習"},
        "mistakes": {"en": "Review mistakes", "ja": "間違えた問題を復習"},
        "mix": {"en": "Random mix", "ja": "ランダム出題"},
        "study_now": {"en": "Study now", "ja": "今すぐ学習"},
        "marked": {"en": "Review marked", "ja": "マークした問題を復習"},
        "new": {"en": "New items", "ja": "未学習の問題"},
        "weakest": {"en": "Weakest topics", "ja": "苦手なトピック"},
        "restart_section": {"en": "Start this section over", "ja": "このセクションを最初から"},
        "queue_count": {"en": "{label} ({n})", "ja": "{label} ({n})"},
        "resumed": {"en": "Resumed at item {n} of {total} (Study ▸ Start this section over to begin again)",
                    "ja": "{total} 問中 {n} 問目から再開しました（学習 ▸ このセクションを最初から で最初に戻れます）"},
        "nothing_today": {"en": "Nothing to study right now.", "ja": "いま学習する問題はありません。"},
        "exam": {"en": "Mock exam", "ja": "模擬試験"},
        "review": {"en": "Review", "ja": "復習"},
        "stats": {"en": "Statistics", "ja": "統計"},
        "lab": {"en": "Lab", "ja": "実験室"},
        "settings": {"en": "Settings…", "ja": "設定…"},
        "problems": {"en": "Content problems", "ja": "コンテンツの問題点"},
        "about": {"en": "About", "ja": "このアプリについて"},
        "shortcuts": {"en": "Keyboard shortcuts", "ja": "キーボードショートカット"},
        "leave_exam_title": {"en": "Leave the mock exam?", "ja": "模擬試験を離れますか？"},
        "leave_exam": {"en": "The mock exam is still running and its countdown goes on while you are away. Leave it?",
                       "ja": "模擬試験は実施中で、離れている間も残り時間は減り続けます。離れますか？"},
        "search": {"en": "Search items (English or 日本語)…", "ja": "問題を検索（日本語・English）…"},
        "results": {"en": "Search results", "ja": "検索結果"},
        "exercises": {"en": "Code exercises", "ja": "コード課題"},
        "status": {"en": "{banks} banks · {items} items · {exercises} code exercises · due now {due}",
                   "ja": "バンク {banks} · 問題 {items} · コード課題 {exercises} · 復習期限 {due}"},
        "problems_status": {"en": "{n} content problem(s): see the panel", "ja": "コンテンツの問題点 {n} 件（パネル参照）"},
        "section_label": {"en": "{title}  {answered}/{total}{accuracy}{due}", "ja": "{title}  {answered}/{total}{accuracy}{due}"},
        "due_suffix": {"en": " · {n} due", "ja": " · 期限 {n}"},
        "welcome": {
            "en": "# Welcome\n\nPick a **section** on the left to practise it, or an exercise under **Code exercises** to implement a cell in NumPy.\n\n"
                  "- **Review due** brings back what the scheduler (FSRS) says you are about to forget.\n"
                  "- **Review mistakes** repeats what you last got wrong.\n- **Mock exam** is a timed test with no feedback until the end.\n\n"
                  "Keys: **1–9** choose, **Enter** submits and goes on, **Ctrl+Enter** grades code.",
            "ja": "# ようこそ\n\n左の**セクション**を選ぶと演習が始まります。**コード課題**からは NumPy でセルを実装できます。\n\n"
                  "- **期限の復習**: 忘れかけている問題をスケジューラ（FSRS）が出題します。\n"
                  "- **間違えた問題を復習**: 最後に間違えた問題をもう一度解きます。\n- **模擬試験**: 時間制限つきで、終了まで正誤は表示されません。\n\n"
                  "キー操作: **1〜9** で選択、**Enter** で解答・次へ、**Ctrl+Enter** でコードを採点。",
        },
        "progress_title": {"en": "Your progress", "ja": "学習の進み具合"},
        "progress_head": {"en": "| Part | Answered | Last answers right | Due now |\n|---|---:|---:|---:|",
                          "ja": "| 単元 | 解答済み | 直近の正答率 | 復習期限 |\n|---|---:|---:|---:|"},
        "progress_totals": {"en": "**{due}** due now · **{mistakes}** to retry · **{passed}/{exercises}** code exercises passed",
                            "ja": "復習期限 **{due}** 問 · やり直し **{mistakes}** 問 · コード課題 **{passed}/{exercises}** 合格"},
        "recovered": {"en": "Your progress database was damaged", "ja": "学習記録のデータベースが破損していました"},
        "imported": {"en": "Imported: {summary}", "ja": "インポートしました: {summary}"},
        "exported": {"en": "Progress exported to {path}", "ja": "学習記録を {path} に書き出しました"},
        "export_failed": {"en": "Could not export to {path}: {error}\nAn existing file there is unchanged.",
                          "ja": "{path} に書き出せませんでした: {error}\n既存のファイルは変更されていません。"},
        "import_failed": {"en": "Could not import {path}: {error}\nNothing was changed.",
                          "ja": "{path} をインポートできませんでした: {error}\n何も変更されていません。"},
        "nothing_due": {"en": "Nothing is due right now.", "ja": "いま復習期限の問題はありません。"},
        "about_version": {"en": "Version {version}", "ja": "バージョン {version}"},
        "about_text": {"en": "studyapp: quizzes, code exercises and spaced review for recurrent networks (E資格 Day 3).",
                       "ja": "studyapp: 再帰型ネットワーク（E資格 Day 3）のための問題演習・コード課題・間隔反復の学習アプリ。"},
    },
)

ROLE = Qt.ItemDataRole.UserRole


class MainWindow(QMainWindow):
    """The application window. Takes its core objects; builds the views over them."""

    def __init__(self, library: Library, store: Store, settings_store: SettingsStore, settings: Settings,
                 grader_factory: Callable[[], Any] | None = None, image_dir: Path | None = None,
                 reload_library: Callable[[], Library] | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.library = library
        self.store = store
        self._recorder: Any = None
        self.settings_store = settings_store
        self.settings = settings
        self.language = settings.language
        self._grader_factory = grader_factory
        self._grader: Any = None
        self._reload_library = reload_library
        self.image_dir = image_dir
        self._extra_views: dict[str, QWidget] = {}
        self._build()
        self.retranslate(self.language)  # also fills the sidebar
        self._restore_state()
        if store.recovery_message:  # non-modal: the learner reads it and goes on
            self.storage_banner.show_notice(f"{T('recovered', self.language)}: {store.recovery_message}")
        if store.unclean_shutdown:
            self._check_in_background()

    def _check_in_background(self) -> None:
        """After an unclean shutdown, a full integrity check on its own connection, off the UI thread."""
        import threading

        from studyapp.progress.store.salvage import integrity_check_file

        def run() -> None:
            result = integrity_check_file(self.store.path)
            if result != ["ok"]:
                self.storage_banner.notice_requested.emit(T("check_failed", self.language, problem="; ".join(result[:3])))

        threading.Thread(target=run, name="integrity-check", daemon=True).start()

    def check_database(self) -> None:
        """Tools → Check database: integrity check, REINDEX, orphan clean-up, and the report."""
        from studyapp.ui.storage_banner import check_database_report

        QMessageBox.information(self, T("check_db", self.language), check_database_report(self.store, self.language))
        self._populate()

    # --- construction ---------------------------------------------------------------------
    def _build(self) -> None:
        self.resize(1280, 800)
        self.stack = QStackedWidget(objectName="viewStack")
        # The home page needs no math, so Qt's own Markdown renders it; the quiz and code
        # views (Markdown + mathtext, Pygments) are built on first use to keep start-up fast.
        self.home = QTextBrowser(objectName="homeText")
        self.home.setOpenLinks(False)
        self.home.anchorClicked.connect(self._home_link)
        self.stack.addWidget(self.home)
        self._quiz: Any = None
        self._code: Any = None
        from studyapp.ui.storage_banner import StorageBanner

        self.storage_banner = StorageBanner(self.store, self.language)  # says when progress cannot be saved
        central = QWidget(objectName="central")
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.storage_banner)
        central_layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._previous_view: QWidget | None = None
        self.confirm_leave_exam: Callable[[], bool] = self._ask_leave_exam
        """Asked before leaving a running exam for another screen; replace it in tests."""
        self.stack.currentChanged.connect(self._view_changed)

        # Sidebar: search box above the bank/section tree.
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(4, 4, 4, 4)
        self.search_box = QLineEdit(objectName="searchBox")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setAccessibleName("Search")
        self.search_box.textChanged.connect(self._search)
        self.search_results = QListWidget(objectName="searchResults")
        self.search_results.setAccessibleName("Search results")
        self.search_results.itemActivated.connect(self._open_search_result)
        self.search_results.itemClicked.connect(self._open_search_result)
        self.search_results.setVisible(False)
        self.section_tree = QTreeWidget(objectName="sectionTree")
        self.section_tree.setHeaderHidden(True)
        self.section_tree.setAccessibleName("Sections")
        self.section_tree.itemActivated.connect(self._open_tree_item)
        self.section_tree.itemClicked.connect(self._open_tree_item)
        side_layout.addWidget(self.search_box)
        side_layout.addWidget(self.search_results, 1)
        side_layout.addWidget(self.section_tree, 3)
        self.sidebar = QDockWidget(self)
        self.sidebar.setObjectName("sidebarDock")
        self.sidebar.setWidget(side)
        self.sidebar.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.sidebar)
        self.resizeDocks([self.sidebar], [340], Qt.Orientation.Horizontal)

        self.problems_list = QListWidget(objectName="problemsList")
        self.problems_list.setAccessibleName("Content problems")
        self.problems_dock = QDockWidget(self)
        self.problems_dock.setObjectName("problemsDock")
        self.problems_dock.setWidget(self.problems_list)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problems_dock)

        self.status_label = QLabel(objectName="statusLabel")
        self.statusBar().addPermanentWidget(self.status_label)
        self._build_actions()

    @property
    def recorder(self) -> Any:
        """The FSRS review scheduler over the store (imported on first use: start-up only reads the store)."""
        if self._recorder is None:
            from studyapp.progress.scheduling import ReviewScheduler

            self._recorder = ReviewScheduler(self.store)
        return self._recorder

    @property
    def quiz(self) -> Any:
        """The quiz view (built on first use)."""
        if self._quiz is None:
            from studyapp.ui.quiz_view import QuizView

            self._quiz = QuizView(store=self.store, recorder=self.recorder, language=self.language, image_dir=self.image_dir)
            self._quiz.code_grader = self.grader
            self._quiz.answered.connect(lambda *_: self._refresh_progress())
            self._quiz.open_exercise.connect(self.open_exercise)
            self._quiz.review_items.connect(self.start_items)
            self._quiz.go_home.connect(self.show_home)
            self._quiz.next_section.connect(self.start_next_section)
            self.stack.addWidget(self._quiz)
        return self._quiz

    @property
    def code(self) -> Any:
        """The code exercise view (built on first use)."""
        if self._code is None:
            from studyapp.ui.code_view import CodeExerciseView

            self._code = CodeExerciseView(self._grader, store=self.store, recorder=self.recorder, language=self.language,
                                          reveal_policy=self.settings.reveal_policy, dark=self.settings.theme == "dark")
            self._code.graded.connect(lambda *_: self._refresh_progress())
            self.stack.addWidget(self._code)
        return self._code

    def _action(self, key: str, slot: Callable[[], None], shortcut: str | QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(self)
        action.setObjectName(f"action_{key}")
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(platform_shortcut(shortcut) if isinstance(shortcut, str) else shortcut))
        self._actions[key] = action
        return action

    def _build_actions(self) -> None:
        self._actions: dict[str, QAction] = {}
        self._menus: dict[str, Any] = {}
        bar = self.menuBar()
        file_menu = self._menus["file"] = bar.addMenu("")
        file_menu.addAction(self._action("export", self.export_progress))
        file_menu.addAction(self._action("import", self.import_progress))
        file_menu.addAction(self._action("reload", self.reload_content, "F5"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("settings", self.open_settings, QKeySequence.StandardKey.Preferences))
        file_menu.addSeparator()
        file_menu.addAction(self._action("quit", self.close, QKeySequence.StandardKey.Quit))
        study = self._menus["study"] = bar.addMenu("")
        study.addAction(self._action("home", self.show_home, "Ctrl+H"))
        study.addAction(self._action("due", self.start_review_due, "Ctrl+R"))
        study.addAction(self._action("mistakes", self.start_mistakes, "Ctrl+M"))
        study.addAction(self._action("study_now", self.start_study_now, "Ctrl+Shift+S"))
        study.addAction(self._action("marked", self.start_marked))
        study.addAction(self._action("new", self.start_new))
        study.addAction(self._action("weakest", self.start_weakest))
        study.addAction(self._action("restart_section", self.restart_section))
        study.addAction(self._action("mix", self.start_random_mix, "Ctrl+Shift+R"))
        study.addAction(self._action("exam", self.show_exam, "Ctrl+E"))
        view = self._menus["view"] = bar.addMenu("")
        view.addAction(self._action("review", self.show_review, "Ctrl+Shift+V"))
        view.addAction(self._action("stats", self.show_stats, "Ctrl+T"))
        view.addAction(self._action("lab", self.show_lab, "Ctrl+L"))
        view.addSeparator()
        view.addAction(self.problems_dock.toggleViewAction())
        self._action("search", lambda: (self.search_box.setFocus(), self.search_box.selectAll()), QKeySequence.StandardKey.Find)
        self.addAction(self._actions["search"])
        tools = self._menus["tools"] = bar.addMenu("")
        tools.addAction(self._action("check_db", self.check_database))
        help_menu = self._menus["help"] = bar.addMenu("")
        help_menu.addAction(self._action("shortcuts", self.show_shortcuts, "F1"))
        help_menu.addAction(self._action("about", self.show_about))
        toolbar = QToolBar(objectName="mainToolbar")
        toolbar.setMovable(False)
        for key in ("home", "due", "mistakes", "mix", "exam", "review", "stats", "lab"):
            toolbar.addAction(self._actions[key])
        self.addToolBar(toolbar)

    # --- language -----------------------------------------------------------------------------
    def retranslate(self, language: str) -> None:
        self.language = language
        self.storage_banner.retranslate(language)
        self.setWindowTitle(T("title", language))
        for key, menu in self._menus.items():
            menu.setTitle(T(key, language))
        for key, action in self._actions.items():
            if key in T.strings:
                action.setText(T(key, language))
        self._actions["search"].setText(T("search", language))
        self.problems_dock.setWindowTitle(T("problems", language))
        self.problems_dock.toggleViewAction().setText(T("problems", language))
        self.search_box.setPlaceholderText(T("search", language))
        for view in (self._quiz, self._code, *self._extra_views.values()):
            if view is not None and hasattr(view, "retranslate"):
                view.retranslate(language)
        if hasattr(self, "status_label"):
            self._populate()

    def set_language(self, language: str) -> None:
        self.settings = replace(self.settings, language=language)
        self.settings_store.save(self.settings)
        self.retranslate(language)

    # --- sidebar ------------------------------------------------------------------------------
    def _populate(self) -> None:
        expanded = {self.section_tree.topLevelItem(i).data(0, ROLE) for i in range(self.section_tree.topLevelItemCount())
                    if self.section_tree.topLevelItem(i).isExpanded()}
        self.section_tree.clear()
        lang = self.language
        due_ids = [card.target_id for card in self.store.due_cards(self.store.now(), target_kind="item")]
        last_results = self.store.last_results()
        progress = section_progress(self.library, last_results, due_ids)
        exercise_banks = []
        for bank in self.library.banks:
            if not bank.sections:
                exercise_banks.append(bank)
                continue
            bank_node = QTreeWidgetItem([bank.title.get(lang)])
            bank_node.setData(0, ROLE, ("bank", bank.id, ""))
            self.section_tree.addTopLevelItem(bank_node)
            for section in bank.sections:
                p = progress[(bank.id, section.id)]
                accuracy = f" · {p.accuracy * 100:.0f}%" if p.accuracy is not None else ""
                due = T("due_suffix", lang, n=p.due) if p.due else ""
                node = QTreeWidgetItem([T("section_label", lang, title=section.title.get(lang), answered=p.answered,
                                          total=p.total, accuracy=accuracy, due=due)])
                node.setData(0, ROLE, ("section", bank.id, section.id))
                node.setToolTip(0, section.description.get(lang) or section.title.get(lang))
                bank_node.addChild(node)
            bank_node.setExpanded(not expanded or ("bank", bank.id, "") in expanded)
        passed = self.store.passed_exercise_ids()
        tried = {row[0] for row in self.store.query("SELECT DISTINCT exercise_id FROM submissions")}
        exercises_node = QTreeWidgetItem([T("exercises", lang)])
        exercises_node.setData(0, ROLE, ("bank", "__exercises__", ""))
        for bank in exercise_banks + [b for b in self.library.banks if b.sections and b.exercises]:
            for exercise in bank.exercises:
                mark = "✔ " if exercise.id in passed else ("✘ " if exercise.id in tried else "⌨ ")
                node = QTreeWidgetItem([mark + exercise.title.get(lang)])
                node.setData(0, ROLE, ("exercise", bank.id, exercise.id))
                exercises_node.addChild(node)
        if exercises_node.childCount():
            self.section_tree.addTopLevelItem(exercises_node)
            exercises_node.setExpanded(not expanded or ("bank", "__exercises__", "") in expanded)
        self.today = today_plan(self.library, self.store, new_per_day=self.settings.new_per_day)
        self._update_queue_actions()
        self.home.setMarkdown(self._home_markdown(progress, due_ids, passed, sum(1 for ok, _ in last_results.values() if not ok)))
        self.problems_list.clear()
        self.problems_list.addItems([str(p) for p in self.library.problems])
        self.problems_dock.setVisible(bool(self.library.problems))
        self.status_label.setText(T("status", lang, banks=len(self.library.banks), items=sum(b.item_count() for b in self.library.banks),
                                    exercises=len(self.library.exercises()), due=len(due_ids)))
        if self.library.problems:
            self.statusBar().showMessage(T("problems_status", lang, n=len(self.library.problems)))

    def _home_markdown(self, progress: dict, due_ids: list[str], passed: set[str], mistakes: int) -> str:
        """Welcome text plus a per-bank progress table (from the same data as the sidebar)."""
        lang = self.language
        rows = []
        for bank in self.library.banks:
            parts = [progress[(bank.id, s.id)] for s in bank.sections]
            if not parts:
                continue
            total = sum(p.total for p in parts)
            answered = sum(p.answered for p in parts)
            right = sum(p.right for p in parts)
            due = sum(p.due for p in parts)
            accuracy = f"{right / answered * 100:.0f}%" if answered else "—"
            rows.append(f"| {bank.title.get(lang)} | {answered}/{total} | {accuracy} | {due or ''} |")
        totals = T("progress_totals", lang, due=len(due_ids), mistakes=mistakes,
                   passed=len(passed & {e.id for e in self.library.exercises()}), exercises=len(self.library.exercises()))
        today = today_markdown(self.today, lang, {e.id: e.title.get(lang) for e in self.library.exercises()})
        return "\n\n".join([today, T("welcome", lang), f"## {T('progress_title', lang)}", totals,
                              T("progress_head", lang) + "\n" + "\n".join(rows)])

    def _refresh_progress(self) -> None:
        self._populate()

    def _open_tree_item(self, node: QTreeWidgetItem, _column: int = 0) -> None:
        data = node.data(0, ROLE)
        if not data:
            return
        kind, bank_id, key = data
        if kind == "section":
            self.start_section(bank_id, key)
        elif kind == "exercise":
            self.open_exercise(key)

    # --- search -------------------------------------------------------------------------------
    def _search(self, text: str) -> None:
        query = text.strip().casefold()
        self.search_results.clear()
        self.search_results.setVisible(bool(query))
        if not query:
            return
        for item in self.library.items():
            if query in item.searchable_text().casefold() or query in item.id:
                entry = QListWidgetItem(snippet(item.prompt.get(self.language) or item.template.get(self.language), 90) or item.id)
                entry.setToolTip(item.id)
                entry.setData(ROLE, item.id)
                self.search_results.addItem(entry)
        for exercise in self.library.exercises():
            if query in (exercise.title.get("en") + exercise.title.get("ja") + exercise.statement.get("en") + exercise.statement.get("ja")).casefold():
                entry = QListWidgetItem("⌨ " + exercise.title.get(self.language))
                entry.setData(ROLE, exercise.id)
                self.search_results.addItem(entry)

    def _open_search_result(self, entry: QListWidgetItem) -> None:
        self.open_item(entry.data(ROLE))

    # --- study flows --------------------------------------------------------------------------
    def _run_session(self, session: Any, title: str) -> None:
        if session.total == 0:
            self.statusBar().showMessage(T("nothing_due", self.language), 5000)
            return
        self.stack.setCurrentWidget(self.quiz)
        self.quiz.start(session, title, self._section_titles())
        self.quiz.setFocus()

    def _section_titles(self) -> dict[str, str]:
        return {s.id: s.title.get(self.language) for bank in self.library.banks for s in bank.sections}

    def start_section(self, bank_id: str, section_id: str, *, from_start: bool = False) -> None:
        """Practise a section, resuming at its first never-answered item unless ``from_start``."""
        bank = next(b for b in self.library.banks if b.id == bank_id)
        section = next(s for s in bank.sections if s.id == section_id)
        from studyapp.progress.session import StudySession

        items = list(section.items)
        start = 0 if from_start else resume_index([i.id for i in items], self.store.last_results())
        session = StudySession(items, kind="practice", recorder=self.recorder, start=start)
        self.settings_store.set_value("last_section", f"{bank_id}/{section_id}")
        self._run_session(session, section.title.get(self.language))
        if start:
            self.statusBar().showMessage(T("resumed", self.language, n=start + 1, total=len(items)), 10000)

    def start_next_section(self) -> None:
        """The section after the last practised one, in bank order (the first when it was the last)."""
        order = [(b.id, s.id) for b in self.library.banks for s in b.sections]
        last = tuple(str(self.settings_store.value("last_section", "") or "").partition("/")[::2])
        if order:
            bank_id, section_id = order[(order.index(last) + 1) % len(order)] if last in order else order[0]
            self.start_section(bank_id, section_id)

    def restart_section(self) -> None:
        """Start the last practised section again from its first item."""
        last = str(self.settings_store.value("last_section", "") or "")
        bank_id, _, section_id = last.partition("/")
        if any(b.id == bank_id and any(s.id == section_id for s in b.sections) for b in self.library.banks):
            self.start_section(bank_id, section_id, from_start=True)

    def start_study_now(self) -> None:
        """Due, then learning, then today's new items (the home page's Study now)."""
        if not self.today.study_order:
            self.statusBar().showMessage(T("nothing_today", self.language), 5000)
            return
        self.start_items("today", list(self.today.study_order))

    def start_marked(self) -> None:
        self.start_items("bookmarks", queue_item_ids("marked", self.library, self.store))

    def start_weakest(self) -> None:
        self.start_items("practice", queue_item_ids("weakest", self.library, self.store, limit=20))

    def start_new(self) -> None:
        self.start_items("new", queue_item_ids("new", self.library, self.store, limit=self.settings.new_per_day or None))

    def _update_queue_actions(self) -> None:
        """Menu entries show how many items each queue holds."""
        counts = queue_counts(self.library, self.store)
        for key, queue in (("due", "due"), ("mistakes", "mistakes"), ("marked", "marked"), ("new", "new"),
                           ("weakest", "weakest")):
            self._actions[key].setText(T("queue_count", self.language, label=T(key, self.language), n=counts[queue]))
        self._actions["study_now"].setText(T("queue_count", self.language, label=T("study_now", self.language),
                                             n=len(self.today.study_order)))

    def _home_link(self, url: Any) -> None:
        if url.toString() == STUDY_NOW_URL:
            self.start_study_now()

    def start_review_due(self) -> None:
        from studyapp.progress.session import review_due

        self._run_session(review_due(self.library, self.recorder), T("due", self.language))

    def start_mistakes(self) -> None:
        from studyapp.progress.session import review_mistakes

        self._run_session(review_mistakes(self.library, self.recorder), T("mistakes", self.language))

    def start_random_mix(self) -> None:
        from studyapp.progress.session import random_mix

        self._run_session(random_mix(self.library, 20, seed=random.randrange(1 << 30), recorder=self.recorder), T("mix", self.language))

    def start_items(self, kind: str, item_ids: list[str]) -> None:
        from studyapp.progress.session import StudySession

        items = [i for i in (self.library.item(x) for x in item_ids) if i is not None]
        self._run_session(StudySession(items, kind=kind, recorder=self.recorder), T("review", self.language))

    def open_item(self, item_id: str) -> None:
        """Show one item (in a one-item session) or a code exercise (automation contract)."""
        item = self.library.item(item_id)
        if item is not None:
            from studyapp.progress.session import StudySession

            self._run_session(StudySession([item], kind="custom", recorder=self.recorder), self._section_titles().get(item.section, item.section))
            return
        if self.library.exercise(item_id) is not None:
            self.open_exercise(item_id)
            return
        raise KeyError(item_id)

    def grader(self) -> Any:
        """The sandboxed grader, started on first use (its zygote process costs ~0.2 s)."""
        if self._grader is None and self._grader_factory is not None:
            self._grader = self._grader_factory()
            if self._code is not None:
                self._code.set_grader(self._grader)
        return self._grader

    def open_exercise(self, exercise_id: str) -> None:
        exercise = self.library.exercise(exercise_id)
        if exercise is None:
            raise KeyError(exercise_id)
        self.grader()
        self.code.open_exercise(exercise)
        self.stack.setCurrentWidget(self.code)
        self.code.editor.setFocus()

    def show_home(self) -> None:
        self.stack.setCurrentWidget(self.home)

    def _view_changed(self, _index: int) -> None:
        """Leaving a running exam asks first; "no" goes back to it (its deadline is kept either way)."""
        previous, current = self._previous_view, self.stack.currentWidget()
        exam_view = self._extra_views.get("exam")
        running = exam_view is not None and getattr(exam_view, "exam", None) is not None and not exam_view.exam.submitted
        if previous is exam_view and current is not exam_view and running and not self.confirm_leave_exam():
            self.stack.blockSignals(True)
            self.stack.setCurrentWidget(exam_view)
            self.stack.blockSignals(False)
            return
        self._previous_view = current

    def _ask_leave_exam(self) -> bool:
        answer = QMessageBox.question(self, T("leave_exam_title", self.language), T("leave_exam", self.language))
        return answer == QMessageBox.StandardButton.Yes

    def show_shortcuts(self) -> None:
        from studyapp.ui.shortcuts import shortcuts_markdown

        box = QMessageBox(self)
        box.setObjectName("shortcutsDialog")
        box.setWindowTitle(T("shortcuts", self.language))
        box.setTextFormat(Qt.TextFormat.MarkdownText)
        box.setText(shortcuts_markdown(self.language))
        box.open()

    def _show_extra(self, key: str, factory: Callable[[], QWidget]) -> QWidget | None:
        """Screens built on first use (keeps start-up fast); ``None`` if the screen is not available."""
        if key not in self._extra_views:
            try:
                view = factory()
            except ImportError:
                return None
            self._extra_views[key] = view
            self.stack.addWidget(view)
        view = self._extra_views[key]
        if hasattr(view, "refresh"):
            view.refresh()
        self.stack.setCurrentWidget(view)
        return view

    def show_stats(self) -> None:
        def make() -> QWidget:
            from studyapp.ui.stats_view import StatsView

            return StatsView(self.store, self.library, language=self.language)

        self._show_extra("stats", make)

    def show_review(self) -> None:
        def make() -> QWidget:
            from studyapp.ui.review_view import ReviewView

            view = ReviewView(self.library, self.store, self.recorder, language=self.language)
            view.start_session.connect(self.start_items)
            return view

        self._show_extra("review", make)

    def show_exam(self) -> None:
        def make() -> QWidget:
            from studyapp.ui.exam_view import ExamView

            view = ExamView(self.library, self.store, language=self.language, recorder=self.recorder,
                            schedule=self.settings.exam_scheduling)
            if hasattr(view, "finished"):
                view.finished.connect(lambda *_: self._refresh_progress())
            view.practise_items.connect(self.start_items)
            return view

        self._show_extra("exam", make)

    def show_lab(self) -> None:
        def make() -> QWidget:
            from studyapp.ui.lab_view import LabView

            return LabView(language=self.language)

        self._show_extra("lab", make)

    # --- files and settings -------------------------------------------------------------------
    def export_progress(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, T("export", self.language), "studyapp-progress.json", "JSON (*.json)")
        if path:
            from studyapp.progress.store.transfer import write_export

            try:
                write_export(self.store, path, indent=1)
            except (OSError, StoreError) as exc:
                QMessageBox.warning(self, T("export", self.language), T("export_failed", self.language, path=path, error=str(exc)))
                return
            self.statusBar().showMessage(T("exported", self.language, path=path), 5000)

    def import_progress(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, T("import", self.language), "", "JSON (*.json)")
        if path:
            from studyapp.progress.store import read_export

            try:
                report = self.store.import_data(read_export(path), items={i.id for i in self.library.items()},
                                                exercises={e.id for e in self.library.exercises()})
            except (OSError, StoreError) as exc:
                QMessageBox.warning(self, T("import", self.language), T("import_failed", self.language, path=path, error=str(exc)))
                return
            QMessageBox.information(self, T("import", self.language), report.summary())
            self.statusBar().showMessage(T("imported", self.language, summary=", ".join(f"{k} {v}" for k, v in report.items())), 8000)
            self._populate()

    def reload_content(self) -> None:
        if self._reload_library is not None:
            self.library = self._reload_library()
            self._populate()

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec():
            self.apply_settings(dialog.settings())

    def apply_settings(self, settings: Settings) -> None:
        changed_language = settings.language != self.language
        self.settings = settings
        self.settings_store.save(settings)
        apply_appearance(settings)
        if self._code is not None:
            self._code.reveal_policy = settings.reveal_policy
            self._code.editor.highlighter.set_dark(settings.theme == "dark")
        if changed_language:
            self.retranslate(settings.language)

    def show_about(self) -> None:
        QMessageBox.about(self, T("about", self.language), self.about_text())

    def about_text(self) -> str:
        return T("about_text", self.language) + "\n\n" + T("about_version", self.language, version=__version__)

    # --- state ---------------------------------------------------------------------------------
    def _restore_state(self) -> None:
        geometry = self.settings_store.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self.settings_store.value("window_state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        self.problems_dock.setVisible(bool(self.library.problems))
        last = str(self.settings_store.value("last_section", "") or "")
        self._select_tree_node(("section", *last.split("/", 1)) if "/" in last else None)

    def _select_tree_node(self, target: tuple | None) -> None:
        if target is None:
            return
        for top in range(self.section_tree.topLevelItemCount()):
            parent = self.section_tree.topLevelItem(top)
            for row in range(parent.childCount()):
                if parent.child(row).data(0, ROLE) == target:
                    self.section_tree.setCurrentItem(parent.child(row))
                    return

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self._code is not None:
            self._code.flush_draft()
            if self._code.is_grading:
                self._code.cancel()
        self.settings_store.set_value("geometry", self.saveGeometry())
        self.settings_store.set_value("window_state", self.saveState())
        if self._grader is not None:
            self._grader.close()
            self._grader = None
        super().closeEvent(event)
