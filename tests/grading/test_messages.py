"""Case messages exist in every UI language and say the same thing."""
import numpy as np

from studyapp.grading import judge
from studyapp.reference.spec import Tolerance

TOL = Tolerance(rtol=1e-6, atol_scale=1e-8)


def test_every_message_in_english_and_japanese():
    for key, entry in judge.MESSAGES.items():
        assert entry.get("en") and entry.get("ja"), key


def test_shape_and_value_messages_in_japanese():
    expected = [np.zeros((2, 2))]
    wrong_shape = judge.CaseOutputs(False, [judge.Output("array", array=np.zeros((2, 3)))])
    ok, text = judge.compare_case(wrong_shape, expected, ("h_next",), TOL, "ja")
    assert not ok and text == "h_next の形状が (2, 3) です。正しくは (2, 2) です"
    off = np.zeros((2, 2))
    off[1, 0] = 0.5
    ok, text = judge.compare_case(judge.CaseOutputs(False, [judge.Output("array", array=off)]), expected, ("h_next",), TOL, "ja")
    assert not ok and text == "h_next が [1, 0] で異なります（最大絶対誤差 0.5、許容誤差 1e-38 + 1e-06·|expected|、あなたの dtype は float64）"
    ok, text = judge.compare_case(judge.CaseOutputs(False, [judge.Output("array", array=off)]), expected, ("h_next",), TOL)
    assert text == "h_next differs at [1, 0]: max abs error 0.5; allowed 1e-38 + 1e-06·|expected|; your dtype float64"
