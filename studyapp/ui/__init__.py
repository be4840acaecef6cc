"""The Qt (PySide6) user interface: the only package that imports Qt.

Widgets take core objects (Library, Store, Grader) in their constructors;
there is no global application object. ``create_main_window`` is the
automation contract documented in the README.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from studyapp.ui.main_window import MainWindow

# A write waits this long for another program's lock, then stays pending and the banner retries it:
# the window never freezes for longer.
UI_BUSY_TIMEOUT_S = 0.02


def create_main_window(data_dir: str | None = None, content_dirs: Sequence[str] | None = None, language: str | None = "en") -> "MainWindow":
    """Build the main window over the content and the learner's data (a QApplication must exist).

    ``language`` overrides the saved setting (``None`` keeps the saved one).
    """
    from studyapp.content.loader import load_library
    from studyapp.paths import cache_dir, data_dir as resolve_data_dir
    from studyapp.progress.store import Store
    from studyapp.ui.main_window import MainWindow
    from studyapp.ui.settings import SettingsStore, apply_appearance

    directory = resolve_data_dir(data_dir)
    dirs = list(content_dirs) if content_dirs else None
    library = load_library(dirs)
    store = Store.open(directory, busy_timeout=UI_BUSY_TIMEOUT_S)
    settings_store = SettingsStore(directory)
    settings = settings_store.load(language)
    apply_appearance(settings)

    def start_grader():
        from studyapp.grading import BackendUnavailable, Grader

        grader = Grader(library)
        try:
            return grader.start()
        except BackendUnavailable:
            return grader  # not started: each Grade retries and the code view says why it cannot run

    return MainWindow(library, store, settings_store, settings, grader_factory=start_grader,
                      image_dir=cache_dir() / "math", reload_library=lambda: load_library(dirs))


__all__ = ["create_main_window"]
