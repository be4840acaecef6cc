"""Diagnosis cost: grade wrong-convention submissions with a fresh seed each time (no cached mutant outputs).

    python bench/diagnosis.py

Prints the p50 time spent naming the mistake (target <= 10 ms) and the whole grade's p50.
"""
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pathlib import Path
from studyapp.grading import Grader
from studyapp.grading import diagnosis as dg
from tests.grading.conftest import make_exercise
orig = dg.Diagnoser.diagnose
spent = []
def timed(self, *a, **k):
    t = time.perf_counter(); r = orig(self, *a, **k); spent.append((time.perf_counter() - t) * 1000); return r
dg.Diagnoser.diagnose = timed
with Grader() as g:
    for name, ex in (("cs231n_lstm_step_forward", "lstm_cell_forward"), ("cs231n_lstm_step_backward", "lstm_cell_backward"), ("pytorch_gru_order", "gru_cell_forward")):
        src = Path(__file__).resolve().parent.parent.joinpath(f"tests/grading/styles/{name}.py").read_text()
        spent.clear(); tot = []
        for s in range(20):
            t = time.perf_counter(); v = g.grade(make_exercise(ex), src, seed=1000 + s); tot.append((time.perf_counter() - t) * 1000)
        print(f"{ex}: diagnosis p50 {statistics.median(spent):.1f} ms (fresh seed each grade), grade p50 {statistics.median(tot):.1f} ms, {v.diagnosis.id}")
