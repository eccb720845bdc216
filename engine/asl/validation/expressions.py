"""Checks of the expressions a definition holds: JSONPath, intrinsic calls and JSONata."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from engine.asl.validation import messages as msg
from engine.asl.validation.checker import Checker, is_jsonata_text, substitute_placeholders
from engine.expr import (
    IntrinsicSyntaxError,
    PathSyntaxError,
    looks_like_intrinsic,
    parse_intrinsic,
    parse_path,
)
from engine.expr.jsonata import Jsonata

INVALID_JSONATA_EXPRESSION = "INVALID_JSONATA_EXPRESSION"
UNSUPPORTED_JSONATA_EXPRESSION = "UNSUPPORTED_JSONATA_EXPRESSION"


def path_error(text: str) -> str | None:
    """Why `text` is not a JSONPath Step Functions accepts, or None."""
    try:
        parse_path(text)
    except PathSyntaxError as exc:
        return str(exc) or "invalid path"
    return None


def reference_path_error(text: str) -> str | None:
    """Why `text` is not a reference path (names and single indices only), or None."""
    if not text.startswith("$"):
        return "Reference path didn't start with '$'"
    try:
        path = parse_path(text)
    except PathSyntaxError as exc:
        return str(exc) or "invalid path"
    if path.root != "$":
        # `$$`, `$var` and `$states` name the context object or variables, which a result never goes into.
        return "Reference path must start with '$' followed by '.' or '['"
    if not path.is_reference_path:
        return "Reference path must only contain names and array indexes"
    return None


def check_path_field(
    checker: Checker, obj: dict[str, Any], key: str, loc: str, *, nullable: bool = True
) -> None:
    if key not in obj:
        return
    value = obj[key]
    if value is None and nullable:
        return
    if not isinstance(value, str):
        checker.error(msg.expected_type("STRING"), f"{loc}/{key}")
        return
    if path_error(value) is not None:
        checker.error(msg.INVALID_JSONPATH, f"{loc}/{key}")


def check_reference_path_field(
    checker: Checker, obj: dict[str, Any], key: str, loc: str, *, nullable: bool = True
) -> None:
    if key not in obj:
        return
    value = obj[key]
    if value is None and nullable:
        return
    if not isinstance(value, str):
        checker.error(msg.expected_type("STRING"), f"{loc}/{key}")
        return
    reason = reference_path_error(value)
    if reason is not None:
        checker.error(msg.not_reference_path(reason), f"{loc}/{key}")


def payload_value_ok(text: str) -> bool:
    """A `.$` value: a path, or an intrinsic function call."""
    if looks_like_intrinsic(text):
        try:
            parse_intrinsic(text)
        except IntrinsicSyntaxError:
            return False
        return True
    return path_error(text) is None


# The intrinsics that return a string, as AWS's Fail state documentation lists them for ErrorPath and
# CausePath; AWS recorded no refusal to compare with, so this follows the documentation.
STRING_INTRINSICS = frozenset(
    (
        "States.Format",
        "States.JsonToString",
        "States.ArrayGetItem",
        "States.Base64Encode",
        "States.Base64Decode",
        "States.Hash",
        "States.UUID",
    )
)


def string_intrinsic_problem(text: str) -> str | None:
    """The name of the intrinsic a Fail field calls when it cannot return a string, or None."""
    if not looks_like_intrinsic(text):
        return None
    try:
        call = parse_intrinsic(text)
    except IntrinsicSyntaxError:
        return None  # reported as an invalid value elsewhere
    name = getattr(call, "name", None)
    return name if isinstance(name, str) and name not in STRING_INTRINSICS else None


def check_payload_template(checker: Checker, value: Any, loc: str) -> None:
    """Walk a JSONPath payload template (Parameters, ResultSelector, ItemSelector, Assign...)."""
    if isinstance(value, dict):
        for key in value:
            # The spec forbids a template whose field names repeat once `.$` is stripped.
            if isinstance(key, str) and key.endswith(".$") and key[:-2] in value:
                checker.error(msg.duplicate_template_field(key[:-2]), loc)
        for key, item in value.items():
            if isinstance(key, str) and key.endswith(".$"):
                if not isinstance(item, str) or not payload_value_ok(item):
                    checker.error(msg.invalid_payload_path(key), loc)
            else:
                check_payload_template(checker, item, f"{loc}/{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_payload_template(checker, item, f"{loc}[{i}]")


# JSONata -------------------------------------------------------------------------------------

_STRING_LITERAL = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'", re.S)


@lru_cache(maxsize=4096)
def jsonata_problem(body: str, *, in_catcher: bool = False) -> tuple[str, str] | None:
    """(code, message) for a JSONata expression Step Functions refuses, or None."""
    try:
        ast = Jsonata(body).ast
    except Exception as exc:  # jsonata raises its own JException, and occasionally others
        text = str(exc) or "Invalid expression"
        return INVALID_JSONATA_EXPRESSION, re.sub(r"^S0\d{3}:\s*", "", text)
    code_only = _STRING_LITERAL.sub('""', body)
    if "$$" in code_only:
        return UNSUPPORTED_JSONATA_EXPRESSION, msg.jsonata_reference_not_supported("$$")
    if not in_catcher and re.search(r"\$states\s*\.\s*errorOutput\b", code_only):
        return UNSUPPORTED_JSONATA_EXPRESSION, msg.jsonata_field_missing("$states.errorOutput")
    name = _top_level_name(ast)
    if name is not None:
        return UNSUPPORTED_JSONATA_EXPRESSION, f"Reference to '{name}' at the top level is not supported."
    return None


def _top_level_name(node: Any) -> str | None:
    """The first field name read from the (absent) root context, if the expression has one."""
    if node is None or isinstance(node, (str, int, float, bool)):
        return None
    if isinstance(node, list):
        for item in node:
            found = _top_level_name(item)
            if found is not None:
                return found
        return None
    kind = getattr(node, "type", None)
    if kind == "name":
        return str(getattr(node, "value", ""))
    if kind == "path":
        steps = getattr(node, "steps", None) or []
        return _top_level_name(steps[0]) if steps else None
    children = []
    for attr in (
        "lhs",
        "rhs",
        "expression",
        "arguments",
        "condition",
        "then",
        "else_",
        "lhsObject",
        "procedure",
        "body",
    ):
        child = getattr(node, attr, None)
        if child is not None:
            children.append(child)
    for child in children:
        found = _top_level_name(child)
        if found is not None:
            return found
    return None


def check_jsonata_value(checker: Checker, value: Any, loc: str, *, in_catcher: bool = False) -> None:
    """Check every `{% %}` string inside a JSONata-mode field value."""
    if isinstance(value, str):
        if is_jsonata_text(value):
            problem = jsonata_problem(substitute_placeholders(value[2:-2]).strip(), in_catcher=in_catcher)
            if problem is not None:
                checker.error(problem[1], loc, code=problem[0])
    elif isinstance(value, dict):
        for key, item in value.items():
            check_jsonata_value(checker, item, f"{loc}/{key}", in_catcher=in_catcher)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_jsonata_value(checker, item, f"{loc}[{i}]", in_catcher=in_catcher)
