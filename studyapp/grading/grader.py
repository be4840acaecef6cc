"""``Grader``: grade a learner's source for an exercise in the sandbox.

The parent (this process, trusted) generates inputs, computes the reference
and judges; the sandboxed child only computes the learner's outputs.
"""
from __future__ import annotations

import signal
import threading
import time
from typing import Any, Sequence

import numpy as np

from studyapp.content.model import Exercise
from studyapp.grading import judge
from studyapp.grading.cases import ARG_NAMES, OUTPUT_NAMES, Case, make_cases
from studyapp.grading.sandbox import Zygote
from studyapp.grading.verdict import CaseResult, Diagnosis, GradeError, Verdict

OUTPUT_CAP = 1 << 20


class UnknownExercise(KeyError):
    pass


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"


class Grader:
    """Thread-safe; one run at a time. ``cancel()`` may be called from any thread."""

    def __init__(self, library: Any = None, content_dirs: Sequence[str] | None = None,
                 python: str | None = None, isolation: bool = True, *, namespaces: bool | None = None,
                 landlock: bool | None = None, seccomp: bool | None = None,
                 simulate_unprivileged: bool = False) -> None:
        self._library = library
        self._content_dirs = content_dirs
        self._zygote = Zygote(python)
        self._lock = threading.Lock()
        self._cancel_lock = threading.Lock()
        self._cancelled = False
        self._running = False
        self._cache: dict[tuple[str, int], tuple[list[Case], list[list[np.ndarray]]]] = {}
        self._mutant_cache: dict[tuple[str, int], list[list[np.ndarray]] | None] = {}
        self.isolation = {
            "namespaces": isolation if namespaces is None else namespaces,
            "landlock": isolation if landlock is None else landlock,
            "seccomp": isolation if seccomp is None else seccomp,
            "simulate_unprivileged": simulate_unprivileged,  # tests: take the non-root code path
        }
        self._closed = False

    # ---- lifecycle
    def start(self) -> "Grader":
        with self._lock:
            self._zygote.start()
        return self

    def close(self) -> None:
        self.cancel()
        with self._lock:
            self._zygote.close()
            self._closed = True

    def __enter__(self) -> "Grader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def features(self) -> dict[str, Any]:
        """Which sandbox features the kernel allowed (after the first run/start)."""
        return dict(self._zygote.features)

    @property
    def zygote_pid(self) -> int | None:
        return self._zygote.proc.pid if self._zygote.proc else None

    def cancel(self) -> None:
        """End the current run promptly; its verdict says it was cancelled."""
        with self._cancel_lock:
            if self._running:
                self._cancelled = True
                self._zygote.cancel()

    # ---- exercises
    def _resolve(self, exercise_or_id: Exercise | str) -> Exercise:
        if isinstance(exercise_or_id, Exercise):
            return exercise_or_id
        if self._library is None:
            from studyapp.content.loader import load_library  # the lead's loader
            from studyapp import paths

            dirs = list(self._content_dirs or [paths.bundled_content_dir()])
            self._library = load_library(dirs)
        ex = self._library.exercise(exercise_or_id)
        if ex is None:
            raise UnknownExercise(exercise_or_id)
        return ex

    def _cases(self, ex: Exercise) -> tuple[list[Case], list[list[np.ndarray]]]:
        key = (ex.reference, ex.seed)
        if key not in self._cache:
            from studyapp.reference.registry import get_reference

            ref = get_reference(ex.reference)
            cases = make_cases(ex.reference, ex.seed)
            with np.errstate(all="ignore"):
                expected = [judge.as_outputs(ref(*_copy_args(c.args))) for c in cases]
            self._cache[key] = (cases, expected)
        return self._cache[key]

    # ---- grading
    def grade(self, exercise_or_id: Exercise | str, source: str, language: str = "en") -> Verdict:
        ex = self._resolve(exercise_or_id)
        with self._lock:
            if self._closed:
                raise RuntimeError("grader is closed")
            with self._cancel_lock:
                self._cancelled = False
                self._running = True
            try:
                return self._grade(ex, source, language)
            finally:
                with self._cancel_lock:
                    self._running = False

    def _grade(self, ex: Exercise, source: str, language: str) -> Verdict:
        t0 = time.monotonic()
        cases, expected = self._cases(ex)
        arg_specs, blobs = [], []
        for c in cases:
            spec = []
            for a in c.args:
                if isinstance(a, np.ndarray):
                    b = np.ascontiguousarray(a, dtype="<f8").tobytes()
                    spec.append({"kind": "array", "dtype": "<f8", "shape": list(a.shape), "nbytes": len(b)})
                    blobs.append(b)
                else:
                    spec.append({"kind": "float", "value": float(a)})
            arg_specs.append(spec)
        expected_bytes = sum(e.nbytes for outs in expected for e in outs)
        request = {
            "source": source,
            "function": ex.function,
            "cases": arg_specs,
            "time_limit_s": float(ex.time_limit_s),
            "memory_limit_mb": int(ex.memory_limit_mb),
            "output_cap": OUTPUT_CAP,
            "result_cap": max(16 << 20, 4 * expected_bytes + (1 << 20)),
            **self.isolation,
        }
        if self._cancelled:
            return self._error_verdict(ex, "cancelled", "the run was cancelled", t0)
        reply = self._zygote.run(request, b"".join(blobs), float(ex.time_limit_s), lambda: self._cancelled)
        verdict = self._judge_reply(ex, reply, cases, expected, language)
        verdict.elapsed_ms = (time.monotonic() - t0) * 1000.0
        verdict.sandbox = {"features": self.features, "namespaces": reply.header.get("namespaces", {}),
                           "helper_restarts": self._zygote.restarts}
        return verdict

    def _error_verdict(self, ex: Exercise, kind: str, message: str, t0: float, line: int | None = None,
                       tb: str = "", stdout: str = "") -> Verdict:
        return Verdict(ex.id, "error", 0.0, [], GradeError(kind, message, line, tb), None, stdout,
                       (time.monotonic() - t0) * 1000.0)

    def _judge_reply(self, ex: Exercise, reply: Any, cases: list[Case], expected: list[list[np.ndarray]],
                     language: str) -> Verdict:
        h = reply.header
        stdout = h.get("stdout", "") if isinstance(h.get("stdout"), str) else ""
        base = Verdict(ex.id, "error", 0.0, stdout=stdout)

        def err(kind: str, message: str, line: int | None = None, tb: str = "") -> Verdict:
            base.error = GradeError(kind, message, line, tb)
            return base

        if reply.cancelled or h.get("cancelled") or (self._cancelled and reply.zygote_died):
            return err("cancelled", "the run was cancelled")
        if reply.zygote_died:
            if h.get("timed_out"):
                return err("timeout", f"the helper stopped answering; time limit {ex.time_limit_s:g} s "
                                      "(the helper was restarted)")
            return err("grader_error", "the grading helper process died during the run and has been restarted"
                                  + (f" ({reply.died_reason})" if reply.died_reason else ""))
        if h.get("internal"):
            return err("grader_error", f"the sandbox could not run the submission: {h['internal']}")
        if h.get("timed_out"):
            return err("timeout", f"time limit exceeded ({ex.time_limit_s:g} s wall clock)")
        sig = h.get("signal")
        if sig in (signal.SIGXCPU,):
            return err("timeout", f"CPU time limit exceeded ({ex.time_limit_s:g} s)")
        if h.get("output_limit"):
            return err("output_limit", f"the submission printed more than {OUTPUT_CAP // 1024} KB; output was cut")
        if h.get("result_limit"):
            return err("output_limit", "the submission returned far more data than expected")
        raw = reply.result
        if not raw:
            if isinstance(sig, int):
                return err("crashed", f"the submission's process was killed by {_signal_name(sig)} before returning a result")
            code = h.get("exit_code")
            return err("crashed", f"the submission's process exited (exit code {code}) before returning a result")
        try:
            result = judge.parse_result(raw, len(cases))
        except judge.MalformedResult as exc:
            return err("crashed", f"the submission's result was malformed (forged or truncated): {exc}")
        except Exception as exc:  # defensive: never crash on child bytes
            return err("crashed", f"the submission's result could not be read: {type(exc).__name__}")
        if not result.ok:
            e = result.error or {}
            msg = e.get("message", "")
            stage = e.get("stage", "")
            if e.get("kind") == "exception" and stage.startswith("case "):
                try:
                    c = cases[int(stage.split()[1])]
                    msg += f" (while running {'the example' if c.visible else 'a hidden case'})"
                except (ValueError, IndexError):
                    pass
            elif e.get("kind") == "exception" and stage == "module":
                msg += " (while loading the module)"
            return err(e.get("kind", "crashed"), msg, e.get("line"), e.get("traceback", ""))
        # ---- judge every case
        names = OUTPUT_NAMES.get(ex.reference, ())
        results: list[CaseResult] = []
        for c, got, exp in zip(cases, result.cases, expected):
            ok, msg = judge.compare_case(got, exp, names, ex.rtol, ex.atol, language)
            if not ok and not c.visible:
                msg = f"{msg}"
            results.append(CaseResult(c.name, ok, msg, c.visible))
        passed = sum(r.passed for r in results)
        v = Verdict(ex.id, "passed" if passed == len(results) else "failed", passed / len(results), results,
                    None, None, stdout)
        v.example = self._example(ex, cases, expected, result.cases, results)
        if v.status == "failed":
            v.diagnosis = self._diagnose(ex, cases, result.cases, language)
        return v

    def _example(self, ex: Exercise, cases: list[Case], expected: list[list[np.ndarray]],
                 got: list[judge.CaseOutputs], results: list[CaseResult]) -> dict[str, Any] | None:
        for i, c in enumerate(cases):
            if not c.visible:
                continue
            names = OUTPUT_NAMES.get(ex.reference, tuple(f"output {k}" for k in range(len(expected[i]))))
            arg_names = ARG_NAMES.get(ex.reference, tuple(f"arg{k}" for k in range(len(c.args))))
            got_d: dict[str, Any] = {}
            for k, o in enumerate(got[i].items):
                key = names[k] if k < len(names) else f"output {k}"
                got_d[key] = judge.jsonable(o.array) if o.array is not None else judge._describe(o)
            return {
                "name": c.name,
                "inputs": {n: judge.jsonable(a) for n, a in zip(arg_names, c.args)},
                "expected": {n: judge.jsonable(e) for n, e in zip(names, expected[i])},
                "got": got_d,
                "passed": results[i].passed,
                "message": results[i].message,
            }
        return None

    # ---- diagnosis
    def _candidates(self, ex: Exercise) -> list[tuple[str, Any, str]]:
        from studyapp.reference.registry import get_mutant, mutants

        out = []
        if ex.mistakes:
            for m in ex.mistakes:
                try:
                    mut = get_mutant(m.id)
                except KeyError:
                    continue
                out.append((m.id, mut, m.message))
        else:
            for mid, mut in mutants().items():
                if mut.reference == ex.reference:
                    out.append((mid, mut, None))
        return out

    def _mutant_outputs(self, mut: Any, ex: Exercise, cases: list[Case]) -> list[list[np.ndarray]] | None:
        key = (mut.id, ex.seed)
        if key not in self._mutant_cache:
            try:
                with np.errstate(all="ignore"):
                    outs = [judge.as_outputs(mut.function(*_copy_args(c.args))) for c in cases]
            except Exception:
                outs = None
            self._mutant_cache[key] = outs
        return self._mutant_cache[key]

    def _diagnose(self, ex: Exercise, cases: list[Case], got: list[judge.CaseOutputs],
                  language: str) -> Diagnosis | None:
        for mid, mut, message in self._candidates(ex):
            outs = self._mutant_outputs(mut, ex, cases)
            if outs is None:
                continue
            if all(judge.matches(g, o, ex.rtol, ex.atol) for g, o in zip(got, outs)):
                if message is not None and message.values:
                    text = message.get(language)
                else:
                    text = mut.summary_ja if language == "ja" else mut.summary_en
                return Diagnosis(mid, text)
        return None


def _copy_args(args: tuple) -> tuple:
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)
