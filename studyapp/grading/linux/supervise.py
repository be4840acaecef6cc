"""Zygote side of a run: fork W1 (namespaces) -> W2 -> W3, watch W2 through a pidfd, collect output."""
import json
import os
import select
import shutil
import signal
import struct
import tempfile
import time
import traceback

from . import features
from .child import _child_main, split_layers, workdir_full
from .runner import _decode_cases
from .features import _drop_to_nobody
from .framing import read_exact_line, read_frame, write_all
from .mounts import disk_cap
from .namespaces import enter_run_namespaces
from .syscalls import NOBODY, PR_SET_PDEATHSIG, _libc

PR_SET_DUMPABLE = 4


def _set_nonblock(fd):
    os.set_blocking(fd, False)


def run_request(req, payload, ctl_fd):
    """Fork W1 (-> namespaces -> W2), supervise W2; returns (reply_header, result_bytes).

    ``payload`` holds the input arrays, then the learner's source (``source_bytes``):
    the zygote never decodes it, and its caller zeroes the buffer after the run,
    so the next run's processes never hold this submission's source."""
    t0 = time.monotonic()
    n_src = int(req.get("source_bytes", 0))
    view = memoryview(payload)
    cases = _decode_cases(req, view[:len(view) - n_src])
    source = view[len(view) - n_src:]
    workdir = tempfile.mkdtemp(prefix="run-", dir=features.BASE_DIR)
    try:
        if os.geteuid() == 0:
            os.chown(workdir, NOBODY, NOBODY)
        os.chmod(workdir, 0o700)
        reply, result = _supervise(req, cases, workdir, ctl_fd, source, t0)
        if reply.get("layers", {}).get("disk_cap", {}).get("how") != "tmpfs" and workdir_full(workdir, disk_cap(req)):
            reply["disk_limit"] = True
        return reply, result
    finally:
        view.release()
        source.release()
        shutil.rmtree(workdir, ignore_errors=True)


