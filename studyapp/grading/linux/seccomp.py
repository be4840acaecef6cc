"""seccomp-BPF filter for the learner process."""
import ctypes
import errno

from .syscalls import AUDIT_ARCH, CLONE_THREAD, IS_X86_64, PR_SET_SECCOMP, SECCOMP_MODE_FILTER, SYS, _libc
from .features import _errno, probe_seccomp


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


BPF_LD_W_ABS = 0x20
BPF_JEQ_K = 0x15
BPF_JSET_K = 0x45
BPF_JGE_K = 0x35
BPF_RET_K = 0x06
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_KILL_PROCESS = 0x80000000


# Metadata changes are not covered by Landlock's write rights: deny them on every path
# (the work dir does not need them; shutil.copymode and os.chmod there fail too).
METADATA_SYSCALLS = ("chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown", "lchown", "fchownat",
                     "utime", "utimes", "utimensat", "futimesat", "setxattr", "lsetxattr", "fsetxattr",
                     "removexattr", "lremovexattr", "fremovexattr", "setxattrat", "removexattrat")
# System V / POSIX message queues: the IPC namespace already discards them with the run.
IPC_SYSCALLS = ("shmget", "msgget", "semget", "mq_open")


def apply_seccomp():
    """Deny new processes (fork/vfork/clone without CLONE_THREAD, clone3), ptrace, namespace,
    mount, module, bpf, keyring, io_uring, credential, file-metadata and IPC syscalls, and
    sockets (EPERM). Threads stay allowed. Returns the list of denied names."""
    if not probe_seccomp():
        return []
    eperm = SECCOMP_RET_ERRNO | errno.EPERM
    enosys = SECCOMP_RET_ERRNO | errno.ENOSYS
    denied = [n for n in ("fork", "vfork", "ptrace", "unshare", "setns", "mount", "umount2",
                          "pivot_root", "chroot", "kexec_load", "init_module", "finit_module",
                          "delete_module", "bpf", "process_vm_readv", "process_vm_writev",
                          "perf_event_open", "keyctl", "add_key", "request_key", "userfaultfd",
                          "socket", "open_by_handle_at", "reboot", "swapon", "swapoff", "acct",
                          "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid",
                          "setgroups", "io_uring_setup") + METADATA_SYSCALLS + IPC_SYSCALLS if n in SYS]
    prog = [
        (BPF_LD_W_ABS, 0, 0, 4),                      # arch
        (BPF_JEQ_K, 1, 0, AUDIT_ARCH),
        (BPF_RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS),
        (BPF_LD_W_ABS, 0, 0, 0),                      # nr
    ]
    if IS_X86_64:  # x32 ABI syscall numbers (bit 30) would bypass the checks below
        prog += [(BPF_JGE_K, 0, 1, 0x40000000), (BPF_RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS)]
    for name in denied:
        prog += [(BPF_JEQ_K, 0, 1, SYS[name]), (BPF_RET_K, 0, 0, eperm)]
    # clone3: ENOSYS makes glibc fall back to clone, whose flags we can inspect.
    prog += [(BPF_JEQ_K, 0, 1, SYS["clone3"]), (BPF_RET_K, 0, 0, enosys)]
    # clone: allow only with CLONE_THREAD (low 32 bits of arg0 at offset 16 on little-endian).
    prog += [
        (BPF_JEQ_K, 0, 4, SYS["clone"]),
        (BPF_LD_W_ABS, 0, 0, 16),
        (BPF_JSET_K, 1, 0, CLONE_THREAD),
        (BPF_RET_K, 0, 0, eperm),
        (BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
        (BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
    ]
    arr = (_SockFilter * len(prog))(*[_SockFilter(*ins) for ins in prog])
    fprog = _SockFprog(len(prog), arr)
    if _libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) != 0:
        raise OSError(_errno(), "seccomp")
    return denied + ["clone3", "clone(process)"]
