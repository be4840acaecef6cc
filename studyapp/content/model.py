"""Typed, immutable content model: banks, sections, items and code exercises.

Plain data only (no Qt, no YAML): the loader builds these from validated YAML
or from the on-disk cache, the judge and the UI read them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence, TypeVar

T = TypeVar("T")


def trusted(cls: type[T], values: dict[str, Any]) -> T:
    """Build a frozen model object from already-validated values, skipping ``__init__``.

    Loading the cache builds tens of thousands of objects; the generated
    frozen ``__init__`` costs one ``object.__setattr__`` per field, which is
    most of a cached start. Fields left out read the class-level default
    that dataclasses keep (no model field uses a default factory).
    """
    obj = object.__new__(cls)
    obj.__dict__.update(values)
    return obj

LANGUAGES: tuple[str, ...] = ("en", "ja")
"""Languages the app ships; content may claim any subset."""

ITEM_KINDS: tuple[str, ...] = ("single", "multi", "truefalse", "numeric", "text", "cloze", "code")

MATERIALS: tuple[str, ...] = (
    "confirmation_test",
    "exercise_challenge",
    "practice_problem",
    "hands_on",
    "concept",
    "find_the_bug",
)
"""Kinds of study material an item belongs to (as the course names them)."""


@dataclass(frozen=True)
class Text:
    """A localized string: language code -> text.

    A plain YAML string is language-neutral and stored under the key ``"*"``.
    ``get`` falls back to another present language so a missing translation
    never shows an empty widget.
    """

    values: Mapping[str, str]

    def get(self, language: str = "en") -> str:
        if language in self.values:
            return self.values[language]
        for fallback in ("*", "en", "ja"):
            if fallback in self.values:
                return self.values[fallback]
        return next(iter(self.values.values()), "")

    @property
    def languages(self) -> frozenset[str]:
        """Languages this text is written in; neutral text counts for none."""
        return frozenset(k for k in self.values if k != "*")

    @property
    def is_neutral(self) -> bool:
        return set(self.values) == {"*"}

    def all_strings(self) -> tuple[str, ...]:
        return tuple(self.values.values())

    @classmethod
    def neutral(cls, text: str) -> "Text":
        return cls({"*": text})


EMPTY_TEXT = Text({})


@dataclass(frozen=True)
class Location:
    """Where something was written, for messages as ``file:line:col``."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Choice:
    text: Text
    feedback: Text = EMPTY_TEXT


@dataclass(frozen=True)
class Blank:
    """One numbered blank of a cloze item: either options to pick or accepted text."""

    number: int
    options: tuple[Text, ...] = ()
    answer: int | None = None
    accept: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()
    case_sensitive: bool = False
    feedback: Text = EMPTY_TEXT

    @property
    def is_choice(self) -> bool:
        return bool(self.options)


