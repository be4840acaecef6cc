"""The portable backend (Windows/macOS path) on this machine: limits, tree kill, selection, no fork."""
from __future__ import annotations

import ctypes
import os
import subprocess
import threading
import sys
import time
from pathlib import Path

import pytest

from studyapp.grading.cases import make_cases
from studyapp.grading import BackendUnavailable, Grader
from studyapp.grading.portable import limits, parent

from .conftest import make_exercise

ROOT = Path(__file__).resolve().parents[2]
GOOD = "import numpy as np\ndef tanh_grad(x):\n    return 1.0 - np.tanh(x) ** 2\n"
N_CASES = len(make_cases("tanh_grad"))  # the visible example and the hidden cases


def ex(**kw):
    kw.setdefault("time_limit_s", 1.0)
    kw.setdefault("memory_limit_mb", 384)
    return make_exercise("tanh_grad", **kw)


@pytest.fixture(scope="module")
def portable():
    mp = pytest.MonkeyPatch()
    mp.setenv("STUDYAPP_GRADER_BACKEND", "portable")
    g = Grader().start()
    mp.undo()
    yield g
    g.close()


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def test_verdict_names_backend_and_layers(portable):
    v = portable.grade(ex(), GOOD)
    assert v.status == "passed", v.to_dict()
    sandbox = v.to_dict()["sandbox"]
    assert sandbox["backend"] == "portable"
    layers = {name for name, info in sandbox["layers"].items() if info["status"] == "applied"}
    assert {"wall_time", "output_cap", "fresh_process", "process_group"} <= layers
    assert layers & {"rlimits", "memory_watch"}  # memory is limited one way or the other
    assert sandbox["layers"]["pid_namespace"]["status"] == "unavailable"  # hardened-only layers say so


@pytest.mark.parametrize("source", ["def tanh_grad(x):\n    while True:\n        pass\n",
                                    "import time\ndef tanh_grad(x):\n    time.sleep(30)\n"],
                         ids=["infinite_loop", "sleep"])
def test_stopped_on_time(portable, source):
    t0 = time.monotonic()
    v = portable.grade(ex(time_limit_s=1.0), source)
    elapsed = time.monotonic() - t0
    assert v.status == "error" and v.error.kind == "timeout", v.to_dict()
    assert 1.0 <= elapsed < 1.6, elapsed


def test_slow_correct_solution_passes(portable):
    """0.3 s per case is slow but within the exercise's limit: it must pass, not 'crash'."""
    slow = "import time, numpy as np\ndef tanh_grad(x):\n    time.sleep(0.3)\n    return 1.0 - np.tanh(x) ** 2\n"
    v = portable.grade(ex(time_limit_s=N_CASES * 0.3 + 1.5), slow)
    assert v.status == "passed", v.to_dict()
    assert v.elapsed_ms >= N_CASES * 300


@pytest.mark.parametrize("then", ["return 1.0 - np.tanh(x) ** 2", "while True:\n        pass"],
                         ids=["returns", "times_out"])
