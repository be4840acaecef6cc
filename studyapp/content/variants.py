"""Parameterized items: draw parameters, run the answer function, fill the text.

An instance is a plain :class:`Item` with its placeholders filled and its
answer (and, for ``single`` items, its choices) computed, so judging and the
UI never need to know an item was parameterized. The same (item, seed)
always gives the same instance: the seed is what the progress store keeps.
"""
from __future__ import annotations

import random
import re
from dataclasses import replace
from fractions import Fraction
from typing import Any, Mapping

from studyapp.content.generators import Generated, Reject, get_answer_function
from studyapp.content.model import Choice, Item, ParamSpec, Text

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
MAX_DRAWS = 200


class VariantError(Exception):
    """The item's parameters or answer function cannot produce a valid instance."""


def placeholders(text: str) -> set[str]:
    """Names used as ``{{name}}`` in ``text`` (numbered cloze blanks are not names)."""
    return set(PLACEHOLDER.findall(text))


def format_value(value: Any) -> str:
    """How a computed value reads in a prompt: ints plain, floats to 4 significant digits."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.4g}"
    if isinstance(value, Fraction):
        return str(value)
    return str(value)


def draw(params: tuple[ParamSpec, ...], generator: str, seed: int, item_id: str) -> tuple[dict[str, Any], Generated]:
    """Draw parameters for ``seed`` until the answer function accepts them."""
    function = get_answer_function(generator)
    if function is None:
        raise VariantError(f"unknown answer function {generator!r}")
    rng = random.Random(f"{item_id}:{seed}")
    for _ in range(MAX_DRAWS):
        values = {spec.name: rng.choice(spec.domain()) for spec in params}
        try:
            return values, function(values)
        except Reject:
            continue
        except Exception as exc:  # an author's bad parameter range must not crash the app
            raise VariantError(f"answer function {generator!r} failed on {values}: {type(exc).__name__}: {exc}") from exc
    raise VariantError(f"answer function {generator!r} rejected {MAX_DRAWS} draws of the parameters; widen the ranges")


def fill(text: Text, values: Mapping[str, Any]) -> Text:
    def substitute(s: str) -> str:
        return PLACEHOLDER.sub(lambda m: format_value(values[m.group(1)]) if m.group(1) in values else m.group(0), s)

    return Text({lang: substitute(s) for lang, s in text.values.items()})


def instantiate(item: Item, seed: int = 0) -> Item:
    """The concrete item for ``seed``; items without parameters are returned as they are."""
    if not item.parameterized:
        return item
    params, generated = draw(item.params, item.generator, seed, item.id)
    values: dict[str, Any] = {**params, **generated.values, "answer": generated.answer}
    changes: dict[str, Any] = {
        "prompt": fill(item.prompt, values),
        "explanation": fill(item.explanation, values),
        "template": fill(item.template, values),
        "hints": tuple(fill(h, values) for h in item.hints),
        "instance_seed": seed,
        "instance_values": tuple(sorted((k, format_value(v)) for k, v in values.items())),
    }
    if item.kind == "single":
        options = _unique_values([generated.answer, *generated.distractors])
        rng = random.Random(f"{item.id}:{seed}:choices")
        order = list(range(len(options)))
        rng.shuffle(order)
        choices = tuple(
            Choice(fill(item.choice_format, {**values, "value": options[i]})) for i in order
        )
        changes["choices"] = choices
        changes["answer"] = order.index(0)
        changes["shuffle"] = False
    elif item.kind == "multi":
        raise VariantError("multi items cannot be parameterized")
    elif item.kind == "truefalse":
        changes["answer"] = bool(generated.answer)
    elif item.kind == "numeric":
        changes["answer"] = float(generated.answer)
    elif item.kind == "text":
        changes["accept"] = (format_value(generated.answer), *item.accept)
    else:
        changes["choices"] = tuple(Choice(fill(c.text, values), fill(c.feedback, values)) for c in item.choices)
    return replace(item, **changes)


def _unique_values(values: list[Any]) -> list[Any]:
    """Drop distractors that coincide with the answer or each other (compared as shown)."""
    seen: set[str] = set()
    unique = []
    for value in values:
        shown = format_value(value)
        if shown not in seen:
            seen.add(shown)
            unique.append(value)
    return unique
