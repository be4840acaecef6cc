"""Landlock: which paths the learner process may read and write."""
import ctypes
import os
import sys

from .syscalls import SYS, _libc


def _errno():
    return ctypes.get_errno()


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


LL_EXECUTE = 1 << 0
LL_WRITE_FILE = 1 << 1
LL_READ_FILE = 1 << 2
LL_READ_DIR = 1 << 3
LL_REMOVE_DIR = 1 << 4
LL_REMOVE_FILE = 1 << 5
LL_MAKE_CHAR = 1 << 6
LL_MAKE_DIR = 1 << 7
LL_MAKE_REG = 1 << 8
LL_MAKE_SOCK = 1 << 9
LL_MAKE_FIFO = 1 << 10
LL_MAKE_BLOCK = 1 << 11
LL_MAKE_SYM = 1 << 12
LL_REFER = 1 << 13        # ABI 2
LL_TRUNCATE = 1 << 14     # ABI 3
LL_IOCTL_DEV = 1 << 15    # ABI 5
LL_NET_BIND_TCP = 1 << 0  # ABI 4
LL_NET_CONNECT_TCP = 1 << 1
LL_SCOPE_ABSTRACT_UNIX = 1 << 0  # ABI 6
LL_SCOPE_SIGNAL = 1 << 1


FILE_ACCESS = LL_EXECUTE | LL_WRITE_FILE | LL_READ_FILE | LL_TRUNCATE | LL_IOCTL_DEV
SITE_DIRS = ("site-packages", "dist-packages")


def _mapped_files():
    """Shared objects this process has mapped (the interpreter, libc, NumPy's libraries)."""
    files = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split(None, 5)
                if len(parts) == 6 and parts[5].startswith("/") and not parts[5].endswith("(deleted)\n"):
                    files.add(parts[5].strip())
    except OSError:
        pass
    return files


def _inside(path, root):
    return path == root or path.startswith(root + "/")


def read_paths(numpy_dir):
    """What the learner's code may read: the stdlib (each entry, so that site-packages,
    where other packages and possibly the app live, stays out), NumPy and the
    libraries next to it, the directories of the loaded shared objects (where the
    loader finds what lazily imported extension modules need), the loader cache.

    Returns (paths, summary) where summary is the short list shown in the verdict."""
    stdlib = os.path.dirname(os.__file__)
    site = os.path.dirname(numpy_dir)
    paths = {numpy_dir}
    try:
        paths.update(os.path.join(stdlib, n) for n in os.listdir(stdlib) if n not in SITE_DIRS)
        paths.update(os.path.join(site, n) for n in os.listdir(site) if n.startswith("numpy") and n.endswith(".libs"))
    except OSError:
        pass
    executable = os.path.realpath(sys.executable)
    for path in _mapped_files():
        folder = os.path.dirname(path)
        if path == executable or _inside(stdlib, folder) or _inside(site, folder):
            paths.add(path)   # the interpreter, libpython next to lib/python3.x: the file only
        elif not _inside(folder, site):
            paths.add(folder)  # a library directory (libc, libssl, ...): what lazy imports need
    paths.update(p for p in ("/etc/ld.so.cache", "/dev/null", "/dev/zero", "/dev/urandom") if os.path.exists(p))
    summary = [stdlib + " (without %s)" % ", ".join(SITE_DIRS)]
    shown = [p for p in paths if os.path.dirname(p) == site or not _inside(p, stdlib) and not _inside(p, site)]
    summary += sorted(shown)
    return sorted(paths), summary


def open_read_rules(paths):
    """O_PATH fds for the read rules, opened once in the zygote and inherited by each run."""
    rules = []
    for path in paths:
        try:
            rules.append((os.open(path, os.O_PATH | os.O_CLOEXEC), os.path.isdir(path)))
        except OSError:
            pass
    return rules


def _add_rule(ruleset, pfd, access, is_dir):
    if not is_dir:
        access &= FILE_ACCESS
    rule = _PathBeneathAttr(access, pfd)
    if _libc.syscall(SYS["landlock_add_rule"], ctypes.c_int(ruleset), ctypes.c_int(1),
                     ctypes.byref(rule), ctypes.c_uint32(0)) < 0:
        raise OSError(_errno(), "landlock_add_rule")


def build_ruleset(abi, workdir, read_rules, extra_read=()):
    """A ruleset fd: read only ``read_rules`` (pre-opened), ``extra_read`` and the work dir; write
    only beneath the work dir (and /dev/null); no execve; no TCP (ABI 4); no signals or
    abstract sockets outside the sandbox (ABI 6). Applied later by ``restrict_self``.
    Returns (fd, scope) where scope describes what is handled."""
    read_access = LL_READ_FILE | LL_READ_DIR
    write_access = (LL_WRITE_FILE | LL_REMOVE_DIR | LL_REMOVE_FILE | LL_MAKE_CHAR | LL_MAKE_DIR
                    | LL_MAKE_REG | LL_MAKE_SOCK | LL_MAKE_FIFO | LL_MAKE_BLOCK | LL_MAKE_SYM)
    if abi >= 2:
        write_access |= LL_REFER
    if abi >= 3:
        write_access |= LL_TRUNCATE
    handled = write_access | read_access | LL_EXECUTE
    attr = _RulesetAttr(handled, 0, 0)
    size = 8
    scope = {"abi": abi, "exec": "denied", "tcp": "unavailable", "signal_scope": "unavailable"}
    if abi >= 4:
        attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP
        size = 16
        scope["tcp"] = "denied"
    if abi >= 6:
        attr.scoped = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL
        size = 24
        scope["signal_scope"] = "applied"
    fd = _libc.syscall(SYS["landlock_create_ruleset"], ctypes.byref(attr), ctypes.c_size_t(size),
                       ctypes.c_uint32(0))
    if fd < 0:
        raise OSError(_errno(), "landlock_create_ruleset")
    try:
        for pfd, is_dir in read_rules:
            _add_rule(fd, pfd, read_access, is_dir)
        for path, access in [(p, read_access) for p in extra_read] + [
                (workdir, read_access | write_access), ("/dev/null", read_access | LL_WRITE_FILE | LL_TRUNCATE)]:
            pfd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            try:
                _add_rule(fd, pfd, access & handled, os.path.isdir(path))
            finally:
                os.close(pfd)
    except BaseException:
        os.close(fd)
        raise
    return fd, scope


def restrict_self(ruleset):
    try:
        if _libc.syscall(SYS["landlock_restrict_self"], ctypes.c_int(ruleset), ctypes.c_uint32(0)) < 0:
            raise OSError(_errno(), "landlock_restrict_self")
    finally:
        os.close(ruleset)
