"""Fuzz targets of the reliability suite: every parser, and run / test-state / put-events on the CLI.

Each target takes one generated input and raises AssertionError when StateCanvas breaks its
contract on it: an exception other than the parser's own located error, output that is not JSON,
an exit code other than 0/1/2, a traceback or an "internal error". `test_fuzz.py` runs each for a
short budget; `scripts/fuzz_reliability.py` for as long as you like, and counts the inputs.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
ORDER_PIPELINE = ROOT / "resources" / "examples" / "order-pipeline"

# ---------------------------------------------------------------- strategies

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
json_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=20,
)
_JSONISH = '{}[],:"\\ \n\t0123456789.eE+-truefalsnNaIifyx'
# JSON text: valid documents, documents with a non-JSON number spliced in, and near-JSON noise.
json_texts = st.one_of(
    json_values.map(json.dumps),
    st.tuples(
        json_values.map(json.dumps), st.sampled_from(["NaN", "Infinity", "-Infinity", "1e309", "-1e400"])
    ).map(lambda pair: pair[0].replace("null", pair[1], 1) if "null" in pair[0] else f"[{pair[1]}]"),
    st.text(alphabet=_JSONISH, max_size=40),
    st.text(max_size=40),
)
yaml_texts = st.one_of(
    json_texts,
    st.text(alphabet="abc:- &*!|>'\"\n[]{},#%@`?0123", max_size=80),
    st.lists(
        st.sampled_from(["a: &x [1,2]", "b: *x", "- *x", "c: !Ref y", "d: {e: f}", "  - 1", "g: |", "? h"])
    ).map("\n".join),
)
path_texts = st.one_of(
    st.text(alphabet="$.[]*?@()'\"=~<>!&|0123456789abcxyz/:,- \\imsx", max_size=30).map(lambda t: "$" + t),
    st.text(max_size=20),
)
intrinsic_texts = st.one_of(
    st.tuples(
        st.sampled_from(
            ["States.Format", "States.ArrayUnique", "States.MathAdd", "States.StringSplit", "States.X"]
        ),
        st.text(alphabet="$.'\\,() 0123456789abc{}-e", max_size=25),
    ).map(lambda pair: f"{pair[0]}({pair[1]})"),
    st.text(max_size=30),
)
regex_texts = st.text(alphabet="a()[]{}*+?|\\^$.1-9bdswBDSW:<=!,", max_size=20)
wildcards = st.text(alphabet="ab*\\", max_size=12)
subjects = st.text(alphabet="ab*\\", max_size=16)
pattern_values = st.one_of(
    json_values,
    st.dictionaries(
        st.sampled_from(["source", "detail-type", "detail", "$or", "account"]),
        st.one_of(
            st.lists(
                st.one_of(
                    _scalars,
                    st.dictionaries(
                        st.sampled_from(
                            [
                                "prefix",
                                "suffix",
                                "anything-but",
                                "numeric",
                                "exists",
                                "wildcard",
                                "cidr",
                                "equals-ignore-case",
                            ]
                        ),
                        json_values,
                        max_size=2,
                    ),
                ),
                max_size=4,
            ),
            json_values,
        ),
        max_size=3,
    ),
)

# ---------------------------------------------------------------- bookkeeping


class Tally:
    """How many inputs each target ran, and the failures (target, message, sample)."""

    def __init__(self) -> None:
        self.ran: Counter[str] = Counter()
        self.failures: list[tuple[str, str, Any]] = []

    def record(self, target: str, sample: Any, check: Any) -> None:
        self.ran[target] += 1
        try:
            check(sample)
        except AssertionError as exc:
            self.failures.append((target, str(exc), sample))
        except Exception as exc:  # an escape of the contract: the point of fuzzing
            self.failures.append((target, f"{type(exc).__name__}: {exc}", sample))


def _assert_json_output(text: str) -> None:
    if not text.strip():
        return
    from engine.strict_json import loads_strict

    try:
        loads_strict(text)
    except ValueError:
        for line in text.splitlines():  # --history prints one JSON object a line
            if line.strip().startswith(("{", "[")):
                loads_strict(line)


def _cli(*args: str) -> tuple[int, str, str]:
    from engine.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    text = out.getvalue() + err.getvalue()
    assert code in (0, 1, 2), f"exit {code}"
    assert "Traceback" not in text and "internal error" not in text, err.getvalue()[-400:]
    return code, out.getvalue(), err.getvalue()


# ---------------------------------------------------------------- the targets


def strict_json(text: str) -> None:
    from engine.strict_json import JsonInputError, loads_strict

    try:
        value = loads_strict(text)
    except JsonInputError as exc:
        assert "line" in str(exc) or "nested" in str(exc) or "digits" in str(exc), str(exc)
        return
    json.dumps(value, allow_nan=False)  # whatever was accepted can be written back as JSON


def definition_loader(text: str) -> None:
    from engine.asl.loader import DefinitionLoadError, parse_text

    try:
        parse_text(text, source="fuzz", prefer="yaml" if text[:1] not in "{[" else "json")
    except DefinitionLoadError as exc:
        assert exc.located()


def jsonpath(text: str) -> None:
    from engine.expr.errors import ExprError
    from engine.expr.jsonpath import parse_path
    from engine.runtime.api import run

    try:
        parse_path(text)
    except ExprError:
        return
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"v.$": text}, "End": True}}}
    result = run(definition, {"a": [{"b": "aaaa!", "c": 1}, {"b": "x"}], "s": "aaa"})
    assert result.status in ("SUCCEEDED", "FAILED"), result.status
    json.dumps(result.output, allow_nan=False)


def intrinsic(text: str) -> None:
    from engine.expr.errors import ExprError
    from engine.expr.intrinsics import parse_intrinsic

    try:
        parse_intrinsic(text)
    except ExprError:
        return


def user_regex(pattern: str) -> None:
    from engine.expr.user_regex import RegexBudgetError, UserRegexError, compile_user_regex

    try:
        compiled = compile_user_regex(pattern)
    except UserRegexError:
        return
    try:
        compiled.search("a" * 2000 + "!")
        list(compiled.finditer("ab1:" * 50))
    except RegexBudgetError:
        pass


def _wildcard_reference(value: str, pattern: str) -> bool:
    pieces, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            pieces.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        pieces.append(".*" if pattern[i] == "*" else re.escape(pattern[i]))
        i += 1
    return re.fullmatch("".join(pieces), value, re.S) is not None


def string_matches(pair: tuple[str, str]) -> None:
    from engine.runtime.states.choice_state import string_matches as matches

    value, pattern = pair
    assert matches(value, pattern) == _wildcard_reference(value, pattern), pair


def array_unique(items: list[Any]) -> None:
    from engine.expr.intrinsics.functions import _array_unique, json_equal

    expected: list[Any] = []
    for item in items:
        if not any(json_equal(item, seen) for seen in expected):
            expected.append(item)
    got = _array_unique("States.ArrayUnique", [items])
    assert len(got) == len(expected) and all(json_equal(a, b) for a, b in zip(got, expected, strict=True))


def event_pattern(pair: tuple[Any, Any]) -> None:
    from engine.bus.pattern import default_pattern_engine

    pattern, detail = pair
    engine = default_pattern_engine()
    reason = engine.check(pattern)
    assert reason is None or isinstance(reason, str)
    if reason is None:
        event = {"source": "s", "detail-type": "t", "account": "1", "detail": detail}
        engine.test(pattern, event)


def filter_policy(pair: tuple[Any, Any]) -> None:
    from engine.messaging.sns import compile_filter_policy

    policy, body = pair
    try:
        compiled = compile_filter_policy(policy, "MessageBody")
    except ValueError:
        return
    if compiled is not None:
        compiled.matches(json.dumps(body), None)


_MACHINES = {
    "pass": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
    "choice": {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.s", "StringMatches": "*a*b*", "Next": "Y"},
                    {"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Y"},
                ],
                "Default": "Y",
            },
            "Y": {
                "Type": "Pass",
                "Parameters": {"u.$": "States.ArrayUnique(States.Array($.s, $.n, $.s))"},
                "End": True,
            },
        },
    },
    "jsonata": {
        "QueryLanguage": "JSONata",
        "StartAt": "J",
        "States": {
            "J": {"Type": "Pass", "Output": "{% $string($states.input) ~> $match(/(a+)+$/) %}", "End": True}
        },
    },
}


def machine_files(folder: Path) -> dict[str, Path]:
    paths = {}
    for name, definition in _MACHINES.items():
        path = folder / f"{name}.asl.json"
        path.write_text(json.dumps(definition))
        paths[name] = path
    return paths


def cli_run(sample: tuple[Path, str]) -> None:
    path, text = sample
    code, out, _ = _cli("run", str(path), "--json", f"--input={text}")
    if code != 2:
        _assert_json_output(out)


def cli_test_state(sample: tuple[Path, str, str]) -> None:
    path, text, mock = sample
    code, out, _ = _cli(
        "test-state", str(path), f"--input={text}", f"--mock-result={mock}", "--inspection-level=DEBUG"
    )
    if code != 2:
        _assert_json_output(out)


def cli_put_events(text: str) -> None:
    code, out, _ = _cli("put-events", str(ORDER_PIPELINE), "--json", f"--entries={text}")
    if code != 2:
        _assert_json_output(out)
