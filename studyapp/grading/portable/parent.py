"""Parent side of the portable backend: pre-started one-shot workers, limits enforced from outside.

Each submission gets a fresh ``python -I -B worker.py`` that was started (and
imported NumPy) while the learner was typing; it serves one run and exits, so
nothing a submission does survives into the next. The parent enforces the wall
limit, caps output and result, kills the whole process tree (a process group
on POSIX, a Job Object on Windows) and judges the returned bytes like the
hardened backend does. Pipes are read by threads, never ``select()``, which
does not work on Windows pipes. No psutil: a descendant walk would miss
children re-parented after their parent exits, and the process group (POSIX)
or the Job Object (Windows) already reaches the whole tree.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

from studyapp.grading.portable import limits
from studyapp.grading.sandbox import LAYERS, MAX_HEADER, ZYGOTE_PATH, RunReply, clean_env

WORKER_PATH = Path(__file__).resolve().parent / "worker.py"
IS_WINDOWS = os.name == "nt"
CREATE_NO_WINDOW = 0x08000000
MEMORY_POLL_S = 0.005
DRAIN_S = 0.5


class _Pipe:
    """Reads one pipe to EOF in a daemon thread, keeping at most ``cap`` bytes."""

    def __init__(self, stream: Any, on_overflow: Callable[[], None]) -> None:
        self.buf = bytearray()
        self.cap = 1 << 30
        self.overflow = False
        self.eof = False
        self.cond = threading.Condition()
        self._stream = stream
        self._on_overflow = on_overflow
        self.thread = threading.Thread(target=self._read, name="grade-pipe", daemon=True)
        self.thread.start()

    def _read(self) -> None:
        fd = self._stream.fileno()
        while True:
            try:
                data = os.read(fd, 1 << 16)
            except OSError:
                data = b""
            if not data:
                break
            overflowed = False
            with self.cond:
                room = self.cap - len(self.buf)
                if not self.overflow:
                    self.buf += data[:max(room, 0)]
                    if len(data) > room:
                        self.overflow = overflowed = True
                self.cond.notify_all()
            if overflowed:
                self._on_overflow()
        with self.cond:
            self.eof = True
            self.cond.notify_all()

    def wait_for(self, predicate: Callable[[], bool], deadline: float) -> bool:
        with self.cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0 or self.eof:
                    return predicate()
                self.cond.wait(left)
            return True


class _Worker:
    """One started worker process and its work dir, pipes, job and stop reason."""

    def __init__(self, python: str) -> None:
        self.workdir = os.path.realpath(tempfile.mkdtemp(prefix="studyapp-grade-"))
        self.sandbox_exec = bool(limits.sandbox_prefix(self.workdir))
        cmd = limits.sandbox_prefix(self.workdir) + [python, "-I", "-B", str(WORKER_PATH), str(ZYGOTE_PATH),
                                                     self.workdir]
        env = dict(clean_env(), HOME=self.workdir, TMPDIR=self.workdir, **limits.windows_extra_env())
        if IS_WINDOWS:
            env["PATH"] = os.environ.get("PATH", "")
        self.job: limits.JobObject | None = limits.JobObject() if IS_WINDOWS else None
        self.reason: str | None = None
        self._reaped = False
        self.exited = threading.Event()
        self.done = threading.Event()
        self._lock = threading.Lock()
        try:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                cwd=self.workdir, bufsize=0, start_new_session=not IS_WINDOWS,
                creationflags=(CREATE_NO_WINDOW | subprocess.CREATE_NEW_PROCESS_GROUP) if IS_WINDOWS else 0)
        except OSError:
            self.cleanup()
            raise
        if self.job is not None:
            self.job.assign(int(self.proc._handle))  # type: ignore[attr-defined]
        self.result = _Pipe(self.proc.stdout, lambda: self.stop("result_limit"))
        self.output = _Pipe(self.proc.stderr, lambda: self.stop("output_limit"))
        self.ready_len = 0
        self.ready_header: dict[str, Any] = {}
        threading.Thread(target=self._wait_exit, name="grade-wait", daemon=True).start()

    # ---- lifecycle
    def _wait_exit(self) -> None:
        """Learn that the worker exited without reaping it (POSIX), so its process group id
        stays reserved until the group is killed."""
        try:
            if hasattr(os, "waitid"):
                os.waitid(os.P_PID, self.proc.pid, os.WEXITED | os.WNOWAIT)
            else:
                self.proc.wait()
        except (ChildProcessError, OSError):
            pass
        self.exited.set()
        self.done.set()

    def wait_ready(self, timeout: float) -> dict[str, Any]:
        def complete() -> bool:
            buf = self.result.buf
            return len(buf) >= 4 and len(buf) >= 4 + struct.unpack("<I", bytes(buf[:4]))[0]

        if not self.result.wait_for(complete, time.monotonic() + timeout):
            self.output.wait_for(lambda: self.output.eof, time.monotonic() + DRAIN_S)
            detail = bytes(self.output.buf[-300:]).decode("utf-8", "replace").strip()
            raise RuntimeError("the grading worker did not start" + (f": {detail}" if detail else ""))
        (hlen,) = struct.unpack("<I", bytes(self.result.buf[:4]))
        if hlen > MAX_HEADER:
            raise RuntimeError("oversized ready frame from the worker")
        header = json.loads(bytes(self.result.buf[4:4 + hlen]).decode("utf-8"))
        if not isinstance(header, dict) or header.get("op") != "ready":
            raise RuntimeError("the grading worker sent no ready frame")
        self.ready_len, self.ready_header = 4 + hlen, header
        return header

    def alive(self) -> bool:
        return not self.exited.is_set()

    def stop(self, reason: str) -> None:
        """Record why the run ends (first reason wins) and kill the whole tree."""
        with self._lock:
            if self.reason is None:
                self.reason = reason
        self.kill_tree()
        self.done.set()

    def kill_tree(self) -> None:
        if self.job is not None:
            self.job.close()
            return
        if self._reaped:
            return  # its group id may belong to someone else by now
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the worker leads its own session and group
        except (ProcessLookupError, PermissionError, OSError):
            pass

    def finish(self) -> int:
        """Kill what is left of the tree, reap the worker and return its exit status."""
        if not self.exited.wait(5):
            self.kill_tree()
            self.exited.wait(5)
        self.kill_tree()
        try:
            status = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return -signal.SIGKILL if not IS_WINDOWS else 1
        self._reaped = True
        return status

    def cleanup(self) -> None:
        proc = getattr(self, "proc", None)
        if proc is not None:
            if self.alive():
                self.stop("discarded")
            self.finish()
            for stream in (proc.stdin, proc.stdout, proc.stderr):
                try:
                    if stream:
                        stream.close()
                except OSError:
                    pass
        if self.job is not None:
            self.job.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


class PortableBackend:
    """Grading without fork, ``resource`` or namespaces; same interface as the Linux Zygote."""

    name = "portable"

    def __init__(self, python: str | None = None, start_timeout: float = 30.0) -> None:
        self.python = python or sys.executable
        self.start_timeout = start_timeout
        self.features: dict[str, Any] = {}
        self.restarts = 0
        self._spare: _Worker | None = None
        self._current: _Worker | None = None
        self._next_id = 1
        self._closed = False

    # ---- the interface the Grader uses
    @property
    def proc(self) -> subprocess.Popen | None:
        """The worker that will serve the next run (the 'helper' the tests and the UI point at)."""
        return self._spare.proc if self._spare else None

    @property
    def base_dir(self) -> str | None:
        return self._spare.workdir if self._spare else None

    def start(self) -> None:
        self._closed = False
        if self._spare is None or not self._spare.alive():
            self._replace_spare()
        assert self._spare is not None
        header = self._spare.wait_ready(self.start_timeout)
        job = self._spare.job is not None
        watch = not job and limits.memory_watch_needed(bool(header.get("rlimits")))
        self.features = {"backend": "portable", "rlimits": bool(header.get("rlimits")), "memory_watch": watch,
                         "job_object": job, "process_group": not job, "sandbox_exec": self._spare.sandbox_exec}

    def alive(self) -> bool:
        return self._spare is not None and self._spare.alive()

    def restart(self) -> None:
        self.kill()
        self.restarts += 1
        self.start()

    def kill(self) -> None:
        for worker in (self._current, self._spare):
            if worker is not None:
                worker.cleanup()
        self._spare = None

    def close(self) -> None:
        self._closed = True
        self.kill()

    def cancel(self) -> None:
        worker = self._current
        if worker is not None:
            worker.stop("cancelled")

    def _replace_spare(self) -> None:
        old, self._spare = self._spare, None
        if old is not None:
            old.cleanup()
        self._spare = _Worker(self.python)

    def run(self, request: dict, payload: bytes, time_limit_s: float,
            cancelled: Callable[[], bool] = lambda: False) -> RunReply:
        """Hand the run to the warm spare, supervise it, then start the next spare."""
        t0 = time.monotonic()
        try:
            self.start()
        except Exception as exc:  # a spare that died while idle is replaced once
            try:
                self.restart()
            except Exception:
                return RunReply({}, b"", zygote_died=True, died_reason=f"the grading worker could not start: {exc}")
        worker, self._spare = self._spare, None
        assert worker is not None
        self._current = worker
        run_id, self._next_id = self._next_id, self._next_id + 1
        try:
            return self._supervise(worker, dict(request, op="run", id=run_id), payload, time_limit_s, cancelled, t0)
        finally:
            self._current = None
            worker.cleanup()
            if not self._closed:
                try:
                    self._spare = _Worker(self.python)  # warms up while the learner reads the verdict
                except OSError:
                    self._spare = None

    def _supervise(self, worker: _Worker, request: dict, payload: bytes, time_limit_s: float,
                   cancelled: Callable[[], bool], t0: float) -> RunReply:
        worker.output.cap = int(request.get("output_cap", 1 << 20))
        worker.result.cap = worker.ready_len + int(request.get("result_cap", 64 << 20))
        memory_mb = int(request.get("memory_limit_mb", 1024))
        if worker.job is not None:
            worker.job.set_limits(memory_mb, time_limit_s + 1.0)
        header = json.dumps(dict(request, payload=len(payload))).encode("utf-8")
        try:
            assert worker.proc.stdin is not None
            worker.proc.stdin.write(struct.pack("<I", len(header)) + header + payload)
            worker.proc.stdin.close()
        except OSError as exc:
            return RunReply({}, b"", zygote_died=True, died_reason=f"could not reach the worker: {exc}")
        if cancelled():
            worker.stop("cancelled")
        if self.features.get("memory_watch"):
            threading.Thread(target=self._watch_memory, args=(worker, memory_mb << 20), daemon=True).start()
        if not worker.done.wait(time_limit_s):
            worker.stop("timed_out")
        status = worker.finish()
        worker.result.wait_for(lambda: worker.result.eof, time.monotonic() + DRAIN_S)
        worker.output.wait_for(lambda: worker.output.eof, time.monotonic() + DRAIN_S)
        reply: dict[str, Any] = {"op": "done", "id": request["id"], "backend": "portable", "layers": self.layers()}
        if worker.reason and worker.reason != "discarded":
            reply[worker.reason] = True
        if status < 0:
            reply["signal"] = -status
        else:
            reply["exit_code"] = status
        reply["stdout"] = bytes(worker.output.buf).decode("utf-8", errors="replace")
        reply["elapsed_ms"] = (time.monotonic() - t0) * 1000.0
        result = bytes(worker.result.buf[worker.ready_len:])
        return RunReply(reply, result, cancelled=worker.reason == "cancelled")

    def layers(self) -> dict[str, dict[str, str]]:
        """What contained a run, in the verdict's layer report: the parent's limits always, whichever OS
        mechanisms exist, and every hardened-backend layer as ``unavailable`` (this backend has none of them)."""
        f = self.features
        names = ["wall_time", "output_cap", "fresh_process"]
        names += [name for name in ("process_group", "job_object", "rlimits", "memory_watch", "sandbox_exec")
                  if f.get(name)]
        report = {name: {"status": "unavailable", "reason": "not part of the portable backend"} for name in LAYERS}
        report.update({name: {"status": "applied"} for name in names})
        return report

    @staticmethod
    def _watch_memory(worker: _Worker, limit: int) -> None:
        """Stand-in for RLIMIT_AS where it is missing or not enforced: kill once the worker is too big."""
        while not worker.done.is_set():
            size = limits.process_memory(worker.proc.pid)
            if size is not None and size > limit:
                worker.stop("memory_limit")
                return
            worker.done.wait(MEMORY_POLL_S)
