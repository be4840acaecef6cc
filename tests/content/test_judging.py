"""Each kind's judge, with the edge cases learners actually type."""
from __future__ import annotations

import pytest

from studyapp.content.judging import judge
from studyapp.content.loader import load_library
from studyapp.content.model import Blank, Item, Text, Tolerance
from studyapp.content.variants import instantiate
from tests.content.conftest import STARTER


@pytest.fixture(scope="module")
def starter():
    return load_library([STARTER], use_cache=False)


def make(kind: str, **fields) -> Item:
    return Item(id="t", kind=kind, prompt=Text.neutral("?"), explanation=Text.neutral("!"), bank="b", section="s", material="concept", **fields)


def test_single_right_wrong_and_feedback(starter):
    item = starter.item("starter-gru-gate-count")
    assert judge(item, 1).status == "correct"
    wrong = judge(item, 2)
    assert wrong.status == "incorrect" and wrong.score == 0
    assert "LSTM" in wrong.feedback[0].get("en") and "LSTM" in wrong.feedback[0].get("ja")
    assert judge(item, 9).invalid_input and judge(item, True).invalid_input


def test_multi_partial_credit_rule(starter):
    item = starter.item("starter-gru-true-facts")  # right: {0, 1} of 3
    assert judge(item, [0, 1]).score == 1 and judge(item, [1, 0]).correct
    assert judge(item, [0]).score == pytest.approx(0.5)
    assert judge(item, [0]).status == "partial"
    assert judge(item, [0, 2]).score == 0  # one right, one wrong: (1 - 1) / 2
    assert judge(item, [0, 1, 2]).score == pytest.approx(0.5)  # (2 - 1) / 2
    assert judge(item, [2]).score == 0  # never negative
    assert judge(item, []).score == 0
    assert judge(item, [0, 2]).feedback[0].get("en").startswith("Gates help")
    assert judge(item, [5]).invalid_input


def test_truefalse(starter):
    item = starter.item("starter-gru-no-cell")
    assert judge(item, False).correct and not judge(item, True).correct
    assert judge(item, "false").correct and judge(item, "誤").correct
    assert judge(item, "maybe").invalid_input


@pytest.mark.parametrize(
    ("typed", "correct"),
    [("0.25", True), (".25", True), ("1/4", True), ("２.５e-1", True), ("0.251", True), ("0.249", True), ("0.26", False), ("0.5", False)],
)
def test_numeric_forms_and_tolerance(starter, typed, correct):
    item = starter.item("starter-lstm-sigmoid-max")  # 0.25 ± 0.001
    assert judge(item, typed).correct is correct


def test_numeric_tolerance_boundaries():
    absolute = make("numeric", answer=0.25, tolerance=Tolerance(abs=0.01))
    assert judge(absolute, "0.26").correct and judge(absolute, "0.24").correct
    assert not judge(absolute, "0.2601").correct
    relative = make("numeric", answer=200.0, tolerance=Tolerance(rel=0.01))
    assert judge(relative, "202").correct and judge(relative, "198").correct and not judge(relative, "202.1").correct
    exact = make("numeric", answer=3.0)
    assert judge(exact, "3").correct and judge(exact, "6/2").correct and not judge(exact, "3.0000001").correct
    not_a_number = judge(exact, "three")
    assert not_a_number.invalid_input and "0.25" in not_a_number.feedback[0].get("en")


def test_text_normalization(starter):
    item = starter.item("starter-gru-gate-name")
    for typed in ["reset", " Reset ", "RESET  GATE", "ｒｅｓｅｔ", "リセットゲート", "ﾘｾｯﾄ"]:
        assert judge(item, typed).correct, typed
    assert not judge(item, "update").correct
    assert judge(item, "   ").invalid_input


def test_text_regex_and_case_sensitivity():
    item = make("text", accept=("Wh",), regex=(r"w_?h(\.T)?",), case_sensitive=False)
    assert judge(item, "W_h").correct and judge(item, "wh.t").correct and not judge(item, "Wx").correct
    strict = make("text", accept=("Wh",), case_sensitive=True)
    assert judge(strict, "Wh").correct and not judge(strict, "wh").correct


def test_cloze_per_blank_scores(starter):
    item = starter.item("starter-lstm-cell-cloze")  # blank 1: option 0 (f); blank 2: tanh
    full = judge(item, [0, "tanh"])
    assert full.correct and full.blank_scores == (1.0, 1.0)
    half = judge(item, [0, "sigmoid"])
    assert half.score == pytest.approx(0.5) and half.blank_scores == (1.0, 0.0) and half.status == "partial"
    assert judge(item, {1: 2, 2: " tanh "}).blank_scores == (0.0, 1.0)
    assert judge(item, {"1": 0}).blank_scores == (1.0, 0.0)  # a missing blank is wrong, not an error
    assert judge(item, "f tanh").invalid_input


def test_code_cloze_ignores_whitespace(starter):
    item = starter.item("starter-gru-update-cloze")
    assert judge(item, ["1-z", "z"]).correct
    assert judge(item, ["1 -  z", " z"]).correct
    assert judge(item, ["z", "1-z"]).score == 0


def test_cloze_blank_with_regex():
    item = make("cloze", template=Text.neutral("{{1}}"), blanks=(Blank(1, regex=(r"np\.dot\(dh,W\.T\)|dh@W\.T",)),), code_language="python")
    assert judge(item, ["np.dot(dh, W.T)"]).correct and judge(item, ["dh @ W.T"]).correct


def test_code_item_takes_the_grader_score(starter):
    item = starter.item("starter-gru-code")
    assert judge(item, 1.0).correct and judge(item, 0.5).status == "partial"
    assert judge(item, "print(1)").invalid_input


def test_parameterized_item_is_judged_on_its_instance(starter):
    item = starter.item("starter-gru-params")
    with pytest.raises(ValueError):
        judge(item, "1")
    instance = instantiate(item, seed=3)
    values = dict(instance.instance_values)
    d, h = int(values["d"]), int(values["h"])
    assert instance.answer == 3 * (d * h + h * h + h)
    assert judge(instance, str(3 * (d * h + h * h + h))).correct
    assert not judge(instance, str(4 * (d * h + h * h + h))).correct
    assert f"$D={d}$" in instance.prompt.get("en") and "{{" not in instance.prompt.get("ja")
