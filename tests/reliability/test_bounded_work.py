"""Unbounded work is refused or bounded: input sizes, YAML aliases, wildcard, ArrayUnique, user regexes.

Each pathological input used to take seconds to hours or gigabytes of memory; each must now be
answered in well under a second.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from reliability_helpers import cli, cli_process

from engine.asl.loader import DefinitionLoadError, parse_text
from engine.expr.intrinsics.functions import equality_key, json_equal
from engine.expr.jsonata import JsonataEvaluationError, evaluate_jsonata
from engine.expr.user_regex import RegexBudgetError, compile_user_regex
from engine.runtime.api import run as run_sync
from engine.runtime.states.choice_state import string_matches

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


class within:
    """Fails the test when the block uses more than `seconds` of this process's CPU time.

    What these tests guard against is work that grows without bound (exponential backtracking,
    quadratic scans): seconds to hours of CPU. CPU time, unlike wall time, does not grow when other
    processes load the machine, so a tight bound stays meaningful on a busy CI runner; a block
    that waits without working is still caught by a wall-time bound ten times looser.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __enter__(self) -> None:
        self.cpu = time.process_time()
        self.wall = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        cpu = time.process_time() - self.cpu
        wall = time.perf_counter() - self.wall
        assert cpu < self.seconds, f"used {cpu:.2f} s of CPU"
        assert wall < self.seconds * 10, f"took {wall:.2f} s"


# ---------------------------------------------------------------- input sizes


@pytest.mark.parametrize("option", ["--input-file"])
def test_run_input_from_dev_zero_is_refused_with_the_limit(tmp_path: Path, option: str) -> None:
    definition = tmp_path / "m.asl.json"
    definition.write_text(json.dumps(PASS))
    with within(5):
        run = cli_process("run", str(definition), option, "/dev/zero")
    assert run.code == 2
    assert "262,144 bytes" in run.err and "256 KiB" in run.err
    assert len(run.err.strip().splitlines()) == 1


def test_run_input_over_256_kib_is_refused_and_at_the_limit_accepted(tmp_path: Path) -> None:
    definition = tmp_path / "m.asl.json"
    definition.write_text(json.dumps(PASS))
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"x": "a" * 262_200}))
    run = cli("run", str(definition), "--input-file", str(big))
    assert run.code == 2 and "256 KiB" in run.err
    run = cli("run", str(definition), "--input", json.dumps({"x": "a" * 262_200}))
    assert run.code == 2 and "256 KiB" in run.err
    fits = tmp_path / "fits.json"
    fits.write_text(json.dumps({"x": "a" * 200_000}))
    assert cli("run", str(definition), "--input-file", str(fits)).code == 0


def test_put_events_entries_file_is_bounded(tmp_path: Path) -> None:
    with within(5):
        run = cli("put-events", "resources/examples/order-pipeline", "--entries-file", "/dev/zero")
    assert run.code == 2 and "PutEvents request" in run.err and "1 MB" in run.err


def test_put_events_entries_as_large_as_aws_takes_are_put_and_larger_are_refused_as_aws_does(
    tmp_path: Path,
) -> None:
    def entries(size: int) -> Path:
        path = tmp_path / f"entries-{size}.json"
        detail = json.dumps({"x": "a" * size})
        path.write_text(
            json.dumps([{"Source": "s", "DetailType": "t", "Detail": detail, "EventBusName": "orders"}])
        )
        return path

    project = "resources/examples/order-pipeline"
    put = cli("put-events", project, "--entries-file", str(entries(900_000)))  # over the old 256 KiB
    assert put.code == 0 and "event put: s / t on bus orders" in put.out, put.err
    refused = cli("put-events", project, "--entries-file", str(entries(1_100_000)))
    assert refused.code != 0 and "Total size of the entries in the request is over the limit" in refused.err


