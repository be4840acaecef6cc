"""Grading zygote: a standalone helper script, run as ``python -I -B zygote.py BASE_DIR``.

It must NOT import ``studyapp`` (the learner's child is forked from it): it
imports only the stdlib, NumPy and its sibling package ``linux/`` (put on
``sys.path`` here). The app talks to it over stdin/stdout with length-prefixed
frames (``linux/framing.py``):

    frame := u32 header_len | header JSON (utf-8) | payload (header["payload"] bytes)

Requests: ``{"op": "run", "id": n, "source_bytes": k, ...}`` with the input arrays
as raw bytes, then the learner's source (k bytes of UTF-8), in the payload;
``{"op": "cancel", "id": n}``; ``{"op": "ping"}``. Replies: ``{"op": "done",
"id": n, "layers": {...}, ...}`` with the child's raw result bytes as payload
(forwarded unparsed: the app parses them defensively), ``{"op": "pong",
"features": {...}}``.

At start the zygote (as root) enters its own network namespace (loopback
down, shared by all runs) and a private mount namespace (``linux/mounts.py``).
Per run it forks a supervisor W1 which enters fresh PID, IPC and mount
namespaces (as non-root: owned by a new user namespace, with a network
namespace too), caps the work dir with a tmpfs and forks W2, PID 1 of the run:
it mounts the run's own /proc and forks the learner process W3 (PID 2), then
exits when W3 does, so the kernel kills everything W3 started. W3 sets resource
limits, drops to uid 65534 when root, applies Landlock (reads and writes) and
seccomp, reports which layers held, runs the learner's code on the inputs and
writes the outputs as raw bytes plus a JSON header. See SANDBOX.md. Never pickle.
"""
import gc
import os
import shutil
import signal
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from linux import features  # noqa: E402
from linux.framing import read_frame, scrub, write_frame  # noqa: E402
from linux.landlock import open_read_rules, read_paths  # noqa: E402
from linux.mounts import expose_python  # noqa: E402
from linux.runner import _warm_up  # noqa: E402
from linux.supervise import _reap_pending, run_request  # noqa: E402
from linux.syscalls import CLONE_NEWNET, CLONE_NEWNS, _libc  # noqa: E402


def _enter_zygote_namespaces():
    """As root, once for the zygote and all runs: a network namespace (the zygote only
    talks over pipes, and a fresh one per run costs several ms; its loopback stays down
    and every run's processes are dead before the next starts) and a private mount
    namespace in which the interpreter is reachable by the sandbox uid."""
    root = os.geteuid() == 0
    if root and features.FEATURES.get("net_namespace") and _libc.unshare(CLONE_NEWNET) == 0:
        features.SHARED_NETNS = True
    features.FEATURES["net_namespace_shared"] = features.SHARED_NETNS
    if root and features.FEATURES.get("mount_namespace") and _libc.unshare(CLONE_NEWNS) == 0:
        stage = tempfile.mkdtemp(prefix="stage-", dir=features.BASE_DIR)
        try:
            features.EXPOSED = expose_python(stage)
        except OSError:
            features.EXPOSED = None
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    features.FEATURES["exposed_paths"] = features.EXPOSED or []


def main():
    if len(sys.argv) > 1 and os.path.isdir(sys.argv[1]):
        features.BASE_DIR = sys.argv[1]
    req_fd = os.dup(0)
    rep_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    features.detect_features()
    _enter_zygote_namespaces()
    _warm_up()
    if features.FEATURES.get("landlock_abi", 0) >= 1:
        paths, features.READ_SUMMARY[:] = read_paths(os.path.dirname(np.__file__))
        features.READ_RULES[:] = open_read_rules(paths)
    features.FEATURES["landlock_read"] = features.READ_SUMMARY
    gc.collect()
    gc.freeze()  # keep the warmed-up heap out of the children's collections (fewer copy-on-write faults)
    write_frame(rep_fd, {"op": "ready", "features": features.FEATURES, "pid": os.getpid()})
    while True:
        try:
            req, payload = read_frame(req_fd)
        except EOFError:
            return
        op = req.get("op")
        if op == "run":
            try:
                reply, result = run_request(req, payload, req_fd)
            except Exception as exc:
                reply, result = {"op": "done", "id": req.get("id"), "internal": "zygote error: %r" % (exc,)}, b""
            scrub(payload)
            write_frame(rep_fd, reply, result)
            _reap_pending()
        elif op == "ping":
            write_frame(rep_fd, {"op": "pong", "features": features.FEATURES})
        elif op == "exit":
            return
        # stray cancels for finished runs are ignored


if __name__ == "__main__":
    try:
        main()
    finally:
        # the app also removes it (it must when this process is killed)
        if features.BASE_DIR:
            shutil.rmtree(features.BASE_DIR, ignore_errors=True)
