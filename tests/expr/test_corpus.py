"""Every path and intrinsic in the recorded AWS conformance corpus must parse.

The corpus holds state machines that AWS accepted (execution and test_state
cases), so any refusal here is a parser bug; two recorded validation cases
hold intrinsics AWS refused, and those must stay refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path as FsPath
from typing import Any

import pytest

from engine.expr import (
    IntrinsicSyntaxError,
    PathSyntaxError,
    looks_like_intrinsic,
    parse_intrinsic,
    parse_path,
)

CORPUS = FsPath(__file__).resolve().parents[2].parent / "shared" / "conformance" / "asl"
ACCEPTED_KINDS = {"execution", "test_state"}
# Fields holding payload templates, where keys ending in '.$' carry expressions.
TEMPLATE_FIELDS = {
    "Parameters",
    "ResultSelector",
    "ItemSelector",
    "Arguments",
    "Assign",
    "Credentials",
    "BatchInput",
}
# '*Path' fields that AWS also lets hold an intrinsic (seen in the corpus: States.Format in CausePath).
PATH_OR_INTRINSIC_FIELDS = {"ErrorPath", "CausePath"}
REFUSED_INTRINSICS = (
    'States.StringToJson(\'{"text":"An \\"escaped double quote\\" here"}\')',
    "States.Format('He said, \\\"Hello, {}!\\\"', 'Test \\\"Name\\\" Here')",
)

# (kind of check, field name, value or None, where); kind "jsonata" marks a skipped state.
Check = tuple[str, str, str | None, str]


def is_jsonata_expr(value: str) -> bool:
    return value.startswith("{%") and value.endswith("%}")


def machine_checks(machine: dict[str, Any], where: str, ql: str) -> Iterator[Check]:
    ql = machine.get("QueryLanguage", ql)
    for name, state in (machine.get("States") or {}).items():
        if isinstance(state, dict):
            yield from state_checks(state, f"{where}/States/{name}", ql)


def state_checks(state: dict[str, Any], where: str, machine_ql: str) -> Iterator[Check]:
    jsonata = state.get("QueryLanguage", machine_ql) == "JSONata"
    if jsonata and "Type" in state:
        yield ("jsonata", "QueryLanguage", None, where)
    for key, value in state.items():
        at = f"{where}/{key}"
        if key == "Branches":
            for i, branch in enumerate(value or []):
                yield from machine_checks(branch, f"{at}[{i}]", machine_ql)
        elif key in ("ItemProcessor", "Iterator") and isinstance(value, dict):
            yield from machine_checks(value, at, machine_ql)
        elif jsonata:
            continue
        elif key in TEMPLATE_FIELDS:
            yield from template_checks(value, at)
        elif key in ("ItemReader", "ItemBatcher", "ReaderConfig"):
            if isinstance(value, dict):
                yield from state_checks(value, at, "JSONPath")
        elif key == "Choices":
            for i, rule in enumerate(value or []):
                yield from rule_checks(rule, f"{at}[{i}]")
        elif key == "Catch":
            for i, catcher in enumerate(value or []):
                yield from state_checks(catcher, f"{at}[{i}]", "JSONPath")
        elif key.endswith("Path") and (value is None or isinstance(value, str)):
            yield (field_kind(key), key, value, at)


def field_kind(key: str) -> str:
    if key == "ResultPath":
        return "reference"
    if key in PATH_OR_INTRINSIC_FIELDS:
        return "expression"
    return "path"


def rule_checks(rule: Any, where: str) -> Iterator[Check]:
    if not isinstance(rule, dict):
        return
    for key, value in rule.items():
        at = f"{where}/{key}"
        if key in ("And", "Or"):
            for i, sub in enumerate(value or []):
                yield from rule_checks(sub, f"{at}[{i}]")
        elif key == "Not":
            yield from rule_checks(value, at)
        elif key == "Assign":
            yield from template_checks(value, at)
        elif (key == "Variable" or key.endswith("Path")) and isinstance(value, str):
            yield ("path", key, value, at)


def template_checks(template: Any, where: str) -> Iterator[Check]:
    if isinstance(template, dict):
        for key, value in template.items():
            at = f"{where}/{key}"
            if key.endswith(".$") and isinstance(value, str):
                yield ("expression", key, value, at)
            else:
                yield from template_checks(value, at)
    elif isinstance(template, list):
        for i, item in enumerate(template):
            yield from template_checks(item, f"{where}[{i}]")


def definition_checks(definition: dict[str, Any]) -> Iterator[Check]:
    if "States" in definition:
        yield from machine_checks(definition, "", "JSONPath")
    else:  # TestState cases carry a single state
        yield from state_checks(definition, "", definition.get("QueryLanguage", "JSONPath"))


def run_check(kind: str, value: str) -> str:
    """Parse one value; returns which parser accepted it (raises on refusal)."""
    if kind == "expression" and looks_like_intrinsic(value):
        parse_intrinsic(value)
        return "intrinsic"
    path = parse_path(value)
    if kind == "reference" and not (path.root == "$" and path.is_reference_path):
        raise PathSyntaxError("not a reference path", text=value)
    return "path"


def load_cases() -> list[tuple[str, dict[str, Any]]]:
    if not CORPUS.is_dir():
        pytest.skip(
            f"conformance corpus not found at {CORPUS}; it lives in the shared folder beside the repo"
        )
    return [(f.name, json.loads(f.read_text(encoding="utf-8"))) for f in sorted(CORPUS.glob("*.json"))]


def test_every_corpus_expression_parses() -> None:
    counts = {"cases": 0, "jsonata_states": 0, "jsonata_strings": 0, "path": 0, "intrinsic": 0, "null": 0}
    failures: list[str] = []
    for name, case in load_cases():
        if case.get("kind") not in ACCEPTED_KINDS or not isinstance(case.get("definition"), dict):
            continue
        counts["cases"] += 1
        for kind, _key, value, where in definition_checks(case["definition"]):
            if kind == "jsonata":
                counts["jsonata_states"] += 1
                continue
            if value is None:
                counts["null"] += 1
                continue
            if is_jsonata_expr(value):
                counts["jsonata_strings"] += 1
                continue
            try:
                counts[run_check(kind, value)] += 1
            except (PathSyntaxError, IntrinsicSyntaxError) as exc:
                failures.append(f"{name} {where}: {exc}")
    print(
        f"\ncorpus: {counts['cases']} cases, {counts['path']} paths and "
        f"{counts['intrinsic']} intrinsics parsed, "
        f"{counts['null']} null paths, {counts['jsonata_states']} JSONata states and "
        f"{counts['jsonata_strings']} {{% %}} strings skipped, {len(failures)} failures"
    )
    assert counts["path"] > 0 and counts["intrinsic"] > 0
    assert not failures, "\n".join(failures)


def test_null_paths_are_skipped_not_checked() -> None:
    definition = {
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "ResultPath": None, "OutputPath": None, "End": True}},
    }
    checks = list(definition_checks(definition))
    assert {c[1] for c in checks} == {"ResultPath", "OutputPath"}
    assert all(c[2] is None for c in checks)


def test_result_templates_are_literal() -> None:
    """A '.$' key under Result is plain data, never an expression."""
    definition = {
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "Result": {"x.$": "ConditionTrue"}, "End": True}},
    }
    assert list(definition_checks(definition)) == []


@pytest.mark.parametrize("text", REFUSED_INTRINSICS)
def test_intrinsics_refused_by_aws_are_refused(text: str) -> None:
    with pytest.raises(IntrinsicSyntaxError):
        parse_intrinsic(text)


def test_recorded_refusals_match_the_corpus() -> None:
    """The refused strings above are the ones recorded in the corpus validation cases."""
    recorded = set()
    for _name, case in load_cases():
        if case.get("kind") != "validation" or "must be a valid JSONPath" not in json.dumps(
            case.get("expected")
        ):
            continue
        for kind, _key, value, _where in definition_checks(case["definition"]):
            if kind == "expression" and value and looks_like_intrinsic(value):
                recorded.add(value)
    assert recorded == set(REFUSED_INTRINSICS)
