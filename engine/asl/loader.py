"""Reading definitions from text and files, safely.

Definitions come from users' disks and from templates pasted off the web, so reading them must
never hang, never blow up memory and always say where the problem is. JSON is tried first
(it is what AWS takes); YAML second, because SAM projects keep `.asl.yaml` files and some
hand-written `.asl.json` files only parse with a YAML reader (trailing commas).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError

from engine.asl.yaml12 import Yaml12Loader, non_finite_problem, number_length_problem
from engine.deep_nesting import nesting_headroom

# CreateStateMachine's limit on the definition's length, in characters.
MAX_DEFINITION_LENGTH = 1_048_576
# UTF-8 takes at most four bytes a character: a file longer than this cannot be within the limit.
_MAX_FILE_BYTES = 4 * MAX_DEFINITION_LENGTH
# A YAML document may not expand (through aliases) to more values than this.
MAX_YAML_VALUES = 200_000
# Nor to more characters of scalars: a few values repeated through aliases can still weigh gigabytes
# once written out as JSON. Four times the definition limit leaves room for a whole template.
MAX_YAML_EXPANDED_CHARS = 4 * MAX_DEFINITION_LENGTH
# The code of a load error for well-formed YAML that holds a value with no JSON form.
YAML_VALUE = "YAML_VALUE"


class DefinitionLoadError(Exception):
    """A definition that cannot be read: says which file, where in it, and why."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        code: str = "INVALID_JSON_DESCRIPTION",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        self.code = code

    def located(self) -> str:
        where = self.source or "<definition>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"

    def __str__(self) -> str:
        return self.located()


@dataclass(frozen=True, slots=True)
class LoadedText:
    """A parsed document and how it was read."""

    value: Any
    syntax: str  # "json" or "yaml"


def read_text_file(path: str | Path, *, limit: int = MAX_DEFINITION_LENGTH) -> str:
    """The text of a definition file, refusing what is too big, binary or not UTF-8."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise DefinitionLoadError("is a directory, not a definition file", source=str(p), code="IO")
        with p.open("rb") as fh:
            data = fh.read(max(limit, _MAX_FILE_BYTES) + 1)
    except DefinitionLoadError:
        raise
    except FileNotFoundError:
        raise DefinitionLoadError("no such file", source=str(p), code="IO") from None
    except OSError as exc:
        raise DefinitionLoadError(exc.strerror or str(exc), source=str(p), code="IO") from None
    if len(data) > max(limit, _MAX_FILE_BYTES):
        raise _too_large(f"the file is {size:,} bytes", limit, str(p))
    if b"\x00" in data[:8192]:
        raise DefinitionLoadError(
            "this is a binary file, not a JSON or YAML definition",
            source=str(p),
            code="INVALID_JSON_DESCRIPTION",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DefinitionLoadError(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            source=str(p),
            line=line,
            code="INVALID_JSON_DESCRIPTION",
        ) from None
    if len(text) > limit:
        raise _too_large(f"the file holds {len(text):,} characters", limit, str(p))
    return text


def _too_large(what: str, limit: int, source: str | None) -> DefinitionLoadError:
    return DefinitionLoadError(
        f"{what}; a state machine definition may be at most {limit:,} characters",
        source=source,
        code="ValidationException",
    )


def parse_text(
    text: str, *, source: str | None = None, prefer: str = "json", yaml_fallback: bool = True
) -> LoadedText:
    """Parse JSON (or, failing that and when allowed, YAML) text into a JSON value."""
    if len(text) > MAX_DEFINITION_LENGTH:
        raise _too_large(f"the definition holds {len(text):,} characters", MAX_DEFINITION_LENGTH, source)
    json_error: json.JSONDecodeError | None = None
    if prefer == "json":
        try:
            return LoadedText(loads_json(text), "json")
        except _NumberRefused as exc:
            raise _number_error(exc, text, source) from None
        except json.JSONDecodeError as exc:
            if not yaml_fallback:
                raise _json_load_error(exc, source) from None
            json_error = exc
        except RecursionError:
            raise DefinitionLoadError("the document is nested too deeply", source=source) from None
    try:
        value = _parse_yaml(text, source)
    except DefinitionLoadError as exc:
        # A refusal for safety (alias bombs, absurd nesting) says more than the JSON error would.
        if json_error is not None and exc.code not in ("UNSAFE", YAML_VALUE):
            raise _json_load_error(json_error, source) from None
        raise
    if json_error is not None and not isinstance(value, (dict, list)):
        # A bare word is valid YAML but was clearly meant as JSON.
        raise _json_load_error(json_error, source)
    return LoadedText(value, "yaml")


class _NumberRefused(ValueError):
    """A number AWS's JSON reader refuses: too long, or not finite."""

    def __init__(self, literal: str, reason: str) -> None:
        super().__init__(reason)
        self.literal = literal
        self.reason = reason


def _checked_int(literal: str) -> int:
    problem = number_length_problem(literal)
    if problem is not None:
        raise _NumberRefused(literal, problem)
    return int(literal)


def _checked_float(literal: str) -> float:
    problem = number_length_problem(literal)
    if problem is not None:
        raise _NumberRefused(literal, problem)
    value = float(literal)
    if value in (math.inf, -math.inf):
        raise _NumberRefused(literal, non_finite_problem(literal))
    return value


def _refuse_constant(literal: str) -> Any:
    raise _NumberRefused(
        literal,
        f"Non-standard token '{literal}': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow",
    )


