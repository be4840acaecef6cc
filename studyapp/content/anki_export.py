"""``studyapp export-anki FILE.apkg``: the banks as an Anki deck, for review on a phone.

Every quiz item and code exercise becomes one note of a single note type. The note's GUID is
derived from the item id only, so importing a newer export (or the other language) updates the
notes already in Anki instead of adding copies, and keeps their review history. Math stays TeX
and is wrapped in ``\\( \\)`` / ``\\[ \\]`` for Anki's MathJax; code goes into ``<pre><code>``.
Parameterized items are exported as their seed-0 instance (a card cannot draw fresh numbers).
"""
from __future__ import annotations

import argparse
import hashlib
import html
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from studyapp.content.judging import blank_answer_text
from studyapp.content.model import Bank, Exercise, Item, Library, Text
from studyapp.content.variants import instantiate

MODEL_NAME = "studyapp item"
FIELDS = ("ItemId", "Front", "Back")
WORDS = {
    "en": {"true": "True", "false": "False", "statement": "True or false?", "answer": "Answer",
           "solution": "Reference solution", "blank": "blank"},
    "ja": {"true": "正しい", "false": "誤り", "statement": "正誤を答えよ。", "answer": "正解",
           "solution": "模範解答", "blank": "空欄"},
}
_BLANK = re.compile(r"\{\{(\d+)\}\}")
_TAG_UNSAFE = re.compile(r"[^\w:.-]+")


def stable_id(name: str) -> int:
    """A deterministic id in Anki's positive 31..63-bit range (models and decks need fixed ids)."""
    return (1 << 30) + int(hashlib.sha256(name.encode()).hexdigest()[:12], 16) % (1 << 40)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    dollarmath_plugin(md, allow_space=True, allow_digits=True, double_inline=True)
    inline = lambda tokens, idx, options, env: f"\\({html.escape(tokens[idx].content)}\\)"  # noqa: E731
    display = lambda tokens, idx, options, env: f"\\[{html.escape(tokens[idx].content)}\\]"  # noqa: E731
    md.renderer.rules["math_inline"] = inline
    for rule in ("math_inline_double", "math_block", "math_block_label"):
        md.renderer.rules[rule] = display
    return md


def markdown_html(text: str) -> str:
    """Markdown (with ``$``/``$$`` math and fenced code) as HTML for an Anki field."""
    return _markdown().render(text).strip()


def inline_html(text: str) -> str:
    """Like :func:`markdown_html` without the paragraph around a one-paragraph text (choices)."""
    rendered = markdown_html(text)
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        return rendered[3:-4]
    return rendered


def code_html(code: str) -> str:
    return f"<pre><code>{html.escape(code.rstrip())}</code></pre>"


def tags_for(bank: str, section: str, extra: Iterable[str]) -> list[str]:
    """Anki tags (no spaces): the bank, ``bank::section`` and the item's own tags."""
    raw = ["studyapp", bank, f"{bank}::{section}" if section else "", *extra]
    return sorted({_TAG_UNSAFE.sub("_", tag) for tag in raw if tag})


def _choices_html(item: Item, language: str) -> str:
    rows = "".join(f"<li>{inline_html(choice.text.get(language))}</li>" for choice in item.choices)
    return f"<ol type='A'>{rows}</ol>"


def _cloze(item: Item, language: str, reveal: bool) -> str:
    words = WORDS[language]

    def blank(match: re.Match[str]) -> str:
        number = int(match.group(1))
        found = next((b for b in item.blanks if b.number == number), None)
        if reveal and found is not None:
            return f"[{blank_answer_text(found, language)}]"
        return f"[{words['blank']} {number}]"

    filled = _BLANK.sub(blank, item.template.get(language))
    if item.code_language:
        return code_html(filled)
    return markdown_html(filled)


