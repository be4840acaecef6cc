"""CLI: ``studyapp queue due|mistakes|weakest|marked|new [--json] [--limit N]`` and ``studyapp today [--json]``."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .queues import DEFAULT_NEW_PER_DAY, QUEUE_NAMES, queue_item_ids, today_plan
from .store import Store


def _open(args: argparse.Namespace) -> tuple[Any, Store]:
    from studyapp.content.loader import load_library

    library = load_library(args.content or None)
    store = Store.open(getattr(args, "data_dir", None))
    if store.recovery_message:
        print(store.recovery_message, file=sys.stderr)
    return library, store


def _queue(args: argparse.Namespace) -> int:
    library, store = _open(args)
    with store:
        ids = queue_item_ids(args.name, library, store, limit=args.limit)
        rows = []
        for item_id in ids:
            item = library.item(item_id)
            rows.append({"id": item_id, "bank": item.bank, "section": item.section, "kind": item.kind})
    if args.json:
        json.dump({"queue": args.name, "count": len(rows), "items": rows}, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(f"{args.name}: {len(rows)} item(s)")
        for row in rows:
            print(f"  {row['id']}  ({row['section']}, {row['kind']})")
    return 0


def _today(args: argparse.Namespace) -> int:
    library, store = _open(args)
    with store:
        plan = today_plan(library, store, new_per_day=args.new_per_day)
    if args.json:
        json.dump(plan.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    print(f"today: {plan.due} due, {plan.learning} learning, {plan.new} new (about {plan.minutes:.0f} min)")
    for bank in plan.banks:
        if bank.total:
            print(f"  {bank.bank_id}: {bank.due} due, {bank.learning} learning, {bank.new} new")
    waiting = [e.exercise_id for e in plan.exercises if e.state != "passed"]
    if waiting:
        print(f"code exercises not passed yet: {len(waiting)}")
    return 0


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    queue = subparsers.add_parser("queue", parents=[common], help="list the items of a review queue")
    queue.add_argument("name", choices=QUEUE_NAMES, help="which queue")
    queue.add_argument("--json", action="store_true", help="print JSON instead of text")
    queue.add_argument("--limit", type=int, default=None, metavar="N", help="at most N items")
    queue.set_defaults(func=_queue)
    today = subparsers.add_parser("today", parents=[common], help="what to study today: due, learning and new counts")
    today.add_argument("--json", action="store_true", help="print JSON instead of text")
    today.add_argument("--new-per-day", type=int, default=DEFAULT_NEW_PER_DAY, metavar="N",
                       help=f"daily quota of new items (default {DEFAULT_NEW_PER_DAY})")
    today.set_defaults(func=_today)
