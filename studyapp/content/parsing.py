"""YAML bytes to validated plain bank data (the slow path, run on a cache miss).

Also shapes that data for the cache: each section's items become one JSON
string plus a small index, so a warm load parses no per-item structures.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, SequenceNode

from studyapp.content.bank_spec import BANK_FILE
from studyapp.content.gcpause import gc_paused
from studyapp.content.spec import INVALID, Context, child
from studyapp.content.yamlsource import YamlSyntaxError, compose

RawProblem = tuple[int, int, str]
_EVENT_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_bank_text(data: bytes) -> tuple[dict[str, Any] | None, list[RawProblem]]:
    """Check one bank file's bytes: plain data (or ``None``) plus its problems."""
    if not data.strip():
        return None, [(1, 1, "the file is empty")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        line_start = data[before.rfind(b"\n") + 1 : exc.start]
        column = len(line_start.decode("utf-8", errors="replace")) + 1  # characters, not bytes
        return None, [(line, column, f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8")]
    text = text.removeprefix("\ufeff")
    with gc_paused():  # re-entrant: harmless when the caller already paused it
        try:
            root = compose(text)
        except YamlSyntaxError as exc:
            return None, [(exc.line, exc.column, exc.message)]
        if root is None:
            return None, [(1, 1, "the file is empty")]
        alias = _first_alias(text) if "&" in text else None
        if alias is not None:
            return None, [(*alias, "YAML aliases (*name) are not supported in banks; write the text out (a plain value starting with * must be quoted)")]
        ctx = Context(path="")
        if isinstance(root, MappingNode):
            ctx.languages = _claimed_languages(root)
        try:
            data_out = BANK_FILE.check(root, ctx)
        except YamlSyntaxError as exc:  # a value that cannot be read at all stops the check of this file
            return None, sorted([*ctx.problems, (exc.line, exc.column, exc.message)])
        problems = sorted(ctx.problems)
    if data_out is INVALID:
        return None, problems
    _stamp_hashes(data_out)
    return data_out, problems


def _first_alias(text: str) -> tuple[int, int] | None:
    """Where the first alias is: aliases can expand exponentially ("billion laughs"), so banks may not use them."""
    for event in yaml.parse(text, Loader=_EVENT_LOADER):
        if isinstance(event, AliasEvent):
            return event.start_mark.line + 1, event.start_mark.column + 1
    return None


def _claimed_languages(root: MappingNode) -> frozenset[str]:
    """Languages the bank header claims, read leniently (the header check reports errors)."""
    header = child(root, "bank")
    if isinstance(header, MappingNode) and header is not root:
        languages = child(header, "languages")
        if languages is not header and isinstance(languages, SequenceNode):
            claimed = {n.value for n in languages.value if isinstance(n.value, str)}
            return frozenset(claimed & {"en", "ja"})
    return frozenset()


def _stamp_hashes(data: dict[str, Any]) -> None:
    """Give every item and exercise a hash of its content, so progress can tell it changed."""
    for entry in [*(i for s in data.get("sections", []) for i in s["items"]), *data.get("exercises", [])]:
        payload = {k: v for k, v in entry.items() if not k.startswith("_")}
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        entry["_hash"] = hashlib.sha256(blob).hexdigest()[:16]


def cached_form(data: dict[str, Any]) -> dict[str, Any]:
    """Plain bank data with each section's items stored as one JSON string plus an index.

    Reading the cache then parses one string per section instead of every
    item's nested text mappings; items are built on first access.
    """
    sections = []
    for section in data.get("sections", []):
        index = [
            [i["id"], i["kind"], i["_line"], i["_column"], [x for x in (i.get("exercise"), (i.get("verify") or {}).get("exercise")) if x]]
            for i in section["items"]
        ]
        rest = {k: v for k, v in section.items() if k != "items"}
        sections.append({**rest, "index": index, "items_json": json.dumps(section["items"], ensure_ascii=False, separators=(",", ":"))})
    return {**data, "sections": sections}