def test_whole_process_tree_is_killed(portable, then):
    src = ("import subprocess, numpy as np\n"
           "def tanh_grad(x):\n"
           "    p = subprocess.Popen(['sh', '-c', 'sleep 30 & echo $!; exec sleep 30'], stdout=subprocess.PIPE, text=True)\n"
           "    print('pids', p.pid, p.stdout.readline().strip(), flush=True)\n"
           f"    {then}\n")
    v = portable.grade(ex(), src)
    pids = [int(p) for line in v.stdout.splitlines() if line.startswith("pids") for p in line.split()[1:]]
    assert len(pids) >= 2, v.to_dict()  # child and grandchild, from the first case at least
    deadline = time.monotonic() + 2
    while not all(_gone(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert all(_gone(p) for p in pids), pids


def test_cancel_and_workdir_removed(portable):


    threading.Timer(0.3, portable.cancel).start()
    base = portable._zygote.base_dir
    t0 = time.monotonic()
    v = portable.grade(ex(time_limit_s=20), "def tanh_grad(x):\n    while True:\n        pass\n")
    assert v.error.kind == "cancelled" and time.monotonic() - t0 < 2, v.to_dict()
    assert base and not os.path.exists(base)


def test_each_submission_gets_a_fresh_process(portable):
    src = "import os, numpy as np\nprint(os.getpid())\ndef tanh_grad(x):\n    return 1.0 - np.tanh(x) ** 2\n"
    pids = {portable.grade(ex(), src).stdout.strip() for _ in range(3)}
    assert len(pids) == 3


def test_auto_falls_back_and_forced_linux_fails_cleanly(monkeypatch):
    from studyapp.grading import sandbox

    monkeypatch.setattr(sandbox, "ZYGOTE_PATH", Path("/nonexistent/zygote.py"))  # the hardened helper cannot start
    monkeypatch.setenv("STUDYAPP_GRADER_BACKEND", "auto")
    with Grader() as g:
        assert g.start().backend == "portable"
        assert g.grade(ex(), GOOD).passed
    monkeypatch.setenv("STUDYAPP_GRADER_BACKEND", "linux")
    with pytest.raises(BackendUnavailable) as info:
        Grader().start()
    assert info.value.reason == "forced_linux"
    monkeypatch.setenv("STUDYAPP_GRADER_BACKEND", "auto")
    monkeypatch.setattr(parent, "WORKER_PATH", Path("/nonexistent/worker.py"))
    g = Grader()
    with pytest.raises(BackendUnavailable) as info:
        g.grade(ex(), GOOD)  # grading without start() tries again and says why
    assert info.value.reason == "no_backend" and "portable" in info.value.detail


def test_cli_exits_2_with_one_line_when_no_backend(tmp_path):
    sol = tmp_path / "s.py"
    sol.write_text("def gru_cell_forward(*a):\n    return None\n")
    code = ("import sys\nfrom pathlib import Path\nimport studyapp.grading.portable.parent as p\n"
            "p.WORKER_PATH = Path('/nonexistent/worker.py')  # the worker cannot start\n"
            f"from studyapp.cli import main\nsys.exit(main(['grade', 'gru_cell_forward', {str(sol)!r}]))\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, STUDYAPP_GRADER_BACKEND="portable"))
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("studyapp grade: code grading is unavailable"), r.stderr


def test_no_fork_no_resource_subprocess(tmp_path):
    """Parent and workers without os.fork and resource (as on Windows): grading and limits still work."""
    script = tmp_path / "probe.py"
    script.write_text(
        "import os, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"  # python -I (the shim's workers) ignores PYTHONPATH
        "assert not hasattr(os, 'fork')\n"
        "try:\n    import resource\n    raise SystemExit('resource importable')\nexcept ImportError:\n    pass\n"
        "from studyapp.grading import Grader\n"
        "from tests.grading.test_portable import ex, GOOD\n"
        "probe = ('import os\\nprint(hasattr(os, \"fork\"))\\ntry:\\n    import resource\\n    print(\"resource\")\\n'\n"
        "         'except ImportError:\\n    print(\"no resource\")\\n' + GOOD)\n"
        "bomb = 'def tanh_grad(x):\\n    l = []\\n    while True:\\n        l.append(bytearray(10**7))\\n'\n"
        "with Grader() as g:\n"
        "    v = g.grade(ex(), probe)\n"
        "    print(v.status, v.to_dict()['sandbox']['backend'], v.stdout.split())\n"
        "    print(g.grade(ex(), bomb).error.kind, g.grade(ex(), 'def tanh_grad(x):\\n    while 1: pass\\n').error.kind)\n")
    # the probe runs from its temp dir (the checkout may be read-only, as for the learner user in CI)
    r = subprocess.run([sys.executable, str(ROOT / "tests/grading/portable_shim.py"), "-m", script.stem],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    first, second = r.stdout.strip().splitlines()[-2:]
    assert first == "passed portable ['False', 'no', 'resource']", r.stdout
    assert second == "memory_limit timeout", r.stdout


def test_job_object_layout_and_limits():
    """Windows is not available here: check the ctypes structures against the documented x64 layout."""
    if ctypes.sizeof(ctypes.c_void_p) != 8:
        pytest.skip("layout figures are for 64-bit")
    assert ctypes.sizeof(limits.JobBasicLimits) == 64
    assert ctypes.sizeof(limits.JobExtendedLimits) == 144
    info = limits.job_limits(384, 2.5)
    flags = info.BasicLimitInformation.LimitFlags
    for flag in (limits.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, limits.JOB_OBJECT_LIMIT_ACTIVE_PROCESS,
                 limits.JOB_OBJECT_LIMIT_PROCESS_MEMORY, limits.JOB_OBJECT_LIMIT_PROCESS_TIME):
        assert flags & flag
    assert info.BasicLimitInformation.ActiveProcessLimit == 1
    assert info.ProcessMemoryLimit == 384 << 20
    assert info.BasicLimitInformation.PerProcessUserTimeLimit == 25_000_000


def test_macos_profile_denies_network_and_outside_writes(tmp_path):
    profile = limits.sandbox_profile(str(tmp_path))
    assert "(deny network*)" in profile and "(deny file-write*)" in profile
    assert f'(allow file-write* (subpath "{os.path.realpath(tmp_path)}")' in profile
    if sys.platform != "darwin":
        assert limits.sandbox_prefix(str(tmp_path)) == []


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_portable_runner_imports_off_linux(platform):
    """The portable worker loads the shared runner and framing from grading/linux/: importing them must not
    touch the Linux sandbox modules (prctl is absent from macOS's libc) nor need resource, os.uname or a
    POSIX libc (Windows). Emulated."""
    code = f"""
import ctypes, errno, importlib.util, io, json, linecache, math, os, select, shutil, signal, struct, sys
import tempfile, time, traceback, numpy
real_cdll = ctypes.CDLL
class MacLibc:
    def __getattr__(self, name):
        if name in ('prctl', 'unshare', 'umount2'):
            raise AttributeError(name)
        return getattr(real_cdll(None), name)
def fake_cdll(name, *args, **kw):
    if name is None:
        if os.name == 'nt':
            raise TypeError('no default library on Windows')
        return MacLibc()
    return real_cdll(name, *args, **kw)
ctypes.CDLL = fake_cdll
sys.platform = {platform!r}
if sys.platform == 'win32':
    del os.uname
    sys.modules['resource'] = None
    os.name = 'nt'
sys.path.insert(0, {str(ROOT / 'studyapp/grading')!r})
from linux import framing, runner
assert 'linux.syscalls' not in sys.modules and 'resource' not in [m for m in sys.modules if sys.modules[m]]
print(callable(runner._run_child), callable(framing.read_frame))
"""
    r = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["True", "True"]
