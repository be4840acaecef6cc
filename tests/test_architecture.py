"""The core never imports Qt: only studyapp.ui may (napari-style contract, checked two ways)."""
from __future__ import annotations

import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import studyapp

ROOT = Path(__file__).resolve().parents[1]


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(studyapp.__path__, prefix="studyapp."):
        if info.name.endswith("__main__") or info.name == "studyapp.ui" or info.name.startswith("studyapp.ui."):
            continue
        names.append(info.name)
    return names


def test_core_imports_with_pyside6_blocked() -> None:
    """Import every core module in a fresh interpreter where importing PySide6 fails."""
    script = (
        "import sys, importlib\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6'):\n"
        "            raise ImportError('Qt is blocked in the core: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")


def test_core_module_list_is_not_empty() -> None:
    modules = core_modules()
    assert "studyapp.content.loader" in modules and "studyapp.cli" in modules


@pytest.mark.skipif(shutil.which("lint-imports") is None, reason="import-linter not installed")
def test_import_linter_contract() -> None:
    result = subprocess.run(["lint-imports"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
