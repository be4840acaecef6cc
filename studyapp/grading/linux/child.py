"""The run's processes: W2 (PID 1 of the run's namespace) and W3, the learner's process."""
import ctypes
import io
import json
import math
import os
import resource
import signal
import struct
import sys
import time


from . import features
from .framing import write_all
from .runner import _BlockStudyapp, run_guarded
from .features import _drop_to_nobody, probe_seccomp
from .landlock import build_ruleset, restrict_self
from .mounts import disk_cap, mount_private_proc
from .namespaces import FORCED
from .seccomp import apply_seccomp
from .syscalls import IS_LINUX, NOBODY, PR_SET_NO_NEW_PRIVS, PR_SET_PDEATHSIG, SYS, _libc


def _init_main(learner_pid, st_w):
    """W2 when it is PID 1 of the run's namespace: a minimal init that reaps
    orphans and reports the learner process's raw wait status, then exits
    (which makes the kernel kill everything left in the namespace)."""
    os.closerange(0, st_w)
    os.closerange(st_w + 1, 65536)
    while True:
        try:
            pid, status = os.wait()
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(0)
        if pid == learner_pid:
            try:
                write_all(st_w, b"C" + struct.pack("<i", status))
            finally:
                os._exit(0)


def _status(ok, reason=None):
    return {"status": "applied"} if ok else {"status": "failed", "reason": reason}


def _layer(req, name, apply, *args):
    """Apply one layer unless the caller disabled it or a test forces it to fail;
    never raises (the run goes on and the verdict says what held)."""
    if not req.get(name, True):
        return {"status": "disabled"}, None
    if name in (req.get("fail_layers") or ()):
        return {"status": "failed", "reason": FORCED}, None
    try:
        return {"status": "applied"}, apply(*args)
    except OSError as exc:
        return {"status": "failed", "reason": "%s: %s" % (exc.filename or "", exc.strerror or exc)}, None


def _set_limits(req):
    if "rlimits" in (req.get("fail_layers") or ()):
        return {"status": "failed", "reason": FORCED}
    mem = int(req.get("memory_limit_mb", 1024)) * 1024 * 1024
    cpu = int(math.ceil(float(req.get("time_limit_s", 5.0)))) + 1
    cap = disk_cap(req)
    limits = {"RLIMIT_AS": (mem, mem), "RLIMIT_CPU": (cpu, cpu + 1), "RLIMIT_CORE": (0, 0),
              "RLIMIT_FSIZE": (cap, cap), "RLIMIT_NOFILE": (256, 256),
              "RLIMIT_NPROC": (512, 512)}
    refused = []
    for name, val in limits.items():
        try:
            resource.setrlimit(getattr(resource, name), val)
        except (ValueError, OSError):
            refused.append(name)
    if refused:
        return {"status": "failed", "reason": "refused: " + ", ".join(refused)}
    return {"status": "applied", "memory_bytes": mem, "cpu_s": cpu, "file_bytes": cap}


def _drop_capabilities():
    """In the run's user namespace the process holds every capability there: drop them."""
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)
    data = (ctypes.c_uint32 * 6)()
    if _libc.syscall(SYS["capset"], header, data) != 0:
        raise OSError(ctypes.get_errno(), "capset")


