"""Helpers for the bundled-content tests: walking texts, spotting prose, parsing instance values.

Kept free of pytest so the checks read as plain functions.
"""
from __future__ import annotations

import re
from fractions import Fraction
from typing import Iterator

from studyapp.content.model import Bank, Exercise, Item, Text

PLACEHOLDER_ANY = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
BLANK = re.compile(r"\{\{\s*\d+\s*\}\}")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$", re.S)
_CODE = re.compile(r"```.*?```|`[^`]*`", re.S)
_WORD = re.compile(r"[(\[\"']?[A-Za-z]{2,}(?:-[A-Za-z]+)*[)\]\"',.;:!?]*")


def prose_words(text: str) -> list[str]:
    """Natural-language words of a Markdown text: math, code and placeholders removed.

    A word is a whitespace-separated token of letters (with surrounding punctuation); tokens
    with digits, underscores, dots inside or operators (``input_gate``, ``np.tanh(c)``) are code.
    """
    stripped = PLACEHOLDER_ANY.sub(" ", _CODE.sub(" ", _MATH.sub(" ", text)))
    return [t for t in stripped.split() if _WORD.fullmatch(t)]


def is_prose(text: str, min_words: int = 4) -> bool:
    """True when a text reads as a sentence (so it needs a translation), not code/number/formula."""
    return len(prose_words(text)) >= min_words


# --- every localized text of an item / exercise ---------------------------------------------


def item_texts(item: Item, include_template: bool = True) -> Iterator[tuple[str, Text, bool]]:
    """(field name, text, required) for every text of an item. ``required``: must not be empty."""
    yield "prompt", item.prompt, item.kind not in ("cloze", "code")
    if include_template and item.kind == "cloze":
        yield "template", item.template, True
    yield "explanation", item.explanation, True
    for k, choice in enumerate(item.choices):
        yield f"choices[{k}].text", choice.text, True
        yield f"choices[{k}].feedback", choice.feedback, False
    for k, hint in enumerate(item.hints):
        yield f"hints[{k}]", hint, True
    for blank in item.blanks:
        for k, option in enumerate(blank.options):
            yield f"blanks[{blank.number}].options[{k}]", option, True
        yield f"blanks[{blank.number}].feedback", blank.feedback, False


def exercise_texts(ex: Exercise) -> Iterator[tuple[str, Text, bool]]:
    yield "title", ex.title, True
    yield "statement", ex.statement, True
    for k, hint in enumerate(ex.hints):
        yield f"hints[{k}]", hint, True
    for mistake in ex.mistakes:
        yield f"mistakes[{mistake.id}].message", mistake.message, False


def bank_texts(bank: Bank) -> Iterator[tuple[str, Text, bool]]:
    yield "bank.title", bank.title, True
    for section in bank.sections:
        yield f"sections[{section.id}].title", section.title, True
        yield f"sections[{section.id}].description", section.description, False


def language_problems(field: str, text: Text, required: bool, languages=("en", "ja"), neutral_ok: bool = False) -> list[str]:
    """What is wrong with one text as a bilingual text (empty list when fine).

    A neutral (plain) string passes only when it is not prose (code, number, formula, short label),
    or when ``neutral_ok`` (code templates). A localized text needs every language non-empty, and
    a prose English text needs Japanese characters in its ``ja`` version (not a copy of the English).
    """
    values = dict(text.values)
    if not values:
        return [f"{field}: missing"] if required else []
    if text.is_neutral:
        plain = values["*"]
        if not plain.strip() and required:
            return [f"{field}: empty"]
        if not neutral_ok and is_prose(plain):
            words = " ".join(prose_words(plain)[:8])
            return [f"{field}: language-neutral plain string is prose ({words!r}...); write it as {{en: ..., ja: ...}}"]
        return []
    problems = []
    for lang in languages:
        if not values.get(lang, "").strip():
            problems.append(f"{field}: no {lang!r} text")
    en, ja = values.get("en", ""), values.get("ja", "")
    if en and ja and is_prose(en) and not JAPANESE.search(ja):
        problems.append(f"{field}: the 'ja' text has no Japanese in it (untranslated?): {ja[:60]!r}")
    return problems


def all_strings(item: Item) -> Iterator[tuple[str, str, str]]:
    """(field, language, string) for every text of an item, template included."""
    for field, text, _ in item_texts(item):
        for lang, s in text.values.items():
            yield field, lang, s


# --- parsing values shown in instances ------------------------------------------------------


def number(text: str) -> float:
    """A number as the variants module formats it (int, float, 1e-5, or a fraction)."""
    text = text.strip()
    if "/" in text:
        return float(Fraction(text))
    return float(text)


def vector(text: str) -> list[float]:
    """'(3, -4, 0.5)' -> [3.0, -4.0, 0.5]."""
    inner = text.strip().strip("()")
    return [float(x) for x in inner.split(",")]


def instance_values(item: Item) -> dict[str, str]:
    return dict(item.instance_values)


def decimals_asked(prompt_en: str) -> int | None:
    """How many decimals a prompt asks for ("to 3 decimals", "(4 decimal places)", "2 decimals or more")."""
    m = re.search(r"(\d+)\s+decimal(?:s| places)", prompt_en)
    return int(m.group(1)) if m else None
