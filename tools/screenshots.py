"""Take the README screenshots: run under Xvfb, e.g. ``xvfb-run -a python tools/screenshots.py``.

Each view is built over the bundled content with a throwaway data dir and
saved with ``QWidget.grab()`` to ``docs/screenshots/<view>_<lang>.png``.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtWidgets import QApplication

    from studyapp.ui import create_main_window

    app = QApplication.instance() or QApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data:
        for language in ("en", "ja"):
            window = create_main_window(data, None, language)
            window.resize(1200, 760)
            window.show()
            first_item = next(iter(window.library.items()), None)
            if first_item is not None:
                window.open_item(first_item.id)
            for _ in range(5):
                app.processEvents()
            path = OUT / f"main_{language}.png"
            window.grab().save(str(path))
            print(path.relative_to(ROOT))
            window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
