"""YAML read as YAML 1.2 (core schema) into plain JSON values.

PyYAML implements YAML 1.1, where `Yes`, `No`, `On`, `Off` are booleans, `2024-01-01` is a date,
`1:20` a base-60 integer and `!!set`/`!!binary` build Python sets and bytes. The AWS Toolkit and
the JavaScript tools people write `.asl.yaml` files with read YAML 1.2, where all of those stay
strings; a published sample names its states `Yes` and `No`. A definition is a JSON document,
so everything read here is a JSON value: mapping keys become strings as JavaScript writes them,
numbers stay within what AWS's JSON reader takes, and tags with no JSON meaning are refused
with their location.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml
from yaml.constructor import ConstructorError

# Jackson's `StreamReadConstraints.getMaxNumberLength()`: AWS's JSON reader refuses longer numbers.
MAX_NUMBER_LENGTH = 1000

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_MERGE = re.compile(r"^(?:<<)$")


def resolves_as_non_string(text: str) -> bool:
    """Whether YAML 1.2 reads this plain scalar as null, a boolean or a number (so a writer must quote it).

    PyYAML's writer quotes only what YAML 1.1 would read so; `1e3` and `0o17` are strings there and
    numbers here.
    """
    return any(pattern.match(text) for pattern in (_NULL, _BOOL, _INT, _FLOAT))


def number_length_problem(literal: str) -> str | None:
    """Why a number literal is longer than AWS's reader takes, or None."""
    if len(literal) > MAX_NUMBER_LENGTH:
        return (
            f"Number value length ({len(literal)}) exceeds the maximum allowed ({MAX_NUMBER_LENGTH}, "
            "from `StreamReadConstraints.getMaxNumberLength()`)"
        )
    return None


def non_finite_problem(literal: str) -> str:
    return f"The number {literal[:40]} is not a finite JSON number (NaN and infinities have no JSON form)"


class Yaml12Loader(yaml.SafeLoader):
    """A safe loader with YAML 1.2's core-schema resolution and JSON-only values."""

    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        text = str(self.construct_scalar(node))
        problem = number_length_problem(text)
        if problem is not None:
            raise ConstructorError(None, None, problem, node.start_mark)
        body = text.lstrip("+")
        try:
            if body.startswith("0o"):
                return int(body[2:], 8)
            if body.startswith("0x"):
                return int(body[2:], 16)
            return int(body, 10)
        except ValueError:
            raise ConstructorError(None, None, f"{text!r} is not an integer", node.start_mark) from None

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float | int:
        text = str(self.construct_scalar(node))
        problem = number_length_problem(text)
        if problem is not None:
            raise ConstructorError(None, None, problem, node.start_mark)
        try:
            value = float(text.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf"))
        except ValueError:
            if text.lower() == ".nan":
                value = math.nan
            else:
                raise ConstructorError(None, None, f"{text!r} is not a number", node.start_mark) from None
        if not math.isfinite(value):
            raise ConstructorError(None, None, non_finite_problem(text), node.start_mark)
        return value

    def construct_yaml_bool(self, node: yaml.ScalarNode) -> bool:
        text = str(self.construct_scalar(node))
        if text.lower() not in ("true", "false"):
            raise ConstructorError(None, None, f"{text!r} is not a boolean", node.start_mark)
        return text.lower() == "true"

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> str:  # type: ignore[override]
        # JSON has no dates: a timestamp is the text the user wrote.
        return str(self.construct_scalar(node))

    def construct_no_json_equivalent(self, node: yaml.Node) -> Any:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise ConstructorError(None, None, f"the YAML tag {tag} has no JSON equivalent", node.start_mark)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:  # type: ignore[override]
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            mapping[json_key(key, key_node, node)] = self.construct_object(value_node, deep=deep)
        return mapping


def json_key(key: Any, key_node: yaml.Node, node: yaml.Node) -> str:
    """A mapping key as the JSON member name JavaScript would make of it."""
    if isinstance(key, str):
        return key
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int):
        return str(key)
    if isinstance(key, float):
        return str(int(key)) if key.is_integer() and abs(key) < 1e21 else repr(key)
    raise ConstructorError(
        "while constructing a mapping",
        node.start_mark,
        "a mapping key must be a string, number, boolean or null in a JSON document",
        key_node.start_mark,
    )


Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""])
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:merge", _MERGE, ["<"])
Yaml12Loader.add_constructor("tag:yaml.org,2002:int", Yaml12Loader.construct_yaml_int)
Yaml12Loader.add_constructor("tag:yaml.org,2002:float", Yaml12Loader.construct_yaml_float)
Yaml12Loader.add_constructor("tag:yaml.org,2002:bool", Yaml12Loader.construct_yaml_bool)
Yaml12Loader.add_constructor("tag:yaml.org,2002:timestamp", Yaml12Loader.construct_yaml_timestamp)
for _tag in ("binary", "set", "omap", "pairs"):
    Yaml12Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", Yaml12Loader.construct_no_json_equivalent)
