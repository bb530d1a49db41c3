"""JSON from a URL: the number found at a path such as `data.items[0].count`.

The path is a dotted list of keys with list indexes in brackets (`[-1]` is the last
item); a key holding dots or brackets is quoted: `["sales.eu"]`. A leading `$` is
allowed. An empty path means the document is the number itself.
"""

import json
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from cible.sources.readers import SourceError, decode, fetch, to_value

if TYPE_CHECKING:
    from cible.sources.models import DataSource

Step = str | int

_STEP = re.compile(r"""\[(-?\d{1,9})\]|\[(?:"([^"]*)"|'([^']*)')\]|(\.)?([^.\[\]]+)""")
MAX_STEPS = 50


class PathError(ValueError):
    """The path is not written in the path syntax."""


def parse_path(path: str) -> list[Step]:
    text = path.strip()
    if text.startswith("$"):
        text = text[1:]
        if text.startswith("."):
            text = text[1:]
    steps: list[Step] = []
    position = 0
    while position < len(text):
        match = _STEP.match(text, position)
        if match is None:
            raise PathError(text[position:])
        index, double, single, dot, name = match.groups()
        if name is not None:
            if bool(dot) != bool(steps):  # a dot between two steps, never before the first
                raise PathError(text[position:])
            steps.append(name)
        else:
            steps.append(int(index) if index is not None else (double or single or ""))
        position = match.end()
    if len(steps) > MAX_STEPS:
        raise PathError(text)
    return steps


def format_path(steps: list[Step]) -> str:
    text = ""
    for step in steps:
        if isinstance(step, int):
            text += f"[{step}]"
        elif re.fullmatch(r"[^.\[\]\"']+", step):
            text += f".{step}" if text else step
        else:
            text += json.dumps([step], ensure_ascii=False)
    return text or "$"


def follow(document: object, steps: list[Step]) -> object:
    """The node at the path, else SourceError naming the first step that is missing."""
    node = document
    for count, step in enumerate(steps, start=1):
        if isinstance(node, list) and isinstance(step, str) and step.lstrip("-").isdigit():
            step = int(step)  # items.0 reads as items[0]
        if isinstance(node, list) and isinstance(step, int) and -len(node) <= step < len(node):
            node = node[step]
            continue
        if isinstance(node, dict) and isinstance(step, str) and step in node:
            node = node[step]
            continue
        raise SourceError("missing_path", path=format_path(steps[:count]))
    return node


def value_in(text: str, path: str) -> Decimal:
    try:
        steps = parse_path(path)
    except PathError:
        raise SourceError("missing_path", path=path) from None
    try:
        # Decimals all the way: 0.1 stays 0.1, and NaN or Infinity arrive as such to fail.
        document = json.loads(text, parse_float=Decimal, parse_constant=Decimal)
    except (ValueError, RecursionError) as error:
        raise SourceError("bad_json", reason=error) from None
    return to_value(follow(document, steps))


def read(source: "DataSource") -> Decimal:
    body, charset = fetch(source.url, "application/json")
    return value_in(decode(body, charset), source.path)
