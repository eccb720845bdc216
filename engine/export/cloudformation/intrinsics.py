"""CloudFormation intrinsic functions, seen as `${...}` text and back.

Definitions inside templates mix ASL with `Ref`, `Fn::GetAtt`, `Fn::Sub` and (in CDK output)
`Fn::Join`. StateCanvas keeps a definition as plain ASL, so every intrinsic becomes a
`${...}` placeholder in a string, the same notation SAM's `DefinitionSubstitutions` and
`Fn::Sub` use; what a placeholder stood for is kept in a substitution map so that export can
write it back. Nothing here knows about projects: see `importer` and the catalog's bindings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

PSEUDO_PARAMETERS = frozenset(
    {
        "AWS::AccountId",
        "AWS::NotificationARNs",
        "AWS::NoValue",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)

# `${Name}` or `${Name.Attribute}`; `${!Literal}` is Fn::Sub's escape for a literal `${`.
PLACEHOLDER = re.compile(r"\$\{(?!!)([^{}]+)\}")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9]+")


def is_intrinsic(value: Any) -> bool:
    """A one-key object whose key is `Ref`, `Condition` or an `Fn::` function."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    (key,) = value
    return key == "Ref" or key == "Condition" or (isinstance(key, str) and key.startswith("Fn::"))


def get_att_parts(value: Any) -> tuple[str, str] | None:
    """(logical id, attribute) of an `Fn::GetAtt`, in list or dotted-string form."""
    if not isinstance(value, dict) or len(value) != 1 or "Fn::GetAtt" not in value:
        return None
    arg = value["Fn::GetAtt"]
    if isinstance(arg, str) and "." in arg:
        logical, attribute = arg.split(".", 1)
        return logical, attribute
    if isinstance(arg, list) and len(arg) == 2 and all(isinstance(a, str) for a in arg):
        return arg[0], arg[1]
    return None


def ref_name(value: Any) -> str | None:
    """The name a `Ref` points at."""
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Ref"), str):
        return value["Ref"]
    return None


def placeholders(text: str) -> list[str]:
    """The names of the `${...}` placeholders in a string, in order, without repeats."""
    seen: dict[str, None] = {}
    for match in PLACEHOLDER.finditer(text):
        seen.setdefault(match.group(1).strip(), None)
    return list(seen)


def literal_text(text: str) -> Any:
    """User text as a template value that CloudFormation keeps as written, `${...}` included.

    A plain string holding `${Name}` reads as a substitution outside `Fn::Sub` (the linter
    refuses it); an `Fn::Join` that splits each `${` between two parts is the same text with
    nothing to substitute.
    """
    if "${" not in text:
        return text
    parts = text.split("${")
    pieces = [parts[0] + "$"] + ["{" + middle + "$" for middle in parts[1:-1]] + ["{" + parts[-1]]
    return {"Fn::Join": ["", pieces]}


def escape_metadata(value: Any) -> Any:
    """Metadata with every `${` written `${!`: CloudFormation never substitutes metadata, and
    the escape keeps the text from reading as a substitution. `unescape_metadata` undoes it."""
    return map_strings(value, lambda s: s.replace("${", "${!"))


def unescape_metadata(value: Any) -> Any:
    return map_strings(value, lambda s: s.replace("${!", "${"))


def is_plain_name(name: str) -> bool:
    """Whether a placeholder name can stand as a template parameter or substitution key."""
    return _PLAIN_NAME.fullmatch(name) is not None


