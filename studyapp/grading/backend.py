"""The grading backend interface and the choice between the two implementations.

``linux`` is the hardened zygote (sandbox.py + zygote.py: namespaces, Landlock,
seccomp); ``portable`` (portable/) needs only ``subprocess`` and runs on
Windows and macOS too. Both speak the same frames and return a ``RunReply``
that the Grader judges, so everything above this interface is shared.
``STUDYAPP_GRADER_BACKEND=auto|linux|portable`` forces one; ``auto`` takes the
hardened backend wherever it starts and falls back to the portable one.
"""
from __future__ import annotations

import os
import sys
from typing import Any, Callable, Protocol

from studyapp.grading.sandbox import RunReply

ENV_VAR = "STUDYAPP_GRADER_BACKEND"
CHOICES = ("auto", "linux", "portable")


class BackendUnavailable(RuntimeError):
    """No grading backend could start. ``reason`` is a message id the UI translates
    (see the ``code`` catalog: ``unavailable_<reason>``); ``detail`` is the technical cause."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"code grading is unavailable: {detail or reason}")
        self.reason = reason
        self.detail = detail


class GradingBackend(Protocol):
    """What the Grader needs from a backend (one run at a time; ``cancel`` from any thread)."""

    name: str
    features: dict[str, Any]
    restarts: int
    proc: Any
    base_dir: str | None

    def start(self) -> None: ...

    def alive(self) -> bool: ...

    def run(self, request: dict, payload: bytes, time_limit_s: float,
            cancelled: Callable[[], bool] = ...) -> RunReply: ...

    def cancel(self) -> None: ...

    def close(self) -> None: ...

    def kill(self) -> None: ...


def requested_backend() -> str:
    """The backend asked for in the environment (``auto`` when unset or unknown)."""
    value = os.environ.get(ENV_VAR, "auto").strip().lower() or "auto"
    return value if value in CHOICES else "auto"


def _linux(python: str | None) -> GradingBackend:
    from studyapp.grading.sandbox import Zygote

    zygote = Zygote(python)
    zygote.name = "linux"  # type: ignore[attr-defined]
    return zygote  # type: ignore[return-value]


def _portable(python: str | None) -> GradingBackend:
    from studyapp.grading.portable import PortableBackend

    return PortableBackend(python)


def start_backend(python: str | None = None, choice: str | None = None) -> GradingBackend:
    """Start the chosen backend; with ``auto``, the hardened one where it runs, else the portable one.

    Raises BackendUnavailable (never a bare traceback) when nothing can start."""
    choice = choice or requested_backend()
    order: list[tuple[str, Callable[[str | None], GradingBackend]]] = []
    if choice in ("auto", "linux") and (sys.platform.startswith("linux") or choice == "linux"):
        order.append(("linux", _linux))
    if choice in ("auto", "portable"):
        order.append(("portable", _portable))
    causes = []
    for name, make in order:
        backend = make(python)
        try:
            backend.start()
            return backend
        except Exception as exc:  # any failure to start is a reason to try the next backend
            backend.kill()
            causes.append(f"{name}: {type(exc).__name__}: {exc}")
    reason = "forced_linux" if choice == "linux" else "no_backend"
    raise BackendUnavailable(reason, "; ".join(causes) or f"no backend for {sys.platform}")
