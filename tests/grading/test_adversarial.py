"""Hostile submissions: each gets the expected status/kind and the grader keeps working."""
from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
import uuid

import pytest

from studyapp.grading import Grader

from .conftest import make_exercise

GOOD = "import numpy as np\ndef tanh_grad(x):\n    return 1.0 - np.tanh(x) ** 2\n"


def ex(**kw):
    kw.setdefault("time_limit_s", 1.0)
    kw.setdefault("memory_limit_mb", 384)
    return make_exercise("tanh_grad", **kw)


def nobody_processes() -> list[int]:
    """Live (non-zombie) processes of the sandbox uid that were orphaned (PPid 1):
    what an escaped child of a run would look like. Running sandboxes of other
    graders (other test sessions on the machine) have a live parent and are ignored."""
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.stat(f"/proc/{name}").st_uid != 65534:
                    continue
                with open(f"/proc/{name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                state, ppid = fields[0], int(fields[1])
                if state not in ("Z", "X") and ppid in (0, 1):  # zombies hold no resources
                    pids.append(int(name))
            except (OSError, ValueError, IndexError):
                pass
    return pids


def assert_still_works(grader: Grader) -> None:
    v = grader.grade(ex(), GOOD)
    assert v.status == "passed", v.to_dict()


ADVERSARIAL = {
    "infinite_loop": ("def tanh_grad(x):\n    while True:\n        pass\n", "error", "timeout"),
    "busy_numpy_call": ("import numpy as np\ndef tanh_grad(x):\n    a = np.ones((3000, 3000))\n"
                        "    while True:\n        a @ a\n", "error", "timeout"),
    "memory_bomb_numpy": ("import numpy as np\ndef tanh_grad(x):\n    return np.ones((1 << 40,))\n",
                          "error", "memory_limit"),
    "memory_bomb_list": ("def tanh_grad(x):\n    l = []\n    while True:\n        l.append(bytearray(10**7))\n",
                         "error", "memory_limit"),
    "prints_10mb": ("def tanh_grad(x):\n    for _ in range(10 * 1024):\n        print('x' * 1023)\n",
                    "error", "output_limit"),
    "os_exit": ("import os\ndef tanh_grad(x):\n    os._exit(0)\n", "error", "crashed"),
    "sys_exit": ("import sys\ndef tanh_grad(x):\n    sys.exit()\n", "error", "exception"),
    "segfault": ("import ctypes\ndef tanh_grad(x):\n    return ctypes.string_at(0)\n", "error", "crashed"),
    "keyboard_interrupt": ("def tanh_grad(x):\n    raise KeyboardInterrupt\n", "error", "exception"),
    "base_exception": ("def tanh_grad(x):\n    raise BaseException('boom')\n", "error", "exception"),
    "deep_recursion": ("def f(n):\n    return f(n + 1) + 1\ndef tanh_grad(x):\n    return f(0)\n",
                       "error", "exception"),
    "lying_subclass": ("import numpy as np\nclass Liar(np.ndarray):\n    def __eq__(self, o): return True\n"
                       "    def __array__(self, *a, **k): return np.tanh(np.asarray(self.view(np.ndarray)))\n"
                       "    def __float__(self): return 0.0\n"
                       "def tanh_grad(x):\n    return np.zeros_like(x).view(Liar)\n", "failed", None),
    "nan_output": ("import numpy as np\ndef tanh_grad(x):\n    return np.full_like(x, np.nan)\n", "failed", None),
    "inf_output": ("import numpy as np\ndef tanh_grad(x):\n    return np.full_like(x, np.inf)\n", "failed", None),
    "wrong_shape": ("import numpy as np\ndef tanh_grad(x):\n    return (1 - np.tanh(x) ** 2).ravel()\n", "failed", None),
    "wrong_dtype": ("import numpy as np\ndef tanh_grad(x):\n    return np.ones(x.shape, dtype=np.int64)\n",
                    "failed", None),
    "object_dtype": ("import numpy as np\ndef tanh_grad(x):\n    return (1 - np.tanh(x) ** 2).astype(object)\n",
                     "failed", None),
    "list_output": ("import numpy as np\ndef tanh_grad(x):\n    return (1 - np.tanh(x) ** 2).tolist()\n",
                    "failed", None),
    "none_output": ("def tanh_grad(x):\n    pass\n", "failed", None),
    "tuple_output": ("import numpy as np\ndef tanh_grad(x):\n    return (1 - np.tanh(x) ** 2,)\n", "failed", None),
    "missing_function": ("import numpy as np\n", "error", "missing_function"),
    "syntax_error": ("def tanh_grad(x)\n    return x\n", "error", "syntax_error"),
    "module_exception": ("raise RuntimeError('at import')\n", "error", "exception"),
    "patch_allclose": ("import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
                       "np.testing.assert_allclose = lambda *a, **k: None\n"
                       "def tanh_grad(x):\n    return x * 0\n", "failed", None),
    "forge_result_every_fd": (
        "import os, json, struct\n"
        "def tanh_grad(x):\n"
        "    h = json.dumps({'ok': True, 'cases': []}).encode()\n"
        "    forged = b'RSLT' + struct.pack('<IQ', len(h), 0) + h\n"
        "    for fd in range(0, 1024):\n"
        "        try:\n            os.write(fd, forged)\n        except OSError:\n            pass\n"
        "    import numpy as np\n    return 1 - np.tanh(x) ** 2\n", "error", "crashed"),
    "kill_parent": ("import os\ndef tanh_grad(x):\n    os.kill(os.getppid(), 9)\n    import time; time.sleep(5)\n",
                    "error", None),
    "kill_self": ("import os, time\ndef tanh_grad(x):\n    os.kill(os.getpid(), 9)\n    time.sleep(5)\n", "error", "crashed"),
    "abort": ("import os\ndef tanh_grad(x):\n    os.abort()\n", "error", "crashed"),
    "kill_all_minus1": ("import os, time\ndef tanh_grad(x):\n    try:\n        os.kill(-1, 9)\n    except OSError:\n"
                        "        pass\n    time.sleep(5)\n", "error", None),
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial(grader, name):
    source, status, kind = ADVERSARIAL[name]
    t0 = time.monotonic()
    # a memory bomb must meet its memory limit, not the wall clock: on a loaded machine 1 s is too
    # little to fault in 384 MB, so those runs get time to reach the limit they are about
    v = grader.grade(ex(time_limit_s=5.0) if kind == "memory_limit" else ex(), source)
    d = v.to_dict()
    assert d["status"] == status, d
    if kind:
        assert d["error"]["kind"] == kind, d
    if status == "error":
        assert d["error"]["message"]
    assert time.monotonic() - t0 < 8
    assert_still_works(grader)
    left = nobody_processes()
    assert not left, [(p, open(f"/proc/{p}/stat").read()[:120], open(f"/proc/{p}/status").read()[:400]) for p in left]


def test_error_details(grader):
    v = grader.grade(ex(), ADVERSARIAL["syntax_error"][0])
    assert v.error.line == 1
    v = grader.grade(ex(), ADVERSARIAL["module_exception"][0])
    assert v.error.line == 1 and "RuntimeError: at import" in v.error.message
    v = grader.grade(ex(), ADVERSARIAL["prints_10mb"][0])
    assert 0 < len(v.stdout) <= (1 << 20)
    v = grader.grade(ex(), ADVERSARIAL["wrong_dtype"][0])
    assert "dtype int64" in v.cases[0].message
    v = grader.grade(ex(), ADVERSARIAL["nan_output"][0])
    assert "contains NaN at [0, 0]" in v.cases[0].message
    v = grader.grade(ex(), ADVERSARIAL["list_output"][0])
    assert "is a list" in v.cases[0].message
    v = grader.grade(ex(), ADVERSARIAL["deep_recursion"][0])
    assert "RecursionError" in v.error.message and v.error.line == 2


def test_killing_the_zygote_mid_run_recovers(grader):
    pid = grader.zygote_pid
    base = grader._zygote.base_dir
    assert base and os.path.isdir(base)
    threading.Timer(0.3, lambda: os.kill(pid, 9)).start()
    v = grader.grade(ex(time_limit_s=3), "import time\ndef tanh_grad(x):\n    time.sleep(2)\n")
    if grader.backend == "portable":
        # the portable worker is the submission's own process: its death is the run crashing
        assert v.status == "error" and v.error.kind == "crashed", v.to_dict()
    else:  # the zygote is the grader's helper: its death is not the learner's fault
        assert v.status == "error" and v.error.kind == "internal" and v.grader_fault, v.to_dict()
    assert grader.zygote_pid != pid
    assert not os.path.exists(base)  # the killed zygote's work dirs are removed by the app
    assert_still_works(grader)
    assert not nobody_processes()


def test_cancel_from_another_thread(grader):
    threading.Timer(0.3, grader.cancel).start()
    t0 = time.monotonic()
    v = grader.grade(ex(time_limit_s=20), "def tanh_grad(x):\n    while True:\n        pass\n")
    assert time.monotonic() - t0 < 2
    assert v.status == "error" and v.error.kind == "cancelled", v.to_dict()
    assert_still_works(grader)


def test_workdir_files_are_removed(grader):
    src = ("import os, numpy as np\ndef tanh_grad(x):\n    open('junk.txt', 'w').write('x')\n"
           "    os.makedirs('d', exist_ok=True)\n    print(os.getcwd())\n    return 1 - np.tanh(x) ** 2\n")
    v = grader.grade(ex(), src)
    assert v.status == "passed", v.to_dict()
    cwd = v.stdout.splitlines()[0]
    assert cwd.startswith("/") and not os.path.exists(cwd)


def test_studyapp_not_importable_and_env_scrubbed(grader):
    src = ("import os, sys, numpy as np\n"
           "def tanh_grad(x):\n"
           "    try:\n        import studyapp\n        return x\n    except ImportError:\n        pass\n"
           "    if 'studyapp' in sys.modules or os.getuid() == 0 or 'SECRET_TOKEN' in os.environ:\n        return x\n"
           "    return 1 - np.tanh(x) ** 2\n")
    os.environ["SECRET_TOKEN"] = "x"
    try:
        v = grader.grade(ex(), src)
    finally:
        del os.environ["SECRET_TOKEN"]
    assert v.status == "passed", v.to_dict()


def test_spawned_processes_do_not_survive(tmp_path):
    """Without seccomp (so fork works) the PID namespace / uid sweep still kills everything."""
    marker_dir = tmp_path / "m"
    marker_dir.mkdir()
    os.chmod(tmp_path, 0o777)
    os.chmod(marker_dir, 0o777)
    marker = marker_dir / "alive"
    src = f"""
import os, time, subprocess, numpy as np
def tanh_grad(x):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            for _ in range(40):
                time.sleep(0.1)
                try:
                    open({str(marker)!r}, 'w').write(str(os.getpid()))
                except OSError:
                    pass
            os._exit(0)
        os._exit(0)
    subprocess.Popen(['sleep', '30'], start_new_session=True)
    return 1 - np.tanh(x) ** 2
"""
    with Grader(seccomp=False, landlock=False) as g:
        v = g.grade(ex(), src)
        assert v.status == "passed", v.to_dict()
        time.sleep(0.5)
        assert not marker.exists()
        assert not nobody_processes()


def _features(grader):
    return grader.features


def test_no_network(grader):
    f = _features(grader)
    if not (f.get("net_namespace") or f.get("seccomp")):
        pytest.skip("no network namespace or seccomp on this kernel")
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(0.2)
    port = srv.getsockname()[1]
    src = f"""
import socket, numpy as np
def tanh_grad(x):
    try:
        s = socket.create_connection(('127.0.0.1', {port}), timeout=0.5)
        return x
    except OSError:
        pass
    try:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.sendto(b'hi', ('127.0.0.1', {port}))
        return x
    except OSError:
        pass
    return 1 - np.tanh(x) ** 2
"""
    try:
        v = grader.grade(ex(), src)
        assert v.status == "passed", v.to_dict()
        with pytest.raises(OSError):
            srv.accept()
    finally:
        srv.close()


def test_no_writes_outside_workdir(grader):
    if not grader.features.get("landlock_abi"):
        pytest.skip("Landlock is not available on this kernel")
    target = f"/tmp/studyapp-escape-{uuid.uuid4().hex}"
    src = f"""
import numpy as np
def tanh_grad(x):
    for path in ({target!r}, '/dev/shm/escape-{uuid.uuid4().hex}'):
        try:
            open(path, 'w').write('escaped')
            return x
        except OSError:
            pass
    return 1 - np.tanh(x) ** 2
"""
    v = grader.grade(ex(), src)
    assert v.status == "passed", v.to_dict()
    assert not os.path.exists(target)


def test_no_signals_to_other_processes(grader):
    f = grader.features
    if not (f.get("pid_namespace") or f.get("landlock_abi", 0) >= 6):
        pytest.skip("neither PID namespaces nor Landlock signal scoping (ABI 6) available")
    victim = subprocess.Popen(["sleep", "30"], user=65534 if os.geteuid() == 0 else None)
    try:
        src = f"""
import os, signal, numpy as np
def tanh_grad(x):
    try:
        os.kill({victim.pid}, signal.SIGKILL)
        return x
    except OSError:
        return 1 - np.tanh(x) ** 2
"""
        v = grader.grade(ex(), src)
        assert v.status == "passed", v.to_dict()
        assert victim.poll() is None
    finally:
        victim.kill()
        victim.wait()


def test_forking_is_blocked_by_seccomp(grader):
    if not grader.features.get("seccomp"):
        pytest.skip("seccomp not available")
    src = ("import os, numpy as np\ndef tanh_grad(x):\n    try:\n        pid = os.fork()\n    except OSError:\n"
           "        return 1 - np.tanh(x) ** 2\n    if pid == 0:\n        os._exit(0)\n    return x\n")
    v = grader.grade(ex(), src)
    assert v.status == "passed", v.to_dict()


@pytest.fixture(scope="module")
def unpriv_grader():
    if os.geteuid() != 0:
        g = Grader()
    else:
        g = Grader(simulate_unprivileged=True)
    g.start()
    if not g.features.get("user_namespace"):
        g.close()
        pytest.skip("unprivileged user namespaces are not available")
    yield g
    g.close()


UNPRIV = ["infinite_loop", "memory_bomb_numpy", "os_exit", "segfault", "kill_self", "forge_result_every_fd",
          "kill_all_minus1", "patch_allclose"]


@pytest.mark.parametrize("name", UNPRIV)
def test_unprivileged_path(unpriv_grader, name):
    """What a non-root (desktop) app gets: user+PID+net namespaces, Landlock, seccomp."""
    source, status, kind = ADVERSARIAL[name]
    v = unpriv_grader.grade(ex(), source)
    d = v.to_dict()
    assert d["status"] == status, d
    if kind:
        assert d["error"]["kind"] == kind, d
    layers = d["sandbox"]["layers"]
    assert all(layers[n]["status"] == "applied" for n in ("user_namespace", "pid_namespace", "ipc_namespace")), d
    assert_still_works(unpriv_grader)


def test_unprivileged_spawn_and_network(tmp_path):
    with Grader(simulate_unprivileged=os.geteuid() == 0, seccomp=False, landlock=False) as g:
        g.start()
        if not g.features.get("user_namespace"):
            pytest.skip("unprivileged user namespaces are not available")
        src = """
import os, time, socket, subprocess, numpy as np
def tanh_grad(x):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            time.sleep(30)
        os._exit(0)
    subprocess.Popen(['sleep', '30'], start_new_session=True)
    try:
        socket.create_connection(('127.0.0.1', 22), timeout=0.3)
        return x
    except OSError as e:
        print(e)
    return 1 - np.tanh(x) ** 2
"""
        before = set(nobody_processes())
        v = g.grade(ex(), src)
        assert v.status == "passed", v.to_dict()
        time.sleep(0.3)
        assert set(nobody_processes()) <= before


def test_concurrent_grades_are_serialized_and_cancel_is_safe(grader):
    grader.cancel()  # nothing running: a no-op
    results = []

    def work():
        results.append(grader.grade(ex(), GOOD).status)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["passed"] * 4


def test_timeout_keeps_partial_output(grader):
    v = grader.grade(ex(), "print('started', flush=True)\ndef tanh_grad(x):\n    while True:\n        pass\n")
    assert v.error.kind == "timeout" and v.stdout.startswith("started")


def test_closed_grader_refuses():
    g = Grader()
    g.close()
    with pytest.raises(RuntimeError):
        g.grade(ex(), GOOD)
