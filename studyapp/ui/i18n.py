"""UI strings in English and Japanese, one catalog per module.

Each screen declares its own ``Catalog``; every catalog registers itself so a
test can prove both languages are complete. Content text is localized in the
banks, not here.
"""
from __future__ import annotations

from typing import Mapping

LANGUAGES = ("en", "ja")
LANGUAGE_NAMES = {"en": "English", "ja": "日本語"}

_CATALOGS: list["Catalog"] = []


class Catalog:
    """``key -> {"en": ..., "ja": ...}``; look up with ``catalog(key, language, **format_args)``."""

    def __init__(self, name: str, strings: Mapping[str, Mapping[str, str]]) -> None:
        self.name = name
        self.strings = dict(strings)
        _CATALOGS.append(self)

    def __call__(self, key: str, language: str, **values: object) -> str:
        entry = self.strings[key]
        text = entry.get(language) or entry["en"]
        return text.format(**values) if values else text

    def missing(self) -> list[str]:
        return [f"{self.name}.{key}: {lang}" for key, entry in self.strings.items() for lang in LANGUAGES if not entry.get(lang)]


def catalogs() -> list[Catalog]:
    return list(_CATALOGS)
