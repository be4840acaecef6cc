"""Application entry point: ``python main.py`` or the ``studyapp-gui`` script."""
from __future__ import annotations

import argparse
import sys
from typing import Sequence


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="studyapp-gui", description="Open the studyapp desktop app.")
    parser.add_argument("--data-dir", metavar="DIR", help="where progress is stored (default: $STUDYAPP_DATA_DIR or the user data dir)")
    parser.add_argument("--content", action="append", metavar="DIR", help="content directory (repeatable; default: bundled content/)")
    parser.add_argument("--language", choices=("en", "ja"), default=None, help="UI and content language (default: the saved setting)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from PySide6.QtWidgets import QApplication

    from studyapp.ui import create_main_window

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("studyapp")
    app.setApplicationDisplayName("studyapp")
    window = create_main_window(args.data_dir, args.content, args.language)
    window.show()
    from PySide6.QtCore import QTimer

    from studyapp.ui.mathimage import warm_up_in_background

    QTimer.singleShot(300, warm_up_in_background)  # after the first paint: mathtext's import must not delay start-up
    code = app.exec()
    window.store.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
