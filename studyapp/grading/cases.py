"""Seeded test inputs per reference id, from the reference's ``Spec`` (parent side only).

Every case set holds one small *visible* example (shown to the learner with
expected vs got) and at least ``MIN_HIDDEN`` hidden cases: the spec's edge
cases (N=1, H=1, T=1, long T, saturated gates, huge scores, 1-D/3-D inputs,
zero and tiny gradients, as the statement allows) plus random sizes. The
sizes and values are drawn from ``seed``, which the verdict records, so
``studyapp grade --seed N`` replays a failure exactly.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from studyapp.reference.registry import get_spec
from studyapp.reference.spec import Dims, Spec, random_dims

Arg = Any  # np.ndarray (float64) or float
MIN_HIDDEN = 12
RANDOM_HIDDEN = 4
"""Random-size hidden cases drawn in addition to the edge cases."""


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[Arg, ...]
    visible: bool = False
    dims: Dims = field(default_factory=dict, compare=False)


class NoSpec(KeyError):
    """The reference has no grading spec (no case generator)."""


def spec_for(ref_id: str) -> Spec:
    try:
        return get_spec(ref_id)
    except KeyError:
        raise NoSpec(f"no test case generator for reference {ref_id!r}") from None


def make_cases(ref_id: str, seed: int = 0) -> list[Case]:
    """The visible example first, then edge and random hidden cases; deterministic in seed."""
    spec = spec_for(ref_id)
    rng = np.random.default_rng([seed, 0x5EED])
    cases = [Case("example", tuple(spec.generate(rng, dict(spec.visible))), True, dict(spec.visible))]
    for name, dims in spec.edges:
        full = {**random_dims(rng, spec), **dims}
        cases.append(Case(name, tuple(spec.generate(rng, full)), False, full))
    k = 0
    while len(cases) - 1 < max(MIN_HIDDEN, len(spec.edges) + RANDOM_HIDDEN):
        k += 1
        dims = random_dims(rng, spec)
        cases.append(Case(f"hidden {k}", tuple(spec.generate(rng, dims)), False, dims))
    return cases
