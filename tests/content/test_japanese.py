"""Japanese of the banks: one register (である調) and one term per concept (docs/terminology.md).

Accepted answers (``accept`` lists) are not checked: a learner may type any common variant.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pytest

from studyapp.content.loader import load_library
from studyapp.content.model import Item

from tests.content import _content_checks as cc

LIBRARY = load_library(use_cache=False)
ITEMS: list[Item] = LIBRARY.items()
TERMINOLOGY = Path(__file__).resolve().parents[2] / "docs" / "terminology.md"

# Polite endings of です/ます調: です, でした, でしょう, ます, ません, ました, ましょう, ください.
POLITE = re.compile(r"(です|でした|でしょう|ます|ません|ました|ましょう|ください)(?=[。、」）)\s:：\"']|$)")


def _japanese_texts(item: Item) -> Iterator[tuple[str, str]]:
    for field, text, _ in cc.item_texts(item):
        ja = text.get("ja") if hasattr(text, "get") else None
        if ja:
            yield field, ja


def _section_texts() -> Iterator[tuple[str, str, str]]:
    """(bank id, where, Japanese text) for every bank and section title/description."""
    for bank in LIBRARY.banks:
        for where, text in [("title", bank.title)] + [(f"{s.id}.title", s.title) for s in bank.sections] + [
            (f"{s.id}.description", s.description) for s in bank.sections
        ]:
            ja = text.get("ja") if hasattr(text, "get") else None
            if ja:
                yield bank.id, where, ja


def test_polite_detector() -> None:
    assert POLITE.search("これは文脈ベクトルです。") and POLITE.search("勾配が消えます") and POLITE.search("変わりません）")
    assert not POLITE.search("これは文脈ベクトルである。") and not POLITE.search("勾配が消える。")


@pytest.mark.parametrize("item", ITEMS, ids=[i.id for i in ITEMS])
def test_item_japanese_is_in_dearu_register(item: Item) -> None:
    hits = [f"{field}: …{ja[max(0, m.start() - 12) : m.end()]}" for field, ja in _japanese_texts(item) for m in POLITE.finditer(ja)]
    assert not hits, f"{item.id}: です/ます endings (write である調):\n" + "\n".join(hits)


def test_bank_and_section_japanese_is_in_dearu_register() -> None:
    hits = [f"{bank}/{where}: {m.group(0)}" for bank, where, ja in _section_texts() for m in POLITE.finditer(ja)]
    assert not hits, "\n".join(hits)


def terminology_rules() -> list[tuple[str, str, list[str], list[re.Pattern[str]]]]:
    """(Japanese term, English term, bank ids or ['all'], avoided patterns) from the table in docs/terminology.md."""
    rules = []
    for line in TERMINOLOGY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("Japanese", "---"):
            continue
        avoid = [re.compile(p.strip().strip("`")) for p in cells[3].split(";") if p.strip()]
        rules.append((cells[0], cells[1], [b.strip() for b in cells[2].split(",")], avoid))
    return rules


RULES = terminology_rules()


def test_terminology_table_covers_the_mixed_pairs() -> None:
    terms = {r[0] for r in RULES}
    assert {"記憶セル", "候補状態", "Encoder", "係数"} <= terms, f"table lacks a mixed pair; has {sorted(terms)}"
    avoided = {p.pattern for r in RULES for p in r[3]}
    assert {"セル状態", "エンコーダ", "因子"} <= avoided and any(p.startswith("候補") for p in avoided)
    candidate = next(p for r in RULES for p in r[3] if p.pattern.startswith("候補"))
    assert candidate.search("候補 $g$") and not candidate.search("候補状態 $g$")
    threshold = next(p for r in RULES for p in r[3] if "threshold" in p.pattern)
    assert threshold.search(r"$\\|g\\| > \\text{threshold}$")


@pytest.mark.parametrize("rule", RULES, ids=[r[0] for r in RULES])
def test_banks_follow_the_terminology_table(rule) -> None:
    term, _english, scope, avoid = rule
    if not avoid:
        return
    hits = []
    for item in ITEMS:
        if scope != ["all"] and item.bank not in scope:
            continue
        for field, ja in _japanese_texts(item):
            hits += [f"{item.id}.{field}: {m.group(0)!r}" for p in avoid for m in p.finditer(ja)]
    for bank, where, ja in _section_texts():
        if scope == ["all"] or bank in scope:
            hits += [f"{bank}/{where}: {m.group(0)!r}" for p in avoid for m in p.finditer(ja)]
    assert not hits, f"write {term!r} instead:\n" + "\n".join(hits)
