"""``studyapp install-desktop`` and ``--version`` (core: no Qt needed)."""
from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

from studyapp import __version__
from studyapp.cli import main

REPO = Path(__file__).resolve().parents[1]


def test_install_desktop_writes_a_valid_entry_and_the_icon(tmp_path, capsys):
    assert main(["install-desktop", "--target", str(tmp_path)]) == 0
    entry = tmp_path / "applications" / "studyapp.desktop"
    icon = tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "studyapp.svg"
    assert capsys.readouterr().out.split() == [str(entry), str(icon)]
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in .desktop files
    parser.read(entry, encoding="utf-8")
    desktop = parser["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Icon"] == "studyapp" and desktop["Terminal"] == "false"
    assert desktop["Exec"].endswith("studyapp-gui")
    assert icon.read_text(encoding="utf-8").lstrip().startswith("<?xml") and "<svg" in icon.read_text(encoding="utf-8")


def test_version_flags(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"studyapp {__version__}"
    gui = subprocess.run([sys.executable, "main.py", "--version"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert gui.returncode == 0 and gui.stdout.strip() == f"studyapp {__version__}"


def test_too_old_python_is_refused_with_a_plain_message(monkeypatch):
    import importlib

    import pytest

    import studyapp

    monkeypatch.setattr(sys, "version_info", (3, 9, 18, "final", 0))
    with pytest.raises(SystemExit, match="needs Python 3.10 or newer"):
        importlib.reload(studyapp)
    monkeypatch.undo()
    importlib.reload(studyapp)
