"""Parent side of the sandbox: starts and talks to the zygote (see zygote.py, SANDBOX.md).

The app never forks itself: the zygote is a separate ``python -I`` process with
a clean environment, started once and reused; it forks one child per run.
"""
from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ZYGOTE_PATH = Path(__file__).resolve().parent / "zygote.py"
MAX_HEADER = 16 << 20

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
               "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "BLIS_NUM_THREADS")


DISK_CAP_MB = 64  # default total size of a run's work dir (sent as ``disk_cap_bytes``)
LAYERS = ("pid_namespace", "net_namespace", "ipc_namespace", "mount_namespace", "landlock", "seccomp",
          "uid_drop", "rlimits", "disk_cap")
FAIL_VAR = "STUDYAPP_SANDBOX_FAIL"


def forced_failures() -> list[str]:
    """Layers a test asks the helper to treat as refused (``STUDYAPP_SANDBOX_FAIL=landlock,seccomp``)."""
    return [name.strip() for name in os.environ.get(FAIL_VAR, "").split(",") if name.strip()]


def sandbox_report(layers: Any, features: dict[str, Any], restarts: int) -> dict[str, Any]:
    """The verdict's ``sandbox`` object: every layer of LAYERS with a status (``applied``,
    ``unavailable``, ``failed``, ``disabled``; ``unknown`` when the run died before saying),
    ``failed`` listing the refused ones, plus the detected features."""
    layers = dict(layers) if isinstance(layers, dict) else {}
    report = {}
    for name in LAYERS + tuple(sorted(set(layers) - set(LAYERS))):
        info = layers.get(name)
        info = dict(info) if isinstance(info, dict) else {}
        info["status"] = str(info.get("status", "unknown"))
        report[name] = info
    return {"layers": report, "failed": [n for n, i in report.items() if i["status"] == "failed"],
            "features": features, "helper_restarts": restarts}


class ZygoteDied(RuntimeError):
    """The helper process died or broke the protocol."""


@dataclass
class RunReply:
    header: dict[str, Any]
    result: bytes
    zygote_died: bool = False
    cancelled: bool = False
    died_reason: str = ""


def clean_env() -> dict[str, str]:
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    for var in THREAD_VARS:
        env[var] = "1"
    return env


class Zygote:
    """One helper process; ``run`` is not re-entrant (the Grader serializes calls)."""

    def __init__(self, python: str | None = None, start_timeout: float = 30.0) -> None:
        self.python = python or sys.executable
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen | None = None
        self.features: dict[str, Any] = {}
        self._write_lock = threading.Lock()
        self._next_id = 1
        self._current: int | None = None
        self.restarts = 0
        self.base_dir: str | None = None

    # ---- lifecycle
    def start(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            return
        # All work dirs of this zygote live under one base dir that we remove
        # ourselves, so a killed zygote leaves nothing behind.
        self.base_dir = tempfile.mkdtemp(prefix="studyapp-grade-")
        os.chmod(self.base_dir, 0o711)
        self.proc = subprocess.Popen(
            [self.python, "-I", "-B", str(ZYGOTE_PATH), self.base_dir],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None if os.environ.get("STUDYAPP_ZYGOTE_DEBUG") else subprocess.DEVNULL,
            env=clean_env(), cwd="/", close_fds=True, start_new_session=True, bufsize=0,
        )
        header, _ = self._read_frame(deadline=time.monotonic() + self.start_timeout)
        if header.get("op") != "ready":
            self.kill()
            raise ZygoteDied("zygote did not start")
        self.features = dict(header.get("features", {}))

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _remove_base_dir(self) -> None:
        base, self.base_dir = self.base_dir, None
        if base:
            shutil.rmtree(base, ignore_errors=True)

    def kill(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            self._remove_base_dir()
            return
        try:
            proc.kill()
        except OSError:
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream:
                    stream.close()
            except OSError:
                pass
        self._remove_base_dir()

    def close(self) -> None:
        proc = self.proc
        if proc is None:
            return
        try:
            self._write_frame({"op": "exit"})
            proc.wait(timeout=2)
        except Exception:
            pass
        self.kill()

    def restart(self) -> None:
        self.kill()
        self.restarts += 1
        self.start()

    # ---- framing
    def _write_frame(self, header: dict, payload: bytes = b"", current: int | None = None) -> None:
        header = dict(header, payload=len(payload))
        h = json.dumps(header).encode("utf-8")
        with self._write_lock:
            proc = self.proc
            if proc is None or proc.stdin is None:
                raise OSError("the helper is not running")
            proc.stdin.write(struct.pack("<I", len(h)) + h)
            if payload:
                proc.stdin.write(payload)
            proc.stdin.flush()
            if current is not None:
                self._current = current

    def _read_exact(self, n: int, deadline: float) -> bytes:
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        import select

        chunks = []
        while n > 0:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                raise TimeoutError
            b = os.read(fd, min(n, 1 << 20))
            if not b:
                raise ZygoteDied("the helper closed its pipe")
            chunks.append(b)
            n -= len(b)
        return b"".join(chunks)

    def _read_frame(self, deadline: float) -> tuple[dict, bytes]:
        (hlen,) = struct.unpack("<I", self._read_exact(4, deadline))
        if hlen > MAX_HEADER:
            raise ZygoteDied("oversized header from the helper")
        try:
            header = json.loads(self._read_exact(hlen, deadline).decode("utf-8"))
        except ValueError as exc:
            raise ZygoteDied(f"bad header from the helper: {exc}") from None
        if not isinstance(header, dict):
            raise ZygoteDied("bad header from the helper")
        n = header.get("payload", 0)
        if not isinstance(n, int) or n < 0 or n > (1 << 34):
            raise ZygoteDied("bad payload size from the helper")
        return header, self._read_exact(n, deadline)

    # ---- runs
    def run(self, request: dict, payload: bytes, time_limit_s: float,
            cancelled: Any = lambda: False) -> RunReply:
        """Send one run; blocks until the reply. A dead helper is restarted.

        ``cancelled()`` is checked once the run is sent, so a cancel that raced
        with the send is not lost."""
        if not self.alive():
            self.restart() if self.proc is not None else self.start()
        run_id = self._next_id
        self._next_id += 1
        try:
            try:
                self._write_frame(dict(request, op="run", id=run_id), payload, current=run_id)
            except (OSError, ValueError) as exc:
                self.restart()
                return RunReply({}, b"", zygote_died=True, died_reason=f"could not reach the helper: {exc}")
            if cancelled():
                self.cancel()
            # The zygote enforces the wall limit; this is a safety net if it hangs.
            deadline = time.monotonic() + time_limit_s + 10.0
            while True:
                try:
                    header, result = self._read_frame(deadline)
                except (ZygoteDied, struct.error, OSError, AttributeError, AssertionError) as exc:
                    self.restart()
                    return RunReply({}, b"", zygote_died=True, died_reason=str(exc))
                except TimeoutError:
                    self.restart()
                    return RunReply({"timed_out": True}, b"", zygote_died=True,
                                    died_reason="the helper did not answer in time")
                if header.get("op") == "done" and header.get("id") == run_id:
                    return RunReply(header, result, cancelled=bool(header.get("cancelled")))
        finally:
            self._current = None

    def cancel(self) -> None:
        """Thread-safe: ask the zygote to kill the current run."""
        run_id = self._current
        if run_id is None:
            return
        try:
            self._write_frame({"op": "cancel", "id": run_id})
        except (OSError, ValueError):
            pass
