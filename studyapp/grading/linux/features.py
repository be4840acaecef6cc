"""What the kernel allows, probed once at zygote start (each namespace tried in a throwaway child)."""
import ctypes
import os

from .syscalls import (CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUSER, IS_LINUX, NOBODY,
                       SYS, _libc)

NS_FLAGS = {"pid_namespace": CLONE_NEWPID, "net_namespace": CLONE_NEWNET, "ipc_namespace": CLONE_NEWIPC,
            "mount_namespace": CLONE_NEWNS}

def _errno():
    return ctypes.get_errno()


def landlock_abi():
    if not IS_LINUX or "landlock_create_ruleset" not in SYS:
        return 0
    r = _libc.syscall(SYS["landlock_create_ruleset"], None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return int(r) if r > 0 else 0


def _drop_to_nobody():
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def _trial_unshare(flags, drop):
    pid = os.fork()
    if pid == 0:
        try:
            if drop:
                _drop_to_nobody()
            ok = _libc.unshare(flags) == 0
        except BaseException:
            ok = False
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def probe_namespaces():
    """Which namespaces can a run get? (each tried in a throwaway child).

    As root: plain PID/net/IPC/mount namespaces. Unprivileged: a user namespace
    that owns the others, when the kernel allows it."""
    names = ("pid_namespace", "net_namespace", "ipc_namespace", "mount_namespace")
    res = dict.fromkeys(names + ("user_namespace",), False)
    if not IS_LINUX:
        return res
    root = os.geteuid() == 0
    res["user_namespace"] = _trial_unshare(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET, drop=root)
    for name in names:
        if root:
            res[name] = _trial_unshare(NS_FLAGS[name], False)
        else:
            res[name] = res["user_namespace"] and _trial_unshare(CLONE_NEWUSER | NS_FLAGS[name], False)
    return res


def probe_seccomp():
    return IS_LINUX and bool(SYS) and hasattr(_libc, "prctl")


# Zygote-wide state, set once in main() and inherited by every run's processes.
FEATURES = {}
EXPOSED = None          # paths bind-mounted back for the sandbox uid (root only), or None
SHARED_NETNS = False    # root: one network namespace for the zygote and all runs
BASE_DIR = None         # where the runs' work dirs are created
READ_RULES = []         # (O_PATH fd, is_dir) pairs the learner may read, opened once (see landlock.py)
READ_SUMMARY = []       # the same, summarized for the verdict


def detect_features():
    FEATURES.clear()
    FEATURES.update(probe_namespaces())
    FEATURES["landlock_abi"] = landlock_abi()
    FEATURES["seccomp"] = probe_seccomp()
    FEATURES["root"] = hasattr(os, "geteuid") and os.geteuid() == 0
    FEATURES["pidfd"] = hasattr(os, "pidfd_open")
    return FEATURES
