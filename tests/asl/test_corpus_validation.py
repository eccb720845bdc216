"""Validation measured against the AWS-recorded corpus.

- every CreateStateMachine InvalidDefinition case is refused;
- where AWS's answer was recorded against the service, our wrapped message equals it;
- ValidateStateMachineDefinition cases give AWS's result and diagnostics;
- no execution definition and no TestState definition is refused (no false refusals).
"""

from __future__ import annotations

from typing import Any

from engine.asl.diagnostics import invalid_definition_message
from engine.asl.validation import validate


def _machine_type(case: dict[str, Any]) -> str:
    return (case.get("api_request") or {}).get("type") or case.get("state_machine_type") or "STANDARD"


def _errors(definition: Any, **kwargs: Any) -> list[Any]:
    return [d for d in validate(definition, **kwargs) if d.severity == "ERROR"]


def test_invalid_definitions_are_refused_with_aws_wording(asl_cases, report_figure) -> None:
    from compare import normalize

    cases = [
        c
        for c in asl_cases
        if c["kind"] == "validation"
        and c["expected"].get("api") == "create_state_machine"
        and c["expected"].get("error_code") == "InvalidDefinition"
    ]
    not_refused, wording = [], []
    recorded = [c for c in cases if c["source"].get("last_validated_date")]
    for case in cases:
        errors = _errors(case["definition"], machine_type=_machine_type(case))
        if not errors:
            not_refused.append(case["_file"])
            continue
        if case["source"].get("last_validated_date"):
            got = normalize(invalid_definition_message(errors), case)
            if got != case["expected"]["message"]:
                wording.append(f"{case['_file']}: {got!r} != {case['expected']['message']!r}")
    report_figure(f"InvalidDefinition cases refused: {len(cases) - len(not_refused)}/{len(cases)}")
    report_figure(
        f"AWS-recorded message and location matched: {len(recorded) - len(wording)}/{len(recorded)}"
    )
    assert len(cases) == 91
    assert not not_refused, not_refused
    assert not wording, "\n".join(wording)


def test_validate_api_cases_give_aws_result_and_diagnostics(asl_cases, report_figure) -> None:
    cases = [c for c in asl_cases if c["kind"] == "validate_api"]
    wrong = []
    for case in cases:
        diagnostics = validate(case["definition"], machine_type=_machine_type(case))
        result = "FAIL" if any(d.severity == "ERROR" for d in diagnostics) else "OK"
        got = {"result": result, "diagnostics": [d.to_json() for d in diagnostics]}
        want = {"result": case["expected"]["result"], "diagnostics": case["expected"]["diagnostics"]}
        if got != want:
            wrong.append(f"{case['_file']}: {got} != {want}")
    report_figure(f"ValidateStateMachineDefinition cases: {len(cases) - len(wrong)}/{len(cases)}")
    assert cases
    assert not wrong, "\n".join(wrong)


def test_no_execution_definition_is_refused(asl_cases, report_figure) -> None:
    cases = [c for c in asl_cases if c["kind"] == "execution"]
    refused = []
    for case in cases:
        errors = _errors(case["definition"], machine_type=_machine_type(case))
        if errors:
            refused.append(f"{case['_file']}: {errors[0].aws_text()}")
    report_figure(f"execution definitions accepted: {len(cases) - len(refused)}/{len(cases)}")
    assert cases
    assert not refused, "\n".join(refused)


def test_no_test_state_definition_is_refused_in_test_state_mode(asl_cases, report_figure) -> None:
    cases = [c for c in asl_cases if c["kind"] == "test_state"]
    refused = []
    for case in cases:
        errors = _errors(case["definition"], test_state=True)
        if errors:
            refused.append(f"{case['_file']}: {errors[0].aws_text()}")
    accepted = len(cases) - len(refused)
    report_figure(f"test_state definitions accepted (TestState mode): {accepted}/{len(cases)}")
    assert cases
    assert not refused, "\n".join(refused)
