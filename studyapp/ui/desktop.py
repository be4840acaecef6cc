"""Qt side of the desktop app: the window icon, the crash reporter and the one-instance guard.

A crash must never vanish (a ``studyapp-gui`` window on Windows has no stderr): every uncaught
exception, in a slot, the main thread or a worker thread, is logged and shown in a dialog that
names the log file. Two instances on one data dir would overwrite each other's drafts and
settings, so the second one hands over to the first and exits.
"""
from __future__ import annotations

import faulthandler
import hashlib
import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import IO, Callable

from PySide6.QtCore import QLockFile, QObject, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from studyapp import __version__
from studyapp.desktop import icon_path
from studyapp.ui.i18n import Catalog

T = Catalog("desktop", {
    "crash_title": {"en": "Unexpected error", "ja": "予期しないエラー"},
    "crash_text": {"en": "Something went wrong: {error}\n\nYour progress so far is saved. The details are in the log file:\n{log}",
                   "ja": "問題が発生しました：{error}\n\nここまでの学習記録は保存されています。詳細はログファイルにあります：\n{log}"},
    "already_running": {"en": "studyapp is already running for the data folder {path}; switched to that window.",
                        "ja": "データフォルダ {path} の studyapp はすでに起動しています。そのウィンドウに切り替えました。"},
    "already_running_no_answer": {"en": "studyapp is already running for the data folder {path}. Close it first, or use another --data-dir.",
                                  "ja": "データフォルダ {path} の studyapp はすでに起動しています。先に閉じるか、別の --data-dir を指定してください。"},
})

log = logging.getLogger("studyapp.ui")
RAISE_REQUEST = b"raise\n"

# Qt writes Cmd as "Ctrl" on macOS, where Cmd+H hides the app and Cmd+M minimizes the window.
SHORTCUT_PLATFORM = sys.platform
MACOS_RESERVED = {"Ctrl+H": "Ctrl+Shift+H", "Ctrl+M": "Ctrl+Shift+M"}


def platform_shortcut(text: str) -> str:
    """``text`` as a shortcut that does not collide with the system's on this platform."""
    return MACOS_RESERVED.get(text, text) if SHORTCUT_PLATFORM == "darwin" else text


def prepare_application(app: QApplication) -> None:
    """Names, version and icon for the whole application (every window and dialog inherits the icon)."""
    app.setApplicationName("studyapp")
    app.setApplicationDisplayName("studyapp")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("studyapp")
    app.setWindowIcon(app_icon())


def app_icon() -> QIcon:
    return QIcon(str(icon_path()))


class CrashReporter(QObject):
    """Installs ``sys.excepthook`` and ``threading.excepthook`` and ``faulthandler``; each
    exception is logged, then shown (on the GUI thread, through a queued signal) in a dialog."""

    reported = Signal(str)

    def __init__(self, log_file: Path, language: Callable[[], str]) -> None:
        super().__init__()
        self.log_file = log_file
        self.language = language
        self.dialogs: list[QMessageBox] = []
        self._previous: tuple = ()
        self._fault_stream: IO[str] | None = None
        self.reported.connect(self._show)

    def install(self) -> "CrashReporter":
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook
        try:  # kept open: faulthandler writes to it when the interpreter itself crashes
            self._fault_stream = open(self.log_file.with_name("faults.log"), "a", encoding="utf-8")  # noqa: SIM115
        except OSError:
            self._fault_stream = None
        if self._fault_stream is not None or sys.stderr is not None:
            faulthandler.enable(self._fault_stream or sys.stderr)
        return self

    def uninstall(self) -> None:
        if self._previous:
            sys.excepthook, threading.excepthook = self._previous
        faulthandler.disable()
        if self._fault_stream is not None:
            self._fault_stream.close()
            self._fault_stream = None

    def _excepthook(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        self.report(kind, error, tb)

    def _thread_excepthook(self, hook_args: threading.ExceptHookArgs) -> None:
        if hook_args.exc_type is SystemExit:
            return
        self.report(hook_args.exc_type, hook_args.exc_value or hook_args.exc_type(), hook_args.exc_traceback)

    def report(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        log.error("uncaught exception\n%s", "".join(traceback.format_exception(kind, error, tb)).rstrip())
        self.reported.emit(f"{kind.__name__}: {error}")

    def _show(self, summary: str) -> None:
        language = self.language()
        box = QMessageBox(QMessageBox.Icon.Critical, T("crash_title", language), T("crash_text", language, error=summary, log=self.log_file))
        box.setWindowIcon(app_icon())
        box.open()  # window-modal at most: the app keeps running and the learner can save work
        self.dialogs = [d for d in self.dialogs if d.isVisible()] + [box]


def server_name(data_dir: Path) -> str:
    """A local-socket name unique to the data dir (and short enough for every OS)."""
    return "studyapp-" + hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:20]


class SingleInstance:
    """A ``QLockFile`` in the data dir; the holder listens on a local socket for "raise" requests."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.lock = QLockFile(str(data_dir / "studyapp.lock"))
        self.lock.setStaleLockTime(0)  # stale only when the owning process is gone (a crash)
        self.server: QLocalServer | None = None

    def acquire(self) -> bool:
        """False only when another live process holds the lock. A lock file that cannot be
        created (a read-only data dir, where nothing can be overwritten anyway) does not block."""
        if self.lock.tryLock(200):
            return True
        if self.lock.error() == QLockFile.LockError.LockFailedError:
            return False
        log.warning("no instance lock in %s (%s); going on without it", self.data_dir, self.lock.error().name)
        return True

    def ask_running_to_raise(self, timeout_ms: int = 1500) -> bool:
        socket = QLocalSocket()
        socket.connectToServer(server_name(self.data_dir))
        if not socket.waitForConnected(timeout_ms):
            return False
        socket.write(RAISE_REQUEST)
        sent = socket.waitForBytesWritten(timeout_ms)
        socket.disconnectFromServer()
        return sent

    def serve(self, window: QWidget) -> None:
        """Bring ``window`` forward whenever a second launch asks."""
        name = server_name(self.data_dir)
        QLocalServer.removeServer(name)  # a leftover socket of a crashed run
        self.server = QLocalServer()
        self.server.listen(name)

        def on_connection() -> None:
            while self.server is not None and self.server.hasPendingConnections():
                connection = self.server.nextPendingConnection()
                connection.readyRead.connect(lambda c=connection: self._raise_if_asked(c, window))

        self.server.newConnection.connect(on_connection)

    @staticmethod
    def _raise_if_asked(connection: QLocalSocket, window: QWidget) -> None:
        if bytes(connection.readAll().data()).startswith(RAISE_REQUEST.strip()):
            log.info("a second launch asked for this window")
            window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
            window.show()
            window.raise_()
            window.activateWindow()
            window.setProperty("raise_requests", int(window.property("raise_requests") or 0) + 1)
        connection.disconnectFromServer()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        self.lock.unlock()
