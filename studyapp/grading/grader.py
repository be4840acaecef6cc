"""``Grader``: grade a learner's source for an exercise in the sandbox.

The parent (this process, trusted) generates inputs, computes the reference
and judges; the sandboxed child only computes the learner's outputs.
"""
from __future__ import annotations

import secrets
import signal
import threading
import time
from typing import Any, Sequence

import numpy as np

from studyapp.content.model import Exercise
from studyapp.grading import judge
from studyapp.grading.backend import BackendUnavailable, GradingBackend, start_backend
from studyapp.grading.cases import Case, make_cases, spec_for
from studyapp.grading.diagnosis import Diagnoser
from studyapp.content.textclean import clean
from studyapp.grading.sandbox import DISK_CAP_MB, forced_failures, sandbox_report
from studyapp.grading.verdict import CaseResult, GradeError, Verdict, capped

CACHED_SEEDS = 8
"""Case sets (inputs and reference outputs) kept per grader: a resubmission with the same seed is cheap."""

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
                 simulate_unprivileged: bool = False, disk_cap_mb: int = DISK_CAP_MB) -> None:
        self._library = library
        self._content_dirs = content_dirs
        self._python = python
        self._zygote: GradingBackend | None = None  # chosen and started on first use (see backend.py)
        self._lock = threading.Lock()
        self._cancel_lock = threading.Lock()
        self._cancelled = False
        self._running = False
        self._cache: dict[tuple[str, int], tuple[list[Case], list[list[np.ndarray]]]] = {}
        self._diagnoser = Diagnoser()
        self.isolation = {
            "namespaces": isolation if namespaces is None else namespaces,
            "landlock": isolation if landlock is None else landlock,
            "seccomp": isolation if seccomp is None else seccomp,
            "simulate_unprivileged": simulate_unprivileged,  # tests: take the non-root code path
        }
        self.disk_cap_mb = disk_cap_mb
        self._closed = False

    # ---- lifecycle
    def start(self) -> "Grader":
        """Start a backend now (else on the first grade) and wait until it is ready to grade;
        raises BackendUnavailable."""
        with self._lock:
            if self._zygote is not None:
                self._zygote.start()  # a no-op when ready; the portable backend waits for its warm spare
            self._ensure_backend()
        return self

    def _ensure_backend(self) -> GradingBackend:
        if self._zygote is None:
            self._zygote = start_backend(self._python)
        return self._zygote

    @property
    def backend(self) -> str | None:
        """``"linux"`` or ``"portable"`` once started."""
        return getattr(self._zygote, "name", "linux") if self._zygote is not None else None

    def close(self) -> None:
        self.cancel()
        with self._lock:
            if self._zygote is not None:
                self._zygote.close()
            self._closed = True

    def __enter__(self) -> "Grader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def features(self) -> dict[str, Any]:
        """Which sandbox features the kernel allowed (after the first run/start)."""
        return dict(self._zygote.features) if self._zygote is not None else {}

    @property
    def zygote_pid(self) -> int | None:
        """The helper process that will serve the next run."""
        proc = self._zygote.proc if self._zygote is not None else None
        return proc.pid if proc else None

    def cancel(self) -> None:
        """End the current run promptly; its verdict says it was cancelled."""
        with self._cancel_lock:
            if self._running:
                self._cancelled = True
                if self._zygote is not None:
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

    def _cases(self, ex: Exercise, seed: int) -> tuple[list[Case], list[list[np.ndarray]]]:
        key = (ex.reference, seed)
        if key not in self._cache:
            from studyapp.reference.registry import get_reference

            ref = get_reference(ex.reference)
            cases = make_cases(ex.reference, seed)
            with np.errstate(all="ignore"):
                expected = [judge.as_outputs(ref(*_copy_args(c.args))) for c in cases]
            while len(self._cache) >= CACHED_SEEDS:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = (cases, expected)
        return self._cache[key]

    # ---- grading
    def grade(self, exercise_or_id: Exercise | str, source: str, language: str = "en",
              seed: int | None = None) -> Verdict:
        """Grade ``source``; hidden cases are drawn from ``seed`` (a fresh one when None), kept in the verdict."""
        ex = self._resolve(exercise_or_id)
        if seed is None:
            seed = secrets.randbelow(1 << 31)
        with self._lock:
            if self._closed:
                raise RuntimeError("grader is closed")
            with self._cancel_lock:
                self._cancelled = False
                self._running = True
            try:
                verdict = self._grade(ex, source, language, seed)
            except BackendUnavailable:
                raise  # no backend at all: the caller says why (the CLI exits 2, the code view explains)
            except Exception as exc:  # a fault of the grader, never blamed on the learner
                verdict = Verdict(ex.id, "error", 0.0, [], GradeError(
                    "internal", f"internal grader error: {type(exc).__name__}: {clean(str(exc))}"))
            finally:
                with self._cancel_lock:
                    self._running = False
        verdict.seed = seed
        return verdict

    def _grade(self, ex: Exercise, source: str, language: str, seed: int) -> Verdict:
        t0 = time.monotonic()
        cases, expected = self._cases(ex, seed)
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
        source_bytes = source.encode("utf-8", "surrogatepass")
        request = {
            "source_bytes": len(source_bytes),  # sent after the arrays; the helper never decodes it
            "function": ex.function,
            "cases": arg_specs,
            "time_limit_s": float(ex.time_limit_s),
            "memory_limit_mb": int(ex.memory_limit_mb),
            "output_cap": OUTPUT_CAP,
            "result_cap": max(16 << 20, 4 * expected_bytes + (1 << 20)),
            **self.isolation,
            "fail_layers": forced_failures(),
            "disk_cap_bytes": self.disk_cap_mb << 20,
        }
        if self._cancelled:
            return self._error_verdict(ex, "cancelled", "the run was cancelled", t0)
        backend = self._ensure_backend()
        reply = backend.run(request, b"".join(blobs) + source_bytes, float(ex.time_limit_s), lambda: self._cancelled)
        try:
            verdict = self._judge_reply(ex, reply, cases, expected, language, seed)
        except Exception as exc:
            verdict = self._error_verdict(ex, "internal", f"internal grader error while judging: {type(exc).__name__}: "
                                          f"{clean(str(exc))}", t0)
        verdict.elapsed_ms = (time.monotonic() - t0) * 1000.0
        verdict.sandbox = {"backend": self.backend,
                           **sandbox_report(reply.header.get("layers"), self.features, backend.restarts)}
        return verdict

    def _error_verdict(self, ex: Exercise, kind: str, message: str, t0: float, line: int | None = None,
                       tb: str = "", stdout: str = "") -> Verdict:
        return Verdict(ex.id, "error", 0.0, [], GradeError(kind, message, line, tb), None, stdout,
                       (time.monotonic() - t0) * 1000.0)

    def _judge_reply(self, ex: Exercise, reply: Any, cases: list[Case], expected: list[list[np.ndarray]],
                     language: str, seed: int = 0) -> Verdict:
        h = reply.header
        stdout = capped(clean(h["stdout"])) if isinstance(h.get("stdout"), str) else ""
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
            return err("internal", "the grading helper process died during the run and has been restarted"
                                  + (f" ({reply.died_reason})" if reply.died_reason else ""))
        if h.get("internal"):
            return err("internal", f"the sandbox could not run the submission: {clean(str(h['internal']))}")
        if (h.get("layers") or {}).get("uid_drop", {}).get("status") == "failed":
            return err("crashed", "the sandbox could not drop root privileges, so the code was not run")
        if h.get("timed_out"):
            return err("timeout", f"time limit exceeded ({ex.time_limit_s:g} s wall clock)")
        sig = h.get("signal")
        if sig in (signal.SIGXCPU,):
            return err("timeout", f"CPU time limit exceeded ({ex.time_limit_s:g} s)")
        if h.get("memory_limit"):
            return err("memory_limit", f"memory limit exceeded ({ex.memory_limit_mb} MB); the run was stopped")
        if h.get("output_limit"):
            return err("output_limit", f"the submission printed more than {OUTPUT_CAP // 1024} KB; output was cut")
        if h.get("disk_limit"):
            return err("disk_limit", f"the submission wrote more than {self.disk_cap_mb} MB to its work dir")
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
        spec = spec_for(ex.reference)
        results: list[CaseResult] = []
        for c, got, exp in zip(cases, result.cases, expected):
            ok, msg = judge.compare_case(got, exp, spec.outputs, spec.tolerance, language)
            changed = tuple(spec.args[k] for k in got.changed if k < len(spec.args))
            forbidden = [n for n in changed if n in spec.no_modify]
            if ok and forbidden:
                ok, msg = False, judge.message("modified", language, names=", ".join(forbidden))
            results.append(CaseResult(c.name, ok, msg, c.visible, changed))
        passed = sum(r.passed for r in results)
        v = Verdict(ex.id, "passed" if passed == len(results) else "failed", passed / len(results), results,
                    None, None, stdout, seed=seed)
        v.example = self._example(ex, cases, expected, result.cases, results)
        if v.status == "failed":
            v.diagnosis = self._diagnoser.diagnose(ex, seed, cases, result.cases, results, expected, language)
        return v

    def _example(self, ex: Exercise, cases: list[Case], expected: list[list[np.ndarray]],
                 got: list[judge.CaseOutputs], results: list[CaseResult]) -> dict[str, Any] | None:
        for i, c in enumerate(cases):
            if not c.visible:
                continue
            spec = spec_for(ex.reference)
            names, arg_names = spec.outputs, spec.args
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


def _copy_args(args: tuple) -> tuple:
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)
