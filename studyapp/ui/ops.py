"""Background work for screens, in the spirit of Anki's ``QueryOp``: one way to run a slow call off the UI thread.

    run_in_background(parent, work=lambda: compute(store), success=view.show_stats, failure=view.show_error)

``work`` runs in a worker thread and must not touch widgets; ``success(result)`` or
``failure(exception)`` then run on the UI thread (through a queued signal). A result arriving
after ``parent`` was deleted is dropped. The relay object has no Qt parent (a worker emitting
on an object the UI thread is deleting would crash); running ops are kept alive here instead.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal

R = TypeVar("R")


_RUNNING: set["BackgroundOp[Any]"] = set()


class _Relay(QObject):
    done = Signal(object, object)  # (result, exception)


class BackgroundOp(Generic[R]):
    """A running op; ``running`` is true until its callback has run on the UI thread."""

    def __init__(self, parent: QObject, work: Callable[[], R], success: Callable[[R], None],
                 failure: Callable[[BaseException], None] | None = None) -> None:
        self.running = True
        self._parent = parent
        self._success, self._failure = success, failure
        self._relay = _Relay()  # created on the UI thread, so its slot runs there
        self._relay.done.connect(self._finish)
        _RUNNING.add(self)
        self._thread = threading.Thread(target=self._run, args=(work,), daemon=True, name="studyapp-op")

    def start(self) -> "BackgroundOp[R]":
        self._thread.start()
        return self

    def _run(self, work: Callable[[], R]) -> None:
        try:
            result: Any = work()
        except BaseException as exc:  # reported to the UI thread, never swallowed
            self._emit(None, exc)
            return
        self._emit(result, None)

    def _emit(self, result: Any, error: BaseException | None) -> None:
        self._relay.done.emit(result, error)

    def _finish(self, result: Any, error: BaseException | None) -> None:
        self.running = False
        _RUNNING.discard(self)
        self._relay.deleteLater()
        if not shiboken6.isValid(self._parent):
            return  # the screen is gone: nobody to show the result to
        if error is None:
            self._success(result)
        elif self._failure is not None:
            self._failure(error)
        else:
            raise error

    def wait(self, timeout: float | None = None) -> None:
        """Join the worker thread (tests and shutdown); the callback still needs the event loop."""
        self._thread.join(timeout)


def run_in_background(parent: QObject, work: Callable[[], R], success: Callable[[R], None],
                      failure: Callable[[BaseException], None] | None = None) -> BackgroundOp[R]:
    """Start ``work`` in a worker thread; see the module docstring."""
    return BackgroundOp(parent, work, success, failure).start()


def wait_for_all(timeout: float = 10.0) -> None:
    """Join every running op's worker (shutdown and tests); their callbacks still need the event loop."""
    for op in list(_RUNNING):
        op.wait(timeout)
