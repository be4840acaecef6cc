"""Registry of reference cells and their known-mistake mutants, by id.

Exercises in the YAML banks name a reference id and mutant ids; the loader
checks them against this registry, and the grader runs them. Keeping the ids
here (not in YAML) means a bank can never point at code of its own.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

from studyapp.reference.spec import Spec

FAMILY_MODULES: tuple[str, ...] = (
    "studyapp.reference.activations",
    "studyapp.reference.clipping",
    "studyapp.reference.rnn",
    "studyapp.reference.lstm",
    "studyapp.reference.gru",
    "studyapp.reference.birnn",
    "studyapp.reference.attention",
    "studyapp.reference.mutants",
    "studyapp.reference.families",
)


@dataclass(frozen=True)
class Mutant:
    """A bundled wrong implementation of a reference: a classic learner mistake."""

    id: str
    reference: str
    function: Callable
    summary_en: str
    summary_ja: str
    key: str = ""
    """Unique among mutants; equals ``id`` except in generated families (``lstm_gate_order:i,f,o,g``)."""
    params: dict[str, Any] = field(default_factory=dict)

    def summary(self, language: str = "en") -> str:
        text = self.summary_ja if language == "ja" else self.summary_en
        return text.format(**self.params) if self.params else text


_REFERENCES: dict[str, Callable] = {}
_SPECS: dict[str, Spec] = {}
_MUTANTS: dict[str, Mutant] = {}
_loaded = False


def reference(ref_id: str, spec: Spec | None = None) -> Callable[[Callable], Callable]:
    """Decorator: register ``fn`` as the reference implementation ``ref_id`` with its grading spec."""

    def register(fn: Callable) -> Callable:
        if ref_id in _REFERENCES:
            raise ValueError(f"reference {ref_id!r} registered twice")
        _REFERENCES[ref_id] = fn
        if spec is not None:
            _SPECS[ref_id] = spec
        return fn

    return register


def add_mutant(m: Mutant) -> None:
    """Register one known mistake (generated families call this in a loop)."""
    key = m.key or m.id
    if key in _MUTANTS:
        raise ValueError(f"mutant {key!r} registered twice")
    _MUTANTS[key] = Mutant(m.id, m.reference, m.function, m.summary_en, m.summary_ja, key, dict(m.params))


def mutant(mutant_id: str, of: str, summary_en: str, summary_ja: str) -> Callable[[Callable], Callable]:
    """Decorator: register ``fn`` as the known mistake ``mutant_id`` of reference ``of``."""

    def register(fn: Callable) -> Callable:
        add_mutant(Mutant(mutant_id, of, fn, summary_en, summary_ja))
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


def specs() -> dict[str, Spec]:
    _load_all()
    return dict(_SPECS)


def get_spec(ref_id: str) -> Spec:
    _load_all()
    return _SPECS[ref_id]


def mutants_of(ref_id: str) -> list[Mutant]:
    _load_all()
    return [m for m in _MUTANTS.values() if m.reference == ref_id]


def mutants() -> dict[str, Mutant]:
    _load_all()
    return dict(_MUTANTS)


def get_reference(ref_id: str) -> Callable:
    _load_all()
    return _REFERENCES[ref_id]


def get_mutant(mutant_id: str) -> Mutant:
    _load_all()
    return _MUTANTS[mutant_id]
