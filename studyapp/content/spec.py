"""Declarative specs of the bank format: one description, two uses.

Each spec both checks a YAML node (turning it into plain, JSON-ready data
and reporting problems at the node's line and column) and emits the JSON
Schema fragment editors use. Keeping both in one object means the exported
schema cannot drift from what the loader accepts.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from studyapp.content.model import LANGUAGES
from studyapp.content.yamlsource import MAP_TAG, SCALAR_TAGS, SEQ_TAG, YamlSyntaxError, describe, position, scalar_value


class Invalid:
    """Marker for a value that failed its check (a problem was already reported)."""

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return "INVALID"


INVALID = Invalid()


@dataclass
class Context:
    """Per-file checking state: where we are and what went wrong so far."""

    path: str
    languages: frozenset[str] = frozenset(LANGUAGES)
    problems: list[tuple[int, int, str]] = field(default_factory=list)

    def report(self, node: Node, message: str) -> Invalid:
        line, column = position(node)
        self.problems.append((line, column, message))
        return INVALID


class Spec:
    description: str = ""

    def check(self, node: Node, ctx: Context) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError


def _tag_ok(node: Node, ctx: Context) -> bool:
    """Reject every tag that would construct something other than plain data."""
    allowed = SCALAR_TAGS if isinstance(node, ScalarNode) else {MAP_TAG if isinstance(node, MappingNode) else SEQ_TAG}
    if node.tag not in allowed:
        ctx.report(node, f"tag {node.tag!r} is not allowed in a bank (only plain YAML data)")
        return False
    return True


@dataclass
class Str(Spec):
    pattern: str | None = None
    allow_empty: bool = False
    description: str = ""

    def check(self, node: Node, ctx: Context) -> Any:
        if not _tag_ok(node, ctx):
            return INVALID
        if not isinstance(node, ScalarNode) or node.tag != "tag:yaml.org,2002:str":
            return ctx.report(node, f"expected text, got {describe(node)}")
        value = scalar_value(node)
        if not value.strip() and not self.allow_empty:
            return ctx.report(node, "must not be empty")
        if self.pattern and not re.fullmatch(self.pattern, value):
            return ctx.report(node, f"{value!r} does not match the pattern {self.pattern}")
        return value

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string"}
        if self.pattern:
            schema["pattern"] = f"^(?:{self.pattern})$"
        elif not self.allow_empty:
            schema["minLength"] = 1
        if self.description:
            schema["description"] = self.description
        return schema


@dataclass
class Number(Spec):
    """An int or float (``integer=True``: int only), optionally bounded."""

    integer: bool = False
    minimum: float | None = None
    maximum: float | None = None
    description: str = ""

    def check(self, node: Node, ctx: Context) -> Any:
        if not _tag_ok(node, ctx):
            return INVALID
        wanted = "an integer" if self.integer else "a number"
        tags = {"tag:yaml.org,2002:int"} | (set() if self.integer else {"tag:yaml.org,2002:float"})
        if not isinstance(node, ScalarNode) or node.tag not in tags:
            return ctx.report(node, f"expected {wanted}, got {describe(node)}")
        try:
            value = scalar_value(node)
        except YamlSyntaxError as exc:
            return ctx.report(node, exc.message)
        if isinstance(value, float) and value != value:
            return ctx.report(node, "must be a number, not NaN")
        if self.minimum is not None and value < self.minimum:
            return ctx.report(node, f"must be at least {self.minimum:g}, got {_shown(value)}")
        if self.maximum is not None and value > self.maximum:
            return ctx.report(node, f"must be at most {self.maximum:g}, got {_shown(value)}")
        return value

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        if self.description:
            schema["description"] = self.description
        return schema


def _shown(value: float) -> str:
    """A number for a message; a huge integer (e.g. hex with thousands of digits) is described, since Python will not print it."""
    if isinstance(value, int) and value.bit_length() > 128:
        return f"a number of about {int(value.bit_length() * 0.30103) + 1} digits"
    return f"{value}"


@dataclass
class Bool(Spec):
    description: str = ""

    def check(self, node: Node, ctx: Context) -> Any:
        if not _tag_ok(node, ctx):
            return INVALID
        if not isinstance(node, ScalarNode) or node.tag != "tag:yaml.org,2002:bool":
            return ctx.report(node, f"expected true or false, got {describe(node)}")
        return scalar_value(node)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean", **({"description": self.description} if self.description else {})}


@dataclass
class Scalar(Spec):
    """Any plain scalar: text, number or boolean (parameter values)."""

    description: str = ""

    def check(self, node: Node, ctx: Context) -> Any:
        if not _tag_ok(node, ctx):
            return INVALID
        if not isinstance(node, ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            return ctx.report(node, f"expected a text, number or boolean, got {describe(node)}")
        try:
            return scalar_value(node)
        except YamlSyntaxError as exc:
            return ctx.report(node, exc.message)

    def json_schema(self) -> dict[str, Any]:
        return {"type": ["string", "number", "boolean"]}


@dataclass
class Enum(Spec):
    values: tuple[str, ...]
    description: str = ""

    def check(self, node: Node, ctx: Context) -> Any:
        value = Str().check(node, ctx)
        if value is INVALID:
            return INVALID
        if value not in self.values:
            hint = _did_you_mean(value, self.values)
            return ctx.report(node, f"{value!r} is not one of {', '.join(self.values)}{hint}")
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"enum": list(self.values), **({"description": self.description} if self.description else {})}


class Localized(Spec):
    """Plain text (language-neutral) or ``{en: ..., ja: ...}`` with every claimed language."""

    description = "Text: a plain string (language-neutral) or a mapping from language code to text."

    def check(self, node: Node, ctx: Context) -> Any:
        if isinstance(node, ScalarNode):
            text = Str().check(node, ctx)
            return INVALID if text is INVALID else {"*": text}
        if not isinstance(node, MappingNode):
            return ctx.report(node, f"expected text or a mapping of languages, got {describe(node)}")
        if not _tag_ok(node, ctx):
            return INVALID
        values: dict[str, str] = {}
        ok = True
        for key_node, value_node in _unique_pairs(node, ctx):
            language = key_node.value
            if language not in LANGUAGES:
                ctx.report(key_node, f"unknown language {language!r} (known: {', '.join(LANGUAGES)})")
                ok = False
                continue
            text = Str().check(value_node, ctx)
            if text is INVALID:
                ok = False
            else:
                values[language] = text
        for missing in sorted(ctx.languages - set(values)):
            if ok:
                ctx.report(node, f"missing language {missing!r} (the bank claims {', '.join(sorted(ctx.languages))})")
            ok = False
        return values if ok else INVALID

    def json_schema(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "oneOf": [
                {"type": "string", "minLength": 1},
                {
                    "type": "object",
                    "properties": {lang: {"type": "string", "minLength": 1} for lang in LANGUAGES},
                    "additionalProperties": False,
                    "minProperties": 1,
                },
            ],
        }


@dataclass
class ListOf(Spec):
    item: Spec
    min_items: int = 0
    description: str = ""
    drop_invalid: bool = False
    """Keep the valid entries when some are invalid (items of a bank: one bad item must not hide the rest)."""

    def check(self, node: Node, ctx: Context) -> Any:
        if not isinstance(node, SequenceNode):
            return ctx.report(node, f"expected a list, got {describe(node)}")
        if not _tag_ok(node, ctx):
            return INVALID
        if len(node.value) < self.min_items:
            return ctx.report(node, f"needs at least {self.min_items} entr{'y' if self.min_items == 1 else 'ies'}")
        values = [self.item.check(child, ctx) for child in node.value]
        if self.drop_invalid:
            return [v for v in values if v is not INVALID]
        return INVALID if any(v is INVALID for v in values) else values

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            schema["minItems"] = self.min_items
        if self.description:
            schema["description"] = self.description
        return schema


@dataclass
class Field:
    spec: Spec
    required: bool = False
    description: str = ""


@dataclass
class Record(Spec):
    """A mapping with known keys. Unknown keys are errors, with a did-you-mean."""

    fields: Mapping[str, Field]
    description: str = ""
    validate: Callable[[dict[str, Any], MappingNode, Context], None] | None = None
    located: bool = False
    """Record the node's line and column as ``_line``/``_column`` (for later cross-bank messages)."""

    def check(self, node: Node, ctx: Context) -> Any:
        if not isinstance(node, MappingNode):
            return ctx.report(node, f"expected a mapping, got {describe(node)}")
        if not _tag_ok(node, ctx):
            return INVALID
        data: dict[str, Any] = {}
        ok = True
        seen: set[str] = set()
        for key_node, value_node in _unique_pairs(node, ctx):
            key = key_node.value
            seen.add(key)
            spec_field = self.fields.get(key)
            if spec_field is None:
                ctx.report(key_node, f"unknown key {key!r}{_did_you_mean(key, self.fields)}")
                ok = False
                continue
            value = spec_field.spec.check(value_node, ctx)
            if value is INVALID:
                ok = False
            else:
                data[key] = value
        for name, spec_field in self.fields.items():
            if spec_field.required and name not in seen:
                ctx.report(node, f"missing required key {name!r}")
                ok = False
        if ok and self.validate is not None:
            before = len(ctx.problems)
            self.validate(data, node, ctx)
            ok = len(ctx.problems) == before
        if ok and self.located:
            data["_line"], data["_column"] = position(node)
        return data if ok else INVALID

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {name: _with_description(f.spec.json_schema(), f.description) for name, f in self.fields.items()},
            "additionalProperties": False,
        }
        required = [name for name, f in self.fields.items() if f.required]
        if required:
            schema["required"] = required
        if self.description:
            schema["description"] = self.description
        return schema


