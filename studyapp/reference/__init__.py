"""Bundled NumPy reference cells (float64), one module per family.

Look cells up through the registry (``get_reference``, ``all_references``,
``all_mutants``); the family modules register themselves on first use.
"""
from studyapp.reference.registry import Mutant, get_mutant, get_reference
from studyapp.reference.registry import mutants as all_mutants
from studyapp.reference.registry import references as all_references

__all__ = ["Mutant", "all_mutants", "all_references", "get_mutant", "get_reference"]
