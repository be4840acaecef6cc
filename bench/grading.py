"""Grading latency: a warm Grader (zygote + fork) vs a fresh interpreter per submission.

    python bench/grading.py [-n 50]

Grades a correct gru_cell_forward N times with a warm ``Grader`` and N times
with ``python -I -c`` (import numpy, run the same cases, compare with the
expected outputs), prints p50/p95 for each and the ratio of the p50s.
Targets: warm p50 <= 25 ms, ratio >= 8x.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from studyapp.content.model import Exercise, Text  # noqa: E402
from studyapp.grading import Grader  # noqa: E402
from studyapp.grading.cases import make_cases  # noqa: E402
from studyapp.grading.sandbox import clean_env  # noqa: E402
from studyapp.reference.registry import get_reference  # noqa: E402

SOLUTION = """
import numpy as np

def gru_cell_forward(x, h_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    sig = lambda a: 1.0 / (1.0 + np.exp(-a))
    ax = x @ Wx + b
    ah = h_prev @ Wh
    z = sig(ax[:, :H] + ah[:, :H])
    r = sig(ax[:, H:2 * H] + ah[:, H:2 * H])
    h_hat = np.tanh(ax[:, 2 * H:] + (r * h_prev) @ Wh[:, 2 * H:])
    return (1 - z) * h_prev + z * h_hat
"""

FRESH = """
import sys, numpy as np
data = np.load(sys.argv[1])
ns = {}
exec(compile(open(sys.argv[2]).read(), 'solution.py', 'exec'), ns)
fn = ns['gru_cell_forward']
ok = True
for k in range(int(data['n'])):
    args = [data[f'c{k}_a{i}'] for i in range(5)]
    got = fn(*args)
    exp = data[f'c{k}_e']
    ok &= isinstance(got, np.ndarray) and got.shape == exp.shape and bool(np.allclose(got, exp, rtol=1e-6, atol=1e-8))
sys.exit(0 if ok else 1)
"""


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.array(xs), q))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=50)
    args = ap.parse_args()
    ex = Exercise(id="bench-gru", reference="gru_cell_forward", function="gru_cell_forward",
                  title=Text.neutral(""), statement=Text.neutral(""), starter="", solution="", bank="bench")

    with Grader() as grader:
        grader.start()
        v = grader.grade(ex, SOLUTION)  # warm caches
        assert v.status == "passed", v.to_dict()
        warm = []
        for _ in range(args.n):
            t = time.perf_counter()
            v = grader.grade(ex, SOLUTION)
            warm.append((time.perf_counter() - t) * 1000)
            assert v.status == "passed"
        features = grader.features

    ref = get_reference("gru_cell_forward")
    cases = make_cases("gru_cell_forward")
    with tempfile.TemporaryDirectory() as tmp:
        arrays = {"n": np.array(len(cases))}
        for k, c in enumerate(cases):
            for i, a in enumerate(c.args):
                arrays[f"c{k}_a{i}"] = a
            arrays[f"c{k}_e"] = ref(*c.args)
        npz = os.path.join(tmp, "cases.npz")
        np.savez(npz, **arrays)
        sol = os.path.join(tmp, "solution.py")
        Path(sol).write_text(SOLUTION)
        fresh = []
        for _ in range(args.n):
            t = time.perf_counter()
            r = subprocess.run([sys.executable, "-I", "-c", FRESH, npz, sol], env=clean_env(), cwd=tmp)
            fresh.append((time.perf_counter() - t) * 1000)
            assert r.returncode == 0

    wp50, wp95 = pct(warm, 50), pct(warm, 95)
    fp50, fp95 = pct(fresh, 50), pct(fresh, 95)
    print(f"sandbox features: {features}")
    print(f"warm grader      (n={args.n}): p50 {wp50:7.1f} ms   p95 {wp95:7.1f} ms")
    print(f"fresh interpreter (n={args.n}): p50 {fp50:7.1f} ms   p95 {fp95:7.1f} ms")
    print(f"ratio (fresh p50 / warm p50): {fp50 / wp50:.1f}x   targets: warm p50 <= 25 ms, ratio >= 8x")
    return 0 if wp50 <= 25 and fp50 / wp50 >= 8 else 1


if __name__ == "__main__":
    sys.exit(main())
