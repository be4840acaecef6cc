"""Child process for test_concurrent_writers: answers a few shared items for a while, prints how many it recorded."""
from __future__ import annotations

import random
import sys
import time

from studyapp.progress.scheduling import ReviewScheduler
from studyapp.progress.store import Store
from tests.progress.conftest import make_item


def main(path: str, seconds: float, seed: int) -> None:
    rng = random.Random(seed)
    items = [make_item(f"shared-{k}") for k in range(5)]
    store = Store(path)
    recorder = ReviewScheduler(store)
    done = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        recorder.record_answer(rng.choice(items), score=rng.choice([0.0, 1.0]), seconds=rng.uniform(1, 60))
        done += 1
    store.close()
    print(done, store.pending_count(), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]))
