"""Keys that depend on a convention must state it in the prompt, in every language.

Two conventions flip answers between sources: the GRU update (the course writes
$h_t = (1 - z) \\odot h_{t-1} + z \\odot \\tilde h$, PyTorch the other way round) and the bias layout of recurrent
layers (the course keeps one bias vector per block, PyTorch two). An item depends on the first when it is
about the update gate (tag ``update-gate``, the scalar-update generator, or an answer key that contains the
``1 - z`` interpolation) and on the second when it counts the parameters of a recurrent layer; tagging an
item ``convention-gru-update`` / ``convention-bias`` declares the dependence by hand.
"""
from __future__ import annotations

import re

import pytest

from studyapp.content.loader import load_library
from studyapp.content.model import Item

ITEMS: list[Item] = load_library(use_cache=False).items()
LANGS = ("en", "ja")

# Generators whose answer counts a recurrent layer's parameters (biases included).
RECURRENT_COUNT_GENERATORS = {
    "rnn_param_count",
    "rnn_param_count_choices",
    "lstm_param_count",
    "gru_param_count",
    "lstm_gru_param_diff",
    "birnn_param_count",
    "bilstm_param_count",
    "stacked_lstm_param_count",
    "gru_pytorch_param_count",
    "seq2seq_encoder_params",
}
_ONE_MINUS_Z = re.compile(r"\(1-z[_t']*\)")
_UPDATE_FORMULA = re.compile(r"h_(t|\{t\})=.*\(1-z[_t']*\)")
_BIAS_EN = re.compile(r"\bno bias|biases are omitted|\b(one|two|single) bias|bias vector", re.I)
_BIAS_SHAPE = re.compile(r"(\$b\$|`b`)\s*\$\(\d*H,?\)\$")  # "`b` $(3H)$": one packed bias vector, stated by its shape
_BIAS_JA = re.compile(r"バイアス(は|を)?(省略|なし)|バイアス.{0,30}(1 本|2 本|1 つ|2 つ)|(1 本|2 本).{0,10}バイアス")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _answer_key_texts(item: Item) -> list[str]:
    """What the learner must produce or pick: correct choices, accepted fills and answers."""
    texts: list[str] = []
    answer = item.answer
    correct = set(answer) if isinstance(answer, (list, tuple)) else {answer}
    for k, choice in enumerate(item.choices):
        if k in correct:
            texts += [choice.text.get(lang) or "" for lang in LANGS]
    for blank in item.blanks:
        texts += list(blank.accept)
    texts += [str(a) for a in getattr(item, "accept", ()) or ()]
    return texts


def depends_on_gru_update(item: Item) -> bool:
    return (
        "convention-gru-update" in item.tags
        or "update-gate" in item.tags
        or item.generator == "gru_update_scalar"
        or any(_ONE_MINUS_Z.search(_flat(t)) for t in _answer_key_texts(item))
    )


def depends_on_bias_layout(item: Item) -> bool:
    return "convention-bias" in item.tags or item.generator in RECURRENT_COUNT_GENERATORS


def states_gru_update(prompt: str) -> bool:
    return any(_UPDATE_FORMULA.search(_flat(math)) for math in re.findall(r"\$([^$]+)\$", prompt))


def states_bias_layout(prompt: str, lang: str) -> bool:
    prompt = re.sub(r"\s+", " ", prompt)  # a statement may wrap over lines
    return bool((_BIAS_EN if lang == "en" else _BIAS_JA).search(prompt) or _BIAS_SHAPE.search(prompt))


GRU_UPDATE_ITEMS = [i for i in ITEMS if depends_on_gru_update(i)]
BIAS_ITEMS = [i for i in ITEMS if depends_on_bias_layout(i)]


def test_the_detectors_find_the_known_dependent_items() -> None:
    ids = {i.id for i in GRU_UPDATE_ITEMS}
    assert {"gru-large-z", "gru-small-z-long-memory", "gru-update-scalar-param", "gru-hnext-line", "gru-code-update", "gru-code-notes-exercise"} <= ids
    bias_ids = {i.id for i in BIAS_ITEMS}
    assert {"lstm-param-count-choice-param", "gru-param-count-choice-param", "gru-lstm-param-diff-param", "gru-pytorch-param-count"} <= bias_ids


def test_the_statement_checks_reject_a_prompt_without_the_convention() -> None:
    assert states_gru_update(r"update $h_t = (1 - z) \odot h_{t-1} + z \odot \tilde h$")
    assert not states_gru_update(r"If the update gate $z$ stays close to 1, what happens?")
    assert states_bias_layout("with one bias vector of size $H$ per block", "en")
    assert not states_bias_layout("(with biases)", "en")
    assert not states_bias_layout("（バイアスあり）", "ja")
    assert states_bias_layout("`Wx` $(D, 3H)$, `b` $(3H)$", "en")


@pytest.mark.parametrize("item", GRU_UPDATE_ITEMS, ids=[i.id for i in GRU_UPDATE_ITEMS])
def test_gru_update_convention_stated_in_prompt(item: Item) -> None:
    missing = [lang for lang in LANGS if not states_gru_update(item.prompt.get(lang) or "")]
    assert not missing, f"{item.id}: the key depends on the GRU update formula; state it in the {missing} prompt"


@pytest.mark.parametrize("item", BIAS_ITEMS, ids=[i.id for i in BIAS_ITEMS])
def test_bias_layout_stated_in_prompt(item: Item) -> None:
    missing = [lang for lang in LANGS if not states_bias_layout(item.prompt.get(lang) or "", lang)]
    assert not missing, f"{item.id}: the count depends on the bias layout; state it in the {missing} prompt"
