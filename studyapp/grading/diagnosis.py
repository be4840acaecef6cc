"""Name the known mistake that best explains a failing submission.

Every wrong output (one output of one case) is a fact to explain; a known
mistake explains it when its own output there equals the learner's. The
mistakes are ranked by how many wrong outputs they explain: the best is named
when it explains most of them (with a note when the code also differs
elsewhere), and a second one when together they explain what remains. Mutant
outputs are cached per (mutant, seed), so a resubmission costs little.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from studyapp.content.model import Exercise
from studyapp.grading import judge
from studyapp.grading.cases import Case, spec_for
from studyapp.grading.verdict import CaseResult, Diagnosis
from studyapp.reference.registry import Mutant, mutants_of

CACHE_LIMIT = 4096
SHORTLIST = 3
"""Mistakes counted over every failing case after screening."""


class Diagnoser:
    def __init__(self) -> None:
        self._cache: dict[tuple[str, int, int], list[np.ndarray] | None] = {}

    def _outputs(self, mut: Mutant, seed: int, index: int, case: Case) -> list[np.ndarray] | None:
        key = (mut.key, seed, index)
        if key not in self._cache:
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            try:
                with np.errstate(all="ignore"):
                    args = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in case.args)
                    self._cache[key] = judge.as_outputs(mut.function(*args))
            except Exception:  # a mutant that cannot run this case explains nothing here
                self._cache[key] = None
        return self._cache[key]

    def diagnose(self, ex: Exercise, seed: int, cases: list[Case], got: list[judge.CaseOutputs],
                 results: list[CaseResult], expected: list[list[np.ndarray]],
                 language: str = "en") -> Diagnosis | None:
        tol = spec_for(ex.reference).tolerance
        wrong: list[tuple[int, int]] = []  # (case, output) pairs that differ from the reference
        for i, r in enumerate(results):
            if r.passed:
                continue
            items, exp = got[i].items, expected[i]
            shaped = len(items) == len(exp) and got[i].is_tuple == (len(exp) > 1)
            wrong += [(i, k) for k in range(len(exp))
                      if not shaped or not judge.output_matches(items[k], exp[k], tol)]
        if not wrong:
            return None
        messages = {m.id: m.message for m in ex.mistakes}
        def explained(mut: Mutant, units: list[tuple[int, int]]) -> set[tuple[int, int]]:
            hits = set()
            for i, k in units:
                outs = self._outputs(mut, seed, i, cases[i])
                items = got[i].items
                if outs is not None and k < len(outs) and k < len(items) and judge.output_matches(items[k], outs[k], tol):
                    hits.add((i, k))
            return hits

        # Screen every known mistake on the first failing case (one call each), then
        # count the few that explain something there over all failing cases: the cost stays a few ms
        # even for the 25 LSTM mistakes, and a mistake that shows on no screened case is unlikely to
        # explain most failures.
        failing = sorted({i for i, _ in wrong})
        screened: list[tuple[int, Mutant]] = []
        for first in (failing[0], failing[-1]):  # the last failing case only when the first explains nothing
            screen = [u for u in wrong if u[0] == first]
            screened = [(len(h), m) for m in mutants_of(ex.reference) if (h := explained(m, screen))]
            if screened:
                break
        screened.sort(key=lambda s: -s[0])
        scored: list[tuple[int, Mutant, set[tuple[int, int]]]] = []
        for n, mut in screened[:SHORTLIST]:
            if n * 2 < screened[0][0]:  # explains far less than the leader where both were screened
                break
            hits = explained(mut, wrong)
            scored.append((len(hits), mut, hits))
        if not scored:
            return None
        scored.sort(key=lambda s: -s[0])
        _, best, best_hits = scored[0]
        rest = set(wrong) - best_hits
        if rest:  # a second mistake may show only where the best one does not: screen there too
            first_rest = min(i for i, _ in rest)
            seen = {m.key for _, m, _ in scored}
            screen = [u for u in wrong if u[0] == first_rest]
            extra = [(len(h), m) for m in mutants_of(ex.reference) if m.key not in seen and (h := explained(m, screen))]
            extra.sort(key=lambda s: -s[0])
            for _, mut in extra[:SHORTLIST]:
                hits = explained(mut, wrong)
                scored.append((len(hits), mut, hits))
            scored.sort(key=lambda s: -s[0])
        second = None
        for _, mut, hits in scored[1:]:
            if mut.id != best.id and hits & rest and len(hits & rest) * 2 >= len(rest):
                second = (mut, hits & rest)
                break
        explained = len(best_hits) + (len(second[1]) if second else 0)
        if explained * 2 < len(wrong):
            return None
        diag = self._describe(best, best_hits, len(wrong), messages, language)
        if second is not None:
            diag.also.append(self._describe(second[0], second[1], len(wrong), messages, language))
        elif len(best_hits) < len(wrong):
            diag.message += judge.message("explains_part", language, hits=len(best_hits), total=len(wrong))
        return diag

    @staticmethod
    def _describe(mut: Mutant, hits: set, total: int, messages: dict[str, Any], language: str) -> Diagnosis:
        custom = messages.get(mut.id)
        if custom is not None and custom.values:
            text = custom.get(language)
            if mut.params:
                try:
                    text = text.format(**mut.params)
                except (KeyError, IndexError, ValueError):
                    text = mut.summary(language) + "\n" + text
        else:
            text = mut.summary(language)
        return Diagnosis(mut.id, text.strip(), len(hits), total, dict(mut.params))
