"""Load every bank under the content directories into a :class:`Library`.

Each file is checked on its own: a broken file (or a broken item in it) is
reported as ``file:line:col: message`` and the rest still loads. Parsed,
validated banks are cached on disk as plain JSON keyed by the file's content
hash, so a second start skips YAML parsing entirely.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode

from studyapp.content import cache
from studyapp.content.bank_spec import BANK_FILE, params_from_data
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
)
from studyapp.content.spec import INVALID, Context, child
from studyapp.content.yamlsource import YamlSyntaxError, compose, gc_paused

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
    """Check one bank file's bytes: plain data (or ``None``) plus its problems."""
    if not data.strip():
        return None, [(1, 1, "the file is empty")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [(line, column, f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8")]
    text = text.removeprefix("\ufeff")
    with gc_paused():
        try:
            root = compose(text)
        except YamlSyntaxError as exc:
            return None, [(exc.line, exc.column, exc.message)]
        if root is None:
            return None, [(1, 1, "the file is empty")]
        if "&" in text and any(isinstance(e, AliasEvent) for e in yaml.parse(text, Loader=yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader)):
            return None, [(1, 1, "YAML anchors and aliases (&name / *name) are not supported in banks; write the text out")]
        ctx = Context(path="")
        if isinstance(root, MappingNode):
            ctx.languages = _claimed_languages(root)
        data_out = BANK_FILE.check(root, ctx)
        problems = sorted(ctx.problems)
    if data_out is INVALID:
        return None, problems
    _stamp_hashes(data_out)
    return data_out, problems


def _claimed_languages(root: MappingNode) -> frozenset[str]:
    """Languages the bank header claims, read leniently (the header check reports errors)."""
    header = child(root, "bank")
    if isinstance(header, MappingNode) and header is not root:
        languages = child(header, "languages")
        if languages is not header and isinstance(languages.value, list):
            claimed = {n.value for n in languages.value if isinstance(n.value, str)}
            return frozenset(claimed & {"en", "ja"})
    return frozenset()


def _stamp_hashes(data: dict[str, Any]) -> None:
    """Give every item and exercise a hash of its content, so progress can tell it changed."""
    for entry in [*(i for s in data.get("sections", []) for i in s["items"]), *data.get("exercises", [])]:
        payload = {k: v for k, v in entry.items() if not k.startswith("_")}
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        entry["_hash"] = hashlib.sha256(blob).hexdigest()[:16]


def load_file(path: Path, use_cache: bool = True) -> tuple[Bank | None, list[Problem]]:
    """Load one bank file: the bank (``None`` if unusable) and its problems."""
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(shown, 1, 1, f"cannot read the file: {exc.strerror or exc}")]
    digest = hashlib.sha256(raw).hexdigest()
    entry = cache.get(digest) if use_cache else None
    if entry is None:
        data, raw_problems = parse_bank_text(raw)
        entry = {"data": data, "problems": raw_problems}
        if use_cache:
            cache.put(digest, entry)
    problems = [Problem(shown, line, column, message) for line, column, message in entry["problems"]]
    data = entry["data"]
    bank = bank_from_data(data, shown, digest) if data is not None else None
    return bank, problems


def load_library(paths: Sequence[str | os.PathLike[str]] | None = None, use_cache: bool = True) -> Library:
    """Load every bank under ``paths`` (default: the bundled content) and cross-check them."""
    from studyapp.paths import bundled_content_dir

    roots = [Path(p) for p in paths] if paths else [bundled_content_dir()]
    library = Library()
    for root in roots:
        if not root.exists():
            library.problems.append(Problem(display_path(root), 1, 1, "no such file or directory"))
    for path in bank_files(r for r in roots if r.exists()):
        bank, problems = load_file(path, use_cache)
        library.problems += problems
        if bank is not None:
            library.banks.append(bank)
    _cross_check(library)
    library.banks.sort(key=lambda b: (b.order, b.id))
    return library


def _cross_check(library: Library) -> None:
    """Checks that span banks: unique ids, and references to exercises that exist."""
    seen_items: dict[str, Item] = {}
    seen_exercises: dict[str, Exercise] = {}
    seen_banks: dict[str, Bank] = {}
    problems = library.problems
    cleaned: list[Bank] = []
    for bank in library.banks:
        if bank.id in seen_banks:
            problems.append(Problem(bank.path, 1, 1, f"duplicate bank id {bank.id!r} (also in {seen_banks[bank.id].path}); this bank is skipped"))
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
    library.banks = cleaned
    final: list[Bank] = []
    for bank in library.banks:
        sections = []
        for section in bank.sections:
            items = []
            for item in section.items:
                if item.id in seen_items:
                    problems.append(_problem_at(item.location, f"duplicate item id {item.id!r} (first defined at {seen_items[item.id].location})"))
                    continue
                wanted = [item.exercise] if item.kind == "code" else []
                if item.verify:
                    wanted.append(item.verify["exercise"])
                missing = [w for w in wanted if w not in seen_exercises]
                if missing:
                    problems.append(_problem_at(item.location, f"item {item.id!r} refers to unknown exercise {missing[0]!r}"))
                    continue
                seen_items[item.id] = item
                items.append(item)
            sections.append(Section(section.id, section.title, tuple(items), section.description))
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
    return Text(value) if value else EMPTY_TEXT


def bank_from_data(data: dict[str, Any], path: str, digest: str) -> Bank:
    header = data["bank"]
    languages = frozenset(header["languages"])
    bank_id = header["id"]
    sections = tuple(
        Section(
            id=s["id"],
            title=_text(s["title"]),
            description=_text(s.get("description")),
            items=tuple(_item(i, bank_id, s["id"], languages, path) for i in s["items"]),
        )
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


def _item(d: dict[str, Any], bank: str, section: str, languages: frozenset[str], path: str) -> Item:
    kind = d["kind"]
    answer = d.get("answer")
    if kind == "multi" and answer is not None:
        answer = tuple(answer)
    tolerance = d.get("tolerance", {})
    fields: dict[str, Any] = dict(
        id=d["id"],
        kind=kind,
        prompt=_text(d.get("prompt")),
        explanation=_text(d["explanation"]),
        bank=bank,
        section=section,
        material=d["material"],
        tags=tuple(d.get("tags", ())),
        difficulty=d.get("difficulty", 2),
        hints=tuple(_text(h) for h in d.get("hints", ())),
        choices=tuple(Choice(_text(c["text"]), _text(c.get("feedback"))) for c in d.get("choices", ())),
        shuffle=d.get("shuffle", True),
        answer=answer,
        tolerance=Tolerance(abs=tolerance.get("abs", 0.0), rel=tolerance.get("rel", 0.0)),
        unit=d.get("unit", ""),
        accept=tuple(d.get("accept", ())),
        regex=tuple(d.get("regex", ())),
        case_sensitive=d.get("case_sensitive", False),
        template=_text(d.get("template")),
        code_language=d.get("code", ""),
        blanks=tuple(
            Blank(
                number=n,
                options=tuple(_text(o) for o in b.get("options", ())),
                answer=b.get("answer"),
                accept=tuple(b.get("accept", ())),
                regex=tuple(b.get("regex", ())),
                case_sensitive=b.get("case_sensitive", False),
                feedback=_text(b.get("feedback")),
            )
            for n, b in enumerate(d.get("blanks", ()), start=1)
        ),
        exercise=d.get("exercise", ""),
        params=params_from_data(d["params"]) if "params" in d else (),
        generator=d.get("generator", ""),
        verify=d.get("verify"),
        languages=languages,
        content_hash=d["_hash"],
        location=Location(path, d["_line"], d["_column"]),
    )
    if "choice_format" in d:
        fields["choice_format"] = _text(d["choice_format"])
    return Item(**fields)


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
