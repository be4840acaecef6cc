"""The bank format as specs, with the semantic checks each kind needs.

Structural rules (keys, types, languages) come from :mod:`spec`; the
``validate`` hooks here add what a schema cannot say: an answer index inside
the choices, blanks matching the template, a registered answer function, a
parameterized text whose placeholders all resolve.
"""
from __future__ import annotations

import re
from typing import Any

from yaml.nodes import MappingNode

from studyapp.content.model import ITEM_KINDS, LANGUAGES, MATERIALS, Text, params_from_data
from studyapp.content.spec import (
    Bool,
    Context,
    Enum,
    Field,
    ListOf,
    Localized,
    MapOf,
    Number,
    Record,
    Scalar,
    Str,
    Tagged,
    child,
    key_node,
)

ID_PATTERN = r"[a-z0-9][a-z0-9_.-]*"
IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
BLANK = re.compile(r"\{\{\s*(\d+)\s*\}\}")


def _check_choices_answer(data: dict[str, Any], node: MappingNode, ctx: Context) -> None:
    choices = data.get("choices")
    if data.get("generator"):
        if choices is not None and data["kind"] == "single":
            ctx.report(key_node(node, "choices"), "a parameterized single item gets its choices from the generator; remove 'choices'")
        if "answer" in data and data["kind"] in ("single", "numeric", "text"):
            ctx.report(key_node(node, "answer"), "a parameterized item gets its answer from the generator; remove 'answer'")
        return
    if choices is None:
        ctx.report(node, "missing required key 'choices'")
        return
    if "answer" not in data:
        ctx.report(node, "missing required key 'answer'")
        return
    answers = data["answer"] if isinstance(data["answer"], list) else [data["answer"]]
    if data["kind"] == "multi" and len(set(answers)) != len(answers):
        ctx.report(child(node, "answer"), "an answer index is listed twice")
    for index in answers:
        if not 0 <= index < len(choices):
            ctx.report(child(node, "answer"), f"answer index {index} is out of range: there are {len(choices)} choices (0 to {len(choices) - 1})")


def _check_required_answer(key: str) -> Any:
    def check(data: dict[str, Any], node: MappingNode, ctx: Context) -> None:
        if key not in data and not data.get("generator"):
            ctx.report(node, f"missing required key {key!r}")

    return check


def _check_regexes(patterns: list[str], node: Any, ctx: Context) -> None:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            ctx.report(node, f"invalid regex {pattern!r}: {exc}")


def _check_text(data: dict[str, Any], node: MappingNode, ctx: Context) -> None:
    _check_required_answer("accept")(data, node, ctx)
    _check_regexes(data.get("regex", []), child(node, "regex"), ctx)


def _check_cloze(data: dict[str, Any], node: MappingNode, ctx: Context) -> None:
    template: dict[str, str] = data["template"]
    blanks: list[dict[str, Any]] = data["blanks"]
    for language, text in template.items():
        numbers = sorted({int(n) for n in BLANK.findall(text)})
        expected = list(range(1, len(blanks) + 1))
        if numbers != expected:
            where = "" if language == "*" else f" ({language})"
            ctx.report(
                child(node, "template"),
                f"template{where} has blanks {numbers or 'none'} but {len(blanks)} blank(s) are defined: number them {{{{1}}}}..{{{{{len(blanks)}}}}}",
            )
    blank_nodes = child(node, "blanks").value
    for number, (blank, blank_node) in enumerate(zip(blanks, blank_nodes), start=1):
        has_options = "options" in blank
        has_accept = "accept" in blank or "regex" in blank
        if has_options == has_accept:
            ctx.report(blank_node, f"blank {number} needs either 'options' with 'answer' or 'accept' (not both, not neither)")
        elif has_options and "answer" not in blank:
            ctx.report(blank_node, f"blank {number} has options but no 'answer'")
        elif has_options and not 0 <= blank["answer"] < len(blank["options"]):
            ctx.report(child(blank_node, "answer"), f"blank {number}: answer index {blank['answer']} is out of range (0 to {len(blank['options']) - 1})")
        elif not has_options and "answer" in blank:
            ctx.report(key_node(blank_node, "answer"), f"blank {number}: 'answer' is for option blanks; use 'accept' for typed answers")
        _check_regexes(blank.get("regex", []), blank_node, ctx)


def _check_params(data: dict[str, Any], node: MappingNode, ctx: Context) -> None:
    """A parameterized item must name a known generator and produce a complete instance."""
    from studyapp.content.generators import get_answer_function
    from studyapp.content.variants import VariantError, draw, placeholders

    has_params, has_generator = "params" in data, "generator" in data
    if has_params != has_generator:
        ctx.report(node, "'params' and 'generator' go together: give both or neither")
        return
    if not has_generator:
        return
    if get_answer_function(data["generator"]) is None:
        ctx.report(child(node, "generator"), f"unknown answer function {data['generator']!r}")
        return
    params = params_from_data(data["params"])
    try:
        values, generated = draw(params, data["generator"], 0, data["id"])
    except VariantError as exc:
        ctx.report(child(node, "generator"), str(exc))
        return
    known = set(values) | set(generated.values) | {"answer", "value"}
    for key in ("prompt", "explanation", "template", "choice_format"):
        for text in (data.get(key) or {}).values():
            for name in sorted(placeholders(text) - known):
                ctx.report(child(node, key), f"placeholder {{{{{name}}}}} is neither a parameter nor a value of {data['generator']!r}")


