"""Validation measured against the AWS-recorded corpus, one test per case.

- every CreateStateMachine InvalidDefinition case is refused;
- where AWS's answer was recorded against the service, our wrapped message equals it;
- ValidateStateMachineDefinition cases give AWS's result and diagnostics;
- no execution definition and no TestState definition is refused (no false refusals).
"""

from __future__ import annotations

from typing import Any

import pytest
from corpus_cases import asl_params, case_id
from figures import Figures

from engine.asl.diagnostics import invalid_definition_message
from engine.asl.validation import validate


def _invalid_definition(case: dict[str, Any]) -> bool:
    expected = case["expected"]
    return (
        case["kind"] == "validation"
        and expected.get("api") == "create_state_machine"
        and expected.get("error_code") == "InvalidDefinition"
    )


INVALID = asl_params(_invalid_definition)
VALIDATE_API = asl_params(lambda case: case["kind"] == "validate_api")
EXECUTIONS = asl_params(lambda case: case["kind"] == "execution")
TEST_STATES = asl_params(lambda case: case["kind"] == "test_state")


def _machine_type(case: dict[str, Any]) -> str:
    return (case.get("api_request") or {}).get("type") or case.get("state_machine_type") or "STANDARD"


def _errors(definition: Any, **kwargs: Any) -> list[Any]:
    return [d for d in validate(definition, **kwargs) if d.severity == "ERROR"]


def _count(outcomes: list[bool]) -> str:
    return f"{sum(outcomes)}/{len(outcomes)}"


def _render_invalid(outcomes: list[tuple[bool, bool | None]]) -> list[str]:
    """(refused, wording matched or None where AWS's answer was not recorded against the service)."""
    recorded = [worded for _, worded in outcomes if worded is not None]
    return [
        f"InvalidDefinition cases refused: {_count([refused for refused, _ in outcomes])}",
        f"AWS-recorded message and location matched: {_count(recorded)}",
    ]


@pytest.mark.parametrize("case", INVALID)
def test_invalid_definition_is_refused_with_aws_wording(case: dict[str, Any], figures: Figures) -> None:
    from compare import normalize  # the corpus's own masking (on sys.path)

    errors = _errors(case["definition"], machine_type=_machine_type(case))
    got = normalize(invalid_definition_message(errors), case) if errors else None
    worded = got == case["expected"]["message"] if case["source"].get("last_validated_date") else None
    outcome = (bool(errors), worded)
    figures.record("InvalidDefinition", case_id(case), outcome, render=_render_invalid, total=len(INVALID))
    assert errors, "not refused"
    assert worded is not False, f"{got!r} != {case['expected']['message']!r}"


def test_the_corpus_holds_91_invalid_definition_cases() -> None:
    if INVALID[0].values[0] is None:
        pytest.skip("the conformance corpus is absent")
    assert len(INVALID) == 91


def _render_validate_api(outcomes: list[bool]) -> list[str]:
    return [f"ValidateStateMachineDefinition cases: {_count(outcomes)}"]


@pytest.mark.parametrize("case", VALIDATE_API)
def test_validate_api_case_gives_aws_result_and_diagnostics(case: dict[str, Any], figures: Figures) -> None:
    diagnostics = validate(case["definition"], machine_type=_machine_type(case))
    result = "FAIL" if any(d.severity == "ERROR" for d in diagnostics) else "OK"
    got = {"result": result, "diagnostics": [d.to_json() for d in diagnostics]}
    want = {"result": case["expected"]["result"], "diagnostics": case["expected"]["diagnostics"]}
    figures.record(
        "ValidateStateMachineDefinition",
        case_id(case),
        got == want,
        render=_render_validate_api,
        total=len(VALIDATE_API),
    )
    assert got == want


def _render_executions(outcomes: list[bool]) -> list[str]:
    return [f"execution definitions accepted: {_count(outcomes)}"]


@pytest.mark.parametrize("case", EXECUTIONS)
def test_execution_definition_is_not_refused(case: dict[str, Any], figures: Figures) -> None:
    errors = _errors(case["definition"], machine_type=_machine_type(case))
    figures.record(
        "execution definitions", case_id(case), not errors, render=_render_executions, total=len(EXECUTIONS)
    )
    assert not errors, errors[0].aws_text()


def _render_test_states(outcomes: list[bool]) -> list[str]:
    return [f"test_state definitions accepted (TestState mode): {_count(outcomes)}"]


@pytest.mark.parametrize("case", TEST_STATES)
def test_test_state_definition_is_not_refused_in_test_state_mode(
    case: dict[str, Any], figures: Figures
) -> None:
    errors = _errors(case["definition"], test_state=True)
    figures.record(
        "test_state definitions",
        case_id(case),
        not errors,
        render=_render_test_states,
        total=len(TEST_STATES),
    )
    assert not errors, errors[0].aws_text()
