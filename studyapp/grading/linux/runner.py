"""The child-side runner both grading backends share: compile and call the learner's function on the
decoded inputs and describe the outputs as raw bytes plus JSON (never pickle).

Platform-neutral on purpose: stdlib and NumPy only, no ctypes, no ``resource``, no Linux calls, so the
portable worker (Windows, macOS) imports it as it is; the hardened Linux child (``child.py``) calls the same
functions after its sandbox layers are in place. Like the zygote, it must not import ``studyapp``.
"""
import importlib
import linecache
import math
import sys
import traceback

import numpy as np

LEARNER_FILE = "solution.py"
ALLOWED_INPUT_DTYPES = ("<f8",)


class _BlockStudyapp:
    """Meta-path finder refusing the app's own package inside the sandbox."""

    def find_spec(self, name, path=None, target=None):
        if name == "studyapp" or name.startswith("studyapp."):
            raise ModuleNotFoundError("No module named %r" % name, name=name)
        return None


def _learner_traceback(exc):
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == LEARNER_FILE]
    line = frames[-1].lineno if frames else None
    text = "Traceback (most recent call last):\n"
    text += "".join(traceback.format_list(frames))
    text += "".join(traceback.format_exception_only(type(exc), exc))
    return line, text


def _encode_output(value, arrays):
    """Describe one returned value; arrays are appended as raw bytes."""
    if isinstance(value, np.ndarray):
        base = np.ndarray.view(value, np.ndarray)
        sub = type(value) is not np.ndarray
        if base.dtype.kind in "fiub" and base.dtype.itemsize <= 16 or base.dtype.kind == "c":
            arr = np.ascontiguousarray(base).reshape(base.shape)  # keeps a 0-d shape ()
            data = arr.tobytes()
            arr_dtype = arr.dtype.newbyteorder("<") if arr.dtype.byteorder == ">" else arr.dtype
            if arr.dtype.byteorder == ">":
                data = arr.astype(arr_dtype).tobytes()
            arrays.append(data)
            return {"kind": "array", "dtype": arr_dtype.str, "shape": list(arr.shape),
                    "nbytes": len(data), "subclass": type(value).__name__ if sub else None}
        return {"kind": "other", "type": "ndarray", "dtype": str(base.dtype), "shape": list(base.shape)}
    if isinstance(value, (bool, int, float, np.generic)) and not isinstance(value, np.ndarray):
        try:
            v = float(value)
        except Exception:
            v = None
        return {"kind": "scalar", "type": type(value).__name__, "value": v if v is None or math.isfinite(v) else str(v)}
    if value is None:
        return {"kind": "none", "type": "NoneType"}
    t = type(value).__name__
    shape = None
    if isinstance(value, (list, tuple)):
        try:
            shape = list(np.ndarray.view(np.asarray(value, dtype=np.float64), np.ndarray).shape)
        except Exception:
            shape = None
    return {"kind": "other", "type": t[:80], "shape": shape}


