"""JSONata evaluation with Step Functions' bindings and functions: unit behaviour and the corpus.

The corpus part runs every execution case whose definition is a chain of Pass
states using only ``Output`` and ``Assign`` (JSONata) or constant/``.$``
``Assign`` (JSONPath), with a tiny evaluator written here, and compares the
output, or the error and the cause after AWS's "An error occurred while
executing the state ..." prefix, with what AWS recorded.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path as FsPath
from typing import Any

import pytest

import engine.expr.jsonata.evaluator as jsonata_evaluator
from engine.expr import (
    UNDEFINED,
    JsonataEvaluationError,
    JsonataResultTypeError,
    JsonataSyntaxError,
    describe_undefined,
    describe_unexpected_type,
    describe_unsupported_result,
    evaluate,
    evaluate_intrinsic,
    evaluate_jsonata,
    jsonata_to_json,
    looks_like_intrinsic,
)


def ev(expression: str, data: Any = None, **variables: Any) -> Any:
    return evaluate_jsonata(expression, states={"input": data, "context": {}}, variables=variables)


def error(expression: str, data: Any = None, **variables: Any) -> JsonataEvaluationError:
    with pytest.raises(JsonataEvaluationError) as info:
        ev(expression, data, **variables)
    assert info.value.error == "States.QueryEvaluationError"
    return info.value


# ---------------------------------------------------------------- values


def test_bindings_and_plain_results() -> None:
    data = {"input_value": "s", "input_values": [1, 2, 3]}
    assert ev("$states.input", data) == data
    assert ev("$sum($states.input.input_values) + $var_constant_1", data, var_constant_1=1) == 7
    assert ev("$states.context") == {}
    assert evaluate_jsonata("$states.result.x", states={"input": {}, "result": {"x": 1}}, variables={}) == 1


def test_integral_numbers_come_back_as_int() -> None:
    assert ev("1.5 + 1.5") == 3
    assert type(ev("1.5 + 1.5")) is int
    assert ev("$states.input", 1.0) == 1
    assert ev("10 / 4") == 2.5
    assert ev("[1.0, {'a': 2.0}]") == [1, {"a": 2}]


def test_null_is_not_undefined() -> None:
    assert ev("$states.input.a", {"a": None}) is None
    assert ev("$states.input.a = null", {"a": None}) is True
    assert ev("$states.input", {"b": [None, 1]}) == {"b": [None, 1]}
    assert ev("$v", v=None) is None
    assert ev("null") is None
    assert ev("$states.input.missing", {}) is UNDEFINED
    assert ev("$doesNotExist") is UNDEFINED


def test_undefined_inside_structures_follows_json_stringify() -> None:
    assert ev("{'a': $nothing, 'b': null}") == {"b": None}
    assert ev("[1, $nothing, 2]") == [1, 2]


def test_jsonata_to_json() -> None:
    assert jsonata_to_json(None) is UNDEFINED
    assert jsonata_to_json({"a": 1.0, "b": [2.5]}) == {"a": 1, "b": [2.5]}
    assert repr(UNDEFINED) == "UNDEFINED"
    assert not UNDEFINED


def test_regular_expressions() -> None:
    assert ev("$contains('hello$world', /^hello\\$/)") is True
    assert ev("$contains('hello$world', /^hello\\ /)") is False


# ---------------------------------------------------------------- Step Functions functions


def test_partition() -> None:
    assert ev("$partition([0], 1)") == [[0]]
    assert ev("$partition([0, 1, 2, 3], 3)") == [[0, 1, 2], [3]]
    assert ev("$partition([], 3)") == []
    error("$partition(1, 2)")
    error("$partition([1], 0)")


def test_range_is_a_sequence() -> None:
    assert ev("$range(0, 9, 3)") == [0, 3, 6, 9]
    assert ev("$range(0, 10, 3)") == [0, 3, 6, 9]
    assert ev("$range(1, 9, 9)") == 1
    assert ev("$range(10, 0, -5)") == [10, 5, 0]
    error("$range(0, 10, 0)")
    error("$range(0, 1000, 1)")


def test_hash() -> None:
    assert ev("$hash('input data', 'MD5')") == "812f45842bc6d66ee14572ce20db8e86"
    assert ev("$hash('input data', 'SHA-1')") == "aaff4a450a104cd177d28d18d74485e8cae074b7"
    error("$hash('x', 'SHA-3')")
    error("$hash(1, 'MD5')")


def test_random_and_uuid() -> None:
    value = ev("$random()")
    assert 0 <= value < 1
    assert ev("$random(42)") == ev("$random(42)")
    assert uuid.UUID(ev("$uuid()")).version == 4


def test_parse() -> None:
    assert ev("$parse($states.input)", '{"Arg1": 1, "Arg2": []}') == {"Arg1": 1, "Arg2": []}
    assert ev("$parse('1.1')") == 1.1
    assert ev("$parse('null')") is None
    assert ev("$parse($states.input).a", '{"a": null}') is None
    err = error("$parse('{bad')")
    assert err.code is None
    assert err.describe("Output").startswith(
        "The JSONata expression '$parse('{bad')' specified for the field 'Output' "
        "threw an error during evaluation: "
    )


def test_eval_is_removed() -> None:
    err = error("$eval('1+1')")
    assert err.message == "T1006: Attempted to invoke a non-function"


def test_states_binding_wins_over_a_variable_named_states() -> None:
    assert ev("$states.input.x", {"x": 1}, states="ignored") == 1


# ---------------------------------------------------------------- errors and AWS sentences


def test_jsonata_errors_read_like_jsonata_js() -> None:
    assert (
        error("$abs('a')").message == 'T0410: Argument 1 of function "abs" does not match function signature'
    )
    assert error("$sum(['a'])").message == 'T0412: Argument 1 of function "sum" must be an array of "numbers"'
    assert error("'a' + 1").message == 'T2001: The left side of the "+" operator must evaluate to a number'
    err = error("$abs('a')")
    assert err.code == "T0410"
    assert err.describe("Output/v") == (
        "The JSONata expression '$abs('a')' specified for the field 'Output/v' threw an error during "
        'evaluation. T0410: Argument 1 of function "abs" does not match function signature'
    )


def test_syntax_errors() -> None:
    with pytest.raises(JsonataSyntaxError) as info:
        ev("a[1,2)")
    assert info.value.message == 'S0202: Expected "]", got ","'
    with pytest.raises(JsonataSyntaxError) as info:
        ev("1 +")
    assert info.value.message == "S0207: Unexpected end of expression"


def test_function_result_is_unsupported() -> None:
    with pytest.raises(JsonataResultTypeError) as info:
        ev("$fn := function($x){$x}")
    assert info.value.describe("Items") == (
        "The JSONata expression '$fn := function($x){$x}' specified for the field 'Items' "
        "returned an unsupported result type."
    )


def test_runaway_expression_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonata_evaluator, "EVALUATION_TIMEOUT_MS", 200)
    err = error("($f := function($x){ $f($x+1) }; $f(1))")
    assert err.code == "D1012"


def test_time_bound_counts_from_each_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cached expression must not inherit the clock of its compilation."""
    monkeypatch.setattr(jsonata_evaluator, "EVALUATION_TIMEOUT_MS", 100)
    assert ev("$sum($states.input)", [1, 2]) == 3
    time.sleep(0.2)
    assert ev("$sum($states.input)", [1, 2]) == 3


