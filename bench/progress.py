"""Progress store throughput and statistics latency.

    python bench/progress.py [-n 100000] [--items 600] [--days 180]

Records N attempts spread over DAYS days and ITEMS items in 8 sections with
the batch API ``Store.record_attempts`` (one transaction per batch of 5,000
rows, ``executemany``), plus one card per item and some submissions; also
times single-attempt commits (``record_attempt``: one transaction each, as
the app does) and draft autosaves.  Then computes all statistics
(``stats.compute``: accuracy per section per day, attempts per day, due
forecast, exercises passed) and the queue queries, best of 5 runs.
Target: statistics for 100k attempts in under 200 ms.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studyapp.progress import stats  # noqa: E402
from studyapp.progress.store import Attempt, CardRow, Store, Submission  # noqa: E402

SECTIONS = ("rnn", "bptt", "lstm", "gru", "seq2seq", "attention", "clipping", "embeddings")


def best_of(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=100_000)
    ap.add_argument("--items", type=int, default=600)
    ap.add_argument("--days", type=int, default=180)
    ap.add_argument("--batch", type=int, default=5_000)
    args = ap.parse_args()

    now = datetime(2026, 6, 1, tzinfo=timezone.utc)
    start = now - timedelta(days=args.days)
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "progress.sqlite3", clock=lambda: now)
        step = args.days * 86400 / args.n
        attempts = [
            Attempt(item_id=f"item-{(k * 7919) % args.items}", score=s, correct=s >= 1.0,
                    answer={"choice": k % 4}, seconds=rng.uniform(3, 120), hint_used=k % 17 == 0,
                    item_hash="h", section=SECTIONS[((k * 7919) % args.items) % len(SECTIONS)], kind="single",
                    tags=("tag%d" % (k % 5),), at=start + timedelta(seconds=k * step), uuid=f"a{k:08d}")
            for k in range(args.n)
            for s in (1.0 if rng.random() < 0.7 else 0.0,)
        ]
        t = time.perf_counter()
        for i in range(0, len(attempts), args.batch):
            store.record_attempts(attempts[i:i + args.batch])
        batch_s = time.perf_counter() - t
        for i in range(args.items):
            due = now + timedelta(days=rng.uniform(-5, 40))
            store.put_card(CardRow(f"item:item-{i}", "item", f"item-{i}", i, 2, None, 5.0, 5.0, due, now, 3, 0))
        for i in range(300):
            store.record_submission(Submission(f"ex{i % 40}", "src", {"ok": i % 3 == 0}, passed=i % 3 == 0,
                                               at=start + timedelta(hours=i)))
        single_n = 2000
        t = time.perf_counter()
        for k in range(single_n):
            store.record_attempt(Attempt(item_id="single", score=1, correct=True, section="rnn", answer=[k]))
        single_s = time.perf_counter() - t
        draft_s = best_of(lambda: [store.save_draft("ex1", "def f(x):\n    return x\n" * 20) for _ in range(500)], 1)

        result = {}

        def run_stats():
            result["s"] = stats.compute(store)

        stats_s = best_of(run_stats)
        stats_cold = None
        store.close()
        store = Store(Path(tmp) / "progress.sqlite3", clock=lambda: now)
        t = time.perf_counter()
        stats.compute(store)
        stats_cold = time.perf_counter() - t
        acc_s = best_of(lambda: store.recent_accuracy(by="section"))
        tag_s = best_of(lambda: store.recent_accuracy(by="tag"))
        last_s = best_of(store.last_results)
        due_s = best_of(lambda: store.due_cards(now))
        s = result["s"]
        total = store.attempt_count()
        store.close()

    print(f"attempts recorded: {total:,} ({args.n:,} batch + {single_n:,} single)")
    print(f"batch insert (record_attempts, {args.batch:,}/transaction): {args.n / batch_s:,.0f} attempts/s"
          f" ({batch_s:.2f} s)")
    print(f"single commits (record_attempt, 1 transaction each): {single_n / single_s:,.0f} attempts/s")
    print(f"draft autosave: {draft_s / 500 * 1e6:.0f} us/save")
    print(f"statistics (stats.compute, all series): {stats_s * 1e3:.1f} ms best of 5; "
          f"{stats_cold * 1e3:.1f} ms first call after reopen "
          f"[{len(s.accuracy_by_section_day)} section-days, {len(s.attempts_per_day)} days, "
          f"{sum(n for _d, n in s.due_forecast)} due in 30 d, {s.exercises_passed}/{s.exercises_attempted} exercises]")
    print(f"queues: weakest sections {acc_s * 1e3:.1f} ms, weakest tags {tag_s * 1e3:.1f} ms, "
          f"mistakes (last result per item) {last_s * 1e3:.1f} ms, due now {due_s * 1e3:.1f} ms")
    ok = stats_s < 0.2
    print("target (statistics < 200 ms):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
