"""StateCanvas's design-time checks of service Tasks: the request against the API's model.

AWS accepts a definition whose `Parameters` name a member the API does not have, or miss a
required one, and reports it only when the Task runs. StateCanvas checks the request against
botocore's model of the operation while the user types and says so as WARNINGS with codes of
its own (`SC_...`) and a text that names them as StateCanvas's checks. They never decide
whether a definition is valid: `engine.validate` stays AWS's answer, and these come from
`design_warnings`, which callers list beside it.

Values computed at run time (`Name.$` keys in JSONPath, `{% %}` strings in JSONata) are never
judged: only what the definition writes literally is.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from engine.asl import Diagnostic, pointer, warning
from engine.services import catalog
from engine.services.integrations_table import PATTERN_LABELS
from engine.services.requests import TaskTarget, member_name, members_of, task_target
from engine.values import json_type_phrase

UNKNOWN_PARAMETER = "SC_UNKNOWN_PARAMETER"
MISSING_REQUIRED_PARAMETER = "SC_MISSING_REQUIRED_PARAMETER"
PARAMETER_TYPE = "SC_PARAMETER_TYPE"
PARAMETER_ENUM = "SC_PARAMETER_ENUM"
UNSUPPORTED_INTEGRATION_PATTERN = "SC_UNSUPPORTED_INTEGRATION_PATTERN"
UNKNOWN_SERVICE_ACTION = "SC_UNKNOWN_SERVICE_ACTION"
CODES = (
    UNKNOWN_PARAMETER,
    MISSING_REQUIRED_PARAMETER,
    PARAMETER_TYPE,
    PARAMETER_ENUM,
    UNSUPPORTED_INTEGRATION_PATTERN,
    UNKNOWN_SERVICE_ACTION,
)
DESIGN_CHECK_SUFFIX = (
    " (StateCanvas check against AWS's API model; AWS reports this only when the Task runs.)"
)
_TYPE_WORDS = {
    "structure": "an object",
    "map": "an object",
    "list": "an array",
    "string": "a string",
    "integer": "an integer",
    "long": "an integer",
    "float": "a number",
    "double": "a number",
    "boolean": "true or false",
    "timestamp": "a timestamp",
}


def design_warnings(definition: Any, *, sdk: bool = True) -> list[Diagnostic]:
    """StateCanvas's warnings on every service Task of a definition (never errors).

    With `sdk` False, SDK Tasks are skipped (they need the catalog's index of every service,
    which a caller may still be loading)."""
    if not isinstance(definition, dict):
        return []
    out: list[Diagnostic] = []
    language = definition.get("QueryLanguage", "JSONPath")
    for loc, state, state_language in _tasks(definition, (), language):
        if not sdk and str(state.get("Resource", "")).startswith("arn:aws:states:::aws-sdk:"):
            continue
        out.extend(task_warnings(state, loc, state_language))
    return out


def _tasks(scope: dict[str, Any], base: tuple[Any, ...], language: Any) -> Iterator[tuple[str, dict, str]]:
    states = scope.get("States")
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        here = (*base, "States", name)
        own = state.get("QueryLanguage", language)
        own = own if own in ("JSONPath", "JSONata") else "JSONPath"
        if state.get("Type") == "Task":
            yield pointer(*here), state, own
        for i, branch in enumerate(
            state.get("Branches") or [] if isinstance(state.get("Branches"), list) else []
        ):
            if isinstance(branch, dict):
                yield from _tasks(branch, (*here, "Branches", i), own)
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(key), dict):
                yield from _tasks(state[key], (*here, key), own)


def task_warnings(state: dict[str, Any], loc: str, language: str = "JSONPath") -> list[Diagnostic]:
    """The warnings of one Task state located under `loc` (its JSON Pointer)."""
    resource = state.get("Resource")
    if not isinstance(resource, str):
        return []
    try:
        target = task_target(resource)
    except Exception:  # an unreadable botocore model must not take validation down
        return []
    if target is None:
        return []
    out: list[Diagnostic] = []
    if not target.known:
        out.append(
            warning(UNKNOWN_SERVICE_ACTION, _unknown_text(target) + DESIGN_CHECK_SUFFIX, f"{loc}/Resource")
        )
        return out
    if target.pattern not in target.allowed_patterns:
        allowed = ", ".join(PATTERN_LABELS[p] for p in target.allowed_patterns)
        text = f"{target.title} does not support {target.pattern}; it supports {allowed}."
        out.append(warning(UNSUPPORTED_INTEGRATION_PATTERN, text + DESIGN_CHECK_SUFFIX, f"{loc}/Resource"))
    field = "Arguments" if language == "JSONata" else "Parameters"
    request = state.get(field)
    if request is None:
        if target.kind == "optimized" or "Parameters" in state or "Arguments" in state:
            return out  # the AWS validator reports a missing or misplaced request
        request = {}
    if not isinstance(request, dict):
        return out  # an expression (JSONata) or a type error the AWS validator reports
    checker = _RequestChecker(language == "JSONata", target.lenient, out, target.title)
    if target.shape is not None:
        checker.structure(request, members_of(target.shape), _required(target.shape), f"{loc}/{field}")
    elif target.members is not None:
        checker.structure(request, dict.fromkeys(target.members), target.required_members(), f"{loc}/{field}")
    return out


def _required(shape: Any) -> list[str]:
    return [member_name(n) for n in getattr(shape, "required_members", []) or []]


def _unknown_text(target: TaskTarget) -> str:
    services = catalog.services()
    entry = services.get(target.service)
    if entry is None:
        close = difflib.get_close_matches(target.service, list(services), n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        return f"No AWS SDK service is named '{target.service}' in botocore's models.{hint}"
    actions = [catalog.action_name(op) for op in entry.operations]
    close = difflib.get_close_matches(target.action, actions, n=3)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    return f"{entry.title} has no action '{target.action}' in botocore's models.{hint}"


class _RequestChecker:
    def __init__(self, jsonata: bool, lenient: bool, out: list[Diagnostic], title: str) -> None:
        self.jsonata, self.lenient, self.out, self.title = jsonata, lenient, out, title

    def say(self, code: str, text: str, location: str) -> None:
        self.out.append(warning(code, text + DESIGN_CHECK_SUFFIX, location))

    def dynamic(self, key: str, value: Any) -> bool:
        if not self.jsonata and key.endswith(".$"):
            return True
        return self.jsonata and isinstance(value, str) and value.lstrip().startswith("{%")

    def structure(
        self, value: dict[str, Any], members: dict[str, Any], required: list[str], loc: str
    ) -> None:
        # Step Functions reads members by the AWS SDK for Java's names, whose acronyms are
        # cased differently (`DbClusterIdentifier` for `DBClusterIdentifier`): match by letters.
        folded = {name.casefold(): name for name in members}
        given: set[str] = set()
        for key, item in value.items():
            name = key[:-2] if (not self.jsonata and key.endswith(".$")) else key
            given.add(name.casefold())
            where = f"{loc}/{key}"
            if name.casefold() not in folded:
                close = difflib.get_close_matches(name, list(members), n=1)
                hint = f" Did you mean {close[0]}?" if close else ""
                self.say(UNKNOWN_PARAMETER, f"'{name}' is not a member of this request.{hint}", where)
                continue
            shape = members[folded[name.casefold()]]
            if shape is not None and not self.dynamic(key, item):
                self.value(item, shape, where)
        for name in required:
            if name.casefold() not in given:
                self.say(MISSING_REQUIRED_PARAMETER, f"The request needs '{name}'.", loc)

    def value(self, value: Any, shape: Any, loc: str) -> None:
        kind = shape.type_name
        if self.jsonata and isinstance(value, str) and "{%" in value:
            return
        if kind == "structure":
            if isinstance(value, dict):
                self.structure(value, members_of(shape), _required(shape), loc)
                return
        elif kind == "map":
            if isinstance(value, dict):
                for key, item in value.items():
                    if not self.dynamic(key, item):
                        self.value(item, shape.value, f"{loc}/{key}")
                return
        elif kind == "list":
            if isinstance(value, list):
                for i, item in enumerate(value):
                    self.value(item, shape.member, f"{loc}[{i}]")
                return
        elif kind == "string":
            if isinstance(value, str):
                enum = getattr(shape, "enum", None) or []
                if enum and value not in enum:
                    shown = ", ".join(enum[:12]) + (", …" if len(enum) > 12 else "")
                    self.say(PARAMETER_ENUM, f"'{value}' is not one of {shown}.", loc)
                return
            if self.lenient and isinstance(value, (dict, list)):
                return  # optimized integrations send JSON as its text
            if isinstance(value, (int, float)):
                return  # a number or boolean is read as its text
        elif kind in ("integer", "long"):
            if (isinstance(value, int) and not isinstance(value, bool)) or _reads_as(value, int):
                return
        elif kind in ("float", "double"):
            if (isinstance(value, (int, float)) and not isinstance(value, bool)) or _reads_as(value, float):
                return
        elif kind == "boolean":
            if isinstance(value, bool) or (isinstance(value, str) and value.lower() in ("true", "false")):
                return
        elif kind == "timestamp":
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                return
        else:  # blob and anything newer: Step Functions encodes what it is given
            return
        self.say(
            PARAMETER_TYPE, f"Expects {_TYPE_WORDS.get(kind, kind)}, not {json_type_phrase(value)}.", loc
        )


def _reads_as(value: Any, kind: type) -> bool:
    """Whether a text is read as a number of `kind` (the SDK reads "5" as 5, as AWS does)."""
    if not isinstance(value, str):
        return False
    try:
        kind(value)
    except ValueError:
        return False
    return True
