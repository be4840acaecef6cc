"""CLI: ``studyapp progress export FILE``, ``studyapp progress import FILE``, ``studyapp stats [--json]``."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .store import Store, StoreError, read_export
from .store.transfer import write_export


def _open(args: argparse.Namespace) -> Store:
    try:
        store = Store.open(getattr(args, "data_dir", None))
    except (StoreError, OSError) as exc:  # e.g. a data folder that cannot be created
        print(f"cannot open the progress: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    if store.recovery_message:
        print(store.recovery_message, file=sys.stderr)
    return store


def _export(args: argparse.Namespace) -> int:
    target = Path(args.file)
    with _open(args) as store:
        try:
            data = write_export(store, target)
        except OSError as exc:
            print(f"cannot write {target}: {exc.strerror or exc} (an existing file there is unchanged)", file=sys.stderr)
            return 1
    counts = ", ".join(f"{len(t['rows'])} {name}" for name, t in data["tables"].items())
    print(f"exported {counts} to {target}")
    return 0


def _known_ids(args: argparse.Namespace) -> dict[str, set[str]]:
    """The item and exercise ids of the content in use: rows about other ids are not imported."""
    from studyapp.content.loader import load_library

    library = load_library(getattr(args, "content", None) or None)
    return {"items": {item.id for item in library.items()}, "exercises": {ex.id for ex in library.exercises()}}


def _import(args: argparse.Namespace) -> int:
    try:
        data = read_export(args.file)
    except StoreError as exc:
        print(f"cannot import: {exc}", file=sys.stderr)
        return 2
    known = _known_ids(args)
    with _open(args) as store:
        try:
            report = store.import_data(data, **known)
        except StoreError as exc:
            print(f"cannot import {args.file}: {exc}", file=sys.stderr)
            return 1
    print(report.summary())
    return 0


def _check(args: argparse.Namespace) -> int:
    """Like Tools → Check database: integrity check, REINDEX, orphan clean-up; exit 1 if problems remain."""
    with _open(args) as store:
        lines = store.check_database()
    print("\n".join(lines))
    healthy = lines[0] == "integrity check: ok" or (len(lines) > 3 and "after repair: ok" in lines)
    return 0 if healthy else 1


def _stats(args: argparse.Namespace) -> int:
    from .stats import compute, format_text

    with _open(args) as store:
        stats = compute(store)
    if args.json:
        json.dump(stats.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(format_text(stats))
    return 0


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    progress = subparsers.add_parser("progress", help="export or import learning progress")
    sub = progress.add_subparsers(dest="progress_command", metavar="ACTION")
    exp = sub.add_parser("export", parents=[common], help="write all progress to a JSON file")
    exp.add_argument("file", metavar="FILE")
    exp.set_defaults(func=_export)
    imp = sub.add_parser("import", parents=[common],
                         help="merge a JSON export into the progress (no duplicates; safe to repeat)")
    imp.add_argument("file", metavar="FILE")
    imp.set_defaults(func=_import)
    check = sub.add_parser("check", parents=[common],
                           help="check the progress database (integrity, indexes, orphans) and repair what can be")
    check.set_defaults(func=_check)
    progress.set_defaults(func=lambda _args: (progress.print_help(sys.stderr), 2)[1])

    stats = subparsers.add_parser("stats", parents=[common], help="show progress statistics")
    stats.add_argument("--json", action="store_true", help="print JSON instead of text")
    stats.set_defaults(func=_stats)
