"""Desktop behaviour: crashes are logged and shown, one instance per data dir, icon, version and
shortcuts that do not collide with macOS's."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from studyapp import __version__
from studyapp.desktop import setup_logging
from studyapp.ui import create_main_window, desktop
from studyapp.ui.desktop import CrashReporter, SingleInstance, prepare_application

REPO = Path(__file__).resolve().parents[2]
STARTER = REPO / "tests" / "content" / "fixtures" / "starter.yaml"


@pytest.fixture
def reporter(tmp_path):
    installed = CrashReporter(setup_logging(tmp_path / "data"), lambda: "ja").install()
    yield installed
    installed.uninstall()
    for dialog in installed.dialogs:
        dialog.close()


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_slot_is_logged_and_shown(qtbot, reporter):
    button = QPushButton()
    qtbot.addWidget(button)

    def broken_slot() -> None:
        raise RuntimeError("slot exploded 4711")

    button.clicked.connect(broken_slot)
    button.click()
    qtbot.waitUntil(lambda: bool(reporter.dialogs), timeout=3000)
    dialog = reporter.dialogs[-1]
    assert dialog.isVisible() and dialog.icon() == QMessageBox.Icon.Critical
    assert "slot exploded 4711" in dialog.text() and str(reporter.log_file) in dialog.text()
    assert "予期しないエラー" == dialog.windowTitle()  # the reporter's language
    logged = reporter.log_file.read_text(encoding="utf-8")
    assert "RuntimeError: slot exploded 4711" in logged and "broken_slot" in logged  # with the traceback


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_worker_thread_is_logged_and_shown(qtbot, reporter):
    worker = threading.Thread(target=lambda: 1 / 0, name="worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(reporter.dialogs), timeout=3000)
    assert "ZeroDivisionError" in reporter.dialogs[-1].text()
    assert "ZeroDivisionError" in reporter.log_file.read_text(encoding="utf-8")


def _window(qtbot, data: Path):
    window = create_main_window(str(data), [str(STARTER)], language="en")
    qtbot.addWidget(window)
    window.show()
    return window


def test_second_launch_hands_over_and_exits_quickly_keeping_the_draft(qtbot, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    instance = SingleInstance(data)
    assert instance.acquire()
    window = _window(qtbot, data)
    instance.serve(window)
    try:
        window.open_item("starter_gru_cell_forward")
        draft = "import numpy as np\n\ndef gru_cell_forward(*args):\n    return 'my draft'\n"
        window.code.editor.setPlainText(draft)
        window.code.flush_draft()
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        started = time.monotonic()
        second = subprocess.Popen([sys.executable, "main.py", "--data-dir", str(data), "--content", str(STARTER)],
                                  cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=5000)  # keeps the first's event loop running
        elapsed = time.monotonic() - started
        _, err = second.communicate()
        assert second.returncode == 0, err
        assert elapsed < 5
        assert "already running" in err and str(data) in err
        qtbot.waitUntil(lambda: window.property("raise_requests") == 1, timeout=2000)
        assert window.code.editor.toPlainText() == draft
        assert window.store.load_draft("starter_gru_cell_forward") == draft
    finally:
        instance.release()


def test_lock_is_free_again_after_release(tmp_path):
    first, second = SingleInstance(tmp_path), SingleInstance(tmp_path)
    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()


def test_icon_on_windows_and_version_in_about(qtbot, tmp_path):
    prepare_application(QApplication.instance())
    window = _window(qtbot, tmp_path / "data")
    assert not window.windowIcon().isNull() and not window.windowIcon().pixmap(32).isNull()  # the SVG renders
    box = QMessageBox(window)
    assert not box.windowIcon().isNull()
    assert QApplication.applicationVersion() == __version__
    assert f"Version {__version__}" in window.about_text()


@pytest.mark.parametrize("platform", ["darwin", "linux", "win32"])
def test_shortcuts_are_unique_and_avoid_macos_hide_and_minimize(qtbot, tmp_path, monkeypatch, platform):
    monkeypatch.setattr(desktop, "SHORTCUT_PLATFORM", platform)
    window = _window(qtbot, tmp_path / "data")
    keys = [action.shortcut().toString() for action in window._actions.values() if not action.shortcut().isEmpty()]
    assert len(keys) == len(set(keys)), keys
    if platform == "darwin":
        assert "Ctrl+H" not in keys and "Ctrl+M" not in keys  # Cmd+H hides the app, Cmd+M minimizes
        assert {"Ctrl+Shift+H", "Ctrl+Shift+M"} <= set(keys)
    else:
        assert {"Ctrl+H", "Ctrl+M"} <= set(keys)


def test_unwritable_data_dir_does_not_block_the_start(tmp_path, monkeypatch):
    """A data dir where no file can be created (here a path under a regular file, so the test
    also holds as root): no instance lock and the log goes to the cache dir, but the app starts."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("", encoding="utf-8")
    data = blocker / "data"
    monkeypatch.setenv("STUDYAPP_CACHE_DIR", str(tmp_path / "cache"))
    assert SingleInstance(data).acquire()
    assert setup_logging(data).is_relative_to(tmp_path / "cache")


def test_desktop_strings_exist_in_both_languages():
    assert desktop.T.missing() == []
