"""The holes a learner's own user could use (issue 12), each tried on both code paths:
the default one (as root: uid drop to 65534; as an ordinary user: user namespace) and,
when the tests run as root, the unprivileged path too. After every hostile run a
correct submission must still pass."""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

import studyapp
from studyapp import paths
from studyapp.grading import Grader
from studyapp.grading.sandbox import FAIL_VAR, LAYERS

from .test_adversarial import GOOD, assert_still_works, ex

pytestmark = pytest.mark.linux_backend("these holes are closed by the hardened Linux backend's layers")

ROOT = os.geteuid() == 0
# the uid the learner's code runs as: the sandbox uid as root, else the app's own user
RUN_UID = 65534 if ROOT else os.getuid()
PASS = "    return 1 - np.tanh(x) ** 2\n"


def _grader(kind: str) -> Grader:
    g = Grader(simulate_unprivileged=(kind == "unprivileged" and ROOT))
    g.start()
    return g


@pytest.fixture(scope="module", params=["default", "unprivileged"] if ROOT else ["default"])
def graders(request):
    g = _grader(request.param)
    yield g
    g.close()


def need(grader: Grader, layer: str) -> None:
    """Skip, naming the kernel feature, when this machine cannot give ``layer``."""
    v = grader.grade(ex(), GOOD)
    info = v.sandbox["layers"][layer]
    if info["status"] == "unavailable":
        pytest.skip(f"{layer} is unavailable on this kernel ({info})")


@pytest.fixture
def shared_dir():
    """A world-traversable directory outside the work dir (the learner's home stands in)."""
    d = tempfile.mkdtemp(prefix="studyapp-hole-")
    os.chmod(d, 0o755)
    yield Path(d)
    shutil.rmtree(d, ignore_errors=True)


def _own(path: Path, mode: int) -> None:
    os.chmod(path, mode)
    if ROOT:
        os.chown(path, RUN_UID, RUN_UID)


def _snapshot(path: Path) -> tuple:
    st = os.lstat(path)
    try:
        xattrs = sorted(os.listxattr(path))
    except OSError:
        xattrs = []
    return (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid, st.st_mtime_ns, st.st_atime_ns, xattrs)


METADATA_CALLS = [
    "os.chmod(p, 0o644)", "os.chmod(p, 0o644, follow_symlinks=False)", "os.chown(p, -1, -1)",
    f"os.chown(p, {RUN_UID}, {RUN_UID})", f"os.lchown(p, {RUN_UID}, {RUN_UID})", "os.utime(p, (0, 0))",
    "os.utime(p, None)", "os.utime(p, ns=(1, 1), follow_symlinks=False)", "os.setxattr(p, 'user.k', b'v')",
    "os.removexattr(p, 'user.k')", "os.chmod(os.path.dirname(p), 0o777)",
    # through O_PATH descriptors, which Landlock does not check at open
    "os.chmod(os.path.basename(p), 0o644, dir_fd=os.open(os.path.dirname(p), os.O_PATH))",
    "os.utime(os.path.basename(p), (0, 0), dir_fd=os.open(os.path.dirname(p), os.O_PATH))",
    f"os.chown(os.path.basename(p), {RUN_UID}, -1, dir_fd=os.open(os.path.dirname(p), os.O_PATH))",
    "os.chmod(os.open(p, os.O_PATH), 0o644)", "os.setxattr(os.open(p, os.O_RDONLY), 'user.k', b'v')",
]


def test_metadata_of_own_files_outside_workdir_is_unchanged(graders, shared_dir):
    need(graders, "seccomp")
    key = shared_dir / "id_rsa"
    key.write_text("secret")
    _own(key, 0o600)
    _own(shared_dir, 0o755)
    try:
        os.setxattr(key, "user.k", b"v")
    except OSError:
        pass
    before = {p: _snapshot(p) for p in (key, shared_dir)}
    calls = "".join(f"    try:\n        {c}\n        done.append({c!r})\n    except OSError:\n        pass\n"
                    for c in METADATA_CALLS)
    src = f"import os, numpy as np\ndef tanh_grad(x):\n    p = {str(key)!r}\n    done = []\n{calls}" \
          f"    if done:\n        print(done)\n        return x\n{PASS}"
    v = graders.grade(ex(), src)
    assert v.status == "passed", v.to_dict()
    assert {p: _snapshot(p) for p in (key, shared_dir)} == before
    assert_still_works(graders)


