"""Load every bank under the content directories into a :class:`Library`.

YAML parsing and validation (:mod:`studyapp.content.parsing`) run only for
files the cache does not know, so a warm start imports neither PyYAML nor
the specs.

Each file is checked on its own: a broken file (or a broken item in it) is
reported as ``file:line:col: message`` and the rest still loads. Parsed,
validated banks are cached on disk as plain JSON keyed by the file's content
hash, so a second start skips YAML parsing entirely.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Sequence

from studyapp.content import cache
from studyapp.content.gcpause import gc_paused
from studyapp.content.model import (
    EMPTY_TEXT,
    Bank,
    Blank,
    Choice,
    Exercise,
    Item,
    Library,
    Location,
    Mistake,
    Problem,
    Section,
    Text,
    Tolerance,
    params_from_data,
    trusted,
)

BANK_SUFFIXES = (".yaml", ".yml")
RawProblem = tuple[int, int, str]


def display_path(path: Path) -> str:
    """The path as a person typed it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def bank_files(paths: Iterable[Path]) -> list[Path]:
    """Every bank file under ``paths`` (files are taken as they are), in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in BANK_SUFFIXES and p.is_file())
        else:
            found.append(path)
    return found


def parse_bank_text(data: bytes) -> tuple[dict[str, Any] | None, list[RawProblem]]:
    """Check one bank file's bytes: plain data (or ``None``) plus its problems (see :mod:`parsing`)."""
    from studyapp.content.parsing import parse_bank_text as parse  # YAML and specs: only on a cache miss

    return parse(data)


def cached_form(data: dict[str, Any]) -> dict[str, Any]:
    from studyapp.content.parsing import cached_form as convert

    return convert(data)


def load_file(path: Path, use_cache: bool = True) -> tuple[Bank | None, list[Problem]]:
    """Load one bank file: the bank (``None`` if unusable) and its problems."""
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(shown, 1, 1, f"cannot read the file: {exc.strerror or exc}")]
    return load_bytes(raw, shown, use_cache)


def load_bytes(raw: bytes, shown: str, use_cache: bool = False) -> tuple[Bank | None, list[Problem]]:
    """Load one bank from its bytes; never raises: whatever goes wrong is a problem of this bank only."""
    try:
        digest = hashlib.sha256(raw).hexdigest()
        entry = cache.get(digest) if use_cache else None
        if entry is None:
            data, raw_problems = parse_bank_text(raw)
            entry = {"data": cached_form(data) if data is not None else None, "problems": raw_problems}
            if use_cache:
                cache.put(digest, entry)
        problems = [Problem(shown, line, column, message) for line, column, message in entry["problems"]]
        data = entry["data"]
        bank = bank_from_data(data, shown, digest) if data is not None else None
        return bank, problems
    except Exception as exc:  # noqa: BLE001 - one bank must never stop the others from loading
        return None, [Problem(shown, 1, 1, f"internal error while reading this bank ({type(exc).__name__}: {exc}); the bank is skipped")]


def load_library(
    paths: Sequence[str | os.PathLike[str]] | None = None, use_cache: bool = True, known_exercises: Iterable[str] = ()
) -> Library:
    """Load every bank under ``paths`` (default: the bundled content) and cross-check them.

    ``known_exercises`` are exercise ids defined elsewhere (e.g. the bundled
    exercises when one bank is validated on its own) that items may refer to.
    """
    from studyapp.paths import bundled_content_dir

    roots = [Path(p) for p in paths] if paths else [bundled_content_dir()]
    with gc_paused():  # the model is many small acyclic objects: see gc_paused
        return _load_library(roots, use_cache, frozenset(known_exercises))


def _load_library(roots: list[Path], use_cache: bool, known_exercises: frozenset[str] = frozenset()) -> Library:
    library = Library()
    for root in roots:
        if not root.exists():
            library.problems.append(Problem(display_path(root), 1, 1, "no such file or directory"))
    for path in bank_files(r for r in roots if r.exists()):
        bank, problems = load_file(path, use_cache)
        library.problems += problems
        if bank is not None:
            library.banks.append(bank)
    _cross_check(library, known_exercises)
    library.banks.sort(key=lambda b: (b.order, b.id))
    return library


