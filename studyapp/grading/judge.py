"""Parent-side (trusted) parsing of the child's raw result and comparison with the reference.

The child's bytes are untrusted: everything is checked (magic, lengths, JSON
types, dtype whitelist, shape * itemsize == nbytes) and any inconsistency is a
``MalformedResult``, never a crash. Values are compared only after an exact
shape check (np.allclose would broadcast).
"""
from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np

MAGIC = b"RSLT"
ALLOWED_DTYPES = {
    "<f2": np.float16, "<f4": np.float32, "<f8": np.float64, "<f16": np.longdouble,
    "|i1": np.int8, "<i2": np.int16, "<i4": np.int32, "<i8": np.int64,
    "|u1": np.uint8, "<u2": np.uint16, "<u4": np.uint32, "<u8": np.uint64, "|b1": np.bool_,
    "<c8": np.complex64, "<c16": np.complex128,
}
MAX_NDIM = 8


class MalformedResult(ValueError):
    """The child's result bytes are not a well-formed result (forged or truncated)."""


@dataclass
class Output:
    """One returned value: an array (``array`` set) or a description of something else."""

    kind: str  # "array" | "scalar" | "none" | "other"
    type_name: str = "ndarray"
    array: np.ndarray | None = None
    dtype: str = ""
    shape: tuple[int, ...] | None = None
    subclass: str | None = None


@dataclass
class CaseOutputs:
    is_tuple: bool
    items: list[Output]


@dataclass
class ChildResult:
    ok: bool
    cases: list[CaseOutputs]
    error: dict[str, Any] | None


def _int(v: Any, lo: int = 0, hi: int = 1 << 40) -> int:
    if type(v) is not int or not lo <= v <= hi:
        raise MalformedResult(f"bad integer {v!r}")
    return v


def _str(v: Any, limit: int = 100_000) -> str:
    if not isinstance(v, str):
        raise MalformedResult("expected a string")
    return v[:limit]


