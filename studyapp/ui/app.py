"""Application entry point: ``python main.py`` or the ``studyapp-gui`` script.

Start-up order: log file and crash reporter first (so nothing after them fails silently), then
the one-instance lock on the data dir, then the window.
"""
from __future__ import annotations

import argparse
import logging
import sys
from typing import Sequence

from studyapp import __version__


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="studyapp-gui", description="Open the studyapp desktop app.")
    parser.add_argument("--version", action="version", version=f"studyapp {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="where progress is stored (default: $STUDYAPP_DATA_DIR or the user data dir)")
    parser.add_argument("--content", action="append", metavar="DIR", help="content directory (repeatable; default: bundled content/)")
    parser.add_argument("--language", choices=("en", "ja"), default=None, help="UI and content language (default: the saved setting)")
    parser.add_argument("--smoke", action="store_true", help="open the window, print what was loaded and quit (an install check)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from PySide6.QtWidgets import QApplication

    from studyapp.desktop import setup_logging
    from studyapp.paths import data_dir
    from studyapp.ui import create_main_window
    from studyapp.ui.desktop import T, CrashReporter, SingleInstance, prepare_application

    app = QApplication.instance() or QApplication(sys.argv[:1])
    prepare_application(app)
    directory = data_dir(args.data_dir)
    log_file = setup_logging(directory)
    window = None
    reporter = CrashReporter(log_file, lambda: window.language if window is not None else (args.language or "en")).install()
    instance = SingleInstance(directory)
    if not instance.acquire():
        language = args.language or "en"
        raised = instance.ask_running_to_raise()
        message = T("already_running" if raised else "already_running_no_answer", language, path=directory)
        if sys.stderr is not None:
            print(message, file=sys.stderr)
        elif not raised:  # a windowed launch (no console): the learner would otherwise see nothing
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.information(None, "studyapp", message)
        logging.getLogger("studyapp.ui").info("second launch on %s: handed over", directory)
        reporter.uninstall()
        return 0
    try:
        window = create_main_window(args.data_dir, args.content, args.language)
        instance.serve(window)
        window.show()
        from PySide6.QtCore import QTimer

        from studyapp.ui.mathimage import warm_up_in_background

        QTimer.singleShot(300, warm_up_in_background)  # after the first paint: mathtext's import must not delay start-up
        if args.smoke:
            app.processEvents()
            print(f"studyapp {__version__}: items={len(window.library.items())} exercises={len(window.library.exercises())}")
            window.close()
            code = 0
        else:
            code = app.exec()
        window.store.close()
        return code
    finally:
        instance.release()
        reporter.uninstall()


if __name__ == "__main__":
    sys.exit(main())
