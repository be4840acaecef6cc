"""Mount-namespace helpers: the interpreter made reachable by the sandbox uid, per-run mounts."""
import ctypes
import os
import sys

import numpy as np

from .features import _errno
from .syscalls import _libc


MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_REMOUNT = 0x20
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
MNT_DETACH = 2
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]


def _mount(src, tgt, fstype, flags, data=None):
    enc = lambda v: v.encode() if isinstance(v, str) else v
    if _libc.mount(enc(src), enc(tgt), enc(fstype), flags, enc(data)) != 0:
        raise OSError(_errno(), "mount %s" % tgt)


def _needed_paths():
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(np.__file__)}
    paths.update(p for p in sys.path if p and os.path.exists(p))
    return sorted(paths)


def _blocked_ancestors():
    """(dir without o+x, child component) pairs on the way to the interpreter's files."""
    pairs = {}
    for path in _needed_paths():
        parts = os.path.abspath(path).split("/")[1:]
        cur = ""
        for i, part in enumerate(parts[:-1] if len(parts) > 1 else []):
            cur = cur + "/" + part
            try:
                mode = os.stat(cur).st_mode
            except OSError:
                break
            if not mode & 0o001:
                pairs.setdefault(cur, set()).add(parts[i + 1])
                break
    return pairs


def expose_python(workdir):
    """In a private mount namespace, make the interpreter's files reachable by the
    unprivileged uid when they live under a private directory (e.g. /root/.pyenv
    when running as root in CI): a tmpfs hides the private directory and only the
    needed subdirectories are bind-mounted back, read-only."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    pairs = _blocked_ancestors()
    exposed = []
    stage_root = os.path.join(workdir, ".stage")
    for k, (anc, names) in enumerate(sorted(pairs.items())):
        staged = []
        for j, name in enumerate(sorted(names)):
            src = os.path.join(anc, name)
            st = os.path.join(stage_root, "%d_%d" % (k, j))
            os.makedirs(st, exist_ok=True)
            _mount(src, st, None, MS_BIND | MS_REC)
            staged.append((name, st, os.path.isdir(src)))
        _mount("tmpfs", anc, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755,size=1m")
        for name, st, isdir in staged:
            dst = os.path.join(anc, name)
            if isdir:
                os.mkdir(dst)
            else:
                open(dst, "w").close()
            _mount(st, dst, None, MS_BIND | MS_REC)
            _mount(None, dst, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
            _libc.umount2(st.encode(), MNT_DETACH)
            os.rmdir(st)
            exposed.append(dst)
        _mount(None, anc, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, "mode=755,size=1m")
    if os.path.isdir(stage_root):
        os.rmdir(stage_root)
    return exposed


MS_NOEXEC = 8
DEFAULT_DISK_CAP = 64 << 20  # bytes, when the request does not say (``disk_cap_bytes``)


def disk_cap(req):
    return max(1 << 20, int(req.get("disk_cap_bytes", DEFAULT_DISK_CAP)))


def mount_workdir_tmpfs(workdir, cap_bytes, owner):
    """A tmpfs of ``cap_bytes`` over the run's work dir (in the run's own mount
    namespace, so it vanishes with the run): the total disk cap."""
    opts = "size=%d,nr_inodes=4096,mode=0700" % cap_bytes
    if owner is not None:
        opts += ",uid=%d,gid=%d" % (owner, owner)
    _mount("tmpfs", workdir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts)


def mount_private_shm(owner):
    """An empty, tiny /dev/shm of the run's own: POSIX shared memory dies with the run."""
    opts = "size=1m,nr_inodes=64,mode=0700"
    if owner is not None:
        opts += ",uid=%d,gid=%d" % (owner, owner)
    _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts)


def mount_private_proc():
    """/proc of the run's PID namespace (called by its PID 1): only the run's processes."""
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)


def make_mounts_private():
    """Nothing mounted in the run's namespace propagates back to the host."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
