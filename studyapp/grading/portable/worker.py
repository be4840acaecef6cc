"""One submission's process in the portable backend (run as ``python -I -B worker.py ZYGOTE WORKDIR``).

Started ahead of time so NumPy is already imported when the learner presses
Grade; it reads exactly one request, runs it and exits. It needs no
``os.fork``, no ``resource`` (used only when present) and no ``select``, so it
runs on Windows and macOS. The child-side runner (compile, call, encode the
outputs as raw bytes + JSON, never pickle) is the hardened zygote's, loaded
from its file, so both backends produce byte-identical results for the parent
to judge. Like the zygote, it must not import ``studyapp``.

Channels: fd 0 = the request (closed after reading); the original fd 1 = the
result (ready frame, then the ``RSLT`` frame); fd 1 and 2 both go to the
stderr pipe, which the parent caps as the learner's printed output.
"""
import io
import json
import math
import os
import shutil
import struct
import sys
import time


def _load_runner(zygote_path):
    """The shared runner and framing modules, from the package beside the zygote (both are stdlib+NumPy
    only and platform-neutral; the Linux sandbox modules next to them are never imported here)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(zygote_path)))
    from linux import framing, runner
    sys.path.pop(0)
    return runner, framing


def _has_resource():
    try:
        import resource  # noqa: F401
    except ImportError:
        return False
    return True


def _limit(req):
    """POSIX resource limits where the module exists (told to the parent before any learner code ran)."""
    if not _has_resource():
        return
    import resource
    mem = int(req.get("memory_limit_mb", 1024)) * 1024 * 1024
    cpu = int(math.ceil(float(req.get("time_limit_s", 5.0)))) + 1
    limits = (("RLIMIT_AS", mem, mem), ("RLIMIT_CPU", cpu, cpu + 1), ("RLIMIT_CORE", 0, 0),
              ("RLIMIT_FSIZE", 64 << 20, 64 << 20), ("RLIMIT_NOFILE", 256, 256))
    for attr, soft, hard in limits:
        try:
            resource.setrlimit(getattr(resource, attr), (soft, hard))
        except (AttributeError, ValueError, OSError):
            pass


def main():
    runner, framing = _load_runner(sys.argv[1])
    workdir = sys.argv[2]
    req_fd = os.dup(0)
    res_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)  # the learner's print() and tracebacks share the capped stderr pipe
    runner._warm_up()
    import gc
    gc.collect()
    framing.write_frame(res_fd, {"op": "ready", "pid": os.getpid(), "rlimits": _has_resource()})
    try:
        req, payload = framing.read_frame(req_fd)
    except (EOFError, ValueError, struct.error):
        shutil.rmtree(workdir, ignore_errors=True)  # the parent is gone or discarded us: leave nothing
        os._exit(0)
    os.close(req_fd)
    t_go = time.monotonic()
    n_src = int(req.get("source_bytes", 0))  # the source comes last in the payload (as for the zygote)
    cases = runner._decode_cases(req, bytes(payload[:len(payload) - n_src]))
    req = dict(req, source=bytes(payload[len(payload) - n_src:]).decode("utf-8", errors="replace"))
    payload[:] = b""
    for name in ("stdout", "stderr"):
        setattr(sys, name, open(1 if name == "stdout" else 2, "w", encoding="utf-8", errors="replace",
                                buffering=1, closefd=False))
    sys.stdin = io.StringIO("")
    _limit(req)
    os.chdir(workdir)
    keep = ("PATH", "LANG", "SYSTEMROOT", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
    env = {k: v for k, v in os.environ.items() if k in keep}
    os.environ.clear()
    os.environ.update(env, HOME=workdir, TMPDIR=workdir, TEMP=workdir, TMP=workdir)
    sys.meta_path.insert(0, runner._BlockStudyapp())
    sys.path[:] = [p for p in sys.path if p and "studyapp" not in p]
    sys.setrecursionlimit(int(req.get("recursion_limit", 3000)))
    t_sandboxed = time.monotonic()
    out, arrays, status = runner.run_guarded(req, cases, res_fd)
    try:
        out["t"] = [t_go, t_sandboxed, time.monotonic()]
        blob = b"".join(arrays)
        h = json.dumps(out).encode("utf-8")
        framing.write_all(res_fd, b"RSLT" + struct.pack("<IQ", len(h), len(blob)) + h)
        framing.write_all(res_fd, blob)
    except BaseException:
        status = 73
    os._exit(status)


if __name__ == "__main__":
    main()