def loads_json(text: str) -> Any:
    """`json.loads` refusing what AWS's JSON reader refuses: NaN, infinities and overlong numbers."""
    return json.loads(
        text, parse_int=_checked_int, parse_float=_checked_float, parse_constant=_refuse_constant
    )


def _number_error(exc: _NumberRefused, text: str, source: str | None) -> DefinitionLoadError:
    pos = text.find(exc.literal)
    line = column = None
    if pos >= 0:
        line = text.count("\n", 0, pos) + 1
        column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return DefinitionLoadError(exc.reason, source=source, line=line, column=column)


def load_document(source: str | Path | dict[str, Any]) -> Any:
    """A definition's JSON value from a dict, JSON/YAML text, or a path to a file."""
    if isinstance(source, dict):
        return source
    if isinstance(source, Path):
        return parse_text(read_text_file(source), source=str(source), prefer=_preference(source)).value
    if isinstance(source, str):
        return parse_text(source).value
    raise TypeError(f"cannot load a definition from {type(source).__name__}")


def _preference(path: Path) -> str:
    return "yaml" if path.suffix.lower() in (".yaml", ".yml") else "json"


def _json_load_error(exc: json.JSONDecodeError, source: str | None) -> DefinitionLoadError:
    return DefinitionLoadError(jackson_message(exc), source=source, line=exc.lineno, column=exc.colno)


_BARE_WORD = re.compile(r"[A-Za-z_][\w.\-]*")


def jackson_message(exc: json.JSONDecodeError) -> str:
    """A JSON syntax error worded as AWS's JSON reader words it."""
    text, pos = exc.doc, exc.pos
    word = _BARE_WORD.match(text, pos)
    if word and word.group(0) not in ("true", "false", "null"):
        column = exc.colno + len(word.group(0))
        where = f'[Source: (String)"{text[:500]}"; line: {exc.lineno}, column: {column}]'
        return (
            f"Unrecognized token '{word.group(0)}': was expecting (JSON String, Number, Array, "
            f"Object or token 'null', 'true' or 'false')\n at {where}"
        )
    if pos >= len(text.rstrip()):
        return f"Unexpected end-of-input (line {exc.lineno}, column {exc.colno}): {exc.msg}"
    char = text[pos]
    return (
        f"Unexpected character ('{char}' (code {ord(char)})): {exc.msg.lower()}"
        f" (line {exc.lineno}, column {exc.colno})"
    )


class _SafeLoader(Yaml12Loader):
    """YAML 1.2 without Python objects; CloudFormation's short tags become their long form."""


def _cfn_tag(loader: Yaml12Loader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if tag_suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_SafeLoader.add_multi_constructor("!", _cfn_tag)


# AWS reads definitions with Jackson, which refuses documents nested deeper than this; YAML is held
# to the same bound, so that everything StateCanvas writes (YAML exports included) reads back.
MAX_NESTING = 1000


def nesting_depth(text: str) -> int:
    """The deepest bracket nesting in flow-style text (quotes skipped), in one pass."""
    depth = deepest = 0
    quote = ""
    escaped = False
    for ch in text:
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\" and quote == '"':
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
    return deepest


def _parse_yaml(text: str, source: str | None) -> Any:
    if nesting_depth(text) > MAX_NESTING:
        raise DefinitionLoadError(
            f"the document is nested too deeply (more than {MAX_NESTING} levels)",
            source=source,
            code="UNSAFE",
        )
    with nesting_headroom():  # PyYAML composes and constructs recursively, several frames a level
        return _compose_yaml(text, source)


def _compose_yaml(text: str, source: str | None) -> Any:
    loader: _SafeLoader | None = None
    try:
        loader = _SafeLoader(text)
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node, source)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise DefinitionLoadError(
            f"{exc.problem or exc.context or 'invalid YAML'}",
            source=source,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            # Well-formed YAML holding a value JSON cannot carry: say that, not why it isn't JSON.
            code=YAML_VALUE if isinstance(exc, ConstructorError) else "INVALID_JSON_DESCRIPTION",
        ) from None
    except yaml.YAMLError as exc:
        raise DefinitionLoadError(f"invalid YAML: {exc}", source=source) from None
    except RecursionError:
        raise DefinitionLoadError("the document is nested too deeply", source=source) from None
    finally:
        if loader is not None:
            loader.dispose()


def _check_expansion(root: yaml.Node, source: str | None) -> None:
    """Refuse documents whose aliases multiply into a huge value (the 'billion laughs')."""
    sizes: dict[int, int] = {}
    weights: dict[int, int] = {}
    visiting: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in visiting:
            raise DefinitionLoadError(
                "the YAML document refers to itself through an alias",
                source=source,
                line=node.start_mark.line + 1,
                code="UNSAFE",
            )
        visiting.add(key)
        total = 1
        weight = len(node.value) if isinstance(node, yaml.ScalarNode) else 1
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        for child in children:
            total += size(child)
            weight += weights[id(child)]
        visiting.discard(key)
        sizes[key] = total
        weights[key] = weight
        if weight > MAX_YAML_EXPANDED_CHARS:
            raise DefinitionLoadError(
                f"the YAML aliases expand to more than {MAX_YAML_EXPANDED_CHARS:,} characters; "
                "refusing to read it",
                source=source,
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
                code="UNSAFE",
            )
        if total > MAX_YAML_VALUES:
            raise DefinitionLoadError(
                f"the YAML aliases expand to more than {MAX_YAML_VALUES:,} values; refusing to read it",
                source=source,
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
                code="UNSAFE",
            )
        return total

    size(root)
