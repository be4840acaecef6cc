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


def compose(text: str) -> Node | None:
    """Compose one YAML document into nodes; ``None`` for an empty document."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        parts = [p for p in (exc.context, exc.problem) if p]
        raise YamlSyntaxError("YAML syntax error: " + ", ".join(parts), line, column) from None
    except yaml.YAMLError as exc:  # e.g. "expected a single document"
        raise YamlSyntaxError(f"YAML error: {exc}", 1, 1) from None


def scalar_value(node: ScalarNode) -> Any:
    """The Python value of a plain-typed scalar (str, int, float, bool, None)."""
    return SafeConstructor.yaml_constructors[node.tag](_constructor, node)


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