@dataclass
class Tagged(Spec):
    """A mapping whose ``discriminator`` key picks the record that checks it (item kinds)."""

    discriminator: str
    variants: Mapping[str, Record]
    description: str = ""

    def check(self, node: Node, ctx: Context) -> Any:
        if not isinstance(node, MappingNode):
            return ctx.report(node, f"expected a mapping, got {describe(node)}")
        kind_node = next((v for k, v in node.value if isinstance(k, ScalarNode) and k.value == self.discriminator), None)
        if kind_node is None:
            return ctx.report(node, f"missing required key {self.discriminator!r}")
        kind = Enum(tuple(self.variants)).check(kind_node, ctx)
        if kind is INVALID:
            return INVALID
        return self.variants[kind].check(node, ctx)

    def json_schema(self) -> dict[str, Any]:
        branches = []
        for name, record in self.variants.items():
            schema = record.json_schema()
            schema["properties"] = {**schema["properties"], self.discriminator: {"const": name}}
            branches.append(schema)
        return {"type": "object", "required": [self.discriminator], "oneOf": branches, "description": self.description}


def _unique_pairs(node: MappingNode, ctx: Context) -> list[tuple[ScalarNode, Node]]:
    """Key/value pairs whose keys are plain text; duplicates and odd keys are reported."""
    pairs: list[tuple[ScalarNode, Node]] = []
    first_seen: dict[str, ScalarNode] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.tag not in SCALAR_TAGS:
            ctx.report(key_node, f"keys must be plain text, got {describe(key_node)}")
            continue
        key = str(key_node.value)
        if key in first_seen:
            line, _ = position(first_seen[key])
            ctx.report(key_node, f"duplicate key {key!r} (first given on line {line})")
            continue
        first_seen[key] = key_node
        pairs.append((key_node, value_node))
    return pairs