def _check_param_spec(data: dict[str, Any], node: MappingNode, ctx: Context) -> None:
    if ("range" in data) == ("values" in data):
        ctx.report(node, "a parameter needs either 'range: [low, high]' or 'values: [...]'")
    elif "range" in data:
        low, high = data["range"]
        if low > high:
            ctx.report(child(node, "range"), f"range [{low}, {high}] is empty: low must not exceed high")
    elif "step" in data:
        ctx.report(key_node(node, "step"), "'step' only applies to 'range'")


def _all(*checks: Any) -> Any:
    def run(data: dict[str, Any], node: MappingNode, ctx: Context) -> None:
        for check in checks:
            before = len(ctx.problems)
            check(data, node, ctx)
            if len(ctx.problems) != before:
                return

    return run


TEXT = Localized()
INDEX = Number(integer=True, minimum=0)

CHOICE = Record({"text": Field(TEXT, required=True), "feedback": Field(TEXT, description="Shown when this choice is picked.")})
PARAM = Record(
    {
        "range": Field(ListOf(Number(integer=True), min_items=2), description="[low, high], integers, inclusive"),
        "step": Field(Number(integer=True, minimum=1)),
        "values": Field(ListOf(Scalar(), min_items=1)),
    },
    validate=_check_param_spec,
)


def _exact_two(data: dict[str, Any], node: MappingNode, ctx: Context) -> None:
    if "range" in data and len(data["range"]) != 2:
        ctx.report(child(node, "range"), "range needs exactly two integers: [low, high]")


PARAM.validate = _all(_exact_two, _check_param_spec)

VERIFY = Record(
    {
        "exercise": Field(Str(pattern=ID_PATTERN), required=True, description="Code exercise the completed or fixed code must pass."),
        "fixed": Field(Str(), description="Find-the-bug: the corrected code (must pass)."),
        "buggy": Field(Str(), description="Find-the-bug: the code shown (must fail)."),
    }
)

COMMON = {
    "id": Field(Str(pattern=ID_PATTERN), required=True, description="Stable id, unique across all banks. Never rename."),
    "kind": Field(Enum(ITEM_KINDS), required=True),
    "material": Field(Enum(MATERIALS), required=True, description="Kind of study material."),
    "prompt": Field(TEXT, required=True, description="The question: Markdown with $math$."),
    "explanation": Field(TEXT, required=True, description="Why the answer is right and each distractor wrong."),
    "tags": Field(ListOf(Str(pattern=r"[a-z0-9][a-z0-9_-]*"))),
    "difficulty": Field(Number(integer=True, minimum=1, maximum=5)),
    "hints": Field(ListOf(TEXT)),
    "params": Field(MapOf(PARAM), description="Parameters drawn for each instance."),
    "generator": Field(Str(pattern=IDENTIFIER), description="Registered answer function for a parameterized item."),
    "verify": Field(VERIFY),
}

TOLERANCE = Record({"abs": Field(Number(minimum=0)), "rel": Field(Number(minimum=0))})
BLANK_SPEC = Record(
    {
        "options": Field(ListOf(TEXT, min_items=2)),
        "answer": Field(INDEX),
        "accept": Field(ListOf(Str(), min_items=1)),
        "regex": Field(ListOf(Str(), min_items=1)),
        "case_sensitive": Field(Bool()),
        "feedback": Field(TEXT),
    }
)


def _kind(extra: dict[str, Field], validate: Any = None, prompt_required: bool = True) -> Record:
    fields = dict(COMMON)
    if not prompt_required:
        fields["prompt"] = Field(TEXT, description=COMMON["prompt"].description)
    fields.update(extra)
    return Record(fields, validate=_all(*(c for c in (validate, _check_params) if c)), located=True)


