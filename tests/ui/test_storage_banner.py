"""Storage errors reach the learner: a banner says what is wrong, nothing blocks, and the work is saved later."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton

from studyapp.progress.store import Store
from studyapp.ui import create_main_window
from studyapp.ui.storage_banner import T as BANNER
from tests.progress.faults import read_only, write_lock_held

STARTER = Path(__file__).resolve().parents[1] / "content" / "fixtures" / "starter.yaml"
LOCK_SECONDS = 15.0


def _window(qtbot, data: Path, language: str = "en"):
    window = create_main_window(str(data), [str(STARTER)], language=language)
    qtbot.addWidget(window)
    window.show()
    return window


def _store_seconds(window, action) -> float:
    """Seconds the UI thread spent inside the store's writes during ``action`` (the part a lock could stretch)."""
    store = window.store
    spent = [0.0]
    real = store._durable

    def timed(*args):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return real(*args)
        finally:
            spent[0] += time.perf_counter() - start

    store._durable = timed
    try:
        action()
    finally:
        del store._durable
    return spent[0]


def _answer_one(window) -> float:
    """Answer the first item of the LSTM section; the seconds Submit spent writing."""
    window.start_section("starter", "starter-lstm")
    quiz = window.quiz
    quiz.findChild(QPushButton, f"choice{quiz.display_order.index(1)}").click()
    return _store_seconds(window, quiz.submit)


def _edit_draft(window, text: str) -> float:
    code = window.code
    code.open_exercise(window.library.exercise("starter_gru_cell_forward"))
    code.editor.setPlainText(text)
    return _store_seconds(window, code.save_draft)


@pytest.mark.slow
def test_write_lock_held_15_s_the_answer_and_draft_survive_and_are_flushed(qtbot, tmp_path) -> None:
    data = tmp_path / "data"
    window = _window(qtbot, data)
    window.code.open_exercise(window.library.exercise("starter_gru_cell_forward"))  # build the views before timing
    banner = window.storage_banner
    assert not banner.isVisible()
    with write_lock_held(data / "progress.sqlite3", LOCK_SECONDS):
        held_from = time.monotonic()
        assert _answer_one(window) < 0.1  # the UI never waits for the lock
        assert _edit_draft(window, "# my draft\n") < 0.1
        assert window.store.pending_count() >= 2  # the answer, the draft (reopening the exercise saves one too)
        assert banner.isVisible() and banner.label.text().startswith(BANNER("locked", "en"))
        window.retranslate("ja")
        assert banner.label.text().startswith(BANNER("locked", "ja"))
        assert window.code.store.load_draft("starter_gru_cell_forward") == "# my draft\n"  # the draft is there
        qtbot.wait(500)  # retries run on the timer while the lock is held; each is short
        assert banner.isVisible() and time.monotonic() - held_from < LOCK_SECONDS
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=10_000)  # flushed by the retry timer
    assert window.store.pending_count() == 0
    with Store.open(data) as check:
        assert [a.item_id for a in check.attempts()] == [window.quiz.instance.id]
        assert check.card(f"item:{window.quiz.instance.id}") is not None
        assert check.load_draft("starter_gru_cell_forward") == "# my draft\n"


def test_read_only_data_folder_opens_and_says_so(qtbot, tmp_path) -> None:
    data = tmp_path / "data"
    with Store.open(data):
        pass
    with read_only(data):
        window = _window(qtbot, data, language="ja")
        assert window.store.read_only
        banner = window.storage_banner
        assert banner.isVisible() and banner.label.text().startswith(BANNER("read_only", "ja"))
        window.show_stats()
        window.show_review()
        assert _answer_one(window) < 0.1
        assert window.store.pending_count() == 1
        window.close()
        window.store.close()
    with Store.open(data) as store:  # the journal is written once the folder is writable again
        assert store.attempt_count() == 1 and store.pending_count() == 0


def test_recovery_notice_is_non_modal_and_dismissable(qtbot, tmp_path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "progress.sqlite3").write_bytes(b"not a database" * 100)
    window = _window(qtbot, data)
    banner = window.storage_banner
    assert banner.isVisible() and "moved aside" in banner.label.text()
    banner.dismiss_button.click()
    assert not banner.isVisible()


def test_check_database_action_reports(qtbot, tmp_path, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    window = _window(qtbot, tmp_path / "data")
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: shown.append((title, text)))
    window._actions["check_db"].trigger()
    assert shown and shown[0][0] == "Check database" and "integrity check: ok" in shown[0][1]
