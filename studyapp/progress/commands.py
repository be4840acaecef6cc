"""CLI: ``studyapp progress export FILE``, ``studyapp progress import FILE``, ``studyapp stats [--json]``."""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from .store import Store, StoreError


def _open(args: argparse.Namespace) -> Store:
    store = Store.open(getattr(args, "data_dir", None))
    if store.recovery_message:
        print(store.recovery_message, file=sys.stderr)
    return store


def _export(args: argparse.Namespace) -> int:
    with _open(args) as store:
        data = store.export_data()
    target = Path(args.file)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    counts = ", ".join(f"{len(t['rows'])} {name}" for name, t in data["tables"].items())
    print(f"exported {counts} to {target}")
    return 0


def _import(args: argparse.Namespace) -> int:
    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    with _open(args) as store:
        try:
            counts = store.import_data(data)
        except (StoreError, KeyError, TypeError, ValueError) as exc:
            print(f"cannot import {args.file}: {exc}", file=sys.stderr)
            return 1
    print("imported " + ", ".join(f"{n} {name}" for name, n in counts.items()))
    return 0


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
    progress.set_defaults(func=lambda _args: (progress.print_help(sys.stderr), 2)[1])

    stats = subparsers.add_parser("stats", parents=[common], help="show progress statistics")
    stats.add_argument("--json", action="store_true", help="print JSON instead of text")
    stats.set_defaults(func=_stats)