ITEM = Tagged(
    "kind",
    {
        "single": _kind(
            {
                "choices": Field(ListOf(CHOICE, min_items=2)),
                "answer": Field(INDEX, description="0-based index of the right choice."),
                "shuffle": Field(Bool()),
                "choice_format": Field(TEXT, description="How generated values read as choices; {{value}}."),
            },
            _check_choices_answer,
        ),
        "multi": _kind(
            {
                "choices": Field(ListOf(CHOICE, min_items=2)),
                "answer": Field(ListOf(INDEX, min_items=1), description="0-based indices of all right choices."),
                "shuffle": Field(Bool()),
            },
            _check_choices_answer,
        ),
        "truefalse": _kind({"answer": Field(Bool())}, _check_required_answer("answer")),
        "numeric": _kind(
            {"answer": Field(Number()), "tolerance": Field(TOLERANCE), "unit": Field(Str())},
            _check_required_answer("answer"),
        ),
        "text": _kind(
            {
                "accept": Field(ListOf(Str(), min_items=1)),
                "regex": Field(ListOf(Str(), min_items=1)),
                "case_sensitive": Field(Bool()),
            },
            _check_text,
        ),
        "cloze": _kind(
            {
                "template": Field(TEXT, required=True, description="Text or code with blanks {{1}}, {{2}}, ..."),
                "code": Field(Str(pattern=r"[a-z]+"), description="Render the template as code in this language."),
                "blanks": Field(ListOf(BLANK_SPEC, min_items=1), required=True),
            },
            _check_cloze,
            prompt_required=False,
        ),
        "code": _kind({"exercise": Field(Str(pattern=ID_PATTERN), required=True)}, prompt_required=False),
    },
    description="A quiz item; 'kind' selects which keys apply.",
)

SECTION = Record(
    {
        "id": Field(Str(pattern=ID_PATTERN), required=True),
        "title": Field(TEXT, required=True),
        "description": Field(TEXT),
        "items": Field(ListOf(ITEM, drop_invalid=True), required=True),
    }
)


def _check_exercise(data: dict[str, Any], node: MappingNode, ctx: Context) -> None:
    from studyapp.reference.registry import mutants, references, specs

    reference = data["reference"]
    if reference not in references():
        ctx.report(child(node, "reference"), f"unknown reference cell {reference!r}")
        return
    if reference not in specs():
        ctx.report(child(node, "reference"), f"reference cell {reference!r} has no grading spec (no case generator)")
        return
    known: dict[str, set[str]] = {}  # mistake id -> references it has mutants of (generated families share an id)
    for m in mutants().values():
        known.setdefault(m.id, set()).add(m.reference)
    for mistake, mistake_node in zip(data.get("mistakes", []), child(node, "mistakes").value if "mistakes" in data else []):
        refs = known.get(mistake["id"])
        if refs is None:
            ctx.report(child(mistake_node, "id"), f"unknown known-mistake id {mistake['id']!r}")
        elif reference not in refs:
            ctx.report(child(mistake_node, "id"), f"mistake {mistake['id']!r} is a mutant of {', '.join(repr(r) for r in sorted(refs))}, not of {reference!r}")


MISTAKE = Record({"id": Field(Str(pattern=ID_PATTERN), required=True), "message": Field(TEXT)})

EXERCISE = Record(
    {
        "id": Field(Str(pattern=ID_PATTERN), required=True),
        "reference": Field(Str(pattern=ID_PATTERN), required=True, description="A registered reference cell."),
        "function": Field(Str(pattern=IDENTIFIER), description="Function the learner defines (default: the reference id)."),
        "title": Field(TEXT, required=True),
        "statement": Field(TEXT, required=True),
        "starter": Field(Str(), required=True),
        "solution": Field(Str(), required=True),
        "hints": Field(ListOf(TEXT)),
        "mistakes": Field(ListOf(MISTAKE)),
        "tolerance": Field(Record({"rtol": Field(Number(minimum=0)), "atol": Field(Number(minimum=0))})),
        "time_limit": Field(Number(minimum=0.1, maximum=60)),
        "memory_limit_mb": Field(Number(integer=True, minimum=64, maximum=8192)),
        "seed": Field(Number(integer=True, minimum=0)),
        "tags": Field(ListOf(Str(pattern=r"[a-z0-9][a-z0-9_-]*"))),
        "difficulty": Field(Number(integer=True, minimum=1, maximum=5)),
        "material": Field(Enum(MATERIALS)),
    },
    validate=_check_exercise,
    located=True,
)

BANK_HEADER = Record(
    {
        "id": Field(Str(pattern=ID_PATTERN), required=True),
        "title": Field(TEXT, required=True),
        "languages": Field(ListOf(Enum(LANGUAGES), min_items=1), required=True, description="Languages every text must have."),
        "order": Field(Number(integer=True), description="Sort key in the sidebar (default 100)."),
        "description": Field(TEXT),
    }
)


def _check_bank(data: dict[str, Any], node: MappingNode, ctx: Context) -> None:
    if "sections" not in data and "exercises" not in data:
        ctx.report(node, "a bank needs 'sections' or 'exercises'")


BANK_FILE = Record(
    {
        "bank": Field(BANK_HEADER, required=True),
        "sections": Field(ListOf(SECTION, drop_invalid=True)),
        "exercises": Field(ListOf(EXERCISE, drop_invalid=True)),
    },
    description="A studyapp quiz bank.",
    validate=_check_bank,
)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a bank file (draft 2020-12), for editors and `studyapp schema`."""
    schema = BANK_FILE.json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://studyapp.invalid/bank.schema.json",
        "title": "studyapp bank",
        **schema,
    }


def neutral_or(text: dict[str, str] | None) -> Text:
    return Text(dict(text)) if text else Text({})
