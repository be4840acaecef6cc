"""Property: however a valid bank is mangled, loading reports problems and never crashes.

Two runs share one mutation generator (:func:`mutate`): hypothesis explores
the small fixtures, and a seeded bulk run puts 10,000 mutations of the
bundled banks through the loader in memory (no files, no cache), on small
windows of each bank so that many are parsed per second.
"""
from __future__ import annotations

import random
import re
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.content.loader import load_bytes, parse_bank_text
from studyapp.paths import bundled_content_dir
from tests.content.conftest import MINIMAL, STARTER

SOURCES = [MINIMAL.encode(), STARTER.read_bytes()]
TOKENS = [b":", b"-", b" ", b"\n", b"{", b"}", b"[", b"]", b'"', b"'", b"!!python/object/apply:os.system", b"&a", b"*a",
          b"~", b"null", b"true", b"1e9", b"-1", b"\t", b"\xff", b"{{1}}", b"{{x}}", b"kind: code", b"answer: 99", b"  ",
          b"9" * 4400, b"{en: 1}", b"\x07", b"\xe3\x81", b".nan", b"-.inf", b"[" * 200, b"!!binary AAAA", b"? "]
# Values put after a key's colon: wrong types, numbers too long for Python to convert, mappings for lists.
VALUES = [b"9" * 4400, b"-" + b"9" * 5000, b"{en: 1}", b"[1, {a: b}]", b"0x" + b"f" * 4000, b".nan", b"~", b"[]", b"{}",
          b"1e400", b"true", b"'\x07'", b"!!int 12", b"!!float x", b"2026-01-01", b"[en, ja, ko]", b"-1"]
OPERATIONS = ("delete", "insert", "replace", "dupline", "truncate", "revalue")
BULK_MUTATIONS = 10_000
BULK_BUDGET_S = 45.0


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to six random edits of ``data`` (deletions, token insertions, duplicated lines, truncation)."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.choice(OPERATIONS)
        pos = rng.randint(0, max(0, len(out) - 1))
        if op == "delete":
            del out[pos : pos + rng.randint(1, 40)]
        elif op == "insert":
            out[pos:pos] = rng.choice(TOKENS)
        elif op == "replace":
            out[pos : pos + 1] = rng.choice(TOKENS)
        elif op == "revalue":  # one key's value swapped for a hostile one
            lines = bytes(out).split(b"\n")
            keyed = [i for i, line in enumerate(lines) if b": " in line]
            if keyed:
                i = rng.choice(keyed)
                lines[i] = lines[i].split(b": ", 1)[0] + b": " + rng.choice(VALUES)
                out = bytearray(b"\n".join(lines))
        elif op == "dupline":
            lines = bytes(out).split(b"\n")
            i = rng.randint(0, len(lines) - 1)
            lines.insert(i, lines[i])
            out = bytearray(b"\n".join(lines))
        else:
            out = out[:pos]
    return bytes(out)


def assert_only_problems(data: bytes) -> None:
    """Loading ``data`` returns a bank and/or positioned problems, and the bank's items can be built."""
    bank, problems = load_bytes(data, "mutated.yaml")
    assert bank is not None or problems, "an unusable bank must say why"
    for problem in problems:
        assert problem.line >= 1 and problem.column >= 1 and problem.message
        assert "internal error" not in problem.message, problem  # every mistake has a real message, not the fallback
    if bank is not None:
        for section in bank.sections:
            assert len(list(section.items)) == len(section.items)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SOURCES), st.randoms(use_true_random=False))
def test_mutations_only_produce_problems(data: bytes, rng: random.Random) -> None:
    mutated = mutate(data, rng)
    bank, problems = parse_bank_text(mutated)
    assert bank is not None or problems, "an unusable bank must say why"
    for line, column, message in problems:
        assert isinstance(line, int) and line >= 1 and isinstance(column, int) and column >= 1
        assert isinstance(message, str) and message
    assert_only_problems(mutated)


_ITEM_START = re.compile(rb"^      - id: ", re.MULTILINE)
_TOP_LEVEL_ENTRY = re.compile(rb"^(?:  - |\S)", re.MULTILINE)  # a section header or a top-level key


def bundled_windows(items_per_window: int = 3) -> list[bytes]:
    """Every bundled bank cut into small valid banks: its header and first section line, then a few consecutive items.

    Exercise banks (no items) are taken whole. Every window is a valid bank
    by itself (checked by the test), so each mutation starts from real content.
    """
    windows = []
    for path in sorted(Path(bundled_content_dir()).rglob("*.yaml")):
        text = path.read_bytes()
        starts = [m.start() for m in _ITEM_START.finditer(text)]
        if not starts:
            windows.append(text)
            continue
        head = text[: starts[0]]
        for i in range(0, len(starts), items_per_window):
            last = starts[min(i + items_per_window, len(starts)) - 1]
            after = _TOP_LEVEL_ENTRY.search(text, last + 1)
            end = min(starts[i + items_per_window] if i + items_per_window < len(starts) else len(text), after.start() if after else len(text))
            windows.append(head + text[starts[i] : end])
    return windows


def test_ten_thousand_mutations_of_the_bundled_banks_never_raise() -> None:
    windows = bundled_windows()
    assert len(windows) > 50
    for window in windows:
        bank, problems = load_bytes(window, "window.yaml")
        assert bank is not None and not problems, problems[:3]
    rng = random.Random(16)
    started = time.perf_counter()
    for _ in range(BULK_MUTATIONS):
        assert_only_problems(mutate(rng.choice(windows), rng))
    elapsed = time.perf_counter() - started
    assert elapsed < BULK_BUDGET_S, f"{BULK_MUTATIONS} mutations took {elapsed:.1f} s"
