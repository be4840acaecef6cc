"""The Anki export imports into the official ``anki`` package with every bank's notes, and
importing again (same file or the other language) updates the notes instead of duplicating them."""
from __future__ import annotations

import re
import time

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from studyapp.cli import main
from studyapp.content.anki_export import build_package
from studyapp.content.loader import load_library


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture
def collection(tmp_path):
    opened = Collection(str(tmp_path / "collection.anki2"))
    yield opened
    opened.close()


def _import(collection: Collection, path) -> object:
    return collection.import_anki_package(ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions()))


def _export(tmp_path, language: str):
    path = tmp_path / f"studyapp-{language}.apkg"
    assert main(["export-anki", str(path), "--language", language]) == 0
    return path


def _note(collection: Collection, entry_id: str):
    (note_id,) = collection.find_notes(f'"ItemId:{entry_id}"')
    return collection.get_note(note_id)


def test_every_bank_imports_with_all_its_notes(tmp_path, library, collection, capsys):
    path = _export(tmp_path, "en")
    assert "notes from" in capsys.readouterr().out
    _import(collection, path)
    assert collection.note_count() == len(library.items()) + len(library.exercises())
    for bank in library.banks:
        deck_id = collection.decks.id_for_name(f"studyapp::{bank.title.get('en')}")
        assert deck_id, bank.id
        in_deck = collection.find_notes(f"did:{deck_id}")
        assert len(in_deck) == bank.item_count() + len(bank.exercises), bank.id
        ids = {collection.get_note(n)["ItemId"] for n in in_deck}
        assert ids == {i.id for i in bank.items()} | {e.id for e in bank.exercises}
        for item in bank.items():
            note = _note(collection, item.id)
            assert {bank.id, f"{bank.id}::{item.section}"} <= set(note.tags)


def test_math_goes_to_mathjax_and_code_to_pre(tmp_path, library, collection):
    _import(collection, _export(tmp_path, "en"))
    math_items = [i for i in library.items() if "$" in i.prompt.get("en") and not i.parameterized]
    assert math_items
    for item in math_items:
        front = _note(collection, item.id)["Front"]
        assert re.search(r"\\\(|\\\[", front), item.id
        assert "$" not in re.sub(r"<pre>.*?</pre>", "", front, flags=re.S), item.id
    code_clozes = [i for i in library.items() if i.kind == "cloze" and i.code_language]
    assert code_clozes
    for item in code_clozes:
        assert "<pre><code>" in _note(collection, item.id)["Front"], item.id
    for exercise in library.exercises():
        assert "<pre><code>" in _note(collection, exercise.id)["Back"], exercise.id


def test_second_import_updates_and_never_duplicates(tmp_path, library, collection):
    total = len(library.items()) + len(library.exercises())
    english = _export(tmp_path, "en")
    _import(collection, english)
    again = _import(collection, english)
    assert collection.note_count() == total and not again.log.new
    time.sleep(1.1)  # Anki updates a note when the imported one is newer; note times have 1 s resolution
    japanese = _export(tmp_path, "ja")
    switched = _import(collection, japanese)
    assert collection.note_count() == total and not switched.log.new
    assert len(switched.log.updated) == total
    exercise = library.exercises()[0]
    assert exercise.title.get("ja") in _note(collection, exercise.id)["Front"]


def test_note_guids_depend_only_on_the_item(library):
    def guids(language):
        return {note.fields[0]: note.guid for deck in build_package(library, language).decks for note in deck.notes}

    english, japanese = guids("en"), guids("ja")
    assert english == japanese and len(set(english.values())) == len(english)