def _supervise(req, cases, workdir, ctl_fd, source, t0):
    out_r, out_w = os.pipe()
    res_r, res_w = os.pipe()
    go_r, go_w = os.pipe()
    pid_r, pid_w = os.pipe()
    st_r, st_w = os.pipe()
    w1 = os.fork()
    if w1 == 0:  # ---------------- W1
        try:
            _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            if os.getppid() == 1:
                os._exit(1)
            for fd in (out_r, res_r, go_w, pid_r, st_r, ctl_fd, 0, 1):
                try:
                    os.close(fd)
                except OSError:
                    pass
            unprivileged = os.geteuid() != 0
            if req.get("simulate_unprivileged") and not unprivileged:
                # testing aid: run this run's processes as a non-root app would
                _drop_to_nobody()
                _libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)  # as for a real user: /proc/self/uid_map is ours
                _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
                if os.getppid() == 1:
                    os._exit(1)
                unprivileged = True
            ns = enter_run_namespaces(req, unprivileged, workdir)
            w2 = os.fork()
            if w2 == 0:  # ------------ W2
                os.close(pid_w)
                try:
                    _child_main(req, cases, (out_w, res_w), workdir, go_r, st_w, ns,
                                bytes(source).decode("utf-8", "replace"))
                except BaseException:
                    try:
                        traceback.print_exc()
                    except BaseException:
                        pass
                finally:
                    os._exit(74)
            os.close(out_w)
            os.close(res_w)
            os.close(go_r)
            write_all(pid_w, json.dumps({"pid": w2, "ns": ns}).encode() + b"\n")
            os.close(pid_w)
            while True:
                try:
                    _, status = os.waitpid(w2, 0)
                    break
                except InterruptedError:
                    continue
            write_all(st_w, b"S" + struct.pack("<i", status))
            os._exit(0)
        except BaseException:
            os._exit(75)
    # ---------------- zygote
    for fd in (out_w, res_w, go_r, pid_w, st_w):
        os.close(fd)
    reply = {"op": "done", "id": req.get("id"), "timed_out": False, "output_limit": False,
             "cancelled": False, "result_limit": False}
    pidfd = None
    try:
        info = json.loads(read_exact_line(pid_r))
        w2 = int(info["pid"])
        reply["layers"] = info.get("ns", {})
        if hasattr(os, "pidfd_open"):
            pidfd = os.pidfd_open(w2)
        reply["t_go_sent"] = time.monotonic()
        os.write(go_w, b"g")
    except Exception as exc:
        reply["internal"] = "spawn failed: %r" % (exc,)
        _reap(w1)
        for fd in (out_r, res_r, go_w, pid_r, st_r):
            os.close(fd)
        return reply, b""
    os.close(go_w)
    os.close(pid_r)

    def kill_child():
        try:
            if pidfd is not None:
                signal.pidfd_send_signal(pidfd, signal.SIGKILL)
            else:
                os.kill(w2, signal.SIGKILL)
        except (ProcessLookupError, OSError):
            pass

    deadline = time.monotonic() + float(req.get("time_limit_s", 5.0))
    out_cap = int(req.get("output_cap", 1 << 20))
    res_cap = int(req.get("result_cap", 64 << 20))
    out_buf = bytearray()
    res_buf = bytearray()
    _set_nonblock(out_r)
    _set_nonblock(res_r)
    open_fds = {out_r, res_r}
    exited = False
    killed = False
    watch = [out_r, res_r, ctl_fd] + ([pidfd] if pidfd is not None else [])
    while True:
        now = time.monotonic()
        if not killed and now >= deadline:
            reply["timed_out"] = True
            kill_child()
            killed = True
        if exited and not open_fds:
            break
        if exited or killed:
            # all writers are dead or dying: drain quickly, bounded
            timeout = 0.05 if exited else 0.2
        else:
            timeout = max(0.0, deadline - now)
            if pidfd is None:
                timeout = min(timeout, 0.01)
        fds = [fd for fd in watch if fd in open_fds or fd in (ctl_fd, pidfd)]
        if exited:
            fds = [fd for fd in fds if fd in open_fds]
        try:
            ready, _, _ = select.select(fds, [], [], timeout)
        except InterruptedError:
            continue
        if not ready and exited:
            break  # a leftover writer outside the namespace (no-ns fallback): stop waiting
        if not ready and killed and not exited:
            # wait for exit
            exited = _poll_exit(pidfd, w2) or exited
            continue
        for fd in ready:
            if fd == ctl_fd:
                try:
                    msg, _ = read_frame(ctl_fd)
                except EOFError:
                    kill_child()
                    _reap(w1)
                    os._exit(0)
                if msg.get("op") == "cancel" and msg.get("id") == req.get("id"):
                    reply["cancelled"] = True
                    kill_child()
                    killed = True
                continue
            if fd == pidfd:
                exited = True
                continue
            try:
                data = os.read(fd, 1 << 16)
            except BlockingIOError:
                continue
            if not data:
                open_fds.discard(fd)
                continue
            if fd == out_r:
                room = out_cap - len(out_buf)
                out_buf += data[:max(room, 0)]
                if len(data) > room and not killed:
                    reply["output_limit"] = True
                    kill_child()
                    killed = True
            else:
                room = res_cap - len(res_buf)
                res_buf += data[:max(room, 0)]
                if len(data) > room and not killed:
                    reply["result_limit"] = True
                    kill_child()
                    killed = True
        if pidfd is None and not exited:
            exited = _poll_exit(None, w2)
    if not exited:
        kill_child()
    os.close(out_r)
    os.close(res_r)
    if pidfd is not None:
        os.close(pidfd)
    status = None
    ns_ok = reply["layers"].get("pid_namespace", {}).get("status") == "applied"
    layers, res_buf = split_layers(res_buf)
    for name, info in layers.items():
        reply["layers"].setdefault(name, {}).update(info)
    if exited and pidfd is not None and ns_ok and _result_complete(res_buf):
        # W2 (the namespace's init) is gone, so is everything it contained; the
        # exit status is not needed: reap W1 after the reply is sent.
        PENDING_REAP.append((w1, st_r))
        st_r = None
    else:
        _reap(w1)
    try:
        if st_r is None:
            raise EOFError
        os.set_blocking(st_r, True)
        raw = b""
        while len(raw) < 10:
            chunk = os.read(st_r, 10 - len(raw))
            if not chunk:
                break
            raw += chunk
        # b"C"+status from the namespace init about the learner process (preferred),
        # b"S"+status from W1 about W2
        for k in range(0, len(raw) - 4, 5):
            tag, (st,) = raw[k:k + 1], struct.unpack("<i", raw[k + 1:k + 5])
            if tag == b"C" or status is None:
                status = st
                if tag == b"C":
                    break
    except (EOFError, OSError, struct.error):
        pass
    if st_r is not None:
        os.close(st_r)
    if status is not None:
        if os.WIFSIGNALED(status):
            reply["signal"] = os.WTERMSIG(status)
        elif os.WIFEXITED(status):
            reply["exit_code"] = os.WEXITSTATUS(status)
    if not ns_ok:
        # no PID namespace: the learner process called setsid(), so its process group
        # is its pid; seccomp denied fork, so nothing else was started. Nothing else is signalled.
        try:
            os.killpg(w2, signal.SIGKILL)
        except OSError:
            pass
    reply["stdout"] = bytes(out_buf).decode("utf-8", errors="replace")
    reply["elapsed_ms"] = (time.monotonic() - t0) * 1000.0
    reply["t_start"] = t0
    reply["t_end"] = time.monotonic()
    return reply, bytes(res_buf)


PENDING_REAP = []


def _result_complete(buf):
    if len(buf) < 16 or bytes(buf[:4]) != b"RSLT":
        return False
    hlen, blen = struct.unpack("<IQ", bytes(buf[4:16]))
    return 16 + hlen + blen == len(buf)


def _reap_pending():
    while PENDING_REAP:
        pid, fd = PENDING_REAP.pop()
        _reap(pid)
        try:
            os.close(fd)
        except OSError:
            pass


def _poll_exit(pidfd, pid):
    if pidfd is not None:
        r, _, _ = select.select([pidfd], [], [], 0.05)
        return bool(r)
    try:
        os.kill(pid, 0)
        # still a process (or zombie held by W1)
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] == "Z"
    except (ProcessLookupError, FileNotFoundError):
        return True
    except OSError:
        return False


def _reap(pid):
    while True:
        try:
            os.waitpid(pid, 0)
            return
        except InterruptedError:
            continue
        except ChildProcessError:
            return
