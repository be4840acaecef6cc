"""A built wheel carries the banks: installed into a fresh venv and run from a temporary directory,
``studyapp list``, ``studyapp grade`` and the GUI see every bundled item without the source tree.

The venv uses ``--system-site-packages`` so the dependencies already installed here are reused
(nothing is downloaded, torch is not installed); the wheel itself goes in with ``--no-deps``. The
test asserts that ``studyapp`` is imported from the venv, not from the editable checkout.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from studyapp.content.loader import load_library

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
BUILD_INPUTS = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "studyapp", "content")


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    for name in BUILD_INPUTS:  # build from a copy so the checkout is not touched (no build/ left behind)
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "_content"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(src, source / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    wheels = root / "dist"
    build = [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-w", str(wheels)]
    built = _run(build + ["--no-build-isolation"], root, env)  # offline, with this environment's setuptools
    if built.returncode != 0:  # e.g. a venv whose setuptools is too old to build wheels: let pip fetch one
        built = _run(build, root, env)
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("studyapp-*.whl")
    target = root / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False, symlinks=os.name != "nt").create(target)
    bindir = target / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    done = _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "--force-reinstall", str(wheel)], root, env)
    assert done.returncode == 0, done.stderr
    # When the tests themselves run in a venv, --system-site-packages reaches only the base
    # interpreter's packages: list this environment's site dirs too, after the venv's own so the
    # installed wheel wins (their .pth files, e.g. an editable finder, are not processed). Written
    # after the install, which pip would otherwise skip on seeing a studyapp there.
    own_site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], root, env).stdout.strip())
    here = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (own_site / "_test_parent_env.pth").write_text("".join(f"{path}\n" for path in here), encoding="utf-8")
    shutil.rmtree(source)  # the install must not need the build tree either
    work = root / "elsewhere"
    work.mkdir()
    env.update(STUDYAPP_DATA_DIR=str(root / "data"), STUDYAPP_CACHE_DIR=str(root / "cache"), QT_QPA_PLATFORM="offscreen")
    return {"bin": bindir, "python": python, "work": work, "env": env, "venv": target}


def test_installed_package_comes_from_the_venv_with_its_content(installed: dict) -> None:
    probe = ("import studyapp, studyapp.paths as p; print(studyapp.__file__); print(p.bundled_content_dir())")
    out = _run([str(installed["python"]), "-c", probe], installed["work"], installed["env"])
    assert out.returncode == 0, out.stderr
    module_file, content = out.stdout.split("\n")[:2]
    venv_dir = Path(installed["venv"]).resolve()
    assert Path(module_file).resolve().is_relative_to(venv_dir)
    assert Path(content).resolve().is_relative_to(venv_dir) and Path(content).name == "_content"


def test_list_json_shows_every_bundled_item(installed: dict) -> None:
    expected = load_library()
    out = _run([str(installed["bin"] / "studyapp"), "list", "--json"], installed["work"], installed["env"])
    assert out.returncode == 0, out.stderr
    listed = json.loads(out.stdout)
    assert listed["problems"] == []
    assert sorted(item["id"] for item in listed["items"]) == sorted(item.id for item in expected.items())
    assert sorted(ex["id"] for ex in listed["exercises"]) == sorted(ex.id for ex in expected.exercises())
    assert len(listed["items"]) > 100


def test_grade_a_bundled_solution(installed: dict) -> None:
    exercise = next(ex for ex in load_library().exercises() if ex.id == "gru_cell_forward")
    solution = Path(installed["work"]) / "solution.py"
    solution.write_text(exercise.solution, encoding="utf-8")
    out = _run([str(installed["bin"] / "studyapp"), "grade", exercise.id, str(solution), "--json"], installed["work"], installed["env"])
    assert out.returncode == 0, out.stdout + out.stderr
    assert json.loads(out.stdout)["status"] == "passed"


def test_gui_opens_offscreen_with_the_bundled_banks(installed: dict) -> None:
    out = _run([str(installed["bin"] / "studyapp-gui"), "--smoke"], installed["work"], installed["env"], timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"items={len(load_library().items())}" in out.stdout


def test_source_tree_and_editable_install_read_content_directly() -> None:
    """Authors see their edits at once: from the checkout, the banks are the top-level content/."""
    from studyapp.paths import bundled_content_dir

    assert bundled_content_dir() == REPO / "content"
    assert not (REPO / "studyapp" / "_content").exists()  # only a regular build makes the copy