def _did_you_mean(word: str, options: Any) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _with_description(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {**schema, "description": description} if description else schema


@dataclass
class MapOf(Spec):
    """A mapping from names (matching ``key_pattern``) to values of one spec."""

    value: Spec
    key_pattern: str = r"[A-Za-z_][A-Za-z0-9_]*"
    min_items: int = 1
    description: str = ""

    def check(self, node: Node, ctx: Context) -> Any:
        if not isinstance(node, MappingNode):
            return ctx.report(node, f"expected a mapping, got {describe(node)}")
        if not _tag_ok(node, ctx):
            return INVALID
        if len(node.value) < self.min_items:
            return ctx.report(node, f"needs at least {self.min_items} entr{'y' if self.min_items == 1 else 'ies'}")
        data: dict[str, Any] = {}
        ok = True
        for key_node, value_node in _unique_pairs(node, ctx):
            key = str(key_node.value)
            if not re.fullmatch(self.key_pattern, key):
                ctx.report(key_node, f"{key!r} is not a valid name (letters, digits, _; not starting with a digit)")
                ok = False
                continue
            value = self.value.check(value_node, ctx)
            if value is INVALID:
                ok = False
            else:
                data[key] = value
        return data if ok else INVALID

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "propertyNames": {"pattern": f"^(?:{self.key_pattern})$"},
            "additionalProperties": self.value.json_schema(),
            "minProperties": self.min_items,
        }


def child(node: MappingNode, key: str) -> Node:
    """The value node under ``key`` (or the mapping itself), to report at the right line."""
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return value_node
    return node


def key_node(node: MappingNode, key: str) -> Node:
    for k, _ in node.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return k
    return node