def _cross_check(library: Library, known_exercises: frozenset[str] = frozenset()) -> None:
    """Checks that span banks: unique ids, and references to exercises that exist.

    Works on the lazy items' index, so it never forces items to be built.
    Two files with one bank id are both reported; the first (in path order)
    is kept, and the message on each names the other, so nothing vanishes unsaid.
    """
    seen_items: dict[str, Location] = {}
    seen_exercises: dict[str, Exercise] = {}
    seen_banks: dict[str, Bank] = {}
    problems = library.problems
    cleaned: list[Bank] = []
    for bank in library.banks:
        if bank.id in seen_banks:
            first = seen_banks[bank.id]
            problems.append(Problem(first.path, 1, 1, f"duplicate bank id {bank.id!r} (also in {bank.path}); this file is loaded, the other is skipped until one id is changed"))
            problems.append(Problem(bank.path, 1, 1, f"duplicate bank id {bank.id!r} (also in {first.path}); this bank is skipped until one id is changed"))
            continue
        seen_banks[bank.id] = bank
        exercises = []
        for ex in bank.exercises:
            if ex.id in seen_exercises:
                problems.append(_problem_at(ex.location, f"duplicate exercise id {ex.id!r} (first defined at {seen_exercises[ex.id].location})"))
                continue
            seen_exercises[ex.id] = ex
            exercises.append(ex)
        cleaned.append(_replace_bank(bank, exercises=tuple(exercises)))
    final: list[Bank] = []
    for bank in cleaned:
        sections = []
        for section in bank.sections:
            items: LazyItems = section.items  # type: ignore[assignment]
            dropped: set[str] = set()
            for entry in items.index:
                location = Location(bank.path, entry.line, entry.column)
                if entry.id in seen_items:
                    problems.append(_problem_at(location, f"duplicate item id {entry.id!r} (first defined at {seen_items[entry.id]})"))
                    dropped.add(entry.id)
                    continue
                missing = [w for w in entry.exercises if w not in seen_exercises and w not in known_exercises]
                if missing:
                    problems.append(_problem_at(location, f"item {entry.id!r} refers to unknown exercise {missing[0]!r}"))
                    dropped.add(entry.id)
                    continue
                seen_items[entry.id] = location
            sections.append(Section(section.id, section.title, items.without(dropped), section.description))
        final.append(_replace_bank(bank, sections=tuple(sections)))
    library.banks = final


def _replace_bank(bank: Bank, **changes: Any) -> Bank:
    from dataclasses import replace

    return replace(bank, **changes)


def _problem_at(location: Location | None, message: str) -> Problem:
    if location is None:
        return Problem("?", 1, 1, message)
    return Problem(location.path, location.line, location.column, message)


# --- plain data -> model -------------------------------------------------------------------


def _text(value: dict[str, str] | None) -> Text:
    return trusted(Text, {"values": value}) if value else EMPTY_TEXT


class IndexEntry(NamedTuple):
    """What is known about an item before it is built: enough for counts and cross-checks."""

    id: str
    kind: str
    line: int
    column: int
    exercises: list[str]


class LazyItems(Sequence[Item]):
    """A section's items, built from their JSON on first access (thread-safe)."""

    def __init__(self, index: tuple[IndexEntry, ...], build: Callable[[frozenset[str]], tuple[Item, ...]], dropped: frozenset[str] = frozenset()):
        self.index = tuple(e for e in index if e.id not in dropped)
        self._all_index = index
        self._build = build
        self._dropped = dropped
        self._items: tuple[Item, ...] | None = None
        self._lock = threading.Lock()

    def without(self, ids: set[str]) -> "LazyItems":
        return LazyItems(self._all_index, self._build, self._dropped | frozenset(ids)) if ids else self

    def ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.index)

    def _materialized(self) -> tuple[Item, ...]:
        if self._items is None:
            with self._lock:
                if self._items is None:
                    with gc_paused():
                        self._items = self._build(self._dropped)
        return self._items

    def __len__(self) -> int:
        return len(self.index)

    def __getitem__(self, position: Any) -> Any:
        return self._materialized()[position]

    def __iter__(self) -> Iterator[Item]:
        return iter(self._materialized())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (LazyItems, tuple, list)):
            return tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LazyItems({len(self)} items{'' if self._items is None else ', built'})"


