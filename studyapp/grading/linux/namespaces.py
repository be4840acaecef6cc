"""W1's part of a run: enter the run's namespaces and mount its private file systems.

Every layer ends up in a small dict ``{"status": ...}`` with status ``applied``,
``unavailable`` (the kernel or the app's privileges do not allow it),
``failed`` (tried and refused; the run goes on) or ``disabled`` (the caller
turned it off, a testing aid). See SANDBOX.md for the table.
"""
import os

from . import features
from .features import NS_FLAGS, _errno
from .mounts import disk_cap, make_mounts_private, mount_private_shm, mount_workdir_tmpfs
from .syscalls import CLONE_NEWNS, CLONE_NEWUSER, NOBODY, _libc

FORCED = "forced by STUDYAPP_SANDBOX_FAIL"


def _write(path, text):
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _map_own_ids(uid, gid):
    """Inside the new user namespace, keep the app's own uid/gid (files it creates stay the user's)."""
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", "%d %d 1" % (uid, uid))
    _write("/proc/self/gid_map", "%d %d 1" % (gid, gid))


def enter_run_namespaces(req, unprivileged, workdir):
    """unshare() this run's PID/net/IPC/mount namespaces (owned by a new user namespace
    when not root), then cap the work dir with a tmpfs. Returns {layer: info}."""
    fail = set(req.get("fail_layers") or ())
    use_ns = req.get("namespaces", True)
    layers = {}
    flags = 0
    wanted = []
    for name, flag in NS_FLAGS.items():
        if name == "net_namespace" and not unprivileged and features.SHARED_NETNS:
            # entered once by the zygote; a forced failure is only reported (the namespace still holds)
            layers[name] = ({"status": "failed", "reason": FORCED + " (the zygote's namespace still holds)"}
                            if name in fail else {"status": "applied", "shared": True})
            continue
        available = features.FEATURES.get("user_namespace" if unprivileged else name)
        if not use_ns:
            layers[name] = {"status": "disabled"}
        elif not available:
            layers[name] = {"status": "unavailable"}
        elif name in fail:
            layers[name] = {"status": "failed", "reason": FORCED}
        else:
            flags |= flag
            wanted.append(name)
    if flags and unprivileged:
        flags |= CLONE_NEWUSER
    uid, gid = os.getuid(), os.getgid()
    if flags and _libc.unshare(flags) != 0:
        reason = os.strerror(_errno())
        for name in wanted:
            layers[name] = {"status": "failed", "reason": reason}
        flags = 0
    for name in wanted if flags else ():
        layers[name] = {"status": "applied"}
    if flags & CLONE_NEWUSER:
        try:
            _map_own_ids(uid, gid)
            layers["user_namespace"] = {"status": "applied"}
        except OSError as exc:
            # without a mapping no file can be created on the tmpfs: keep the work dir as it is
            flags &= ~CLONE_NEWNS
            layers["user_namespace"] = {"status": "failed", "reason": exc.strerror or str(exc)}
    layers["disk_cap"] = _cap_workdir(flags, fail, unprivileged, workdir, disk_cap(req))
    if flags & CLONE_NEWNS and os.path.isdir("/dev/shm"):
        try:
            mount_private_shm(None if unprivileged else NOBODY)
            layers["mount_namespace"]["dev_shm"] = "private"
        except OSError as exc:
            layers["mount_namespace"]["dev_shm"] = "host's (%s)" % (exc.strerror or exc)
    if layers.get("mount_namespace", {}).get("status") == "failed":
        layers["disk_cap"].update(status="failed", reason="no mount namespace for its tmpfs")
    return layers


def _cap_workdir(flags, fail, unprivileged, workdir, cap_bytes):
    cap = {"bytes": cap_bytes, "how": "tmpfs"}
    fallback = {"bytes": cap_bytes, "how": "RLIMIT_FSIZE per file + a size check after the run"}
    if not flags & CLONE_NEWNS:
        return dict(fallback, status="unavailable")
    if "disk_cap" in fail:
        return dict(fallback, status="failed", reason=FORCED)
    try:
        if not unprivileged:
            make_mounts_private()
        mount_workdir_tmpfs(workdir, cap_bytes, None if unprivileged else NOBODY)
    except OSError as exc:
        return dict(fallback, status="failed", reason=exc.strerror or str(exc))
    return dict(cap, status="applied")
