"""Binary-addition trainer against the direct transcription of the hands-on.

    python bench/lab.py [--iters 10000] [--seed 0] [--hidden 16] [--lr 0.1] [--std 1]

Runs, in one process and with the same settings and seed, the default trainer
(:func:`studyapp.lab.binary_addition.train`, one sample per iteration, the
notes' output derivative) and the line-for-line transcription
(:mod:`studyapp.lab.handson_transcription`), and prints iterations per second
for each, their ratio, and whether both produced the same losses.
Targets: 10,000 iterations in under 3 s; ratio ≥ 2x.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from studyapp.lab import binary_addition as ba  # noqa: E402
from studyapp.lab import handson_transcription  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iters", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--hidden", type=int, default=16)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--std", type=float, default=1.0)
    args = ap.parse_args()

    settings = ba.Settings(hidden_size=args.hidden, learning_rate=args.lr, weight_init_std=args.std,
                           iterations=args.iters, seed=args.seed)
    start = time.perf_counter()
    fast = ba.train(settings)
    fast_s = time.perf_counter() - start

    start = time.perf_counter()
    slow = handson_transcription.run(iters_num=args.iters, seed=args.seed, hidden_layer_size=args.hidden,
                                     weight_init_std=args.std, learning_rate=args.lr)
    slow_s = time.perf_counter() - start

    same = np.allclose(fast.losses, slow.losses, rtol=1e-8, atol=1e-12) and fast.correct.tolist() == slow.correct
    print(f"settings: hidden {args.hidden}, std {args.std:g}, lr {args.lr:g}, sigmoid, {args.iters} iterations, seed {args.seed}")
    print(f"trainer       {fast_s:7.3f} s  {args.iters / fast_s:9.0f} it/s  accuracy(last 1000) {100 * fast.accuracy:5.1f}%")
    print(f"transcription {slow_s:7.3f} s  {args.iters / slow_s:9.0f} it/s  accuracy(last 1000) {100 * slow.accuracy():5.1f}%")
    print(f"ratio         {slow_s / fast_s:7.2f}x   same losses and predictions: {same}")
    ok_time = fast_s * 10000 / max(1, args.iters) < 3.0
    ok_ratio = slow_s / fast_s >= 2.0
    print(f"targets: 10,000 iterations < 3 s: {'yes' if ok_time else 'NO'}; ratio >= 2x: {'yes' if ok_ratio else 'NO'}")
    return 0 if ok_time and ok_ratio and same else 1


if __name__ == "__main__":
    sys.exit(main())
