"""Linux constants and syscall numbers shared by the sandbox layers (stdlib only)."""
import ctypes
import sys
import os

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_THREAD = 0x00010000
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
NOBODY = 65534

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
_libc.unshare.argtypes = [ctypes.c_int]

IS_LINUX = sys.platform.startswith("linux")
IS_X86_64 = os.uname().machine in ("x86_64", "amd64")
IS_AARCH64 = os.uname().machine in ("aarch64", "arm64")

if IS_X86_64:
    SYS = dict(landlock_create_ruleset=444, landlock_add_rule=445, landlock_restrict_self=446,
               clone=56, clone3=435, fork=57, vfork=58, ptrace=101, unshare=272, setns=308,
               mount=165, umount2=166, pivot_root=155, chroot=161, kexec_load=246,
               init_module=175, finit_module=313, delete_module=176, bpf=321,
               process_vm_readv=310, process_vm_writev=311, perf_event_open=298,
               keyctl=250, add_key=248, request_key=249, userfaultfd=323, socket=41,
               open_by_handle_at=304, reboot=169, swapon=167, swapoff=168, acct=163,
               setuid=105, setgid=106, setreuid=113, setregid=114, setresuid=117, setresgid=119,
               setgroups=116, io_uring_setup=425, kill=62, tkill=200, tgkill=234,
               pidfd_send_signal=424, capset=126,
               chmod=90, fchmod=91, fchmodat=268, fchmodat2=452, chown=92, fchown=93, lchown=94,
               fchownat=260, utime=132, utimes=235, utimensat=280, futimesat=261,
               setxattr=188, lsetxattr=189, fsetxattr=190, removexattr=197, lremovexattr=198,
               fremovexattr=199, setxattrat=463, removexattrat=466,
               shmget=29, msgget=68, semget=64, mq_open=240)
    AUDIT_ARCH = 0xC000003E
elif IS_AARCH64:
    SYS = dict(landlock_create_ruleset=444, landlock_add_rule=445, landlock_restrict_self=446,
               clone=220, clone3=435, ptrace=117, unshare=97, setns=268, mount=40, umount2=39,
               pivot_root=41, chroot=51, kexec_load=104, init_module=105, finit_module=273,
               delete_module=106, bpf=280, process_vm_readv=270, process_vm_writev=271,
               perf_event_open=241, keyctl=219, add_key=217, request_key=218, userfaultfd=282,
               socket=198, open_by_handle_at=265, reboot=142, swapon=224, swapoff=225, acct=89,
               setuid=146, setgid=144, setreuid=145, setregid=143, setresuid=147, setresgid=149,
               setgroups=159, io_uring_setup=425, kill=129, tkill=130, tgkill=131,
               pidfd_send_signal=424, capset=91,
               fchmod=52, fchmodat=53, fchmodat2=452, fchown=55, fchownat=54, utimensat=88,
               setxattr=5, lsetxattr=6, fsetxattr=7, removexattr=14, lremovexattr=15, fremovexattr=16,
               setxattrat=463, removexattrat=466, shmget=194, msgget=186, semget=190, mq_open=180)
    AUDIT_ARCH = 0xC00000B7
else:
    SYS = {}
    AUDIT_ARCH = 0
