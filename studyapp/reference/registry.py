"""Registry of reference cells and their known-mistake mutants, by id.

Exercises in the YAML banks name a reference id and mutant ids; the loader
checks them against this registry, and the grader runs them. Keeping the ids
here (not in YAML) means a bank can never point at code of its own.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

FAMILY_MODULES: tuple[str, ...] = (
    "studyapp.reference.activations",
    "studyapp.reference.clipping",
    "studyapp.reference.rnn",
    "studyapp.reference.lstm",
    "studyapp.reference.gru",
    "studyapp.reference.birnn",
    "studyapp.reference.attention",
    "studyapp.reference.mutants",
)


@dataclass(frozen=True)
class Mutant:
    """A bundled wrong implementation of a reference: a classic learner mistake."""

    id: str
    reference: str
    function: Callable
    summary_en: str
    summary_ja: str


_REFERENCES: dict[str, Callable] = {}
_MUTANTS: dict[str, Mutant] = {}
_loaded = False


def reference(ref_id: str) -> Callable[[Callable], Callable]:
    """Decorator: register ``fn`` as the reference implementation ``ref_id``."""

    def register(fn: Callable) -> Callable:
        if ref_id in _REFERENCES:
            raise ValueError(f"reference {ref_id!r} registered twice")
        _REFERENCES[ref_id] = fn
        return fn

    return register


def mutant(mutant_id: str, of: str, summary_en: str, summary_ja: str) -> Callable[[Callable], Callable]:
    """Decorator: register ``fn`` as the known mistake ``mutant_id`` of reference ``of``."""

    def register(fn: Callable) -> Callable:
        if mutant_id in _MUTANTS:
            raise ValueError(f"mutant {mutant_id!r} registered twice")
        _MUTANTS[mutant_id] = Mutant(mutant_id, of, fn, summary_en, summary_ja)
        return fn

    return register


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    for name in FAMILY_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a family not written yet
            if exc.name != name:
                raise
    _loaded = True


def references() -> dict[str, Callable]:
    _load_all()
    return dict(_REFERENCES)


def mutants() -> dict[str, Mutant]:
    _load_all()
    return dict(_MUTANTS)


def get_reference(ref_id: str) -> Callable:
    _load_all()
    return _REFERENCES[ref_id]


def get_mutant(mutant_id: str) -> Mutant:
    _load_all()
    return _MUTANTS[mutant_id]
