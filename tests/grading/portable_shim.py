"""Run Python as if on Windows for the grader: ``os.fork`` deleted and ``resource`` unimportable.

    python tests/grading/portable_shim.py -m pytest -q tests/grading

The parent (here: pytest) runs with both removed, and ``sys.executable`` is
swapped for a wrapper that starts every grading worker through this file, so
the workers lack them too. This proves the portable backend never needs them
(``STUDYAPP_GRADER_BACKEND=portable`` is set for the run).
"""
from __future__ import annotations

import os
import runpy
import stat
import sys
import tempfile

REMOVED_OS = ("fork", "forkpty", "wait3", "wait4")


def remove_posix_only() -> None:
    for name in REMOVED_OS:
        if hasattr(os, name):
            delattr(os, name)
    sys.modules["resource"] = None  # type: ignore[assignment]  # makes "import resource" raise ImportError


def make_wrapper(directory: str) -> str:
    """An executable that runs the real interpreter (isolated) through this shim."""
    path = os.path.join(directory, "python-without-fork")
    with open(path, "w") as f:
        f.write(f'#!/bin/sh\nexec "{sys.executable}" -I -B "{os.path.abspath(__file__)}" "$@"\n')
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def main(argv: list[str]) -> None:
    remove_posix_only()
    while argv and argv[0].startswith("-") and argv[0] not in ("-m", "-c"):
        argv.pop(0)  # the backend's own interpreter options (-I -B), already applied by the wrapper
    if argv and argv[0] in ("-m", "-c"):
        os.environ["STUDYAPP_GRADER_BACKEND"] = "portable"
        sys.path[0] = os.getcwd()  # like "python -m/-c": the working tree's studyapp first
        sys.executable = make_wrapper(tempfile.mkdtemp(prefix="no-fork-python-"))
        sys.argv = argv[1:] if argv[0] == "-m" else ["-c"] + argv[2:]
        if argv[0] == "-m":
            runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        else:
            exec(compile(argv[1], "<string>", "exec"), {"__name__": "__main__"})
    else:
        sys.argv = argv
        runpy.run_path(argv[0], run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