@dataclass(frozen=True)
class Tolerance:
    """Numeric tolerance: a value v is right when |v-a| <= abs or |v-a| <= rel*|a|.

    With neither given the answer must be exact (after float parsing).
    """

    abs: float = 0.0
    rel: float = 0.0


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of a parameterized item: an integer range or a list of values."""

    name: str
    low: int | None = None
    high: int | None = None
    step: int = 1
    values: tuple[Any, ...] = ()

    def domain(self) -> tuple[Any, ...]:
        if self.values:
            return self.values
        assert self.low is not None and self.high is not None
        return tuple(range(self.low, self.high + 1, self.step))


def params_from_data(params: dict[str, dict[str, Any]]) -> tuple[ParamSpec, ...]:
    """ParamSpecs from validated plain data: ``{name: {range: [lo, hi], step} | {values: [...]}}``."""
    specs = []
    for name, spec in params.items():
        if "range" in spec:
            specs.append(ParamSpec(name, low=spec["range"][0], high=spec["range"][1], step=spec.get("step", 1)))
        else:
            specs.append(ParamSpec(name, values=tuple(spec["values"])))
    return tuple(specs)


@dataclass(frozen=True)
class Item:
    """A quiz item of any kind; kind-specific fields are empty for other kinds."""

    id: str
    kind: str
    prompt: Text
    explanation: Text
    bank: str
    section: str
    material: str
    tags: tuple[str, ...] = ()
    difficulty: int = 2
    hints: tuple[Text, ...] = ()
    # single / multi
    choices: tuple[Choice, ...] = ()
    shuffle: bool = True
    # single: int; multi: tuple[int, ...]; truefalse: bool; numeric: float
    answer: Any = None
    # numeric
    tolerance: Tolerance = Tolerance()
    unit: str = ""
    # text
    accept: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()
    case_sensitive: bool = False
    # cloze
    template: Text = EMPTY_TEXT
    code_language: str = ""
    blanks: tuple[Blank, ...] = ()
    # code
    exercise: str = ""
    # parameterized
    params: tuple[ParamSpec, ...] = ()
    generator: str = ""
    choice_format: Text = Text({"*": "{{value}}"})
    instance_seed: int | None = None
    instance_values: tuple[tuple[str, str], ...] = ()
    # content checks run by the tests: {"exercise": id, "fixed": code, "buggy": code}
    verify: Mapping[str, str] | None = None
    # bookkeeping
    languages: frozenset[str] = frozenset()
    content_hash: str = ""
    location: Location | None = None

    @property
    def parameterized(self) -> bool:
        return bool(self.generator)

    def searchable_text(self) -> str:
        """Every human-readable string of the item in every language, for search."""
        parts: list[str] = [*self.prompt.all_strings(), *self.explanation.all_strings()]
        parts += self.template.all_strings()
        for choice in self.choices:
            parts += choice.text.all_strings()
        return "\n".join(parts)


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    items: Sequence[Item]
    """A tuple, or a lazily built sequence when loaded from the cache."""
    description: Text = EMPTY_TEXT


@dataclass(frozen=True)
class Mistake:
    """A known mistake an exercise diagnoses: a bundled mutant of the reference."""

    id: str
    message: Text = EMPTY_TEXT


@dataclass(frozen=True)
class Exercise:
    """A code exercise: the learner implements ``function`` to match ``reference``."""

    id: str
    reference: str
    function: str
    title: Text
    statement: Text
    starter: str
    solution: str
    bank: str
    hints: tuple[Text, ...] = ()
    mistakes: tuple[Mistake, ...] = ()
    rtol: float = 1e-6
    atol: float = 1e-8
    time_limit_s: float = 5.0
    memory_limit_mb: int = 1024
    seed: int = 0
    tags: tuple[str, ...] = ()
    difficulty: int = 2
    material: str = "exercise_challenge"
    languages: frozenset[str] = frozenset()
    content_hash: str = ""
    location: Location | None = None


@dataclass(frozen=True)
class Bank:
    id: str
    title: Text
    path: str
    languages: frozenset[str]
    sections: tuple[Section, ...]
    exercises: tuple[Exercise, ...] = ()
    content_hash: str = ""
    order: int = 100

    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    def item_count(self) -> int:
        """Number of items, without building them."""
        return sum(len(section.items) for section in self.sections)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bank, reported as ``file:line:col: message``."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


@dataclass
class Library:
    """Everything loaded from the content directories: good banks plus problems."""

    banks: list[Bank] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def items(self) -> list[Item]:
        return [item for bank in self.banks for item in bank.items()]

    def exercises(self) -> list[Exercise]:
        return [ex for bank in self.banks for ex in bank.exercises]

    def item(self, item_id: str) -> Item | None:
        return self._index().get(item_id)

    def exercise(self, exercise_id: str) -> Exercise | None:
        for ex in self.exercises():
            if ex.id == exercise_id:
                return ex
        return None

    def _index(self) -> dict[str, Item]:
        cached = getattr(self, "_item_index", None)
        if cached is None or len(cached) != sum(b.item_count() for b in self.banks):
            cached = {item.id: item for item in self.items()}
            self._item_index = cached
        return cached
