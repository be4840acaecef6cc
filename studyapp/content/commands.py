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


def cmd_validate(args: argparse.Namespace) -> int:
    paths = args.paths or _content_dirs(args)
    library = load_library(paths, use_cache=not args.no_cache)
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
