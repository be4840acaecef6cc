"""Shared fixtures for the progress tests: an Item factory, a fake clock, a store."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import pytest

from studyapp.content.model import Bank, Item, Library, Section, Text
from studyapp.progress.store import Store

_counter = itertools.count()


def make_item(item_id: str | None = None, *, kind: str = "single", section: str = "rnn", bank: str = "day3",
              tags: tuple[str, ...] = (), content_hash: str | None = None, answer=0) -> Item:
    item_id = item_id or f"item-{next(_counter)}"
    return Item(
        id=item_id, kind=kind, prompt=Text.neutral(f"prompt {item_id}"), explanation=Text.neutral(f"why {item_id}"),
        bank=bank, section=section, material="concept", tags=tags, answer=answer,
        content_hash=content_hash if content_hash is not None else f"h-{item_id}",
    )


def make_library(per_section: dict[str, int], *, bank: str = "day3") -> Library:
    sections = []
    for name, n in per_section.items():
        items = tuple(make_item(f"{name}-{i}", section=name, bank=bank, tags=(name, f"t{i % 3}")) for i in range(n))
        sections.append(Section(id=name, title=Text.neutral(name), items=items))
    return Library(banks=[Bank(id=bank, title=Text.neutral(bank), path="", languages=frozenset(),
                               sections=tuple(sections), content_hash="bank-hash")])


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now = self.now + timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path, clock):
    s = Store(tmp_path / "progress.sqlite3", clock=clock)
    yield s
    s.close()
