"""A non-modal banner that says when progress cannot be saved, and keeps retrying.

The store keeps writes it could not make (locked by another program,
read-only, full disk) as pending; this banner shows why, how many wait,
and retries them every few seconds until they are written. The store may
report from a grading thread, so its callback only emits a signal.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from studyapp.progress.store import Store
from studyapp.ui.i18n import Catalog

RETRY_MS = 2000

T = Catalog(
    "storage_banner",
    {
        "locked": {"en": "Progress is not saved yet: another program is using the progress file.",
                   "ja": "学習記録はまだ保存されていません: 別のプログラムが記録ファイルを使用中です。"},
        "read_only": {"en": "Progress cannot be saved: the progress file or its folder is read-only.",
                      "ja": "学習記録を保存できません: 記録ファイルまたはフォルダが読み取り専用です。"},
        "disk_full": {"en": "Progress cannot be saved: the disk is full.",
                      "ja": "学習記録を保存できません: ディスクがいっぱいです。"},
        "io_error": {"en": "Progress cannot be saved: the progress file cannot be written.",
                     "ja": "学習記録を保存できません: 記録ファイルに書き込めません。"},
        "pending": {"en": " {n} change(s) are kept and will be saved when possible.",
                    "ja": " 変更 {n} 件は保持され、可能になり次第保存されます。"},
        "retry": {"en": "Retry now", "ja": "今すぐ再試行"},
        "dismiss": {"en": "Dismiss", "ja": "閉じる"},
        "check_ok": {"en": "The database is healthy.", "ja": "データベースは正常です。"},
        "check_repaired": {"en": "Problems were found and repaired as far as possible.", "ja": "問題が見つかり、可能な範囲で修復しました。"},
        "check_error": {"en": "The check could not run: {error}", "ja": "検査を実行できませんでした: {error}"},
    },
)


class _Relay(QObject):
    changed = Signal()


def check_database_report(store: Store, language: str) -> str:
    """Run Tools → Check database and say in the learner's language what it found (details in English below)."""
    try:
        lines = store.check_database()
    except Exception as exc:  # noqa: BLE001 - a check must report, never crash the window
        return T("check_error", language, error=str(exc))
    healthy = lines and lines[0] == "integrity check: ok" and lines[-1] == "values out of range: none"
    return T("check_ok" if healthy else "check_repaired", language) + "\n\n" + "\n".join(lines)


class StorageBanner(QFrame):
    """Hidden while writes succeed; otherwise a one-line message and a retry button.

    It also carries notices (a database that was repaired at start-up), until dismissed.
    """

    notice_requested = Signal(str)  # thread-safe way to show a notice

    def __init__(self, store: Store, language: str = "en") -> None:
        super().__init__(objectName="storageBanner")
        self.store = store
        self.language = language
        self.setStyleSheet("#storageBanner { background: #fff3cd; color: #664d03; border-bottom: 1px solid #e0c36a; }")
        self.label = QLabel(objectName="storageBannerText")
        self.label.setWordWrap(True)
        self.retry_button = QPushButton(objectName="storageRetry")
        self.retry_button.clicked.connect(self.retry)
        self.dismiss_button = QPushButton(objectName="storageDismiss")
        self.dismiss_button.clicked.connect(self.dismiss)
        self.notice = ""
        self.notice_requested.connect(self.show_notice)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.retry_button)
        layout.addWidget(self.dismiss_button)
        self.timer = QTimer(self, interval=RETRY_MS)
        self.timer.timeout.connect(self.retry)
        self._relay = _Relay(self)
        self._relay.changed.connect(self.refresh)
        store.add_listener(self._relay.changed.emit)
        self.refresh()

    def retranslate(self, language: str) -> None:
        self.language = language
        self.refresh()

    def show_notice(self, text: str) -> None:
        self.notice = text
        self.refresh()

    def dismiss(self) -> None:
        self.notice = ""
        self.refresh()

    def retry(self) -> None:
        """One attempt to write what is pending (each write waits at most the store's short busy timeout)."""
        if self.store.pending_count() and not self.store.read_only:
            self.store.flush_pending()
        self.refresh()

    def refresh(self) -> None:
        problem = self.store.write_problem
        pending = self.store.pending_count()
        self.dismiss_button.setText(T("dismiss", self.language))
        if problem is None and not pending:
            self.timer.stop()
            self.retry_button.hide()
            self.dismiss_button.setVisible(bool(self.notice))
            self.label.setText(self.notice)
            self.setVisible(bool(self.notice))
            return
        self.dismiss_button.hide()
        text = T(problem or "io_error", self.language)
        if pending:
            text += T("pending", self.language, n=pending)
        if self.notice:
            text += "\n" + self.notice
        self.label.setText(text)
        self.label.setToolTip(self.store.write_problem_detail)
        self.retry_button.setText(T("retry", self.language))
        self.retry_button.setVisible(bool(pending) and not self.store.read_only)
        self.show()
        if pending and not self.store.read_only and not self.timer.isActive():
            self.timer.start()
