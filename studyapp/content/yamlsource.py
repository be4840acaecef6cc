"""Reading YAML as a node tree with positions, safely.

Banks are *composed*, never constructed: PyYAML's composer only builds nodes,
so a ``!!python/object/apply`` tag can be reported but never executed. The C
composer (libyaml) is used when PyYAML was built with it. Positions on every
node let the validator report ``file:line:col``; duplicate keys (which
PyYAML's constructors silently collapse) are detected on the nodes.
"""
from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:  # libyaml's C composer: an order of magnitude faster than pure Python
    _Loader: type = yaml.CSafeLoader
    HAVE_LIBYAML = True
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader
    HAVE_LIBYAML = False

TAG_PREFIX = "tag:yaml.org,2002:"
SCALAR_TAGS = {TAG_PREFIX + name for name in ("str", "int", "float", "bool", "null")}
MAP_TAG = TAG_PREFIX + "map"
SEQ_TAG = TAG_PREFIX + "seq"

_constructor = SafeConstructor()
MAX_INT_BITS = 128  # far beyond any order, answer or seed; keeps every message able to print the number


class YamlSyntaxError(Exception):
    """The file is not well-formed YAML; ``line``/``column`` are 1-based."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def position(node: Node) -> tuple[int, int]:
    """1-based (line, column) where ``node`` starts."""
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


def compose(text: str, loader: type | None = None) -> Node | None:
    """Compose one YAML document into nodes; ``None`` for an empty document."""
    loader = loader or _Loader
    try:
        return yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = _start_mark(exc)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        parts = [p for p in (exc.context, exc.problem) if p]
        raise YamlSyntaxError("YAML syntax error: " + ", ".join(parts), line, column) from None
    except yaml.reader.ReaderError as exc:  # a control character or similar: positioned by offset, not by mark
        offset = exc.position
        if loader is not yaml.SafeLoader:  # libyaml counts bytes of the UTF-8 text
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))
        line, column = line_column(text, offset)
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        raise YamlSyntaxError(f"YAML error: the character U+{code:04X} is not allowed in YAML (a control character); delete it", line, column) from None
    except RecursionError:  # the pure-Python composer recurses once per nesting level
        raise YamlSyntaxError("YAML error: the text is nested too deeply to read", 1, 1) from None
    except yaml.YAMLError as exc:  # e.g. "expected a single document"
        raise YamlSyntaxError(f"YAML error: {exc}", 1, 1) from None


def _start_mark(exc: yaml.MarkedYAMLError) -> Any:
    """Where the problem starts: a scanner's context (the key or quoted text it was reading)
    begins where the learner has to look; a parser's context is the enclosing block,
    often far above, so there the problem mark is the better place."""
    if exc.context_mark is not None and (exc.context or "").startswith("while scanning"):
        return exc.context_mark
    return exc.problem_mark or exc.context_mark


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset; columns count characters."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def scalar_value(node: ScalarNode) -> Any:
    """The Python value of a plain-typed scalar (str, int, float, bool, None).

    Raises :class:`YamlSyntaxError` at the node when the text has no value
    (e.g. an integer of more than 4,300 digits, which Python refuses to convert).
    """
    try:
        value = SafeConstructor.yaml_constructors[node.tag](_constructor, node)
    except (ValueError, ArithmeticError, yaml.YAMLError) as exc:
        value, reason = None, f"cannot read the value ({exc})"
    else:
        if not (isinstance(value, int) and value.bit_length() > MAX_INT_BITS):
            return value
        reason = ""
    line, column = position(node)
    digits = sum(ch.isalnum() for ch in str(node.value))
    if value is not None or digits > 1000:  # no bank needs such a number, and Python cannot even print it
        reason = f"a number of {digits} digits is too long"
    raise YamlSyntaxError(reason, line, column) from None


def describe(node: Node) -> str:
    """A learner-friendly name of a node's type, for 'expected X, got Y' messages."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    tag = node.tag.removeprefix(TAG_PREFIX)
    return {"str": "text", "int": "an integer", "float": "a number", "bool": "true/false", "null": "nothing (null)"}.get(
        tag, f"a value tagged {node.tag}"
    )