def _run_child(req, cases, result_fd):
    """Runs in W2 after sandboxing; writes the result frame to result_fd."""
    out = {"ok": False}
    arrays = []
    try:
        source = req["source"]
        fname = req["function"]
        linecache.cache[LEARNER_FILE] = (len(source), None, source.splitlines(True), LEARNER_FILE)
        try:
            code = compile(source, LEARNER_FILE, "exec", dont_inherit=True)
        except SyntaxError as exc:
            out["error"] = {"kind": "syntax_error", "message": "%s: %s" % (type(exc).__name__, exc.msg),
                            "line": exc.lineno,
                            "traceback": "".join(traceback.format_exception_only(type(exc), exc))}
            return out, arrays
        except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, absurd nesting
            out["error"] = {"kind": "syntax_error", "message": "%s: %s" % (type(exc).__name__, exc),
                            "line": None, "traceback": ""}
            return out, arrays
        glb = {"__name__": "solution", "__file__": LEARNER_FILE, "__builtins__": __builtins__}
        stage = "module"
        try:
            exec(code, glb)
            stage = "lookup"
            fn = glb.get(fname)
            if not callable(fn):
                out["error"] = {"kind": "missing_function",
                                "message": "no function named %r is defined" % fname, "line": None}
                return out, arrays
            stage = "call"
            results = []
            for i, args in enumerate(cases):
                stage = "case %d" % i
                before = [a.tobytes() if isinstance(a, np.ndarray) else None for a in args]
                value = fn(*args)
                if isinstance(value, tuple):  # namedtuples too; read without the subclass's methods
                    items = [tuple.__getitem__(value, k) for k in range(tuple.__len__(value))]
                    outs = {"tuple": True, "items": [_encode_output(v, arrays) for v in items]}
                else:
                    outs = {"tuple": False, "items": [_encode_output(value, arrays)]}
                # which inputs the learner's code changed, reported as data for the parent to judge
                outs["changed"] = [k for k, b in enumerate(before) if b is not None and args[k].tobytes() != b]
                results.append(outs)
            out["ok"] = True
            out["cases"] = results
        except MemoryError as exc:
            line, tb = _learner_traceback(exc)
            out["error"] = {"kind": "memory_limit", "message": "MemoryError: out of memory", "line": line,
                            "traceback": tb, "stage": stage}
        except RecursionError as exc:
            line, tb = _learner_traceback(exc)
            out["error"] = {"kind": "exception", "message": "RecursionError: %s" % exc, "line": line,
                            "traceback": tb[-20000:], "stage": stage}
        except BaseException as exc:  # SystemExit, KeyboardInterrupt included
            line, tb = _learner_traceback(exc)
            try:
                msg = "%s: %s" % (type(exc).__name__, exc)
            except BaseException:
                msg = type(exc).__name__
            out["error"] = {"kind": "exception", "message": msg[:2000], "line": line,
                            "traceback": tb[-20000:], "stage": stage}
    except MemoryError:
        out = {"ok": False, "error": {"kind": "memory_limit", "message": "MemoryError", "line": None}}
        arrays = []
    return out, arrays



def _decode_cases(req, payload):
    cases = []
    off = 0
    for spec in req["cases"]:
        args = []
        for a in spec:
            if a["kind"] == "array":
                if a["dtype"] not in ALLOWED_INPUT_DTYPES:
                    raise ValueError("bad dtype")
                n = int(a["nbytes"])
                arr = np.frombuffer(payload, dtype=a["dtype"], count=n // 8, offset=off).reshape(a["shape"]).copy()
                off += n
                args.append(arr)
            else:
                args.append(a["value"])
        cases.append(args)
    return cases


PRELOAD = ("__future__", "math", "cmath", "functools", "itertools", "collections", "typing", "dataclasses",
           "random", "operator", "copy", "numbers", "warnings", "re", "statistics", "string", "heapq", "bisect",
           "numpy.linalg", "numpy.random", "numpy.fft", "numpy.typing")


def _warm_up():
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:
            pass
    rng = np.random.default_rng(0)
    a = rng.standard_normal((8, 8))
    for _ in range(3):
        b = np.tanh(a @ a.T) + np.exp(-np.abs(a))
        np.einsum("ij,jk->ik", a, b)
        np.split(b, 2, axis=1)
        np.hstack((a, b)).sum(axis=0)
        np.allclose(a, b)
    compile("def f(x):\n    return x\n", LEARNER_FILE, "exec")


RUNNER_FAILED = 72
"""Exit status of a learner process whose runner itself failed (not the learner's exception)."""


def run_guarded(req, cases, result_fd):
    """``_run_child``, then flush the learner's streams: (out, arrays, exit status) even when the runner fails."""
    status = 0
    try:
        out, arrays = _run_child(req, cases, result_fd)
    except BaseException:
        out, arrays = {"ok": False, "error": {"kind": "crashed", "message": "the runner failed", "line": None}}, []
        status = RUNNER_FAILED
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        pass
    return out, arrays, status
