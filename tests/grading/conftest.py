"""Fixtures for the grader tests: an Exercise factory, a shared warm Grader, and
learner sources built from the registry's functions (studyapp imports inlined,
since studyapp is not importable inside the sandbox)."""
from __future__ import annotations

import ast
import inspect
import os
import sys
from typing import Any, Callable

import pytest

from studyapp.content.model import Exercise, Mistake, Text


def make_exercise(reference: str, function: str | None = None, mistakes: tuple[str, ...] = (),
                  **kw: Any) -> Exercise:
    return Exercise(
        id=kw.pop("id", f"ex-{reference}"),
        reference=reference,
        function=function or reference,
        title=Text.neutral(reference),
        statement=Text.neutral(""),
        starter="",
        solution="",
        bank="test",
        mistakes=tuple(Mistake(m, Text({"en": f"EN:{m}", "ja": f"JA:{m}"})) for m in mistakes),
        **kw,
    )


# ---- the portable backend (STUDYAPP_GRADER_BACKEND=portable runs this whole suite against it) ----
# Cases that need isolation only the hardened Linux backend has; skipped, with the reason, under portable.
LINUX_ONLY = {
    "test_adversarial[kill_parent]": "the portable worker's parent is the app itself (no PID namespace hides it)",
    "test_adversarial[kill_all_minus1]": "kill(-1) reaches every process of the app's user without a PID namespace",
    "test_spawned_processes_do_not_survive": "a double-forked setsid() child leaves the process group; "
                                             "only a PID namespace catches it",
}
if hasattr(os, "geteuid") and os.geteuid() == 0:
    LINUX_ONLY["test_studyapp_not_importable_and_env_scrubbed"] = "the uid drop needs the Linux backend (run as root)"


def portable_requested() -> bool:
    return os.environ.get("STUDYAPP_GRADER_BACKEND", "").strip().lower() == "portable"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "linux_backend(reason): needs the hardened Linux grading backend")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        reason = LINUX_ONLY.get(item.name)
        if reason:
            item.add_marker(pytest.mark.linux_backend(reason))
        marker = item.get_closest_marker("linux_backend")
        if marker and portable_requested():
            item.add_marker(pytest.mark.skip(reason="Linux backend only: " + (marker.args[0] if marker.args else "")))


@pytest.fixture
def exercise() -> Callable[..., Exercise]:
    return make_exercise


@pytest.fixture(scope="session")
def grader():
    from studyapp.grading import Grader

    g = Grader()
    g.start()
    yield g
    g.close()


# ---- learner sources from bundled functions -------------------------------------------

class _Inline(ast.NodeTransformer):
    def __init__(self) -> None:
        self.deps: list[str] = []

    def visit_ImportFrom(self, node: ast.ImportFrom) -> Any:
        mod = node.module or ""
        if not mod.startswith("studyapp"):
            return node
        if mod == "studyapp.reference.registry":
            return [ast.parse(f"{a.asname or a.name} = lambda *a, **k: (lambda f: f)").body[0] for a in node.names]
        self.deps.append(mod)
        return [ast.parse(f"{a.asname or a.name} = _mods[{mod!r}].{a.name}").body[0] for a in node.names]


def _module_sources(name: str, out: dict[str, str]) -> None:
    if name in out:
        return
    module = sys.modules[name]
    tree = ast.parse(inspect.getsource(module))
    t = _Inline()
    tree = t.visit(tree)
    for dep in t.deps:
        _module_sources(dep, out)
    out[name] = ast.unparse(ast.fix_missing_locations(tree))


def source_from_function(fn: Callable, name: str) -> str:
    """A standalone learner source defining ``name`` as the bundled ``fn``."""
    modules: dict[str, str] = {}
    _module_sources(fn.__module__, modules)
    lines = ["import types as _types", "_mods = {}"]
    for mod, src in modules.items():
        lines.append(f"_m = _types.ModuleType({mod!r}); _m._mods = _mods")
        lines.append(f"exec(compile({src!r}, 'solution.py', 'exec'), _m.__dict__)")
        lines.append(f"_mods[{mod!r}] = _m")
    lines.append(f"{name} = _mods[{fn.__module__!r}].{fn.__name__}")
    return "\n".join(lines) + "\n"
