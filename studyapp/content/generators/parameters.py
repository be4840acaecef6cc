"""Parameter counts of recurrent layers: the LSTM-vs-GRU cost question."""
from __future__ import annotations

from typing import Any, Mapping

from studyapp.content.generators.registry import Generated, answer_function

GATE_BLOCKS = {"rnn": 1, "gru": 3, "lstm": 4}


def recurrent_parameters(blocks: int, d: int, h: int, bias: bool = True) -> int:
    """Each block has an input matrix (D×H), a recurrent matrix (H×H) and a bias (H)."""
    return blocks * (d * h + h * h + (h if bias else 0))


def _count(cell: str, p: Mapping[str, Any]) -> Generated:
    d, h = p["d"], p["h"]
    blocks = GATE_BLOCKS[cell]
    answer = recurrent_parameters(blocks, d, h)
    others = [recurrent_parameters(b, d, h) for c, b in GATE_BLOCKS.items() if c != cell]
    distractors = (recurrent_parameters(blocks, d, h, bias=False), blocks * (d * h + h), *others)
    return Generated(answer=answer, distractors=distractors, values={"blocks": blocks})


@answer_function("rnn_parameter_count")
def rnn_parameter_count(p: Mapping[str, Any]) -> Generated:
    return _count("rnn", p)


@answer_function("gru_parameter_count")
def gru_parameter_count(p: Mapping[str, Any]) -> Generated:
    return _count("gru", p)


@answer_function("lstm_parameter_count")
def lstm_parameter_count(p: Mapping[str, Any]) -> Generated:
    return _count("lstm", p)
