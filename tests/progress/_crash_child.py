"""Child process for test_crash: writes attempts forever, printing each uuid after its commit."""
from __future__ import annotations

import os
import sys
from datetime import datetime, timezone

from studyapp.progress.store import Attempt, CardRow, Store


def main(path: str) -> None:
    store = Store(path)
    pid = os.getpid()
    k = 0
    while True:
        uid = f"{pid}-{k}"
        now = datetime.now(timezone.utc)
        card = CardRow(f"item:i{k % 50}", "item", f"i{k % 50}", k % 50, 2, None, 3.0, 5.0, now, now, k, 0)
        if k % 10 == 9:  # sometimes a batch
            uids = [f"{uid}-b{j}" for j in range(20)]
            store.record_attempts(Attempt(item_id=f"i{j}", score=1.0, correct=True, uuid=u, answer=[j] * 50)
                                  for j, u in enumerate(uids))
            sys.stdout.write("".join(u + "\n" for u in uids))
        else:
            store.record_attempt(Attempt(item_id=f"i{k % 50}", score=k % 2, correct=bool(k % 2), uuid=uid,
                                         answer={"k": k, "pad": "x" * 300}, seconds=1.0), card)
            sys.stdout.write(uid + "\n")
        sys.stdout.flush()
        k += 1


if __name__ == "__main__":
    main(sys.argv[1])
