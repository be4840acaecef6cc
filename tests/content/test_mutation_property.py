"""Property: however a valid bank is mangled, loading reports problems and never crashes."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.content.loader import parse_bank_text
from tests.content.conftest import MINIMAL, STARTER

SOURCES = [MINIMAL.encode(), STARTER.read_bytes()]
TOKENS = [b":", b"-", b" ", b"\n", b"{", b"}", b"[", b"]", b'"', b"'", b"!!python/object/apply:os.system", b"&a", b"*a",
          b"~", b"null", b"true", b"1e9", b"-1", b"\t", b"\xff", b"{{1}}", b"{{x}}", b"kind: code", b"answer: 99", b"  "]


@st.composite
def mutated(draw):
    data = bytearray(draw(st.sampled_from(SOURCES)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "insert", "replace", "dupline", "truncate"]))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "delete":
            del data[pos : pos + draw(st.integers(1, 40))]
        elif op == "insert":
            data[pos:pos] = draw(st.sampled_from(TOKENS))
        elif op == "replace":
            data[pos : pos + 1] = draw(st.sampled_from(TOKENS))
        elif op == "dupline":
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            data = bytearray(b"\n".join(lines))
        else:
            data = data[:pos]
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutations_only_produce_problems(data: bytes) -> None:
    bank, problems = parse_bank_text(data)
    assert bank is not None or problems, "an unusable bank must say why"
    for line, column, message in problems:
        assert isinstance(line, int) and line >= 1 and isinstance(column, int) and column >= 1
        assert isinstance(message, str) and message