def parse_result(raw: bytes, n_cases: int) -> ChildResult:
    if len(raw) < 16 or raw[:4] != MAGIC:
        raise MalformedResult("missing result header")
    hlen, blen = struct.unpack("<IQ", raw[4:16])
    if 16 + hlen + blen != len(raw):
        raise MalformedResult("result length mismatch")
    try:
        header = json.loads(raw[16:16 + hlen].decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise MalformedResult("result header is not JSON") from None
    if not isinstance(header, dict):
        raise MalformedResult("result header is not an object")
    blob = memoryview(raw)[16 + hlen:]
    ok = header.get("ok")
    if ok is not True:
        err = header.get("error")
        if not isinstance(err, dict):
            raise MalformedResult("no outputs and no error")
        line = err.get("line")
        error = {
            "kind": _str(err.get("kind"), 40),
            "message": _str(err.get("message", ""), 5000),
            "line": line if type(line) is int else None,
            "traceback": _str(err.get("traceback", ""), 50_000),
            "stage": _str(err.get("stage", ""), 100) if isinstance(err.get("stage"), str) else "",
        }
        if error["kind"] not in ("syntax_error", "exception", "memory_limit", "missing_function", "crashed", "disk_limit"):
            raise MalformedResult("unknown error kind")
        return ChildResult(False, [], error)
    cases_raw = header.get("cases")
    if not isinstance(cases_raw, list) or len(cases_raw) != n_cases:
        raise MalformedResult("wrong number of case results")
    offset = 0
    cases: list[CaseOutputs] = []
    for c in cases_raw:
        if not isinstance(c, dict) or not isinstance(c.get("items"), list) or len(c["items"]) > 64:
            raise MalformedResult("bad case result")
        items = []
        for it in c["items"]:
            if not isinstance(it, dict):
                raise MalformedResult("bad output")
            kind = it.get("kind")
            if kind == "array":
                dtype = it.get("dtype")
                if dtype not in ALLOWED_DTYPES:
                    raise MalformedResult(f"unsupported dtype {dtype!r}")
                shape_raw = it.get("shape")
                if not isinstance(shape_raw, list) or len(shape_raw) > MAX_NDIM:
                    raise MalformedResult("bad shape")
                shape = tuple(_int(s, 0, 1 << 31) for s in shape_raw)
                dt = np.dtype(ALLOWED_DTYPES[dtype])
                nbytes = _int(it.get("nbytes"))
                if math.prod(shape) * dt.itemsize != nbytes or offset + nbytes > len(blob):
                    raise MalformedResult("byte count does not match the shape")
                arr = np.frombuffer(blob[offset:offset + nbytes], dtype=dt).reshape(shape).copy()
                offset += nbytes
                sub = it.get("subclass")
                items.append(Output("array", "ndarray", arr, dt.name, shape, sub if isinstance(sub, str) else None))
            elif kind in ("scalar", "none", "other"):
                t = it.get("type", "?")
                shape_raw = it.get("shape")
                shape = None
                if isinstance(shape_raw, list) and len(shape_raw) <= MAX_NDIM and all(type(s) is int for s in shape_raw):
                    shape = tuple(shape_raw)
                items.append(Output(kind, _str(t, 80) if isinstance(t, str) else "?", None,
                                    _str(it.get("dtype", ""), 40) if isinstance(it.get("dtype"), str) else "", shape))
            else:
                raise MalformedResult("unknown output kind")
        cases.append(CaseOutputs(bool(c.get("tuple")), items))
    if offset != len(blob):
        raise MalformedResult("trailing result bytes")
    return ChildResult(True, cases, None)


# ---------------------------------------------------------------- comparison

def as_outputs(value: Any) -> list[np.ndarray]:
    """A reference/mutant return value as a list of float64 arrays."""
    items = list(value) if isinstance(value, tuple) else [value]
    return [np.asarray(v, dtype=np.float64) for v in items]


def _idx(index: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


# Learner-facing messages, in every UI language (English is the reference wording).
MESSAGES: dict[str, dict[str, str]] = {
    "tuple_expected": {"en": "returned {what}, expected a tuple of {k} arrays ({names})",
                       "ja": "{what}が返されました。{k} 個の配列のタプル（{names}）を返してください"},
    "tuple_length": {"en": "returned a tuple of {n} values, expected {k} ({names})",
                     "ja": "{n} 個の値のタプルが返されました。{k} 個（{names}）が必要です"},
    "one_expected": {"en": "returned a tuple of {n} values, expected one array ({name})",
                     "ja": "{n} 個の値のタプルが返されました。配列 1 つ（{name}）を返してください"},
    "not_array": {"en": "{name} is {what}, expected a NumPy array of shape {shape}",
                  "ja": "{name} が{what}です。形状 {shape} の NumPy 配列が必要です"},
    "dtype": {"en": "{name} has dtype {dtype}, expected a float array",
              "ja": "{name} の dtype が {dtype} です。浮動小数点の配列が必要です"},
    "shape": {"en": "{name} has shape {got}, expected {shape}", "ja": "{name} の形状が {got} です。正しくは {shape} です"},
    "nonfinite": {"en": "{name} contains {what} at {where}", "ja": "{name} の {where} が {what} です"},
    "differs": {"en": "{name} differs at {where}: max abs error {error}",
                "ja": "{name} が {where} で異なります（最大絶対誤差 {error}）"},
    "nothing": {"en": "nothing", "ja": "何も返されていません"},
    "none": {"en": "None", "ja": "None"},
    "scalar": {"en": "a scalar ({type})", "ja": "スカラー（{type}）"},
    "other": {"en": "a {type}{shape}", "ja": "{type}{shape}"},
    "array": {"en": "an array", "ja": "配列"},
    "output": {"en": "output {i}", "ja": "出力 {i}"},
}


def message(key: str, language: str = "en", **values: object) -> str:
    entry = MESSAGES[key]
    return (entry.get(language) or entry["en"]).format(**values)


def _describe(o: Output, language: str = "en") -> str:
    if o.kind == "other":
        shape = f" of shape {o.shape}" if o.shape is not None and o.type_name in ("list", "tuple") else ""
        if language == "ja" and shape:
            shape = f"（形状 {o.shape}）"
        return message("other", language, type=o.type_name, shape=shape)
    if o.kind == "none":
        return message("none", language)
    if o.kind == "scalar":
        return message("scalar", language, type=o.type_name)
    return message("array", language)


def compare_case(got: CaseOutputs, expected: list[np.ndarray], names: tuple[str, ...],
                 rtol: float, atol: float, language: str = "en") -> tuple[bool, str]:
    """(passed, message). The message names the output and where it is wrong, in ``language``."""
    k = len(expected)
    names = tuple(names) if len(names) == k else tuple(message("output", language, i=i) for i in range(k))
    listed = ", ".join(names)
    if k > 1:
        if not got.is_tuple:
            what = _describe(got.items[0], language) if got.items else message("nothing", language)
            return False, message("tuple_expected", language, what=what, k=k, names=listed)
        if len(got.items) != k:
            return False, message("tuple_length", language, n=len(got.items), k=k, names=listed)
    else:
        if got.is_tuple:
            return False, message("one_expected", language, n=len(got.items), name=names[0])
    for name, o, exp in zip(names, got.items, expected):
        if o.kind != "array" or o.array is None:
            return False, message("not_array", language, name=name, what=_describe(o, language), shape=exp.shape)
        if o.array.dtype.kind != "f":
            return False, message("dtype", language, name=name, dtype=o.array.dtype.name)
        if o.array.shape != exp.shape:
            return False, message("shape", language, name=name, got=o.array.shape, shape=exp.shape)
        g = o.array.astype(np.float64)
        bad = ~np.isfinite(g) & np.isfinite(exp)
        if bad.any():
            where = tuple(np.argwhere(bad)[0])
            v = g[where]
            what = "NaN" if np.isnan(v) else ("inf" if v > 0 else "-inf")
            return False, message("nonfinite", language, name=name, what=what, where=_idx(where))
        with np.errstate(all="ignore"):
            err = np.abs(g - exp)
            tol = atol + rtol * np.abs(exp)
            wrong = ~(err <= tol)
            # where the reference itself is non-finite, require the same value
            nonfinite = ~np.isfinite(exp)
            wrong[nonfinite] = ~((g[nonfinite] == exp[nonfinite]) | (np.isnan(g[nonfinite]) & np.isnan(exp[nonfinite])))
        if wrong.any():
            err_w = np.where(wrong & np.isfinite(err), err, -1.0)
            where = tuple(np.unravel_index(int(np.argmax(err_w)), err.shape)) if err.ndim else ()
            return False, message("differs", language, name=name, where=_idx(where), error=f"{float(np.max(err[wrong])):.3g}")
    return True, ""


def matches(got: CaseOutputs, expected: list[np.ndarray], rtol: float, atol: float) -> bool:
    """Same structure, shapes and values (NaN where ``expected`` has NaN): for diagnosis."""
    k = len(expected)
    if (k > 1) != got.is_tuple or len(got.items) != k:
        return False
    for o, exp in zip(got.items, expected):
        if o.kind != "array" or o.array is None or o.array.shape != exp.shape or o.array.dtype.kind != "f":
            return False
        g = o.array.astype(np.float64)
        with np.errstate(all="ignore"):
            if not np.array_equal(np.isnan(g), np.isnan(exp)):
                return False
            fin = ~np.isnan(exp)
            if not np.all(np.abs(g[fin] - exp[fin]) <= atol + rtol * np.abs(exp[fin]) + 0.0) and not np.array_equal(g[fin], exp[fin]):
                return False
    return True


def jsonable(a: Any) -> Any:
    """Arrays/scalars to JSON: nested lists, non-finite values as strings."""
    if isinstance(a, np.ndarray):
        if a.size > 400:
            return {"shape": list(a.shape), "dtype": a.dtype.name, "truncated": True}
        return jsonable(a.tolist())
    if isinstance(a, (list, tuple)):
        return [jsonable(x) for x in a]
    if isinstance(a, (float, np.floating)):
        f = float(a)
        return f if math.isfinite(f) else str(f)
    if isinstance(a, (int, np.integer, bool, np.bool_)):
        return a.item() if hasattr(a, "item") else a
    return a