def test_numpy_file_io_in_the_workdir_still_works(graders):
    src = ("import numpy as np, os\ndef tanh_grad(x):\n    np.save('a.npy', x)\n    np.savetxt('a.txt', x.reshape(-1))\n"
           "    y = np.load('a.npy')\n    os.remove('a.npy')\n    return 1 - np.tanh(y) ** 2\n")
    v = graders.grade(ex(), src)
    assert v.status == "passed", v.to_dict()


def _ipc_objects() -> set[str]:
    found = set()
    for kind in ("shm", "msg", "sem"):
        try:
            with open(f"/proc/sysvipc/{kind}") as f:
                found.update(f"{kind}:{line.split()[1]}" for line in f.readlines()[1:])
        except OSError:
            pass
    return found


SYSV = """
import ctypes, numpy as np
def tanh_grad(x):
    libc = ctypes.CDLL(None, use_errno=True)
    made = []
    for _ in range(3):
        sid = libc.shmget(0, 400 << 20, 0o1600)
        if sid >= 0:
            made.append(sid)
            addr = libc.shmat(sid, None, 0)
    q = libc.msgget(0, 0o1600)
    print('shm', made, 'msg', q)
    return 1 - np.tanh(x) ** 2
"""


@pytest.mark.parametrize("seccomp", [True, False], ids=["seccomp", "ipc_namespace_only"])
def test_sysv_ipc_does_not_outlive_the_run(seccomp):
    shm_before = set(os.listdir("/dev/shm"))
    before = _ipc_objects()
    with Grader(seccomp=seccomp) as g:
        if not seccomp:
            need(g, "ipc_namespace")
        v = g.grade(ex(), SYSV)
        assert v.status == "passed", v.to_dict()
        if not seccomp:
            assert "shm [" in v.stdout and "shm []" not in v.stdout, v.stdout  # it did create them inside
        assert _ipc_objects() <= before
        src = "import numpy as np\ndef tanh_grad(x):\n    try:\n        open('/dev/shm/studyapp-left', 'w').write('x')\n" \
              "        return x\n    except OSError:\n        pass\n" + PASS
        assert g.grade(ex(), src).status == "passed"
        assert set(os.listdir("/dev/shm")) <= shm_before
        if g.grade(ex(), GOOD).sandbox["layers"]["mount_namespace"]["status"] == "applied":
            g.isolation["landlock"] = False  # the run's own /dev/shm alone: written inside, gone after
            src = "import numpy as np, os\ndef tanh_grad(x):\n    open('/dev/shm/studyapp-left', 'w').write('x')\n" \
                  "    print(os.listdir('/dev/shm'))\n" + PASS
            v = g.grade(ex(), src)
            assert v.status == "passed" and v.stdout.splitlines()[0] == "['studyapp-left']", v.to_dict()
            assert v.sandbox["layers"]["mount_namespace"]["dev_shm"] == "private"
            assert not os.path.exists("/dev/shm/studyapp-left")
        assert_still_works(g)


def _secret_files(shared_dir: Path) -> dict[str, Path]:
    home_secret = shared_dir / "home" / ".ssh" / "id_rsa"
    home_secret.parent.mkdir(parents=True)
    home_secret.write_text("PRIVATE KEY")
    for p in (shared_dir / "home", home_secret.parent, home_secret):
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    data = paths.data_dir(shared_dir / "data")
    os.chmod(data, 0o755)
    (data / "progress.sqlite3").write_bytes(b"SQLite format 3\x00")
    os.chmod(data / "progress.sqlite3", 0o644)
    package = Path(studyapp.__file__).parent
    reference = next(p for p in sorted((package / "reference").rglob("*.py")) if p.stat().st_size > 200)
    content = next(iter(sorted(paths.bundled_content_dir().rglob("*.yaml"))))
    real_home = Path.home() / ".bashrc"
    found = {"home": home_secret, "data": data / "progress.sqlite3", "reference": reference, "content": content}
    if real_home.exists():
        found["real_home"] = real_home
    return found


