"""OS-specific containment for the portable backend, each used only where it exists.

* Windows: a Job Object (ctypes, no pywin32 dependency: five kernel32 calls)
  with kill-on-close, an active-process limit of 1 (the learner cannot start
  processes), a per-process memory limit and a CPU-time limit.
* macOS: a ``sandbox-exec`` profile denying network and writes outside the
  work dir (the tool is deprecated by Apple but still shipped).
* The memory watch: the parent polls the worker's size where RLIMIT_AS is
  missing (no ``resource``; Linux /proc) or not enforced (macOS, libproc).
"""
from __future__ import annotations

import ctypes
import os
import shutil
import sys
from typing import Any

# ---------------------------------------------------------------- Windows Job Object

JOB_OBJECT_LIMIT_PROCESS_TIME = 0x0002
JOB_OBJECT_LIMIT_ACTIVE_PROCESS = 0x0008
JOB_OBJECT_LIMIT_PROCESS_MEMORY = 0x0100
JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION = 0x0400
JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000
JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS = 9


class JobBasicLimits(ctypes.Structure):
    _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64), ("PerJobUserTimeLimit", ctypes.c_int64),
                ("LimitFlags", ctypes.c_uint32), ("MinimumWorkingSetSize", ctypes.c_size_t),
                ("MaximumWorkingSetSize", ctypes.c_size_t), ("ActiveProcessLimit", ctypes.c_uint32),
                ("Affinity", ctypes.c_size_t), ("PriorityClass", ctypes.c_uint32),
                ("SchedulingClass", ctypes.c_uint32)]


class IoCounters(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint64) for name in ("ReadOperationCount", "WriteOperationCount",
                                                       "OtherOperationCount", "ReadTransferCount",
                                                       "WriteTransferCount", "OtherTransferCount")]


class JobExtendedLimits(ctypes.Structure):
    _fields_ = [("BasicLimitInformation", JobBasicLimits), ("IoInfo", IoCounters),
                ("ProcessMemoryLimit", ctypes.c_size_t), ("JobMemoryLimit", ctypes.c_size_t),
                ("PeakProcessMemoryUsed", ctypes.c_size_t), ("PeakJobMemoryUsed", ctypes.c_size_t)]


def job_limits(memory_limit_mb: int, cpu_seconds: float) -> JobExtendedLimits:
    """The limits one submission's job gets (CPU time in the API's 100 ns units)."""
    info = JobExtendedLimits()
    basic = info.BasicLimitInformation
    basic.LimitFlags = (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_ACTIVE_PROCESS
                        | JOB_OBJECT_LIMIT_PROCESS_MEMORY | JOB_OBJECT_LIMIT_PROCESS_TIME
                        | JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION)
    basic.ActiveProcessLimit = 1
    basic.PerProcessUserTimeLimit = int(cpu_seconds * 10_000_000)
    info.ProcessMemoryLimit = int(memory_limit_mb) << 20
    return info


class JobObject:
    """A kill-on-close job holding one worker; closing it kills whatever is in it."""

    def __init__(self) -> None:
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        kernel32.CreateJobObjectW.restype = ctypes.c_void_p
        kernel32.SetInformationJobObject.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_uint32]
        kernel32.AssignProcessToJobObject.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        kernel32.TerminateJobObject.argtypes = [ctypes.c_void_p, ctypes.c_uint]
        kernel32.CloseHandle.argtypes = [ctypes.c_void_p]
        self._k = kernel32
        self.handle = kernel32.CreateJobObjectW(None, None)
        if not self.handle:
            raise OSError(ctypes.get_last_error(), "CreateJobObjectW failed")  # type: ignore[attr-defined]
        self.set_limits(1024, 60.0)

    def set_limits(self, memory_limit_mb: int, cpu_seconds: float) -> None:
        info = job_limits(memory_limit_mb, cpu_seconds)
        if not self._k.SetInformationJobObject(self.handle, JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS,
                                               ctypes.byref(info), ctypes.sizeof(info)):
            raise OSError(ctypes.get_last_error(), "SetInformationJobObject failed")  # type: ignore[attr-defined]

    def assign(self, process_handle: int) -> None:
        if not self._k.AssignProcessToJobObject(self.handle, process_handle):
            raise OSError(ctypes.get_last_error(), "AssignProcessToJobObject failed")  # type: ignore[attr-defined]

    def close(self) -> None:
        handle, self.handle = self.handle, None
        if handle:
            self._k.TerminateJobObject(handle, 1)
            self._k.CloseHandle(handle)


# ---------------------------------------------------------------- macOS sandbox-exec

SANDBOX_EXEC = "/usr/bin/sandbox-exec"


def sandbox_profile(workdir: str) -> str:
    """Seatbelt profile: everything a Python process needs, minus network and writes outside workdir."""
    quoted = os.path.realpath(workdir).replace("\\", "\\\\").replace('"', '\\"')
    return ("(version 1)\n(allow default)\n(deny network*)\n(deny file-write*)\n"
            f'(allow file-write* (subpath "{quoted}") (literal "/dev/null"))\n')


def sandbox_prefix(workdir: str) -> list[str]:
    """The argv prefix that wraps the worker in sandbox-exec on macOS, else nothing."""
    if sys.platform == "darwin" and os.access(SANDBOX_EXEC, os.X_OK):
        return [SANDBOX_EXEC, "-p", sandbox_profile(workdir)]
    return []


# ---------------------------------------------------------------- memory watch

PROC_PIDTASKINFO = 4  # macOS <sys/proc_info.h>: struct proc_taskinfo starts with virtual, then resident size


def _virtual_size_linux(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            pages = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def _resident_size_macos(pid: int) -> int | None:
    """macOS reserves gigabytes of virtual shared regions per process, so the resident size is what counts."""
    try:
        libproc = ctypes.CDLL("/usr/lib/libproc.dylib")
    except OSError:
        return None
    info = (ctypes.c_uint64 * 12)()  # proc_taskinfo is 96 bytes
    if libproc.proc_pidinfo(pid, PROC_PIDTASKINFO, ctypes.c_uint64(0), info, ctypes.sizeof(info)) <= 0:
        return None
    return int(info[1])


def process_memory(pid: int) -> int | None:
    """The size the memory watch compares with the limit: virtual on Linux (like RLIMIT_AS),
    resident on macOS; None where neither can be read."""
    if sys.platform == "darwin":
        return _resident_size_macos(pid)
    return _virtual_size_linux(pid)


def memory_watch_needed(rlimits: bool) -> bool:
    """macOS does not enforce RLIMIT_AS, so the parent watches there; elsewhere only without ``resource``."""
    if sys.platform == "darwin":
        return True
    return not rlimits and process_memory(os.getpid()) is not None


def windows_extra_env() -> dict[str, Any]:
    """Variables a Windows Python needs to start (SYSTEMROOT for its DLLs and random numbers)."""
    if os.name != "nt":
        return {}
    return {k: os.environ[k] for k in ("SYSTEMROOT", "SYSTEMDRIVE", "WINDIR") if k in os.environ}