def test_definition_on_stdin_is_bounded() -> None:
    with within(10):
        run = cli_process("validate", "-", stdin=b" " * (4 * 1_048_576 + 10))
    assert run.code == 2 and "1,048,576 characters" in run.err


def test_input_folder_is_a_one_line_message(tmp_path: Path) -> None:
    definition = tmp_path / "m.asl.json"
    definition.write_text(json.dumps(PASS))
    run = cli("run", str(definition), "--input-file", str(tmp_path))
    assert run.code == 2 and "folder" in run.err and len(run.err.strip().splitlines()) == 1


# ---------------------------------------------------------------- YAML aliases


def test_yaml_aliases_under_the_node_cap_cannot_expand_to_gigabytes() -> None:
    text = 'a: &a "' + "x" * 100_000 + '"\nb: &b [' + ",".join(["*a"] * 100) + "]\n"
    text += "c: [" + ",".join(["*b"] * 100) + "]\n"  # 10,000 nodes, a gigabyte of text
    with within(1), pytest.raises(DefinitionLoadError, match="characters"):
        parse_text(text, prefer="yaml")


def test_yaml_aliases_of_modest_size_still_read() -> None:
    text = "a: &a {Type: Pass, End: true}\nb: [" + ",".join(["*a"] * 50) + "]\n"
    assert len(parse_text(text, prefer="yaml").value["b"]) == 50


# ---------------------------------------------------------------- StringMatches


@pytest.mark.parametrize(
    ("value", "pattern", "expected"),
    [
        ("abc", "a*c", True),
        ("ac", "a*c", True),
        ("ab", "a*c", False),
        ("a", "a*a", False),
        ("aa", "a*a", True),
        ("", "*", True),
        ("", "", True),
        ("x", "", False),
        ("log-2024.txt", "log-*.txt", True),
        ("a*b", "a\\*b", True),
        ("axb", "a\\*b", False),
        ("a\\b", "a\\\\b", True),
        ("abcabc", "*abc", True),
        ("abcab", "*b*c*b", True),
        ("abcab", "a*b*c*a*b*c", False),
    ],
)
def test_string_matches_semantics(value: str, pattern: str, expected: bool) -> None:
    assert string_matches(value, pattern) is expected


def test_string_matches_with_many_stars_is_linear() -> None:
    with within(0.5):
        assert not string_matches("a" * 40, "*a" * 30 + "b")
        assert not string_matches("a" * 100_000, "*a" * 500 + "b")
    definition = {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.s", "StringMatches": "*a" * 30 + "b", "Next": "Y"}],
                "Default": "N",
            },
            "Y": {"Type": "Succeed"},
            "N": {"Type": "Succeed"},
        },
    }
    with within(1):
        assert run_sync(definition, {"s": "a" * 40}).status == "SUCCEEDED"


# ---------------------------------------------------------------- ArrayUnique


def test_array_unique_is_linear_and_keeps_json_equality() -> None:
    items = [[i % 7, i] for i in range(10_000)] * 2
    definition = {
        "StartAt": "U",
        "States": {"U": {"Type": "Pass", "Parameters": {"u.$": "States.ArrayUnique($.items)"}, "End": True}},
    }
    with within(1):
        result = run_sync(definition, {"items": items})
    assert result.status == "SUCCEEDED" and len(result.output["u"]) == 10_000


def test_array_unique_keeps_one_true_one_int_and_one_double_apart() -> None:
    definition = {
        "StartAt": "U",
        "States": {"U": {"Type": "Pass", "Parameters": {"u.$": "States.ArrayUnique($.items)"}, "End": True}},
    }
    items = [1, 1.0, True, 1, {"a": 1, "b": 2}, {"b": 2, "a": 1}, [1, 2], [2, 1], None, None, "1", 0, False]
    result = run_sync(definition, {"items": items})
    assert result.output["u"] == [1, 1.0, True, {"a": 1, "b": 2}, [1, 2], [2, 1], None, "1", 0, False]
    assert [type(v) for v in result.output["u"][:3]] == [int, float, bool]