def _answer(item: Item, language: str) -> str:
    words = WORDS[language]
    if item.kind == "single":
        return f"<p>{chr(65 + item.answer)}. {inline_html(item.choices[item.answer].text.get(language))}</p>"
    if item.kind == "multi":
        return "".join(f"<p>{chr(65 + i)}. {inline_html(item.choices[i].text.get(language))}</p>" for i in sorted(item.answer))
    if item.kind == "truefalse":
        return words["true"] if item.answer else words["false"]
    if item.kind == "numeric":
        return html.escape(f"{item.answer:g} {item.unit}".strip())
    if item.kind == "text":
        return html.escape(item.accept[0] if item.accept else (item.regex[0] if item.regex else ""))
    if item.kind == "cloze":
        return _cloze(item, language, reveal=True)
    return ""


def item_fields(item: Item, language: str) -> tuple[str, str]:
    """Front and back HTML of one (instantiated) item."""
    front = markdown_html(item.prompt.get(language))
    if item.kind in ("single", "multi"):
        front += _choices_html(item, language)
    elif item.kind == "truefalse":
        front += f"<p>{WORDS[language]['statement']}</p>"
    elif item.kind == "cloze":
        front += _cloze(item, language, reveal=False)
    back = f"<p><b>{WORDS[language]['answer']}</b></p>{_answer(item, language)}"
    explanation = item.explanation.get(language)
    if explanation:
        back += "<hr>" + markdown_html(explanation)
    return front, back


def exercise_fields(exercise: Exercise, language: str) -> tuple[str, str]:
    front = f"<h3>{html.escape(exercise.title.get(language))}</h3>" + markdown_html(exercise.statement.get(language))
    back = f"<p><b>{WORDS[language]['solution']}</b></p>" + code_html(exercise.solution)
    return front, back


def build_package(library: Library, language: str = "en"):  # -> genanki.Package
    """One subdeck per bank under ``studyapp``; ``genanki`` is imported only here."""
    import genanki

    model = genanki.Model(
        stable_id("studyapp model v1"), MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Card", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id='answer'>{{Back}}"}],
        css=".card { font-family: sans-serif; font-size: 18px; text-align: left; } pre { text-align: left; font-size: 14px; }",
        sort_field_index=0,
    )
    decks = []
    for bank in library.banks:
        deck = genanki.Deck(stable_id(f"studyapp deck {bank.id}"), f"studyapp::{_deck_title(bank, language)}")
        for item in bank.items():
            concrete = instantiate(item, 0)
            front, back = item_fields(concrete, language)
            deck.add_note(genanki.Note(model=model, fields=[item.id, front, back], guid=genanki.guid_for("studyapp", item.id),
                                       tags=tags_for(bank.id, item.section, (*item.tags, item.material, item.kind))))
        for exercise in bank.exercises:
            front, back = exercise_fields(exercise, language)
            deck.add_note(genanki.Note(model=model, fields=[exercise.id, front, back], guid=genanki.guid_for("studyapp", exercise.id),
                                       tags=tags_for(bank.id, "", (*exercise.tags, exercise.material, "code"))))
        decks.append(deck)
    return genanki.Package(decks)


def _deck_title(bank: Bank, language: str) -> str:
    return bank.title.get(language).replace("::", ":")


def export_anki(library: Library, path: Path, language: str = "en") -> int:
    """Write ``path`` (.apkg); returns the number of notes."""
    package = build_package(library, language)
    package.write_to_file(str(path))
    return sum(len(deck.notes) for deck in package.decks)


MESSAGES = {
    "en": "wrote {notes} notes from {banks} banks to {path}",
    "ja": "{banks} 個の問題集から {notes} 件のノートを {path} に書き出しました",
}


def _command(args: argparse.Namespace) -> int:
    from studyapp.content.loader import load_library

    library = load_library(args.content)
    for problem in library.problems:
        print(problem)
    notes = export_anki(library, Path(args.file), args.language)
    print(MESSAGES[args.language].format(notes=notes, banks=len(library.banks), path=args.file))
    return 0


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("export-anki", parents=[common], help="write the quiz banks as an Anki deck (.apkg)")
    parser.add_argument("file", metavar="FILE.apkg")
    parser.add_argument("--language", choices=("en", "ja"), default="en")
    parser.set_defaults(func=_command)


__all__ = ["export_anki", "build_package", "item_fields", "markdown_html", "stable_id"]
