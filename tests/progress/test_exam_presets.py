from __future__ import annotations

from studyapp.content.loader import load_library
from studyapp.progress.exam import PRESETS, ExamPreset, select_preset_items

from .conftest import make_library


def _two_banks():
    a = make_library({"a1": 30, "a2": 10}, bank="a")
    b = make_library({"b1": 5}, bank="b")
    return type(a)(banks=[*a.banks, *b.banks])


def test_weighted_preset_follows_the_weights_and_is_seeded() -> None:
    lib = _two_banks()
    preset = ExamPreset("t", count=10, duration_s=60, weights={"a": 0.5, "b": 0.5})
    items = select_preset_items(lib, preset, seed=3)
    assert len(items) == 10 and len({i.id for i in items}) == 10
    assert sum(i.bank == "b" for i in items) == 5 and sum(i.bank == "a" for i in items) == 5
    assert [i.id for i in items] == [i.id for i in select_preset_items(lib, preset, seed=3)]


def test_a_full_bank_passes_its_share_on() -> None:
    lib = _two_banks()
    preset = ExamPreset("t", count=20, duration_s=60, weights={"a": 0.2, "b": 0.8})  # b has only 5 items
    items = select_preset_items(lib, preset, seed=1)
    assert len(items) == 20 and sum(i.bank == "b" for i in items) == 5


def test_unweighted_preset_is_proportional() -> None:
    lib = _two_banks()
    items = select_preset_items(lib, ExamPreset("q", count=9, duration_s=60), seed=0)
    assert len(items) == 9


def test_bundled_presets_on_the_bundled_banks() -> None:
    library = load_library(use_cache=False)
    full = select_preset_items(library, PRESETS["day3-full"], seed=0)
    assert len(full) == 40 and PRESETS["day3-full"].duration_s == 3600
    per_bank = {b: sum(i.bank == b for i in full) for b in PRESETS["day3-full"].weights}
    assert per_bank == {"rnn": 6, "bptt": 6, "lstm": 6, "gru": 4, "clipping": 2, "birnn": 2, "seq2seq": 6, "word2vec": 4, "attention": 4}
    assert not any(i.bank == "cnn-review" for i in full)
    quick = select_preset_items(library, PRESETS["quick-10"], seed=0)
    assert len(quick) == 10 and len({i.id for i in quick}) == 10
