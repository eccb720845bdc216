"""Hypothesis strategies for ASL definitions, hostile and ordinary alike, and the checks run on them.

The strategies draw every field a state takes from a pool of right and wrong values: wrong JSON
types, path forms that are not paths, YAML-looking words, edge numbers (5,000-digit integers,
1e308, -0), lone surrogates, deep nesting, intrinsic and JSONata calls on edge arguments. Many
definitions are refused by validation; the ones it accepts must then run, test-state and export
without an exception escaping the engine (`never_raises_targets` checks that). Shared by the short
property test in the suite and by `scripts/fuzz_engine.py`, which runs longer and reports counts.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from engine.asl.validation.fields import JSONATA_ONLY, JSONPATH_ONLY

# Values ---------------------------------------------------------------------------------------

EDGE_NUMBERS = [0, -0.0, 1, -1, 2**31, 2**63, 10**300, 10**999, 1e308, -1e308, 5e-324, 0.1, 1.5, 1e21]
DEEP_JSON_TEXT = "[" * 5000 + "]" * 5000
EDGE_TEXT = [
    DEEP_JSON_TEXT,
    "NaN",
    "9" * 5000,
    '{"a": 1e400}',
    "",
    "x",
    "Yes",
    "No",
    "on",
    "2024-01-01",
    "1:20",
    "\ud800",
    "a\udfffb",
    "\u0000",
    "ǅ",
    "😀" * 3,
]
PATHS = [
    "$",
    "$.a",
    "$.a.b",
    "$.a[0]",
    "$.list[-1]",
    "$foo",
    "$states",
    "$states.input",
    "$$.Execution.Id",
    "$$.State.Name",
    "$..a",
    "$.a[*]",
    "$.a[?(@.b > 1)]",
    "$.a[0:2]",
    "$['a b']",
    "a",
    "",
    "$.",
]
INTRINSICS = [
    "States.Format('{} and {}', $.a, $.b)",
    "States.StringToJson($.s)",
    "States.JsonToString($)",
    "States.Array($.a, 1, 'x')",
    "States.ArrayPartition($.list, 2)",
    "States.ArrayContains($.list, 1)",
    "States.ArrayRange(1, 5, 2)",
    "States.ArrayRange(1, 1e300, 1)",
    "States.ArrayGetItem($.list, 1e10)",
    "States.ArrayLength($.a)",
    "States.ArrayUnique($.list)",
    "States.Base64Encode($.s)",
    "States.Base64Decode($.s)",
    "States.Hash($.s, 'SHA-256')",
    "States.JsonMerge($.a, $.b, false)",
    "States.MathRandom(1, 999999999999999999999)",
    "States.MathAdd($.n, 1)",
    "States.MathAdd(2147483647, 1)",
    "States.StringSplit($.s, ',')",
    "States.UUID()",
    "States.Format($.s)",
]
JSONATA = [
    "$states.input",
    "$states.input.a",
    "$round(1e308, 2)",
    "$power(10, 400)",
    "$power(-8, 1/3)",
    "$formatBase(1e300, 2)",
    "$formatNumber(1e308, '#,##0.00')",
    "$formatInteger(1e300, 'w')",
    "$sqrt(-1)",
    "$number('1e400')",
    "$string(1e308 * 10)",
    "$fromMillis(1e300)",
    "$toMillis('x')",
    "$floor(-1e308)",
    "$abs(-0)",
    "1/0",
    "-0",
    "$count([1, 2])",
    "$sum([1e308, 1e308])",
    "$average([])",
    "$random()",
    "$substring('abc', 1e300)",
    "$hash('\ud800', 'SHA-256')",
    "$parse('[1, 2]')",
    "$partition([1, 2, 3], 2)",
    "'text'",
    "[1, 2, 3]",
    "{'a': 1}",
    "true",
    "null",
    "$x",
]


def json_values(max_leaves: int = 6) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.sampled_from(EDGE_NUMBERS),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(EDGE_TEXT),
        st.text(max_size=8),
    )
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=3),
            st.dictionaries(st.sampled_from(["a", "b", "s", "n"]), children, max_size=3),
        ),
        max_leaves=max_leaves,
    )


def deep(value: Any, depth: int) -> Any:
    for i in range(depth):
        value = [value] if i % 2 else {"a": value}
    return value


def any_value() -> st.SearchStrategy[Any]:
    """A value for any field: usually a plausible one, sometimes of the wrong JSON type."""
    return st.one_of(
        json_values(),
        st.sampled_from(PATHS),
        st.builds(deep, json_values(2), st.sampled_from([50, 300, 990])),
    )


def jsonata_text() -> st.SearchStrategy[str]:
    return st.sampled_from(JSONATA).map(lambda body: "{% " + body + " %}")


def template(jsonata: bool) -> st.SearchStrategy[Any]:
    """A Parameters/Arguments/Assign object: static values, `.$` paths and intrinsics, or JSONata."""
    if jsonata:
        value = st.one_of(jsonata_text(), json_values(3))
        return st.dictionaries(st.sampled_from(["a", "b", "x", "y"]), value, max_size=3)
    dynamic = st.tuples(st.sampled_from(["a.$", "b.$", "x.$"]), st.sampled_from(PATHS + INTRINSICS))
    static = st.tuples(st.sampled_from(["a", "b", "x", "a.$x"]), json_values(3))
    return st.lists(st.one_of(dynamic, static), max_size=3).map(dict)


# States ---------------------------------------------------------------------------------------

FIELD_CHOICES: dict[str, list[str]] = {
    "Pass": ["Result", "Parameters", "ResultPath", "InputPath", "OutputPath", "Assign", "Output"],
    "Task": [
        "Parameters",
        "Arguments",
        "ResultSelector",
        "ResultPath",
        "OutputPath",
        "TimeoutSeconds",
        "HeartbeatSeconds",
        "Retry",
        "Catch",
        "Assign",
        "Output",
    ],
    "Wait": ["Seconds", "SecondsPath", "Timestamp", "TimestampPath", "Output"],
    "Fail": ["Error", "Cause", "ErrorPath", "CausePath"],
    "Succeed": ["InputPath", "OutputPath", "Output"],
    "Choice": ["Choices", "Default", "InputPath", "Output", "Assign"],
    "Map": [
        "ItemsPath",
        "Items",
        "ItemSelector",
        "MaxConcurrency",
        "MaxConcurrencyPath",
        "ToleratedFailurePercentage",
        "ToleratedFailureCount",
        "ToleratedFailureCountPath",
        "ResultPath",
        "Retry",
        "Catch",
        "Output",
    ],
    "Parallel": ["ResultPath", "ResultSelector", "Retry", "Catch", "Parameters", "Output", "Arguments"],
}
LAMBDA = "arn:aws:states:::lambda:invoke"


@st.composite
def field_value(draw: st.DrawFn, field: str, jsonata: bool) -> Any:
    if draw(st.integers(0, 9)) == 7:
        return draw(any_value())  # anything at all, often of the wrong type
    if field in ("Parameters", "Arguments", "ResultSelector", "ItemSelector", "Assign"):
        return draw(template(jsonata and field != "ResultSelector"))
    if field.endswith("Path"):
        return draw(st.sampled_from(PATHS + INTRINSICS[:3]))
    if field in ("Output", "Items") or (jsonata and draw(st.booleans())):
        return draw(st.one_of(jsonata_text(), json_values(3)))
    if field == "Retry":
        retrier = {
            "ErrorEquals": draw(
                st.sampled_from([["States.ALL"], ["States.TaskFailed"], ["X", "States.ALL"]])
            ),
            "MaxAttempts": draw(st.sampled_from([0, 1, 3, 40, 99999999])),
            "BackoffRate": draw(st.sampled_from([1, 1.5, 2.0, 10])),
            "IntervalSeconds": draw(st.sampled_from([1, 60, 99999999])),
        }
        if draw(st.booleans()):
            retrier["MaxDelaySeconds"] = draw(st.sampled_from([1, 31622400]))
        if draw(st.booleans()):
            retrier["JitterStrategy"] = draw(st.sampled_from(["FULL", "NONE"]))
        return [retrier]
    if field == "Catch":
        catcher: dict[str, Any] = {"ErrorEquals": ["States.ALL"], "Next": "End"}
        if draw(st.booleans()):
            catcher["ResultPath" if not jsonata else "Output"] = draw(
                st.sampled_from(["$.err", "$", None]) if not jsonata else jsonata_text()
            )
        return [catcher]
    if field in ("Seconds", "TimeoutSeconds", "HeartbeatSeconds", "MaxConcurrency", "ToleratedFailureCount"):
        return draw(st.sampled_from([0, 1, 5, 99999999, -1, 1.5, "1", 10**40]))
    if field == "ToleratedFailurePercentage":
        return draw(st.sampled_from([0, 50, 100, 100.5, -1]))
    if field == "Timestamp":
        return draw(st.sampled_from(["2016-03-14T01:59:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"]))
    if field == "Choices":
        rule: dict[str, Any]
        if jsonata:
            rule = {"Condition": draw(jsonata_text()), "Next": "End"}
        else:
            op = draw(st.sampled_from(["NumericEquals", "StringMatches", "IsPresent", "TimestampLessThan"]))
            operand: Any = {"NumericEquals": 1, "StringMatches": "a*b*c", "IsPresent": True}.get(
                op, "2016-03-14T01:59:00Z"
            )
            rule = {"Variable": draw(st.sampled_from(PATHS[:6])), op: operand, "Next": "End"}
        return [rule]
    if field == "Default":
        return "End"
    if field in ("Error", "Cause"):
        return draw(st.sampled_from(EDGE_TEXT))
    return draw(json_values(4))


def inner(body: dict[str, Any], name: str) -> dict[str, Any]:
    """A branch or item processor holding one state, which ends it."""
    body.pop("Next", None)
    if isinstance(body.get("Type"), str) and body["Type"] not in ("Fail", "Succeed", "Choice"):
        body["End"] = True
    if body.get("Type") == "Choice":
        body["Default"] = f"{name}End"
        choices = body.get("Choices")
        for rule in choices if isinstance(choices, list) else []:
            if isinstance(rule, dict):
                rule["Next"] = f"{name}End"
        return {"StartAt": name, "States": {name: body, f"{name}End": {"Type": "Succeed"}}}
    return {"StartAt": name, "States": {name: body}}


@st.composite
def states(draw: st.DrawFn, jsonata: bool, depth: int = 0) -> dict[str, Any]:
    kinds = list(FIELD_CHOICES) if depth < 2 else ["Pass", "Task", "Fail", "Succeed", "Wait", "Choice"]
    kind = draw(st.sampled_from(kinds))
    wrong_type = draw(st.integers(0, 19)) == 7
    state: dict[str, Any] = {"Type": draw(st.sampled_from([["Pass"], {"x": 1}, 3])) if wrong_type else kind}
    if kind == "Task":
        state["Resource"] = LAMBDA
        state["Arguments" if jsonata else "Parameters"] = {"FunctionName": "fn", "Payload": {"x": 1}}
    if kind == "Map":
        state["ItemProcessor"] = inner(draw(states(jsonata, depth + 1)), f"I{depth}")
        if not jsonata:
            state["ItemsPath"] = "$.list"
    if kind == "Parallel":
        state["Branches"] = [inner(draw(states(jsonata, depth + 1)), f"B{depth}")]
    allowed = [f for f in FIELD_CHOICES[kind] if f not in (JSONPATH_ONLY if jsonata else JSONATA_ONLY)]
    if draw(st.integers(0, 9)) == 7:
        allowed = FIELD_CHOICES[kind]  # now and then a field of the other query language
    chosen = draw(st.lists(st.sampled_from(allowed), max_size=3, unique=True))
    if kind == "Choice" and "Choices" not in chosen:
        chosen.append("Choices")
    if kind == "Wait" and not any(
        f in chosen for f in ("Seconds", "SecondsPath", "Timestamp", "TimestampPath")
    ):
        chosen.append("Seconds")
    for field in chosen:
        state[field] = draw(field_value(field, jsonata))
    if kind not in ("Fail", "Succeed", "Choice"):
        state["Next"] = "End"
    return state


@st.composite
def definitions(draw: st.DrawFn) -> dict[str, Any]:
    jsonata = draw(st.booleans())
    name = draw(st.sampled_from(["Start", "Yes", "2024-01-01", "\ud800", "a" * 80]))
    first = draw(states(jsonata))
    machine: dict[str, Any] = {"StartAt": name, "States": {name: first}}
    if first.get("Type") not in ("Fail", "Succeed"):
        machine["States"]["End"] = {"Type": "Succeed"}
    if first.get("Type") == "Choice":
        first.setdefault("Default", "End")
    if jsonata:
        machine["QueryLanguage"] = "JSONata"
    return machine


def inputs() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.fixed_dictionaries(
            {
                "a": json_values(3),
                "b": json_values(3),
                "s": st.sampled_from(EDGE_TEXT),
                "n": st.sampled_from(EDGE_NUMBERS),
            },
            optional={"list": st.lists(json_values(2), max_size=4)},
        ),
        json_values(3),
    )