def test_reads_outside_what_the_code_needs_are_denied(graders, shared_dir):
    need(graders, "landlock")
    secrets = _secret_files(shared_dir)
    for name, path in secrets.items():
        src = (f"import os, numpy as np\ndef tanh_grad(x):\n    leaked = []\n"
               f"    for p in ({str(path)!r}, os.path.dirname({str(path)!r})):\n"
               f"        try:\n            leaked.append(open(p, 'rb').read(40) if os.path.isfile(p) else os.listdir(p))\n"
               f"        except OSError:\n            pass\n"
               f"    if leaked:\n        print(leaked)\n        return x\n{PASS}")
        v = graders.grade(ex(), src)
        assert v.status == "passed", (name, v.to_dict())
    assert_still_works(graders)


def test_proc_lists_only_the_runs_processes(graders):
    need(graders, "pid_namespace")
    src = ("import os, numpy as np\ndef tanh_grad(x):\n    pids = sorted(int(n) for n in os.listdir('/proc') if n.isdigit())\n"
           "    print(pids)\n    if pids != [1, 2]:\n        return x\n" + PASS)
    v = graders.grade(ex(), src)
    assert v.status == "passed", v.to_dict()
    assert v.sandbox["layers"]["mount_namespace"].get("proc") == "applied", v.sandbox
    assert_still_works(graders)


def test_writing_500mb_stops_at_the_disk_cap(graders):
    src = ("import numpy as np\ndef tanh_grad(x):\n    block = b'x' * (1 << 20)\n    for i in range(500):\n"
           "        with open('f%d' % (i // 50), 'ab') as f:\n            f.write(block)\n" + PASS)
    v = graders.grade(ex(time_limit_s=5), src)
    assert v.status == "error" and v.error.kind == "disk_limit", v.to_dict()
    cap = v.sandbox["layers"]["disk_cap"]
    assert cap["bytes"] == 64 << 20 and cap["status"] in ("applied", "unavailable"), cap
    swallowed = src.replace("        with open", "        try:\n            open('f%d' % (i // 50), 'ab').write(block)\n"
                            "        except OSError:\n            pass\n        continue\n        with open")
    v = graders.grade(ex(time_limit_s=5), swallowed)
    assert v.status == "error" and v.error.kind == "disk_limit", v.to_dict()
    assert_still_works(graders)


def _memory_contains(pid: int, needle: bytes) -> bool:
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for line in maps:
            fields = line.split()
            if "r" not in fields[1] or (len(fields) > 5 and fields[5] in ("[vvar]", "[vsyscall]", "[vvar_vclock]")):
                continue
            lo, hi = (int(a, 16) for a in fields[0].split("-"))
            try:
                mem.seek(lo)
                if needle in mem.read(hi - lo):
                    return True
            except (OSError, OverflowError, ValueError):
                pass
    return False


def test_the_helper_does_not_keep_an_earlier_submission(graders):
    """Every run is forked from the zygote: if the zygote holds no earlier source, no run can."""
    marker = "EARLIER_SUBMISSION_" + os.urandom(6).hex()
    v = graders.grade(ex(), GOOD + f"# {marker}\n")
    assert v.status == "passed"
    del v
    assert not _memory_contains(graders.zygote_pid, marker.encode())


def test_sandbox_object_lists_every_layer(graders):
    v = graders.grade(ex(), GOOD)
    layers = v.sandbox["layers"]
    assert set(LAYERS) <= set(layers)
    assert all(layers[n]["status"] in ("applied", "unavailable") for n in LAYERS), layers
    assert v.sandbox["failed"] == []
    assert layers["rlimits"]["status"] == "applied", layers
    if layers["landlock"]["status"] == "applied":
        ll = layers["landlock"]
        assert ll["abi"] >= 1 and ll["write"][0] in ll["read"] and not any("site-packages" == p.rsplit("/", 1)[-1]
                                                                          for p in ll["read"]), ll
    as_root = ROOT and not graders.isolation["simulate_unprivileged"]
    assert layers["uid_drop"]["status"] == ("applied" if as_root else "unavailable"), layers
    if not as_root and layers["pid_namespace"]["status"] == "applied":
        assert layers["user_namespace"]["status"] == "applied", layers


