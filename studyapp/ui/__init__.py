"""The Qt (PySide6) user interface: the only package that imports Qt.

Widgets take core objects (Library, stores, graders) in their constructors;
there is no global application object.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from studyapp.ui.main_window import MainWindow


def create_main_window(data_dir: str | None = None, content_dirs: Sequence[str] | None = None, language: str = "en") -> "MainWindow":
    """Build the main window (a QApplication must exist). See the README's automation contract."""
    from studyapp.content.loader import load_library
    from studyapp.ui.main_window import MainWindow

    library = load_library(list(content_dirs) if content_dirs else None)
    return MainWindow(library, language=language, data_dir=data_dir)


__all__ = ["create_main_window"]
