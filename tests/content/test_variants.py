"""Parameterized items: reproducible instances, computed answers and distractors."""
from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.content.generators import get_answer_function
from studyapp.content.judging import judge
from studyapp.content.loader import load_library
from studyapp.content.variants import instantiate
from tests.content.conftest import write_bank

CONV_BANK = """\
bank: {id: conv, title: Conv, languages: [en]}
sections:
  - id: conv
    title: Conv
    items:
      - id: conv-size
        kind: single
        material: confirmation_test
        params:
          n: {range: [4, 12]}
          f: {values: [1, 3, 5]}
          s: {values: [1, 2]}
          p: {range: [0, 2]}
        generator: conv_output_size
        choice_format: "{{value}}×{{value}}"
        prompt: "Input {{n}}×{{n}}, filter {{f}}×{{f}}, stride {{s}}, padding {{p}}: output size?"
        explanation: "$({{n}} + 2 \\\\cdot {{p}} - {{f}}) / {{s}} + 1 = {{answer}}$"
"""


@pytest.fixture
def conv_item(tmp_path: Path):
    write_bank(tmp_path, CONV_BANK)
    library = load_library([tmp_path])
    assert library.problems == []
    return library.item("conv-size")


def test_the_notes_example_5x5_3x3_stride2_pad1_gives_3():
    assert get_answer_function("conv_output_size")({"n": 5, "f": 3, "s": 2, "p": 1}).answer == 3


def test_same_seed_same_instance_and_seeds_vary(conv_item):
    first = instantiate(conv_item, seed=7)
    assert first == instantiate(conv_item, seed=7)
    prompts = {instantiate(conv_item, seed=s).prompt.get("en") for s in range(30)}
    assert len(prompts) > 10


def test_single_instance_has_its_answer_among_unique_choices(conv_item):
    for seed in range(50):
        inst = instantiate(conv_item, seed)
        values = dict(inst.instance_values)
        n, f, s, p = (int(values[k]) for k in "nfsp")
        expected = (n + 2 * p - f) // s + 1
        assert (n + 2 * p - f) % s == 0
        shown = [c.text.get("en") for c in inst.choices]
        assert len(shown) == len(set(shown)) >= 2
        assert shown[inst.answer] == f"{expected}×{expected}"
        assert judge(inst, inst.answer).correct
        assert "{{" not in inst.prompt.get("en") + inst.explanation.get("en")


def test_answer_position_is_not_always_the_same(conv_item):
    assert len({instantiate(conv_item, s).answer for s in range(40)}) > 1