def test_deep_expressions_evaluate() -> None:
    assert ev("+".join(["1"] * 200)) == 200
    assert ev("($f := function($n){ $n <= 1 ? 1 : $n + $f($n - 1) }; $f(150))") == 11325


def test_recursion_limit_is_restored_after_evaluation() -> None:
    saved = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(3000)
        assert ev("+".join(["1"] * 100)) == 100
        assert sys.getrecursionlimit() == 3000
    finally:
        sys.setrecursionlimit(saved)


def test_importing_jsonata_leaves_the_recursion_limit_alone() -> None:
    """The guarded import undoes jsonata-python's process-wide limit change (checked in a fresh process)."""
    module = FsPath(jsonata_evaluator.__file__).with_name("library.py")
    script = (
        "import importlib.util, sys\n"
        "before = sys.getrecursionlimit()\n"
        f"spec = importlib.util.spec_from_file_location('jsonata_library', {str(module)!r})\n"
        "spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
        "print('jsonata' in sys.modules, before == sys.getrecursionlimit())\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert proc.stdout.split() == ["True", "True"]


def test_sentences() -> None:
    assert describe_undefined("$doesNotExist", "Arguments/FunctionName") == (
        "The JSONata expression '$doesNotExist' specified for the field 'Arguments/FunctionName' "
        "returned nothing (undefined)."
    )
    assert describe_unsupported_result("$f", "Items").endswith("returned an unsupported result type.")
    assert describe_unexpected_type("'string'", "Items", "array", "string") == (
        "The JSONata expression ''string'' specified for the field 'Items' returned an unexpected result "
        "type. Expected 'array', but was 'string' for value: \"string\""
    )
    assert describe_unexpected_type("$v", "Items", "array", {"foo": "bar"}).endswith(
        "Expected 'array', but was 'object' for value: {\"foo\":\"bar\"}"
    )
    assert describe_unexpected_type("$v", "Items", "array", None).endswith("but was 'null' for value: null")
    assert describe_unexpected_type("$v", "Items", "array", True).endswith(
        "but was 'boolean' for value: true"
    )


def test_cached_expressions_are_thread_safe() -> None:
    results: dict[int, Any] = {}

    def work(n: int) -> None:
        results[n] = [ev("$states.input.n * 2 + $k", {"n": n}, k=i) for i in range(50)]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(results[n] == [n * 2 + i for i in range(50)] for n in range(8))


# ---------------------------------------------------------------- corpus

PASS_FIELDS = {"Type", "Next", "End", "Comment", "QueryLanguage", "Output", "Assign"}
PREFIX = re.compile(
    r"^An error occurred while executing the state '[^']*' \(entered at the event id #\d+\)\. "
)


class StateFailed(Exception):
    def __init__(self, error: str, cause: str) -> None:
        super().__init__(cause)
        self.error = error
        self.cause = cause


def checkable(case: dict[str, Any]) -> bool:
    definition = case["definition"]
    states = definition.get("States") or {}
    uses_jsonata = "{%" in str(definition) or definition.get("QueryLanguage") == "JSONata"
    return uses_jsonata and all(
        state.get("Type") == "Pass" and set(state) <= PASS_FIELDS for state in states.values()
    )


def context_for(case: dict[str, Any], state: str) -> dict[str, Any]:
    machine = "statemachine"
    for rule in case.get("masking", {}).get("test_transformers") or []:
        if rule.get("replacement") == "<ArnPart_0idx>":
            machine = rule["regex"]
    return {
        "Execution": {
            "Id": f"arn:aws:states:us-east-1:111111111111:execution:{machine}:exec0",
            "Input": case["input"],
            "StartTime": "2024-01-01T00:00:00.000Z",
            "Name": "exec0",
            "RoleArn": "arn:aws:iam::111111111111:role/fake-sfn-role",
            "RedriveCount": 0,
        },
        "StateMachine": {
            "Id": f"arn:aws:states:us-east-1:111111111111:stateMachine:{machine}",
            "Name": machine,
        },
        "State": {"Name": state, "EnteredTime": "2024-01-01T00:00:00.000Z"},
    }


def jsonata_template(template: Any, field: str, states: dict[str, Any], variables: dict[str, Any]) -> Any:
    if isinstance(template, str) and template.startswith("{%") and template.endswith("%}"):
        expression = template[2:-2].strip()
        value = evaluate_jsonata(expression, states=states, variables=variables)
        if value is UNDEFINED:
            raise StateFailed("States.QueryEvaluationError", describe_undefined(expression, field))
        return value
    if isinstance(template, dict):
        return {k: jsonata_template(v, f"{field}/{k}", states, variables) for k, v in template.items()}
    if isinstance(template, list):
        return [jsonata_template(v, f"{field}[{i}]", states, variables) for i, v in enumerate(template)]
    return template


def jsonpath_assign(template: dict[str, Any], data: Any, context: Any, variables: dict[str, Any]) -> dict:
    def resolve(path: Any) -> Any:
        return evaluate(path, data, context=context, variables=variables)

    out = {}
    for key, value in template.items():
        if key.endswith(".$"):
            out[key[:-2]] = (
                evaluate_intrinsic(value, resolve) if looks_like_intrinsic(value) else resolve(value)
            )
        else:
            out[key] = value
    return out


def run_chain(case: dict[str, Any]) -> tuple[str, Any, str | None, str | None]:
    definition = case["definition"]
    machine_ql = definition.get("QueryLanguage", "JSONPath")
    data = case["input"]
    variables: dict[str, Any] = {}
    name = definition["StartAt"]
    try:
        while True:
            state = definition["States"][name]
            context = context_for(case, name)
            if state.get("QueryLanguage", machine_ql) == "JSONata":
                states = {"input": data, "context": context}
                assigned = jsonata_template(state.get("Assign", {}), "Assign", states, variables)
                output = (
                    jsonata_template(state["Output"], "Output", states, variables)
                    if "Output" in state
                    else data
                )
            else:
                assigned = jsonpath_assign(state.get("Assign", {}), data, context, variables)
                output = data
            variables.update(assigned)
            data = output
            if state.get("End"):
                return "SUCCEEDED", data, None, None
            name = state["Next"]
    except StateFailed as exc:
        return "FAILED", None, exc.error, exc.cause
    except JsonataEvaluationError as exc:
        return "FAILED", None, exc.error, exc.describe("?")


def test_jsonata_corpus(asl_cases: list[dict[str, Any]], report_figure: Any) -> None:
    from compare import check_result

    cases = [case for case in asl_cases if case.get("kind") == "execution" and checkable(case)]
    failures = []
    for case in cases:
        status, output, error_name, cause = run_chain(case)
        expected = case["expected"]
        if status == "FAILED" and expected.get("status") == "FAILED":
            exp_cause = PREFIX.sub("", expected.get("cause") or "")
            ok = error_name == expected.get("error") and cause == exp_cause
            why = f"{error_name}: {cause!r} != {expected.get('error')}: {exp_cause!r}"
        else:
            ok, why = check_result(
                case, status, output, error_name, cause, account="111111111111", region="us-east-1"
            )
            why = f"{why}: got {status} {output!r} {cause!r}, expected {expected!r}"
        if not ok:
            failures.append(f"{case['_file']}: {why}")
    intrinsic = sum(1 for case in cases if case.get("category") == "intrinsic_functions")
    report_figure(
        f"JSONata corpus: {len(cases)} Pass-chain cases checkable ({intrinsic} of them intrinsic_functions), "
        f"{len(cases) - len(failures)} pass"
    )
    assert cases, "no checkable JSONata cases found"
    assert not failures, "\n".join(failures)
