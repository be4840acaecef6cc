"""Generators for the CNN output-size review the Day 3 notes open with."""
from __future__ import annotations

from typing import Any, Mapping

from studyapp.content.generators.registry import Generated, Reject, answer_function


@answer_function("conv_output_size")
def conv_output_size(p: Mapping[str, Any]) -> Generated:
    """O = (N + 2P - F) / S + 1 for an N×N input, F×F filter, stride S, padding P."""
    n, f, s, pad = p["n"], p["f"], p["s"], p["p"]
    span = n + 2 * pad - f
    if span < 0 or span % s:
        raise Reject("filter does not tile the padded input evenly")
    out = span // s + 1
    # Classic slips: forgetting the padding, the +1, or the stride.
    distractors = (
        (n - f) // s + 1,
        span // s,
        span + 1,
        (n + pad - f) // s + 1,
    )
    return Generated(answer=out, distractors=distractors, values={"span": span})