class Flattener:
    """Turns intrinsic objects into `${...}` text, collecting what each placeholder means.

    `Ref X` becomes `${X}`, `Fn::GetAtt [X, A]` becomes `${X.A}` (which is what Fn::Sub itself
    understands), `Fn::Sub` contributes its string and its variable map, and `Fn::Join` of
    such parts joins their text. Anything else (Fn::If, Fn::Select...) cannot be shown as text,
    so it gets a fresh variable `${IntrinsicN}` whose value is the original object.
    """

    def __init__(self, variables: dict[str, Any] | None = None) -> None:
        self.variables: dict[str, Any] = dict(variables or {})
        self._fresh = 0

    def text(self, value: Any) -> str:
        """The text an intrinsic (or a plain scalar) stands for."""
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(value)
        name = ref_name(value)
        if name is not None:
            return "${" + name + "}"
        att = get_att_parts(value)
        if att is not None:
            return "${" + f"{att[0]}.{att[1]}" + "}"
        if isinstance(value, dict) and len(value) == 1 and "Fn::Sub" in value:
            return self._sub(value["Fn::Sub"], value)
        if isinstance(value, dict) and len(value) == 1 and "Fn::Join" in value:
            arg = value["Fn::Join"]
            if (
                isinstance(arg, list)
                and len(arg) == 2
                and isinstance(arg[0], str)
                and isinstance(arg[1], list)
            ):
                return arg[0].join(self.text(part) for part in arg[1])
        return self._opaque(value)

    def _sub(self, arg: Any, whole: Any) -> str:
        if isinstance(arg, str):
            return unescape_dangling(arg)
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict):
            body = unescape_dangling(arg[0])
            for key, val in arg[1].items():
                key = str(key)
                if key in self.variables and self.variables[key] != val:
                    # Two Subs in one definition using one name for different things.
                    new = self._new_name(key)
                    body = re.sub(r"\$\{" + re.escape(key) + r"\}", "${" + new + "}", body)
                    key = new
                self.variables[key] = val
            return body
        return self._opaque(whole)

    def _new_name(self, base: str) -> str:
        while True:
            self._fresh += 1
            name = f"{base}{self._fresh}"
            if name not in self.variables:
                return name

    def _opaque(self, value: Any) -> str:
        name = self._new_name("Intrinsic")
        self.variables[name] = value
        return "${" + name + "}"

    def walk(self, value: Any) -> Any:
        """A copy of a JSON value with every intrinsic object inside it replaced by its text."""
        if is_intrinsic(value):
            return self.text(value)
        if isinstance(value, dict):
            return {key: self.walk(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.walk(item) for item in value]
        return value


def map_strings(value: Any, fn: Callable[[str], str]) -> Any:
    """A copy of a JSON value with `fn` applied to every string in it, object keys included.

    Fn::Sub and DefinitionSubstitutions work on the definition's text, so a placeholder in a key
    (`"${Field}.$"`) is substituted as much as one in a value.
    """
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {
            fn(key) if isinstance(key, str) else key: map_strings(item, fn) for key, item in value.items()
        }
    if isinstance(value, list):
        return [map_strings(item, fn) for item in value]
    return value


def strings_in(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield key
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def names_referenced(value: Any) -> Iterator[tuple[str, str]]:
    """(JSON Pointer, name) for every resource or parameter a value points at.

    Covers `Ref`, `Fn::GetAtt` and the `${X}` / `${X.Attr}` names in an `Fn::Sub` string that
    are not keys of its own variable map. Pseudo parameters are included (callers skip them).
    """

    def visit(node: Any, where: str, local: frozenset[str]) -> Iterator[tuple[str, str]]:
        name = ref_name(node)
        if name is not None:
            yield where + "/Ref", name
            return
        att = get_att_parts(node)
        if att is not None:
            yield where + "/Fn::GetAtt", att[0]
            return
        if isinstance(node, dict) and len(node) == 1 and "Fn::Sub" in node:
            arg = node["Fn::Sub"]
            body, variables = (arg, {}) if not isinstance(arg, list) or len(arg) != 2 else (arg[0], arg[1])
            if not isinstance(variables, dict):
                variables = {}
            else:
                yield from visit(variables, where + "/Fn::Sub/1", local)
            if isinstance(body, str):
                for placeholder in placeholders(body):
                    if placeholder not in variables:
                        yield where + "/Fn::Sub", placeholder.split(".", 1)[0]
            return
        if isinstance(node, dict):
            for key, item in node.items():
                yield from visit(item, f"{where}/{key}", local)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                yield from visit(item, f"{where}/{i}", local)

    yield from visit(value, "", frozenset())


_DANGLING = re.compile(r"\$\{(?![^{}]*\})")
_ESCAPED_DANGLING = re.compile(r"\$\{!(?![^{}]*\})")


def escape_dangling(text: str) -> str:
    """A string for an Fn::Sub body: a `${` that opens no placeholder in it is written `${!`.

    Otherwise Fn::Sub would read from it to the next `}` in the text, wherever that is.
    """
    return _DANGLING.sub("${!", text)


def unescape_dangling(text: str) -> str:
    """The reverse of `escape_dangling`, as Fn::Sub itself does it."""
    return _ESCAPED_DANGLING.sub("${", text)
