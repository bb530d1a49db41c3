"""Reading an OKR file into plain values, remembering the line of every value so that each
error points at it.

YAML and JSON go through the same parser (JSON is YAML). Two YAML 1.1 habits are turned
off because they surprise people: dates and times stay text until the schema reads them
(so that `2027-02-30` is an error with its line, not a crash), and every scalar keeps the
text as written, so that `12.10` is the decimal 12.10 and not a float, and `2027` may be a
cycle's name. Anchors and aliases are refused: an alias repeated inside aliases grows a
small file into billions of values.
"""

from dataclasses import dataclass, field
from typing import Any

import yaml
from django.utils.translation import gettext as _

Path = tuple[str | int, ...]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_Loader):  # type: ignore[misc,valid-type]
    """The safe loader without the timestamp resolver."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _Loader.yaml_implicit_resolvers.items()
    }


@dataclass(frozen=True)
class Problem:
    line: int
    message: str


# Far above an organisation of 100,000 people's OKRs; below what would exhaust a server.
MAX_SIZE = 50 * 1024 * 1024


def too_large() -> Problem:
    return Problem(
        1, _("The file is larger than %(size)d MB.") % {"size": MAX_SIZE // (1024 * 1024)}
    )


@dataclass
class Source:
    """The file's values, the line of each (by path), and the scalars' text as written."""

    data: Any = None
    lines: dict[Path, int] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line(self, path: Path) -> int:
        """The line of the value at `path`, or of its nearest ancestor written in the file."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


class _Alias(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def parse(text: str) -> Source:
    source = Source()
    if len(text) > MAX_SIZE:
        source.problems.append(too_large())
        return source
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _walk(node, (), source, set())
            source.data = loader.construct_document(node)
    except _Alias as alias:
        source.problems.append(
            Problem(alias.line, _("Anchors and aliases (& and *) are not supported."))
        )
        source.data = None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or ""
        source.problems.append(
            Problem(
                mark.line + 1 if mark else 1,
                _("This is not valid YAML or JSON: %(problem)s.") % {"problem": problem},
            )
        )
        source.data = None
    except (yaml.YAMLError, ValueError, RecursionError) as error:
        source.problems.append(
            Problem(1, _("This is not valid YAML or JSON: %(problem)s.") % {"problem": error})
        )
        source.data = None
    finally:
        loader.dispose()
    return source


def _walk(node: yaml.Node, path: Path, source: Source, seen: set[int]) -> None:
    if id(node) in seen:
        raise _Alias(node.start_mark.line + 1)
    seen.add(id(node))
    source.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        source.raw[path] = node.value
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), source, seen)
    elif isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in keys:
                source.problems.append(
                    Problem(
                        key_node.start_mark.line + 1,
                        _("The field “%(name)s” is written twice.") % {"name": key},
                    )
                )
            if key is not None:
                keys.add(key)
                _walk(value_node, (*path, key), source, seen)