def _child_main(req, cases, fds, workdir, go_r, st_w, ns_layers, source):
    """W2: wait for the go byte, (as PID 1: mount the run's /proc, fork W3), sandbox, run,
    write the layer report and then the result, exit."""
    out_w, res_w = fds
    # wait until the zygote holds a pidfd on us
    try:
        os.read(go_r, 1)
    except OSError:
        os._exit(70)
    os.close(go_r)
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    t_go = time.monotonic()
    layers = {}
    if os.getpid() == 1:
        if ns_layers.get("mount_namespace", {}).get("status") == "applied":
            proc, _ = _layer(req, "proc", mount_private_proc)
            layers["mount_namespace"] = {"proc": proc["status"]}
        # PID 1 ignores its own signals; run the learner as PID 2 so that
        # signals, abort() and os.kill(os.getpid(), ...) behave normally.
        learner = os.fork()
        if learner != 0:
            _init_main(learner, st_w)
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    os.close(st_w)
    try:
        os.setsid()
    except OSError:
        pass
    # stdio: stdin /dev/null, stdout+stderr -> output pipe, result pipe on fd 3
    devnull = os.open("/dev/null", os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(out_w, 1)
    os.dup2(out_w, 2)
    os.close(devnull)
    os.close(out_w)
    res_fd = os.dup2(res_w, 3)
    if res_w != 3:
        os.close(res_w)
    # Landlock: the ruleset is built from the zygote's pre-opened read rules, kept on fd 4
    abi = features.FEATURES.get("landlock_abi", 0)
    ruleset = None
    if abi < 1:
        layers["landlock"] = {"status": "unavailable"}
    else:
        proc_private = layers.get("mount_namespace", {}).get("proc") == "applied"
        layers["landlock"], built = _layer(req, "landlock", build_ruleset, abi, workdir, features.READ_RULES,
                                           ("/proc",) if proc_private else ())
        if built is not None:
            ruleset = os.dup2(built[0], 4)
            if built[0] != 4:
                os.close(built[0])
            layers["landlock"].update(built[1], read=features.READ_SUMMARY + [workdir] + (
                ["/proc (the run's own)"] if proc_private else []), write=[workdir, "/dev/null"])
    os.closerange(5 if ruleset is not None else 4, 65536)
    for var in ("stdout", "stderr"):
        setattr(sys, var, open(1 if var == "stdout" else 2, "w", encoding="utf-8", errors="replace",
                               buffering=1, closefd=False))
    sys.stdin = io.StringIO("")
    layers["rlimits"] = _set_limits(req)
    os.chdir(workdir)
    os.environ.clear()
    os.environ.update({"PATH": "/usr/bin:/bin", "HOME": workdir, "TMPDIR": workdir, "LANG": "C.UTF-8",
                       "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
    # drop privileges
    if os.geteuid() == 0:
        layers["uid_drop"], _ = _layer(req, "uid_drop", _drop_to_nobody)
        if layers["uid_drop"]["status"] != "applied" or os.geteuid() == 0:
            # the one layer that fails closed: learner code never runs as root
            _report_layers(res_fd, layers)
            os._exit(71)
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        layers["uid_drop"]["uid"] = NOBODY
    else:
        layers["uid_drop"] = {"status": "unavailable", "reason": "the app is not root; the code runs as its user"}
        if ns_layers.get("user_namespace", {}).get("status") == "applied":
            layers["uid_drop"]["capabilities"] = _layer(req, "capabilities", _drop_capabilities)[0]["status"]
    if IS_LINUX:
        _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        if ruleset is not None:
            status, _ = _layer(req, "landlock", restrict_self, ruleset)
            if status["status"] != "applied":
                layers["landlock"] = status
        if not probe_seccomp():
            layers["seccomp"] = {"status": "unavailable"}
        else:
            layers["seccomp"], denied = _layer(req, "seccomp", apply_seccomp)
            if denied:
                layers["seccomp"]["denied"] = len(denied)
    t_sandboxed = time.monotonic()
    # Written before any learner code runs, so the zygote can trust this first frame.
    _report_layers(res_fd, layers)
    sys.meta_path.insert(0, _BlockStudyapp())
    for name in list(sys.modules):
        if name == "studyapp" or name.startswith("studyapp."):
            del sys.modules[name]
    sys.path[:] = [p for p in sys.path if p and "studyapp" not in p]
    sys.setrecursionlimit(int(req.get("recursion_limit", 3000)))
    out, arrays, status = run_guarded(dict(req, source=source), cases, res_fd)
    if workdir_full(workdir, disk_cap(req)):
        out, arrays = {"ok": False, "error": {"kind": "disk_limit", "line": None, "message":
                       "the work dir reached its %d MB cap" % (disk_cap(req) >> 20)}}, []
    try:
        out["t"] = [t_go, t_sandboxed, time.monotonic()]
        blob = b"".join(arrays)
        h = json.dumps(out).encode("utf-8")
        write_all(res_fd, b"RSLT" + struct.pack("<IQ", len(h), len(blob)) + h)
        write_all(res_fd, blob)
    except BaseException:
        status = 73
    os._exit(status)


LAYERS_MAGIC = b"LAYR"


def _report_layers(res_fd, layers):
    report = json.dumps(layers).encode("utf-8")
    write_all(res_fd, LAYERS_MAGIC + struct.pack("<I", len(report)) + report)


def split_layers(buf):
    """(layers, rest): the layer report W3 wrote before the learner's code ran, and the result."""
    if len(buf) < 8 or bytes(buf[:4]) != LAYERS_MAGIC:
        return {}, buf
    (n,) = struct.unpack("<I", bytes(buf[4:8]))
    try:
        layers = json.loads(bytes(buf[8:8 + n]).decode("utf-8"))
    except ValueError:
        return {}, buf
    return (layers if isinstance(layers, dict) else {}), buf[8 + n:]


def workdir_full(workdir, cap):
    """Did the run reach the disk cap? (tmpfs: no space left; otherwise: total size)."""
    try:
        st = os.statvfs(workdir)
        if st.f_blocks and st.f_blocks * st.f_frsize <= cap + (1 << 20):
            return st.f_bavail * st.f_frsize < (256 << 10)
        total = 0
        for root, _dirs, files in os.walk(workdir):
            for name in files:
                total += os.lstat(os.path.join(root, name)).st_size
        return total >= cap
    except OSError:
        return False


# ---------------------------------------------------------------- supervision (zygote side)
