"""Where things live: bundled content, the learner's data and the load cache.

Each location can be overridden by an environment variable so tests and
portable installs never touch the real user directories.
"""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

APP_NAME = "studyapp"


def bundled_content_dir() -> Path:
    """The bundled banks: the package data ``studyapp/_content`` of a wheel or regular install, else
    the repository's top-level ``content/`` (a source checkout or an editable install, so authors
    see their edits). The build copies ``content/`` into the package (``setup.py``).
    """
    packaged = resources.files(__package__ or APP_NAME) / "_content"
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "content"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The learner's data directory: ``override``, else ``$STUDYAPP_DATA_DIR``, else the platform's."""
    chosen = override or os.environ.get("STUDYAPP_DATA_DIR")
    path = Path(chosen) if chosen else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)  # progress and drafts are the learner's alone
    return path


def cache_dir() -> Path:
    """Cache of parsed banks (plain JSON): ``$STUDYAPP_CACHE_DIR`` or the platform's cache dir."""
    chosen = os.environ.get("STUDYAPP_CACHE_DIR")
    return Path(chosen) if chosen else Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
