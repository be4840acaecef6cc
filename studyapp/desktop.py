"""Desktop integration without Qt: the bundled icon and .desktop entry, their installation
(``studyapp install-desktop``), and the rotating log file in the data dir.

Kept in the core so the command line can install the launcher without importing Qt.
"""
from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import shutil
import sys
from importlib import resources
from pathlib import Path

from studyapp import __version__

LOG_NAME = "studyapp.log"
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 3


def asset(name: str) -> Path:
    """A file shipped in ``studyapp/assets`` (package data)."""
    return Path(str(resources.files("studyapp") / "assets" / name))


def icon_path() -> Path:
    return asset("studyapp.svg")


def log_path(data_dir: Path) -> Path:
    return data_dir / "logs" / LOG_NAME


def current_log_file() -> Path | None:
    """The file the ``studyapp`` loggers write to, once :func:`setup_logging` ran (else ``None``)."""
    for handler in logging.getLogger("studyapp").handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            return Path(handler.baseFilename)
    return None


def setup_logging(data_dir: Path) -> Path:
    """Send the ``studyapp`` loggers to a rotating file in the data dir; returns its path.

    A data dir that cannot be written (read-only, full) logs to the cache dir instead, so a
    start-up never fails for the log's sake. Calling it again for the same file adds no handler.
    """
    from studyapp.paths import cache_dir

    logger = logging.getLogger("studyapp")
    logger.setLevel(logging.INFO)
    for path in (log_path(data_dir), log_path(cache_dir())):
        for handler in logger.handlers:
            if isinstance(handler, logging.handlers.RotatingFileHandler) and Path(handler.baseFilename) == path.resolve():
                return path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
        except OSError:
            continue
        break
    else:
        logger.addHandler(logging.StreamHandler() if sys.stderr is not None else logging.NullHandler())
        return path
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(process)d]: %(message)s"))
    logger.addHandler(handler)
    logger.info("studyapp %s started", __version__)
    return path


def xdg_data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def install_desktop(target: Path | None = None) -> list[Path]:
    """Install the .desktop entry and the icon under ``target`` (default ``$XDG_DATA_HOME``)."""
    root = target or xdg_data_home()
    entry = root / "applications" / "studyapp.desktop"
    icon = root / "icons" / "hicolor" / "scalable" / "apps" / "studyapp.svg"
    for destination in (entry, icon):
        destination.parent.mkdir(parents=True, exist_ok=True)
    gui = shutil.which("studyapp-gui")
    text = asset("studyapp.desktop").read_text(encoding="utf-8")
    if gui:  # an absolute Exec works even when the venv's bin/ is not on the desktop session's PATH
        text = text.replace("Exec=studyapp-gui", f"Exec={gui}")
    entry.write_text(text, encoding="utf-8")
    shutil.copyfile(icon_path(), icon)
    return [entry, icon]


def _install_desktop_command(args: argparse.Namespace) -> int:
    for path in install_desktop(Path(args.target) if args.target else None):
        print(path)
    return 0


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("install-desktop", help="install the .desktop launcher and icon (Linux desktops)")
    parser.add_argument("--target", metavar="DIR", help="data root to install into (default: $XDG_DATA_HOME or ~/.local/share)")
    parser.set_defaults(func=_install_desktop_command)