@pytest.mark.parametrize("layer", LAYERS)
def test_forcing_a_layer_to_fail_is_reported(graders, monkeypatch, layer):
    before = graders.grade(ex(), GOOD).sandbox["layers"][layer]
    if before["status"] == "unavailable":
        pytest.skip(f"{layer} is unavailable here: {before.get('reason', 'the kernel lacks it')}")
    monkeypatch.setenv(FAIL_VAR, layer)
    v = graders.grade(ex(), GOOD)
    assert v.sandbox["layers"][layer]["status"] == "failed", v.sandbox
    assert v.sandbox["failed"] == [layer] or layer == "mount_namespace", v.sandbox
    if layer == "uid_drop":  # fails closed: learner code never runs as root
        assert v.status == "error" and v.error.kind == "crashed", v.to_dict()
    else:
        assert v.status == "passed", v.to_dict()
    monkeypatch.delenv(FAIL_VAR)
    assert_still_works(graders)


def test_data_dir_and_database_are_private(tmp_path, monkeypatch):
    from studyapp.progress.store import DB_NAME, Store

    old = os.umask(0o022)
    try:
        monkeypatch.setenv("STUDYAPP_DATA_DIR", str(tmp_path / "fresh" / "data"))
        store = Store.open()
        store.close()
    finally:
        os.umask(old)
    data = tmp_path / "fresh" / "data"
    assert stat.S_IMODE(os.stat(data).st_mode) == 0o700
    for name in os.listdir(data):
        if name.startswith(DB_NAME):
            assert stat.S_IMODE(os.stat(data / name).st_mode) == 0o600, name


def test_stored_output_is_capped(graders):
    from studyapp.grading.verdict import STORED_STDOUT_CHARS

    v = graders.grade(ex(), "import numpy as np\nprint('y' * 300_000)\n" + GOOD)
    assert v.status == "passed"
    assert STORED_STDOUT_CHARS <= len(v.stdout) < STORED_STDOUT_CHARS + 100 and "not kept" in v.stdout
    assert len(v.to_dict()["stdout"]) == len(v.stdout)


LAZY_IMPORTS = ("decimal", "fractions", "json", "csv", "hashlib", "zlib", "lzma", "bz2", "sqlite3", "ssl",
                "datetime", "textwrap", "pprint", "numpy.polynomial", "numpy.ma", "numpy.lib.stride_tricks")


def test_what_learner_code_needs_is_still_readable(graders):
    """The read rules keep the stdlib, its extension modules' libraries and NumPy: modules the
    helper did not preload import inside the run."""
    src = ("import importlib, numpy as np\ndef tanh_grad(x):\n    bad = []\n"
           f"    for name in {LAZY_IMPORTS!r}:\n        try:\n            importlib.import_module(name)\n"
           "        except Exception as e:\n            bad.append((name, repr(e)))\n"
           "    import sqlite3, decimal\n    sqlite3.connect(':memory:').execute('select 1')\n"
           "    if bad or decimal.Decimal('1.1') + 1 != decimal.Decimal('2.1'):\n        print(bad)\n        return x\n" + PASS)
    v = graders.grade(ex(time_limit_s=5), src)
    assert v.status == "passed", v.to_dict()


@pytest.mark.parametrize("fail", ["", "pid_namespace"])
def test_no_process_outside_the_run_is_killed(fail, monkeypatch):
    """Also on the fallback path without a PID namespace: only the run's own processes are signalled."""
    import subprocess

    victim = subprocess.Popen(["sleep", "30"], user=RUN_UID if ROOT else None)
    try:
        monkeypatch.setenv(FAIL_VAR, fail)
        with Grader() as g:
            v = g.grade(ex(), "import time\ndef tanh_grad(x):\n    time.sleep(3)\n")
            assert v.status == "error" and v.error.kind == "timeout", v.to_dict()
            assert v.sandbox["layers"]["pid_namespace"]["status"] in (("failed",) if fail else ("applied", "unavailable"))
            assert_still_works(g)
        assert victim.poll() is None
    finally:
        victim.kill()
        victim.wait()


def test_the_disk_cap_is_the_graders_setting():
    with Grader(disk_cap_mb=8) as g:
        write = "import numpy as np\ndef tanh_grad(x):\n    open('f', 'wb').write(b'x' * (%d << 20))\n" + PASS
        v = g.grade(ex(), write % 4)
        assert v.status == "passed", v.to_dict()
        assert v.sandbox["layers"]["disk_cap"]["bytes"] == 8 << 20
        v = g.grade(ex(), write % 12)
        assert v.status == "error" and v.error.kind == "disk_limit" and "8 MB" in v.error.message, v.to_dict()
        assert_still_works(g)
