"""Bundled NumPy reference cells (float64), one module per family."""
from studyapp.reference.registry import (
    Mutant,
    get_mutant,
    get_reference,
    mutants,
    references,
)

__all__ = ["Mutant", "get_mutant", "get_reference", "mutants", "references"]