@pytest.mark.parametrize(
    ("a", "b"),
    [(1, 1.0), (True, 1), (0, False), ([1], [1.0]), ({"a": 1}, {"a": True}), (None, 0), ("1", 1)],
)
def test_equality_key_agrees_with_json_equal(a: object, b: object) -> None:
    assert (equality_key(a) == equality_key(b)) is json_equal(a, b)


# ---------------------------------------------------------------- user regexes


CATASTROPHIC = [r"(a+)+$", r"(a|a)*$", r"(a*)*b", r"(x+x+)+y", r"^(([a-z])+.)+[A-Z]([a-z])+$"]


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_jsonata_match_with_catastrophic_regex_finishes(pattern: str) -> None:
    with within(1):
        result = evaluate_jsonata(
            f"$match($states.input, /{pattern}/)", states={"input": "a" * 5000 + "!"}, variables={}
        )
    assert result is not None


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_jsonpath_filter_with_catastrophic_regex_finishes(pattern: str) -> None:
    definition = {
        "StartAt": "F",
        "States": {
            "F": {"Type": "Pass", "Parameters": {"hits.$": f"$.items[?(@.s =~ /{pattern}/)]"}, "End": True}
        },
    }
    with within(1):
        result = run_sync(definition, {"items": [{"s": "a" * 5000 + "!"}, {"s": "aaa"}]})
    assert result.status == "SUCCEEDED", result.cause


def test_jsonata_regex_functions_keep_their_results() -> None:
    def ev(expression: str) -> object:
        return evaluate_jsonata(expression, states={}, variables={})

    assert ev('$match("abcab", /(a)(b)/)') == [
        {"match": "ab", "index": 0, "groups": ["a", "b"]},
        {"match": "ab", "index": 3, "groups": ["a", "b"]},
    ]
    assert ev('$replace("abcab", /(a)(b)/, "$2$1")') == "bacba"
    assert ev('$split("a1b2c", /[0-9]/)') == ["a", "b", "c"]
    assert ev('$contains("ABC", /b/i)') is True
    assert ev('$match("äbc", /b/).index') == 1


def test_a_backreference_runs_under_a_budget_that_holds() -> None:
    pattern = compile_user_regex(r"(a*)*\1b")
    assert not pattern.linear
    assert pattern.search("aab") is not None
    with within(3):
        try:
            pattern.search("a" * 40_000 + "c")
        except RegexBudgetError as exc:
            assert "longer than" in str(exc)
    with within(3):
        try:
            states = {"input": "a" * 40_000}
            evaluate_jsonata(r"$match($states.input, /(a*)*\1b/)", states=states, variables={})
        except JsonataEvaluationError as exc:
            assert "longer than" in exc.message


def test_an_invalid_jsonata_regex_is_a_query_error_not_a_crash() -> None:
    with pytest.raises(JsonataEvaluationError, match="Invalid regular expression"):
        evaluate_jsonata('$match("a", /[z-a]/)', states={}, variables={})


def test_event_pattern_wildcards_match_in_linear_time() -> None:
    from engine.bus.pattern import default_pattern_engine

    engine = default_pattern_engine()
    pattern = {"detail": {"key": [{"wildcard": "*a*a*a*a*b"}]}}
    assert engine.check(pattern) is None or "complex" in engine.check(pattern)
    simple = {"detail": {"key": [{"wildcard": "*ab*ab*c"}]}}
    assert engine.check(simple) is None
    event = {"source": "s", "detail-type": "t", "detail": {"key": "ab" * 50_000}}
    with within(0.5):
        assert not engine.test(simple, event)
        assert engine.test(simple, {**event, "detail": {"key": "xxabyyabzzc"}})
    anything_but = {"detail": {"key": [{"anything-but": {"wildcard": "*ab*ab*c"}}]}}
    with within(0.5):
        assert engine.test(anything_but, event)
