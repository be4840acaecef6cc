"""Registry of answer functions for parameterized items.

A bank names a generator by id; the function lives here, in the package, so
YAML never carries code. A generator receives the drawn parameters and
returns the answer, optional distractors (for ``single`` items) and extra
values the prompt and explanation may show as ``{{name}}``.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping


class Reject(Exception):
    """Raised by a generator when the drawn parameters make no valid question."""


@dataclass(frozen=True)
class Generated:
    answer: Any
    distractors: tuple[Any, ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)


AnswerFunction = Callable[[Mapping[str, Any]], Generated]

_FUNCTIONS: dict[str, AnswerFunction] = {}
_loaded = False


def answer_function(name: str) -> Callable[[AnswerFunction], AnswerFunction]:
    """Decorator: register ``fn`` under ``name`` for banks' ``generator:`` key."""

    def register(fn: AnswerFunction) -> AnswerFunction:
        if name in _FUNCTIONS and _FUNCTIONS[name] is not fn:
            raise ValueError(f"answer function {name!r} registered twice")
        _FUNCTIONS[name] = fn
        return fn

    return register


def _load_all() -> None:
    """Import every module of this package so their decorators run."""
    global _loaded
    if _loaded:
        return
    package = importlib.import_module(__package__)
    for info in pkgutil.iter_modules(package.__path__):
        if info.name != "registry":
            importlib.import_module(f"{__package__}.{info.name}")
    _loaded = True


def get_answer_function(name: str) -> AnswerFunction | None:
    _load_all()
    return _FUNCTIONS.get(name)


def answer_function_names() -> frozenset[str]:
    _load_all()
    return frozenset(_FUNCTIONS)
