"""``studyapp validate``, ``studyapp list`` and ``studyapp schema``."""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from studyapp.content.bank_spec import json_schema
from studyapp.content.loader import load_library
from studyapp.content.model import Library


def _content_dirs(args: argparse.Namespace) -> list[str] | None:
    return args.content or None


def _bundled_exercise_ids(paths: list[str] | None, use_cache: bool) -> frozenset[str]:
    """Exercises an item in the checked files may refer to although they live elsewhere.

    Checking one bank on its own must not report its references to the bundled
    exercises as unknown; when the bundled content itself is being checked
    (or cannot be read), there is nothing extra to know.
    """
    from studyapp.paths import bundled_content_dir

    if not paths:
        return frozenset()
    bundled = bundled_content_dir().resolve()
    checked = [Path(p).resolve() for p in paths]
    if any(p == bundled or bundled in p.parents or p in bundled.parents for p in checked if p.is_dir()):
        return frozenset()
    if not bundled.is_dir():
        print(f"note: the bundled content ({bundled}) cannot be read; references to its exercises are reported as unknown", file=sys.stderr)
        return frozenset()
    return frozenset(ex.id for ex in load_library([bundled], use_cache=use_cache).exercises())


def cmd_validate(args: argparse.Namespace) -> int:
    paths = args.paths or _content_dirs(args)
    known = _bundled_exercise_ids(args.paths, not args.no_cache) if args.paths else frozenset()
    library = load_library(paths, use_cache=not args.no_cache, known_exercises=known)
    for problem in library.problems:
        print(problem)
    if library.problems:
        print(f"{len(library.problems)} problem(s)", file=sys.stderr)
        return 1
    items = len(library.items())
    print(f"ok: {len(library.banks)} bank(s), {items} item(s), {len(library.exercises())} exercise(s)", file=sys.stderr)
    return 0


def listing(library: Library) -> dict[str, Any]:
    """What ``list --json`` prints: items, exercises and problems as plain data."""
    return {
        "items": [
            {
                "id": item.id,
                "bank": item.bank,
                "section": item.section,
                "kind": item.kind,
                "material": item.material,
                "languages": sorted(item.languages),
                "tags": list(item.tags),
                "parameterized": item.parameterized,
                "code_cloze": item.kind == "cloze" and bool(item.code_language),
            }
            for item in library.items()
        ],
        "exercises": [{"id": ex.id, "reference": ex.reference, "languages": sorted(ex.languages)} for ex in library.exercises()],
        "problems": [str(p) for p in library.problems],
    }


def cmd_list(args: argparse.Namespace) -> int:
    library = load_library(_content_dirs(args))
    if args.json:
        json.dump(listing(library), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for bank in library.banks:
        print(f"{bank.id}  {bank.title.get('en')}  [{', '.join(sorted(bank.languages))}]  {bank.path}")
        for section in bank.sections:
            kinds = Counter(item.kind for item in section.items)
            summary = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
            print(f"  {section.id}: {len(section.items)} item(s) ({summary})")
        for ex in bank.exercises:
            print(f"  exercise {ex.id} -> reference {ex.reference}")
    total = Counter(item.kind for item in library.items())
    print(f"total: {sum(total.values())} item(s): " + ", ".join(f"{k} {n}" for k, n in sorted(total.items())))
    print(f"exercises: {len(library.exercises())}; problems: {len(library.problems)}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    validate = subparsers.add_parser("validate", parents=[common], help="check banks; print file:line:col: message per problem")
    validate.add_argument("paths", nargs="*", metavar="PATH", help="bank files or directories (default: --content or the bundled content)")
    validate.add_argument("--no-cache", action="store_true", help="re-parse every file")
    validate.set_defaults(func=cmd_validate)

    listing_parser = subparsers.add_parser("list", parents=[common], help="banks, sections and item counts")
    listing_parser.add_argument("--json", action="store_true", help="machine-readable output")
    listing_parser.set_defaults(func=cmd_list)

    schema = subparsers.add_parser("schema", parents=[common], help="print the JSON Schema of the bank format")
    schema.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    schema.set_defaults(func=cmd_schema)
