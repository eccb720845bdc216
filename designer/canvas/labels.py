"""Short texts the canvas shows: a Choice rule as `$.total > 100`, a rule's pattern gist, captions.

Labels are for reading at a glance; the code view and the inspector hold the full text.
"""

from __future__ import annotations

import json
from typing import Any

MAX_LABEL = 30

_SYMBOLS = {
    "Equals": "==",
    "LessThan": "<",
    "GreaterThan": ">",
    "LessThanEquals": "<=",
    "GreaterThanEquals": ">=",
}
_TYPE_TESTS = {
    "IsNull": "null",
    "IsPresent": "present",
    "IsNumeric": "numeric",
    "IsString": "string",
    "IsBoolean": "boolean",
    "IsTimestamp": "timestamp",
}


def shorten(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _operand(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    return json.dumps(value)


def _comparison(rule: dict[str, Any]) -> str | None:
    variable = rule.get("Variable", "?")
    for key, value in rule.items():
        if key in _TYPE_TESTS:
            word = _TYPE_TESTS[key]
            return f"{variable} is {word}" if value is True else f"{variable} not {word}"
        if key == "StringMatches":
            return f"{variable} ~ {_operand(value)}"
        for family in ("String", "Numeric", "Boolean", "Timestamp"):
            if not key.startswith(family):
                continue
            rest = key[len(family) :]
            is_path = rest.endswith("Path")
            rest = rest.removesuffix("Path")
            symbol = _SYMBOLS.get(rest)
            if symbol is None:
                continue
            operand = str(value) if is_path else _operand(value)
            return f"{variable} {symbol} {operand}"
    return None


def rule_text(rule: Any) -> str:
    """A Choice rule (or a nested And/Or/Not part of one) in short form, unabridged."""
    if not isinstance(rule, dict):
        return "?"
    if "Condition" in rule:
        condition = str(rule["Condition"]).strip()
        if condition.startswith("{%") and condition.endswith("%}"):
            condition = condition[2:-2].strip()
        return condition
    if isinstance(rule.get("And"), list):
        return " and ".join(_grouped(r) for r in rule["And"])
    if isinstance(rule.get("Or"), list):
        return " or ".join(_grouped(r) for r in rule["Or"])
    if "Not" in rule:
        return f"not {_grouped(rule['Not'])}"
    return _comparison(rule) or "rule"


def _grouped(rule: Any) -> str:
    text = rule_text(rule)
    if isinstance(rule, dict) and ("And" in rule or "Or" in rule):
        return f"({text})"
    return text


def choice_label(rule: Any) -> str:
    return shorten(rule_text(rule))


def catch_label(catcher: Any) -> str:
    errors = catcher.get("ErrorEquals") if isinstance(catcher, dict) else None
    if not isinstance(errors, list) or not errors:
        return "catch"
    names = ["all errors" if e == "States.ALL" else str(e).removeprefix("States.") for e in errors]
    return shorten(", ".join(names), 26)


def _short_resource(resource: Any) -> str:
    if not isinstance(resource, str):
        return "Task"
    if resource.startswith("arn:aws:states:::"):
        return resource.removeprefix("arn:aws:states:::")
    if ":function:" in resource:
        return "λ " + resource.split(":function:", 1)[1].split(":")[0]
    if ":activity:" in resource:
        return "activity " + resource.split(":activity:", 1)[1]
    return resource.rsplit(":", 1)[-1] or resource


def state_caption(state: Any) -> str:
    """What kind of state it is, plus its one most telling setting."""
    if not isinstance(state, dict):
        return "invalid state"
    kind = state.get("Type")
    if kind == "Task":
        return shorten(_short_resource(state.get("Resource")), 28)
    if kind == "Wait":
        for key, unit in (("Seconds", "s"), ("SecondsPath", ""), ("Timestamp", ""), ("TimestampPath", "")):
            if key in state:
                return shorten(f"Wait {state[key]}{' ' + unit if unit else ''}", 28)
        return "Wait"
    if kind == "Choice":
        n = len(state.get("Choices") or [])
        return f"Choice · {n} rule{'s' if n != 1 else ''}"
    if kind == "Parallel":
        n = len(state.get("Branches") or [])
        return f"Parallel · {n} branch{'es' if n != 1 else ''}"
    if kind == "Map":
        processor = state.get("ItemProcessor") or state.get("Iterator") or {}
        mode = (
            (processor.get("ProcessorConfig") or {}).get("Mode", "INLINE")
            if isinstance(processor, dict)
            else ""
        )
        concurrency = state.get("MaxConcurrency")
        text = "Distributed Map" if mode == "DISTRIBUTED" else "Map"
        if concurrency not in (None, 0):
            text += f" · max {concurrency}"
        return text
    if kind == "Fail" and isinstance(state.get("Error"), str):
        return shorten(f"Fail · {state['Error']}", 28)
    return str(kind) if isinstance(kind, str) else "invalid state"


def _pattern_value(values: Any) -> str:
    if not isinstance(values, list):
        return json.dumps(values)
    parts = []
    for v in values:
        if isinstance(v, dict) and v:
            op, arg = next(iter(v.items()))
            if op == "exists":
                parts.append("exists" if arg else "absent")
            elif op == "numeric" and isinstance(arg, list):
                parts.append(" ".join(str(a) for a in arg))
            else:
                parts.append(f"{op} {_pattern_value(arg) if isinstance(arg, list) else json.dumps(arg)}")
        else:
            parts.append(str(v) if isinstance(v, str) else json.dumps(v))
    return " | ".join(parts)


def _flatten(pattern: Any, prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if isinstance(pattern, dict):
        for key, value in pattern.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict) and key not in ("$or",):
                out.extend(_flatten(value, name))
            else:
                out.append((name, value))
    return out


def pattern_gist(pattern: Any, schedule: str | None = None, lines: int = 2) -> list[str]:
    """A rule's event pattern as a couple of lines like `detail-type = OrderCreated`."""
    if schedule:
        return [shorten(schedule, 28)]
    if not isinstance(pattern, dict) or not pattern:
        return ["(no pattern)"]
    items = _flatten(pattern)
    order = {"source": 0, "detail-type": 1}
    items.sort(key=lambda kv: order.get(kv[0], 2))
    out = [shorten(f"{k} = {_pattern_value(v)}", 30) for k, v in items[:lines]]
    if len(items) > lines:
        out[-1] = shorten(out[-1], 26) + f"  +{len(items) - lines}"
    return out