def bank_from_data(data: dict[str, Any], path: str, digest: str) -> Bank:
    """Build a bank from its cached form (see :func:`cached_form`)."""
    header = data["bank"]
    languages = frozenset(header["languages"])
    bank_id = header["id"]

    def section_items(s: dict[str, Any]) -> LazyItems:
        items_json, section_id = s["items_json"], s["id"]

        def build(dropped: frozenset[str]) -> tuple[Item, ...]:
            return tuple(_item(i, bank_id, section_id, languages, path) for i in json.loads(items_json) if i["id"] not in dropped)

        index = tuple(map(IndexEntry._make, s["index"]))
        return LazyItems(index, build)

    sections = tuple(
        Section(id=s["id"], title=_text(s["title"]), description=_text(s.get("description")), items=section_items(s))
        for s in data.get("sections", [])
    )
    exercises = tuple(_exercise(e, bank_id, languages, path) for e in data.get("exercises", []))
    return Bank(
        id=bank_id,
        title=_text(header["title"]),
        path=path,
        languages=languages,
        sections=sections,
        exercises=exercises,
        content_hash=digest,
        order=header.get("order", 100),
    )


# Keys whose plain value is the model value as it is (after tuple conversion for lists).
_PLAIN_KEYS = ("material", "difficulty", "shuffle", "unit", "case_sensitive", "exercise", "generator", "verify")
_TUPLE_KEYS = ("tags", "accept", "regex")


def _item(d: dict[str, Any], bank: str, section: str, languages: frozenset[str], path: str) -> Item:
    """Build an Item from validated plain data (fresh from YAML or from the cache)."""
    fields: dict[str, Any] = {
        "id": d["id"],
        "kind": d["kind"],
        "prompt": _text(d.get("prompt")),
        "explanation": _text(d["explanation"]),
        "bank": bank,
        "section": section,
        "languages": languages,
        "content_hash": d["_hash"],
        "location": trusted(Location, {"path": path, "line": d["_line"], "column": d["_column"]}),
    }
    for key in _PLAIN_KEYS:
        if key in d:
            fields[key] = d[key]
    for key in _TUPLE_KEYS:
        if key in d:
            fields[key] = tuple(d[key])
    if "answer" in d:
        fields["answer"] = tuple(d["answer"]) if d["kind"] == "multi" else d["answer"]
    if "hints" in d:
        fields["hints"] = tuple(_text(h) for h in d["hints"])
    if "choices" in d:
        fields["choices"] = tuple(trusted(Choice, {"text": _text(c["text"]), "feedback": _text(c.get("feedback"))}) for c in d["choices"])
    if "tolerance" in d:
        fields["tolerance"] = Tolerance(abs=d["tolerance"].get("abs", 0.0), rel=d["tolerance"].get("rel", 0.0))
    if "template" in d:
        fields["template"] = _text(d["template"])
    if "code" in d:
        fields["code_language"] = d["code"]
    if "blanks" in d:
        fields["blanks"] = tuple(
            Blank(
                number=n,
                options=tuple(_text(o) for o in b.get("options", ())),
                answer=b.get("answer"),
                accept=tuple(b.get("accept", ())),
                regex=tuple(b.get("regex", ())),
                case_sensitive=b.get("case_sensitive", False),
                feedback=_text(b.get("feedback")),
            )
            for n, b in enumerate(d["blanks"], start=1)
        )
    if "params" in d:
        fields["params"] = params_from_data(d["params"])
    if "choice_format" in d:
        fields["choice_format"] = _text(d["choice_format"])
    return trusted(Item, fields)


def _exercise(d: dict[str, Any], bank: str, languages: frozenset[str], path: str) -> Exercise:
    tolerance = d.get("tolerance", {})
    return Exercise(
        id=d["id"],
        reference=d["reference"],
        function=d.get("function", d["reference"]),
        title=_text(d["title"]),
        statement=_text(d["statement"]),
        starter=d["starter"],
        solution=d["solution"],
        bank=bank,
        hints=tuple(_text(h) for h in d.get("hints", ())),
        mistakes=tuple(Mistake(m["id"], _text(m.get("message"))) for m in d.get("mistakes", ())),
        rtol=tolerance.get("rtol", 1e-6),
        atol=tolerance.get("atol", 1e-8),
        time_limit_s=float(d.get("time_limit", 5.0)),
        memory_limit_mb=d.get("memory_limit_mb", 1024),
        seed=d.get("seed", 0),
        tags=tuple(d.get("tags", ())),
        difficulty=d.get("difficulty", 2),
        material=d.get("material", "exercise_challenge"),
        languages=languages,
        content_hash=d["_hash"],
        location=Location(path, d["_line"], d["_column"]),
    )
