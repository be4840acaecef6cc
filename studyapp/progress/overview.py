"""Per-section progress for the sidebar: answered, last-answer accuracy, due now."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from studyapp.content.model import Library, Section


@dataclass(frozen=True)
class SectionProgress:
    total: int
    answered: int
    right: int
    due: int

    @property
    def accuracy(self) -> float | None:
        """Share of answered items whose last attempt was right; ``None`` before any answer."""
        return self.right / self.answered if self.answered else None


def section_item_ids(section: Section) -> tuple[str, ...]:
    """Item ids without building the items (lazy sections know their ids)."""
    ids = getattr(section.items, "ids", None)
    return ids() if callable(ids) else tuple(item.id for item in section.items)


def section_progress(library: Library, last_results: dict[str, tuple[bool, float]], due_ids: Iterable[str]) -> dict[tuple[str, str], SectionProgress]:
    """``{(bank id, section id): SectionProgress}`` from the store's last results and the due queue."""
    due = set(due_ids)
    progress = {}
    for bank in library.banks:
        for section in bank.sections:
            ids = section_item_ids(section)
            answered = [i for i in ids if i in last_results]
            progress[(bank.id, section.id)] = SectionProgress(
                total=len(ids),
                answered=len(answered),
                right=sum(1 for i in answered if last_results[i][0]),
                due=sum(1 for i in answered if i in due),
            )
    return progress
